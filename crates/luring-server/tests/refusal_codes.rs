//! Every refusal says which one it is, against a real server process: a modified client
//! (changes and records built from our own crates and pushed raw) provokes distinct
//! refusals and each comes back with its [`RefusalCode`], whatever the English sentence
//! says. An honest device's late edit of a submitted letter is filed with its code, and
//! `luring sync --json` and `luring status --json` show it, so the desktop can say it in
//! Indonesian.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use luring_model::{ApprovalRequest, Nip, Record, RefusalCode, Withdrawal, WithdrawalBody};
use luring_sync::{Change, Class, SyncResponse};

mod common;
use common::hostile::{actor, now, push_records, server_doc, stored_request, sync_raw};
use common::*;

/// The codes of the answer's refusals, in order.
fn codes(r: &SyncResponse) -> Vec<RefusalCode> {
    r.rejected.iter().map(|x| x.code).collect()
}

/// The changes `edits` make, one each, on the server's copy of `entity` opened with `l`'s
/// device actor (read through `reader`, who sees the whole unit).
fn edits(
    server: &Server,
    reader: &Luring,
    l: &Luring,
    entity: &str,
    class: Class,
    edits: &[&dyn Fn(&mut AutoCommit)],
) -> Vec<Change> {
    let mut doc = server_doc(server, reader, l, entity);
    edits
        .iter()
        .map(|edit| {
            edit(&mut doc);
            doc.commit();
            Change {
                entity: entity.to_owned(),
                class,
                bytes: doc.get_last_local_change().unwrap().raw_bytes().to_vec(),
            }
        })
        .collect()
}

fn retitle(title: &'static str) -> impl Fn(&mut AutoCommit) {
    move |d| d.put(ROOT, "title", title).unwrap()
}

fn withdrawal_of(req: &ApprovalRequest, by: &str) -> Record {
    Record::Withdrawal(Withdrawal {
        body: WithdrawalBody {
            request_id: req.body.id.clone(),
            request_digest: req.digest(),
            requester: Nip::parse(by).unwrap(),
            withdrawn_at: now(),
        },
    })
}

fn edit_body(l: &Luring, doc: &str, body: &str) {
    let f = l.dir.with_extension("edit.txt");
    std::fs::write(&f, body).unwrap();
    l.ok(&["doc", "edit", doc, "--body-file", f.to_str().unwrap()]);
}

fn json_codes(v: &serde_json::Value) -> Vec<String> {
    v["rejected"]
        .as_array()
        .unwrap_or_else(|| panic!("no refusals listed: {v}"))
        .iter()
        .map(|x| x["code"].as_str().unwrap_or("(none)").to_owned())
        .collect()
}

#[test]
fn each_refusal_carries_its_code() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    let maria = Luring::login(root, "maria", &server, MARIA);
    let hendra = Luring::login(root, "hendra", &server, HENDRA);
    let task = ani.id(&["task", "add", "Rekap anggaran", "--json"]);
    let doc = ani.new_doc("Nota dinas rapat", "Isi asli.\n");
    ani.sync();
    hendra.sync();
    // Hendra (who may write in Ani's unit) edits offline, before he hears of any request.
    edit_body(&hendra, &doc, "Isi diubah Hendra.\n");
    let req = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.sync();

    // Maria, of another unit, changes Ani's task.
    let change = edits(
        &server,
        &hendra,
        &maria,
        &task,
        Class::Task,
        &[&retitle("Milik Maria")],
    );
    let r = sync_raw(&server, &maria, change, false);
    assert_eq!(codes(&r), [RefusalCode::OtherUnit], "{:?}", r.rejected);

    // Hendra's device sends a change made by Ani's device.
    let change = edits(
        &server,
        &hendra,
        &ani,
        &task,
        Class::Task,
        &[&retitle("Atas nama Ani")],
    );
    let r = sync_raw(&server, &hendra, change, false);
    assert_eq!(codes(&r), [RefusalCode::OtherDevice], "{:?}", r.rejected);

    // Bytes that are no change at all.
    let garbage = Change {
        entity: task.clone(),
        class: Class::Task,
        bytes: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3],
    };
    let r = sync_raw(&server, &ani, vec![garbage], false);
    assert_eq!(codes(&r), [RefusalCode::NotValid], "{:?}", r.rejected);

    // A task under an id kept for approval requests.
    let mut stolen = AutoCommit::new().with_actor(actor(&ani));
    stolen.put(ROOT, "title", "Bukan permintaan").unwrap();
    stolen.commit();
    let change = Change {
        entity: "a-curian".into(),
        class: Class::Task,
        bytes: stolen.get_last_local_change().unwrap().raw_bytes().to_vec(),
    };
    let r = sync_raw(&server, &ani, vec![change], false);
    assert_eq!(codes(&r), [RefusalCode::IdTaken], "{:?}", r.rejected);

    // Ani's modified client edits the submitted letter, then edits again on top.
    let body_edit = |d: &mut AutoCommit| {
        let (_, body) = d.get(ROOT, "body").unwrap().unwrap();
        luring_crdt::update_text(d, &body, "Isi yang disisipkan.\n").unwrap();
    };
    let changes = edits(
        &server,
        &hendra,
        &ani,
        &doc,
        Class::Document,
        &[&body_edit, &retitle("Judul lain")],
    );
    let r = sync_raw(&server, &ani, changes, false);
    assert_eq!(
        codes(&r),
        [RefusalCode::FrozenSubmitted, RefusalCode::DependsOnRefused],
        "{:?}",
        r.rejected
    );
    // The English sentence stays, for logs and the CLI.
    assert!(r.rejected[0].reason.contains("frozen"), "{:?}", r.rejected);

    // A letter number before approval.
    let number = |d: &mut AutoCommit| {
        d.put(ROOT, "letter_number", "001/BAPPEDA.PEM/2026")
            .unwrap();
    };
    let change = edits(&server, &hendra, &ani, &doc, Class::Document, &[&number]);
    let r = sync_raw(&server, &ani, change, false);
    assert_eq!(
        codes(&r),
        [RefusalCode::NumberNotApproved],
        "{:?}",
        r.rejected
    );

    // Someone else withdraws Ani's request.
    let first = stored_request(&ani, &req);
    let w = withdrawal_of(&first, HENDRA.0);
    let r = push_records(
        &server.url,
        &hendra.meta("token"),
        &[(req.clone(), serde_json::to_vec(&w).unwrap())],
    );
    assert_eq!(codes(&r), [RefusalCode::NotRequester], "{:?}", r.rejected);

    // Hendra's honest edit arrives late: his device files the refusal with its code, and
    // shows it in the sync report and in the profile's status.
    let report = hendra.json(&["sync", "--json"]);
    assert_eq!(json_codes(&report), ["frozen_submitted"], "{report}");
    let status = hendra.json(&["status", "--json"]);
    assert_eq!(json_codes(&status), ["frozen_submitted"], "{status}");
}
