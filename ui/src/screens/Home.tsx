// Beranda: what needs me today — my unfinished tasks by due date (overdue highlighted),
// approvals waiting for me, and documents I am still drafting. Every row opens its item.
import { api } from "../api";
import { ApprovalBadge } from "../components/ApprovalBadge";
import { ErrorLine } from "../components/ErrorLine";
import { isDraft, newestByDocument, sortByDue } from "../domain";
import { dueDay, formatDate, longToday, relativeTime, todayIso } from "../format";
import { t, tCode } from "../i18n";
import { useApp, useLoad } from "../state";

export function Home() {
  const { app, navigate } = useApp();
  const tasks = useLoad(() => api.listTasks({ mine: true }), []);
  const approvals = useLoad(() => api.listApprovals(), []);
  const docs = useLoad(() => api.listDocuments(null), []);

  const today = todayIso();
  const myTasks = (tasks.data ?? []).filter((x) => x.status !== "selesai").sort(sortByDue);
  const waiting = approvals.data?.waiting_for_me ?? [];
  const byDoc = newestByDocument(approvals.data);
  const docTitle = new Map((docs.data ?? []).map((d) => [d.id, d.title]));
  const drafts = (docs.data ?? []).filter((d) => isDraft(d, byDoc));

  return (
    <section class="screen home" aria-labelledby="home-h">
      <header class="screen-head">
        <h1 id="home-h" tabIndex={-1}>{t("home.greeting", { name: app.account?.name ?? "" })}</h1>
        <p class="muted">{t("home.today", { date: longToday() })}</p>
      </header>
      <div class="home-grid">
        <section class="card" aria-labelledby="home-tasks">
          <h2 id="home-tasks">{t("home.myTasks")} <span class="count">{myTasks.length}</span></h2>
          <ErrorLine error={tasks.error} />
          {tasks.data && myTasks.length === 0 && <p class="muted">{t("home.noTasks")}</p>}
          <ul class="rows">
            {myTasks.map((x) => {
              const d = dueDay(x.due);
              const overdue = d != null && d < today;
              return (
                <li key={x.id}>
                  <button type="button" class={`row ${overdue ? "overdue" : ""}`} data-home-task-id={x.id} onClick={() => navigate("tugas", x.id)}>
                    <span class="row-title">{x.title}</span>
                    <span class="row-meta">
                      <span class={`badge st-${x.status}`}>{tCode("status", x.status)}</span>
                      {d && (
                        <span class={overdue ? "due overdue" : d === today ? "due today" : "due"}>
                          {overdue ? `${t("home.overdue")}: ` : d === today ? `${t("home.dueToday")}: ` : ""}
                          {formatDate(d)}
                        </span>
                      )}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>

        <section class="card" aria-labelledby="home-waiting">
          <h2 id="home-waiting">{t("home.waiting")} <span class="count">{waiting.length}</span></h2>
          <ErrorLine error={approvals.error} />
          {approvals.data && waiting.length === 0 && <p class="muted">{t("home.noWaiting")}</p>}
          <ul class="rows">
            {waiting.map((a) => (
              <li key={a.id}>
                <button type="button" class="row" data-home-approval-id={a.id} onClick={() => navigate("persetujuan", a.id)}>
                  <span class="row-title">{docTitle.get(a.document_id) ?? a.document_id}</span>
                  <span class="row-meta">
                    <span>{t("home.requestedBy", { nip: a.requester })}</span>
                    <span class="muted">{relativeTime(a.created_at)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>

        <section class="card" aria-labelledby="home-drafts">
          <h2 id="home-drafts">{t("home.drafts")} <span class="count">{drafts.length}</span></h2>
          <ErrorLine error={docs.error} />
          {docs.data && drafts.length === 0 && <p class="muted">{t("home.noDrafts")}</p>}
          <ul class="rows">
            {drafts.map((d) => (
              <li key={d.id}>
                <button type="button" class="row" data-home-doc-id={d.id} onClick={() => navigate("naskah", d.id)}>
                  <span class="row-title">{d.title}</span>
                  <span class="row-meta">
                    <span>{tCode("kind", d.kind)}</span>
                    <ApprovalBadge a={byDoc.get(d.id)} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </section>
  );
}
