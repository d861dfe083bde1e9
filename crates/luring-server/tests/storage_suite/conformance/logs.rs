//! The conformance checks of `SyncTx`: transactions, entities, the log, what devices
//! know, and letter numbers.

use luring_server::db::{Conflict, Database, DbError, EntityRow, LeaseRow, LogRow};
use luring_server::ServerError;
use luring_sync::Class;

use super::{assert_conflict, tx};

pub(super) fn transactions<D: Database>(db: &D) {
    // The closure's value comes back; its writes commit together.
    let seq = tx(db, |t| {
        t.append("e-1", Class::Task, &[1; 32], b"one", "dev-1")?;
        t.append("e-1", Class::Task, &[2; 32], b"two", "dev-1")
    });
    // An error rolls everything back and is passed on unchanged.
    let r: Result<(), ServerError> = db.sync_tx(|t| {
        t.append("e-1", Class::Task, &[3; 32], b"three", "dev-1")?;
        t.set_known("dev-1", "e-1", 9)?;
        assert!(t.has_change(&[3; 32])?, "a transaction sees its own writes");
        Err(ServerError::Invalid("given up".into()))
    });
    assert!(matches!(r, Err(ServerError::Invalid(m)) if m == "given up"));
    tx(db, |t| {
        assert!(!t.has_change(&[3; 32])?);
        assert_eq!(t.known("dev-1", "e-1")?, None);
        assert_eq!(t.entity_log("e-1")?.len(), 2);
        Ok(())
    });
    // A backend error inside the closure fails the transaction as ServerError::Db.
    let r = db.sync_tx(|t| Ok(t.append("e-1", Class::Task, &[1; 32], b"again", "dev-1")?));
    assert!(
        matches!(
            r,
            Err(ServerError::Db(DbError::Conflict(Conflict::ChangeLogged)))
        ),
        "{r:?}"
    );
    let next = tx(db, |t| {
        t.append("e-2", Class::Task, &[4; 32], b"four", "dev-1")
    });
    assert!(next > seq);
}

fn entity(id: &str, class: Class, unit: &str, assignees: &[&str]) -> EntityRow {
    EntityRow {
        id: id.into(),
        class,
        unit: unit.into(),
        assignees: assignees.iter().map(|s| s.to_string()).collect(),
        snapshot: format!("snapshot of {id}").into_bytes(),
        snapshot_seq: 0,
    }
}

pub(super) fn entities<D: Database>(db: &D) {
    let rows = [
        entity("a-1", Class::Approval, "U", &[]),
        entity("t-1", Class::Task, "U", &["1"]),
        entity("t-2", Class::Task, "U", &["1", "2", "3"]),
        entity("t-0", Class::Task, "U.A", &[]),
        entity("d-1", Class::Document, "U", &[]),
    ];
    tx(db, |t| {
        assert_eq!(t.entity("t-1")?, None);
        for e in &rows {
            t.put_entity(e)?;
        }
        Ok(())
    });
    tx(db, |t| {
        for e in &rows {
            assert_eq!(
                t.entity(&e.id)?.as_ref(),
                Some(e),
                "every class round-trips"
            );
        }
        assert_eq!(
            t.entities_in(Class::Task, "U")?,
            [rows[1].clone(), rows[2].clone()]
        );
        assert_eq!(t.entities_in(Class::Task, "U.A")?, [rows[3].clone()]);
        assert_eq!(t.entities_in(Class::Approval, "U")?, [rows[0].clone()]);
        assert_eq!(t.entities_in(Class::Document, "U.A")?, []);
        Ok(())
    });
    // A put replaces unit, assignees and snapshot; the class stays what it was.
    let moved = EntityRow {
        class: Class::Document,
        unit: "U.A".into(),
        assignees: vec!["2".into()],
        snapshot: vec![0, 255, 7],
        snapshot_seq: 42,
        ..rows[1].clone()
    };
    tx(db, |t| t.put_entity(&moved));
    tx(db, |t| {
        let stored = t.entity("t-1")?.unwrap();
        assert_eq!(
            stored,
            EntityRow {
                class: Class::Task,
                ..moved.clone()
            }
        );
        assert_eq!(t.entities_in(Class::Task, "U")?, [rows[2].clone()]);
        assert_eq!(t.entities_in(Class::Task, "U.A")?.len(), 2);
        Ok(())
    });
}

