//! The SQLite backend's schema, as versioned, forward-only migrations tracked in
//! `PRAGMA user_version` (the client store does the same, `luring-store`'s
//! `migrations.rs`). A migration is never edited once released: a fix is a new one.
//!
//! Versions 1 to 3 describe the databases that exist already. Until this module, every
//! open ran the whole schema with `CREATE TABLE IF NOT EXISTS` and then, below version 2,
//! added `entities.snapshot_seq`; tables added after that were created on the next open
//! of a database already at version 2. So version 1 is that schema, version 2 the added
//! column (only where missing), and version 3 the same schema again, which gives a
//! database stamped 2 by an older server the tables added since. Each of them is a no-op
//! on a database that already has what it adds.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::db::{DbError, DbResult};

/// One step of the schema.
pub struct Migration {
    pub version: i64,
    pub apply: fn(&Transaction<'_>) -> rusqlite::Result<()>,
}

/// All migrations, in order; the last version is the current schema.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        apply: tables,
    },
    Migration {
        version: 2,
        apply: snapshot_seq,
    },
    Migration {
        version: 3,
        apply: tables,
    },
];

/// The schema version this server writes.
pub fn current() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to [`current`], each step in its own transaction. A database
/// written by a newer server is refused rather than guessed at.
pub fn migrate(conn: &mut Connection) -> DbResult<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > current() {
        return Err(DbError::damaged(format!(
            "the database has schema version {version}, written by a newer luring-server \
             (this one knows up to {}): run the newer server",
            current()
        )));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > version) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        (m.apply)(&tx)?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(())
}

/// Versions 1 and 3: every table and index, as the server created them before versions
/// were tracked (`IF NOT EXISTS`, so that existing databases keep theirs).
fn tables(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(TABLES)
}

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS agency (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, public_key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (code TEXT PRIMARY KEY, name TEXT NOT NULL, parent TEXT REFERENCES units(code));
CREATE TABLE IF NOT EXISTS users (nip TEXT PRIMARY KEY, name TEXT NOT NULL, unit TEXT NOT NULL REFERENCES units(code),
    role TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, nip TEXT NOT NULL REFERENCES users(nip), public_key TEXT NOT NULL,
    actor TEXT NOT NULL UNIQUE, cert TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (hash BLOB PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS entities (id TEXT PRIMARY KEY, class INTEGER NOT NULL, unit TEXT NOT NULL,
    assignees TEXT NOT NULL, snapshot BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, class INTEGER NOT NULL,
    hash BLOB NOT NULL UNIQUE, bytes BLOB NOT NULL, device TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS log_by_class ON log(class, seq);
CREATE INDEX IF NOT EXISTS log_by_entity ON log(entity, seq);
CREATE TABLE IF NOT EXISTS unit_counters (unit TEXT NOT NULL, year INTEGER NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (unit, year)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (device TEXT NOT NULL, unit TEXT NOT NULL, year INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS leases_by_device ON leases(device, day);
CREATE TABLE IF NOT EXISTS letter_numbers (unit TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
    document TEXT NOT NULL, PRIMARY KEY (unit, year, number)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entities_by_class_unit ON entities(class, unit);
CREATE TABLE IF NOT EXISTS known (device TEXT NOT NULL, entity TEXT NOT NULL, at INTEGER NOT NULL,
    PRIMARY KEY (device, entity)) WITHOUT ROWID;
-- Recent sync numbers per device, comma-separated (copied and restored profiles).
CREATE TABLE IF NOT EXISTS sync_numbers (device TEXT PRIMARY KEY, recent TEXT NOT NULL) WITHOUT ROWID;
";

/// Version 2: entity snapshots are refreshed every few changes, not on every push, so an
/// entity records the last log entry folded into its snapshot.
fn snapshot_seq(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let has = tx
        .prepare("SELECT 1 FROM pragma_table_info('entities') WHERE name = 'snapshot_seq'")?
        .exists([])?;
    if !has {
        tx.execute_batch(
            "ALTER TABLE entities ADD COLUMN snapshot_seq INTEGER NOT NULL DEFAULT 0",
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "migrations_tests.rs"]
mod tests;
