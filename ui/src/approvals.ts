// Approval helpers shared by Naskah, Beranda and Persetujuan: which request is the
// current one for a document, and how far its chain has come.
import type { ApprovalLists, ApprovalView } from "./api";

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

/** Whether a decision approves (the shell sends luring_model::Verdict::as_str: "approve" or "reject"). */
export function isApprove(verdict: string): boolean {
  return verdict === "approve";
}
