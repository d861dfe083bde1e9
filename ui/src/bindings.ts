// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit.
// After changing a type, run `UPDATE_BINDINGS=1 cargo test -p luring-desktop bindings`.

/**
 * Free text with a length limit (descriptions, comments, notes); may be empty only if
 * the caller allows it.
 */
export type Text = string;

/**
 * Nomor Induk Pegawai: the 18-digit civil-servant number.
 */
export type Nip = string;

/**
 * Where a task stands. The spelling is Indonesian because it is shown and typed as is.
 */
export type TaskStatus = "baru" | "dikerjakan" | "menunggu" | "selesai";

/**
 * The kind of a naskah dinas.
 */
export type DocKind = "nota-dinas" | "surat" | "laporan" | "memo" | "lainnya";

/**
 * Security classification (klasifikasi keamanan).
 */
export type Classification = "biasa" | "terbatas" | "rahasia";

/**
 * Where a request stands; spelled in Indonesian as shown to users.
 */
export type ApprovalStatus = "menunggu" | "disetujui" | "ditolak" | "kedaluwarsa" | "ditarik";

/**
 * A document's status, spelled as shown (Draf, Diajukan, Disetujui, Ditolak).
 */
export type DocStatus = "draf" | "diajukan" | "disetujui" | "ditolak";

/**
 * Approve or reject.
 */
export type Verdict = "approve" | "reject";

/**
 * What a person may do in the agency.
 */
export type Role = "staff" | "supervisor" | "admin";

/**
 * One line of a task's checklist.
 */
export type ChecklistItem = { id: string, text: Text, done: boolean, };

/**
 * One later version of a comment, by its author.
 */
export type CommentEdit = { 
/**
 * RFC 3339 time at the author's device.
 */
at: string, text: Text, };

/**
 * One step of a disposition chain: who passed the task to whom, with an instruction.
 */
export type Disposition = { from: Nip, to: Nip, instruction: Text, at: string, };

/**
 * Which rule a [`ValidationError`] broke, as a stable name a UI translates (the message
 * itself is English, for the CLI). One per variant, so a UI can have a sentence for each.
 */
export type ValidationReason = "empty_title" | "title_too_long" | "title_control" | "empty" | "too_long" | "bad_date" | "bad_status" | "bad_nip" | "bad_doc_kind" | "bad_classification" | "bad_role" | "bad_id" | "bad_unit_code" | "bad_attachment";

/**
 * What a UI needs to say a [`ValidationError`] in its own language: the rule, and the
 * numbers or the value the sentence names.
 */
export type ValidationDetail = { reason: ValidationReason, 
/**
 * The value refused (a date, a NIP, a status as typed), when the rule names one.
 */
value: string | null, 
/**
 * Characters given and allowed, for the length rules.
 */
len: number | null, max: number | null, };

/**
 * One code per cause of refusal a person may be told about.
 */
export type RefusalCode = "other_unit" | "unit_fixed" | "id_taken" | "not_your_name" | "other_device" | "not_your_comment" | "disposition_fixed" | "field_fixed" | "text_too_long" | "too_big" | "not_valid" | "depends_on_refused" | "frozen_submitted" | "frozen_approved" | "document_changed" | "damaged_on_server" | "may_not_request" | "may_not_decide" | "not_your_turn" | "already_decided" | "stale_approval" | "withdrawn" | "not_requester" | "not_waiting" | "bad_signature" | "device_revoked" | "wrong_clock" | "number_fixed" | "number_not_approved" | "number_not_leased" | "number_taken" | "unknown";

/**
 * A task as listed.
 */
export type TaskRow = { id: string, title: string, status: TaskStatus, due: string | null, assignees: Array<string>, unit: string | null, 
/**
 * Who gave the task (pemberi tugas), when known.
 */
created_by: string | null, };

/**
 * A bucket as Beranda shows it: how many, and the first few by due date.
 */
export type BucketView = { count: number, first: Array<TaskRow>, };

/**
 * Why an item is new to me.
 */
export type NewsKind = "assigned" | "comment" | "decision" | "waiting";

/**
 * One new thing, as Beranda lists it.
 */
