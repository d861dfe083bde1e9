//! Databases written before the server tracked schema versions must open and upgrade
//! unchanged: these tests build them the old way (a frozen copy of the code that made
//! them) and open them with today's [`SqliteDb`].

use std::path::Path;

use luring_sync::Class;
use rusqlite::Connection;

use super::current;
use crate::db::sqlite::SqliteDb;
use crate::db::{Database, DbError};

/// The schema as `SqliteDb::open` ran it on every open until versions were tracked
/// (frozen: never edit it to follow the migrations).
const OLD_SCHEMA: &str = "
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

/// The tables added to the old schema after version 2 was first stamped.
const ADDED_AFTER_V2: &[&str] = &["leases", "letter_numbers", "known", "sync_numbers"];

/// What the old `SqliteDb::open` did, with `old_schema` in place of its schema.
fn open_the_old_way(path: &Path, old_schema: &str, stamp_v2: bool) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    conn.execute_batch(old_schema).unwrap();
    if stamp_v2 {
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        if version < 2 {
            let has: bool = conn
                .prepare("SELECT 1 FROM pragma_table_info('entities') WHERE name = 'snapshot_seq'")
                .unwrap()
                .exists([])
                .unwrap();
            if !has {
                conn.execute_batch(
                    "ALTER TABLE entities ADD COLUMN snapshot_seq INTEGER NOT NULL DEFAULT 0",
                )
                .unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
    }
    conn
}

/// Rows as the old server wrote them (class as its integer, assignees comma-joined).
fn fill_the_old_way(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO agency(id, name, public_key) VALUES (1, 'Bappeda', 'aa');
         INSERT INTO units(code, name, parent) VALUES ('U', 'Unit', NULL);
         INSERT INTO users(nip, name, unit, role, password_hash) VALUES ('1', 'Ani', 'U', 'staff', 'phc');
         INSERT INTO devices(id, nip, public_key, actor, cert, revoked) VALUES ('dev-1', '1', 'pk', 'ac', '{}', 0);
         INSERT INTO entities(id, class, unit, assignees, snapshot) VALUES ('t-1', 1, 'U', '1,2', x'0102');
         INSERT INTO log(entity, class, hash, bytes, device) VALUES
            ('t-1', 1, zeroblob(32), x'05', 'dev-1');",
    )
    .unwrap();
}

/// Every table, index and column, as SQLite records them.
fn schema(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut s = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
        .unwrap();
    let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Opens `path` with today's server and checks that the old rows read back.
fn check_upgraded(path: &Path, fresh: &Path) {
    let db = SqliteDb::open(path).unwrap();
    assert_eq!(version(path), current());
    assert_eq!(schema(path), schema(fresh), "same schema as a new database");
    assert_eq!(db.agency().unwrap().unwrap().name, "Bappeda");
    assert_eq!(db.user("1").unwrap().unwrap().unit, "U");
    assert_eq!(db.device("dev-1").unwrap().unwrap().actor, "ac");
    db.sync_tx(|tx| {
        let e = tx.entity("t-1")?.unwrap();
        assert_eq!(e.class, Class::Task);
        assert_eq!(e.assignees, ["1", "2"]);
        assert_eq!(e.snapshot, [1, 2]);
        assert_eq!(e.snapshot_seq, 0);
        let log = tx.log_after(Class::Task, 0, 10)?;
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].seq, log[0].hash, &log[0].bytes[..]),
            (1, [0; 32], &[5][..])
        );
        // The tables an older server lacked are usable.
        tx.set_known("dev-1", "t-1", 1)?;
        tx.lease_numbers("dev-1", "U", 2026, 10, "2026-11-30")?;
        Ok(())
    })
    .unwrap();
    assert!(db.note_sync_number("dev-1", 1).unwrap());
}

#[test]
fn a_database_of_todays_shape_at_version_2_upgrades_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    SqliteDb::open(&fresh).unwrap();
    let old = dir.path().join("old.db");
    fill_the_old_way(&open_the_old_way(&old, OLD_SCHEMA, true));
    assert_eq!(version(&old), 2);
    check_upgraded(&old, &fresh);
    // Opening again changes nothing.
    check_reopen(&old, &fresh);
}

#[test]
fn a_database_stamped_2_before_the_later_tables_existed_gets_them() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    SqliteDb::open(&fresh).unwrap();
    let old = dir.path().join("old.db");
    let conn = open_the_old_way(&old, OLD_SCHEMA, true);
    for t in ADDED_AFTER_V2 {
        conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
    }
    fill_the_old_way(&conn);
    drop(conn);
    check_upgraded(&old, &fresh);
}

#[test]
fn a_database_from_before_version_2_gets_the_snapshot_position() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    SqliteDb::open(&fresh).unwrap();
    let old = dir.path().join("old.db");
    let conn = open_the_old_way(&old, OLD_SCHEMA, false);
    fill_the_old_way(&conn);
    drop(conn);
    assert_eq!(version(&old), 0);
    check_upgraded(&old, &fresh);
}

fn check_reopen(path: &Path, fresh: &Path) {
    let before = schema(path);
    let db = SqliteDb::open(path).unwrap();
    assert_eq!(schema(path), before);
    assert_eq!(schema(path), schema(fresh));
    assert_eq!(db.units().unwrap().len(), 1);
}

#[test]
fn a_database_of_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    SqliteDb::open(&path).unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", current() + 1)
        .unwrap();
    match SqliteDb::open(&path) {
        Err(DbError::Other(e)) => assert!(e.to_string().contains("newer luring-server"), "{e}"),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema opened"),
    }
}
