// The domain's lists and rules as the screens need them, in one place so that screens
// never import each other for a constant. The spellings are the generated Rust ones
// (bindings.ts); the order is the order shown.
import type { ApprovalLists, ApprovalView, Classification, DocKind, DocRow, TaskRow, TaskStatus } from "./api";
import { dueDay } from "./format";

export const STATUSES: TaskStatus[] = ["baru", "dikerjakan", "menunggu", "selesai"];
export const KINDS: DocKind[] = ["nota-dinas", "surat", "laporan", "memo", "lainnya"];
export const CLASSES: Classification[] = ["biasa", "terbatas", "rahasia"];

/** By due day (tasks without one last), then by title. */
export function sortByDue(a: TaskRow, b: TaskRow): number {
  const da = dueDay(a.due) ?? "9999";
  const db = dueDay(b.due) ?? "9999";
  return da === db ? a.title.localeCompare(b.title) : da < db ? -1 : 1;
}

/** A draft: a document with no letter number whose newest approval request is not approved. */
export function isDraft(d: DocRow, byDoc: Map<string, ApprovalView>): boolean {
  return !d.letter_number && byDoc.get(d.id)?.status !== "disetujui";
}

/** All requests I can see (mine and waiting for me), without duplicates. */
export function allApprovals(l: ApprovalLists | undefined): ApprovalView[] {
  if (!l) return [];
  const seen = new Map<string, ApprovalView>();
  for (const a of [...l.requested_by_me, ...l.waiting_for_me]) seen.set(a.id, a);
  return [...seen.values()];
}

/** document_id → its newest request (by created_at). */
export function newestByDocument(l: ApprovalLists | undefined): Map<string, ApprovalView> {
  const m = new Map<string, ApprovalView>();
  for (const a of allApprovals(l)) {
    const prev = m.get(a.document_id);
    if (!prev || a.created_at > prev.created_at) m.set(a.document_id, a);
  }
  return m;
}

/** Number of levels already approved. */
export function approvedCount(a: ApprovalView): number {
  return a.decisions.filter((d) => isApprove(d.verdict)).length;
}

/** Whether a decision approves. */
export function isApprove(verdict: ApprovalView["decisions"][number]["verdict"]): boolean {
  return verdict === "approve";
}
