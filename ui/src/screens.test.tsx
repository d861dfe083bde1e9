// @vitest-environment happy-dom
// Screens over the in-memory Backend (dev-mock.ts), without Tauri: what a person sees after
// an action. The real window is tested end to end in tests/desktop; these stay fast.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { setBackend, type AppState, type Backend, type SyncState } from "./api";
import { progressText, StatusBar } from "./components/StatusBar";
import { formatCount } from "./format";
import { memoryBackend } from "./dev-mock";
import { t } from "./i18n";
import { AppCtx, type Ctx } from "./state";
import { Settings } from "./screens/Settings";
import { Tasks } from "./screens/Tasks";

const ME = "198501012010011001";

/** The screen inside the app's context, on `route`, with the account `ME`. */
function inApp(node: preact.ComponentChildren, route: Ctx["route"] = { screen: "tugas" }) {
  const app = {
    account: { name: "Siti", nip: ME, unit: null, role: null, server: null, device_id: null, has_passphrase: false, agency_name: null },
    settings: { language: "id" },
    profile_dir: "/tmp/p",
  } as AppState;
  const ctx: Ctx = { app, setApp: () => {}, route, navigate: () => {}, changed: 0 };
  return render(<AppCtx.Provider value={ctx}>{node}</AppCtx.Provider>);
}

/** The memory backend, recording every command's arguments. */
function recording() {
  const calls: { cmd: string; args?: Record<string, unknown> }[] = [];
  const b: Backend = {
    ...memoryBackend,
    invoke: (cmd, args) => {
      calls.push({ cmd, args });
      return memoryBackend.invoke(cmd, args);
    },
  };
  setBackend(b);
  return calls;
}

afterEach(cleanup);

describe("Tugas", () => {
  it("lists a task once it is added, sending no assignee and no due date as the client expects", async () => {
    const calls = recording();
    const { container } = inApp(<Tasks />);
    fireEvent.input(container.querySelector("#task-new-title")!, { target: { value: "  Rapat koordinasi  " } });
    fireEvent.submit(container.querySelector("#task-new-submit")!.closest("form")!);
    await waitFor(() => expect(screen.getByText(t("task.created"))).toBeTruthy());
    // Left empty: no assignee (luring-client makes the task the writer's own) and due null
    // (the client refuses an empty date, as `luring task add --due=` is refused).
    const add = calls.find((c) => c.cmd === "add_task")!;
    expect(add.args).toEqual({ input: { title: "Rapat koordinasi", description: "", due: null, assignees: [] } });
    // "Hanya tugas saya" keeps it: the backend made it mine.
    fireEvent.click(container.querySelector("#task-filter-mine")!);
    await waitFor(() => {
      const titles = [...container.querySelectorAll(".row-title")].map((e) => e.textContent);
      expect(titles).toContain("Rapat koordinasi");
    });
    const lists = calls.filter((c) => c.cmd === "list_tasks");
    expect(lists[lists.length - 1].args).toEqual({ filter: { status: null, mine: true, query: null } });
  });
});

describe("StatusBar", () => {
  it("shows the phase the shell reports, and follows its events", async () => {
    let push: (s: SyncState) => void = () => {};
    const first: SyncState = {
      phase: "idle", online: true, pending_changes: 0, pending_items: 0, last_sync: null,
      error: null, next_try_secs: null, progress: null, rejected: [],
    };
    setBackend({
      invoke: async <T,>(cmd: string) => (cmd === "sync_state" ? first : null) as T,
      listen: async <T,>(_: string, f: (p: T) => void) => {
        push = f as (s: SyncState) => void;
        return () => {};
      },
      pickFile: async () => null,
      pickSavePath: async () => null,
    });
    const { container } = inApp(<StatusBar />);
    await waitFor(() => expect(container.querySelector('[data-testid="online"]')!.getAttribute("data-online")).toBe("true"));
    expect(screen.queryByText(t("sync.notLoggedIn"))).toBeNull();
    push({ ...first, phase: "not_logged_in", online: null });
    await waitFor(() => expect(screen.getByText(t("sync.notLoggedIn"))).toBeTruthy());
    // A profile with no server never says its changes were sent.
    expect(container.textContent).not.toContain(t("sync.allSent"));
    push({ ...first, phase: "idle", online: true });
    push({ ...first, phase: "syncing", progress: null });
    await waitFor(() => expect((container.querySelector("#sync-now") as HTMLButtonElement).disabled).toBe(true));
    // A first sync: items received of the server's estimate, in the reader's digits.
    const progress = { round_trips: 3, bytes_up: 900, bytes_down: 48_000, items_received: 1234, items_remaining: 8766, retried: 1, budget_bytes: 32768 };
    push({ ...first, phase: "syncing", progress });
    const line = progressText(progress);
    expect(line).toContain(formatCount(1234));
    expect(line).toContain(formatCount(10_000));
    expect(line).toContain(t("sync.resumed", { n: 1 }));
    await waitFor(() => expect(screen.getByTestId("sync-progress").textContent).toBe(line));
  });
});

describe("Pengaturan", () => {
  it("shows 'hemat data' on by default, and unticking it is stored for the profile", async () => {
    const calls = recording();
    const box = () => document.querySelector<HTMLInputElement>("[data-testid=hemat-data]")!;
    inApp(<Settings />, { screen: "pengaturan" });
    expect(screen.getByLabelText(t("set.hematData"))).toBe(box());
    await waitFor(() => expect(box().disabled).toBe(false));
    expect(box().checked).toBe(true);
    fireEvent.click(box());
    await waitFor(() => expect(calls.some((c) => c.cmd === "set_hemat_data")).toBe(true));
    expect(calls.find((c) => c.cmd === "set_hemat_data")!.args).toEqual({ on: false });
    await waitFor(() => expect(box().checked).toBe(false));
    // Opened again, the screen reads the stored setting, not a default.
    cleanup();
    inApp(<Settings />, { screen: "pengaturan" });
    await waitFor(() => expect(box().disabled).toBe(false));
    expect(box().checked).toBe(false);
    fireEvent.click(box());
    await waitFor(() => expect(box().checked).toBe(true));
    expect(calls.filter((c) => c.cmd === "set_hemat_data").map((c) => c.args)).toEqual([{ on: false }, { on: true }]);
  });
});
