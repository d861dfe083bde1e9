//! The entity document this store loaded or wrote last, kept in memory. The desktop
//! editor saves a letter at every key and shows the result; without this each save
//! replayed the letter's whole history from SQLite twice (about 100 ms each for a 30-page
//! letter in a release build), so saves fell seconds behind a steady typist.
//!
//! The copy is used only while the database provably has not changed since it was taken:
//! no row written through this connection (SQLite's `total_changes`, which counts every
//! insert, update and delete on it, whatever path made them) and no commit by any other
//! connection or process, such as the CLI or a second window (`PRAGMA data_version`). Any
//! write anywhere therefore means one reload, never a stale read.

use std::cell::RefCell;

use automerge::{ActorId, AutoCommit};
use luring_crdt::EntityKind;
use rusqlite::Connection;

use crate::error::Result;

/// What the database looked like to this connection when a copy was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    data_version: i64,
    total_changes: u64,
}

impl Stamp {
    /// Now, as `conn` sees it.
    pub(crate) fn of(conn: &Connection) -> Result<Self> {
        Ok(Self::after_commit(data_version(conn)?, conn))
    }

    /// Just after this connection committed a transaction in which it read
    /// `data_version`. Inside a write transaction nobody else can commit, so that is the
    /// version the commit leaves; the row count is read after the commit, because FTS5
    /// writes its index rows at commit time.
    pub(crate) fn after_commit(data_version: i64, conn: &Connection) -> Self {
        Self {
            data_version,
            total_changes: conn.total_changes(),
        }
    }
}

/// Changes whenever another connection commits to the database (SQLite's `data_version`).
pub(crate) fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

struct Entry {
    id: String,
    kind: EntityKind,
    stamp: Stamp,
    doc: AutoCommit,
}

/// At most one document: the one being edited.
#[derive(Default)]
pub(crate) struct LastLoaded(RefCell<Option<Entry>>);

impl LastLoaded {
    /// Takes the copy of `id` (of `kind`) out if it is still current on `conn`, set to
    /// make further changes as `actor` (the store's, which may have changed since).
    pub(crate) fn take(
        &self,
        conn: &Connection,
        id: &str,
        kind: EntityKind,
        actor: &ActorId,
    ) -> Result<Option<AutoCommit>> {
        let mut slot = self.0.borrow_mut();
        let fits = matches!(&*slot, Some(e) if e.id == id && e.kind == kind);
        if !fits {
            return Ok(None);
        }
        let mut entry = slot.take().expect("checked above");
        if entry.stamp != Stamp::of(conn)? {
            return Ok(None);
        }
        entry.doc.set_actor(actor.clone());
        Ok(Some(entry.doc))
    }

    /// Keeps `doc` as `id`'s document as of `stamp`.
    pub(crate) fn put(&self, id: &str, kind: EntityKind, stamp: Stamp, doc: AutoCommit) {
        *self.0.borrow_mut() = Some(Entry {
            id: id.to_owned(),
            kind,
            stamp,
            doc,
        });
    }
}
