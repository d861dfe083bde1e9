// The document editor: body saved as you type (AutoSaver: one call in flight, latest text
// always sent, with the splices read from each input so only what was typed is stored),
// title/kind/classification, attachments by file path, and the approval card
// (DocApproval). A background reload never overwrites text being typed. A submitted or
// approved letter is frozen (its status says so): text, header and attachments are
// read-only here, as the client and the server enforce.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Attachment, type DocumentChanges, type DocView } from "../api";
import { saverFor, type SaveState } from "../autosave";
import { spliceOf } from "../splice";
import { DocApproval } from "./DocApproval";
import { DocStatusBadge } from "./DocStatusBadge";
import { ErrorLine, OkLine } from "./ErrorLine";
import { CLASSES, KINDS } from "../domain";
import { formatBytes, shortHash } from "../format";
import { t, tCode } from "../i18n";
import { useAction, useEditForm, useEscape, useLoad } from "../state";
import { FindBar, useFindShortcut } from "./FindBar";
import { LetterNumber } from "./LetterNumber";

export function DocEditor({ id, onBack }: { id: string; onBack: () => void }) {
  const doc = useLoad(() => api.showDocument(id), [id]);
  const saver = saverFor(id, (b, splices) => api.saveDocumentBody(id, b, splices));
  const [body, setBody] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<SaveState>(saver.state);
  const [saveError, setSaveError] = useState<unknown>(saver.lastError);
  const [hash, setHash] = useState<string | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  // The text area's value before the next input, to read that input's splice.
  const shown = useRef<string | null>(null);
  shown.current = body;

  // Follow the saver; on leaving, send whatever is unsent (the saver outlives this view).
  useEffect(() => {
    saver.setListener((st, err) => {
      setSaveState(st);
      setSaveError(st === "error" ? err : null);
      const r = saver.result as DocView | null;
      if (r && st === "saved") setHash(r.content_hash);
    });
    const beforeUnload = () => void saver.flush();
    window.addEventListener("beforeunload", beforeUnload);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      saver.setListener(null);
      void saver.flush();
    };
  }, [saver]);

  // Take the loaded body only when it cannot clobber typing: first load, or the text
  // area is not focused and everything typed is saved. Unsaved text from an earlier
  // visit (saver still busy) wins over the loaded body.
  useEffect(() => {
    const v = doc.data;
    if (!v) return;
    setHash(v.content_hash);
    if (body === null) {
      setBody(saver.dirty && saver.latest !== null ? saver.latest : v.body);
      return;
    }
    const focused = document.activeElement === areaRef.current;
    if (!focused && !saver.dirty && v.body !== body) setBody(v.body);
  }, [doc.data]);

  useEscape(true, onBack, true);
  const [finding, setFinding] = useState(false);
  useFindShortcut(() => setFinding(true));

  function onInput(e: Event) {
    const area = e.currentTarget as HTMLTextAreaElement;
    const value = area.value;
    const before = shown.current;
    shown.current = value;
    setBody(value);
    saver.input(value, before === null ? null : spliceOf(before, value, area.selectionEnd));
  }

  const v = doc.data;
  const frozen = !!v?.status?.frozen;
  return (
    <section class="screen editor" aria-labelledby="editor-h">
      <header class="screen-head editor-head">
        <button type="button" onClick={onBack} aria-keyshortcuts="Escape">← {t("doc.back")}</button>
        <h1 id="editor-h" tabIndex={-1}>{v?.title ?? t("app.loading")}</h1>
        {v?.status && <DocStatusBadge status={v.status.status} number={v.letter_number} testid="editor-doc-status" />}
        {v?.status?.status === "disetujui" && <LetterNumber number={v.letter_number} testid="editor-letter-number" />}
        <SaveIndicator state={saveState} />
      </header>
      <ErrorLine error={doc.error} />
      {v && body !== null && (
        <div class="editor-grid">
          <div class="editor-main">
            <label for="doc-editor">{t("doc.body")}</label>
            {finding && <FindBar area={areaRef} onClose={() => setFinding(false)} />}
            <textarea
              id="doc-editor"
              ref={areaRef}
              data-doc-id={id}
              value={body}
              readOnly={frozen}
              aria-readonly={frozen}
              onInput={onInput}
              onBlur={() => void saver.flush()}
              spellcheck={false}
            />
            {saveState === "error" && <ErrorLine error={saveError ?? t("doc.saveError")} />}
            {saveState === "error" && <p class="muted">{t("doc.saveError")}</p>}
            <p class="muted small">
              {t("doc.hash", { h: shortHash(hash ?? v.content_hash) })}
              {v.letter_number && <> · {t("doc.number", { n: v.letter_number })}</>}
            </p>
          </div>
          <aside class="editor-side">
            <DocApproval v={v} flush={() => saver.flush()} onChanged={doc.reload} />
            <MetaForm v={v} frozen={frozen} onSaved={doc.set} />
            <Attachments id={id} frozen={frozen} />
          </aside>
        </div>
      )}
    </section>
  );
}

