// Beranda for one day, on one screen whatever the workload: my unfinished tasks in three
// buckets (Lewat tenggat / Hari ini / Minggu ini) with counts and the first few of each —
// luring-client counts them (`beranda`), so 5,000 tasks cost three counts and nine rows —
// then approvals waiting for me, the outcomes of my requests, my drafts, the tasks I gave
// and the decisions I made, each a few rows and a "lihat semua". Every row opens its item.
// On top of the second column, what is new since I last looked (luring-client's news.rs):
// counts and the newest few, kept until I press "Tandai sudah dilihat" (why explicit: see
// the doc comment of news.rs).
import { useRef } from "preact/hooks";
import { api, type ApprovalView, type BucketView, type DueBucket, type NewsKind, type NewsView, type TaskRow } from "../api";
import { DocStatusBadge, docStatusText } from "../components/DocStatusBadge";
import { ErrorLine } from "../components/ErrorLine";
import { sortByDue } from "../domain";
import { dueDay, formatCount, formatDate, longToday, relativeTime, todayIso } from "../format";
import { t, tCode, type Key } from "../i18n";
import { useApp, useLoad, type RouteFilter, type Screen } from "../state";

/** Rows per list: enough to start the day, few enough that Beranda fits 1366×768. */
export const HOME_FIRST = 3;

const BUCKETS: [DueBucket, "overdue" | "due_today" | "this_week"][] = [
  ["overdue", "overdue"],
  ["today", "due_today"],
  ["this_week", "this_week"],
];

export function Home() {
  const { app, navigate } = useApp();
  const today = todayIso();
  const day = useLoad(() => api.beranda(today, HOME_FIRST), [today]);
  const given = useLoad(() => api.listTasks({ given_by_me: true }), []);
  const approvals = useLoad(() => api.listApprovals(), []);
  const docs = useLoad(() => api.listDocuments(null), []);

  const me = app.account?.nip;
  const waiting = approvals.data?.waiting_for_me ?? [];
  const decided = approvals.data?.decided_by_me ?? [];
  const docById = new Map((docs.data ?? []).map((d) => [d.id, d]));
  const docTitle = (id: string) => docById.get(id)?.title ?? id;
  const myRequests = [...(approvals.data?.requested_by_me ?? [])].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  /** A request's row shows its document's one status (Sedang diajukan, Disetujui · No. …). */
  const docBadge = (docId: string) => {
    const d = docById.get(docId);
    return d ? <DocStatusBadge status={d.status} number={d.letter_number} testid="home-doc-status" /> : null;
  };
  // My own drafts: documents I made that are not submitted or final yet.
  const drafts = (docs.data ?? []).filter((d) => d.created_by === me && (d.status === "draf" || d.status === "ditolak"));
  const givenOpen = (given.data ?? []).filter((x) => x.status !== "selesai").sort(sortByDue);
  const open = day.data ? day.data.overdue.count + day.data.due_today.count + day.data.this_week.count + day.data.later : 0;

  return (
    <section class="screen home" aria-labelledby="home-h">
      <header class="screen-head">
        <h1 id="home-h" tabIndex={-1}>{t("home.greeting", { name: app.account?.name ?? "" })}</h1>
        <p class="muted">{t("home.today", { date: longToday() })}</p>
      </header>
      <div class="home-grid">
        <section class="card home-day" aria-labelledby="home-tasks">
          <h2 id="home-tasks"><span class="h-title">{t("home.myTasks")}</span> <span class="count">{formatCount(open)}</span></h2>
          <ErrorLine error={day.error} />
          {day.data && open === 0 && <p class="muted">{t("home.noTasks")}</p>}
          {day.data && open > 0 && BUCKETS.map(([bucket, field]) => (
            <Bucket key={bucket} bucket={bucket} view={day.data![field]} today={today}
              onOpen={(id) => navigate("tugas", id)} onAll={() => navigate("tugas", undefined, { due: bucket })} />
          ))}
          {day.data && day.data.later > 0 && <p class="muted home-later" data-testid="home-later">{t("home.later", { n: formatCount(day.data.later) })}</p>}
        </section>

        <div class="home-col">
          {day.data && <News news={day.data.news} onSeen={async () => {
            await api.markNewsSeen(day.data!.news.upto);
            day.reload();
          }} />}
          <Card id="home-waiting" title={t("home.waiting")} count={waiting.length} error={approvals.error}
            empty={approvals.data && waiting.length === 0 ? t("home.noWaiting") : null} all={["persetujuan"]}>
            {waiting.slice(0, HOME_FIRST).map((a) => (
              <Row key={a.id} attr={{ "data-home-approval-id": a.id }} title={docTitle(a.document_id)} onClick={() => navigate("persetujuan", a.id)}>
                <span>{t("home.requestedBy", { nip: a.requester })}</span>
                <span class="muted">{relativeTime(a.created_at)}</span>
              </Row>
            ))}
          </Card>
          <Card id="home-requests" title={t("home.myRequests")} count={myRequests.length} error={null}
            empty={approvals.data && myRequests.length === 0 ? t("home.noRequests") : null} all={["persetujuan"]}>
            {myRequests.slice(0, HOME_FIRST).map((a) => (
              <Row key={a.id} attr={{ "data-home-request-id": a.id }} title={docTitle(a.document_id)} onClick={() => navigate("persetujuan", a.id)}>
                <Outcome a={a} number={docById.get(a.document_id)?.letter_number ?? null} />
              </Row>
            ))}
          </Card>
        </div>

        <div class="home-col">
          <Card id="home-drafts" title={t("home.drafts")} count={drafts.length} error={docs.error}
            empty={docs.data && drafts.length === 0 ? t("home.noDrafts") : null} all={["naskah"]}>
            {drafts.slice(0, HOME_FIRST).map((d) => (
              <Row key={d.id} attr={{ "data-home-doc-id": d.id }} title={d.title} onClick={() => navigate("naskah", d.id)}>
                <DocStatusBadge status={d.status} number={d.letter_number} testid="home-doc-status" />
              </Row>
            ))}
          </Card>
          {(givenOpen.length > 0 || app.account?.role !== "staff") && (
            <Card id="home-given" title={t("home.given")} count={givenOpen.length} error={given.error}
              empty={given.data && givenOpen.length === 0 ? t("home.noGiven") : null} all={["tugas", { given: true }]}>
              {givenOpen.slice(0, HOME_FIRST).map((x) => (
                <Row key={x.id} attr={{ "data-home-given-id": x.id }} title={x.title} onClick={() => navigate("tugas", x.id)}>
                  <span class={`badge st-${x.status}`}>{tCode("status", x.status)}</span>
                  <span class="mono">{t("home.assignedTo", { who: x.assignees.filter((n) => n !== me).join(", ") })}</span>
                </Row>
              ))}
            </Card>
          )}
          {decided.length > 0 && (
            <Card id="home-decided" title={t("home.decided")} count={decided.length} error={null} empty={null} all={["persetujuan"]}>
              {decided.slice(0, HOME_FIRST).map((a) => (
                <Row key={a.id} attr={{ "data-home-decided-id": a.id }} title={docTitle(a.document_id)} onClick={() => navigate("persetujuan", a.id)}>
                  {docBadge(a.document_id)}
                </Row>
              ))}
            </Card>
          )}
        </div>
      </div>
    </section>
  );
}

