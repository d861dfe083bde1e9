//! Beranda's "Baru sejak terakhir Anda lihat" (New since you last looked): what arrived
//! from the server for me since I last marked it seen — tasks newly assigned to me by
//! someone else, new comments by others on my tasks, decisions on my requests, and requests
//! waiting for my decision. Counts plus the newest few, each opening its task or request.
//!
//! Arrival is this device's own order (luring-store `arrivals.rs`), never another device's
//! clock, and what I did myself on this device is never new.
//!
//! **Seen is explicit ("Tandai sudah dilihat").** Opening Beranda does not mark anything
//! seen: the app opens on Beranda at every start, often while the person is about to do
//! something else (reply to a chat, sign one letter), and a civil servant expects what was
//! given to her to stay flagged until she says she has taken note of it — as a letter
//! stays in the in-tray (kotak masuk) until it is receipted, not when she walks past it.
//! Marking seen covers exactly what she was shown ([`NewsView::upto`]): something that
//! arrives while she is reading stays new.

use luring_model::ApprovalStatus;
use luring_store::TaskArrival;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::profile::Profile;

/// Why an item is new to me.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum NewsKind {
    /// A task newly assigned to me by someone else.
    Assigned,
    /// Someone else commented on a task assigned to me or that I gave.
    Comment,
    /// My request was approved or rejected.
    Decision,
    /// A request waits for my decision.
    Waiting,
}

/// One new thing, as Beranda lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewsItem {
    pub kind: NewsKind,
    /// What a click opens: the task's id, or the approval request's.
    pub id: String,
    /// The task's title, or the requested document's.
    pub title: String,
    /// Who (NIP): the comment's author, the approver who decided, or the requester.
    pub by: Option<String>,
    /// The task's status, or the request's (`disetujui`, `ditolak`, `menunggu`).
    pub status: String,
    /// Its place in this device's arrival order (newest first in the list).
    pub seq: i64,
}

/// What is new since I last looked: how many of each kind, and the newest few of all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewsView {
    /// The last arrival this view covers: "Tandai sudah dilihat" sends it back
    /// ([`Profile::mark_news_seen`]), so what arrives after it stays new.
    pub upto: i64,
    pub assigned: u64,
    pub comments: u64,
    pub decisions: u64,
    pub waiting: u64,
    /// The newest `first` items of every kind together, newest first.
    pub first: Vec<NewsItem>,
}

impl NewsView {
    /// All the new things counted.
    pub fn total(&self) -> u64 {
        self.assigned + self.comments + self.decisions + self.waiting
    }
}

fn task_item(kind: NewsKind, a: TaskArrival) -> NewsItem {
    NewsItem {
        kind,
        id: a.task.id,
        title: a.task.title,
        by: match kind {
            NewsKind::Comment => a.by,
            _ => a.task.created_by,
        },
        status: a.task.status,
        seq: a.seq,
    }
}

impl Profile {
    /// What is new for me since I last marked it seen, with the newest `first` items.
    ///
    /// Two indexed queries over the unseen arrivals (tasks), and the evaluation of the few
    /// approval requests that had a record arrive since: never a pass over every task.
    pub fn news(&self, first: u32) -> Result<NewsView> {
        let store = self.store();
        let upto = store.last_arrival()?;
        let me = self.nip();
        let assigned = store.assigned_arrivals(me, first)?;
        let comments = store.comment_arrivals(me, first)?;
        let mut view = NewsView {
            upto,
            assigned: assigned.count,
            comments: comments.count,
            ..Default::default()
        };
        let mut items: Vec<NewsItem> = (assigned.first.into_iter())
            .map(|a| task_item(NewsKind::Assigned, a))
            .chain((comments.first.into_iter()).map(|a| task_item(NewsKind::Comment, a)))
            .collect();
        for r in store.request_arrivals()? {
            // A request that no longer reads (damaged, or its request not here yet) is
            // simply not news; the Persetujuan screen reports it.
            let Ok(v) = self.show_approval(&r.request_id) else {
                continue;
            };
            let outcome = v.status == ApprovalStatus::Disetujui.as_str()
                || v.status == ApprovalStatus::Ditolak.as_str();
            let (kind, by) = if v.next_approver.as_deref() == Some(me) {
                (NewsKind::Waiting, Some(v.requester.clone()))
            } else if r.decided && v.requester == me && outcome {
                let last = v.decisions.iter().max_by_key(|d| d.level);
                (NewsKind::Decision, last.map(|d| d.approver.clone()))
            } else {
                continue;
            };
            match kind {
                NewsKind::Waiting => view.waiting += 1,
                _ => view.decisions += 1,
            }
            let title = store
                .document_title(&v.document_id)?
                .unwrap_or_else(|| v.document_id.clone());
            items.push(NewsItem {
                kind,
                id: v.id,
                title,
                by,
                status: v.status,
                seq: r.seq,
            });
        }
        items.sort_by_key(|i| std::cmp::Reverse(i.seq));
        items.truncate(first as usize);
        view.first = items;
        Ok(view)
    }

    /// Marks as seen everything a [`NewsView`] covered (its `upto`); what arrived after
    /// stays new. Kept in the profile's store, so it survives a restart.
    pub fn mark_news_seen(&mut self, upto: i64) -> Result<()> {
        Ok(self.store_mut().mark_news_seen(upto)?)
    }
}

#[cfg(test)]
mod tests;