function SaveIndicator({ state }: { state: SaveState }) {
  const text = state === "saved" ? t("doc.saved") : state === "saving" ? t("doc.saving") : t("doc.saveError");
  return (
    <span class={`save-state ${state}`} data-testid="save-state" data-state={state} role="status" aria-live="polite">
      {state === "saved" ? "✓ " : state === "saving" ? "… " : "! "}
      {text}
    </span>
  );
}

function MetaForm({ v, frozen, onSaved }: { v: DocView; frozen: boolean; onSaved: (d: DocView) => void }) {
  const { fields, edit, setDirty, error, setError, ok, setOk } = useEditForm(v, (v) => ({
    title: v.title,
    kind: v.kind,
    classification: v.classification,
  }));
  const { title, kind, classification } = fields;
  const onEdit = <K extends keyof typeof fields>(k: K) => (e: Event) =>
    edit(k, (e.currentTarget as HTMLInputElement).value as (typeof fields)[K]);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const changes: DocumentChanges = {};
    if (title.trim() !== v.title) changes.title = title.trim();
    if (kind !== v.kind) changes.kind = kind;
    if (classification !== v.classification) changes.classification = classification;
    if (!Object.keys(changes).length) return setDirty(false);
    try {
      onSaved(await api.updateDocument(v.id, changes));
      setDirty(false);
      setOk(t("common.saved"));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form noValidate class="card form compact" onSubmit={submit}>
      <fieldset disabled={frozen} class="plain">
      <label for="doc-edit-title">{t("doc.newTitle")}</label>
      <input id="doc-edit-title" value={title} onInput={onEdit("title")} />
      <div class="form-row">
        <div class="field grow">
          <label for="doc-edit-kind">{t("doc.kind")}</label>
          <select id="doc-edit-kind" value={kind} onChange={onEdit("kind")}>
            {KINDS.map((k) => <option key={k} value={k}>{tCode("kind", k)}</option>)}
          </select>
        </div>
        <div class="field grow">
          <label for="doc-edit-class">{t("doc.classification")}</label>
          <select id="doc-edit-class" value={classification} onChange={onEdit("classification")}>
            {CLASSES.map((c) => <option key={c} value={c}>{tCode("class", c)}</option>)}
          </select>
        </div>
      </div>
      <ErrorLine error={error} />
      <div class="actions">
        <button id="doc-edit-save" type="submit">{t("doc.saveMeta")}</button>
        <OkLine text={ok} />
      </div>
      </fieldset>
    </form>
  );
}

function Attachments({ id, frozen }: { id: string; frozen: boolean }) {
  const list = useLoad(() => api.listAttachments(id), [id]);
  const [path, setPath] = useState("");
  const { busy, error, setError, ok, setOk, run } = useAction();

  async function attach(p: string) {
    await run(async () => {
      list.set(await api.attachFile(id, p));
      setPath("");
    });
  }

  function submit(e: Event) {
    e.preventDefault();
    if (!path.trim()) return setError(t("first.required"));
    void attach(path.trim());
  }

  async function choose() {
    setError(null);
    try {
      const p = await api.pickFile(t("doc.chooseTitle"));
      if (p) await attach(p);
    } catch (err) {
      setError(err);
    }
  }

  /** "Buka": the system's viewer, on a copy under the attachment's own name (luring-client). */
  const openIt = (a: Attachment) =>
    run(async () => {
      await api.openAttachment(id, a.hash);
      setOk(t("doc.opened", { name: a.name }));
    });

  const items: Attachment[] = list.data ?? [];
  return (
    <section class="card" aria-labelledby="doc-att-h">
      <h2 id="doc-att-h">{t("doc.attachments")}</h2>
      <ErrorLine error={list.error} />
      {list.data && items.length === 0 && <p class="muted">{t("doc.noAttachments")}</p>}
      <ul class="attachments">
        {items.map((a) => (
          <li key={a.hash} data-testid="attachment" data-hash={a.hash}>
            <span>{a.name}</span> <span class="muted">{formatBytes(a.bytes)}</span>
            {a.bytes > 0 && (
              <button type="button" class="compact" data-testid="attachment-open" disabled={busy} aria-label={t("doc.openAttachmentLabel", { name: a.name })} onClick={() => void openIt(a)}>
                {t("doc.openAttachment")}
              </button>
            )}
            {a.bytes === 0 && (
              <button type="button" class="compact" data-testid="attachment-fetch" disabled={busy} onClick={() => void run(async () => list.set(await api.fetchAttachment(id, a.hash)))}>
                {t("doc.fetchAttachment")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {frozen && <ErrorLine error={error} />}
      <OkLine text={ok} testid="attachment-opened" />
      {!frozen && (
      <>
      <div class="actions">
        <button id="doc-attach-choose" type="button" class="primary" disabled={busy} onClick={() => void choose()}>
          {t("doc.choose")}
        </button>
      </div>
      <form noValidate class="form compact" onSubmit={submit}>
        <label for="doc-attach-path">{t("doc.attachPath")}</label>
        <input id="doc-attach-path" placeholder={t("doc.attachHint")} spellcheck={false} value={path} onInput={(e) => setPath(e.currentTarget.value)} />
        <ErrorLine error={error} />
        <div class="actions">
          <button id="doc-attach-submit" type="submit" disabled={busy}>{t("doc.attach")}</button>
        </div>
      </form>
      </>
      )}
    </section>
  );
}
