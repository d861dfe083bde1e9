// The always-visible bottom bar: connected or not, changes waiting to be sent, last sync,
// progress while syncing, refusals with their reasons, and "Sinkronkan sekarang".
// Starts from api.syncState(), then follows "luring://sync" events.
import { useEffect, useState } from "preact/hooks";
import { api, events, type Progress, type SyncState } from "../api";
import { formatBytes, formatCount, relativeTime } from "../format";
import { t } from "../i18n";
import { useEscape, useEvent } from "../state";
import { ErrorLine } from "./ErrorLine";
import { errorText } from "../errors";

/** The progress line: "Mengunduh 1.234 dari 10.000 perubahan…" while the server says more
 * waits (a first sync), otherwise round trips and bytes; a cut link that was resumed is said. */
export function progressText(p: Progress): string {
  let text;
  if (p.round_trips === 0) text = t("sync.syncingStart");
  else if (p.items_remaining > 0)
    text = t("sync.downloading", {
      got: formatCount(p.items_received),
      total: formatCount(p.items_received + p.items_remaining),
      down: formatBytes(p.bytes_down),
    });
  else text = t("sync.syncing", { rt: p.round_trips, up: formatBytes(p.bytes_up), down: formatBytes(p.bytes_down) });
  return p.retried > 0 ? `${text} · ${t("sync.resumed", { n: p.retried })}` : text;
}

export function StatusBar() {
  const [s, setS] = useState<SyncState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [, setNow] = useState(Date.now());
  const [showRefusals, setShowRefusals] = useState(false);

  useEvent(events.onSync, setS);
  useEffect(() => {
    let alive = true;
    api.syncState().then((st) => alive && setS((old) => old ?? st), (e) => alive && setError(e));
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  useEscape(showRefusals, () => setShowRefusals(false));

  const syncing = s?.phase === "syncing";
  const online = s?.online === true;
  const pending = s?.pending_items ?? 0;
  const rejected = s?.rejected ?? [];

  async function syncNow() {
    setError(null);
    try {
      await api.syncNow();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <footer id="status-bar" class="status-bar" aria-label={t("sync.label")}>
      <span class={`dot ${online ? "on" : "off"}`} aria-hidden="true" />
      <span data-testid="online" data-online={s?.online == null ? "unknown" : String(s.online)} class="sb-item strong">
        {online ? t("sync.online") : t("sync.offline")}
      </span>
      {s && s.online == null && s.phase !== "not_logged_in" && <span class="sb-item muted">({t("sync.notTried")})</span>}
      {s?.phase === "not_logged_in" && <span class="sb-item muted">({t("sync.notLoggedIn")})</span>}
      {s?.phase === "offline" && s.next_try_secs != null && (
        <span class="sb-item muted">{t("sync.nextTry", { s: s.next_try_secs })}</span>
      )}
      <span class="sep" aria-hidden="true">·</span>
      <span
        data-testid="pending"
        data-count={String(pending)}
        class={`sb-item ${pending > 0 ? "warn" : ""}`}
        title={pending > 0 ? t("sync.pendingChanges", { n: s?.pending_changes ?? 0 }) : undefined}
      >
        {pending === 0 ? t("sync.allSent") : pending === 1 ? t("sync.pendingOne") : t("sync.pending", { n: pending })}
      </span>
      <span class="sep" aria-hidden="true">·</span>
      <span class="sb-item muted" data-testid="last-sync" title={s?.last_sync ?? ""}>
        {s?.last_sync ? t("sync.last", { when: relativeTime(s.last_sync) }) : t("sync.never")}
      </span>
      {syncing && s?.progress && (
        <span class="sb-item progress" role="status" data-testid="sync-progress">
          {progressText(s.progress)}
        </span>
      )}
      {syncing && !s?.progress && (
        <span class="sb-item progress" role="status">
          {t("sync.syncingStart")}
        </span>
      )}
      {s?.phase === "error" && (
        <span class="sb-item bad" data-testid="sync-error" role="alert">
          {t("sync.error")}: {errorText(s.error)}
        </span>
      )}
      {rejected.length > 0 && (
        <button type="button" class="link bad" aria-expanded={showRefusals} data-testid="refusals" onClick={() => setShowRefusals((v) => !v)}>
          {t("sync.rejected", { n: rejected.length })}
        </button>
      )}
      <span class="grow" />
      <ErrorLine error={error} />
      <button id="sync-now" type="button" class="primary" disabled={syncing} aria-busy={syncing} onClick={syncNow}>
        {t("sync.now")}
      </button>
      {showRefusals && rejected.length > 0 && (
        <div
          class="refusals"
          role="dialog"
          aria-label={t("sync.rejectedTitle")}
        >
          <div class="refusals-head">
            <strong>{t("sync.rejectedTitle")}</strong>
            <button type="button" onClick={() => setShowRefusals(false)}>
              {t("common.close")}
            </button>
          </div>
          <ul>
            {rejected.map((r, i) => (
              <li key={i}>
                <span class="mono">{r.entity}</span> — {r.reason} <span class="muted">{relativeTime(r.at)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </footer>
  );
}
