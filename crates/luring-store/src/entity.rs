//! Automerge documents at rest: a snapshot plus the changes appended since.
//!
//! Appending a change is cheap (one small row) while a snapshot rewrite costs the whole
//! document, so edits append and the snapshot is rewritten only every
//! [`COMPACT_AFTER`] changes. Loading replays snapshot + changes.

use automerge::{ActorId, AutoCommit, Change, ChangeHash};
use luring_crdt::EntityKind;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Result, StoreError};

/// Number of appended changes after which the snapshot is rewritten.
pub const COMPACT_AFTER: i64 = 64;

/// The kind named by a stored `kind` value of entity `id` (the column's CHECK allows only
/// `task` and `document`; anything else is damage, not a document).
pub(crate) fn stored_kind(id: &str, s: &str) -> Result<EntityKind> {
    s.parse()
        .map_err(|e: luring_model::KindError| StoreError::Damaged {
            id: id.to_owned(),
            reason: e.to_string(),
        })
}

/// The stored kind of an entity, if it exists.
pub(crate) fn kind_of(conn: &Connection, id: &str) -> Result<Option<EntityKind>> {
    let kind: Option<String> = conn
        .query_row("SELECT kind FROM entities WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    kind.map(|k| stored_kind(id, &k)).transpose()
}

/// Loads an entity's document with `actor` as the author of any further change.
pub(crate) fn load(
    conn: &Connection,
    id: &str,
    expected: EntityKind,
    actor: &ActorId,
) -> Result<AutoCommit> {
    let row: Option<(String, Vec<u8>)> = conn
        .query_row(
            "SELECT kind, snapshot FROM entities WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((kind, snapshot)) = row else {
        return Err(StoreError::NotFound {
            kind: expected.as_str(),
            id: id.to_owned(),
        });
    };
    if kind != expected.as_str() {
        return Err(StoreError::WrongKind {
            id: id.to_owned(),
            expected: expected.as_str(),
            actual: kind,
        });
    }
    load_any(conn, id, snapshot).map(|d| d.with_actor(actor.clone()))
}

/// Replays snapshot + appended changes.
pub(crate) fn load_any(conn: &Connection, id: &str, snapshot: Vec<u8>) -> Result<AutoCommit> {
    let damaged = |e: automerge::AutomergeError| StoreError::Damaged {
        id: id.to_owned(),
        reason: e.to_string(),
    };
    let mut doc = AutoCommit::load(&snapshot).map_err(damaged)?;
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM changes WHERE entity_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([id])?;
    let mut changes = Vec::new();
    while let Some(r) = rows.next()? {
        let bytes: Vec<u8> = r.get(0)?;
        changes.push(Change::from_bytes(bytes).map_err(|e| StoreError::Damaged {
            id: id.to_owned(),
            reason: e.to_string(),
        })?);
    }
    if !changes.is_empty() {
        doc.apply_changes(changes).map_err(damaged)?;
    }
    Ok(doc)
}

/// Inserts a new entity, stored as a snapshot.
pub(crate) fn insert(
    conn: &Connection,
    id: &str,
    kind: EntityKind,
    doc: &mut AutoCommit,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO entities(id, kind, snapshot) VALUES (?1, ?2, ?3)")?
        .execute(params![id, kind.as_str(), doc.save()])?;
    Ok(())
}

/// Appends the changes `doc` has beyond `before`, compacting when they pile up.
/// Returns the hashes appended.
pub(crate) fn append(
    conn: &Connection,
    id: &str,
    doc: &mut AutoCommit,
    before: &[ChangeHash],
) -> Result<Vec<ChangeHash>> {
    let new = doc.get_changes(before);
    let mut hashes = Vec::with_capacity(new.len());
    {
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO changes(entity_id, hash, bytes) VALUES (?1, ?2, ?3)",
        )?;
        for c in &new {
            ins.execute(params![id, c.hash().0.as_slice(), c.raw_bytes()])?;
            hashes.push(c.hash());
        }
    }
    let pending: i64 = conn
        .prepare_cached("SELECT count(*) FROM changes WHERE entity_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if pending > COMPACT_AFTER {
        conn.prepare_cached("UPDATE entities SET snapshot = ?2 WHERE id = ?1")?
            .execute(params![id, doc.save()])?;
        conn.prepare_cached("DELETE FROM changes WHERE entity_id = ?1")?
            .execute([id])?;
    }
    Ok(hashes)
}
