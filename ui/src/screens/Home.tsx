// Beranda: what needs me today — my unfinished tasks by due date (overdue highlighted),
// approvals waiting for me, the documents I am drafting (mine only, not my staff's, with
// the status every screen shows), the tasks I gave and are not finished, and the
// decisions I made. Every row opens its item.
import { api } from "../api";
import { DocStatusBadge } from "../components/DocStatusBadge";
import { ErrorLine } from "../components/ErrorLine";
import { sortByDue } from "../domain";
import { dueDay, formatDate, longToday, relativeTime, todayIso } from "../format";
import { t, tCode } from "../i18n";
import { useApp, useLoad } from "../state";

export function Home() {
  const { app, navigate } = useApp();
  const tasks = useLoad(() => api.listTasks({ mine: true }), []);
  const given = useLoad(() => api.listTasks({ given_by_me: true }), []);
  const approvals = useLoad(() => api.listApprovals(), []);
  const docs = useLoad(() => api.listDocuments(null), []);

  const today = todayIso();
  const myTasks = (tasks.data ?? []).filter((x) => x.status !== "selesai").sort(sortByDue);
  const waiting = approvals.data?.waiting_for_me ?? [];
  const decided = (approvals.data?.decided_by_me ?? []).slice(0, 5);
  const docTitle = new Map((docs.data ?? []).map((d) => [d.id, d.title]));
  const docById = new Map((docs.data ?? []).map((d) => [d.id, d]));
  const myRequests = [...(approvals.data?.requested_by_me ?? [])].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, 5);
  /** A request's row shows its document's one status (Sedang diajukan, Disetujui · No. …). */
  const docBadge = (docId: string) => {
    const d = docById.get(docId);
    return d ? <DocStatusBadge status={d.status} number={d.letter_number} testid="home-doc-status" /> : null;
  };
  const me = app.account?.nip;
  // My own drafts: documents I made that are not submitted or final yet.
  const drafts = (docs.data ?? []).filter((d) => d.created_by === me && (d.status === "draf" || d.status === "ditolak"));
  const givenOpen = (given.data ?? []).filter((x) => x.status !== "selesai").sort(sortByDue);

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
                    <DocStatusBadge status={d.status} number={d.letter_number} testid="home-doc-status" />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>

        {(givenOpen.length > 0 || app.account?.role !== "staff") && (
        <section class="card" aria-labelledby="home-given">
          <h2 id="home-given">{t("home.given")} <span class="count">{givenOpen.length}</span></h2>
          <ErrorLine error={given.error} />
          {given.data && givenOpen.length === 0 && <p class="muted">{t("home.noGiven")}</p>}
          <ul class="rows">
            {givenOpen.map((x) => (
              <li key={x.id}>
                <button type="button" class="row" data-home-given-id={x.id} onClick={() => navigate("tugas", x.id)}>
                  <span class="row-title">{x.title}</span>
                  <span class="row-meta">
                    <span class={`badge st-${x.status}`}>{tCode("status", x.status)}</span>
                    <span class="mono">{t("home.assignedTo", { who: x.assignees.filter((n) => n !== me).join(", ") })}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        )}

        {decided.length > 0 && (
          <section class="card" aria-labelledby="home-decided">
            <h2 id="home-decided">{t("home.decided")} <span class="count">{approvals.data?.decided_by_me.length ?? 0}</span></h2>
            <ul class="rows">
              {decided.map((a) => (
                <li key={a.id}>
                  <button type="button" class="row" data-home-decided-id={a.id} onClick={() => navigate("persetujuan", a.id)}>
                    <span class="row-title">{docTitle.get(a.document_id) ?? a.document_id}</span>
                    <span class="row-meta">{docBadge(a.document_id)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}

        {myRequests.length > 0 && (
          <section class="card" aria-labelledby="home-requests">
            <h2 id="home-requests">{t("home.myRequests")} <span class="count">{approvals.data?.requested_by_me.length ?? 0}</span></h2>
            <ul class="rows">
              {myRequests.map((a) => (
                <li key={a.id}>
                  <button type="button" class="row" data-home-request-id={a.id} onClick={() => navigate("persetujuan", a.id)}>
                    <span class="row-title">{docTitle.get(a.document_id) ?? a.document_id}</span>
                    <span class="row-meta">{docBadge(a.document_id)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </section>
  );
}
