//! A hostile colleague with a modified client, against a real server process: changes
//! built from the project's own crates (automerge documents as the server holds them,
//! `luring_crdt` edits, raw sync messages) that the real client never sends. Each one must
//! be refused with a reason that says which rule it broke; beside them, the real client
//! still comments, edits its own comments and numbers approved documents.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use chrono::Datelike;
use luring_model::{Comment, CommentEdit, Disposition, Nip, Task};
use luring_sync::{Change, Class, Cursor, Lease, SyncRequest, SyncResponse};
use serde_json::Value;

mod common;
use common::hostile::{actor, now, sync_as};
use common::*;

const PASS_SITI: &str = "tanda tangan siti 2026";
const UNIT: &str = "BAPPEDA.PEM";

/// One sync round trip as `l`'s device, from the start of the log.
fn sync_raw(server: &Server, l: &Luring, push: Vec<Change>, want_numbers: bool) -> SyncResponse {
    let req = SyncRequest {
        cursor: Cursor::default(),
        push,
        compact: vec![],
        byte_budget: 8 << 20,
        want_numbers,
    };
    sync_as(&server.url, &l.meta("token"), &req)
}

/// The entity as the server holds it, opened for writing with `l`'s device actor (so the
/// server takes the change as that device's own). Read through `reader`, a device that
/// sees the whole unit (the server does not send a device its own changes back).
fn server_doc(server: &Server, reader: &Luring, l: &Luring, entity: &str) -> AutoCommit {
    // The reader was never sent the entity: its history comes as changes or as one saved
    // document.
    let pulled: Vec<Vec<u8>> = sync_raw(server, reader, vec![], false)
        .pull
        .into_iter()
        .filter(|c| c.entity == entity)
        .map(|c| c.bytes)
        .collect();
    assert!(!pulled.is_empty(), "{entity} is not on the server");
    let mut all = AutoCommit::new();
    for bytes in pulled {
        all.load_incremental(&bytes).unwrap();
    }
    AutoCommit::load(&all.save()).unwrap().with_actor(actor(l))
}

/// Whether the first pushed change was stored; else the server's reason.
fn outcome(r: &SyncResponse) -> Result<(), String> {
    if r.is_acked(0) {
        Ok(())
    } else {
        Err(r
            .rejected
            .first()
            .map(|x| x.reason.clone())
            .unwrap_or_else(|| "neither stored nor refused".into()))
    }
}

/// Pushes one change made by `edit` on the server's copy of `entity`, as `l`'s device.
fn push_edit(
    server: &Server,
    reader: &Luring,
    l: &Luring,
    entity: &str,
    class: Class,
    edit: impl FnOnce(&mut AutoCommit),
) -> Result<(), String> {
    let mut doc = server_doc(server, reader, l, entity);
    edit(&mut doc);
    doc.commit();
    let bytes = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    let change = Change {
        entity: entity.to_owned(),
        class,
        bytes,
    };
    outcome(&sync_raw(server, l, vec![change], false))
}

#[track_caller]
fn refused(r: Result<(), String>, case: &str, because: &str) {
    match r {
        Ok(()) => panic!("{case}: the server accepted it"),
        Err(reason) => assert!(
            reason.contains(because),
            "{case}: refused, but for another reason: {reason}"
        ),
    }
}

fn nip(n: &str) -> Nip {
    Nip::parse(n).unwrap()
}

/// The comments list's `i`-th map on the server's copy.
fn comment_obj(doc: &AutoCommit, i: usize) -> automerge::ObjId {
    let (_, list) = doc.get(ROOT, "comments").unwrap().unwrap();
    doc.get(&list, i).unwrap().unwrap().1
}

fn task_comments(l: &Luring, task: &str) -> Vec<Value> {
    l.json(&["task", "show", task, "--json"])["comments"]
        .as_array()
        .unwrap()
        .clone()
}

fn assert_clean_sync(l: &Luring) -> Value {
    let r = l.sync();
    assert_eq!(r["rejected"], Value::Array(vec![]), "{r}");
    r
}

