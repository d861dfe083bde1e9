// Persetujuan: three tabs (waiting for me / my requests / decided by me, the signer's
// history that stays after the chain moves on) and the open request's detail: the
// document's status (the same one every screen shows), the document under review (with a
// red warning if it changed since the request), the chain progress, the signed decision
// form when it is my turn, "Tarik pengajuan" for my waiting request, and evidence export.
import { useEffect, useState } from "preact/hooks";
import { api, type ApprovalLists, type ApprovalView } from "../api";
import { ApprovalBadge } from "../components/ApprovalBadge";
import { ChainProgress } from "../components/ChainProgress";
import { DocStatusBadge } from "../components/DocStatusBadge";
import { ErrorLine, OkLine } from "../components/ErrorLine";
import { approvedCount } from "../domain";
import { formatDateTime, relativeTime, shortHash } from "../format";
import { getLang, t, tCode } from "../i18n";
import { refusalText } from "../errors";
import { useAction, useApp, useEscape, useLoad } from "../state";

type Tab = "waiting" | "mine" | "decided";
const TABS: Tab[] = ["waiting", "mine", "decided"];

function tabRows(l: ApprovalLists | undefined, tab: Tab): ApprovalView[] | undefined {
  return tab === "waiting" ? l?.waiting_for_me : tab === "mine" ? l?.requested_by_me : l?.decided_by_me;
}

