// The editor's approval card: the document's status (one rule, from luring-client), the
// open or deciding request's chain, and what the status allows. A draft (or a rejected
// one) can be sent for approval; a submitted one is locked and its requester may withdraw
// it; an approved one is final and "Buat revisi" starts a new draft naming it.
import { useState } from "preact/hooks";
import { api, type DocView } from "../api";
import { ChainProgress } from "./ChainProgress";
import { DocStatusBadge } from "./DocStatusBadge";
import { LetterNumber } from "./LetterNumber";
import { ErrorLine, OkLine } from "./ErrorLine";
import { splitNips } from "../format";
import { t } from "../i18n";
import { useAction, useApp, useLoad } from "../state";

export function DocApproval({ v, flush, onChanged }: { v: DocView; flush: () => Promise<void>; onChanged: () => void }) {
  const { app, navigate } = useApp();
  const me = app.account?.nip;
  const st = v.status;
  const requestId = st?.request_id ?? null;
  const request = useLoad(() => (requestId ? api.showApproval(requestId) : Promise.resolve(undefined)), [requestId, st?.status]);
  const [chain, setChain] = useState("");
  const { busy, error, setError, ok, setOk, run } = useAction();

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setOk(null);
    const nips = splitNips(chain);
    if (!nips.length) return setError(t("first.required"));
    await run(async () => {
      await flush(); // the request must bind the text the user sees
      await api.requestApproval(v.id, nips);
      setChain("");
      setOk(t("doc.requested"));
      onChanged();
    });
  }

  const withdraw = () =>
    run(async () => {
      if (!requestId) return;
      await api.withdrawApproval(requestId);
      setOk(t("frz.withdrawn"));
      onChanged();
    });

  const revise = () =>
    run(async () => {
      const rev = await api.reviseDocument(v.id);
      navigate("naskah", rev.id);
    });

  const a = request.data;
  const status = st?.status ?? "draf";
  const mine = !!(a && a.requester === me);
  return (
    <section class="card" aria-labelledby="doc-apv-h">
      <h2 id="doc-apv-h">
        {t("doc.approval")} <DocStatusBadge status={status} number={v.letter_number} testid="doc-approval-status" />
      </h2>
      {st?.revision_of && (
        <p class="small">
          {t("frz.revisionOf")}{" "}
          <button type="button" class="link" data-testid="doc-revision-of" onClick={() => navigate("naskah", st.revision_of!)}>
            {t("frz.openOriginal")}
          </button>
        </p>
      )}
      <ErrorLine error={request.error} />
      {a ? <ChainProgress a={a} me={me} /> : !requestId && <p class="muted">{t("doc.noApproval")}</p>}
      {status === "diajukan" && (
        <>
          <p class="frozen-note" data-testid="doc-frozen">{t("frz.submitted")}</p>
          {mine && (
            <div class="actions">
              <button id="approval-withdraw" type="button" disabled={busy} onClick={() => void withdraw()}>{t("frz.withdraw")}</button>
            </div>
          )}
        </>
      )}
      {status === "disetujui" && (
        <>
          <LetterNumber number={v.letter_number} testid="doc-letter-number" />
          <p class="frozen-note final" data-testid="doc-frozen">{t("frz.approved")}</p>
          <div class="actions">
            <button id="doc-revise" type="button" class="primary" disabled={busy} onClick={() => void revise()}>{t("frz.revise")}</button>
          </div>
        </>
      )}
      {!st?.frozen && (
        <form noValidate class="form compact" onSubmit={submit}>
          <label for="approval-chain">{t("doc.chainLabel")}</label>
          <input id="approval-chain" inputMode="numeric" value={chain} onInput={(e) => setChain(e.currentTarget.value)} />
          <div class="actions">
            <button id="approval-request" type="submit" class="primary" disabled={busy}>{t("doc.requestApproval")}</button>
          </div>
        </form>
      )}
      <ErrorLine error={error} />
      <OkLine text={ok} />
    </section>
  );
}
