// The contract between the UI and the Tauri shell (src-tauri/src/commands/*.rs): one typed
// call per command. The types come from Rust (bindings.ts, generated; never edit them here).
// Every call goes through a `Backend`: the Tauri one in the app, an in-memory one for
// `npm run dev` in a plain browser and for the screen tests (dev-mock.ts). A shell error
// arrives as an `AppError` carrying a stable `code` (see luring_client::ClientError::code)
// and a message.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";
import type {
  AccountView,
  AppError,
  AppState,
  ApprovalLists,
  ApprovalView,
  AttachmentView,
  BerandaView,
  BodySplice,
  DocListRow,
  DocumentChanges,
  DocView,
  NewDocInput,
  NewTaskInput,
  SyncState,
  TaskChanges,
  TaskQuery,
  TaskRow,
  TaskView,
} from "./bindings";

export type * from "./bindings";
export type Account = AccountView;
export type Attachment = AttachmentView;

/** What the UI needs from its host: commands, events, the system's file chooser. */
export interface Backend {
  invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls `f` with each payload of `event`; resolves to the function that stops it. */
  listen<T>(event: string, f: (payload: T) => void): Promise<() => void>;
  /** The chosen file's path, or null if cancelled. */
  pickFile(title: string): Promise<string | null>;
  /** The system's save dialog, starting at `defaultPath` (folder and file name); the chosen path, or null if cancelled. */
  pickSavePath(title: string, defaultPath: string): Promise<string | null>;
}

export const tauriBackend: Backend = {
  invoke: (cmd, args) => invoke(cmd, args),
  listen: (event, f) => listen(event, (e) => f(e.payload as never)),
  pickFile: async (title) => {
    const p = await open({ title, multiple: false, directory: false });
    return typeof p === "string" ? p : null;
  },
  pickSavePath: async (title, defaultPath) => {
    const p = await save({ title, defaultPath, filters: [{ name: "JSON", extensions: ["json"] }] });
    return typeof p === "string" ? p : null;
  },
};

let backend: Backend = tauriBackend;

/** Chooses the backend (before the first render); the app's is Tauri's. */
export function setBackend(b: Backend) {
  backend = b;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await backend.invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) throw e as AppError;
    throw { code: "internal", message: String(e) } as AppError;
  }
}

