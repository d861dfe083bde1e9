// A document's one status as a coloured word: Draf, Sedang diajukan, Disetujui · No. …,
// Ditolak – perlu perbaikan. luring-client computes it (DocStatusView, DocListRow); every
// screen shows it through this badge, so the editor, Naskah, Persetujuan and Beranda agree.
import type { DocStatus } from "../api";
import { t, type Key } from "../i18n";

export function docStatusText(status: DocStatus, number?: string | null): string {
  return status === "disetujui" && number ? t("dst.disetujuiNo", { n: number }) : t(`dst.${status}` as Key);
}

export function DocStatusBadge({ status, number, testid }: { status: DocStatus; number?: string | null; testid?: string }) {
  return (
    <span class={`badge dst-${status}`} data-testid={testid} data-status={status}>
      {docStatusText(status, number)}
    </span>
  );
}