export function Approvals() {
  const { route, navigate } = useApp();
  const lists = useLoad(() => api.listApprovals(), []);
  const docs = useLoad(() => api.listDocuments(null), []);
  const [tab, setTab] = useState<Tab>("waiting");

  // On the first load, open the tab that has something to show: the open request's tab when
  // one was opened from elsewhere (Beranda, Naskah), else "mine" when nothing waits for me.
  useEffect(() => {
    const l = lists.data;
    if (!l) return;
    const inMine = (id: string) => l.requested_by_me.some((a) => a.id === id);
    const inWaiting = (id: string) => l.waiting_for_me.some((a) => a.id === id);
    const inDecided = (id: string) => l.decided_by_me.some((a) => a.id === id);
    if (route.id && !inWaiting(route.id)) {
      if (inMine(route.id)) setTab("mine");
      else if (inDecided(route.id)) setTab("decided");
    } else if (!route.id && !l.waiting_for_me.length) {
      if (l.requested_by_me.length) setTab("mine");
      else if (l.decided_by_me.length) setTab("decided");
    }
  }, [lists.data === undefined]);

  const titles = new Map((docs.data ?? []).map((d) => [d.id, d.title]));
  const rows = tabRows(lists.data, tab) ?? [];
  // The signer's history comes newest decision first (luring-client's order).
  const sorted = tab === "decided" ? rows : [...rows].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));

  function onTabKey(e: KeyboardEvent) {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      const i = TABS.indexOf(tab);
      const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
      setTab(next);
      document.getElementById(`apv-tab-${next}`)?.focus();
    }
  }

  return (
    <section class="screen split" aria-labelledby="apv-h">
      <div class="pane list-pane">
        <header class="screen-head">
          <h1 id="apv-h" tabIndex={-1}>{t("apv.title")}</h1>
        </header>
        <div class="tabs" role="tablist" aria-label={t("apv.title")} onKeyDown={onTabKey}>
          {TABS.map((k) => {
            const n = tabRows(lists.data, k)?.length ?? 0;
            return (
              <button
                key={k}
                type="button"
                role="tab"
                id={`apv-tab-${k}`}
                aria-selected={tab === k}
                aria-controls="apv-list"
                tabIndex={tab === k ? 0 : -1}
                class={tab === k ? "active" : ""}
                onClick={() => setTab(k)}
              >
                {k === "waiting" ? t("apv.tabWaiting") : k === "mine" ? t("apv.tabMine") : t("apv.tabDecided")} <span class="count">{n}</span>
              </button>
            );
          })}
        </div>
        <div id="apv-list" role="tabpanel" aria-labelledby={`apv-tab-${tab}`}>
          <ErrorLine error={lists.error} />
          {lists.data && sorted.length === 0 && <p class="muted">{t("apv.empty")}</p>}
          <ul class="rows">
            {sorted.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  class={`row ${route.id === a.id ? "selected" : ""}`}
                  data-approval-id={a.id}
                  aria-current={route.id === a.id ? "true" : undefined}
                  onClick={() => navigate("persetujuan", a.id)}
                >
                  <span class="row-title">{titles.get(a.document_id) ?? a.document_id}</span>
                  <span class="row-meta">
                    <ApprovalBadge a={a} />
                    <span>{t("apv.progress", { done: approvedCount(a), total: a.chain.length })}</span>
                    <span class="muted">{relativeTime(a.created_at)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div class="pane detail-pane">
        {route.id ? (
          <ApprovalDetail key={route.id} id={route.id} onChanged={lists.reload} onClose={() => navigate("persetujuan")} />
        ) : (
          <p class="muted placeholder">{t("apv.select")}</p>
        )}
      </div>
    </section>
  );
}

function ApprovalDetail({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const { app, navigate } = useApp();
  const me = app.account?.nip;
  const apv = useLoad(() => api.showApproval(id), [id]);
  const docId = apv.data?.document_id;
  const doc = useLoad(() => (docId ? api.showDocument(docId) : Promise.resolve(undefined)), [docId]);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  useEscape(true, onClose, true);

  async function exportEvidence() {
    setExportError(null);
    setExported(null);
    try {
      setExported(await api.exportEvidence(id));
    } catch (e) {
      setExportError(e);
    }
  }

  const a = apv.data;
  const d = doc.data;
  const changed = !!(a && d && d.content_hash !== a.content_hash);
  const mayWithdraw = !!(a && a.status === "menunggu" && a.requester === me);
  const [withdrawError, setWithdrawError] = useState<unknown>(null);

  async function withdraw() {
    setWithdrawError(null);
    try {
      apv.set(await api.withdrawApproval(id));
      doc.reload();
      onChanged();
    } catch (e) {
      setWithdrawError(e);
    }
  }
  const myTurn = !!(a && a.status === "menunggu" && a.next_approver && a.next_approver === me);

  return (
    <article class="detail" aria-labelledby="apv-detail-h" id="approval-detail" data-detail-approval-id={id}>
      <div class="detail-head">
        <h2 id="apv-detail-h">{d?.title ?? t("apv.document")}</h2>
        <button type="button" onClick={onClose} aria-keyshortcuts="Escape">{t("common.close")}</button>
      </div>
      <ErrorLine error={apv.error} />
      {a && (
        <>
          <p class="status-line">
            <span data-testid="approval-status" data-status={a.status} class={`badge appr-${a.status}`}>
              {tCode("appr", a.status)}
            </span>{" "}
            <span class="muted">{t("apv.requestedBy", { nip: a.requester, at: formatDateTime(a.created_at) })}</span>
          </p>
          {d?.status && (
            <p class="status-line">
              <span class="muted">{t("apv.docStatus")}:</span>{" "}
              <DocStatusBadge status={d.status.status} number={d.letter_number} testid="approval-doc-status" />
            </p>
          )}
          <p class="muted small mono" title={a.content_hash}>{t("apv.hash", { h: shortHash(a.content_hash) })}</p>
          {mayWithdraw && (
            <div class="actions">
              <button id="approval-withdraw" type="button" onClick={() => void withdraw()}>{t("frz.withdraw")}</button>
            </div>
          )}
          <ErrorLine error={withdrawError} />
          {changed && a.status === "menunggu" && (
            <div class="error" role="alert" data-testid="approval-stale">
              <strong>{t("apv.changed")}</strong> {t("apv.changedLatest")}
            </div>
          )}
          {a.refused.map((r, i) => (
            <p key={i} class="error" role="alert" data-code={r.code} title={getLang() === "en" ? r.reason : undefined}>
              {t("apv.refused", { level: r.level + 1, who: r.approver, r: refusalText(r.code) })}
            </p>
          ))}

          <h3>{t("apv.chain")}</h3>
          <ChainProgress a={a} me={me} />

          {myTurn && <DecisionForm a={a} hasPass={!!app.account?.has_passphrase} onDecided={(v) => { apv.set(v); onChanged(); }} />}

          <h3>{t("apv.document")}</h3>
          <ErrorLine error={doc.error} />
          {d && <pre class="doc-body" tabIndex={0} aria-label={t("apv.document")}>{d.body}</pre>}
          {d && (
            <p>
              <button type="button" class="link" onClick={() => navigate("naskah", d.id)}>{t("doc.open")}: {d.title}</button>
            </p>
          )}

          <div class="actions">
            <button id="evidence-export" type="button" onClick={exportEvidence}>{t("apv.export")}</button>
          </div>
          {exported && <p class="ok" role="status" data-testid="evidence-path">{t("apv.exported", { path: exported })}</p>}
          <ErrorLine error={exportError} />
        </>
      )}
    </article>
  );
}

function DecisionForm({ a, hasPass, onDecided }: { a: ApprovalView; hasPass: boolean; onDecided: (v: ApprovalView) => void }) {
  const { navigate } = useApp();
  const [note, setNote] = useState("");
  const [pass, setPass] = useState("");
  const { busy, error, setError, ok, setOk, run } = useAction();

  async function decide(approve: boolean) {
    setError(null);
    setOk(null);
    if (!pass) return setError(t("apv.needPass"));
    await run(async () => {
      const v = await api.decideApproval(a.id, approve, note, pass);
      setPass("");
      setNote("");
      setOk(t("apv.decided"));
      onDecided(v);
    });
  }

  return (
    <form
      noValidate
      class="card form decision"
      aria-labelledby="decision-h"
      onSubmit={(e) => {
        e.preventDefault();
        void decide(true);
      }}
    >
      <h3 id="decision-h">{t("apv.yourTurn")}</h3>
      {!hasPass && (
        <p class="warn-box">
          {t("apv.noPassSet")}{" "}
          <button type="button" class="link" onClick={() => navigate("pengaturan")}>{t("nav.pengaturan")}</button>
        </p>
      )}
      <label for="decision-note">{t("apv.note")} <span class="muted">{t("common.optional")}</span></label>
      <textarea id="decision-note" rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <label for="decision-passphrase">{t("apv.passphrase")}</label>
      <input id="decision-passphrase" type="password" autoComplete="off" value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
      <ErrorLine error={error} />
      <div class="actions">
        <button id="decision-approve" type="submit" class="primary approve" disabled={busy}>{t("apv.approve")}</button>
        <button id="decision-reject" type="button" class="danger" disabled={busy} onClick={() => void decide(false)}>{t("apv.reject")}</button>
        <OkLine text={ok} />
      </div>
    </form>
  );
}
