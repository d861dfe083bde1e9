//! The [`Store`]: one open profile database and the operations on it.

use std::path::Path;

use automerge::{ActorId, AutoCommit, ChangeHash};
use luring_crdt::{EntityKind, NewDocument, NewTask};
use luring_model::{Document, Task, Timestamp};
use rusqlite::{params, Connection, TransactionBehavior};

use crate::arrivals::Logger;
use crate::bundle::{self, BundleBody, BundleEntity, BundleError, ImportSummary};
use crate::derive::Entity;
use crate::error::{Result, StoreError};
use crate::last_loaded::{self, LastLoaded, Stamp};
use crate::meta::{self, MetaKey};
use crate::queries::{self, DocRow, Stats, TaskFilter, TaskRow};
use crate::{derive, entity, migrations};

/// An open local store. Not `Sync`: one per thread; several processes may share the file.
pub struct Store {
    conn: Connection,
    actor: ActorId,
    /// The entity document read or written last (the letter being typed).
    last: LastLoaded,
}

/// Time stamped on automerge changes (seconds since the Unix epoch).
fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::from_connection(conn, migrations::latest())
    }

    /// Opens an in-memory store (tests).
    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?, migrations::latest())
    }

    fn from_connection(mut conn: Connection, target: i64) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL lets readers run beside a writer; FULL makes every commit durable against
        // power loss, not only against a crash of this process.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if migrations::migrate_to(&mut conn, target)? {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            derive::rebuild(&tx)?;
            tx.commit()?;
        }
        let actor = match meta::get(&conn, MetaKey::Actor.as_str())? {
            Some(hex) => ActorId::try_from(hex.as_str()).map_err(|e| StoreError::Damaged {
                id: "meta.actor".into(),
                reason: e.to_string(),
            })?,
            None => {
                let a = ActorId::random();
                meta::set(&conn, MetaKey::Actor.as_str(), &a.to_hex_string())?;
                a
            }
        };
        Ok(Self {
            conn,
            actor,
            last: LastLoaded::default(),
        })
    }

    /// The automerge actor id of every change made through this store.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// After [`Store::change_actor`] stored the new actor.
    pub(crate) fn set_actor_after_change(&mut self, actor: ActorId) {
        self.actor = actor;
    }

    /// The underlying connection, for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Any metadata value by its stored name, for diagnostics and tests; code uses
    /// [`Store::get`] with a [`MetaKey`].
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta::get(&self.conn, key)
    }

    /// Sets any metadata value by its stored name, for tests; code uses [`Store::put`].
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        meta::set(&self.conn, key, value)
    }

    /// Raises the number stored under metadata `key` (0 if absent or not a number) by one
    /// and returns it, atomically: two processes on one profile never get the same number.
    pub fn next_number(&mut self, key: MetaKey) -> Result<u64> {
        self.write_tx(|c| {
            let n = meta::get(c, key.as_str())?.and_then(|s| s.parse::<u64>().ok());
            let n = n.unwrap_or(0) + 1;
            meta::set(c, key.as_str(), &n.to_string())?;
            Ok(n)
        })
    }

    /// Removes a metadata key by its stored name (absent keys are fine).
    pub fn remove_meta(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Runs `f` in one immediate transaction (for sibling modules).
    pub(crate) fn write_tx<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.write(|c, _| f(c))
    }

    /// Runs `f` in one immediate transaction: all of it commits, or none.
    fn write<T>(&mut self, f: impl FnOnce(&Connection, &ActorId) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &self.actor)?;
        tx.commit()?;
        Ok(out)
    }

    /// Creates tasks, all in one transaction.
    pub fn create_tasks(&mut self, tasks: &[NewTask]) -> Result<()> {
        self.create::<Task, _>(tasks, luring_crdt::new_task)
    }

    /// Creates documents, all in one transaction.
    pub fn create_documents(&mut self, docs: &[NewDocument]) -> Result<()> {
        self.create::<Document, _>(docs, luring_crdt::new_document)
    }

    fn create<E: Entity, N>(
        &mut self,
        items: &[N],
        make: impl Fn(ActorId, &N) -> luring_crdt::Result<AutoCommit>,
    ) -> Result<()> {
        self.write(|c, actor| {
            for n in items {
                let mut doc = make(actor.clone(), n)?;
                commit(&mut doc);
                let e = E::read(&doc)?;
                entity::insert(c, e.id(), E::KIND, &mut doc)?;
                let hashes: Vec<ChangeHash> =
                    doc.get_changes(&[]).iter().map(|ch| ch.hash()).collect();
                outbox(c, e.id(), &hashes)?;
                e.put_derived(c)?;
            }
            Ok(())
        })
    }

    /// Changes one task through `edit`, durably, and returns it as it now reads.
    pub fn update_task(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut AutoCommit) -> luring_crdt::Result<()>,
    ) -> Result<Task> {
        self.update(id, edit, |_| Ok(()))
    }

    /// Changes one document through `edit`, durably, and returns it as it now reads.
    pub fn update_document(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut AutoCommit) -> luring_crdt::Result<()>,
    ) -> Result<Document> {
        self.update(id, edit, |_| Ok(()))
    }

    /// Loads, edits, validates and stores one entity with its derived rows and outbox
    /// entries, in one transaction; an edit whose result breaks a rule stores nothing.
    /// `also` writes local rows that must commit with the edit (or not at all).
    pub(crate) fn update<E: Entity>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut AutoCommit) -> luring_crdt::Result<()>,
        also: impl FnOnce(&Connection) -> Result<()>,
    ) -> Result<E> {
        // Out of `self` for the transaction's closure; back in below only once committed.
        let last = std::mem::take(&mut self.last);
        let (e, doc, version) = self.write(|c, actor| {
            let mut doc = match last.take(c, id, E::KIND, actor)? {
                Some(doc) => doc,
                None => entity::load(c, id, E::KIND, actor)?,
            };
            let before = doc.get_heads();
            edit(&mut doc)?;
            commit(&mut doc);
            let e = E::read(&doc)?;
            let hashes = entity::append(c, id, &mut doc, &before)?;
            outbox(c, id, &hashes)?;
            e.put_derived(c)?;
            also(c)?;
            Ok((e, doc, last_loaded::data_version(c)?))
        })?;
        let stamp = Stamp::after_commit(version, &self.conn);
        self.last.put(id, E::KIND, stamp, doc);
        Ok(e)
    }

    /// Runs `f` on entity `id`'s document, from memory when nothing changed since it was
    /// last loaded or written here (see `last_loaded`), else loaded and then kept. `f` only
    /// reads: it gets `&mut` because automerge's `get_heads` wants it (to close a
    /// transaction, which a kept document never has open).
    fn with_doc<T>(
        &self,
        id: &str,
        kind: EntityKind,
        f: impl FnOnce(&mut AutoCommit) -> Result<T>,
    ) -> Result<T> {
        // Stamped before loading: a commit by someone else meanwhile makes the next use miss.
        let stamp = Stamp::of(&self.conn)?;
        let mut doc = match self.last.take(&self.conn, id, kind, &self.actor)? {
            Some(doc) => doc,
            None => entity::load(&self.conn, id, kind, &self.actor)?,
        };
        let out = f(&mut doc);
        self.last.put(id, kind, stamp, doc);
        out
    }

    /// Reads a whole task from its automerge document.
    pub fn task(&self, id: &str) -> Result<Task> {
        self.with_doc(id, EntityKind::Task, |doc| Ok(luring_crdt::read_task(doc)?))
    }

    /// Reads a whole document from its automerge document.
    pub fn document(&self, id: &str) -> Result<Document> {
        self.with_doc(id, EntityKind::Document, |doc| {
            Ok(luring_crdt::read_document(doc)?)
        })
    }

    /// The whole automerge document of an entity (any kind), with this store's actor for
    /// further changes.
    pub fn entity_doc(&self, id: &str) -> Result<AutoCommit> {
        let kind = entity::kind_of(&self.conn, id)?.ok_or_else(|| StoreError::NotFound {
            kind: "entity",
            id: id.to_owned(),
        })?;
        self.with_doc(id, kind, |doc| Ok(doc.clone()))
    }

    /// The automerge heads of an entity (what an approval binds to).
    pub fn heads(&self, id: &str, kind: EntityKind) -> Result<Vec<ChangeHash>> {
        self.with_doc(id, kind, |doc| Ok(doc.get_heads()))
    }

    pub fn list_tasks(&self, f: &TaskFilter) -> Result<Vec<TaskRow>> {
        queries::list_tasks(&self.conn, f)
    }

    /// How many tasks `f` matches (its limit and offset ignored).
    pub fn count_tasks(&self, f: &TaskFilter) -> Result<u64> {
        queries::count_tasks(&self.conn, f)
    }

    pub fn list_documents(&self, kind: Option<&str>) -> Result<Vec<DocRow>> {
        queries::list_documents(&self.conn, kind)
    }

    pub fn search_documents(&self, query: &str, limit: u32) -> Result<Vec<DocRow>> {
        queries::search_documents(&self.conn, query, limit)
    }

    pub fn stats(&self) -> Result<Stats> {
        queries::stats(&self.conn)
    }

    /// Serialises every entity into a bundle file's bytes. The changes waiting in the
    /// outbox are in it, so from now on they are never folded (marked first: a failed
    /// export only costs a fold).
    pub fn export_bundle(&self, source: &str) -> Result<Vec<u8>> {
        crate::fold::mark_all_shared(&self.conn)?;
        let mut entities = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, snapshot FROM entities ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let mut doc = entity::load_any(&self.conn, &id, r.get(2)?)?;
            entities.push(BundleEntity {
                id,
                kind: r.get(1)?,
                data: doc.save(),
            });
        }
        Ok(bundle::encode(&BundleBody {
            agency: self.get(MetaKey::AgencyKey)?.unwrap_or_default(),
            source: source.to_owned(),
            created_at: Timestamp::now().into_string(),
            entities,
        })?)
    }

    /// Merges a bundle file's bytes. Either every entity merges and validates, or nothing
    /// changes. Merged changes are not put in the outbox: they are someone else's.
    pub fn import_bundle(&mut self, bytes: &[u8]) -> Result<ImportSummary> {
        let body = bundle::decode(bytes)?;
        bundle::check_agency(&body, self.get(MetaKey::AgencyKey)?.as_deref())?;
        self.write(|c, actor| {
            let mut sum = ImportSummary {
                entities: body.entities.len(),
                ..Default::default()
            };
            // A colleague's bundle brings news as a sync does (arrivals.rs).
            let news = Logger::for_answer(c)?;
            for e in &body.entities {
                let refuse = |reason: String| {
                    StoreError::Bundle(BundleError::BadEntity {
                        id: e.id.clone(),
                        reason,
                    })
                };
                let mut incoming = AutoCommit::load(&e.data)
                    .map_err(|err| refuse(format!("is not a valid document ({err})")))?;
                let kind =
                    luring_crdt::entity_kind(&incoming).map_err(|err| refuse(err.to_string()))?;
                if kind.as_str() != e.kind {
                    return Err(refuse(format!(
                        "claims to be a {} but holds a {}",
                        e.kind,
                        kind.as_str()
                    )));
                }
                let existing = entity::kind_of(c, &e.id)?;
                let mut task_before = None;
                let (mut doc, before) = match existing {
                    Some(_) => {
                        let mut doc = entity::load(c, &e.id, kind, actor)
                            .map_err(|err| refuse(err.to_string()))?;
                        task_before = Logger::task_before(news.as_ref(), kind, &doc);
                        let before = doc.get_heads();
                        doc.merge(&mut incoming)
                            .map_err(|err| refuse(format!("cannot be merged ({err})")))?;
                        (doc, Some(before))
                    }
                    None => (incoming, None),
                };
                let id_inside =
                    derive::read_id(kind, &doc).map_err(|err| refuse(err.to_string()))?;
                if id_inside.as_str() != e.id {
                    return Err(refuse(format!("holds the data of '{id_inside}'")));
                }
                match before {
                    None => {
                        entity::insert(c, &e.id, kind, &mut doc)?;
                        sum.created += 1;
                    }
                    Some(before) => {
                        let n = entity::append(c, &e.id, &mut doc, &before)?.len();
                        if n == 0 {
                            continue;
                        }
                        sum.updated += 1;
                        sum.changes += n;
                    }
                }
                // `read_id` above read the whole entity, so this cannot refuse it any more.
                Logger::put_arrived(news.as_ref(), c, kind, &doc, task_before.as_ref())?;
            }
            Ok(sum)
        })
    }

    /// Differences between the stored query tables and those recomputed from the
    /// documents; empty when the store is consistent.
    pub fn check_derived(&self) -> Result<Vec<String>> {
        derive::check(&self.conn)
    }

    /// Recomputes the query tables from the documents.
    pub fn rebuild_derived(&mut self) -> Result<()> {
        self.write(|c, _| derive::rebuild(c))
    }

    /// SQLite's own `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// Commits pending automerge operations with a timestamp.
fn commit(doc: &mut AutoCommit) {
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(now_secs()));
}

fn outbox(c: &Connection, id: &str, hashes: &[ChangeHash]) -> Result<()> {
    let mut ins = c.prepare_cached(
        "INSERT OR IGNORE INTO outbox(entity_id, hash, created_at) VALUES (?1, ?2, ?3)",
    )?;
    let at = Timestamp::now().into_string();
    for h in hashes {
        ins.execute(params![id, h.0.as_slice(), at])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
