//! The embedded SQLite backend (WAL, `synchronous = FULL`: an acknowledged change survives
//! a power cut).

use parking_lot::{Mutex, MutexGuard};
use std::path::Path;

use luring_sync::Class;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{
    AgencyRow, Database, DeviceRow, EntityRow, LeaseRow, LogRow, SyncTx, UnitRow, UserRow,
};
use crate::error::Result;

const SCHEMA: &str = "
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

/// SQLite database in the server's data folder.
pub struct SqliteDb {
    // rusqlite connections are not Sync; one connection behind a mutex is enough for an
    // agency's load and keeps every sync strictly serial, which the log's order relies on.
    // The mutex is handed over fairly after each sync transaction, so a big push that
    // commits in slices lets every waiting sync in between (a plain mutex lets the pusher
    // take it straight back).
    conn: Mutex<Connection>,
}

impl SqliteDb {
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // A sync runs some twenty distinct statements; the default cache of 16 would evict
        // and re-parse them on every entity of a big push.
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        // Version 2: entity snapshots are refreshed every few changes, not on every push.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < 2 {
            let has: bool = conn
                .prepare("SELECT 1 FROM pragma_table_info('entities') WHERE name = 'snapshot_seq'")?
                .exists([])?;
            if !has {
                conn.execute_batch(
                    "ALTER TABLE entities ADD COLUMN snapshot_seq INTEGER NOT NULL DEFAULT 0",
                )?;
            }
            conn.pragma_update(None, "user_version", 2)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop); parking_lot's mutex is not poisoned by it.
        self.conn.lock()
    }
}

fn entity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntityRow> {
    let a: String = r.get(3)?;
    Ok(EntityRow {
        id: r.get(0)?,
        class: class_of(r.get(1)?),
        unit: r.get(2)?,
        assignees: a
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        snapshot: r.get(4)?,
        snapshot_seq: r.get::<_, i64>(5)? as u64,
    })
}

fn class_of(i: i64) -> Class {
    match i {
        0 => Class::Approval,
        1 => Class::Task,
        _ => Class::Document,
    }
}

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.get(0)?,
        nip: r.get(1)?,
        public_key: r.get(2)?,
        actor: r.get(3)?,
        cert: r.get(4)?,
        revoked: r.get(5)?,
    })
}

fn user_row(r: &rusqlite::Row<'_>, o: usize) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        nip: r.get(o)?,
        name: r.get(o + 1)?,
        unit: r.get(o + 2)?,
        role: r.get(o + 3)?,
        password_hash: r.get(o + 4)?,
    })
}

fn log_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogRow> {
    let hash: Vec<u8> = r.get(3)?;
    Ok(LogRow {
        seq: r.get::<_, i64>(0)? as u64,
        entity: r.get(1)?,
        class: class_of(r.get(2)?),
        hash: hash.try_into().unwrap_or([0; 32]),
        bytes: r.get(4)?,
        device: r.get(5)?,
    })
}

