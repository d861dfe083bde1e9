//! Runs the storage conformance suite (`tests/storage_suite/conformance.rs`) on the SQLite
//! backend, and checks what only SQLite can show: a damaged stored row is an error that
//! names it, never a default.

#[path = "storage_suite/conformance.rs"]
mod conformance;

use std::sync::atomic::{AtomicUsize, Ordering};

use luring_server::db::sqlite::SqliteDb;
use luring_server::db::{Database, DbError, SyncTx};
use luring_sync::Class;

#[test]
fn the_sqlite_backend_keeps_the_storage_contract() {
    let dir = tempfile::tempdir().unwrap();
    let n = AtomicUsize::new(0);
    conformance::run(|| {
        let path = dir
            .path()
            .join(format!("{}.db", n.fetch_add(1, Ordering::Relaxed)));
        SqliteDb::open(&path).unwrap()
    });
}

/// Opens a database, lets `damage` change it behind the backend's back, and returns the
/// error `read` then fails with.
fn read_damaged(damage: &str, read: impl FnOnce(&mut dyn SyncTx) -> Result<(), DbError>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let db = SqliteDb::open(&path).unwrap();
    db.sync_tx(|t| {
        t.put_entity(&luring_server::db::EntityRow {
            id: "t-1".into(),
            class: Class::Task,
            unit: "U".into(),
            assignees: vec![],
            snapshot: vec![],
            snapshot_seq: 0,
        })?;
        t.append("t-1", Class::Task, &[1; 32], b"x", "dev-1")?;
        t.lease_numbers("dev-1", "U", 2026, 10, "2026-11-30")?;
        Ok(())
    })
    .unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(damage)
        .unwrap();
    match db.sync_tx(|t| Ok(read(t)?)) {
        Err(luring_server::ServerError::Db(DbError::Other(e))) => e.to_string(),
        other => panic!("a damaged row was read: {other:?}"),
    }
}

#[test]
fn damaged_rows_are_errors_that_name_the_row() {
    type Read = fn(&mut dyn SyncTx) -> Result<(), DbError>;
    let cases: [(&str, Read, &str); 5] = [
        (
            "UPDATE entities SET class = 7",
            |t| t.entity("t-1").map(drop),
            "stored entity t-1 is damaged: its class is 7, which is no class this server knows",
        ),
        (
            "UPDATE entities SET snapshot_seq = -1",
            |t| t.entity("t-1").map(drop),
            "the snapshot position of entity t-1 is damaged: it holds -1",
        ),
        (
            "UPDATE log SET class = 9",
            |t| t.entity_log("t-1").map(drop),
            "log entry 1 is damaged: its class is 9, which is no class this server knows",
        ),
        (
            "UPDATE log SET hash = x'0102'",
            |t| t.log_after(Class::Task, 0, 10).map(drop),
            "log entry 1 is damaged: its change hash has 2 bytes, not 32",
        ),
        (
            "UPDATE leases SET start = -5",
            |t| t.leases("dev-1").map(drop),
            "a lease of U 2026 to dev-1 is damaged: it holds -5",
        ),
    ];
    for (damage, read, sentence) in cases {
        assert_eq!(read_damaged(damage, read), sentence, "{damage}");
    }
}
