//! The storage conformance suite: the contract of every [`Database`] and [`SyncTx`]
//! method, written once against the traits. `tests/storage_conformance.rs` runs it on the
//! SQLite backend; a second backend (PostgreSQL) runs the same [`run`] with its own
//! `make`. It lives in `tests/storage_suite/` (not behind a cargo feature) because only
//! this crate's tests call it; a test includes it with `#[path]`.
//!
//! Each check gets a fresh, empty database from `make`.

use luring_server::db::{Conflict, Database, DbError, SyncTx};

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/logs.rs"]
mod logs;

/// One check of the contract, on an empty database.
type Check<D> = fn(&D);

/// Runs every check, each on a database of its own.
pub fn run<D: Database>(make: impl Fn() -> D) {
    let checks: &[(&str, Check<D>)] = &[
        ("agency", accounts::agency),
        ("units", accounts::units),
        ("users", accounts::users),
        ("devices", accounts::devices),
        ("tokens and sessions", accounts::tokens_and_sessions),
        ("device actors", accounts::device_actors),
        ("revocation", accounts::revocation),
        ("sync numbers", accounts::sync_numbers),
        ("transactions", logs::transactions),
        ("entities", logs::entities),
        ("log", logs::log),
        ("known", logs::known),
        ("letter numbers", logs::letter_numbers),
    ];
    for (name, check) in checks {
        eprintln!("storage conformance: {name}");
        check(&make());
    }
}

/// Asserts that `r` failed with `conflict`.
#[track_caller]
pub(crate) fn assert_conflict<T: std::fmt::Debug>(r: Result<T, DbError>, conflict: Conflict) {
    match r {
        Err(DbError::Conflict(c)) => assert_eq!(c, conflict),
        other => panic!("expected {conflict:?}, got {other:?}"),
    }
}

#[track_caller]
pub(crate) fn assert_not_found<T: std::fmt::Debug>(r: Result<T, DbError>) {
    match r {
        Err(DbError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Runs `f` in a transaction that commits, failing the test on any error.
#[track_caller]
pub(crate) fn tx<D: Database, T>(
    db: &D,
    f: impl FnOnce(&mut dyn SyncTx) -> Result<T, DbError>,
) -> T {
    db.sync_tx(|tx| Ok(f(tx)?)).unwrap()
}