export type NewsItem = { kind: NewsKind, 
/**
 * What a click opens: the task's id, or the approval request's.
 */
id: string, 
/**
 * The task's title, or the requested document's.
 */
title: string, 
/**
 * Who (NIP): the comment's author, the approver who decided, or the requester.
 */
by: string | null, 
/**
 * The task's status, or the request's (`disetujui`, `ditolak`, `menunggu`).
 */
status: string, 
/**
 * Its place in this device's arrival order (newest first in the list).
 */
seq: number, };

/**
 * What is new since I last looked: how many of each kind, and the newest few of all.
 */
export type NewsView = { 
/**
 * The last arrival this view covers: "Tandai sudah dilihat" sends it back
 * ([`Profile::mark_news_seen`]), so what arrives after it stays new.
 */
upto: number, assigned: number, comments: number, decisions: number, waiting: number, 
/**
 * The newest `first` items of every kind together, newest first.
 */
first: Array<NewsItem>, };

/**
 * `luring-client`'s view of one day: never more rows than asked for per bucket.
 */
export type BerandaView = { 
/**
 * The day the buckets are counted from (`YYYY-MM-DD`).
 */
today: string, overdue: BucketView, due_today: BucketView, this_week: BucketView, 
/**
 * My other unfinished tasks: due after this week, or with no due date.
 */
later: number, 
/**
 * What arrived for me since I last marked it seen ("Baru sejak terakhir Anda lihat").
 */
news: NewsView, };

/**
 * A document as listed or found.
 */
export type DocRow = { id: string, kind: DocKind, title: string, classification: Classification, letter_number: string | null, content_hash: string, 
/**
 * Who made it, when known.
 */
created_by: string | null, 
/**
 * For search results: a short excerpt around the match.
 */
snippet?: string, };

/**
 * A row of the Naskah list with its status (see [`crate::DocStatusView`]).
 */
export type DocListRow = { status: DocStatus, 
/**
 * The request that decides the status, if any.
 */
request_id: string | null, id: string, kind: DocKind, title: string, classification: Classification, letter_number: string | null, content_hash: string, 
/**
 * Who made it, when known.
 */
created_by: string | null, 
/**
 * For search results: a short excerpt around the match.
 */
snippet?: string, };

/**
 * Where a document stands.
 */
export type DocStatusView = { status: DocStatus, 
/**
 * Whether the text and official fields are read-only.
 */
frozen: boolean, 
/**
 * The request that decides the status (the approved one, the open one, or the newest).
 */
request_id: string | null, 
/**
 * The approved letter's number, once given.
 */
letter_number: string | null, 
/**
 * The approved document this one revises.
 */
revision_of: string | null, };

/**
 * A local change the server refused, with its reason.
 */
export type Refusal = { entity: string, hash: string, 
/**
 * What a UI says, in its own language ([`RefusalCode::Unknown`] for a refusal an
 * older Luring filed, or a code a newer server sent).
 */
code: RefusalCode, 
/**
 * The server's English sentence (logs, the CLI, a tooltip).
 */
reason: string, at: string, };

/**
 * The account of an open profile.
 */
export type AccountView = { name: string, nip: string, unit: string | null, role: Role | null, 
/**
 * The agency server, or `None` for a profile that has only worked offline.
 */
server: string | null, device_id: string | null, 
/**
 * Whether the device key is sealed under a signing passphrase (needed to sign).
 */
has_passphrase: boolean, agency_name: string | null, };

/**
 * A whole task, as `task show --json` prints it.
 */
export type TaskView = { id: string, title: string, description: string, status: TaskStatus, due: string | null, assignees: Array<string>, checklist: Array<ChecklistItem>, comments: Array<CommentView>, dispositions: Array<Disposition>, unit: string | null, created_at: string, 
/**
 * Who gave the task (pemberi tugas), when known.
 */
created_by: string | null, };

/**
 * A comment as shown: its latest text, marked when it was edited, with its history.
 */
export type CommentView = { id: string, author: string | null, author_name: string, 
/**
 * When it was first written.
 */
at: string, 
/**
 * The latest version.
 */
text: string, edited: boolean, 
/**
 * When the latest version was written, if edited.
 */
edited_at: string | null, 
/**
 * Every version, the original first.
 */
history: Array<CommentEdit>, };

/**
 * A whole document, as `doc show --json` prints it.
 */
