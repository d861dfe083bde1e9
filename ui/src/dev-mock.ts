// DEV ONLY: the in-memory `Backend` (api.ts) so `npm run dev` works in a plain browser
// without the Tauri shell, and the screen tests (screens.test.tsx) run without it (loaded
// from main.tsx only under import.meta.env.DEV; never in dist/).
// URL flags: ?first (first run), ?netdown (login and sync fail), ?slow (slow saves), ?en.
import { setBackend, type AppState, type ApprovalView, type Backend, type DocStatus, type DocStatusView, type DocView, type DueBucket, type NewsItem, type SyncState, type TaskView } from "./api";

const flags = new URLSearchParams(location.search);
const now = () => new Date().toISOString();
const ago = (mins: number) => new Date(Date.now() - mins * 60000).toISOString();
const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
let seq = 100;
const nextId = (p: string) => `${p}-${++seq}`;
const ME = "198501012010011001";
const BOSS = "197203041998031002";

const state: AppState = {
  account: flags.has("first")
    ? null
    : { name: "Siti Rahmawati", nip: ME, unit: "Seksi Pelayanan Umum", role: "staff", server: "https://luring.dinas.go.id",
        device_id: "dev-7f3a91c2", has_passphrase: false, agency_name: "Dinas Kominfo Kab. Contoh" },
  settings: { language: flags.has("en") ? "en" : "id" },
  profile_dir: "/home/siti/.local/share/luring/profile",
};

const tasks: TaskView[] = [
  { id: "t-1", title: "Rekap laporan kinerja bulanan", description: "Gabungkan laporan dari 4 seksi.", status: "dikerjakan", due: day(-1),
    assignees: [ME], checklist: [{ id: "c1", text: "Data seksi A", done: true }, { id: "c2", text: "Data seksi B", done: false }],
    comments: [{ id: "m1", author: BOSS, author_name: "Budi Santoso", at: ago(90), text: "Tolong selesaikan sebelum rapat.", edited: false, edited_at: null, history: [{ at: ago(90), text: "Tolong selesaikan sebelum rapat." }] }],
    dispositions: [{ from: BOSS, to: ME, instruction: "Segera proses", at: ago(600) }], unit: "Seksi Pelayanan Umum", created_at: ago(3000), created_by: BOSS },
  { id: "t-2", title: "Verifikasi data penerima bantuan desa", description: "", status: "baru", due: day(0), assignees: [ME],
    checklist: [], comments: [], dispositions: [], unit: null, created_at: ago(200), created_by: ME },
  { id: "t-3", title: "Siapkan bahan rapat koordinasi", description: "", status: "selesai", due: day(-3), assignees: [ME],
    checklist: [], comments: [], dispositions: [], unit: null, created_at: ago(5000), created_by: ME },
  { id: "t-4", title: "Susun jadwal pelayanan keliling", description: "", status: "menunggu", due: day(4), assignees: [BOSS],
    checklist: [], comments: [], dispositions: [], unit: null, created_at: ago(100), created_by: ME },
];

const docs: DocView[] = [
  { id: "d-1", title: "Nota dinas jadwal piket WFH", kind: "nota-dinas", body: "Yth. Kepala Dinas\n\nBersama ini kami sampaikan jadwal piket...", content_hash: "blake3:aa11bb22cc33dd44", classification: "biasa", attachments: [], letter_number: null, unit: null, created_at: ago(400), created_by: ME, status: null },
  { id: "d-2", title: "Laporan pelayanan triwulan I", kind: "laporan", body: "Ringkasan pelayanan triwulan pertama.", content_hash: "blake3:ee55ff66", classification: "terbatas", attachments: [], letter_number: "800/012/DKI/2025", unit: null, created_at: ago(9000), created_by: ME, status: null },
  { id: "d-3", title: "Surat undangan rapat desa", kind: "surat", body: "Mengundang Bapak/Ibu...", content_hash: "blake3:1234abcd", classification: "biasa", attachments: [], letter_number: null, unit: null, created_at: ago(50), created_by: BOSS, status: null },
];