const NEWS_KINDS: NewsKind[] = ["assigned", "comment", "decision", "waiting"];
const newsCount = (n: NewsView, k: NewsKind) =>
  k === "assigned" ? n.assigned : k === "comment" ? n.comments : k === "decision" ? n.decisions : n.waiting;

/** "Baru sejak terakhir Anda lihat": how many of each kind, the newest few (each opens its
 *  task or request), and "Tandai sudah dilihat", which covers exactly what is shown. */
function News({ news, onSeen }: { news: NewsView; onSeen: () => Promise<void> }) {
  const { navigate } = useApp();
  const head = useRef<HTMLHeadingElement>(null);
  const total = NEWS_KINDS.reduce((n, k) => n + newsCount(news, k), 0);
  const seen = async () => {
    await onSeen();
    head.current?.focus();
  };
  return (
    <section class="card home-news" aria-labelledby="home-news" data-testid="home-news" data-count={total}>
      <h2 id="home-news" ref={head} tabIndex={-1}><span class="h-title" title={t("home.news")}>{t("home.news")}</span> <span class="count" data-testid="news-count">{formatCount(total)}</span></h2>
      {total === 0 && <p class="muted">{t("home.newsNone")}</p>}
      <ul class="rows">
        {news.first.map((i) => (
          <Row key={`${i.kind}-${i.id}`} attr={{ "data-home-news-id": i.id, "data-news-kind": i.kind }}
            title={i.by ? `${i.title} (${t("home.newsBy", { nip: i.by })})` : i.title}
            onClick={() => navigate(i.kind === "assigned" || i.kind === "comment" ? "tugas" : "persetujuan", i.id)}>
            <span class={`badge news-${i.kind} ${i.kind === "decision" ? `outcome-${i.status}` : ""}`}>
              {i.kind === "decision" ? tCode("home.outcome", i.status) : t(`home.newsKind.${i.kind}` as Key)}
            </span>
          </Row>
        ))}
      </ul>
      {total > 0 && (
        <div class="news-foot">
          <span class="muted news-counts">
            {NEWS_KINDS.filter((k) => newsCount(news, k) > 0).map((k) => (
              <span key={k} data-news-count={k}>{t(`home.newsCount.${k}` as Key, { n: formatCount(newsCount(news, k)) })}</span>
            ))}
          </span>
          <button type="button" class="link" id="news-seen" onClick={seen}>{t("home.newsSeen")}</button>
        </div>
      )}
    </section>
  );
}