export type DocView = { id: string, title: string, kind: DocKind, body: string, 
/**
 * BLAKE3 of the canonical content (what an approval binds to).
 */
content_hash: string, classification: Classification, attachments: Array<string>, letter_number: string | null, unit: string | null, created_at: string, 
/**
 * Who made it, when known.
 */
created_by: string | null, 
/**
 * Where it stands (Draf, Diajukan, Disetujui, Ditolak) and whether it is frozen; set
 * by the profile, which knows its requests.
 */
status: DocStatusView | null, };

/**
 * One attachment of a document, as the Naskah screen lists it.
 */
export type AttachmentView = { 
/**
 * BLAKE3 of the bytes, 64 lowercase hex characters.
 */
hash: string, 
/**
 * The file's name when it was attached, or [`NOT_DOWNLOADED`].
 */
name: string, 
/**
 * Size on this device; 0 when not downloaded.
 */
bytes: number, };

/**
 * One decision, as shown.
 */
export type DecisionView = { level: number, approver: string, name: string, verdict: Verdict, note: string, decided_at: string, device_id: string, 
/**
 * When the agency server received the decision (its signed receipt), once it has.
 */
received_at: string | null, };

/**
 * A decision received that does not count, and why: `code` for the UI to say in its
 * language, `reason` the English sentence (the CLI's).
 */
export type RefusedDecision = { level: number, approver: string, code: RefusalCode, reason: string, };

/**
 * A request and where it stands, as `approval show --json` prints it.
 */
export type ApprovalView = { id: string, document_id: string, status: ApprovalStatus, content_hash: string, chain: Array<string>, requester: string, created_at: string, 
/**
 * NIP of the approver who decides next, while the chain is open.
 */
next_approver: string | null, decisions: Array<DecisionView>, 
/**
 * Decisions received that do not count, with the reason.
 */
refused: Array<RefusedDecision>, };

/**
 * `approval list`.
 */
export type ApprovalLists = { waiting_for_me: Array<ApprovalView>, requested_by_me: Array<ApprovalView>, 
/**
 * Requests on which I signed a decision that counts ("Sudah saya putuskan"), newest
 * first: the signer's history stays after the chain moves on or ends.
 */
decided_by_me: Array<ApprovalView>, };

/**
 * What a sync did, as `luring sync --json` prints it.
 */
export type SyncReport = { 
/**
 * Local changes the server now holds.
 */
pushed: number, 
/**
 * Changes received that were new here.
 */
pulled: number, bytes_up: number, bytes_down: number, round_trips: number, 
/**
 * Local changes refused this time, with reasons.
 */
rejected: Array<Refusal>, };

/**
 * The phase of a sync loop.
 */
export type SyncPhase = "idle" | "syncing" | "offline" | "error" | "not_logged_in";

/**
 * One of Beranda's task buckets, counted from a given day.
 */
export type DueBucket = "overdue" | "today" | "this_week";

/**
 * What a task list is filtered by, as the Tugas screen sends it: a status (absent or empty:
 * all), only this profile's own tasks, and words the title contains (absent or blank: all).
 */
export type TaskQuery = { status?: string | null, mine?: boolean, 
/**
 * Only tasks this profile gave (made) to someone else ("Tugas yang saya berikan").
 */
given_by_me?: boolean, query?: string | null, 
/**
 * Only my unfinished tasks in one of Beranda's buckets (its "lihat semua").
 */
due?: DueBucket | null, 
/**
 * The window's local date the bucket is counted from (`YYYY-MM-DD`; absent: this
 * machine's).
 */
today?: string | null, };

/**
 * A new task as typed by a person. An empty `due` is refused like any other non-date (a
 * window sends `null` for "no due date", as the CLI leaves `--due` out).
 */
export type NewTaskInput = { title: string, description: string, due: string | null, assignees: Array<string>, };

/**
 * Changes to a task's fields; `None` leaves a field alone, an empty `due` clears it.
 */
export type TaskChanges = { title?: string, status?: TaskStatus, due?: string, description?: string, add_assignees?: Array<string>, };

/**
 * A new document as typed by a person.
 */
export type NewDocInput = { title: string, 
/**
 * Absent: a nota dinas.
 */
kind: DocKind | null, body: string, 
/**
 * Absent: biasa.
 */
classification: Classification | null, };

/**
 * Changes to a document's header; `None` leaves a field alone.
 */
export type DocumentChanges = { title?: string, kind?: DocKind, classification?: Classification, };

