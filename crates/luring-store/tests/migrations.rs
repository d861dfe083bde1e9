//! A database written by the first schema version opens and upgrades under today's code.

use automerge::ActorId;
use luring_crdt::{NewDocument, NewTask};
use luring_model::*;
use luring_store::{migrations, Store, TaskFilter};
use rusqlite::{params, Connection};

/// Writes a profile the way schema version 1 did: entities and derived rows, no search
/// index (that came with version 2).
fn make_v1(path: &std::path::Path) {
    let mut conn = Connection::open(path).unwrap();
    migrations::migrate_to(&mut conn, 1).unwrap();
    assert_eq!(migrations::version(&conn).unwrap(), 1);
    let actor = ActorId::random();
    let mut task = luring_crdt::new_task(
        actor.clone(),
        &NewTask {
            id: EntityId::parse("t-lama").unwrap(),
            title: Title::parse("Tugas dari versi pertama").unwrap(),
            description: Text::default(),
            status: TaskStatus::Menunggu,
            due: Some(Date::parse("2026-12-31").unwrap()),
            assignees: vec![Nip::parse("198703122010011002").unwrap()],
            unit: None,
            created_at: "2026-01-02T03:04:05Z".into(),
            created_by: None,
        },
    )
    .unwrap();
    let mut doc = luring_crdt::new_document(
        actor.clone(),
        &NewDocument {
            id: EntityId::parse("d-lama").unwrap(),
            kind: DocKind::Laporan,
            title: Title::parse("Laporan triwulan").unwrap(),
            body: Document::body("Realisasi anggaran triwulan ketiga.").unwrap(),
            classification: Classification::Biasa,
            unit: None,
            revision_of: None,
            created_at: "2026-01-02T03:04:05Z".into(),
            created_by: None,
        },
    )
    .unwrap();
    let d = luring_crdt::read_document(&doc).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(
        "INSERT INTO entities(id, kind, snapshot) VALUES ('t-lama', 'task', ?1), ('d-lama', 'document', ?2)",
        params![task.save(), doc.save()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO tasks(id, title, status, due, unit, created_at)
         VALUES ('t-lama', 'Tugas dari versi pertama', 'menunggu', '2026-12-31', NULL, '2026-01-02T03:04:05Z')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO task_assignees(nip, task_id) VALUES ('198703122010011002', 't-lama')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents(id, kind, title, body, classification, letter_number, content_hash, unit, created_at)
         VALUES ('d-lama', 'laporan', 'Laporan triwulan', ?1, 'biasa', NULL, ?2, NULL, '2026-01-02T03:04:05Z')",
        params![d.body.as_str(), d.content_hash().to_string()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('actor', ?1), ('name', 'Ani')",
        [actor.to_hex_string()],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
}

#[test]
fn version_1_database_upgrades_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    make_v1(&path);

    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::latest()
    );
    assert!(migrations::latest() > 1);
    assert_eq!(s.meta("name").unwrap().as_deref(), Some("Ani"));
    let tasks = s
        .list_tasks(&TaskFilter {
            status: Some("menunggu".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].assignees, ["198703122010011002"]);
    // Search did not exist in version 1; the upgrade indexed the old document.
    let hits = s.search_documents("anggaran", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "d-lama");
    assert!(s.check_derived().unwrap().is_empty());
    // And the old entities take new edits.
    s.update_task("t-lama", |d| {
        luring_crdt::patch_task(
            d,
            &TaskPatch {
                status: Some(TaskStatus::Selesai),
                ..Default::default()
            },
        )
    })
    .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.task("t-lama").unwrap().status, TaskStatus::Selesai);
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

#[test]
fn a_database_from_a_newer_luring_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", migrations::latest() + 1)
        .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("newer schema accepted");
    assert!(err.to_string().contains("newer Luring"), "{err}");
}

#[test]
fn version_4_database_gains_attachment_names_and_keeps_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    make_v1(&path);
    let mut conn = Connection::open(&path).unwrap();
    migrations::migrate_to(&mut conn, 4).unwrap();
    let has_table = |c: &Connection| -> bool {
        c.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'attachment_names'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    };
    assert!(!has_table(&conn));
    drop(conn);

    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::latest()
    );
    assert!(has_table(s.connection()));
    let hash = "c".repeat(64);
    let d = s.attach("d-lama", &hash, "lampiran.pdf", 42).unwrap();
    assert_eq!(d.attachments, [hash]);
    assert_eq!(
        s.attachment_names("d-lama").unwrap()[0].name,
        "lampiran.pdf"
    );
    assert!(s.check_derived().unwrap().is_empty());
}

