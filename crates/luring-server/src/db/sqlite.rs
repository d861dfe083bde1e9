//! The embedded SQLite backend (WAL, `synchronous = FULL`: an acknowledged change survives
//! a power cut). Its schema is in [`migrations`], its row mapping in `rows.rs`, and the
//! mapping of its errors to [`DbError`] in `errors.rs`.

use parking_lot::{Mutex, MutexGuard};
use std::path::Path;

use luring_sync::Class;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{
    AgencyRow, BacklogRow, Database, DbError, DbResult, DeviceRow, EntityRow, LeaseRow, LogRow,
    SyncTx, UnitRow, UserRow,
};
use crate::error::Result;
use rows::{
    class_to_sql, device_row, entity_row, int_to_sql, join_assignees, lease_row, log_row,
    split_assignees, user_row, ENTITY_COLUMNS, LOG_COLUMNS,
};

mod errors;
pub mod migrations;
mod rows;

/// SQLite database in the server's data folder.
///
/// # Log order
///
/// The rule of [`crate::db`] ("a reader never sees a log sequence number while a lower
/// one may still commit") holds because SQLite runs one write transaction at a time,
/// whatever the number of connections or processes: [`Database::sync_tx`] begins
/// `IMMEDIATE`, taking the write lock before it reads, and [`SyncTx::append`] takes its
/// sequence number (the `AUTOINCREMENT` rowid) inside that transaction. Every number
/// given out therefore commits (or rolls back) before the next is given out, and a reader
/// sees only committed rows. The mutex below is not what holds the rule: a second
/// `SqliteDb` on the same file (`tests/log_order.rs` runs two) keeps it too.
pub struct SqliteDb {
    // rusqlite connections are not Sync; one connection behind a mutex is enough for an
    // agency's load. The mutex is handed over fairly after each sync transaction, so a big
    // push that commits in slices lets every waiting sync in between (a plain mutex lets
    // the pusher take it straight back).
    conn: Mutex<Connection>,
}

impl SqliteDb {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> DbResult<Self> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // A sync runs some twenty distinct statements; the default cache of 16 would evict
        // and re-parse them on every entity of a big push.
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrations::migrate(&mut conn)?;
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

/// The first row a statement selects, if any, read by `row`.
fn first<T>(
    s: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> DbResult<T>,
) -> DbResult<Option<T>> {
    let mut rows = s.query_and_then(params, row)?;
    rows.next().transpose()
}

impl Database for SqliteDb {
    fn create_agency(&self, a: &AgencyRow) -> DbResult<()> {
        self.conn().execute(
            "INSERT INTO agency(id, name, public_key) VALUES (1, ?1, ?2)",
            [&a.name, &a.public_key],
        )?;
        Ok(())
    }