export const api = {
  // first run and account
  appState: () => call<AppState>("app_state"),
  /** `caFile`: the agency's certificate authority (PEM) when its server's certificate is not from a public one;
   *  `passphrase`: the signing passphrase, when this device's key is already sealed (it proves the key is its own). */
  login: (server: string, nip: string, password: string, caFile: string | null = null, passphrase: string | null = null) =>
    call<AppState>("login", { server, nip, password, caFile, passphrase }),
  /** "Batal": stops the login under way; its `login` call then fails with `cancelled`. */
  cancelLogin: () => call<void>("cancel_login"),
  workOffline: (name: string, nip: string) => call<AppState>("work_offline", { name, nip }),
  setPassphrase: (passphrase: string) => call<AppState>("set_passphrase", { passphrase }),
  setLanguage: (language: AppState["settings"]["language"]) => call<AppState>("set_language", { language }),

  // sync
  syncState: () => call<SyncState>("sync_state"),
  syncNow: () => call<void>("sync_now"), // returns at once; progress arrives as "luring://sync" events

  // tasks
  listTasks: (filter: TaskQuery) => call<TaskRow[]>("list_tasks", { filter }),
  /** Beranda's day (luring-client counts): each bucket's count and its first `first` tasks, from the window's `today`. */
  beranda: (today: string, first: number) => call<BerandaView>("beranda", { today, first }),
  /** "Tandai sudah dilihat": everything up to a Beranda's `news.upto` is seen; what arrived since stays new. */
  markNewsSeen: (upto: number) => call<void>("mark_news_seen", { upto }),
  showTask: (id: string) => call<TaskView>("show_task", { id }),
  /** No assignee: the task is the writer's own (luring-client's rule). No due date: `due: null`. */
  addTask: (input: NewTaskInput) => call<TaskView>("add_task", { input }),
  updateTask: (id: string, changes: TaskChanges) => call<TaskView>("update_task", { id, changes }),
  commentTask: (id: string, text: string) => call<TaskView>("comment_task", { id, text }),
  addChecklistItem: (id: string, text: string) => call<TaskView>("add_checklist_item", { id, text }),
  setChecklistItem: (id: string, itemId: string, done: boolean) => call<TaskView>("set_checklist_item", { id, itemId, done }),
  addDisposition: (id: string, to: string, instruction: string) => call<TaskView>("add_disposition", { id, to, instruction }),

  // documents (naskah dinas)
  /** Each row carries the document's status (computed once, in luring-client). */
  listDocuments: (kind: string | null) => call<DocListRow[]>("list_documents", { kind }),
  searchDocuments: (query: string) => call<DocListRow[]>("search_documents", { query }),
  /** "Buat revisi": a new draft from an approved letter (which stays as signed). */
  reviseDocument: (id: string) => call<DocView>("revise_document", { id }),
  showDocument: (id: string) => call<DocView>("show_document", { id }),
  newDocument: (input: NewDocInput) => call<DocView>("new_document", { input }),
  /** Saves the body the person sees; `splices` (from the text area's input events) made it from
   *  the last body saved and become the stored change when they fit, else only the difference
   *  is stored. Call on every input (the editor coalesces). */
  saveDocumentBody: (id: string, body: string, splices: BodySplice[] = []) =>
    call<DocView>("splice_document_body", { id, splices, body }),
  updateDocument: (id: string, changes: DocumentChanges) => call<DocView>("update_document", { id, changes }),
  listAttachments: (id: string) => call<Attachment[]>("list_attachments", { id }),
  attachFile: (id: string, path: string) => call<Attachment[]>("attach_file", { id, path }),
  fetchAttachment: (id: string, hash: string) => call<Attachment[]>("fetch_attachment", { id, hash }),
  /** "Buka": opens a downloaded attachment with the system's viewer (a copy under its own name); resolves to that copy's path. */
  openAttachment: (id: string, hash: string) => call<string>("open_attachment", { id, hash }),
  /** "Hemat data" (on by default): a colleague's attachment downloads only when opened; off, after every sync. */
  hematData: () => call<boolean>("hemat_data"),
  setHematData: (on: boolean) => call<boolean>("set_hemat_data", { on }),
  /** The system's file chooser; resolves to the chosen file's path, or null if cancelled. */
  pickFile: async (title: string): Promise<string | null> => {
    try {
      return await backend.pickFile(title);
    } catch (e) {
      throw { code: "internal", message: String(e) } as AppError;
    }
  },
  /** The system's save dialog; resolves to the chosen path, or null if cancelled. */
  pickSavePath: async (title: string, defaultPath: string): Promise<string | null> => {
    try {
      return await backend.pickSavePath(title, defaultPath);
    } catch (e) {
      throw { code: "internal", message: String(e) } as AppError;
    }
  },

  // approvals (persetujuan)
  listApprovals: () => call<ApprovalLists>("list_approvals"),
  showApproval: (id: string) => call<ApprovalView>("show_approval", { id }),
  requestApproval: (documentId: string, chain: string[]) => call<ApprovalView>("request_approval", { documentId, chain }),
  decideApproval: (id: string, approve: boolean, note: string, passphrase: string) => call<ApprovalView>("decide_approval", { id, approve, note, passphrase }),
  /** "Tarik pengajuan": withdraws my waiting request; the document becomes editable again. */
  withdrawApproval: (id: string) => call<ApprovalView>("withdraw_approval", { id }),
  /** Where the save dialog starts for request `id`'s evidence: a folder and luring-client's file name for it. */
  evidenceSavePath: (id: string) => call<string>("evidence_save_path", { id }),
  /** Writes the evidence file to `path` (chosen in the save dialog) and returns the path written. */
  exportEvidence: (id: string, path: string) => call<string>("export_evidence", { id, path }),
};

/** The shell's event names (src-tauri/src/sync_loop.rs). */
export const SYNC_EVENT = "luring://sync";
export const CHANGED_EVENT = "luring://changed";

export const events = {
  /** The status bar's state changed (sync started, progressed, ended, went offline). */
  onSync: (f: (s: SyncState) => void): Promise<() => void> => backend.listen<SyncState>(SYNC_EVENT, f),
  /** Data changed underneath the UI (a sync brought something in): reload what is shown. */
  onChanged: (f: (payload: null) => void): Promise<() => void> => backend.listen<null>(CHANGED_EVENT, f),
};
