//! Versioned, forward-only schema migrations, tracked in `PRAGMA user_version`.
//!
//! A migration is never edited once released: a fix is a new migration. A migration that
//! changes what the query tables hold sets `rebuild_derived`, and the store then rebuilds
//! them from the automerge documents, which are the only source of truth.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// One step of the schema.
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
    /// The query tables must be recomputed from the documents after this step.
    pub rebuild_derived: bool,
}

/// All migrations, in order; the last version is the current schema.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        rebuild_derived: false,
        sql: "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Source of truth: one automerge document per entity.
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('task', 'document')),
    snapshot BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    hash BLOB NOT NULL,
    bytes BLOB NOT NULL,
    UNIQUE (entity_id, hash)
);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
-- Derived query tables.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY REFERENCES entities(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    due TEXT,
    unit TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tasks_by_status_due ON tasks(status, due IS NULL, due, id);
CREATE INDEX tasks_by_due ON tasks(due IS NULL, due, id);
CREATE TABLE task_assignees (
    nip TEXT NOT NULL,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (nip, task_id)
) WITHOUT ROWID;
CREATE INDEX task_assignees_by_task ON task_assignees(task_id);
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE REFERENCES entities(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    classification TEXT NOT NULL,
    letter_number TEXT,
    content_hash TEXT NOT NULL,
    unit TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX documents_by_kind ON documents(kind, created_at);
",
    },
    Migration {
        version: 2,
        rebuild_derived: true,
        sql: "
-- Full-text search over document titles and bodies, kept in step by triggers.
CREATE VIRTUAL TABLE docs_fts USING fts5(
    title, body, content='documents', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO docs_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO docs_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
INSERT INTO docs_fts(docs_fts) VALUES ('rebuild');
",
    },
    Migration {
        version: 3,
        rebuild_derived: false,
        sql: "
-- Local changes the server refused, with its reason, to show the user.
CREATE TABLE refusals (
    hash BLOB PRIMARY KEY,
    entity_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
) WITHOUT ROWID;
",
    },
    Migration {
        version: 4,
        rebuild_derived: false,
        sql: "
-- Approval facts (requests and signed decisions), immutable, kept as received.
CREATE TABLE records (
    hash BLOB PRIMARY KEY,
    request_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'decision')),
    bytes BLOB NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_by_request ON records(request_id, kind);
CREATE TABLE record_outbox (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE);
",
    },
    Migration {
        version: 5,
        rebuild_derived: false,
        sql: "
-- The original file name and size of each attachment added on this device. Local only:
-- the document itself lists attachments by hash, and names are not synced.
CREATE TABLE attachment_names (
    hash TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (doc_id, hash)
) WITHOUT ROWID;
CREATE INDEX attachment_names_by_hash ON attachment_names(hash);
",
    },
    Migration {
        version: 6,
        rebuild_derived: false,
        sql: "
-- The agency server's signed receipts (time anchors) are approval records too. SQLite
-- cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE records_v6 (
    hash BLOB PRIMARY KEY,
    request_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'decision', 'receipt')),
    bytes BLOB NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO records_v6 SELECT hash, request_id, kind, bytes, received_at FROM records;
DROP TABLE records;
ALTER TABLE records_v6 RENAME TO records;
CREATE INDEX records_by_request ON records(request_id, kind);
",
    },
    Migration {
        version: 7,
        rebuild_derived: false,
        sql: "
-- Unsent work of a profile found to be a copy, set aside until the server's version has
-- been pulled: the entity as the person left it, and what of it the server had.
CREATE TABLE set_aside (
    entity_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    base BLOB NOT NULL,
    intended BLOB NOT NULL
) WITHOUT ROWID;
",
    },
    Migration {
        version: 8,
        // Filled for every task by the rebuild that follows.
        rebuild_derived: true,
        sql: "
-- What a search in Tugas looks through besides the title: description, checklist and
-- comments, lowercased (derive.rs `task_search_text`).
ALTER TABLE tasks ADD COLUMN search TEXT NOT NULL DEFAULT '';
",
    },
    Migration {
        version: 9,
        rebuild_derived: false,
        sql: "
-- 1 once an unsent change may be known beyond this device (put in a sync request,
-- exported in a bundle, bound by an approval request): it is then never folded with
-- others (fold.rs). Nobody can tell for the changes already waiting, so they count as
-- known.
ALTER TABLE outbox ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET shared = 1;
",
    },
    Migration {
        version: 10,
        rebuild_derived: false,
        sql: "
-- A requester's withdrawal of a pending request is an approval record too; the CHECK
-- constraint is widened by rebuilding the table (as in version 6).
CREATE TABLE records_v10 (
    hash BLOB PRIMARY KEY,
    request_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'decision', 'receipt', 'withdrawal')),
    bytes BLOB NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO records_v10 SELECT hash, request_id, kind, bytes, received_at FROM records;
