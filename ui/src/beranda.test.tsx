// @vitest-environment happy-dom
// Issue 15, item 5, over the in-memory Backend (dev-mock.ts): Beranda for one day shows each
// bucket's count and only its first few tasks (however many there are), "lihat semua" opens
// Tugas on that bucket, my requests show what became of them, and what is new since I last
// looked shows until I mark it seen. The layout at 1366×768 is
// checked in the real window (tests/desktop, beranda.rs): happy-dom has no layout.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, setBackend, type AppState, type Backend } from "./api";
import { arrive, memoryBackend, seedManyTasks } from "./dev-mock";
import { formatCount, todayIso } from "./format";
import { t } from "./i18n";
import { Home, HOME_FIRST } from "./screens/Home";
import { Tasks } from "./screens/Tasks";
import { AppCtx, type Ctx, type RouteFilter } from "./state";

const ME = "198501012010011001";
const BOSS = "197203041998031002";

function inApp(node: preact.ComponentChildren, route: Ctx["route"]) {
  const went: [string, string | undefined, RouteFilter | undefined][] = [];
  const app = {
    account: { name: "Siti", nip: ME, unit: null, role: "staff", server: null, device_id: null, has_passphrase: true, agency_name: null },
    settings: { language: "id" },
    profile_dir: "/tmp/p",
  } as AppState;
  const ctx: Ctx = { app, setApp: () => {}, route, navigate: (s, id, f) => void went.push([s, id, f]), changed: 0 };
  return { ...render(<AppCtx.Provider value={ctx}>{node}</AppCtx.Provider>), went };
}

const calls: { cmd: string; args?: Record<string, unknown> }[] = [];
const recording: Backend = {
  ...memoryBackend,
  invoke: (cmd, args) => {
    calls.push({ cmd, args });
    return memoryBackend.invoke(cmd, args);
  },
};

beforeAll(() => setBackend(recording));
afterEach(cleanup);

const bucket = (b: string) => document.querySelector<HTMLElement>(`[data-bucket="${b}"]`)!;

