// The status of an approval request as a coloured word (Disetujui / Menunggu persetujuan / Ditolak).
import type { ApprovalView } from "../api";
import { tCode } from "../i18n";

export function ApprovalBadge({ a, testid }: { a: ApprovalView | undefined | null; testid?: string }) {
  return (
    <span class={`badge appr-${a?.status ?? "none"}`} data-testid={testid} data-status={a?.status ?? ""}>
      {a ? tCode("appr", a.status) : ""}
    </span>
  );
}
