// Tugas: filters (status, only mine, tasks I gave, search), a form to add a task, the list, and the
// open task's detail (TaskDetail) beside it. The open task id lives in the route.
import { useRef, useState } from "preact/hooks";
import { api, type DueBucket } from "../api";
import { ErrorLine, OkLine } from "../components/ErrorLine";
import { ChoiceFilter, Filters, SearchFilter } from "../components/Filters";
import { dueDay, formatDate, splitNips, todayIso } from "../format";
import { t, tCode } from "../i18n";
import { useAction, useApp, useLoad } from "../state";
import { sortByDue, STATUSES } from "../domain";
import { TaskDetail } from "../components/TaskDetail";
import { DateField, dateProblem } from "../components/DateField";
import { parseDateInput } from "../dates";
import { holdLeave } from "../taskSave";

export function Tasks() {
  const { route, navigate } = useApp();
  const [status, setStatus] = useState("");
  const [mine, setMine] = useState(false);
  const [given, setGiven] = useState(route.filter?.given ?? false);
  const [query, setQuery] = useState("");
  // Opened from Beranda's "lihat semua": one bucket of my unfinished tasks, counted by luring-client.
  const [due, setDue] = useState<DueBucket | null>(route.filter?.due ?? null);
  const today = todayIso();
  const list = useLoad(
    () => api.listTasks({ status: status || null, mine, query: query.trim() || null, ...(given ? { given_by_me: true } : {}), ...(due ? { due, today } : {}) }),
    [status, mine, given, query, due],
  );
  const rows = [...(list.data ?? [])].sort(sortByDue);

  return (
    <section class="screen split" aria-labelledby="tasks-h">
      <div class="pane list-pane">
        <header class="screen-head">
          <h1 id="tasks-h" tabIndex={-1}>{t("task.title")}</h1>
        </header>
        <NewTask onCreated={(id) => { list.reload(); navigate("tugas", id); }} />
        {due && (
          <p class="due-filter" data-testid="due-filter" data-due={due}>
            <strong>{t("task.dueFilter", { bucket: t(`home.bucket.${due}`) })}</strong>
            <button type="button" id="task-due-clear" onClick={() => setDue(null)}>{t("task.dueFilterClear")}</button>
          </p>
        )}
        <Filters>
          <ChoiceFilter
            id="task-filter-status"
            label={t("task.filterStatus")}
            all={t("task.all")}
            value={status}
            options={STATUSES.map((s) => [s, tCode("status", s)])}
            onChange={setStatus}
          />
          <div class="field check">
            <input id="task-filter-mine" type="checkbox" checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />
            <label for="task-filter-mine">{t("task.mine")}</label>
          </div>
          <div class="field check">
            <input id="task-filter-given" type="checkbox" checked={given} onChange={(e) => setGiven(e.currentTarget.checked)} />
            <label for="task-filter-given">{t("home.given")}</label>
          </div>
          <SearchFilter id="task-search" label={t("task.search")} placeholder={t("task.searchWhere")} value={query} onInput={setQuery} />
        </Filters>
        <ErrorLine error={list.error} />
        {list.data && rows.length === 0 && <p class="muted">{t("task.empty")}</p>}
        <ul class="rows" aria-busy={list.loading}>
          {rows.map((x) => {
            const d = dueDay(x.due);
            const overdue = d != null && d < today && x.status !== "selesai";
            return (
              <li key={x.id}>
                <button
                  type="button"
                  class={`row ${route.id === x.id ? "selected" : ""} ${overdue ? "overdue" : ""}`}
                  data-task-id={x.id}
                  aria-current={route.id === x.id ? "true" : undefined}
                  onClick={() => holdLeave() || navigate("tugas", x.id)}
                >
                  <span class="row-title">{x.title}</span>
                  <span class="row-meta">
                    <span class={`badge st-${x.status}`}>{tCode("status", x.status)}</span>
                    <span class={overdue ? "due overdue" : "due"}>{d ? formatDate(d) : t("task.noDue")}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
      <div class="pane detail-pane">
        {route.id ? (
          <TaskDetail key={route.id} id={route.id} onChanged={list.reload} onClose={() => {
            if (holdLeave()) return;
            const id = route.id;
            navigate("tugas");
            // The focus goes back to the task's row in the list, not to the page's top.
            setTimeout(() => document.querySelector<HTMLElement>(`[data-task-id="${id}"]`)?.focus(), 0);
          }} />
        ) : (
          <p class="muted placeholder">{t("task.select")}</p>
        )}
      </div>
    </section>
  );
}

function NewTask({ onCreated }: { onCreated: (id: string) => void }) {
  const [title, setTitle] = useState("");
  const [due, setDue] = useState("");
  const [description, setDescription] = useState("");
  const [assignees, setAssignees] = useState("");
  const { busy, error, setError, ok, setOk, run } = useAction();
  const titleRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setOk(null);
    if (!title.trim()) {
      setError(t("first.required"));
      titleRef.current?.focus();
      return;
    }
    // A due date typed halfway is never dropped: the task waits until it is whole or erased.
    const d = parseDateInput(due);
    const problem = dateProblem(d);
    if (problem) {
      setError(problem);
      formRef.current?.querySelector<HTMLInputElement>("#task-new-due")?.focus();
      return;
    }
    await run(async () => {
      // Left empty, the task is the writer's own (luring-client's rule), so it shows on
      // Beranda under "Tugas saya". No due date is null: the client refuses an empty one.
      const v = await api.addTask({
        title: title.trim(),
        description,
        due: d.kind === "date" ? d.iso : null,
        assignees: splitNips(assignees),
      });
      setTitle("");
      setDue("");
      setDescription("");
      setAssignees("");
      setOk(t("task.created"));
      onCreated(v.id);
      // Ready for the next one: the title field again.
      titleRef.current?.focus();
    });
  }

  return (
    <details class="card new-form" open>
      <summary>{t("task.new")}</summary>
      <form noValidate ref={formRef} onSubmit={submit} class="form compact">
        <div class="form-row">
          <div class="field grow">
            <label for="task-new-title">{t("task.newTitle")}</label>
            <input id="task-new-title" ref={titleRef} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="task-new-due">{t("task.due")}</label>
            <DateField id="task-new-due" value={due} onInput={setDue} />
          </div>
        </div>
        <div class="form-row">
          <div class="field grow">
            <label for="task-new-description">{t("task.description")} <span class="muted">{t("common.optional")}</span></label>
            <input id="task-new-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
          <div class="field grow">
            <label for="task-new-assignees">{t("task.assignees")} <span class="muted">{t("task.assigneesSelf")}</span></label>
            <input id="task-new-assignees" inputMode="numeric" value={assignees} onInput={(e) => setAssignees(e.currentTarget.value)} />
          </div>
        </div>
        <ErrorLine error={error} />
        <div class="actions">
          <button id="task-new-submit" type="submit" class="primary" disabled={busy}>{t("task.create")}</button>
          <OkLine text={ok} />
        </div>
      </form>
    </details>
  );
}
