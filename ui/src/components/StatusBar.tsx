// The always-visible bottom bar: connected or not, changes waiting to be sent, last sync,
// progress while syncing, refusals with their reasons, and "Sinkronkan sekarang".
// Starts from api.syncState(), then follows "luring://sync" events. Offline, it counts
// down to the next try each second; when the computer's network comes back it asks for a
// sync at once; "Sinkronkan sekarang" says how that sync ended. A profile with no server
// says so, and never "Semua perubahan terkirim".
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, events, type Progress, type SyncState } from "../api";
import { formatBytes, formatCount, relativeTime } from "../format";
import { getLang, t } from "../i18n";
import { useApp, useEscape, useEvent } from "../state";
import { ErrorLine } from "./ErrorLine";
import { errorText, refusalText } from "../errors";

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

/** Seconds left until `at` (ms since the epoch), never below 0. */
const secondsTo = (at: number, now: number) => Math.max(0, Math.ceil((at - now) / 1000));

export function StatusBar() {
  const { navigate } = useApp();
  const [s, setS] = useState<SyncState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  const [showRefusals, setShowRefusals] = useState(false);
  // When the next try is due (the shell says "in N seconds"; the bar counts down to it).
  const [nextAt, setNextAt] = useState<number | null>(null);
  // "Sinkronkan sekarang" was pressed: the outcome of that sync is said, then fades.
  const manual = useRef<"asked" | "running" | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const onState = useCallback((st: SyncState) => {
    setS(st);
    setNow(Date.now());
    setNextAt(st.phase === "offline" && st.next_try_secs != null ? Date.now() + st.next_try_secs * 1000 : null);
    // The outcome is that of the sync the press started: seen running, then ended (a state
    // sent before it started, e.g. a recount of what waits, says nothing yet).
    if (st.phase === "syncing") {
      if (manual.current === "asked") manual.current = "running";
    } else if (manual.current === "running") {
      if (st.phase === "idle") {
        manual.current = null;
        setOutcome({ ok: true, text: t("sync.nowDone") });
      } else if (st.phase === "offline" || st.phase === "error") {
        manual.current = null;
        setOutcome({ ok: false, text: t("sync.nowFailed", { why: st.error ? errorText(st.error) : t("sync.offline") }) });
      }
    }
  }, []);
  useEvent(events.onSync, onState);
  useEffect(() => {
    let alive = true;
    api.syncState().then(
      (st) => {
        if (!alive) return;
        setS((old) => old ?? st);
        if (st.phase === "offline" && st.next_try_secs != null) setNextAt((old) => old ?? Date.now() + st.next_try_secs! * 1000);
      },
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, []);
  // A live clock: each second while a countdown runs, else each half minute ("5 menit lalu").
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), nextAt != null ? 1000 : 30_000);
    return () => clearInterval(timer);
  }, [nextAt != null]);
  // The computer says its network is back: try at once rather than at the end of a backoff.
  useEffect(() => {
    const back = () => void api.syncNow().catch(() => {});
    window.addEventListener("online", back);
    return () => window.removeEventListener("online", back);
  }, []);
  // A sync's outcome line clears itself.
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(null), outcome.ok ? 4000 : 15_000);
    return () => clearTimeout(timer);
  }, [outcome]);

  useEscape(showRefusals, () => setShowRefusals(false));

  const syncing = s?.phase === "syncing";
  const noServer = s?.phase === "not_logged_in";
  const online = s?.online === true;
  const pending = s?.pending_items ?? 0;
  const rejected = s?.rejected ?? [];

  async function syncNow() {
    setError(null);
    setOutcome(null);
    manual.current = "asked";
    try {
      await api.syncNow();
    } catch (e) {
      manual.current = null;
      setError(e);
    }
  }

  const left = nextAt != null ? secondsTo(nextAt, now) : null;
  const pendingText = noServer
    ? pending === 0 ? t("sync.keptAll") : t("sync.kept", { n: pending })
    : pending === 0 ? t("sync.allSent") : pending === 1 ? t("sync.pendingOne") : t("sync.pending", { n: pending });

  return (
    <footer id="status-bar" class="status-bar" aria-label={t("sync.label")}>
      <span class={`dot ${online ? "on" : "off"}`} aria-hidden="true" />
      <span data-testid="online" data-online={s?.online == null ? "unknown" : String(s.online)} class="sb-item strong">
        {noServer ? t("sync.notLoggedIn") : online ? t("sync.online") : t("sync.offline")}
      </span>
      {s && s.online == null && !noServer && <span class="sb-item muted">({t("sync.notTried")})</span>}
      {s?.phase === "offline" && left != null && (
        <span class="sb-item muted" data-testid="next-try" data-seconds={String(left)}>
          {left > 0 ? t("sync.nextTry", { s: left }) : t("sync.retrying")}
        </span>
      )}
      <span class="sep" aria-hidden="true">·</span>
      <span
        data-testid="pending"
        data-count={String(pending)}
        class={`sb-item ${pending > 0 ? "warn" : ""}`}
        title={pending > 0 ? t("sync.pendingChanges", { n: s?.pending_changes ?? 0 }) : undefined}
      >
        {pendingText}
      </span>
      {!noServer && (
        <>
          <span class="sep" aria-hidden="true">·</span>
          <span class="sb-item muted" data-testid="last-sync" title={s?.last_sync ?? ""}>
            {s?.last_sync ? t("sync.last", { when: relativeTime(s.last_sync, now) }) : t("sync.never")}
          </span>
        </>
      )}
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
      {s?.phase === "error" && !outcome && (
        <span class="sb-item bad" data-testid="sync-error" role="alert">
          {t("sync.error")}: {errorText(s.error)}
        </span>
      )}
      {outcome && (
        <span class={`sb-item ${outcome.ok ? "ok" : "bad"}`} data-testid="sync-outcome" data-ok={String(outcome.ok)} role={outcome.ok ? "status" : "alert"}>
          {outcome.text}
        </span>
      )}
      {rejected.length > 0 && (
        <button type="button" class="link bad" aria-expanded={showRefusals} data-testid="refusals" onClick={() => setShowRefusals((v) => !v)}>
          {t("sync.rejected", { n: rejected.length })}
        </button>
      )}
      <span class="grow" />
      <ErrorLine error={error} />
      {noServer ? (
        <button id="sync-connect" type="button" onClick={() => navigate("pengaturan")}>
          {t("set.connect")}
        </button>
      ) : (
        <button id="sync-now" type="button" class="primary" disabled={syncing} aria-busy={syncing} onClick={syncNow}>
          {t("sync.now")}
        </button>
      )}
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
                {/* Said from the refusal's code in the UI's language; the server's English
                    sentence is a tooltip in English only. */}
                <span class="mono">{r.entity}</span> —{" "}
                <span data-code={r.code} title={getLang() === "en" ? r.reason : undefined}>{refusalText(r.code)}</span>{" "}
                <span class="muted">{relativeTime(r.at)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </footer>
  );
}