#[test]
fn an_outbox_from_before_folding_counts_as_sent_and_is_never_folded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    make_v1(&path);
    let mut conn = Connection::open(&path).unwrap();
    migrations::migrate_to(&mut conn, 8).unwrap();
    // Two unsent edits of the old document, made under version 8 (before folding): perhaps sent in a
    // request whose answer was lost, perhaps exported; nobody can tell now.
    let snapshot: Vec<u8> = conn
        .query_row(
            "SELECT snapshot FROM entities WHERE id = 'd-lama'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let actor: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'actor'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut doc = automerge::AutoCommit::load(&snapshot)
        .unwrap()
        .with_actor(ActorId::try_from(actor.as_str()).unwrap());
    let mut old = Vec::new();
    for body in [
        "Realisasi anggaran triwulan ketiga 2026.",
        "Realisasi anggaran triwulan ketiga 2026 (final).",
    ] {
        let before = doc.get_heads();
        luring_crdt::update_document(
            &mut doc,
            &luring_crdt::DocumentEdit {
                body: Some(Document::body(body).unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
        doc.commit();
        for ch in doc.get_changes(&before) {
            conn.execute(
                "INSERT INTO changes(entity_id, hash, bytes) VALUES ('d-lama', ?1, ?2)",
                params![ch.hash().0.as_slice(), ch.raw_bytes()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO outbox(entity_id, hash, created_at) VALUES ('d-lama', ?1, 'x')",
                [ch.hash().0.as_slice()],
            )
            .unwrap();
            old.push(ch.hash().0);
        }
    }
    drop(conn);

    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::latest()
    );
    assert_eq!(s.fold_outbox().unwrap(), luring_store::Folded::default());
    let waiting = |s: &Store| -> Vec<[u8; 32]> {
        s.outbox(usize::MAX)
            .unwrap()
            .iter()
            .map(|c| c.hash)
            .collect()
    };
    assert_eq!(waiting(&s), old);
    // What is typed after the upgrade folds, on top of them.
    for body in ["Realisasi 1.", "Realisasi 1. Realisasi 2."] {
        s.update_document("d-lama", |d| {
            luring_crdt::update_document(
                d,
                &luring_crdt::DocumentEdit {
                    body: Some(Document::body(body).unwrap()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }
    assert_eq!(s.fold_outbox().unwrap().changes_before, 2);
    let now = waiting(&s);
    assert_eq!(now.len(), 3);
    assert_eq!(now[..2], old[..]);
    assert_eq!(
        s.document("d-lama").unwrap().body.as_str(),
        "Realisasi 1. Realisasi 2."
    );
}

/// A refusal filed before refusals had codes (schema 11) is listed after the upgrade, with
/// the code `unknown` (the UI's generic sentence) and its English reason kept.
#[test]
fn a_refusal_from_before_codes_is_kept_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    make_v1(&path);
    let mut conn = Connection::open(&path).unwrap();
    migrations::migrate_to(&mut conn, 11).unwrap();
    conn.execute(
        "INSERT INTO refusals(hash, entity_id, reason, at) VALUES (?1, 'd-lama', ?2, ?3)",
        params![
            [7u8; 32].as_slice(),
            "you may not change this entity: it belongs to another unit",
            "2026-11-20T08:00:00Z"
        ],
    )
    .unwrap();
    drop(conn);

    let s = Store::open(&path).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::latest()
    );
    let listed = s.refusals().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].code, RefusalCode::Unknown);
    assert!(listed[0].reason.contains("another unit"));
    assert_eq!(listed[0].entity, "d-lama");
}
