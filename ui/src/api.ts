// The contract between the UI and the Tauri shell (src-tauri/src/commands/*.rs).
// Every call goes through `call`, which turns a shell error into an `AppError`
// carrying a stable `code` (see luring_client::ClientError::code) and a message.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open } from "@tauri-apps/plugin-dialog";

export interface AppError {
  code: string; // "invalid", "network", "key", "approval", "not_logged_in", "server", ...
  message: string; // English sentence from luring-client; the UI shows its own Indonesian text per code and may add this
}

export interface Account {
  name: string;
  nip: string;
  unit: string | null;
  role: string | null; // "staff" | "supervisor" | "admin"
  server: string | null; // null: offline-only profile
  device_id: string | null;
  has_passphrase: boolean; // the signing key is sealed with a passphrase
  agency_name: string | null;
}

export interface Settings {
  language: "id" | "en";
}

export interface AppState {
  account: Account | null; // null: first run
  settings: Settings;
  profile_dir: string;
}

export interface TaskRow { id: string; title: string; status: string; due: string | null; assignees: string[]; unit: string | null; }
export interface ChecklistItem { id: string; text: string; done: boolean; }
// `text` is the latest version; an edited comment keeps every version in `history`.
export interface Comment { id: string; author: string | null; author_name: string; at: string; text: string; edited?: boolean; edited_at?: string | null; history?: { at: string; text: string }[]; }
export interface Disposition { from: string; to: string; instruction: string; at: string; }
export interface TaskView {
  id: string; title: string; description: string; status: string; due: string | null;
  assignees: string[]; checklist: ChecklistItem[]; comments: Comment[]; dispositions: Disposition[];
  unit: string | null; created_at: string;
}
// Task statuses, as stored: "baru", "dikerjakan", "menunggu", "selesai". Document kinds: "nota-dinas", "surat", "laporan", "memo", "lainnya". Classifications: "biasa", "terbatas", "rahasia".

export interface DocRow { id: string; kind: string; title: string; classification: string; letter_number: string | null; content_hash: string; snippet?: string; }
export interface Attachment { hash: string; name: string; bytes: number; }
export interface DocView {
  id: string; title: string; kind: string; body: string; content_hash: string; classification: string;
  attachments: string[]; letter_number: string | null; unit: string | null; created_at: string;
}

export interface DecisionView { level: number; approver: string; name: string; verdict: string; note: string; decided_at: string; device_id: string;
  /** When the agency server received the decision (its signed receipt), or null while it has not. */
  received_at: string | null; }
export interface ApprovalView {
  id: string; document_id: string; status: string; // "menunggu" | "disetujui" | "ditolak"
  content_hash: string; chain: string[]; requester: string; created_at: string;
  next_approver: string | null; decisions: DecisionView[]; refused: string[];
}
export interface ApprovalLists { waiting_for_me: ApprovalView[]; requested_by_me: ApprovalView[]; }

export interface Refusal { entity: string; hash: string; reason: string; at: string; }

/** What the status bar shows; also the payload of the "luring://sync" event. */
export interface SyncState {
  phase: "idle" | "syncing" | "offline" | "error" | "not_logged_in";
  online: boolean | null; // null: not tried yet
  pending_changes: number; // local changes not yet acknowledged by the server
  pending_items: number; // the tasks, documents and approval records those changes belong to
  last_sync: string | null; // RFC 3339 of the last successful sync
  error: AppError | null; // why the last sync failed (offline, or refused)
  next_try_secs: number | null; // while offline: seconds until the next automatic try
  progress: { round_trips: number; bytes_up: number; bytes_down: number } | null; // while syncing, after each round trip
  rejected: Refusal[];
}

export interface SyncReport { pushed: number; pulled: number; bytes_up: number; bytes_down: number; round_trips: number; rejected: Refusal[]; }

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
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
  workOffline: (name: string, nip: string) => call<AppState>("work_offline", { name, nip }),
  setPassphrase: (passphrase: string) => call<AppState>("set_passphrase", { passphrase }),
  setLanguage: (language: "id" | "en") => call<AppState>("set_language", { language }),

  // sync
  syncState: () => call<SyncState>("sync_state"),
  syncNow: () => call<void>("sync_now"), // returns at once; progress arrives as "luring://sync" events

  // tasks
  listTasks: (filter: { status?: string | null; mine?: boolean; query?: string | null }) => call<TaskRow[]>("list_tasks", { filter }),
  showTask: (id: string) => call<TaskView>("show_task", { id }),
  addTask: (input: { title: string; description: string; due: string | null; assignees: string[] }) => call<TaskView>("add_task", { input }),
  updateTask: (id: string, changes: { title?: string; status?: string; due?: string; description?: string }) => call<TaskView>("update_task", { id, changes }),
  commentTask: (id: string, text: string) => call<TaskView>("comment_task", { id, text }),
  addChecklistItem: (id: string, text: string) => call<TaskView>("add_checklist_item", { id, text }),
  setChecklistItem: (id: string, itemId: string, done: boolean) => call<TaskView>("set_checklist_item", { id, itemId, done }),
  addDisposition: (id: string, to: string, instruction: string) => call<TaskView>("add_disposition", { id, to, instruction }),

  // documents (naskah dinas)
  listDocuments: (kind: string | null) => call<DocRow[]>("list_documents", { kind }),
  searchDocuments: (query: string) => call<DocRow[]>("search_documents", { query }),
  showDocument: (id: string) => call<DocView>("show_document", { id }),
  newDocument: (input: { title: string; kind: string; classification: string; body: string }) => call<DocView>("new_document", { input }),
  /** Saves the whole body; only the difference is stored. Call on every input (the editor coalesces). */
  saveDocumentBody: (id: string, body: string) => call<DocView>("save_document_body", { id, body }),
  updateDocument: (id: string, changes: { title?: string; classification?: string; kind?: string }) => call<DocView>("update_document", { id, changes }),
  listAttachments: (id: string) => call<Attachment[]>("list_attachments", { id }),
  attachFile: (id: string, path: string) => call<Attachment[]>("attach_file", { id, path }),
  /** The system's file chooser; resolves to the chosen file's path, or null if cancelled. */
  pickFile: async (title: string): Promise<string | null> => {
    try {
      const p = await open({ title, multiple: false, directory: false });
      return typeof p === "string" ? p : null;
    } catch (e) {
      throw { code: "internal", message: String(e) } as AppError;
    }
  },

  // approvals (persetujuan)
  listApprovals: () => call<ApprovalLists>("list_approvals"),
  showApproval: (id: string) => call<ApprovalView>("show_approval", { id }),
  requestApproval: (documentId: string, chain: string[]) => call<ApprovalView>("request_approval", { documentId, chain }),
  decideApproval: (id: string, approve: boolean, note: string, passphrase: string) => call<ApprovalView>("decide_approval", { id, approve, note, passphrase }),
  /** Writes the evidence file and returns its path. */
  exportEvidence: (id: string) => call<string>("export_evidence", { id }),
};

export const events = {
  /** The status bar's state changed (sync started, progressed, ended, went offline). */
  onSync: (f: (s: SyncState) => void): Promise<UnlistenFn> => listen<SyncState>("luring://sync", (e) => f(e.payload)),
  /** Data changed underneath the UI (a sync brought something in): reload what is shown. */
  onChanged: (f: () => void): Promise<UnlistenFn> => listen<null>("luring://changed", () => f()),
};