impl Database for SqliteDb {
    fn create_agency(&self, a: &AgencyRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO agency(id, name, public_key) VALUES (1, ?1, ?2)",
            [&a.name, &a.public_key],
        )?;
        Ok(())
    }

    fn agency(&self) -> Result<Option<AgencyRow>> {
        Ok(self
            .conn()
            .query_row("SELECT name, public_key FROM agency", [], |r| {
                Ok(AgencyRow {
                    name: r.get(0)?,
                    public_key: r.get(1)?,
                })
            })
            .optional()?)
    }

    fn add_unit(&self, u: &UnitRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO units(code, name, parent) VALUES (?1, ?2, ?3)",
            params![u.code, u.name, u.parent],
        )?;
        Ok(())
    }

    fn units(&self) -> Result<Vec<UnitRow>> {
        let c = self.conn();
        let mut s = c.prepare("SELECT code, name, parent FROM units ORDER BY code")?;
        let rows = s.query_map([], |r| {
            Ok(UnitRow {
                code: r.get(0)?,
                name: r.get(1)?,
                parent: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_user(&self, u: &UserRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO users(nip, name, unit, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![u.nip, u.name, u.unit, u.role, u.password_hash],
        )?;
        Ok(())
    }

    fn user(&self, nip: &str) -> Result<Option<UserRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT nip, name, unit, role, password_hash FROM users WHERE nip = ?1",
                [nip],
                |r| user_row(r, 0),
            )
            .optional()?)
    }

    fn add_device(&self, d: &DeviceRow, token_hash: &[u8; 32]) -> Result<()> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        tx.execute(
            "INSERT INTO devices(id, nip, public_key, actor, cert, revoked) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            params![d.id, d.nip, d.public_key, d.actor, d.cert],
        )?;
        tx.execute(
            "INSERT INTO tokens(hash, device_id) VALUES (?1, ?2)",
            params![token_hash.as_slice(), d.id],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn add_token_for(&self, device_id: &str, token_hash: &[u8; 32]) -> Result<()> {
        self.conn().execute(
            "INSERT INTO tokens(hash, device_id) VALUES (?1, ?2)",
            params![token_hash.as_slice(), device_id],
        )?;
        Ok(())
    }

    fn set_device_actor(&self, id: &str, actor: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE devices SET actor = ?2 WHERE id = ?1",
            params![id, actor],
        )?;
        Ok(())
    }

    fn note_sync_number(&self, device: &str, n: u64) -> Result<bool> {
        let mut c = self.conn();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<String> = tx
            .query_row(
                "SELECT recent FROM sync_numbers WHERE device = ?1",
                [device],
                |r| r.get(0),
            )
            .optional()?;
        let mut recent: Vec<u64> = stored
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect();
        if !crate::copies::fresh(&recent, n) {
            return Ok(false);
        }
        crate::copies::remember(&mut recent, n);
        let joined = recent
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        tx.execute(
            "INSERT INTO sync_numbers(device, recent) VALUES (?1, ?2)
             ON CONFLICT(device) DO UPDATE SET recent = excluded.recent",
            params![device, joined],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn device(&self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, nip, public_key, actor, cert, revoked FROM devices WHERE id = ?1",
                [id],
                device_row,
            )
            .optional()?)
    }

    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<(DeviceRow, UserRow)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT d.id, d.nip, d.public_key, d.actor, d.cert, d.revoked,
                        u.nip, u.name, u.unit, u.role, u.password_hash
                 FROM tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.nip = d.nip
                 WHERE t.hash = ?1 AND t.revoked = 0 AND d.revoked = 0",
                [token_hash.as_slice()],
                |r| Ok((device_row(r)?, user_row(r, 6)?)),
            )
            .optional()?)
    }

    fn revoke_device(&self, id: &str) -> Result<bool> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        let n = tx.execute("UPDATE devices SET revoked = 1 WHERE id = ?1", [id])?;
        tx.execute("UPDATE tokens SET revoked = 1 WHERE device_id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    fn sync_tx<T>(&self, f: impl FnOnce(&mut dyn SyncTx) -> Result<T>) -> Result<T> {
        let mut c = self.conn();
        let out = (|| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut s = SqliteTx { tx };
            let out = f(&mut s)?;
            s.tx.commit()?;
            Ok(out)
        })();
        MutexGuard::unlock_fair(c);
        out
    }
}

struct SqliteTx<'a> {
    tx: Transaction<'a>,
}

