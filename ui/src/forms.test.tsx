// @vitest-environment happy-dom
// Nothing typed is dropped (issue 15 item 3): dates typed as digits or halfway, and a
// task's fields saved as they are edited, even when another task is clicked at once.
import { cleanup, fireEvent, render, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { setBackend, type AppState, type Backend } from "./api";
import { formatDateInput, orderOf, parseDateInput } from "./dates";
import { memoryBackend } from "./dev-mock";
import { setLang, t } from "./i18n";
import { AppCtx, type Ctx } from "./state";
import { Tasks } from "./screens/Tasks";

afterEach(() => {
  cleanup();
  setLang("id");
});

describe("dates as typed", () => {
  it("reads digits, separators and ISO in the Indonesian order", () => {
    for (const s of ["05122026", "5/12/2026", "05-12-2026", "5.12.2026", " 5 12 2026 ", "2026-12-05"]) {
      expect(parseDateInput(s, "dmy"), s).toEqual({ kind: "date", iso: "2026-12-05" });
    }
  });

  it("tells a half-typed date from a wrong one and from none", () => {
    for (const s of ["0512", "051220", "0512202", "05/12", "05/12/", "5/12/20", "05/12/202"]) {
      expect(parseDateInput(s, "dmy").kind, s).toBe("partial");
    }
    for (const s of ["31022026", "32/01/2026", "05/13/2026", "5/12/20261", "besok"]) {
      expect(parseDateInput(s, "dmy").kind, s).toBe("invalid");
    }
    expect(parseDateInput("  ", "dmy").kind).toBe("empty");
  });

  it("shows dd/mm/yyyy in Indonesian and the English locale's order in English", () => {
    expect(formatDateInput("2026-12-05", "dmy")).toBe("05/12/2026");
    expect(formatDateInput("2026-12-05", "mdy")).toBe("12/05/2026");
    expect(orderOf("en-US")).toBe("mdy");
    expect(orderOf("en-GB")).toBe("dmy");
    expect(orderOf("id-ID")).toBe("dmy");
    // The same digits read the other way round under an American English locale.
    expect(parseDateInput("12052026", "mdy")).toEqual({ kind: "date", iso: "2026-12-05" });
  });
});

const ME = "198501012010011001";

function inApp(route: Ctx["route"], navigated: string[] = []) {
  const app = {
    account: { name: "Siti", nip: ME, unit: null, role: null, server: null, device_id: null, has_passphrase: false, agency_name: null },
    settings: { language: "id" },
    profile_dir: "/tmp/p",
  } as AppState;
  const ctx = (r: Ctx["route"]): Ctx => ({ app, setApp: () => {}, route: r, navigate: (_, id) => navigated.push(id ?? ""), changed: 0 });
  const r = render(<AppCtx.Provider value={ctx(route)}><Tasks /></AppCtx.Provider>);
  return { ...r, go: (next: Ctx["route"]) => r.rerender(<AppCtx.Provider value={ctx(next)}><Tasks /></AppCtx.Provider>) };
}

/** The element, or a throw (so waitFor keeps waiting). */
function must<E extends Element>(c: Element, css: string): E {
  const e = c.querySelector<E>(css);
  if (!e) throw new Error(`no ${css}`);
  return e;
}

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

describe("a new task's due date", () => {
  it("typed as 05122026 is 5 December 2026", async () => {
    const calls = recording();
    const { container } = inApp({ screen: "tugas" });
    fireEvent.input(container.querySelector("#task-new-title")!, { target: { value: "Laporan desember" } });
    fireEvent.input(container.querySelector("#task-new-due")!, { target: { value: "05122026" } });
    fireEvent.submit(container.querySelector("#task-new-submit")!.closest("form")!);
    await waitFor(() => expect(calls.some((c) => c.cmd === "add_task")).toBe(true));
    const add = calls.find((c) => c.cmd === "add_task")!;
    expect((add.args!.input as { due: string }).due).toBe("2026-12-05");
  });

  it("typed halfway refuses to submit and says why", async () => {
    const calls = recording();
    const { container } = inApp({ screen: "tugas" });
    fireEvent.input(container.querySelector("#task-new-title")!, { target: { value: "Setengah tanggal" } });
    fireEvent.input(container.querySelector("#task-new-due")!, { target: { value: "0512" } });
    fireEvent.submit(container.querySelector("#task-new-submit")!.closest("form")!);
    await waitFor(() => expect(container.textContent).toContain("Tanggal belum lengkap"));
    expect(calls.some((c) => c.cmd === "add_task")).toBe(false);
    expect(document.activeElement?.id).toBe("task-new-due");
  });
});

describe("a task's detail", () => {
  it("keeps a status changed just before another task is clicked", async () => {
    const calls = recording();
    const { container, go } = inApp({ screen: "tugas", id: "t-2" });
    const status = await waitFor(() => must<HTMLSelectElement>(container, "#task-edit-status"));
    expect(status.value).toBe("baru");
    fireEvent.change(status, { target: { value: "dikerjakan" } });
    go({ screen: "tugas", id: "t-3" }); // at once: no "Simpan perubahan" pressed
    await waitFor(() => expect(calls.some((c) => c.cmd === "update_task")).toBe(true));
    expect(calls.find((c) => c.cmd === "update_task")!.args).toEqual({ id: "t-2", changes: { status: "dikerjakan" } });
    go({ screen: "tugas", id: "t-2" });
    await waitFor(() => expect(container.querySelector<HTMLSelectElement>("#task-edit-status")?.value).toBe("dikerjakan"));
  });

  it("shows its due date as dd/mm/yyyy and saves a new one typed as digits", async () => {
    const calls = recording();
    const { container } = inApp({ screen: "tugas", id: "t-4" });
    const due = await waitFor(() => must<HTMLInputElement>(container, "#task-edit-due"));
    expect(due.value).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    fireEvent.input(due, { target: { value: "0512" } });
    await waitFor(() => expect(container.textContent).toContain(t("date.partial", { pattern: "hh/bb/tttt", digits: "05122026", example: "05/12/2026" })));
    expect(calls.some((c) => c.cmd === "update_task")).toBe(false);
    fireEvent.input(due, { target: { value: "24121999" } });
    await waitFor(() => expect(calls.find((c) => c.cmd === "update_task")?.args).toEqual({ id: "t-4", changes: { due: "1999-12-24" } }));
  });
});

describe("leaving a half-typed due date", () => {
  it("is held once with the reason, and a second click leaves", async () => {
    recording();
    const navigated: string[] = [];
    const { container } = inApp({ screen: "tugas", id: "t-4" }, navigated);
    const due = await waitFor(() => must<HTMLInputElement>(container, "#task-edit-due"));
    fireEvent.input(due, { target: { value: "3112" } });
    const other = await waitFor(() => must<HTMLButtonElement>(container, '[data-task-id="t-1"]'));
    fireEvent.click(other);
    expect(navigated).toEqual([]);
    await waitFor(() => expect(container.textContent).toContain(t("task.leaveHalfDate")));
    expect(document.activeElement?.id).toBe("task-edit-due");
    fireEvent.click(other);
    expect(navigated).toEqual(["t-1"]);
  });
});

describe("Ctrl+F in the editor", () => {
  it("finds every match ignoring case, and none in an empty query", async () => {
    const { matchesOf } = await import("./components/FindBar");
    expect(matchesOf("Rapat desa. rapat camat. RAPAT", "rapat")).toEqual([0, 12, 25]);
    expect(matchesOf("aaaa", "aa")).toEqual([0, 2]);
    expect(matchesOf("abc", "")).toEqual([]);
  });

  it("opens on Ctrl+F, goes to the next match on Enter and selects it in the text", async () => {
    recording();
    const { DocEditor } = await import("./components/DocEditor");
    const app = {
      account: { name: "Siti", nip: ME, unit: null, role: null, server: null, device_id: null, has_passphrase: false, agency_name: null },
      settings: { language: "id" },
      profile_dir: "/tmp/p",
    } as AppState;
    const ctx: Ctx = { app, setApp: () => {}, route: { screen: "naskah", id: "d-1" }, navigate: () => {}, changed: 0 };
    const { container } = render(<AppCtx.Provider value={ctx}><DocEditor id="d-1" onBack={() => {}} /></AppCtx.Provider>);
    const area = await waitFor(() => must<HTMLTextAreaElement>(container, "#doc-editor"));
    fireEvent.keyDown(area, { key: "f", ctrlKey: true });
    const find = await waitFor(() => must<HTMLInputElement>(container, "#doc-find"));
    fireEvent.input(find, { target: { value: "piket" } });
    await waitFor(() => expect(container.querySelector('[data-testid="find-status"]')!.textContent).toContain("1 ditemukan"));
    fireEvent.keyDown(find, { key: "Enter" });
    const at = area.value.toLowerCase().indexOf("piket");
    expect([area.selectionStart, area.selectionEnd]).toEqual([at, at + 5]);
    expect(container.querySelector('[data-testid="find-status"]')!.textContent).toBe("1 dari 1");
    fireEvent.keyDown(find, { key: "Escape" });
    await waitFor(() => expect(container.querySelector("#doc-find")).toBeNull());
  });
});
