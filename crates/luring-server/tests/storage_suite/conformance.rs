//! The storage conformance suite: the contract of every [`Database`] and [`SyncTx`]
//! method, written once against the traits. `tests/storage_conformance.rs` runs it on the
//! SQLite backend; a second backend (PostgreSQL) runs the same [`run`] with its own
//! `make`. It lives in `tests/storage_suite/` (not behind a cargo feature) because only
//! this crate's tests call it; a test includes it with `#[path]`.
//!
//! Each check gets a fresh, empty database from `make`.

use luring_server::db::{
    AgencyRow, Conflict, Database, DbError, DeviceRow, EntityRow, LeaseRow, LogRow, SyncTx,
    UnitRow, UserRow,
};
use luring_server::ServerError;
use luring_sync::Class;

/// One check of the contract, on an empty database.
type Check<D> = fn(&D);

/// Runs every check, each on a database of its own.
pub fn run<D: Database>(make: impl Fn() -> D) {
    let checks: &[(&str, Check<D>)] = &[
        ("agency", agency),
        ("units", units),
        ("users", users),
        ("devices", devices),
        ("tokens and sessions", tokens_and_sessions),
        ("device actors", device_actors),
        ("revocation", revocation),
        ("sync numbers", sync_numbers),
        ("transactions", transactions),
        ("entities", entities),
        ("log", log),
        ("known", known),
        ("letter numbers", letter_numbers),
    ];
    for (name, check) in checks {
        eprintln!("storage conformance: {name}");
        check(&make());
    }
}