pub(super) fn log<D: Database>(db: &D) {
    let added = [
        ("d-1", Class::Document, 1u8, &b"doc one"[..], "dev-1"),
        ("t-1", Class::Task, 2, b"task one", "dev-2"),
        ("a-1", Class::Approval, 3, b"request", "dev-1"),
        ("t-1", Class::Task, 4, b"", "dev-1"),
        ("t-2", Class::Task, 5, b"task two", "dev-2"),
        ("d-1", Class::Document, 6, b"doc one again", "dev-2"),
    ];
    let mut rows: Vec<LogRow> = vec![];
    tx(db, |t| {
        assert_eq!(t.log_after(Class::Task, 0, 10)?, []);
        assert_eq!(t.entity_bytes("t-1")?, 0);
        for (entity, class, h, bytes, device) in added {
            assert!(!t.has_change(&[h; 32])?);
            let seq = t.append(entity, class, &[h; 32], bytes, device)?;
            assert!(rows.last().is_none_or(|r| seq > r.seq), "numbers only rise");
            assert!(t.has_change(&[h; 32])?);
            rows.push(LogRow {
                seq,
                entity: entity.into(),
                class,
                hash: [h; 32],
                bytes: bytes.to_vec(),
                device: device.into(),
            });
        }
        Ok(())
    });
    let of = |pick: &dyn Fn(&LogRow) -> bool| -> Vec<LogRow> {
        rows.iter().filter(|r| pick(r)).cloned().collect()
    };
    tx(db, |t| {
        for class in Class::BY_PRIORITY {
            let all = of(&|r| r.class == class);
            assert_eq!(
                t.log_after(class, 0, 100)?,
                all,
                "{class:?}: every field round-trips"
            );
            for (i, r) in all.iter().enumerate() {
                assert_eq!(
                    t.log_after(class, r.seq, 100)?,
                    all[i + 1..],
                    "after {}",
                    r.seq
                );
                // A position between two numbers works too.
                assert_eq!(t.log_after(class, r.seq - 1, 100)?, all[i..]);
            }
        }
        let tasks = of(&|r| r.class == Class::Task);
        assert_eq!(t.log_after(Class::Task, 0, 2)?, tasks[..2], "limit");
        assert_eq!(t.log_after(Class::Task, 0, 0)?, []);
        assert_eq!(t.entity_log("t-1")?, of(&|r| r.entity == "t-1"));
        assert_eq!(t.entity_log("nothing")?, []);
        let t1 = of(&|r| r.entity == "t-1");
        assert_eq!(t.entity_log_after("t-1", 0)?, t1);
        assert_eq!(t.entity_log_after("t-1", t1[0].seq)?, t1[1..]);
        assert_eq!(t.entity_log_after("t-1", t1[1].seq)?, []);
        assert_eq!(t.entity_bytes("t-1")?, 8);
        assert_eq!(t.entity_bytes("d-1")?, 20);
        assert_eq!(t.entity_bytes("nothing")?, 0);
        // A change is stored once, whatever entity or class a second copy claims.
        assert_conflict(
            t.append("t-9", Class::Task, &[2; 32], b"copy", "dev-3"),
            Conflict::ChangeLogged,
        );
        assert_eq!(t.entity_log("t-9")?, []);
        Ok(())
    });
}

pub(super) fn known<D: Database>(db: &D) {
    tx(db, |t| {
        assert_eq!(t.known("dev-1", "e-1")?, None);
        t.forget_known("dev-1", "e-1")?;
        t.set_known("dev-1", "e-1", 7)?;
        t.set_known("dev-1", "e-2", 8)?;
        t.set_known("dev-2", "e-1", 9)?;
        assert_eq!(t.known("dev-1", "e-1")?, Some(7));
        t.set_known("dev-1", "e-1", 3)?;
        assert_eq!(t.known("dev-1", "e-1")?, Some(3), "moves, even back");
        t.forget_known("dev-1", "e-1")?;
        assert_eq!(t.known("dev-1", "e-1")?, None);
        assert_eq!(t.known("dev-1", "e-2")?, Some(8), "per entity");
        assert_eq!(t.known("dev-2", "e-1")?, Some(9), "per device");
        t.set_known("dev-2", "e-2", u64::from(u32::MAX) + 1)?;
        assert_eq!(t.known("dev-2", "e-2")?, Some(u64::from(u32::MAX) + 1));
        Ok(())
    });
}

