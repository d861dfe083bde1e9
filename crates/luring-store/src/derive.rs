//! Query tables derived from the automerge documents.
//!
//! The rows are a pure function of each document, written in the same transaction as the
//! change, so they can always be recomputed ([`rebuild`]) and compared ([`check`]).

use std::collections::BTreeSet;

use automerge::AutoCommit;
use luring_crdt::EntityKind;
use luring_model::{Document, Task};
use rusqlite::{params, Connection};

use crate::entity;
use crate::error::Result;

/// Writes the query rows of one task.
pub(crate) fn put_task(conn: &Connection, t: &Task) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tasks(id, title, status, due, unit, created_at, search) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, status = excluded.status,
           due = excluded.due, unit = excluded.unit, created_at = excluded.created_at,
           search = excluded.search
         WHERE (title, status, due, unit, created_at, search)
           IS NOT (excluded.title, excluded.status, excluded.due, excluded.unit, excluded.created_at, excluded.search)",
    )?
    .execute(params![
        t.id.as_str(),
        t.title.as_str(),
        t.status.as_str(),
        t.due.map(|d| d.to_string()),
        t.unit,
        t.created_at,
        task_search_text(t)
    ])?;
    // Rows and index pages are rewritten only where something changed: most edits (a
    // status, a comment) leave the assignees alone, and every page saved is WAL not
    // written and fsynced.
    let stored: BTreeSet<String> = conn
        .prepare_cached("SELECT nip FROM task_assignees WHERE task_id = ?1")?
        .query_map([t.id.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let wanted: BTreeSet<String> = t.assignees.iter().map(|n| n.to_string()).collect();
    let mut del =
        conn.prepare_cached("DELETE FROM task_assignees WHERE nip = ?1 AND task_id = ?2")?;
    for nip in stored.difference(&wanted) {
        del.execute([nip.as_str(), t.id.as_str()])?;
    }
    let mut ins =
        conn.prepare_cached("INSERT INTO task_assignees(nip, task_id) VALUES (?1, ?2)")?;
    for nip in wanted.difference(&stored) {
        ins.execute([nip.as_str(), t.id.as_str()])?;
    }
    Ok(())
}

/// What a search in Tugas looks through: the title, the description, the checklist and
/// the comments, lowercased (SQLite's `lower` knows ASCII only), one per line.
pub(crate) fn task_search_text(t: &Task) -> String {
    let mut parts = vec![t.title.as_str(), t.description.as_str()];
    parts.extend(t.checklist.iter().map(|c| c.text.as_str()));
    parts.extend(t.comments.iter().map(|c| c.text.as_str()));
    parts.join("\n").to_lowercase()
}

/// Writes the query row of one document; the FTS index follows by trigger.
pub(crate) fn put_document(conn: &Connection, d: &Document) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO documents(id, kind, title, body, classification, letter_number, content_hash, unit, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
           body = excluded.body, classification = excluded.classification,
           letter_number = excluded.letter_number, content_hash = excluded.content_hash,
           unit = excluded.unit, created_at = excluded.created_at
         WHERE (kind, title, body, classification, letter_number, content_hash, unit, created_at)
           IS NOT (excluded.kind, excluded.title, excluded.body, excluded.classification,
                   excluded.letter_number, excluded.content_hash, excluded.unit, excluded.created_at)",
    )?
    .execute(params![
        d.id.as_str(),
        d.kind.as_str(),
        d.title.as_str(),
        d.body.as_str(),
        d.classification.as_str(),
        d.letter_number,
        d.content_hash().to_string(),
        d.unit,
        d.created_at
    ])?;
    Ok(())
}

/// What the store needs to know of each kind of entity.
pub(crate) trait Entity: Sized {
    const KIND: EntityKind;
    /// Reads and validates the entity from its automerge document.
    fn read(doc: &AutoCommit) -> luring_crdt::Result<Self>;
    fn id(&self) -> &str;
    /// Writes the entity's query rows.
    fn put_derived(&self, conn: &Connection) -> Result<()>;
}

impl Entity for Task {
    const KIND: EntityKind = EntityKind::Task;
    fn read(doc: &AutoCommit) -> luring_crdt::Result<Self> {
        luring_crdt::read_task(doc)
    }
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn put_derived(&self, conn: &Connection) -> Result<()> {
        put_task(conn, self)
    }
}

impl Entity for Document {
    const KIND: EntityKind = EntityKind::Document;
    fn read(doc: &AutoCommit) -> luring_crdt::Result<Self> {
        luring_crdt::read_document(doc)
    }
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn put_derived(&self, conn: &Connection) -> Result<()> {
        put_document(conn, self)
    }
}

/// Reads the id written inside an entity of kind `kind`, validating the whole entity.
pub(crate) fn read_id(kind: EntityKind, doc: &AutoCommit) -> luring_crdt::Result<String> {
    Ok(match kind {
        EntityKind::Task => Task::read(doc)?.id().to_owned(),
        EntityKind::Document => Document::read(doc)?.id().to_owned(),
    })
}

/// Writes the query rows of an entity of kind `kind`.
pub(crate) fn put_any(conn: &Connection, kind: EntityKind, doc: &AutoCommit) -> Result<()> {
    match kind {
        EntityKind::Task => Task::read(doc)?.put_derived(conn),
        EntityKind::Document => Document::read(doc)?.put_derived(conn),
    }
}

/// Every derived row, as text, in a stable order: what [`check`] compares.
fn snapshot_rows(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for sql in [
        "SELECT 'task', id, title, status, coalesce(due, '-'), coalesce(unit, '-'), created_at FROM tasks",
        "SELECT 'assignee', task_id, nip, '', '', '', '' FROM task_assignees",
        "SELECT 'document', id, kind, title, classification, coalesce(letter_number, '-'),
                content_hash || ' ' || coalesce(unit, '-') || ' ' || created_at || ' ' || body FROM documents",
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let cols: Vec<String> = (0..7).map(|i| r.get(i)).collect::<Result<_, _>>()?;
            out.insert(cols.join("\u{1f}"));
        }
    }
    Ok(out)
}

/// Recomputes every derived row from the documents, in memory, and lists the differences
/// from the stored tables (empty when they agree). Also runs FTS5's own integrity check.
pub(crate) fn check(conn: &Connection) -> Result<Vec<String>> {
    let stored = snapshot_rows(conn)?;
    let sp = conn.unchecked_transaction()?;
    clear(&sp)?;
    fill(&sp)?;
    let fresh = snapshot_rows(&sp)?;
    sp.rollback()?;
    let mut diffs: Vec<String> = stored
        .difference(&fresh)
        .map(|r| format!("stored but not derived: {r}"))
        .chain(
            fresh
                .difference(&stored)
                .map(|r| format!("derived but not stored: {r}")),
        )
        .collect();
    if let Err(e) = conn.execute(
        "INSERT INTO docs_fts(docs_fts) VALUES ('integrity-check')",
        [],
    ) {
        diffs.push(format!("full-text index: {e}"));
    }
    Ok(diffs)
}

/// Recomputes every derived row from the documents (after a migration, or on demand).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    clear(conn)?;
    fill(conn)
}

fn clear(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM task_assignees; DELETE FROM tasks; DELETE FROM documents;")?;
    Ok(())
}

fn fill(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare("SELECT id, snapshot FROM entities")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let doc = entity::load_any(conn, &id, r.get(1)?)?;
        put_any(conn, luring_crdt::entity_kind(&doc)?, &doc)?;
    }
    Ok(())
}