const approvals: ApprovalView[] = [
  { id: "a-1", document_id: "d-2", status: "disetujui", content_hash: "blake3:ee55ff66", chain: [BOSS], requester: ME, created_at: ago(8000), next_approver: null,
    decisions: [{ level: 0, approver: BOSS, name: "Budi Santoso", verdict: "approve", note: "Lanjutkan.", decided_at: ago(7000), device_id: "dev-b", received_at: ago(6900) }],
    refused: [{ level: 0, approver: BOSS, code: "already_decided", reason: "level 0 has already decided" }] },
  { id: "a-2", document_id: "d-3", status: "menunggu", content_hash: "blake3:old0000", chain: [ME, BOSS], requester: BOSS, created_at: ago(30), next_approver: ME, decisions: [], refused: [] },
];

let sync: SyncState = { phase: "idle", online: true, pending_changes: 3, pending_items: 1, last_sync: ago(5), error: null, next_try_secs: null, progress: null,
  rejected: [{ entity: "task t-9", hash: "x", code: "other_unit", reason: "you may not change this entity: it belongs to another unit", at: ago(20) }] };

/** The shell's events, delivered in memory. */
const listeners = new Map<string, Set<(payload: unknown) => void>>();
async function emit(event: string, payload: unknown) {
  for (const f of listeners.get(event) ?? []) f(payload);
}