pub(super) fn letter_numbers<D: Database>(db: &D) {
    let lease = |device: &str, unit: &str, year: i32, start: u32, end: u32, day: &str| LeaseRow {
        device: device.into(),
        unit: unit.into(),
        year,
        start,
        end,
        day: day.into(),
    };
    tx(db, |t| {
        assert_eq!(t.leases("dev-1")?, []);
        assert_eq!(t.lease_numbers("dev-1", "U", 2026, 10, "2026-11-01")?, 1);
        assert_eq!(t.lease_numbers("dev-2", "U", 2026, 5, "2026-11-01")?, 11);
        assert_eq!(
            t.lease_numbers("dev-1", "U", 2027, 10, "2027-01-02")?,
            1,
            "per year"
        );
        assert_eq!(
            t.lease_numbers("dev-1", "V", 2026, 3, "2026-11-02")?,
            1,
            "per unit"
        );
        assert_eq!(t.lease_numbers("dev-1", "U", 2026, 1, "2026-11-03")?, 16);
        Ok(())
    });
    // A rolled-back lease hands its numbers out again (nothing was given).
    let r: Result<u32, ServerError> = db.sync_tx(|t| {
        t.lease_numbers("dev-3", "U", 2026, 4, "2026-11-04")?;
        Err(ServerError::Invalid("answer lost before commit".into()))
    });
    assert!(r.is_err());
    tx(db, |t| {
        assert_eq!(t.lease_numbers("dev-3", "U", 2026, 4, "2026-11-04")?, 17);
        assert_eq!(
            t.leases("dev-1")?,
            [
                lease("dev-1", "U", 2026, 1, 11, "2026-11-01"),
                lease("dev-1", "U", 2027, 1, 11, "2027-01-02"),
                lease("dev-1", "V", 2026, 1, 4, "2026-11-02"),
                lease("dev-1", "U", 2026, 16, 17, "2026-11-03"),
            ],
            "oldest first"
        );
        assert_eq!(
            t.leases("dev-3")?,
            [lease("dev-3", "U", 2026, 17, 21, "2026-11-04")]
        );
        assert_eq!(t.letter_number_holder("U", 2026, 3)?, None);
        t.use_letter_number("U", 2026, 3, "d-3")?;
        t.use_letter_number("U", 2026, 10, "d-10")?;
        t.use_letter_number("U", 2026, 11, "d-11")?;
        t.use_letter_number("U", 2027, 3, "d-3b")?;
        t.use_letter_number("V", 2026, 3, "d-3c")?;
        assert_eq!(
            t.letter_number_holder("U", 2026, 3)?.as_deref(),
            Some("d-3")
        );
        assert_eq!(
            t.letter_number_holder("U", 2027, 3)?.as_deref(),
            Some("d-3b")
        );
        assert_eq!(t.letter_number_holder("U", 2026, 4)?, None);
        assert_eq!(t.letter_numbers_used("U", 2026, 1, 11)?, 2, "end excluded");
        assert_eq!(t.letter_numbers_used("U", 2026, 1, 12)?, 3);
        assert_eq!(t.letter_numbers_used("U", 2026, 4, 10)?, 0);
        assert_eq!(t.letter_numbers_used("U", 2027, 1, 100)?, 1);
        assert_conflict(
            t.use_letter_number("U", 2026, 3, "d-other"),
            Conflict::LetterNumberTaken,
        );
        assert_conflict(
            t.use_letter_number("U", 2026, 3, "d-3"),
            Conflict::LetterNumberTaken,
        );
        assert_eq!(
            t.letter_number_holder("U", 2026, 3)?.as_deref(),
            Some("d-3")
        );
        Ok(())
    });
}
