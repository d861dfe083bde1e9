use luring_crdt::{DocumentEdit, NewDocument, NewTask};
use luring_model::*;

use super::*;

fn task(id: &str, title: &str, status: TaskStatus, due: Option<&str>, who: &[&str]) -> NewTask {
    NewTask {
        id: EntityId::parse(id).unwrap(),
        title: Title::parse(title).unwrap(),
        description: Text::default(),
        status,
        due: due.map(|d| Date::parse(d).unwrap()),
        assignees: who.iter().map(|n| Nip::parse(n).unwrap()).collect(),
        unit: None,
        created_at: "2026-11-23T08:00:00Z".into(),
        created_by: None,
    }
}

fn doc(id: &str, title: &str, body: &str) -> NewDocument {
    NewDocument {
        id: EntityId::parse(id).unwrap(),
        kind: DocKind::NotaDinas,
        title: Title::parse(title).unwrap(),
        body: Document::body(body).unwrap(),
        classification: Classification::Biasa,
        unit: None,
        revision_of: None,
        created_at: "2026-11-23T08:00:00Z".into(),
        created_by: None,
    }
}

fn set_body(s: &mut Store, id: &str, body: &str) {
    s.update_document(id, |d| {
        luring_crdt::update_document(
            d,
            &DocumentEdit {
                body: Some(Document::body(body).unwrap()),
                ..Default::default()
            },
        )
    })
    .unwrap();
}