describe("Beranda untuk satu hari", () => {
  it("'lihat semua' opens Tugas on that bucket alone, and the filter can be cleared", async () => {
    const { container } = inApp(<Tasks />, { screen: "tugas", filter: { due: "today" } });
    await waitFor(() => expect(screen.getByTestId("due-filter").textContent).toContain(t("home.bucket.today")));
    const today = todayIso();
    await waitFor(() => expect(container.querySelectorAll("[data-task-id]").length).toBeGreaterThan(0));
    const asks = calls.filter((c) => c.cmd === "list_tasks");
    const ask = asks[asks.length - 1];
    expect(ask.args).toMatchObject({ filter: { due: "today", today } });
    const day = await api.beranda(today, HOME_FIRST);
    expect(day.due_today.count).toBeGreaterThan(0);
    expect(container.querySelectorAll("[data-task-id]").length).toBe(day.due_today.count);
    fireEvent.click(container.querySelector("#task-due-clear")!);
    await waitFor(() => expect(container.querySelectorAll("[data-task-id]").length).toBeGreaterThan(day.due_today.count));
    expect(screen.queryByTestId("due-filter")).toBeNull();
  });

  it("shows each bucket's count and only its first few tasks with 5,000 tasks", async () => {
    seedManyTasks(5000, todayIso());
    const { went } = inApp(<Home />, { screen: "beranda" });
    await waitFor(() => expect(bucket("overdue")).toBeTruthy());
    // What the client is asked for: counts and the first few, never the whole list.
    const asked = calls.find((c) => c.cmd === "beranda")!;
    expect(asked.args).toEqual({ today: todayIso(), first: HOME_FIRST });
    const day = await api.beranda(todayIso(), HOME_FIRST);
    expect(day.overdue.count).toBeGreaterThan(1000);
    for (const [b, v] of [["overdue", day.overdue], ["today", day.due_today], ["this_week", day.this_week]] as const) {
      const el = bucket(b);
      expect(el.querySelector("[data-testid=bucket-count]")!.textContent).toBe(formatCount(v.count));
      expect(el.querySelectorAll("[data-home-task-id]").length).toBe(Math.min(v.count, HOME_FIRST));
    }
    // The whole page holds a handful of task rows, not thousands.
    expect(document.querySelectorAll("[data-home-task-id]").length).toBeLessThanOrEqual(3 * HOME_FIRST);
    // The overdue bucket's first row is the oldest overdue task, shown as overdue.
    const first = bucket("overdue").querySelector("[data-home-task-id]")!;
    expect(first.getAttribute("data-home-task-id")).toBe(day.overdue.first[0].id);
    expect(first.classList.contains("overdue")).toBe(true);

    fireEvent.click(bucket("overdue").querySelector("[data-see-all=overdue]")!);
    expect(went[went.length - 1]).toEqual(["tugas", undefined, { due: "overdue" }]);
    expect(bucket("overdue").querySelector("[data-see-all]")!.textContent).toBe(t("home.seeAll", { n: formatCount(day.overdue.count) }));
  });

  it("shows what became of my requests: approved with its number, rejected as needing changes", async () => {
    const req = await api.requestApproval("d-1", [BOSS]);
    await api.decideApproval(req.id, false, "Perbaiki tanggalnya", "rahasia123");
    inApp(<Home />, { screen: "beranda" });
    await waitFor(() => expect(document.querySelector(`[data-home-request-id="${req.id}"]`)).toBeTruthy());
    const outcome = (id: string) => document.querySelector(`[data-home-request-id="${id}"] [data-testid=home-outcome]`)!.textContent;
    expect(outcome(req.id)).toBe("Ditolak – perlu perbaikan");
    // Its letter number comes with the documents' list.
    await waitFor(() => expect(outcome("a-1")).toBe("Disetujui · No. 800/012/DKI/2025"));
  });

  it("shows what is new since I last looked, each opening its item, until I mark it seen", async () => {
    arrive({ kind: "assigned", id: "t-new", title: "Rekap data penerima bantuan", by: BOSS, status: "baru" });
    arrive({ kind: "comment", id: "t-2", title: "Laporan kegiatan", by: BOSS, status: "dikerjakan" });
    arrive({ kind: "decision", id: "a-9", title: "Nota dinas rapat", by: BOSS, status: "ditolak" });
    arrive({ kind: "waiting", id: "a-8", title: "Surat undangan", by: BOSS, status: "menunggu" });
    const { went } = inApp(<Home />, { screen: "beranda" });
    const card = () => screen.getByTestId("home-news");
    await waitFor(() => expect(card().getAttribute("data-count")).toBe("4"));
    expect(card().querySelector("h2")!.textContent).toContain(t("home.news"));
    expect(card().querySelector("[data-testid=news-count]")!.textContent).toBe(formatCount(4));
    // Counts of every kind, and only the newest few rows, newest first.
    for (const k of ["assigned", "comment", "decision", "waiting"] as const) {
      expect(card().querySelector(`[data-news-count=${k}]`)!.textContent).toContain("1");
    }
    const rows = [...card().querySelectorAll<HTMLElement>("[data-home-news-id]")];
    expect(rows.map((r) => r.getAttribute("data-news-kind"))).toEqual(["waiting", "decision", "comment"]);
    expect(rows.length).toBe(HOME_FIRST);
    expect(rows[1].textContent).toContain("Ditolak – perlu perbaikan");
    expect(rows[2].textContent).toContain(t("home.newsKind.comment"));
    // Each opens its item: a request in Persetujuan, a task in Tugas.
    fireEvent.click(rows[0]);
    expect(went[went.length - 1]).toEqual(["persetujuan", "a-8", undefined]);
    fireEvent.click(rows[2]);
    expect(went[went.length - 1]).toEqual(["tugas", "t-2", undefined]);

    // Marked seen: gone, with the marker at what was shown.
    const upto = (await api.beranda(todayIso(), HOME_FIRST)).news.upto;
    fireEvent.click(screen.getByText(t("home.newsSeen")));
    await waitFor(() => expect(card().getAttribute("data-count")).toBe("0"));
    expect(calls.find((c) => c.cmd === "mark_news_seen")!.args).toEqual({ upto });
    expect(card().textContent).toContain(t("home.newsNone"));
    expect(card().querySelectorAll("[data-home-news-id]").length).toBe(0);
    expect(document.activeElement).toBe(card().querySelector("h2"));

    // What arrives after is new again.
    arrive({ kind: "assigned", id: "t-newer", title: "Verifikasi SPJ", by: BOSS, status: "baru" });
    cleanup();
    inApp(<Home />, { screen: "beranda" });
    await waitFor(() => expect(screen.getByTestId("home-news").getAttribute("data-count")).toBe("1"));
    expect(screen.getByTestId("home-news").querySelector("[data-home-news-id]")!.getAttribute("data-home-news-id")).toBe("t-newer");
  });
});