    fn agency(&self) -> DbResult<Option<AgencyRow>> {
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

    fn add_unit(&self, u: &UnitRow) -> DbResult<()> {
        self.conn().execute(
            "INSERT INTO units(code, name, parent) VALUES (?1, ?2, ?3)",
            params![u.code, u.name, u.parent],
        )?;
        Ok(())
    }

    fn units(&self) -> DbResult<Vec<UnitRow>> {
        let c = self.conn();
        let mut s = c.prepare("SELECT code, name, parent FROM units ORDER BY code")?;
        let rows = s.query_map([], |r| {
            Ok(UnitRow {
                code: r.get(0)?,
                name: r.get(1)?,
                parent: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn add_user(&self, u: &UserRow) -> DbResult<()> {
        self.conn().execute(
            "INSERT INTO users(nip, name, unit, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![u.nip, u.name, u.unit, u.role, u.password_hash],
        )?;
        Ok(())
    }

    fn user(&self, nip: &str) -> DbResult<Option<UserRow>> {
        let c = self.conn();
        let mut s =
            c.prepare("SELECT nip, name, unit, role, password_hash FROM users WHERE nip = ?1")?;
        first(&mut s, [nip], |r| user_row(r, 0))
    }

    fn add_device(&self, d: &DeviceRow, token_hash: &[u8; 32]) -> DbResult<()> {
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

    fn add_token_for(&self, device_id: &str, token_hash: &[u8; 32]) -> DbResult<()> {
        self.conn().execute(
            "INSERT INTO tokens(hash, device_id) VALUES (?1, ?2)",
            params![token_hash.as_slice(), device_id],
        )?;
        Ok(())
    }

    fn set_device_actor(&self, id: &str, actor: &str) -> DbResult<()> {
        let n = self.conn().execute(
            "UPDATE devices SET actor = ?2 WHERE id = ?1",
            params![id, actor],
        )?;
        if n == 0 {
            return Err(DbError::NotFound);
        }
        Ok(())
    }

    fn note_sync_number(&self, device: &str, n: u64) -> DbResult<bool> {
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

    fn device(&self, id: &str) -> DbResult<Option<DeviceRow>> {
        let c = self.conn();
        let mut s = c.prepare(
            "SELECT id, nip, public_key, actor, cert, revoked FROM devices WHERE id = ?1",
        )?;
        first(&mut s, [id], device_row)
    }

    fn session(&self, token_hash: &[u8; 32]) -> DbResult<Option<(DeviceRow, UserRow)>> {
        let c = self.conn();
        let mut s = c.prepare(
            "SELECT d.id, d.nip, d.public_key, d.actor, d.cert, d.revoked,
                    u.nip, u.name, u.unit, u.role, u.password_hash
             FROM tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.nip = d.nip
             WHERE t.hash = ?1 AND t.revoked = 0 AND d.revoked = 0",
        )?;
        first(&mut s, [token_hash.as_slice()], |r| {
            Ok((device_row(r)?, user_row(r, 6)?))
        })
    }

    fn revoke_device(&self, id: &str) -> DbResult<bool> {
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
            // IMMEDIATE: the write lock is taken before the first read, so this is the
            // only transaction that can give out log sequence numbers until it ends.
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(DbError::from)?;
            let mut s = SqliteTx { tx };
            let out = f(&mut s)?;
            s.tx.commit().map_err(DbError::from)?;
            Ok(out)
        })();
        MutexGuard::unlock_fair(c);
        out
    }
}

struct SqliteTx<'a> {
    tx: Transaction<'a>,
}

impl SqliteTx<'_> {
    /// The log rows a query selects (its columns [`LOG_COLUMNS`]).
    fn log_rows(&self, sql: &str, params: impl rusqlite::Params) -> DbResult<Vec<LogRow>> {
        let mut s = self.tx.prepare_cached(sql)?;
        let rows = s.query_and_then(params, log_row)?;
        rows.collect()
    }
}

impl SyncTx for SqliteTx<'_> {
    fn entity(&mut self, id: &str) -> DbResult<Option<EntityRow>> {
        let mut s = self.tx.prepare_cached(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities WHERE id = ?1"
        ))?;
        first(&mut s, [id], entity_row)
    }

    fn entities_in(&mut self, class: Class, unit: &str) -> DbResult<Vec<EntityRow>> {
        let mut s = self.tx.prepare_cached(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities WHERE class = ?1 AND unit = ?2 ORDER BY id"
        ))?;
        let rows = s.query_and_then(params![class_to_sql(class), unit], entity_row)?;
        rows.collect()
    }

    fn put_entity(&mut self, e: &EntityRow) -> DbResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO entities(id, class, unit, assignees, snapshot, snapshot_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, assignees = excluded.assignees,
                   snapshot = excluded.snapshot, snapshot_seq = excluded.snapshot_seq",
            )?
            .execute(params![
                e.id,
                class_to_sql(e.class),
                e.unit,
                join_assignees(&e.assignees),
                e.snapshot,
                int_to_sql(e.snapshot_seq)?
            ])?;
        Ok(())
    }