function fail(code: string, message: string): never {
  throw { code, message };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function bump() {
  sync = { ...sync, pending_changes: sync.pending_changes + 1, pending_items: sync.pending_items + 1 };
  void emit("luring://sync", sync);
}
function task(id: string) {
  return tasks.find((x) => x.id === id) ?? fail("not_found", `no task has the id '${id}'`);
}
function doc(id: string) {
  return docs.find((x) => x.id === id) ?? fail("not_found", `no document has the id '${id}'`);
}
/** luring-client's rule: mine is assigned to me, or made by me with no assignee. */
const mineOf = (x: TaskView, me: string) => x.assignees.includes(me) || (x.created_by === me && x.assignees.length === 0);
/** Beranda's buckets of my unfinished tasks (luring-client's beranda.rs), from `today`. */
function inBucket(x: TaskView, me: string, b: DueBucket, today: string): boolean {
  if (!mineOf(x, me) || x.status === "selesai" || !x.due) return false;
  const d = x.due.slice(0, 10);
  const t0 = new Date(`${today}T00:00:00Z`);
  const sunday = new Date(t0.getTime() + ((7 - t0.getUTCDay()) % 7) * 86400000).toISOString().slice(0, 10);
  if (b === "overdue") return d < today;
  if (b === "today") return d === today;
  return d > today && d <= sunday;
}
/** Adds `n` tasks of mine spread over the days around `today` (a busy person's Beranda). */
export function seedManyTasks(n: number, today: string) {
  const t0 = new Date(`${today}T00:00:00Z`).getTime();
  for (let i = 0; i < n; i++) {
    const due = new Date(t0 + ((i % 60) - 30) * 86400000).toISOString().slice(0, 10);
    tasks.push({ id: `t-m${String(i).padStart(5, "0")}`, title: `Tugas rutin nomor ${i + 1} tentang pelayanan desa`, description: "", status: i % 4 === 3 ? "selesai" : "baru",
      due, assignees: [ME], checklist: [], comments: [], dispositions: [], unit: null, created_at: ago(i), created_by: BOSS });
  }
}
/** What arrived "from the server" (luring-store's arrivals), newest last; `newsSeen` is the marker. */
const arrivals: NewsItem[] = [];
let newsSeen = 0;
/** Something arrives for me (a test's stand-in for a sync): it is new until marked seen. */
export function arrive(item: Omit<NewsItem, "seq">) {
  arrivals.push({ ...item, seq: ++seq });
}
function newsView(first: number) {
  const unseen = arrivals.filter((n) => n.seq > newsSeen);
  const count = (k: NewsItem["kind"]) => unseen.filter((n) => n.kind === k).length;
  return { upto: Math.max(newsSeen, ...arrivals.map((n) => n.seq)), assigned: count("assigned"), comments: count("comment"),
    decisions: count("decision"), waiting: count("waiting"), first: [...unseen].reverse().slice(0, first) };
}
const row = (t: TaskView) => ({ id: t.id, title: t.title, status: t.status, due: t.due, assignees: t.assignees, unit: t.unit, created_by: t.created_by });
/** The document status rule of luring-model (document_status), mirrored for the mock. */
function mockStatus(d: DocView): DocStatusView {
  const mine = approvals.filter((a) => a.document_id === d.id).sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  const pick = mine.find((a) => a.status === "disetujui") ?? mine.find((a) => a.status === "menunggu") ?? mine[0];
  const status: DocStatus = !pick ? "draf" : pick.status === "disetujui" ? "disetujui" : pick.status === "menunggu" ? "diajukan" : pick.status === "ditolak" ? "ditolak" : "draf";
  return { status, frozen: status === "diajukan" || status === "disetujui", request_id: pick?.id ?? null, letter_number: d.letter_number, revision_of: revisionOf[d.id] ?? null };
}
const revisionOf: Record<string, string> = {};
const withStatus = (d: DocView): DocView => ({ ...d, status: mockStatus(d) });
const docRow = (d: DocView) => {
  const st = mockStatus(d);
  return { id: d.id, kind: d.kind, title: d.title, classification: d.classification, letter_number: d.letter_number, content_hash: d.content_hash,
    created_by: d.created_by, status: st.status, request_id: st.request_id };
};
function editable(d: DocView) {
  const st = mockStatus(d);
  if (st.frozen) fail(st.status === "disetujui" ? "frozen_approved" : "frozen_submitted", `this document is ${st.status}`);
}
const attachments: Record<string, { hash: string; name: string; bytes: number }[]> = {};
/** What the mock "wrote" for export_evidence and "opened" for open_attachment (the screen tests read them). */
export const savedEvidence: { id: string; path: string }[] = [];
export const openedAttachments: string[] = [];
let hematData = true;
let loginCancelled = false;

async function handle(cmd: string, a: any): Promise<unknown> {
  await sleep(60);
  switch (cmd) {
    case "app_state": return state;
    case "cancel_login": loginCancelled = true; return null;
    case "login":
      loginCancelled = false;
      await sleep(600);
      if (loginCancelled) fail("cancelled", "the login was cancelled");
      if (flags.has("netdown")) fail("network", "cannot reach the server: connection refused");
      state.account = { name: "Siti Rahmawati", nip: a.nip, unit: "Seksi Pelayanan Umum", role: "staff", server: a.server, device_id: "dev-7f3a91c2", has_passphrase: false, agency_name: "Dinas Kominfo" };
      return state;
    case "work_offline":
      state.account = { name: a.name, nip: a.nip, unit: null, role: null, server: null, device_id: null, has_passphrase: false, agency_name: null };
      return state;
    case "set_passphrase": if (state.account) state.account.has_passphrase = true; return state;
    case "set_language": state.settings.language = a.language; return state;
    case "sync_state": return sync;
    case "sync_now":
      if (flags.has("netdown")) fail("network", "connection refused");
      void (async () => {
        for (let i = 1; i <= 3; i++) {
          sync = { ...sync, phase: "syncing", progress: { round_trips: i, bytes_up: i * 1800, bytes_down: i * 5200, items_received: i * 400, items_remaining: (3 - i) * 400, retried: 0, budget_bytes: null } };
          void emit("luring://sync", sync);
          await sleep(700);
        }
        sync = { ...sync, phase: "idle", online: true, pending_changes: 0, pending_items: 0, last_sync: now(), progress: null };
        void emit("luring://sync", sync);
        void emit("luring://changed", null);
      })();
      return null;
    case "list_tasks": {
      const f = a.filter;
      const me = state.account!.nip;
      return tasks.filter((x) => (!f.status || x.status === f.status) && (!f.mine || mineOf(x, me))
        && (!f.due || inBucket(x, me, f.due, f.today))
        && (!f.given_by_me || (x.created_by === me && x.assignees.some((n) => n !== me)))
        && (!f.query || [x.title, x.description, ...x.checklist.map((c) => c.text), ...x.comments.map((c) => c.text)]
          .some((s) => s.toLowerCase().includes(f.query.trim().toLowerCase())))).map(row);
    }
    case "beranda": {
      const me = state.account!.nip;
      const byDue = (x: TaskView, y: TaskView) => ((x.due ?? "9") < (y.due ?? "9") ? -1 : (x.due ?? "9") > (y.due ?? "9") ? 1 : x.id < y.id ? -1 : 1);
      const bucket = (b: DueBucket) => {
        const all = tasks.filter((x) => inBucket(x, me, b, a.today)).sort(byDue);
        return { count: all.length, first: all.slice(0, a.first).map(row) };
      };
      const v = { today: a.today, overdue: bucket("overdue"), due_today: bucket("today"), this_week: bucket("this_week"), later: 0, news: newsView(a.first) };
      const open = tasks.filter((x) => mineOf(x, me) && x.status !== "selesai").length;
      v.later = open - v.overdue.count - v.due_today.count - v.this_week.count;
      return v;
    }
    case "mark_news_seen": newsSeen = Math.max(newsSeen, a.upto); return null;
    case "show_task": return task(a.id);
    case "add_task": {
      if (!a.input.title) fail("invalid", "the title is empty");
      const v: TaskView = { id: nextId("t"), title: a.input.title, description: a.input.description, status: "baru", due: a.input.due,
        assignees: a.input.assignees.length ? a.input.assignees : [state.account!.nip], checklist: [], comments: [], dispositions: [], unit: null, created_at: now(), created_by: state.account!.nip };
      tasks.unshift(v); bump(); return v;
    }
    case "update_task": Object.assign(task(a.id), a.changes); bump(); return task(a.id);
    case "comment_task": task(a.id).comments.push({ id: nextId("m"), author: state.account!.nip, author_name: state.account!.name, at: now(), text: a.text, edited: false, edited_at: null, history: [{ at: now(), text: a.text }] }); bump(); return task(a.id);
    case "add_checklist_item": task(a.id).checklist.push({ id: nextId("c"), text: a.text, done: false }); bump(); return task(a.id);
    case "set_checklist_item": task(a.id).checklist.find((c) => c.id === a.itemId)!.done = a.done; bump(); return task(a.id);
    case "add_disposition":
      if (!/^\d{18}$/.test(a.to)) fail("invalid", "a NIP has 18 digits");
      task(a.id).dispositions.push({ from: state.account!.nip, to: a.to, instruction: a.instruction, at: now() }); bump(); return task(a.id);
    case "list_documents": return docs.filter((d) => !a.kind || d.kind === a.kind).map(docRow);
    case "search_documents": return docs.filter((d) => (d.title + " " + d.body).toLowerCase().includes(a.query.toLowerCase()))
      .map((d) => ({ ...docRow(d), snippet: `…${d.body.slice(0, 40)} [${a.query}] …` }));
    case "show_document": return withStatus(doc(a.id));
    case "revise_document": {
      const old = doc(a.id);
      if (mockStatus(old).status !== "disetujui") fail("approval", "only an approved letter is revised");
      const v: DocView = { ...old, id: nextId("d"), letter_number: null, created_at: now(), created_by: state.account!.nip, status: null };
      revisionOf[v.id] = old.id;
      docs.unshift(v); bump(); return withStatus(v);
    }
    case "new_document": {
      const v: DocView = { id: nextId("d"), title: a.input.title, kind: a.input.kind, body: a.input.body, content_hash: "blake3:" + seq.toString(16).padStart(8, "0"), classification: a.input.classification, attachments: [], letter_number: null, unit: null, created_at: now(), created_by: state.account!.nip, status: null };
      docs.unshift(v); bump(); return withStatus(v);
    }
    case "save_document_body":
    case "splice_document_body": {
      await sleep(flags.has("slow") ? 800 : 40);
      if (a.body.includes("GAGAL")) fail("invalid", "the body contains a forbidden word (dev mock)");
      const d = doc(a.id); editable(d); d.body = a.body; d.content_hash = "blake3:" + Math.abs(hashCode(a.body)).toString(16); bump(); return withStatus(d);
    }
    case "update_document": editable(doc(a.id)); Object.assign(doc(a.id), a.changes); bump(); return withStatus(doc(a.id));
    case "list_attachments": return attachments[a.id] ?? [];
    case "hemat_data": return hematData;
    case "set_hemat_data": hematData = a.on; return hematData;
    case "fetch_attachment": return attachments[a.id] ?? [];
    case "attach_file":
      if (!a.path.startsWith("/")) fail("file", `cannot read ${a.path}: the file does not exist`);
      (attachments[a.id] ??= []).push({ hash: nextId("h"), name: a.path.split("/").pop(), bytes: 123456 }); return attachments[a.id];
    case "list_approvals": {
      const nip = state.account!.nip;
      return { waiting_for_me: approvals.filter((x) => x.next_approver === nip), requested_by_me: approvals.filter((x) => x.requester === nip),
        decided_by_me: approvals.filter((x) => x.decisions.some((d) => d.approver === nip)) };
    }
    case "show_approval": return approvals.find((x) => x.id === a.id) ?? fail("not_found", "no approval");
    case "request_approval": {
      const d = doc(a.documentId);
      editable(d);
      const v: ApprovalView = { id: nextId("a"), document_id: d.id, status: "menunggu", content_hash: d.content_hash, chain: a.chain, requester: state.account!.nip, created_at: now(), next_approver: a.chain[0], decisions: [], refused: [] };
      approvals.push(v); bump(); return v;
    }
    case "decide_approval": {
      if (a.passphrase !== "rahasia123") fail("wrong_passphrase", "wrong signing passphrase");
      const v = approvals.find((x) => x.id === a.id)!;
      const level = v.decisions.length;
      v.decisions.push({ level, approver: state.account!.nip, name: state.account!.name, verdict: a.approve ? "approve" : "reject", note: a.note, decided_at: now(), device_id: "dev-7f3a91c2", received_at: null });
      if (!a.approve) { v.status = "ditolak"; v.next_approver = null; }
      else if (level + 1 >= v.chain.length) { v.status = "disetujui"; v.next_approver = null; }
      else v.next_approver = v.chain[level + 1];
      bump(); return v;
    }
    case "withdraw_approval": {
      const v = approvals.find((x) => x.id === a.id) ?? fail("not_found", "no approval");
      if (v.status !== "menunggu") fail("approval", `this request is already ${v.status}`);
      v.status = "ditarik"; v.next_approver = null; bump(); return v;
    }
    case "evidence_save_path": {
      const v = approvals.find((x) => x.id === a.id) ?? fail("not_found", "no approval");
      const d = doc(v.document_id);
      const part = (d.letter_number ?? d.title.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "");
      return `/home/siti/Dokumen/bukti-persetujuan-${part}-${now().slice(0, 10)}.json`;
    }
    case "export_evidence": {
      approvals.find((x) => x.id === a.id) ?? fail("not_found", "no approval");
      if (!a.path || a.path.endsWith("/")) fail("save_to_folder", `${a.path} is a folder: give the file a name, e.g. bukti-persetujuan.json`);
      savedEvidence.push({ id: a.id, path: a.path });
      return a.path;
    }
    case "open_attachment": {
      const at = (attachments[a.id] ?? []).find((x) => x.hash === a.hash) ?? fail("not_found", "no attachment");
      if (at.bytes === 0) fail("not_downloaded", `attachment ${a.hash} is not downloaded to this device yet`);
      const path = `${state.profile_dir}/cache/lampiran/${a.hash}/${at.name}`;
      openedAttachments.push(path);
      return path;
    }
  }
  fail("internal", `unknown command ${cmd}`);
}

function hashCode(s: string) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

export const memoryBackend: Backend = {
  invoke: async <T,>(cmd: string, args?: Record<string, unknown>) => (await handle(cmd, args ?? {})) as T,
  listen: async <T,>(event: string, f: (payload: T) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const g = f as (payload: unknown) => void;
    set.add(g);
    return () => void set.delete(g);
  },
  pickFile: async () => "/home/siti/Dokumen/scan.pdf",
  pickSavePath: async (_title, defaultPath) => defaultPath,
};

export function installMock() {
  setBackend(memoryBackend);
  // A "background sync" every 45 s to exercise luring://changed.
  setInterval(() => void emit("luring://changed", null), 45000);
  console.info("[luring] dev mock backend installed");
  void runScript();
}

// ?do=click:SELECTOR;type:SELECTOR=TEXT;wait:MS — scripted steps for headless screenshots.
export async function runScript() {
  const script = flags.get("do");
  if (!script) return;
  for (const step of script.split(";")) {
    await sleep(400);
    const [op, rest] = [step.slice(0, step.indexOf(":")), step.slice(step.indexOf(":") + 1)];
    if (op === "wait") await sleep(Number(rest));
    if (op === "click") (document.querySelector(rest) as HTMLElement | null)?.click();
    if (op === "type") {
      const [sel, text] = rest.split("=");
      const el = document.querySelector(sel) as HTMLInputElement | null;
      if (el) {
        el.focus();
        el.value = text;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }
}
