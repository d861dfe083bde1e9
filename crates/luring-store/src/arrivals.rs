//! What arrived from the server since the person last looked, for Beranda's "Baru sejak
//! terakhir Anda lihat".
//!
//! Arrival is counted on this device, not by anyone's clock: each pulled change that makes
//! something new for the person adds a row to `arrivals` with the next local sequence
//! number, in the same transaction as the change ([`crate::Store::apply_remote`], and
//! [`crate::Store::import_bundle`] for tasks carried on a flash disk). Clocks
//! of other devices may be wrong by days, and a change made offline a week ago arrives
//! today: today is when it is new here. Edits made on this device never pass through here,
//! so nothing a person did herself is ever new to her.
//!
//! What is logged, decided when the change is applied (the person's NIP is in `meta`):
//! - `assigned`: she is among a task's assignees and was not before;
//! - `comment`: someone else (by the comment's author) commented on a task assigned to her
//!   or that she gave;
//! - `request` / `decision`: an approval record arrived; which of them concern her (waiting
//!   for her decision, or a decision on her request) depends on the whole chain, which
//!   luring-client evaluates for these few requests.
//!
//! Nothing is logged before the profile has a "seen" marker ([`MetaKey::NewsSeen`]), which
//! luring-client sets when the first complete sync ends: what a new device receives at first
//! was already the person's, not news. Marking seen deletes the rows up to the marker, so
//! the table holds only what is still unseen and every read here is a range of a small
//! table, whatever the number of tasks.

use automerge::AutoCommit;
use luring_crdt::EntityKind;
use luring_model::{Record, RecordKind, Task, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};

use crate::derive;
use crate::error::Result;
use crate::meta::{self, MetaKey};
use crate::queries::{task_row, TaskRow, TASK_ROW_COLUMNS};
use crate::store::Store;

/// A task that is new to the person: the task as listed and its last arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskArrival {
    pub task: TaskRow,
    /// The local sequence number of its latest arrival of this kind.
    pub seq: i64,
    /// For a comment: the latest comment's author (NIP), when known.
    pub by: Option<String>,
}

/// Tasks that are new to the person in one way: how many, and the newest few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskArrivals {
    pub count: u64,
    pub first: Vec<TaskArrival>,
}

/// An approval request touched by an arrival: a new request or a decision on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestArrival {
    pub request_id: String,
    /// The local sequence number of its latest arrival.
    pub seq: i64,
    /// Whether a decision arrived (not only the request).
    pub decided: bool,
}

/// The person's NIP and whether arrivals are logged at all (see the module's note), read
/// once per answer applied.
pub(crate) struct Logger {
    me: String,
}

impl Logger {
    pub(crate) fn for_answer(c: &Connection) -> Result<Option<Self>> {
        if meta::get(c, MetaKey::NewsSeen.as_str())?.is_none() {
            return Ok(None);
        }
        Ok(meta::get(c, MetaKey::Nip.as_str())?.map(|me| Self { me }))
    }

    fn log(&self, c: &Connection, kind: &str, item: &str, nip: Option<&str>) -> Result<()> {
        c.prepare_cached("INSERT INTO arrivals(kind, item_id, nip, at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![kind, item, nip, Timestamp::now().into_string()])?;
        Ok(())
    }

    /// Logs what a pulled change made new in a task (`before`: as it was here, if it was).
    pub(crate) fn task(&self, c: &Connection, before: Option<&Task>, after: &Task) -> Result<()> {
        let me = self.me.as_str();
        let has_me = |t: &Task| t.assignees.iter().any(|n| n.as_str() == me);
        if has_me(after) && !before.is_some_and(has_me) {
            self.log(c, "assigned", after.id.as_str(), Some(me))?;
        }
        let concerns_me =
            has_me(after) || after.created_by.as_ref().is_some_and(|n| n.as_str() == me);
        if !concerns_me {
            return Ok(());
        }
        for comment in &after.comments {
            let author = comment.author.as_ref().map(|n| n.as_str());
            let known = before.is_some_and(|b| b.comments.iter().any(|x| x.id == comment.id));
            if !known && author != Some(me) {
                self.log(c, "comment", after.id.as_str(), author)?;
            }
        }
        Ok(())
    }

    /// What a task is here before changes from elsewhere are merged into `doc`, when news
    /// is logged at all (`news`) and the entity is a task.
    pub(crate) fn task_before(
        news: Option<&Self>,
        kind: EntityKind,
        doc: &AutoCommit,
    ) -> Option<Task> {
        (news.is_some() && kind == EntityKind::Task)
            .then(|| luring_crdt::read_task(doc).ok())
            .flatten()
    }

    /// Writes an entity's query rows after changes from elsewhere (a sync's pull, a
    /// bundle) were merged into `doc`, and logs what they made new (`before`: the task as it
    /// was here, [`Logger::task_before`]).
    pub(crate) fn put_arrived(
        news: Option<&Self>,
        c: &Connection,
        kind: EntityKind,
        doc: &AutoCommit,
        before: Option<&Task>,
    ) -> Result<()> {
        match (news, kind) {
            (Some(news), EntityKind::Task) => {
                let task = luring_crdt::read_task(doc)?;
                derive::put_task(c, &task)?;
                news.task(c, before, &task)
            }
            _ => derive::put_any(c, kind, doc),
        }
    }

    /// Logs a newly received approval record (requests and decisions; receipts and
    /// withdrawals are not news). A request is logged only when the person is in its chain.
    pub(crate) fn record(
        &self,
        c: &Connection,
        request_id: &str,
        kind: RecordKind,
        bytes: &[u8],
    ) -> Result<()> {
        match kind {
            RecordKind::Request => {
                let mine = match serde_json::from_slice::<Record>(bytes) {
                    Ok(Record::Request(q)) => q.body.chain.iter().any(|n| n.as_str() == self.me),
                    _ => false,
                };
                if mine {
                    self.log(c, "request", request_id, None)?;
                }
                Ok(())
            }
            RecordKind::Decision => self.log(c, "decision", request_id, None),
            _ => Ok(()),
        }
    }
}

/// The "seen" marker as `connection` (or a transaction on it) reads it.
fn news_seen_in(c: &Connection) -> Result<Option<i64>> {
    Ok(meta::get(c, MetaKey::NewsSeen.as_str())?.and_then(|s| s.parse().ok()))
}

fn task_arrival(r: &rusqlite::Row<'_>) -> rusqlite::Result<(u64, TaskArrival)> {
    let count: i64 = r.get(9)?;
    Ok((
        u64::try_from(count).unwrap_or(0),
        TaskArrival {
            task: task_row(r)?,
            seq: r.get(7)?,
            by: r.get(8)?,
        },
    ))
}

impl Store {
    /// The person's "seen" marker; `None` before the first complete sync.
    pub fn news_seen(&self) -> Result<Option<i64>> {
        news_seen_in(self.connection())
    }

