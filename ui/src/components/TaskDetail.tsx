// One task: its title/status/due/description (saved as they are edited), checklist,
// comments and dispositions. Reloads when a sync brings changes, without wiping fields
// whose edits are still being saved.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type TaskStatus, type TaskView } from "../api";
import { ErrorLine } from "./ErrorLine";
import { DateField, dateProblem } from "./DateField";
import { cleanNip, formatDateTime, relativeTime } from "../format";
import { formatDateInput, parseDateInput } from "../dates";
import { t, tCode } from "../i18n";
import { useEscape, useLoad } from "../state";
import { STATUSES } from "../domain";
import type { SaveState } from "../autosave";
import { fieldsOf, setLeaveGuard, taskSaverFor, type TaskFields } from "../taskSave";

export function TaskDetail({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const task = useLoad(() => api.showTask(id), [id]);
  useEscape(true, onClose, true);

  /** Run a command that returns the fresh TaskView; show its error in `setErr`. */
  async function run(setErr: (e: unknown) => void, f: () => Promise<TaskView>): Promise<boolean> {
    setErr(null);
    try {
      task.set(await f());
      onChanged();
      return true;
    } catch (e) {
      setErr(e);
      return false;
    }
  }

  const v = task.data;
  return (
    <article id="task-detail" class="detail" data-detail-task-id={id} aria-labelledby="task-detail-h">
      <div class="detail-head">
        <h2 id="task-detail-h">{t("task.detail")}</h2>
        <button type="button" onClick={onClose} aria-keyshortcuts="Escape">{t("common.close")}</button>
      </div>
      <ErrorLine error={task.error} />
      {v && (
        <>
          <EditTask v={v} onSaved={(nv) => { task.set(nv); onChanged(); }} />
          <Checklist v={v} run={run} />
          <Dispositions v={v} run={run} />
          <Comments v={v} run={run} />
        </>
      )}
    </article>
  );
}

type Run = (setErr: (e: unknown) => void, f: () => Promise<TaskView>) => Promise<boolean>;

/**
 * The task's own fields, saved as they are edited (as the editor saves its body): a
 * status chosen and another task clicked keeps the status. A title erased or a due date
 * typed halfway is not sent; the line under the form says why, and the other fields
 * still save.
 */
function EditTask({ v, onSaved }: { v: TaskView; onSaved: (v: TaskView) => void }) {
  const saver = taskSaverFor(v, (changes) => api.updateTask(v.id, changes));
  // Back on a task whose save is still under way, the typed fields win over the loaded ones.
  const [fields, setFields] = useState<TaskFields>(() => saver.unsaved() ?? fieldsOf(v));
  const [dueText, setDueText] = useState(() => formatDateInput(fields.due));
  const [state, setState] = useState<SaveState | "idle">("idle");
  const [saveError, setSaveError] = useState<unknown>(null);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  useEffect(() => {
    let last: SaveState = saver.saver.state;
    saver.saver.setListener((st, err) => {
      setState((old) => (old === "idle" && st === "saved" ? "idle" : st));
      setSaveError(err);
      // Only a save that just finished hands its fresh view to the pane.
      if (st === "saved" && last !== "saved" && saver.saver.result) onSavedRef.current(saver.saver.result as TaskView);
      last = st;
    });
    return () => saver.saver.setListener(null);
  }, [saver]);

  // A reload (a sync, another pane) shows its fields unless the person's edits wait to be saved.
  const dueProblem = dateProblem(parseDateInput(dueText));
  useEffect(() => {
    if (saver.saver.dirty || dueProblem) return;
    const f = fieldsOf(v);
    setFields(f);
    const typed = parseDateInput(dueText);
    if (!(typed.kind === "date" && typed.iso === f.due)) setDueText(formatDateInput(f.due));
  }, [v]);

  // A half-typed due date holds the first try to leave, with the message and the focus on it.
  const [warned, setWarned] = useState(false);
  const problemRef = useRef(dueProblem);
  problemRef.current = dueProblem;
  useEffect(() => {
    let held = false;
    setLeaveGuard(() => {
      if (!problemRef.current || held) return false;
      held = true;
      setWarned(true);
      document.querySelector<HTMLInputElement>("#task-edit-due")?.focus();
      return true;
    });
    return () => setLeaveGuard(null);
  }, []);

  function edit(f: TaskFields) {
    setFields(f);
    saver.edit(f);
  }

  function editDue(text: string) {
    setDueText(text);
    const d = parseDateInput(text);
    if (d.kind === "date" && d.iso !== fields.due) edit({ ...fields, due: d.iso });
  }

  const titleMissing = !fields.title.trim();
  const dueCleared = dueText.trim() === "" && fields.due !== "";
  return (
    <form noValidate class="form" onSubmit={(e) => { e.preventDefault(); void saver.saver.flush(); }}>
      <label for="task-edit-title">{t("task.newTitle")}</label>
      <input id="task-edit-title" value={fields.title} aria-invalid={titleMissing || undefined}
        onInput={(e) => edit({ ...fields, title: e.currentTarget.value })} />
      <div class="form-row">
        <div class="field">
          <label for="task-edit-status">{t("task.status")}</label>
          <select id="task-edit-status" value={fields.status}
            onChange={(e) => edit({ ...fields, status: e.currentTarget.value as TaskStatus })}>
            {STATUSES.map((s) => <option key={s} value={s}>{tCode("status", s)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="task-edit-due">{t("task.due")}</label>
          <DateField id="task-edit-due" value={dueText} onInput={editDue} describedBy="task-edit-due-problem" />
        </div>
        <div class="field grow">
          <span class="label">{t("task.assigneesLabel")}</span>
          <span class="mono">{v.assignees.join(", ") || "—"}</span>
        </div>
      </div>
      <label for="task-edit-description">{t("task.description")}</label>
      <textarea id="task-edit-description" rows={3} value={fields.description}
        onInput={(e) => edit({ ...fields, description: e.currentTarget.value })} />
      {titleMissing && <p class="error" role="alert">{t("task.titleRequired")}</p>}
      {dueProblem && (
        <p class="error" role="alert" id="task-edit-due-problem">
          {dueProblem}{warned && <> {t("task.leaveHalfDate")}</>}
        </p>
      )}
      {dueCleared && <p class="muted" id="task-edit-due-problem">{t("task.dueCannotClear")}</p>}
      <ErrorLine error={saveError} />
      <div class="actions">
        <TaskSaveState state={state} />
      </div>
    </form>
  );
}

/** "Tersimpan" / "Menyimpan…" / "Gagal menyimpan", as the editor says it; nothing before an edit. */
function TaskSaveState({ state }: { state: SaveState | "idle" }) {
  const text = state === "idle" ? t("task.autosave") : state === "saved" ? t("task.saved") : state === "saving" ? t("task.saving") : t("task.saveError");
  return (
    <span class={`save-state ${state}`} id="task-save-state" data-state={state} role="status" aria-live="polite">
      {text}
    </span>
  );
}

/** A one-line form that adds a line (a checklist item, a comment); cleared once `add` succeeds. */
function AddLine({ id, buttonId, placeholder, button, add }: {
  id: string;
  buttonId: string;
  placeholder: string;
  button: string;
  add: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState("");
  async function submit(e: Event) {
    e.preventDefault();
    if (!text.trim()) return;
    if (await add(text.trim())) setText("");
  }
  return (
    <form noValidate class="inline-form" onSubmit={submit}>
      <label for={id} class="sr-only">{placeholder}</label>
      <input id={id} placeholder={placeholder} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button id={buttonId} type="submit">{button}</button>
    </form>
  );
}

function Checklist({ v, run }: { v: TaskView; run: Run }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="sub" aria-labelledby="task-check-h">
      <h3 id="task-check-h">{t("task.checklist")}</h3>
      <ul class="checklist">
        {v.checklist.map((c) => (
          <li key={c.id}>
            <input
              type="checkbox"
              id={`check-${c.id}`}
              checked={c.done}
              onChange={(e) => run(setError, () => api.setChecklistItem(v.id, c.id, e.currentTarget.checked))}
            />
            <label for={`check-${c.id}`} class={c.done ? "done" : ""}>{c.text}</label>
          </li>
        ))}
      </ul>
      <AddLine
        id="task-check-new"
        buttonId="task-check-add"
        placeholder={t("task.checkNew")}
        button={t("task.checkAdd")}
        add={(text) => run(setError, () => api.addChecklistItem(v.id, text))}
      />
      <ErrorLine error={error} />
    </section>
  );
}

function Comments({ v, run }: { v: TaskView; run: Run }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="sub" aria-labelledby="task-comments-h">
      <h3 id="task-comments-h">{t("task.comments")}</h3>
      <ul class="comments">
        {v.comments.map((c) => (
          <li key={c.id}>
            <div class="comment-head">
              <strong>{c.author_name || c.author || "—"}</strong>{" "}
              <span class="muted" title={formatDateTime(c.at)}>{relativeTime(c.at)}</span>
              {c.edited && c.edited_at && (
                <span class="muted" title={formatDateTime(c.edited_at)}> · {t("task.commentEdited")}</span>
              )}
            </div>
            <p>{c.text}</p>
          </li>
        ))}
      </ul>
      <AddLine
        id="task-comment-new"
        buttonId="task-comment-add"
        placeholder={t("task.commentNew")}
        button={t("task.commentAdd")}
        add={(text) => run(setError, () => api.commentTask(v.id, text))}
      />
      <ErrorLine error={error} />
    </section>
  );
}

function Dispositions({ v, run }: { v: TaskView; run: Run }) {
  const [to, setTo] = useState("");
  const [instruction, setInstruction] = useState("");
  const [error, setError] = useState<unknown>(null);
  async function add(e: Event) {
    e.preventDefault();
    if (!cleanNip(to) || !instruction.trim()) return setError(t("first.required"));
    if (await run(setError, () => api.addDisposition(v.id, cleanNip(to), instruction.trim()))) {
      setTo("");
      setInstruction("");
    }
  }
  return (
    <section class="sub" aria-labelledby="task-disp-h">
      <h3 id="task-disp-h">{t("task.dispositions")}</h3>
      <ol class="dispositions">
        {v.dispositions.map((d, i) => (
          <li key={i}>
            <span class="mono">{t("task.dispLine", { from: d.from, to: d.to })}</span>{" "}
            <span class="muted">{formatDateTime(d.at)}</span>
            <p>{d.instruction}</p>
          </li>
        ))}
      </ol>
      <form noValidate class="form-row" onSubmit={add}>
        <div class="field">
          <label for="task-disp-to">{t("task.dispTo")}</label>
          <input id="task-disp-to" inputMode="numeric" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="field grow">
          <label for="task-disp-instruction">{t("task.dispInstruction")}</label>
          <input id="task-disp-instruction" value={instruction} onInput={(e) => setInstruction(e.currentTarget.value)} />
        </div>
        <div class="field end">
          <button id="task-disp-add" type="submit">{t("task.dispAdd")}</button>
        </div>
      </form>
      <ErrorLine error={error} />
    </section>
  );
}
