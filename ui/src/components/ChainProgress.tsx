// One approval chain, level by level: NIP, name once decided, verdict, note, time;
// the next approver is highlighted. Used in the editor and in Persetujuan.
// Decision levels are 0-based (level 0 = first approver in the chain).
import type { ApprovalView } from "../api";
import { isApprove } from "../domain";
import { formatDateTime } from "../format";
import { t } from "../i18n";

export function ChainProgress({ a, me }: { a: ApprovalView; me?: string }) {
  return (
    <ol class="chain" aria-label={t("apv.chain")}>
      {a.chain.map((nip, i) => {
        const d = a.decisions.find((x) => x.level === i);
        const next = !d && a.status === "menunggu" && a.next_approver === nip && !a.decisions.some((x) => x.level >= i);
        const cls = d ? (isApprove(d.verdict) ? "done ok" : "done bad") : next ? "next" : "";
        return (
          <li class={cls} key={i} aria-current={next ? "step" : undefined}>
            <div class="chain-head">
              <span class="chain-level">{t("apv.level", { n: i + 1 })}</span>
              <span class="mono">{nip}</span>
              {d && <strong>{d.name}</strong>}
              {nip === me && <span class="muted">({t("common.you")})</span>}
              <span class="chain-verdict">
                {d ? (isApprove(d.verdict) ? t("apv.verdict.setuju") : t("apv.verdict.tolak")) : next ? t("apv.next") : t("apv.pending")}
              </span>
            </div>
            {d && (
              <div class="chain-body">
                {d.note && <q>{d.note}</q>} <span class="muted">{formatDateTime(d.decided_at)}</span>
                <span class="muted anchor" data-testid="decision-anchor" data-received={d.received_at ?? ""}>
                  {d.received_at ? t("apv.received", { at: formatDateTime(d.received_at) }) : t("apv.notReceived")}
                </span>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