/// Asserts that `r` failed with `conflict`.
#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(r: Result<T, DbError>, conflict: Conflict) {
    match r {
        Err(DbError::Conflict(c)) => assert_eq!(c, conflict),
        other => panic!("expected {conflict:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(r: Result<T, DbError>) {
    match r {
        Err(DbError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Runs `f` in a transaction that commits, failing the test on any error.
#[track_caller]
fn tx<D: Database, T>(db: &D, f: impl FnOnce(&mut dyn SyncTx) -> Result<T, DbError>) -> T {
    db.sync_tx(|tx| Ok(f(tx)?)).unwrap()
}

fn agency_row() -> AgencyRow {
    AgencyRow {
        name: "Bappeda Sukamaju".into(),
        public_key: "ab".repeat(32),
    }
}

fn unit(code: &str, parent: Option<&str>) -> UnitRow {
    UnitRow {
        code: code.into(),
        name: format!("Unit {code}"),
        parent: parent.map(str::to_owned),
    }
}

fn user(nip: &str, unit: &str) -> UserRow {
    UserRow {
        nip: nip.into(),
        name: format!("Person {nip}"),
        unit: unit.into(),
        role: "staff".into(),
        password_hash: format!("$argon2id$v=19${nip}"),
    }
}

fn device(id: &str, nip: &str, actor: &str) -> DeviceRow {
    DeviceRow {
        id: id.into(),
        nip: nip.into(),
        public_key: format!("{id}-key"),
        actor: actor.into(),
        cert: format!("{{\"device\":\"{id}\"}}"),
        revoked: false,
    }
}

/// An agency with units `U` and `U.A`, users `1` (in `U`) and `2` (in `U.A`).
fn seed<D: Database>(db: &D) {
    db.create_agency(&agency_row()).unwrap();
    db.add_unit(&unit("U", None)).unwrap();
    db.add_unit(&unit("U.A", Some("U"))).unwrap();
    db.add_user(&user("1", "U")).unwrap();
    db.add_user(&user("2", "U.A")).unwrap();
}

fn agency<D: Database>(db: &D) {
    assert_eq!(db.agency().unwrap(), None);
    db.create_agency(&agency_row()).unwrap();
    assert_eq!(db.agency().unwrap(), Some(agency_row()));
    let other = AgencyRow {
        name: "Another".into(),
        public_key: "cd".repeat(32),
    };
    assert_conflict(db.create_agency(&other), Conflict::AgencyExists);
    assert_eq!(
        db.agency().unwrap(),
        Some(agency_row()),
        "the first one stays"
    );
}

fn units<D: Database>(db: &D) {
    assert_eq!(db.units().unwrap(), vec![]);
    db.add_unit(&unit("B", None)).unwrap();
    db.add_unit(&unit("A", None)).unwrap();
    db.add_unit(&unit("B.X", Some("B"))).unwrap();
    assert_eq!(
        db.units().unwrap(),
        vec![unit("A", None), unit("B", None), unit("B.X", Some("B"))],
        "by code, with parents"
    );
    assert_conflict(db.add_unit(&unit("A", Some("B"))), Conflict::UnitExists);
    assert_not_found(db.add_unit(&unit("C", Some("nowhere"))));
    assert_eq!(db.units().unwrap().len(), 3, "nothing stored by a refusal");
}

fn users<D: Database>(db: &D) {
    seed(db);
    assert_eq!(db.user("1").unwrap(), Some(user("1", "U")));
    assert_eq!(db.user("2").unwrap(), Some(user("2", "U.A")));
    assert_eq!(db.user("3").unwrap(), None);
    assert_conflict(db.add_user(&user("1", "U.A")), Conflict::UserExists);
    assert_eq!(db.user("1").unwrap(), Some(user("1", "U")));
    assert_not_found(db.add_user(&user("3", "nowhere")));
    assert_eq!(db.user("3").unwrap(), None);
}

fn devices<D: Database>(db: &D) {
    seed(db);
    assert_eq!(db.device("dev-1").unwrap(), None);
    // A device is stored as not revoked, whatever the row says.
    let d1 = device("dev-1", "1", "actor-1");
    db.add_device(
        &DeviceRow {
            revoked: true,
            ..d1.clone()
        },
        &[1; 32],
    )
    .unwrap();
    assert_eq!(db.device("dev-1").unwrap(), Some(d1.clone()));
    assert_conflict(
        db.add_device(&device("dev-1", "2", "actor-9"), &[2; 32]),
        Conflict::DeviceExists,
    );
    assert_conflict(
        db.add_device(&device("dev-2", "2", "actor-1"), &[3; 32]),
        Conflict::ActorBound,
    );
    assert_conflict(
        db.add_device(&device("dev-3", "2", "actor-3"), &[1; 32]),
        Conflict::TokenExists,
    );
    assert_not_found(db.add_device(&device("dev-4", "9", "actor-4"), &[4; 32]));
    // Each refusal stored neither the device nor its token.
    for id in ["dev-2", "dev-3", "dev-4"] {
        assert_eq!(db.device(id).unwrap(), None, "{id}");
    }
    for t in [[2; 32], [3; 32], [4; 32]] {
        assert_eq!(db.session(&t).unwrap(), None);
    }
    assert_eq!(db.device("dev-1").unwrap(), Some(d1));
}

fn tokens_and_sessions<D: Database>(db: &D) {
    seed(db);
    let d1 = device("dev-1", "1", "actor-1");
    db.add_device(&d1, &[1; 32]).unwrap();
    assert_eq!(db.session(&[9; 32]).unwrap(), None);
    assert_eq!(
        db.session(&[1; 32]).unwrap(),
        Some((d1.clone(), user("1", "U")))
    );
    db.add_token_for("dev-1", &[2; 32]).unwrap();
    assert_eq!(
        db.session(&[2; 32]).unwrap(),
        Some((d1.clone(), user("1", "U")))
    );
    assert!(
        db.session(&[1; 32]).unwrap().is_some(),
        "earlier tokens stay"
    );
    assert_not_found(db.add_token_for("dev-9", &[3; 32]));
    assert_eq!(db.session(&[3; 32]).unwrap(), None);
    assert_conflict(db.add_token_for("dev-1", &[2; 32]), Conflict::TokenExists);
}

fn device_actors<D: Database>(db: &D) {
    seed(db);
    db.add_device(&device("dev-1", "1", "actor-1"), &[1; 32])
        .unwrap();
    db.add_device(&device("dev-2", "2", "actor-2"), &[2; 32])
        .unwrap();
    db.set_device_actor("dev-1", "actor-1b").unwrap();
    assert_eq!(db.device("dev-1").unwrap().unwrap().actor, "actor-1b");
    // The old actor is free again; another device's is not.
    db.add_device(&device("dev-3", "1", "actor-1"), &[3; 32])
        .unwrap();
    assert_conflict(
        db.set_device_actor("dev-1", "actor-2"),
        Conflict::ActorBound,
    );
    assert_eq!(db.device("dev-1").unwrap().unwrap().actor, "actor-1b");
    // Setting the actor a device has is no conflict.
    db.set_device_actor("dev-2", "actor-2").unwrap();
    assert_not_found(db.set_device_actor("dev-9", "actor-9"));
    assert_eq!(db.device("dev-9").unwrap(), None);
}

fn revocation<D: Database>(db: &D) {
    seed(db);
    db.add_device(&device("dev-b", "1", "actor-b"), &[1; 32])
        .unwrap();
    db.add_token_for("dev-b", &[2; 32]).unwrap();
    db.add_device(&device("dev-a", "2", "actor-a"), &[3; 32])
        .unwrap();
    db.add_device(&device("dev-c", "2", "actor-c"), &[4; 32])
        .unwrap();
    assert_eq!(tx(db, |t| t.revoked_devices()), Vec::<String>::new());
    assert!(!tx(db, |t| t.device_revoked("dev-a")));
    assert!(
        tx(db, |t| t.device_revoked("dev-unknown")),
        "unknown counts as revoked"
    );
    assert!(!db.revoke_device("dev-unknown").unwrap());
    assert!(db.revoke_device("dev-c").unwrap());
    assert!(db.revoke_device("dev-b").unwrap());
    assert!(
        db.revoke_device("dev-b").unwrap(),
        "revoking twice is no error"
    );
    assert!(db.device("dev-b").unwrap().unwrap().revoked);
    assert_eq!(db.session(&[1; 32]).unwrap(), None, "every token of it");
    assert_eq!(db.session(&[2; 32]).unwrap(), None);
    assert!(
        db.session(&[3; 32]).unwrap().is_some(),
        "others keep theirs"
    );
    // A token issued after the revocation opens no session either.
    db.add_token_for("dev-b", &[5; 32]).unwrap();
    assert_eq!(db.session(&[5; 32]).unwrap(), None);
    assert!(tx(db, |t| t.device_revoked("dev-b")));
    assert_eq!(
        tx(db, |t| t.revoked_devices()),
        ["dev-b", "dev-c"],
        "sorted"
    );
}

fn sync_numbers<D: Database>(db: &D) {
    // The rule itself is `copies::fresh`; the backend remembers per device.
    assert!(db.note_sync_number("dev-1", 1).unwrap());
    assert!(db.note_sync_number("dev-1", 2).unwrap());
    assert!(!db.note_sync_number("dev-1", 2).unwrap(), "a number seen");
    assert!(db.note_sync_number("dev-2", 2).unwrap(), "per device");
    assert!(db.note_sync_number("dev-1", 5).unwrap(), "a gap is fine");
    for n in 6..6 + luring_server::copies::REMEMBERED as u64 {
        assert!(db.note_sync_number("dev-1", n).unwrap());
    }
    assert!(
        !db.note_sync_number("dev-1", 3).unwrap(),
        "older than all remembered"
    );
    // A refused number is not remembered: the next one is still judged against the rest.
    assert!(db
        .note_sync_number("dev-1", 6 + luring_server::copies::REMEMBERED as u64)
        .unwrap());
}

fn transactions<D: Database>(db: &D) {
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

fn entities<D: Database>(db: &D) {
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

fn log<D: Database>(db: &D) {
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

fn known<D: Database>(db: &D) {
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

fn letter_numbers<D: Database>(db: &D) {
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
