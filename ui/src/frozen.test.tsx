// @vitest-environment happy-dom
// Issue 15, items 1-2, over the in-memory Backend (dev-mock.ts): a submitted or approved
// letter is read-only in the editor, every screen shows the same status word, "Buat
// revisi" opens a new draft, withdrawing unlocks, and the supervisor's views (decided by
// me, tasks I gave, my own drafts) hold only what they name.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { api, setBackend, type AppState } from "./api";
import { DocEditor } from "./components/DocEditor";
import { docStatusText } from "./components/DocStatusBadge";
import { memoryBackend } from "./dev-mock";
import { t } from "./i18n";
import { Approvals } from "./screens/Approvals";
import { Documents } from "./screens/Documents";
import { Home } from "./screens/Home";
import { Tasks } from "./screens/Tasks";
import { AppCtx, type Ctx } from "./state";

const ME = "198501012010011001";
const BOSS = "197203041998031002";

/** The screen inside the app's context on `route`, as `nip`; navigations are recorded. */
function inApp(node: preact.ComponentChildren, route: Ctx["route"], nip = ME) {
  const went: [string, string | undefined][] = [];
  const app = {
    account: { name: "Siti", nip, unit: null, role: null, server: null, device_id: null, has_passphrase: true, agency_name: null },
    settings: { language: "id" },
    profile_dir: "/tmp/p",
  } as AppState;
  const ctx: Ctx = { app, setApp: () => {}, route, navigate: (s, id) => void went.push([s, id]), changed: 0 };
  return { ...render(<AppCtx.Provider value={ctx}>{node}</AppCtx.Provider>), went };
}

const area = () => document.querySelector<HTMLTextAreaElement>("#doc-editor")!;
const badge = () => screen.getByTestId("doc-approval-status");

afterEach(cleanup);
setBackend(memoryBackend);

describe("Naskah yang diajukan dan disetujui", () => {
  it("an approved letter is read-only and final, and Buat revisi opens a new draft naming it", async () => {
    const { went } = inApp(<DocEditor id="d-2" onBack={() => {}} />, { screen: "naskah", id: "d-2" });
    await waitFor(() => expect(badge().textContent).toBe(docStatusText("disetujui", "800/012/DKI/2025")));
    expect(area().readOnly).toBe(true);
    expect(document.querySelector("#approval-request")).toBeNull();
    expect(document.querySelector<HTMLFieldSetElement>("fieldset.plain")!.disabled).toBe(true);
    expect(document.querySelector("#doc-attach-submit")).toBeNull();
    fireEvent.click(document.querySelector("#doc-revise")!);
    await waitFor(() => expect(went.length).toBe(1));
    const [where, id] = went[0];
    expect(where).toBe("naskah");
    const rev = await api.showDocument(id!);
    expect(rev.status).toMatchObject({ status: "draf", frozen: false, revision_of: "d-2" });
    expect(rev.body).toBe((await api.showDocument("d-2")).body);
    // The original stays approved.
    expect((await api.showDocument("d-2")).status?.status).toBe("disetujui");
  });

  it("asking for approval locks the text; withdrawing unlocks it", async () => {
    inApp(<DocEditor id="d-1" onBack={() => {}} />, { screen: "naskah", id: "d-1" });
    await waitFor(() => expect(badge().textContent).toBe(t("dst.draf")));
    expect(area().readOnly).toBe(false);
    fireEvent.input(document.querySelector("#approval-chain")!, { target: { value: BOSS } });
    fireEvent.submit(document.querySelector("#approval-request")!.closest("form")!);
    await waitFor(() => expect(badge().textContent).toBe(t("dst.diajukan")));
    await waitFor(() => expect(area().readOnly).toBe(true));
    expect(screen.getByTestId("doc-frozen").textContent).toBe(t("frz.submitted"));
    await waitFor(() => expect(document.querySelector("#approval-withdraw")).toBeTruthy());
    fireEvent.click(document.querySelector("#approval-withdraw")!);
    await waitFor(() => expect(badge().textContent).toBe(t("dst.draf")));
    await waitFor(() => expect(area().readOnly).toBe(false));
  });

  it("the list, the editor and Persetujuan show the same status word", async () => {
    inApp(<Documents />, { screen: "naskah" });
    const row = (id: string) => document.querySelector(`[data-doc-id="${id}"] [data-testid="doc-approval"]`);
    await waitFor(() => expect(row("d-2")?.textContent).toBe(docStatusText("disetujui", "800/012/DKI/2025")));
    cleanup();
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() =>
      expect(screen.getByTestId("approval-doc-status").textContent).toBe(docStatusText("disetujui", "800/012/DKI/2025")),
    );
  });
});

describe("Keputusan yang tidak dihitung", () => {
  it("says why from its code, in Indonesian, without the English reason", async () => {
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    const line = await waitFor(() => {
      const el = document.querySelector('[data-code="already_decided"]');
      expect(el).toBeTruthy();
      return el!;
    });
    expect(line.textContent).toBe(t("apv.refused", { level: 1, who: BOSS, r: t("refusal.already_decided") }));
    expect(line.outerHTML).not.toContain("has already decided");
  });
});

describe("Tampilan atasan", () => {
  it("keeps the signer's decisions in 'Sudah saya putuskan' after the chain moves on", async () => {
    // a-2 waits for me at level 1 of 2; once I approve it waits for the next approver.
    await api.decideApproval("a-2", true, "", "rahasia123");
    inApp(<Approvals />, { screen: "persetujuan" });
    const tab = await screen.findByRole("tab", { name: new RegExp(t("apv.tabDecided")) });
    fireEvent.click(tab);
    await waitFor(() => expect(document.querySelector('[data-approval-id="a-2"]')).toBeTruthy());
    expect(tab.getAttribute("aria-selected")).toBe("true");
  });

  it("Beranda lists only my own drafts, and the tasks I gave to others", async () => {
    inApp(<Home />, { screen: "beranda" });
    await waitFor(() => expect(document.querySelector("[data-home-given-id]")).toBeTruthy());
    // d-3 is the supervisor's, not a draft of mine; d-2 is final.
    const drafts = [...document.querySelectorAll("[data-home-doc-id]")].map((e) => e.getAttribute("data-home-doc-id"));
    expect(drafts).not.toContain("d-3");
    expect(drafts).not.toContain("d-2");
    const given = [...document.querySelectorAll("[data-home-given-id]")].map((e) => e.getAttribute("data-home-given-id"));
    // t-4 I gave to my supervisor; t-2 is my own (for me), t-1 was given to me.
    expect(given).toEqual(["t-4"]);
  });

  it("Tugas filters the tasks I gave, and a task shows who gave it", async () => {
    const { container } = inApp(<Tasks />, { screen: "tugas" });
    await waitFor(() => expect(container.querySelector('[data-task-id="t-1"]')).toBeTruthy());
    fireEvent.click(container.querySelector("#task-filter-given")!);
    await waitFor(() => {
      const ids = [...container.querySelectorAll("[data-task-id]")].map((e) => e.getAttribute("data-task-id"));
      expect(ids).toEqual(["t-4"]);
    });
    cleanup();
    inApp(<Tasks />, { screen: "tugas", id: "t-1" });
    await waitFor(() => expect(screen.getByTestId("task-giver").textContent).toBe(BOSS));
  });
});