    /// The latest arrival logged, or the marker when nothing is unseen.
    pub fn last_arrival(&self) -> Result<i64> {
        let seen = self.news_seen()?.unwrap_or(0);
        let last: Option<i64> = self
            .connection()
            .query_row("SELECT max(seq) FROM arrivals", [], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(last.unwrap_or(0).max(seen))
    }

    /// Marks everything up to `upto` (a [`Store::last_arrival`] the person was shown) as
    /// seen: the marker moves there, never back, and the rows up to it are deleted. What
    /// arrived after `upto` stays new.
    pub fn mark_news_seen(&mut self, upto: i64) -> Result<()> {
        self.write_tx(|c| {
            let upto = upto.max(news_seen_in(c)?.unwrap_or(0));
            meta::set(c, MetaKey::NewsSeen.as_str(), &upto.to_string())?;
            c.prepare_cached("DELETE FROM arrivals WHERE seq <= ?1")?
                .execute([upto])?;
            Ok(())
        })
    }

    /// Tasks newly assigned to `me` since the marker, by someone else (not tasks `me` made),
    /// still assigned to `me`: how many, and the `first` newest.
    pub fn assigned_arrivals(&self, me: &str, first: u32) -> Result<TaskArrivals> {
        self.task_arrivals(
            "assigned",
            "a.nip = ?1 AND t.created_by IS NOT ?1
             AND EXISTS (SELECT 1 FROM task_assignees x WHERE x.nip = ?1 AND x.task_id = t.id)",
            me,
            first,
        )
    }

    /// Tasks of `me` (assigned to her, or that she gave) with comments by others since the
    /// marker: how many tasks, and the `first` newest.
    pub fn comment_arrivals(&self, me: &str, first: u32) -> Result<TaskArrivals> {
        self.task_arrivals(
            "comment",
            "a.nip IS NOT ?1 AND (t.created_by = ?1
               OR EXISTS (SELECT 1 FROM task_assignees x WHERE x.nip = ?1 AND x.task_id = t.id))",
            me,
            first,
        )
    }

    /// One query over the unseen arrivals of `kind` (a range of a small table), joined to
    /// the task rows by key; "still mine" is a primary-key probe per arrival (`EXISTS`), not
    /// the list of all my assignments. `count(*) OVER ()` counts every match while only
    /// `first` are returned.
    fn task_arrivals(&self, kind: &str, cond: &str, me: &str, first: u32) -> Result<TaskArrivals> {
        let sql = format!(
            "SELECT {TASK_ROW_COLUMNS}, a.seq, a.nip, count(*) OVER ()
             FROM (SELECT item_id, max(seq) AS seq, nip FROM arrivals
                   WHERE kind = ?2 AND seq > ?3 GROUP BY item_id) a
             JOIN tasks t ON t.id = a.item_id
             WHERE {cond}
             ORDER BY a.seq DESC LIMIT ?4"
        );
        let seen = self.news_seen()?.unwrap_or(0);
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![me, kind, seen, first], task_arrival)?;
        let mut out = TaskArrivals::default();
        for row in rows {
            let (count, a) = row?;
            out.count = count;
            out.first.push(a);
        }
        Ok(out)
    }

    /// Approval requests with a request or decision that arrived since the marker, newest
    /// first (luring-client decides which concern the person).
    pub fn request_arrivals(&self) -> Result<Vec<RequestArrival>> {
        let seen = self.news_seen()?.unwrap_or(0);
        let mut stmt = self.connection().prepare_cached(
            "SELECT item_id, max(seq), max(kind = 'decision') FROM arrivals
             WHERE kind IN ('request', 'decision') AND seq > ?1
             GROUP BY item_id ORDER BY 2 DESC",
        )?;
        let rows = stmt.query_map([seen], |r| {
            Ok(RequestArrival {
                request_id: r.get(0)?,
                seq: r.get(1)?,
                decided: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// A document's title from its query row (`None`: not here).
    pub fn document_title(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .connection()
            .prepare_cached("SELECT title FROM documents WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}