/// Renames task `id` to "Rapat 0" … "Rapat {n-1}", one durable edit each.
fn retitle(s: &mut Store, id: &str, n: i64) {
    for i in 0..n {
        s.update_task(id, |d| {
            luring_crdt::patch_task(
                d,
                &TaskPatch {
                    title: Some(Title::parse(&format!("Rapat {i}")).unwrap()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }
}

const ANI: &str = "198703122010011002";
const BUDI: &str = "199001012015031001";

#[test]
fn tasks_are_listed_by_status_and_due_with_assignees() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_tasks(&[
        task("t-a", "Tanpa tenggat", TaskStatus::Baru, None, &[ANI]),
        task(
            "t-b",
            "Lusa",
            TaskStatus::Baru,
            Some("2026-11-25"),
            &[BUDI, ANI],
        ),
        task("t-c", "Besok", TaskStatus::Baru, Some("2026-11-24"), &[]),
        task(
            "t-d",
            "Selesai",
            TaskStatus::Selesai,
            Some("2026-11-20"),
            &[ANI],
        ),
    ])
    .unwrap();
    let ids = |f: TaskFilter| -> Vec<String> {
        s.list_tasks(&f)
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect()
    };
    let baru = TaskFilter {
        status: Some("baru".into()),
        ..Default::default()
    };
    assert_eq!(ids(baru.clone()), ["t-c", "t-b", "t-a"]);
    assert_eq!(
        ids(TaskFilter {
            assignee: Some(ANI.into()),
            ..Default::default()
        }),
        ["t-d", "t-b", "t-a"]
    );
    assert_eq!(
        ids(TaskFilter {
            limit: Some(1),
            offset: 1,
            ..baru
        }),
        ["t-b"]
    );
    let b = &s.list_tasks(&TaskFilter::default()).unwrap()[2];
    assert_eq!(b.id, "t-b");
    assert_eq!(b.assignees, [ANI, BUDI]);
    assert_eq!(s.stats().unwrap().outbox, 4);
}

#[test]
fn edits_update_query_tables_and_outbox_atomically() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_tasks(&[task("t-a", "Rapat", TaskStatus::Baru, None, &[])])
        .unwrap();
    let n = entity::COMPACT_AFTER + 5;
    retitle(&mut s, "t-a", n);
    assert_eq!(
        s.task("t-a").unwrap().title.as_str(),
        format!("Rapat {}", n - 1)
    );
    assert_eq!(s.stats().unwrap().outbox, 1 + n);
    // Compaction happened and nothing was lost.
    let appended: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert!(
        appended < entity::COMPACT_AFTER,
        "{appended} changes never compacted"
    );
    // A failing edit leaves no trace.
    let err = s.update_task("t-a", |d| {
        luring_crdt::patch_task(
            d,
            &TaskPatch {
                status: Some(TaskStatus::Selesai),
                ..Default::default()
            },
        )?;
        Err(luring_crdt::CrdtError::UnknownKind)
    });
    assert!(err.is_err());
    assert_eq!(s.stats().unwrap().outbox, 1 + n);
    assert_eq!(s.task("t-a").unwrap().status, TaskStatus::Baru);
    assert!(matches!(
        s.update_document("t-a", |_| Ok(())),
        Err(StoreError::WrongKind { .. })
    ));
    assert!(matches!(s.task("t-zz"), Err(StoreError::NotFound { .. })));
    assert_eq!(s.check_derived().unwrap(), Vec::<String>::new());
}

#[test]
fn an_edit_that_breaks_a_rule_is_refused_and_leaves_no_trace() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_tasks(&[task("t-a", "Baik", TaskStatus::Baru, None, &[])])
        .unwrap();
    let r = s.update_task("t-a", |d| {
        use automerge::transaction::Transactable;
        d.put(automerge::ROOT, "status", "hilang")?;
        Ok(())
    });
    assert!(matches!(r, Err(StoreError::Entity(_))), "{r:?}");
    assert_eq!(s.task("t-a").unwrap().status, TaskStatus::Baru);
    assert_eq!(s.stats().unwrap().outbox, 1);
}

#[test]
fn search_finds_title_and_body_words_ignoring_accents_and_case() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_documents(&[
        doc(
            "d-1",
            "Undangan Rapat Koordinasi",
            "Rapat membahas anggaran desa.",
        ),
        doc(
            "d-2",
            "Laporan kegiatan",
            "Kunjungan ke Desa Sukamaju, café baru.",
        ),
    ])
    .unwrap();
    let found = |s: &Store, q: &str| -> Vec<String> {
        s.search_documents(q, 10)
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(found(&s, "rapat"), ["d-1"]);
    assert_eq!(found(&s, "SUKAMAJU"), ["d-2"]);
    assert_eq!(found(&s, "cafe"), ["d-2"]);
    assert_eq!(found(&s, "angg"), ["d-1"]);
    assert_eq!(found(&s, "desa").len(), 2);
    assert!(found(&s, "\"AND OR(").is_empty());
    set_body(&mut s, "d-1", "Isi diganti seluruhnya.");
    assert_eq!(found(&s, "anggaran"), Vec::<String>::new());
    assert_eq!(found(&s, "diganti"), ["d-1"]);
    assert_eq!(s.check_derived().unwrap(), Vec::<String>::new());
}

#[test]
fn check_derived_notices_a_tampered_query_table() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_tasks(&[task("t-a", "Rapat", TaskStatus::Baru, None, &[])])
        .unwrap();
    s.connection()
        .execute("UPDATE tasks SET status = 'selesai'", [])
        .unwrap();
    assert_eq!(s.check_derived().unwrap().len(), 2);
    s.rebuild_derived().unwrap();
    assert!(s.check_derived().unwrap().is_empty());
}

#[test]
fn bundles_merge_both_ways_idempotently() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    a.create_documents(&[doc("d-1", "Nota", "satu\ndua\n")])
        .unwrap();
    b.import_bundle(&a.export_bundle("a").unwrap()).unwrap();
    set_body(&mut a, "d-1", "satu A\ndua\n");
    set_body(&mut b, "d-1", "satu\ndua B\n");
    let (ba, bb) = (a.export_bundle("a").unwrap(), b.export_bundle("b").unwrap());
    let sum = a.import_bundle(&bb).unwrap();
    assert_eq!((sum.entities, sum.created, sum.updated), (1, 0, 1));
    b.import_bundle(&ba).unwrap();
    assert_eq!(
        a.import_bundle(&bb).unwrap().updated,
        0,
        "second import changed something"
    );
    assert_eq!(a.document("d-1").unwrap(), b.document("d-1").unwrap());
    assert_eq!(a.document("d-1").unwrap().body.as_str(), "satu A\ndua B\n");
    // Imported changes are not ours to send.
    assert_eq!(b.stats().unwrap().outbox, 1);
    assert!(a.check_derived().unwrap().is_empty());
    assert!(b.check_derived().unwrap().is_empty());
}

#[test]
fn a_bundle_from_another_agency_changes_nothing() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    a.set_meta("agency_key", &"aa".repeat(32)).unwrap();
    b.set_meta("agency_key", &"bb".repeat(32)).unwrap();
    a.create_documents(&[doc("d-1", "Nota", "satu\n")]).unwrap();
    let err = b
        .import_bundle(&a.export_bundle("a").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("another agency"), "{err}");
    assert!(b.list_documents(None).unwrap().is_empty());
    // The same agency's bundle merges.
    b.set_meta("agency_key", &"aa".repeat(32)).unwrap();
    assert_eq!(
        b.import_bundle(&a.export_bundle("a").unwrap())
            .unwrap()
            .created,
        1
    );
}