/**
 * One edit of a body as the editor saw it: at `pos`, `delete` units removed, then
 * `insert` typed. Positions count UTF-16 code units, as the window's text area does, in
 * the text as the previous splice of the same call left it.
 */
export type BodySplice = { pos: number, delete: number, insert: string, };

/**
 * One code per kind of failure a person may be shown.
 */
export type ErrorCode = "invalid" | "no_profile" | "profile_exists" | "not_found" | "wrong_kind" | "nothing_to_change" | "file" | "bundle" | "store" | "network" | "no_answer" | "not_luring" | "cancelled" | "bad_answer" | "key" | "wrong_passphrase" | "passphrase_needed" | "approval" | "unauthorized" | "throttled" | "update_required" | "server" | "attachment_forbidden" | "attachment_not_uploaded" | "attachment_too_big" | "attachment_damaged" | "not_logged_in" | "other_nip" | "profile_copied" | "server_address" | "insecure_http" | "tls_untrusted" | "tls_expired" | "tls_wrong_host" | "ca_file" | "not_your_comment" | "frozen_submitted" | "frozen_approved" | "save_to_folder" | "not_downloaded" | "no_viewer" | "internal";

export type AppError = { code: ErrorCode, message: string, 
/**
 * For `code: "invalid"`: the rule and the values its sentence names.
 */
invalid?: ValidationDetail, };

export type Settings = { language: "id" | "en", };

export type AppState = { 
/**
 * `None` until a profile exists: the window shows its first run.
 */
account: AccountView | null, settings: Settings, profile_dir: string, };

/**
 * What has crossed the link so far in the sync under way (updated after each round trip).
 */
export type Progress = { round_trips: number, bytes_up: number, bytes_down: number, 
/**
 * Changes and approval records received so far in this sync.
 */
items_received: number, 
/**
 * The server's estimate of what still waits (0 when nothing does): with
 * `items_received`, what "Mengunduh 1.234 dari 10.000" shows.
 */
items_remaining: number, 
/**
 * Round trips cut and tried again.
 */
retried: number, 
/**
 * The byte budget of each round, from the measured link.
 */
budget_bytes: number | null, };

/**
 * What the status bar shows.
 */
export type SyncState = { phase: SyncPhase, online: boolean | null, pending_changes: number, 
/**
 * What the status bar counts: tasks, documents and approval records waiting to be sent.
 */
pending_items: number, last_sync: string | null, 
/**
 * Why the last sync failed, in the window's one error shape (it translates `code`).
 */
error: AppError | null, next_try_secs: number | null, progress: Progress | null, rejected: Array<Refusal>, };

/** Every error code the window can receive (the UI's test checks each has a sentence). */
export const ERROR_CODES: ErrorCode[] = ["invalid","no_profile","profile_exists","not_found","wrong_kind","nothing_to_change","file","bundle","store","network","no_answer","not_luring","cancelled","bad_answer","key","wrong_passphrase","passphrase_needed","approval","unauthorized","throttled","update_required","server","attachment_forbidden","attachment_not_uploaded","attachment_too_big","attachment_damaged","not_logged_in","other_nip","profile_copied","server_address","insecure_http","tls_untrusted","tls_expired","tls_wrong_host","ca_file","not_your_comment","frozen_submitted","frozen_approved","save_to_folder","not_downloaded","no_viewer","internal"];

/** Every rule a refused value can break (`AppError.invalid.reason`). */
export const VALIDATION_REASONS: ValidationReason[] = ["empty_title","title_too_long","title_control","empty","too_long","bad_date","bad_status","bad_nip","bad_doc_kind","bad_classification","bad_role","bad_id","bad_unit_code","bad_attachment"];

/** Every reason the server can give for refusing a change (`Refusal.code`). */
export const REFUSAL_CODES: RefusalCode[] = ["other_unit","unit_fixed","id_taken","not_your_name","other_device","not_your_comment","disposition_fixed","field_fixed","text_too_long","too_big","not_valid","depends_on_refused","frozen_submitted","frozen_approved","document_changed","damaged_on_server","may_not_request","may_not_decide","not_your_turn","already_decided","stale_approval","withdrawn","not_requester","not_waiting","bad_signature","device_revoked","wrong_clock","number_fixed","number_not_approved","number_not_leased","number_taken","unknown"];
