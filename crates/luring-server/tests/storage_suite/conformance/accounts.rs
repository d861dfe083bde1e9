//! The conformance checks of the accounts side of [`Database`]: agency, units, users,
//! devices, tokens, revocation and sync numbers.

use luring_server::db::{AgencyRow, Conflict, Database, DeviceRow, UnitRow, UserRow};

use super::{assert_conflict, assert_not_found, tx};

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

pub(super) fn agency<D: Database>(db: &D) {
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

pub(super) fn units<D: Database>(db: &D) {
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

pub(super) fn users<D: Database>(db: &D) {
    seed(db);
    assert_eq!(db.user("1").unwrap(), Some(user("1", "U")));
    assert_eq!(db.user("2").unwrap(), Some(user("2", "U.A")));
    assert_eq!(db.user("3").unwrap(), None);
    assert_conflict(db.add_user(&user("1", "U.A")), Conflict::UserExists);
    assert_eq!(db.user("1").unwrap(), Some(user("1", "U")));
    assert_not_found(db.add_user(&user("3", "nowhere")));
    assert_eq!(db.user("3").unwrap(), None);
}

pub(super) fn devices<D: Database>(db: &D) {
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

pub(super) fn tokens_and_sessions<D: Database>(db: &D) {
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

pub(super) fn device_actors<D: Database>(db: &D) {
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

pub(super) fn revocation<D: Database>(db: &D) {
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

pub(super) fn sync_numbers<D: Database>(db: &D) {
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