#[test]
fn comments_and_dispositions_stay_in_their_authors_names() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let reader = Luring::login(tmp.path(), "hendra", &server, HENDRA);

    let task = ani.id(&["task", "add", "Rekap usulan Musrenbang", "--json"]);
    assert_clean_sync(&ani);
    siti.sync();
    siti.ok(&["task", "comment", &task, "Mohon segera dikirim ke Bappeda"]);
    assert_clean_sync(&siti);
    // The supervisor gives a disposition in her own name (no CLI command yet: built here
    // the way the desktop's Tugas screen writes it).
    let siti_step = Disposition {
        from: nip(SITI.0),
        to: nip(ANI.0),
        instruction: Task::comment_text("Segera ditindaklanjuti").unwrap(),
        at: now(),
    };
    push_edit(&server, &reader, &siti, &task, Class::Task, |d| {
        luring_crdt::add_disposition(d, &siti_step).unwrap()
    })
    .expect("a disposition in one's own name is accepted");
    assert_clean_sync(&ani);
    // Ani's modified client edits the server's copy of the task directly.
    let ani_edits = |edit: &dyn Fn(&mut AutoCommit)| {
        push_edit(&server, &reader, &ani, &task, Class::Task, edit)
    };

    let forged = Comment {
        id: "c-palsu".into(),
        author: Some(nip(SITI.0)),
        author_name: "Siti Rahmawati".into(),
        at: now(),
        text: Task::comment_text("Disetujui, tidak perlu revisi").unwrap(),
        edits: vec![],
    };
    refused(
        ani_edits(&|d| luring_crdt::add_comment(d, &forged).unwrap()),
        "comment in the supervisor's name",
        "your own name",
    );
    let forged_step = Disposition {
        from: nip(SITI.0),
        to: nip(ANI.0),
        instruction: Task::comment_text("Tidak perlu dikerjakan").unwrap(),
        at: now(),
    };
    refused(
        ani_edits(&|d| luring_crdt::add_disposition(d, &forged_step).unwrap()),
        "disposition sent in the supervisor's name",
        "sender",
    );
    refused(
        ani_edits(&|d| {
            let c = comment_obj(d, 0);
            d.put(&c, "text", "Tidak usah dikirim").unwrap();
        }),
        "supervisor's comment rewritten",
        "cannot be rewritten",
    );
    refused(
        ani_edits(&|d| {
            let (_, list) = d.get(ROOT, "comments").unwrap().unwrap();
            d.delete(&list, 0).unwrap();
        }),
        "supervisor's comment deleted",
        "cannot be deleted",
    );
    let id = task_comments(&ani, &task)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    refused(
        ani_edits(&|d| {
            let e = CommentEdit {
                at: now(),
                text: Task::comment_text("Tidak usah dikirim").unwrap(),
            };
            luring_crdt::edit_comment(d, &id, &e).unwrap()
        }),
        "supervisor's comment given an edit by someone else",
        "only its author can edit",
    );
    refused(
        ani_edits(&|d| {
            let (_, list) = d.get(ROOT, "dispositions").unwrap().unwrap();
            let (_, step) = d.get(&list, 0).unwrap().unwrap();
            d.put(&step, "instruction", "Abaikan saja").unwrap();
        }),
        "past disposition rewritten",
        "dispositions cannot be changed or removed",
    );
    refused(
        ani_edits(&|d| {
            let (_, list) = d.get(ROOT, "dispositions").unwrap().unwrap();
            d.delete(&list, 0).unwrap();
        }),
        "past disposition deleted",
        "dispositions cannot be changed or removed",
    );
    refused(
        ani_edits(&|d| {
            d.put(ROOT, "created_at", "2001-01-01T00:00:00Z").unwrap();
        }),
        "creation time backdated",
        "creation time",
    );

    // The honest path: Ani comments and edits her own comment; everyone sees the latest
    // text marked as edited, with the supervisor's comment untouched.
    ani.ok(&["task", "comment", &task, "Draf rekap terlampir"]);
    assert_clean_sync(&ani);
    let mine = task_comments(&ani, &task)
        .iter()
        .find(|c| c["author"] == ANI.0)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ani.ok(&[
        "task",
        "edit-comment",
        &task,
        &mine,
        "Rekap final terlampir",
    ]);
    let r = assert_clean_sync(&ani);
    assert!(r["pushed"].as_u64().unwrap() >= 1, "{r}");
    siti.sync();
    let seen = task_comments(&siti, &task);
    assert_eq!(seen.len(), 2, "{seen:?}");
    let hers = seen.iter().find(|c| c["author"] == SITI.0).unwrap();
    assert_eq!(hers["text"], "Mohon segera dikirim ke Bappeda");
    assert_eq!(hers["edited"], false);
    let ani_c = seen.iter().find(|c| c["author"] == ANI.0).unwrap();
    assert_eq!(ani_c["text"], "Rekap final terlampir");
    assert_eq!(ani_c["edited"], true);
    assert_eq!(ani_c["history"][0]["text"], "Draf rekap terlampir");
    assert_eq!(
        siti.json(&["task", "show", &task, "--json"])["dispositions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The real client does not offer to edit someone else's comment either.
    let out = siti.run_in(&["task", "edit-comment", &task, &mine, "Ganti"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only its author"));
}

#[test]
fn new_entities_are_refused_in_units_their_author_may_not_write() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let budi = Luring::login(tmp.path(), "budi", &server, BUDI);

    let create = |l: &Luring, id: &str, unit: &str| {
        let mut doc = luring_crdt::new_task(
            actor(l),
            &luring_crdt::NewTask {
                id: luring_model::EntityId::parse(id).unwrap(),
                title: luring_model::Title::parse("Tugas titipan").unwrap(),
                description: luring_model::Text::default(),
                status: luring_model::TaskStatus::Baru,
                due: None,
                assignees: vec![],
                unit: Some(unit.into()),
                created_at: now(),
            },
        )
        .unwrap();
        doc.commit();
        let change = Change {
            entity: id.into(),
            class: Class::Task,
            bytes: doc.get_last_local_change().unwrap().raw_bytes().to_vec(),
        };
        outcome(&sync_raw(&server, l, vec![change], false))
    };
    refused(
        create(&ani, "t-titipan-eko", "BAPPEDA.EKO"),
        "task created in a sibling unit",
        "you may not create an entity in unit 'BAPPEDA.EKO'",
    );
    refused(
        create(&ani, "t-titipan-atas", "BAPPEDA"),
        "task created in the unit above",
        "you may not create an entity in unit 'BAPPEDA'",
    );
    refused(
        create(&ani, "t-titipan-x", "TIDAK.ADA"),
        "task created in a unit that does not exist",
        "you may not create an entity in unit 'TIDAK.ADA'",
    );
    // A supervisor may create in a unit below hers, and it is filed there.
    create(&siti, "t-untuk-data", "BAPPEDA.PEM.DATA").expect("a supervisor writes below");
    budi.sync();
    assert!(budi.task_titles().contains(&"Tugas titipan".to_owned()));
}

fn blocks(l: &Luring) -> Vec<Lease> {
    luring_client::Profile::open(&l.dir)
        .unwrap()
        .store()
        .meta("number_blocks")
        .unwrap()
        .map(|s| serde_json::from_str(&s).unwrap())
        .unwrap_or_default()
}

#[test]
fn asking_for_numbers_again_and_again_does_not_burn_the_register() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    assert_clean_sync(&ani);
    let held = blocks(&ani);
    assert_eq!(held.len(), 1, "the first sync leases one block: {held:?}");
    for _ in 0..5 {
        let r = sync_raw(&server, &ani, vec![], true);
        assert_eq!(
            r.lease, None,
            "a device holding a whole unused block got another"
        );
    }
    // The next device of the unit continues right after Ani's block: nothing was burned.
    let ani2 = Luring::login(tmp.path(), "ani2", &server, ANI);
    assert_clean_sync(&ani2);
    let next = blocks(&ani2);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].start, held[0].end, "numbers were skipped");
}

