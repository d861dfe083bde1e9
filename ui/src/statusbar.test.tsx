// @vitest-environment happy-dom
// The status bar tells the truth at every moment (issue 15 item 7): a countdown that moves,
// a try at once when the network comes back, the outcome of "Sinkronkan sekarang", and a
// profile without a server that never claims its changes were sent.
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { setBackend, type AppState, type SyncState } from "./api";
import { StatusBar } from "./components/StatusBar";
import { t } from "./i18n";
import { AppCtx, type Ctx } from "./state";

afterEach(cleanup);

const base: SyncState = {
  phase: "idle", online: true, pending_changes: 0, pending_items: 0, last_sync: null,
  error: null, next_try_secs: null, progress: null, rejected: [],
};

/** The bar over a fake shell: `push` sends a sync event, `calls` records commands. */
function bar(first: SyncState) {
  let push: (s: SyncState) => void = () => {};
  const calls: string[] = [];
  const navigated: string[] = [];
  setBackend({
    invoke: async <T,>(cmd: string) => {
      calls.push(cmd);
      return (cmd === "sync_state" ? first : null) as T;
    },
    listen: async <T,>(_: string, f: (p: T) => void) => {
      push = f as (s: SyncState) => void;
      return () => {};
    },
    pickFile: async () => null,
  });
  const ctx: Ctx = {
    app: { account: null, settings: { language: "id" }, profile_dir: "/tmp/p" } as unknown as AppState,
    setApp: () => {},
    route: { screen: "beranda" },
    navigate: (s) => navigated.push(s),
    changed: 0,
  };
  const r = render(<AppCtx.Provider value={ctx}><StatusBar /></AppCtx.Provider>);
  return { ...r, push: (s: SyncState) => push(s), calls, navigated };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("StatusBar tells the truth", () => {
  it("counts down to the next try each second", async () => {
    const { container, push } = bar(base);
    await waitFor(() => expect(container.querySelector('[data-testid="online"]')!.textContent).toBe(t("sync.online")));
    push({ ...base, phase: "offline", online: false, next_try_secs: 5 });
    const next = () => Number(container.querySelector('[data-testid="next-try"]')?.getAttribute("data-seconds"));
    await waitFor(() => expect(next()).toBe(5));
    expect(container.textContent).toContain(t("sync.nextTry", { s: 5 }));
    await sleep(2100);
    await waitFor(() => expect(next()).toBeLessThanOrEqual(3));
    expect(container.textContent).toContain(t("sync.nextTry", { s: next() }));
  });

  it("says when 'Sinkronkan sekarang' fails, in Indonesian", async () => {
    const { container, push, calls } = bar({ ...base, phase: "offline", online: false, next_try_secs: 100 });
    await waitFor(() => expect(container.querySelector("#sync-now")).toBeTruthy());
    fireEvent.click(container.querySelector("#sync-now")!);
    await waitFor(() => expect(calls).toContain("sync_now"));
    // A recount sent before the sync starts is not its outcome.
    push({ ...base, phase: "offline", online: false, next_try_secs: 100, pending_items: 1 });
    await sleep(50);
    expect(container.querySelector('[data-testid="sync-outcome"]')).toBeNull();
    push({ ...base, phase: "syncing", online: false });
    push({ ...base, phase: "offline", online: false, next_try_secs: 2, error: { code: "network", message: "cannot reach the server at http://x (connection refused)" } });
    await waitFor(() => expect(container.querySelector('[data-testid="sync-outcome"]')?.getAttribute("data-ok")).toBe("false"));
    const text = container.querySelector('[data-testid="sync-outcome"]')!.textContent!;
    expect(text).toContain("Sinkronisasi gagal");
    expect(text).toContain("Tidak ada sinyal");
    expect(text).not.toContain("connection refused");
  });

  it("tries at once when the computer's network comes back", async () => {
    const { calls } = bar({ ...base, phase: "offline", online: false, next_try_secs: 100 });
    await waitFor(() => expect(calls).toContain("sync_state"));
    window.dispatchEvent(new Event("online"));
    await waitFor(() => expect(calls).toContain("sync_now"));
  });

  it("says a profile without a server is not connected, and never that all was sent", async () => {
    const { container, navigated } = bar({ ...base, phase: "not_logged_in", online: null, pending_items: 3 });
    await waitFor(() => expect(container.textContent).toContain(t("sync.notLoggedIn")));
    expect(container.textContent).toContain(t("sync.kept", { n: 3 }));
    expect(container.textContent).not.toContain(t("sync.allSent"));
    expect(container.textContent).not.toContain("menunggu dikirim");
    expect(container.querySelector("#sync-now")).toBeNull();
    fireEvent.click(container.querySelector("#sync-connect")!);
    expect(navigated).toEqual(["pengaturan"]);
  });

  it("says each refusal from its code, in Indonesian, with no English reason", async () => {
    const reason = "the document is approved (final): its text and official fields are frozen";
    const refused: SyncState = {
      ...base,
      rejected: [
        { entity: "d-1", hash: "aa", code: "frozen_approved", reason, at: "2026-11-23T08:00:00Z" },
        { entity: "t-2", hash: "bb", code: "approved_by_bsre" as never, reason: "newer", at: "2026-11-23T08:00:00Z" },
      ],
    };
    const { container } = bar(refused);
    const found = (sel: string) => () => {
      const el = container.querySelector(sel);
      expect(el).not.toBeNull();
      return el as HTMLElement;
    };
    const button = await waitFor(found('[data-testid="refusals"]'));
    fireEvent.click(button);
    const list = await waitFor(found(".refusals"));
    expect(list.textContent).toContain(t("refusal.frozen_approved"));
    expect(list.textContent).toContain(t("refusal.unknown"));
    expect(list.innerHTML).not.toContain("frozen:");
    expect(list.innerHTML).not.toContain("newer");
  });
});
