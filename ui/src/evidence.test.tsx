// @vitest-environment happy-dom
// Issue 15, item 6, over the in-memory Backend (dev-mock.ts) with the system's save dialog
// replaced by a stand-in that records what it was offered and answers as the test says:
// the evidence is written only where the person chose (nothing on cancel, and no message),
// a folder is refused in Indonesian, the saved path is shown and then clears itself; an
// attachment opens with the system's viewer; the letter number stands on its own.
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, setBackend, type AppState, type Backend } from "./api";
import { DocEditor } from "./components/DocEditor";
import { OK_MS } from "./components/ErrorLine";
import { memoryBackend, openedAttachments, savedEvidence } from "./dev-mock";
import { setLang, t } from "./i18n";
import { Approvals } from "./screens/Approvals";
import { AppCtx, type Ctx } from "./state";

const ME = "198501012010011001";

function inApp(node: preact.ComponentChildren, route: Ctx["route"]) {
  const app = {
    account: { name: "Ani", nip: ME, unit: null, role: null, server: null, device_id: null, has_passphrase: true, agency_name: null },
    settings: { language: "id" },
    profile_dir: "/tmp/p",
  } as AppState;
  const ctx: Ctx = { app, setApp: () => {}, route, navigate: () => {}, changed: 0 };
  return render(<AppCtx.Provider value={ctx}>{node}</AppCtx.Provider>);
}

/** The save dialog's stand-in: what it was offered, and what "the person" answers. */
const dialog = { offered: [] as { title: string; defaultPath: string }[], answer: null as string | null };
const withDialog: Backend = {
  ...memoryBackend,
  pickSavePath: async (title, defaultPath) => {
    dialog.offered.push({ title, defaultPath });
    return dialog.answer;
  },
};

beforeEach(() => {
  setBackend(withDialog);
  dialog.offered = [];
  savedEvidence.length = 0;
  openedAttachments.length = 0;
});
afterEach(() => {
  cleanup();
  setLang("id");
  vi.useRealTimers();
});

const exportButton = () => document.querySelector<HTMLButtonElement>("#evidence-export")!;
const savedLine = () => screen.getByTestId("evidence-path");

describe("Ekspor bukti", () => {
  it("offers the client's name in the save dialog and writes nothing when cancelled", async () => {
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() => expect(exportButton()).toBeTruthy());
    dialog.answer = null;
    fireEvent.click(exportButton());
    await waitFor(() => expect(dialog.offered.length).toBe(1));
    expect(dialog.offered[0].title).toBe("Simpan bukti persetujuan");
    expect(dialog.offered[0].defaultPath).toMatch(/^\/home\/siti\/Dokumen\/bukti-persetujuan-800-012-DKI-2025-\d{4}-\d{2}-\d{2}\.json$/);
    await waitFor(() => expect(exportButton().disabled).toBe(false));
    expect(savedEvidence).toEqual([]);
    expect(savedLine().textContent).toBe("");
    expect(document.querySelector("#evidence-error")).toBeNull();
  });

  it("writes to the chosen path and shows it in a line that clears itself", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() => expect(exportButton()).toBeTruthy());
    dialog.answer = "/media/flashdisk/bukti-piket.json";
    fireEvent.click(exportButton());
    await waitFor(() => expect(savedLine().textContent).toBe("Bukti disimpan di: /media/flashdisk/bukti-piket.json"));
    expect(savedEvidence).toEqual([{ id: "a-1", path: "/media/flashdisk/bukti-piket.json" }]);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(OK_MS + 100);
    });
    expect(savedLine().textContent).toBe("");
  });

  it("refuses a folder with an Indonesian sentence, and says it in English in English", async () => {
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() => expect(exportButton()).toBeTruthy());
    dialog.answer = "/home/siti/Dokumen/";
    fireEvent.click(exportButton());
    await waitFor(() => expect(document.querySelector("#evidence-error")?.textContent).toBe(t("err.save_to_folder")));
    expect(t("err.save_to_folder")).toContain("Yang dipilih adalah folder");
    expect(savedEvidence).toEqual([]);
    cleanup();
    setLang("en");
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() => expect(exportButton()).toBeTruthy());
    fireEvent.click(exportButton());
    await waitFor(() => expect(document.querySelector("#evidence-error")?.textContent).toContain("A folder was chosen, not a file"));
  });

  it("shows the letter number of the approved letter on its own", async () => {
    inApp(<Approvals />, { screen: "persetujuan", id: "a-1" });
    await waitFor(() => expect(screen.getByTestId("approval-letter-number").textContent).toBe("800/012/DKI/2025"));
  });
});

describe("Lampiran dan nomor surat di editor", () => {
  it("opens an attachment with the system's viewer and says so", async () => {
    await api.attachFile("d-1", "/home/ani/Dokumen/jadwal piket.pdf");
    inApp(<DocEditor id="d-1" onBack={() => {}} />, { screen: "naskah", id: "d-1" });
    const open = await screen.findByRole("button", { name: "Buka jadwal piket.pdf dengan aplikasi di komputer ini" });
    expect(open.textContent).toBe("Buka");
    fireEvent.click(open);
    await waitFor(() => expect(screen.getByTestId("attachment-opened").textContent).toBe("jadwal piket.pdf dibuka dengan aplikasi di komputer ini."));
    expect(openedAttachments).toHaveLength(1);
    expect(openedAttachments[0]).toMatch(/\/jadwal piket\.pdf$/);
  });

  it("says why a colleague's attachment cannot be downloaded yet, and keeps Unduh for later", async () => {
    // The client's refusal as the shell passes it on: the sender has not finished uploading.
    const hash = "ab".repeat(32);
    setBackend({
      ...withDialog,
      invoke: async <T,>(cmd: string, args?: Record<string, unknown>) => {
        if (cmd === "list_attachments") return [{ hash, name: "(belum diunduh)", bytes: 0 }] as T;
        if (cmd === "fetch_attachment") throw { code: "attachment_not_uploaded", message: "the server refused this attachment: not finished" };
        return withDialog.invoke<T>(cmd, args);
      },
    });
    inApp(<DocEditor id="d-1" onBack={() => {}} />, { screen: "naskah", id: "d-1" });
    fireEvent.click(await screen.findByRole("button", { name: "Unduh" }));
    await waitFor(() => expect(document.body.textContent).toContain(t("err.attachment_not_uploaded")));
    expect(t("err.attachment_not_uploaded")).toContain("pengirimnya belum selesai mengunggah");
    expect(document.body.textContent).not.toContain("not finished");
    expect(screen.getByRole("button", { name: "Unduh" })).toBeTruthy();
  });

  it("puts the letter number of an approved letter in the header and on the approval card", async () => {
    inApp(<DocEditor id="d-2" onBack={() => {}} />, { screen: "naskah", id: "d-2" });
    await waitFor(() => expect(screen.getByTestId("editor-letter-number").textContent).toBe("800/012/DKI/2025"));
    await waitFor(() => expect(screen.getByTestId("doc-letter-number").textContent).toBe("800/012/DKI/2025"));
    cleanup();
    // A draft has no number, and no empty element for one.
    inApp(<DocEditor id="d-1" onBack={() => {}} />, { screen: "naskah", id: "d-1" });
    await waitFor(() => expect(screen.getByTestId("editor-doc-status")).toBeTruthy());
    expect(screen.queryByTestId("editor-letter-number")).toBeNull();
    expect(screen.queryByTestId("doc-letter-number")).toBeNull();
  });
});
