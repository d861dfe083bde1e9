// Naskah: the document list (kind filter, full-text search with snippets, each row with
// its status as luring-client computes it) and the form for a new document. An open document (route id)
// shows the editor instead of the list.
import { useRef, useState } from "preact/hooks";
import { api, type Classification, type DocKind } from "../api";
import { DocStatusBadge } from "../components/DocStatusBadge";
import { ErrorLine } from "../components/ErrorLine";
import { ChoiceFilter, Filters, SearchFilter } from "../components/Filters";
import { CLASSES, KINDS } from "../domain";
import { t, tCode } from "../i18n";
import { useAction, useApp, useLoad } from "../state";
import { DocEditor } from "../components/DocEditor";

export function Documents() {
  const { route, navigate } = useApp();
  if (route.id) return <DocEditor key={route.id} id={route.id} onBack={() => navigate("naskah")} />;
  return <DocList />;
}

function DocList() {
  const { navigate } = useApp();
  const [kind, setKind] = useState("");
  const [query, setQuery] = useState("");
  const q = query.trim();
  const docs = useLoad(
    () => (q ? api.searchDocuments(q).then((r) => (kind ? r.filter((d) => d.kind === kind) : r)) : api.listDocuments(kind || null)),
    [kind, q],
  );

  return (
    <section class="screen" aria-labelledby="docs-h">
      <header class="screen-head">
        <h1 id="docs-h" tabIndex={-1}>{t("doc.title")}</h1>
      </header>
      <NewDocument onCreated={(id) => navigate("naskah", id)} />
      <Filters>
        <ChoiceFilter
          id="doc-filter-kind"
          label={t("doc.kindFilter")}
          all={t("doc.allKinds")}
          value={kind}
          options={KINDS.map((k) => [k, tCode("kind", k)])}
          onChange={setKind}
        />
        <SearchFilter id="doc-search" label={t("doc.search")} value={query} onInput={setQuery} />
      </Filters>
      <ErrorLine error={docs.error} />
      {docs.data && docs.data.length === 0 && <p class="muted">{t("doc.empty")}</p>}
      <ul class="rows doc-rows" aria-busy={docs.loading}>
        {(docs.data ?? []).map((d) => (
          <li key={d.id}>
            <button type="button" class="row" data-doc-id={d.id} onClick={() => navigate("naskah", d.id)}>
              <span class="row-title">{d.title}</span>
              <span class="row-meta">
                <span>{tCode("kind", d.kind)}</span>
                <span class={`badge cls-${d.classification}`}>{tCode("class", d.classification)}</span>
                <DocStatusBadge status={d.status} number={d.letter_number} testid="doc-approval" />
              </span>
              {d.snippet && <span class="snippet">{renderSnippet(d.snippet)}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Search snippets may mark hits with [..], <b>..</b> or «..»; show them highlighted, never as HTML. */
function renderSnippet(s: string) {
  const parts = s.split(/(<b>.*?<\/b>|\[[^\]]*\]|«[^»]*»)/g);
  return parts.map((p, i) => {
    const m = /^(?:<b>(.*)<\/b>|\[(.*)\]|«(.*)»)$/.exec(p);
    return m ? <mark key={i}>{m[1] ?? m[2] ?? m[3]}</mark> : p;
  });
}

function NewDocument({ onCreated }: { onCreated: (id: string) => void }) {
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState<DocKind>("nota-dinas");
  const [classification, setClassification] = useState<Classification>("biasa");
  const { busy, error, setError, run } = useAction();
  const titleRef = useRef<HTMLInputElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    if (!title.trim()) {
      setError(t("first.required"));
      titleRef.current?.focus();
      return;
    }
    await run(async () => {
      const v = await api.newDocument({ title: title.trim(), kind, classification, body: "" });
      onCreated(v.id);
    });
  }

  return (
    <details class="card new-form" open>
      <summary>{t("doc.new")}</summary>
      <form noValidate class="form compact" onSubmit={submit}>
        <div class="form-row">
          <div class="field grow">
            <label for="doc-new-title">{t("doc.newTitle")}</label>
            <input id="doc-new-title" ref={titleRef} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="doc-new-kind">{t("doc.kind")}</label>
            <select id="doc-new-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as DocKind)}>
              {KINDS.map((k) => <option key={k} value={k}>{tCode("kind", k)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="doc-new-class">{t("doc.classification")}</label>
            <select id="doc-new-class" value={classification} onChange={(e) => setClassification(e.currentTarget.value as Classification)}>
              {CLASSES.map((c) => <option key={c} value={c}>{tCode("class", c)}</option>)}
            </select>
          </div>
          <div class="field end">
            <button id="doc-new-submit" type="submit" class="primary" disabled={busy}>{t("doc.create")}</button>
          </div>
        </div>
        <ErrorLine error={error} />
      </form>
    </details>
  );
}