/** A small card: its title and count, a few rows, and "lihat semua" when there are more. */
function Card(p: {
  id: string; title: string; count: number; error: unknown; empty: string | null;
  all: [Screen, RouteFilter?]; children: preact.ComponentChildren;
}) {
  const { navigate } = useApp();
  return (
    <section class="card" aria-labelledby={p.id}>
      <h2 id={p.id}><span class="h-title" title={p.title}>{p.title}</span> <span class="count">{formatCount(p.count)}</span></h2>
      <ErrorLine error={p.error} />
      {p.empty && <p class="muted">{p.empty}</p>}
      <ul class="rows">{p.children}</ul>
      {p.count > HOME_FIRST && (
        <button type="button" class="link see-all" data-see-all={p.id} onClick={() => navigate(p.all[0], undefined, p.all[1])}>
          {t("home.seeAll", { n: formatCount(p.count) })}
        </button>
      )}
    </section>
  );
}

/** One bucket of my tasks: its name and count, its first rows, and "lihat semua". */
function Bucket(p: { bucket: DueBucket; view: BucketView; today: string; onOpen: (id: string) => void; onAll: () => void }) {
  const { bucket, view } = p;
  const h = `home-bucket-${bucket}`;
  return (
    <section class={`bucket bucket-${bucket}`} aria-labelledby={h} data-bucket={bucket} data-count={view.count}>
      <h3 id={h}>{t(`home.bucket.${bucket}` as Key)} <span class="count" data-testid="bucket-count">{formatCount(view.count)}</span></h3>
      {view.count === 0 && <p class="muted">{t("home.bucketEmpty")}</p>}
      <ul class="rows">
        {view.first.map((x) => <TaskLine key={x.id} x={x} today={p.today} onOpen={p.onOpen} />)}
      </ul>
      {view.count > view.first.length && (
        <button type="button" class="link see-all" data-see-all={bucket} onClick={p.onAll}>
          {t("home.seeAll", { n: formatCount(view.count) })}
        </button>
      )}
    </section>
  );
}

function TaskLine({ x, today, onOpen }: { x: TaskRow; today: string; onOpen: (id: string) => void }) {
  const d = dueDay(x.due);
  const overdue = d != null && d < today;
  return (
    <Row attr={{ "data-home-task-id": x.id }} title={x.title} onClick={() => onOpen(x.id)} overdue={overdue}>
      <span class={`badge st-${x.status}`}>{tCode("status", x.status)}</span>
      {d && <span class={overdue ? "due overdue" : d === today ? "due today" : "due"}>{formatDate(d)}</span>}
    </Row>
  );
}

/** What became of my request: Disetujui (with the letter number), Ditolak – perlu perbaikan, … */
function Outcome({ a, number }: { a: ApprovalView; number: string | null }) {
  const label = tCode("home.outcome", a.status);
  return (
    <span class={`badge appr-${a.status} outcome-${a.status}`} data-testid="home-outcome" data-status={a.status}>
      {a.status === "disetujui" && number ? docStatusText("disetujui", number) : label}
    </span>
  );
}

/** One compact line: the title (cut with an ellipsis) and its facts on the right. */
function Row(p: { attr: Record<string, string>; title: string; onClick: () => void; overdue?: boolean; children: preact.ComponentChildren }) {
  return (
    <li>
      <button type="button" class={`row line ${p.overdue ? "overdue" : ""}`} {...p.attr} onClick={p.onClick} title={p.title}>
        <span class="row-title">{p.title}</span>
        <span class="row-meta">{p.children}</span>
      </button>
    </li>
  );
}
