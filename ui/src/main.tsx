// Entry point. In `vite dev` without the Tauri shell, a mock backend is installed first
// (dev-mock.ts); that branch is removed from the production build by Vite.
import { render } from "preact";
import { App } from "./App";
import "./styles.css";

async function start() {
  if (import.meta.env.DEV && !(window as unknown as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__) {
    const { installMock } = await import("./dev-mock");
    installMock();
  }
  render(<App />, document.getElementById("root")!);
}
start();
