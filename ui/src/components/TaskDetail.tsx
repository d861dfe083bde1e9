// One task: edit title/status/due/description, checklist, comments and dispositions.
// Reloads when a sync brings changes, without wiping fields the user is editing.
import { useState } from "preact/hooks";
import { api, type TaskChanges, type TaskStatus, type TaskView } from "../api";
import { ErrorLine, OkLine } from "./ErrorLine";
import { cleanNip, formatDateTime, relativeTime } from "../format";
import { t, tCode } from "../i18n";
import { useEditForm, useEscape, useLoad } from "../state";
import { STATUSES } from "../domain";

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
          <EditTask v={v} run={run} />
          <Checklist v={v} run={run} />
          <Dispositions v={v} run={run} />
          <Comments v={v} run={run} />
        </>
      )}
    </article>
  );
}

type Run = (setErr: (e: unknown) => void, f: () => Promise<TaskView>) => Promise<boolean>;

/** The date part of a task's due (what a date input holds), or "". */
const dueOf = (v: TaskView) => v.due?.slice(0, 10) ?? "";

function EditTask({ v, run }: { v: TaskView; run: Run }) {
  const { fields, edit, setDirty, error, setError, ok, setOk } = useEditForm(v, (v) => ({
    title: v.title,
    status: v.status,
    due: dueOf(v),
    description: v.description,
  }));
  const { title, status, due, description } = fields;

  async function submit(e: Event) {
    e.preventDefault();
    const changes: TaskChanges = {};
    if (title.trim() !== v.title) changes.title = title.trim();
    if (status !== v.status) changes.status = status;
    if (due && due !== dueOf(v)) changes.due = due;
    if (description !== v.description) changes.description = description;
    if (Object.keys(changes).length === 0) {
      setDirty(false);
      return;
    }
    if (await run(setError, () => api.updateTask(v.id, changes))) {
      setDirty(false);
      setOk(t("common.saved"));
    }
  }

  return (
    <form noValidate class="form" onSubmit={submit}>
      <label for="task-edit-title">{t("task.newTitle")}</label>
      <input id="task-edit-title" value={title} onInput={(e) => edit("title", e.currentTarget.value)} />
      <div class="form-row">
        <div class="field">
          <label for="task-edit-status">{t("task.status")}</label>
          <select id="task-edit-status" value={status} onChange={(e) => edit("status", e.currentTarget.value as TaskStatus)}>
            {STATUSES.map((s) => <option key={s} value={s}>{tCode("status", s)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="task-edit-due">{t("task.due")}</label>
          <input id="task-edit-due" type="date" value={due} onInput={(e) => edit("due", e.currentTarget.value)} />
        </div>
        <div class="field grow">
          <span class="label">{t("task.assigneesLabel")}</span>
          <span class="mono">{v.assignees.join(", ") || "—"}</span>
        </div>
        <div class="field">
          <span class="label">{t("frz.giver")}</span>
          <span class="mono" data-testid="task-giver">{v.created_by ?? "—"}</span>
        </div>
      </div>
      <label for="task-edit-description">{t("task.description")}</label>
      <textarea id="task-edit-description" rows={3} value={description} onInput={(e) => edit("description", e.currentTarget.value)} />
      <ErrorLine error={error} />
      <div class="actions">
        <button id="task-edit-save" type="submit" class="primary">{t("task.saveChanges")}</button>
        <OkLine text={ok} />
      </div>
    </form>
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