impl SyncTx for SqliteTx<'_> {
    fn entity(&mut self, id: &str) -> Result<Option<EntityRow>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, class, unit, assignees, snapshot, snapshot_seq FROM entities WHERE id = ?1",
            )?
            .query_row([id], entity_row)
            .optional()?)
    }

    fn entities_in(&mut self, class: Class, unit: &str) -> Result<Vec<EntityRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT id, class, unit, assignees, snapshot, snapshot_seq FROM entities
             WHERE class = ?1 AND unit = ?2 ORDER BY id",
        )?;
        let rows = s.query_map(params![class as i64, unit], entity_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_entity(&mut self, e: &EntityRow) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO entities(id, class, unit, assignees, snapshot, snapshot_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, assignees = excluded.assignees,
                   snapshot = excluded.snapshot, snapshot_seq = excluded.snapshot_seq",
            )?
            .execute(params![
                e.id,
                e.class as i64,
                e.unit,
                e.assignees.join(","),
                e.snapshot,
                e.snapshot_seq as i64
            ])?;
        Ok(())
    }

    fn has_change(&mut self, hash: &[u8; 32]) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM log WHERE hash = ?1")?
            .query_row([hash.as_slice()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn append(
        &mut self,
        entity: &str,
        class: Class,
        hash: &[u8; 32],
        bytes: &[u8],
        device: &str,
    ) -> Result<u64> {
        self.tx
            .prepare_cached(
                "INSERT INTO log(entity, class, hash, bytes, device) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                entity,
                class as i64,
                hash.as_slice(),
                bytes,
                device
            ])?;
        Ok(self.tx.last_insert_rowid() as u64)
    }

    fn log_after(&mut self, class: Class, after: u64, limit: usize) -> Result<Vec<LogRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT seq, entity, class, hash, bytes, device FROM log WHERE class = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = s.query_map(params![class as i64, after as i64, limit as i64], log_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn entity_log(&mut self, entity: &str) -> Result<Vec<LogRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT seq, entity, class, hash, bytes, device FROM log WHERE entity = ?1 ORDER BY seq",
        )?;
        let rows = s.query_map([entity], log_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn entity_bytes(&mut self, entity: &str) -> Result<u64> {
        // length() of a blob reads its size from the record header, not the blob itself.
        let n: i64 = self
            .tx
            .prepare_cached("SELECT coalesce(sum(length(bytes)), 0) FROM log WHERE entity = ?1")?
            .query_row([entity], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn entity_log_after(&mut self, entity: &str, after: u64) -> Result<Vec<LogRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT seq, entity, class, hash, bytes, device FROM log WHERE entity = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = s.query_map(params![entity, after as i64], log_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn known(&mut self, device: &str, entity: &str) -> Result<Option<u64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT at FROM known WHERE device = ?1 AND entity = ?2")?
            .query_row([device, entity], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|v| v as u64))
    }

    fn lease_numbers(
        &mut self,
        device: &str,
        unit: &str,
        year: i32,
        count: u32,
        day: &str,
    ) -> Result<u32> {
        let start: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO unit_counters(unit, year, next) VALUES (?1, ?2, 1 + ?3)
                 ON CONFLICT(unit, year) DO UPDATE SET next = next + ?3
                 RETURNING next - ?3",
            )?
            .query_row(params![unit, year, count], |r| r.get(0))?;
        self.tx
            .prepare_cached(
                "INSERT INTO leases(device, unit, year, start, end, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![device, unit, year, start, start + count as i64, day])?;
        Ok(start as u32)
    }

    fn leases(&mut self, device: &str) -> Result<Vec<LeaseRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT device, unit, year, start, end, day FROM leases WHERE device = ?1 ORDER BY rowid",
        )?;
        let rows = s.query_map([device], |r| {
            Ok(LeaseRow {
                device: r.get(0)?,
                unit: r.get(1)?,
                year: r.get(2)?,
                start: r.get::<_, i64>(3)? as u32,
                end: r.get::<_, i64>(4)? as u32,
                day: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn letter_number_holder(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
    ) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT document FROM letter_numbers WHERE unit = ?1 AND year = ?2 AND number = ?3",
            )?
            .query_row(params![unit, year, number], |r| r.get(0))
            .optional()?)
    }

    fn letter_numbers_used(&mut self, unit: &str, year: i32, start: u32, end: u32) -> Result<u32> {
        let n: i64 = self
            .tx
            .prepare_cached(
                "SELECT count(*) FROM letter_numbers
                 WHERE unit = ?1 AND year = ?2 AND number >= ?3 AND number < ?4",
            )?
            .query_row(params![unit, year, start, end], |r| r.get(0))?;
        Ok(n as u32)
    }

    fn use_letter_number(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
        document: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO letter_numbers(unit, year, number, document) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![unit, year, number, document])?;
        Ok(())
    }

    fn forget_known(&mut self, device: &str, entity: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM known WHERE device = ?1 AND entity = ?2")?
            .execute([device, entity])?;
        Ok(())
    }

    fn device_revoked(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT revoked FROM devices WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(true))
    }

    fn revoked_devices(&mut self) -> Result<Vec<String>> {
        let mut s = self
            .tx
            .prepare_cached("SELECT id FROM devices WHERE revoked ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn set_known(&mut self, device: &str, entity: &str, at: u64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO known(device, entity, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device, entity) DO UPDATE SET at = excluded.at",
            )?
            .execute(params![device, entity, at as i64])?;
        Ok(())
    }
}