    fn has_change(&mut self, hash: &[u8; 32]) -> DbResult<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM log WHERE hash = ?1")?
            .exists([hash.as_slice()])?)
    }

    fn append(
        &mut self,
        entity: &str,
        class: Class,
        hash: &[u8; 32],
        bytes: &[u8],
        device: &str,
    ) -> DbResult<u64> {
        // The sequence number is the AUTOINCREMENT rowid, taken under the write lock that
        // `sync_tx` holds until this transaction ends (see "Log order" on `SqliteDb`).
        let seq: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO log(entity, class, hash, bytes, device) VALUES (?1, ?2, ?3, ?4, ?5)
                 RETURNING seq",
            )?
            .query_row(
                params![entity, class_to_sql(class), hash.as_slice(), bytes, device],
                |r| r.get(0),
            )?;
        Ok(seq as u64)
    }

    fn log_after(&mut self, class: Class, after: u64, limit: usize) -> DbResult<Vec<LogRow>> {
        self.log_rows(
            &format!(
                "SELECT {LOG_COLUMNS} FROM log WHERE class = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            ),
            params![
                class_to_sql(class),
                int_to_sql(after)?,
                int_to_sql(limit as u64)?
            ],
        )
    }

    fn backlog_after(&mut self, class: Class, after: u64) -> DbResult<Vec<BacklogRow>> {
        // length() of a blob reads its size from the record header, not the blob itself.
        let mut s = self.tx.prepare_cached(
            "SELECT l.entity, e.unit, e.assignees, count(*), sum(length(l.bytes))
             FROM log l JOIN entities e ON e.id = l.entity
             WHERE l.class = ?1 AND l.seq > ?2 GROUP BY l.entity",
        )?;
        let rows = s.query_and_then(
            params![class_to_sql(class), int_to_sql(after)?],
            |r| -> DbResult<BacklogRow> {
                let assignees: String = r.get(2)?;
                let rows: i64 = r.get(3)?;
                let bytes: i64 = r.get(4)?;
                Ok(BacklogRow {
                    entity: r.get(0)?,
                    unit: r.get(1)?,
                    assignees: split_assignees(&assignees),
                    rows: rows.max(0) as u64,
                    bytes: bytes.max(0) as u64,
                })
            },
        )?;
        rows.collect()
    }

    fn entity_log(&mut self, entity: &str) -> DbResult<Vec<LogRow>> {
        self.log_rows(
            &format!("SELECT {LOG_COLUMNS} FROM log WHERE entity = ?1 ORDER BY seq"),
            [entity],
        )
    }

    fn entity_bytes(&mut self, entity: &str) -> DbResult<u64> {
        // length() of a blob reads its size from the record header, not the blob itself.
        let n: i64 = self
            .tx
            .prepare_cached("SELECT coalesce(sum(length(bytes)), 0) FROM log WHERE entity = ?1")?
            .query_row([entity], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn entity_log_after(&mut self, entity: &str, after: u64) -> DbResult<Vec<LogRow>> {
        self.log_rows(
            &format!("SELECT {LOG_COLUMNS} FROM log WHERE entity = ?1 AND seq > ?2 ORDER BY seq"),
            params![entity, int_to_sql(after)?],
        )
    }

    fn known(&mut self, device: &str, entity: &str) -> DbResult<Option<u64>> {
        let mut s = self
            .tx
            .prepare_cached("SELECT at FROM known WHERE device = ?1 AND entity = ?2")?;
        first(&mut s, [device, entity], |r| {
            let at: i64 = r.get(0)?;
            u64::try_from(at).map_err(|_| {
                DbError::damaged(format!(
                    "what {device} knows of {entity} is damaged: it holds {at}"
                ))
            })
        })
    }

    fn set_known(&mut self, device: &str, entity: &str, at: u64) -> DbResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO known(device, entity, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device, entity) DO UPDATE SET at = excluded.at",
            )?
            .execute(params![device, entity, int_to_sql(at)?])?;
        Ok(())
    }

    fn forget_known(&mut self, device: &str, entity: &str) -> DbResult<()> {
        self.tx
            .prepare_cached("DELETE FROM known WHERE device = ?1 AND entity = ?2")?
            .execute([device, entity])?;
        Ok(())
    }

    fn lease_numbers(
        &mut self,
        device: &str,
        unit: &str,
        year: i32,
        count: u32,
        day: &str,
    ) -> DbResult<u32> {
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
            .execute(params![device, unit, year, start, start + i64::from(count), day])?;
        u32::try_from(start).map_err(|_| {
            DbError::damaged(format!(
                "the letter number register of {unit} for {year} is damaged: its next number is {start}"
            ))
        })
    }

    fn leases(&mut self, device: &str) -> DbResult<Vec<LeaseRow>> {
        let mut s = self.tx.prepare_cached(
            "SELECT device, unit, year, start, end, day FROM leases WHERE device = ?1 ORDER BY rowid",
        )?;
        let rows = s.query_and_then([device], lease_row)?;
        rows.collect()
    }

    fn letter_number_holder(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
    ) -> DbResult<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT document FROM letter_numbers WHERE unit = ?1 AND year = ?2 AND number = ?3",
            )?
            .query_row(params![unit, year, number], |r| r.get(0))
            .optional()?)
    }

    fn letter_numbers_used(
        &mut self,
        unit: &str,
        year: i32,
        start: u32,
        end: u32,
    ) -> DbResult<u32> {
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
    ) -> DbResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO letter_numbers(unit, year, number, document) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![unit, year, number, document])?;
        Ok(())
    }

    fn device_revoked(&mut self, id: &str) -> DbResult<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT revoked FROM devices WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(true))
    }

    fn revoked_devices(&mut self) -> DbResult<Vec<String>> {
        let mut s = self
            .tx
            .prepare_cached("SELECT id FROM devices WHERE revoked ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