DROP TABLE records;
ALTER TABLE records_v10 RENAME TO records;
CREATE INDEX records_by_request ON records(request_id, kind);
",
    },
    Migration {
        version: 11,
        rebuild_derived: true,
        sql: "
-- Who made a task (pemberi tugas) or a document, for \"tasks I gave\" and \"my drafts\".
ALTER TABLE tasks ADD COLUMN created_by TEXT;
ALTER TABLE documents ADD COLUMN created_by TEXT;
CREATE INDEX tasks_by_creator ON tasks(created_by);
",
    },
    Migration {
        version: 12,
        rebuild_derived: false,
        sql: "
-- Why the server refused a change, as a code the UI says in the person's language
-- (luring_model::RefusalCode). Refusals filed before codes existed say 'unknown' and are
-- shown with the generic sentence.
ALTER TABLE refusals ADD COLUMN code TEXT NOT NULL DEFAULT 'unknown';
",
    },
    Migration {
        version: 13,
        rebuild_derived: false,
        sql: "
-- What arrived from the server for Beranda's \"Baru sejak terakhir Anda lihat\", in local
-- arrival order (seq never goes back, also after rows are deleted): I was assigned to a
-- task, someone else commented on a task of mine, an approval request or decision came
-- in (arrivals.rs). Only pulled changes write here, never this device's own edits; rows
-- up to the person's \"seen\" marker (meta news_seen) are deleted when she marks them.
CREATE TABLE arrivals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('assigned', 'comment', 'request', 'decision')),
    item_id TEXT NOT NULL,
    nip TEXT,
    at TEXT NOT NULL
);
CREATE INDEX arrivals_by_kind ON arrivals(kind, seq);
",
    },
    Migration {
        version: 14,
        rebuild_derived: false,
        sql: "
-- The document an approval request is about, read from the request's own bytes (kept as
-- received; a record that is not JSON reads as NULL), so a save's frozen check and a
-- document's status look up that document's requests instead of reading every request
-- on the device at each key (records.rs, request_ids_for_document).
ALTER TABLE records ADD COLUMN document_id TEXT GENERATED ALWAYS AS (
    CASE WHEN kind = 'request' AND json_valid(CAST(bytes AS TEXT))
         THEN json_extract(CAST(bytes AS TEXT), '$.body.document_id') END
) VIRTUAL;
CREATE INDEX records_by_document ON records(document_id) WHERE kind = 'request';
",
    },
];

/// The schema version this code writes.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Current schema version of an open database.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration above the database's version up to `target`, each in its own
/// transaction with its version bump. Returns whether derived tables must be rebuilt.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<bool> {
    let current = version(conn)?;
    if current > latest() {
        return Err(StoreError::NewerSchema {
            found: current,
            known: latest(),
        });
    }
    let mut rebuild = false;
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        if version(&tx)? >= m.version {
            continue;
        }
        tx.execute_batch(m.sql)?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        rebuild |= m.rebuild_derived;
    }
    Ok(rebuild)
}
