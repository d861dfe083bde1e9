//! Log order with concurrent pushes on the SQLite backend: readers pulling by cursor
//! never skip a sequence number that commits later (the rule in `luring_server::db`). The
//! check itself is backend-neutral, in `tests/storage_suite/log_order.rs`.

#[path = "storage_suite/log_order.rs"]
mod log_order;

use std::sync::Arc;

use log_order::Load;
use luring_server::db::sqlite::SqliteDb;

#[test]
fn readers_never_skip_a_sequence_number_that_commits_later() {
    let dir = tempfile::tempdir().unwrap();
    let db = Arc::new(SqliteDb::open(&dir.path().join("server.db")).unwrap());
    log_order::run(
        &[db],
        Load {
            writers: 12,
            pushes: 25,
            readers: 4,
        },
    );
}

/// Two handles on one file, like two server processes: each has its own lock, so only
/// SQLite's single writer keeps the order.
#[test]
fn two_handles_on_one_database_keep_the_order_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let a = Arc::new(SqliteDb::open(&path).unwrap());
    let b = Arc::new(SqliteDb::open(&path).unwrap());
    log_order::run(
        &[a, b],
        Load {
            writers: 8,
            pushes: 20,
            readers: 4,
        },
    );
}

/// The check catches a backend that breaks the rule: this one gives out sequence numbers
/// from a shared counter as transactions append (as a PostgreSQL `SEQUENCE` would) and
/// lets readers see whatever has committed, so a reader can pass a number still in
/// flight.
#[test]
#[should_panic(expected = "a reader moved past them before they committed")]
fn a_backend_that_shows_numbers_out_of_commit_order_is_caught() {
    log_order::run(
        &[Arc::new(racy::RacyLog::default())],
        Load {
            writers: 12,
            pushes: 25,
            readers: 4,
        },
    );
}

/// A log-only in-memory backend with the flaw [`luring_server::db`] forbids.
mod racy {
    use std::sync::atomic::{AtomicU64, Ordering};

    use luring_server::db::{
        AgencyRow, BacklogRow, Database, DbResult, DeviceRow, EntityRow, LeaseRow, LogRow, SyncTx,
        UnitRow, UserRow,
    };
    use luring_server::Result;
    use luring_sync::Class;
    use parking_lot::Mutex;

    #[derive(Default)]
    pub struct RacyLog {
        next: AtomicU64,
        committed: Mutex<Vec<LogRow>>,
    }

    struct Tx<'a> {
        db: &'a RacyLog,
        pending: Vec<LogRow>,
    }

    impl Database for RacyLog {
        fn sync_tx<T>(&self, f: impl FnOnce(&mut dyn SyncTx) -> Result<T>) -> Result<T> {
            let mut tx = Tx {
                db: self,
                pending: vec![],
            };
            let out = f(&mut tx)?;
            self.committed.lock().extend(tx.pending);
            Ok(out)
        }
        fn create_agency(&self, _: &AgencyRow) -> DbResult<()> {
            unimplemented!()
        }
        fn agency(&self) -> DbResult<Option<AgencyRow>> {
            unimplemented!()
        }
        fn add_unit(&self, _: &UnitRow) -> DbResult<()> {
            unimplemented!()
        }
        fn units(&self) -> DbResult<Vec<UnitRow>> {
            unimplemented!()
        }
        fn add_user(&self, _: &UserRow) -> DbResult<()> {
            unimplemented!()
        }
        fn user(&self, _: &str) -> DbResult<Option<UserRow>> {
            unimplemented!()
        }
        fn add_device(&self, _: &DeviceRow, _: &[u8; 32]) -> DbResult<()> {
            unimplemented!()
        }
        fn add_token_for(&self, _: &str, _: &[u8; 32]) -> DbResult<()> {
            unimplemented!()
        }
        fn device(&self, _: &str) -> DbResult<Option<DeviceRow>> {
            unimplemented!()
        }
        fn note_sync_number(&self, _: &str, _: u64) -> DbResult<bool> {
            unimplemented!()
        }
        fn set_device_actor(&self, _: &str, _: &str) -> DbResult<()> {
            unimplemented!()
        }
        fn session(&self, _: &[u8; 32]) -> DbResult<Option<(DeviceRow, UserRow)>> {
            unimplemented!()
        }
        fn revoke_device(&self, _: &str) -> DbResult<bool> {
            unimplemented!()
        }
    }

    impl SyncTx for Tx<'_> {
        fn append(
            &mut self,
            entity: &str,
            class: Class,
            hash: &[u8; 32],
            bytes: &[u8],
            device: &str,
        ) -> DbResult<u64> {
            let seq = self.db.next.fetch_add(1, Ordering::SeqCst) + 1;
            self.pending.push(LogRow {
                seq,
                entity: entity.into(),
                class,
                hash: *hash,
                bytes: bytes.to_vec(),
                device: device.into(),
            });
            Ok(seq)
        }
        fn log_after(&mut self, class: Class, after: u64, limit: usize) -> DbResult<Vec<LogRow>> {
            let mut rows: Vec<LogRow> = self
                .db
                .committed
                .lock()
                .iter()
                .filter(|r| r.class == class && r.seq > after)
                .cloned()
                .collect();
            rows.sort_by_key(|r| r.seq);
            rows.truncate(limit);
            Ok(rows)
        }
        fn entity(&mut self, _: &str) -> DbResult<Option<EntityRow>> {
            unimplemented!()
        }
        fn put_entity(&mut self, _: &EntityRow) -> DbResult<()> {
            unimplemented!()
        }
        fn has_change(&mut self, _: &[u8; 32]) -> DbResult<bool> {
            unimplemented!()
        }
        fn entity_log(&mut self, _: &str) -> DbResult<Vec<LogRow>> {
            unimplemented!()
        }
        fn backlog_after(&mut self, _: Class, _: u64) -> DbResult<Vec<BacklogRow>> {
            unimplemented!()
        }
        fn entity_bytes(&mut self, _: &str) -> DbResult<u64> {
            unimplemented!()
        }
        fn entity_log_after(&mut self, _: &str, _: u64) -> DbResult<Vec<LogRow>> {
            unimplemented!()
        }
        fn known(&mut self, _: &str, _: &str) -> DbResult<Option<u64>> {
            unimplemented!()
        }
        fn set_known(&mut self, _: &str, _: &str, _: u64) -> DbResult<()> {
            unimplemented!()
        }
        fn forget_known(&mut self, _: &str, _: &str) -> DbResult<()> {
            unimplemented!()
        }
        fn lease_numbers(&mut self, _: &str, _: &str, _: i32, _: u32, _: &str) -> DbResult<u32> {
            unimplemented!()
        }
        fn leases(&mut self, _: &str) -> DbResult<Vec<LeaseRow>> {
            unimplemented!()
        }
        fn letter_number_holder(&mut self, _: &str, _: i32, _: u32) -> DbResult<Option<String>> {
            unimplemented!()
        }
        fn letter_numbers_used(&mut self, _: &str, _: i32, _: u32, _: u32) -> DbResult<u32> {
            unimplemented!()
        }
        fn use_letter_number(&mut self, _: &str, _: i32, _: u32, _: &str) -> DbResult<()> {
            unimplemented!()
        }
        fn entities_in(&mut self, _: Class, _: &str) -> DbResult<Vec<EntityRow>> {
            unimplemented!()
        }
        fn device_revoked(&mut self, _: &str) -> DbResult<bool> {
            unimplemented!()
        }
        fn revoked_devices(&mut self) -> DbResult<Vec<String>> {
            unimplemented!()
        }
    }
}
