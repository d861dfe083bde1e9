//! Rows of the SQLite tables as the typed rows of [`crate::db`], and back. A stored value
//! that does not fit its type (an unknown class, a hash of the wrong length, a negative
//! count) is an error naming the damaged row, never a default: a silent default would hide
//! the damage and could hand a task's changes to readers of documents.

use luring_sync::Class;
use rusqlite::Row;

use crate::db::{DbError, DbResult, DeviceRow, EntityRow, LeaseRow, LogRow, UserRow};

/// The integer that stands for a class in the `class` columns.
pub(super) fn class_to_sql(class: Class) -> i64 {
    match class {
        Class::Approval => 0,
        Class::Task => 1,
        Class::Document => 2,
    }
}

/// The class an integer of a `class` column stands for; `None` for any other value.
pub(super) fn class_from_sql(n: i64) -> Option<Class> {
    Class::BY_PRIORITY
        .into_iter()
        .find(|c| class_to_sql(*c) == n)
}

/// A sequence number, position or count as SQLite stores it (a signed 64-bit integer).
pub(super) fn int_to_sql(n: u64) -> DbResult<i64> {
    i64::try_from(n).map_err(|_| DbError::damaged(format!("{n} is too large to store")))
}

/// A stored integer as the unsigned type it stands for, or an error naming the row.
fn unsigned<T: TryFrom<i64>>(n: i64, row: impl FnOnce() -> String) -> DbResult<T> {
    T::try_from(n).map_err(|_| DbError::damaged(format!("{} is damaged: it holds {n}", row())))
}

fn class_of(n: i64, row: impl FnOnce() -> String) -> DbResult<Class> {
    class_from_sql(n).ok_or_else(|| {
        DbError::damaged(format!(
            "{} is damaged: its class is {n}, which is no class this server knows",
            row()
        ))
    })
}

/// Columns `id, class, unit, assignees, snapshot, snapshot_seq` of `entities`.
pub(super) const ENTITY_COLUMNS: &str = "id, class, unit, assignees, snapshot, snapshot_seq";

pub(super) fn entity_row(r: &Row<'_>) -> DbResult<EntityRow> {
    let id: String = r.get(0)?;
    let assignees: String = r.get(3)?;
    Ok(EntityRow {
        class: class_of(r.get(1)?, || format!("stored entity {id}"))?,
        unit: r.get(2)?,
        assignees: split_assignees(&assignees),
        snapshot: r.get(4)?,
        snapshot_seq: unsigned(r.get(5)?, || {
            format!("the snapshot position of entity {id}")
        })?,
        id,
    })
}

/// Assignees are stored comma-joined: NIPs are digits, so a comma never occurs in one.
pub(super) fn join_assignees(assignees: &[String]) -> String {
    assignees.join(",")
}

pub(super) fn split_assignees(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Columns `seq, entity, class, hash, bytes, device` of `log`.
pub(super) const LOG_COLUMNS: &str = "seq, entity, class, hash, bytes, device";

pub(super) fn log_row(r: &Row<'_>) -> DbResult<LogRow> {
    let seq: i64 = r.get(0)?;
    let hash: Vec<u8> = r.get(3)?;
    let len = hash.len();
    Ok(LogRow {
        seq: unsigned(seq, || "a log sequence number".to_owned())?,
        entity: r.get(1)?,
        class: class_of(r.get(2)?, || format!("log entry {seq}"))?,
        hash: hash.try_into().map_err(|_| {
            DbError::damaged(format!(
                "log entry {seq} is damaged: its change hash has {len} bytes, not 32"
            ))
        })?,
        bytes: r.get(4)?,
        device: r.get(5)?,
    })
}

/// Columns `id, nip, public_key, actor, cert, revoked` of `devices`.
pub(super) fn device_row(r: &Row<'_>) -> DbResult<DeviceRow> {
    Ok(DeviceRow {
        id: r.get(0)?,
        nip: r.get(1)?,
        public_key: r.get(2)?,
        actor: r.get(3)?,
        cert: r.get(4)?,
        revoked: r.get(5)?,
    })
}

/// Columns `nip, name, unit, role, password_hash` of `users`, from column `o` on.
pub(super) fn user_row(r: &Row<'_>, o: usize) -> DbResult<UserRow> {
    Ok(UserRow {
        nip: r.get(o)?,
        name: r.get(o + 1)?,
        unit: r.get(o + 2)?,
        role: r.get(o + 3)?,
        password_hash: r.get(o + 4)?,
    })
}

/// Columns `device, unit, year, start, end, day` of `leases`.
pub(super) fn lease_row(r: &Row<'_>) -> DbResult<LeaseRow> {
    let device: String = r.get(0)?;
    let unit: String = r.get(1)?;
    let year: i32 = r.get(2)?;
    let what = || format!("a lease of {unit} {year} to {device}");
    Ok(LeaseRow {
        start: unsigned(r.get(3)?, what)?,
        end: unsigned(r.get(4)?, what)?,
        device,
        unit,
        year,
        day: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_trip_and_unknown_integers_are_refused() {
        for c in Class::BY_PRIORITY {
            assert_eq!(class_from_sql(class_to_sql(c)), Some(c));
        }
        // The integers stored before this module existed (`class as i64`).
        assert_eq!(class_to_sql(Class::Approval), 0);
        assert_eq!(class_to_sql(Class::Task), 1);
        assert_eq!(class_to_sql(Class::Document), 2);
        assert_eq!(class_from_sql(3), None);
        assert_eq!(class_from_sql(-1), None);
    }

    #[test]
    fn assignees_round_trip() {
        for a in [
            vec![],
            vec!["1".to_owned()],
            vec!["1".to_owned(), "2".to_owned()],
        ] {
            assert_eq!(split_assignees(&join_assignees(&a)), a);
        }
    }
}