#[test]
fn a_bundle_whose_merge_breaks_a_rule_changes_nothing() {
    // A peer running other software wrote a status no replica accepts.
    let mut bad = luring_crdt::new_task(
        automerge::ActorId::random(),
        &task("t-x", "Aneh", TaskStatus::Baru, None, &[]),
    )
    .unwrap();
    {
        use automerge::transaction::Transactable;
        bad.put(automerge::ROOT, "status", "hilang").unwrap();
    }
    let mut good = luring_crdt::new_task(
        automerge::ActorId::random(),
        &task("t-a", "Baik", TaskStatus::Baru, None, &[]),
    )
    .unwrap();
    let bytes = bundle::encode(&BundleBody {
        agency: String::new(),
        source: "x".into(),
        created_at: "now".into(),
        entities: vec![
            BundleEntity {
                id: "t-a".into(),
                kind: "task".into(),
                data: good.save(),
            },
            BundleEntity {
                id: "t-x".into(),
                kind: "task".into(),
                data: bad.save(),
            },
        ],
    })
    .unwrap();
    let mut s = Store::open_in_memory().unwrap();
    let err = s.import_bundle(&bytes).unwrap_err().to_string();
    assert!(err.contains("t-x"), "{err}");
    assert_eq!(s.stats().unwrap().tasks, 0, "the good entity was kept");
    // An entity stored under another entity's id is refused too.
    let bytes = bundle::encode(&BundleBody {
        agency: String::new(),
        source: "x".into(),
        created_at: "now".into(),
        entities: vec![BundleEntity {
            id: "t-b".into(),
            kind: "task".into(),
            data: good.save(),
        }],
    })
    .unwrap();
    assert!(s.import_bundle(&bytes).is_err());
}

#[test]
fn the_outbox_yields_every_change_before_and_after_compaction() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_tasks(&[task("t-a", "Rapat", TaskStatus::Baru, None, &[])])
        .unwrap();
    let n = entity::COMPACT_AFTER + 10;
    retitle(&mut s, "t-a", n);
    let out = s.outbox(usize::MAX).unwrap();
    assert_eq!(out.len() as i64, 1 + n);
    for c in &out {
        let parsed = automerge::Change::from_bytes(c.bytes.clone()).unwrap();
        assert_eq!(parsed.hash().0, c.hash, "bytes do not match their hash");
    }
    // A byte budget stops early but always yields at least one change.
    assert_eq!(s.outbox(1).unwrap().len(), 1);
}

/// The document kept in memory (`last_loaded`) never hides a write: not another process's
/// (the CLI beside the desktop app), not a row written through this connection by another
/// path, and an edit that fails leaves the stored document as it was.
#[test]
fn the_document_kept_in_memory_never_hides_a_write() {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("luring.db");
    let mut app = Store::open(&path).unwrap();
    app.create_documents(&[doc("d-a", "Laporan", "satu")])
        .unwrap();
    set_body(&mut app, "d-a", "satu dua");
    assert_eq!(app.document("d-a").unwrap().body.as_str(), "satu dua");

    // Another process edits; the app reads its text and its next edit builds on it (a
    // stale copy would make the two edits concurrent and interleave the words).
    let mut cli = Store::open(&path).unwrap();
    set_body(&mut cli, "d-a", "satu dua tiga");
    assert_eq!(app.document("d-a").unwrap().body.as_str(), "satu dua tiga");
    set_body(&mut app, "d-a", "satu dua tiga empat");
    let heads = app.entity_doc("d-a").unwrap().get_heads();
    assert_eq!(
        heads.len(),
        1,
        "the app's edit did not build on the other one"
    );
    assert_eq!(
        cli.document("d-a").unwrap().body.as_str(),
        "satu dua tiga empat"
    );

    // A change stored through this very connection by another path (as a pulled change is).
    let mut fork = app.entity_doc("d-a").unwrap();
    fork.set_actor(automerge::ActorId::random());
    let body = fork.get(automerge::ROOT, "body").unwrap().unwrap().1;
    fork.splice_text(&body, 0, 4, "SATU").unwrap();
    fork.commit();
    let change = fork.get_last_local_change().unwrap().clone();
    app.connection()
        .execute(
            "INSERT INTO changes(entity_id, hash, bytes) VALUES ('d-a', ?1, ?2)",
            rusqlite::params![change.hash().0.as_slice(), change.raw_bytes()],
        )
        .unwrap();
    assert_eq!(
        app.document("d-a").unwrap().body.as_str(),
        "SATU dua tiga empat"
    );

    // An edit that breaks a rule halfway leaves no trace in memory either.
    let r = app.update_document("d-a", |d| {
        let body = d.get(automerge::ROOT, "body").unwrap().unwrap().1;
        d.splice_text(&body, 0, 0, "x")?;
        d.put(automerge::ROOT, "kind", "bukan-jenis")?;
        Ok(())
    });
    assert!(matches!(r, Err(StoreError::Entity(_))), "{r:?}");
    assert_eq!(
        app.document("d-a").unwrap().body.as_str(),
        "SATU dua tiga empat"
    );
    set_body(&mut app, "d-a", "SATU dua tiga empat lima");
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .document("d-a")
            .unwrap()
            .body
            .as_str(),
        "SATU dua tiga empat lima"
    );
}