fn sign(l: &Luring, req: &str) {
    l.ok_with(
        &[
            "approval",
            "sign",
            req,
            "--approve",
            "--note",
            "Setuju",
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{PASS_SITI}\n"),
    );
}

fn new_doc(l: &Luring, title: &str) -> String {
    l.new_doc(title, &format!("Dengan hormat, {title}.\n"))
}

#[test]
fn letter_numbers_follow_the_numbering_rule() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    let siti = Luring::login(root, "siti", &server, SITI);
    let reader = Luring::login(root, "hendra", &server, HENDRA);
    siti.set_passphrase(PASS_SITI);
    let year = chrono::Utc::now().year();
    let number = |n: u32| format!("{n:03}/{UNIT}/{year}");
    // `l`'s modified client sets `doc`'s letter number on the server's copy directly.
    let set_number = |l: &Luring, doc: &str, n: &str| {
        push_edit(&server, &reader, l, doc, Class::Document, |d| {
            luring_crdt::set_letter_number(d, n).unwrap()
        })
    };

    let unapproved = new_doc(&ani, "Nota tanpa persetujuan");
    let d2 = new_doc(&ani, "Nota perjalanan dinas");
    let d3 = new_doc(&ani, "Nota rapat koordinasi");
    let r2 = ani.id(&["approval", "request", &d2, "--chain", SITI.0, "--json"]);
    let r3 = ani.id(&["approval", "request", &d3, "--chain", SITI.0, "--json"]);
    assert_clean_sync(&ani);
    assert_clean_sync(&siti);
    let ani_block = blocks(&ani)[0].clone();
    let siti_block = blocks(&siti)[0].clone();
    assert_eq!(ani_block.unit, UNIT);

    refused(
        set_number(&ani, &unapproved, &number(ani_block.start)),
        "letter number on a document nobody approved",
        "approval request is approved",
    );
    // A new document that arrives already numbered has no approval either.
    let preset = {
        let mut doc = luring_crdt::new_document(
            actor(&ani),
            &luring_crdt::NewDocument {
                id: luring_model::EntityId::parse("d-bernomor").unwrap(),
                kind: luring_model::DocKind::Surat,
                title: luring_model::Title::parse("Surat bernomor").unwrap(),
                body: luring_model::Text::default(),
                classification: luring_model::Classification::Biasa,
                unit: None,
                created_at: now(),
            },
        )
        .unwrap();
        luring_crdt::set_letter_number(&mut doc, &number(ani_block.start)).unwrap();
        doc.commit();
        Change {
            entity: "d-bernomor".into(),
            class: Class::Document,
            bytes: doc.get_last_local_change().unwrap().raw_bytes().to_vec(),
        }
    };
    refused(
        outcome(&sync_raw(&server, &ani, vec![preset], false)),
        "new document created with a letter number",
        "approval request is approved",
    );

    // Siti approves both; her device numbers them from her block. Only her decisions reach
    // the server for now, so both documents are approved and not yet numbered there.
    sign(&siti, &r2);
    sign(&siti, &r3);
    let records: Vec<Change> = luring_client::Profile::open(&siti.dir)
        .unwrap()
        .store()
        .record_outbox()
        .unwrap()
        .into_iter()
        .map(|r| Change {
            entity: r.request_id,
            class: Class::Approval,
            bytes: r.bytes,
        })
        .collect();
    assert_eq!(records.len(), 2);
    let r = sync_raw(&server, &siti, records, false);
    assert_eq!(r.acked_count(), 2, "{:?}", r.rejected);

    refused(
        set_number(&siti, &d2, "nomor 7"),
        "letter number in another shape",
        "is not a letter number",
    );
    refused(
        set_number(&siti, &d2, &number(ani_block.start + 1)),
        "letter number from a colleague's block",
        "not leased to this device",
    );
    refused(
        set_number(&siti, &d2, &number(siti_block.end + 500)),
        "letter number nobody leased",
        "not leased to this device",
    );
    // Ani numbers d3 from her own block: approved, hers, unused — accepted.
    set_number(&ani, &d3, &number(ani_block.start))
        .expect("a leased number on an approved document is accepted");
    refused(
        set_number(&ani, &d2, &number(ani_block.start)),
        "a number already on another document",
        &format!("already used by document {d3}"),
    );
    refused(
        set_number(&ani, &d3, &number(ani_block.start + 1)),
        "an official number changed",
        "already has letter number",
    );
    refused(
        push_edit(&server, &reader, &ani, &d3, Class::Document, |d| {
            d.delete(ROOT, "letter_number").unwrap()
        }),
        "an official number removed",
        "already has letter number",
    );

    // The honest path: Siti's device sends its numbering; d2 gets her first number. Her
    // number for d3 was set concurrently with Ani's: automerge picks one value everywhere;
    // if hers would win it is refused with the reason, if Ani's wins nothing changes. Either
    // way d3 keeps the number it was first given.
    let r = siti.sync();
    for refusal in r["rejected"].as_array().unwrap() {
        assert_eq!(refusal["entity"], d3.as_str(), "{r}");
        assert!(
            refusal["reason"]
                .as_str()
                .unwrap()
                .contains("already has letter number"),
            "{r}"
        );
    }
    // Read back through a device that sent nothing crafted: Ani's own store never saw the
    // change this test made in her device's name.
    reader.sync();
    let shown = |d: &str| reader.json(&["doc", "show", d, "--json"])["letter_number"].clone();
    assert_eq!(shown(&d2), number(siti_block.start).as_str());
    assert_eq!(shown(&d3), number(ani_block.start).as_str());
    assert_eq!(shown(&unapproved), Value::Null);
}

#[test]
fn the_last_approver_numbers_the_document_in_the_same_sync_as_the_decision() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    let siti = Luring::login(root, "siti", &server, SITI);
    siti.set_passphrase(PASS_SITI);
    let d = new_doc(&ani, "Nota undangan");
    let r = ani.id(&["approval", "request", &d, "--chain", SITI.0, "--json"]);
    assert_clean_sync(&ani);
    assert_clean_sync(&siti);
    let block = blocks(&siti)[0].clone();
    sign(&siti, &r);
    let out = assert_clean_sync(&siti);
    assert_eq!(out["pushed"], 2, "the decision and the number: {out}");
    ani.sync();
    assert_eq!(
        ani.json(&["doc", "show", &d, "--json"])["letter_number"],
        format!("{:03}/{}/{}", block.start, block.unit, block.year).as_str()
    );
}
