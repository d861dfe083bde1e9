//! Signed letters stay signed, against a real server process. Once a request exists the
//! document's text and official fields are frozen for every client: a modified client
//! (changes built from our own crates and pushed raw) is refused with a reason, a
//! colleague's honest offline edit arriving late is refused and healed away on his
//! device, a second request for the same version is refused, and only the requester may
//! withdraw a request that still waits. A revision is a new document with its own
//! request, and the approved letter's evidence still verifies after it.

use automerge::transaction::Transactable;
use automerge::{ReadDoc, ROOT};
use luring_model::{
    ApprovalRequest, EntityId, Nip, Record, RequestBody, Withdrawal, WithdrawalBody,
};
use luring_sync::Class;
use serde_json::Value;

mod common;
use common::hostile::{now, push_edit, push_records, refusal, refused, stored_request};
use common::*;

const PASS_SITI: &str = "tanda tangan siti 2026";

fn sign(l: &Luring, req: &str, verdict: &str) -> std::process::Output {
    l.run_in(
        &[
            "approval",
            "sign",
            req,
            verdict,
            "--note",
            "Setuju",
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{PASS_SITI}\n"),
    )
}

fn rejected(r: &Value) -> Vec<String> {
    r["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn edit_body(l: &Luring, doc: &str, body: &str) -> std::process::Output {
    let f = l.dir.with_extension("edit.txt");
    std::fs::write(&f, body).unwrap();
    l.run_in(
        &["doc", "edit", doc, "--body-file", f.to_str().unwrap()],
        "",
    )
}

fn doc_status(l: &Luring, doc: &str) -> String {
    l.json(&["doc", "show", doc, "--json"])["status"]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A request for `doc` as Ani's modified client would write it: the same version as the
/// open one, under a new id.
fn second_request(first: &ApprovalRequest) -> Record {
    Record::Request(ApprovalRequest {
        body: RequestBody {
            id: EntityId::parse("a-kedua").unwrap(),
            created_at: now(),
            ..first.body.clone()
        },
    })
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

fn push(server: &Server, l: &Luring, record: &Record) -> Option<String> {
    let bytes = serde_json::to_vec(record).unwrap();
    let entity = record.request_id().to_string();
    refusal(&push_records(
        &server.url,
        &l.meta("token"),
        &[(entity, bytes)],
    ))
}

#[test]
fn no_client_can_change_a_submitted_or_approved_letter() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    let siti = Luring::login(root, "siti", &server, SITI);
    let hendra = Luring::login(root, "hendra", &server, HENDRA);
    siti.set_passphrase(PASS_SITI);
    let doc = ani.new_doc("Nota dinas rapat", "Isi asli.\n");
    ani.sync();
    hendra.sync();
    // Hendra (who may write in Ani's unit) edits offline, before he hears of any request.
    assert!(edit_body(&hendra, &doc, "Isi diubah Hendra.\n")
        .status
        .success());

    let req = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    assert!(rejected(&ani.sync()).is_empty());
    assert_eq!(doc_status(&ani, &doc), "diajukan");

    // Ani's modified client edits the submitted text anyway.
    let body_edit = |d: &mut automerge::AutoCommit| {
        let (_, body) = d.get(ROOT, "body").unwrap().unwrap();
        luring_crdt::update_text(d, &body, "Isi yang disisipkan.\n").unwrap();
    };
    refused(
        push_edit(&server, &hendra, &ani, &doc, Class::Document, body_edit),
        "a body edit while submitted",
        "submitted for approval",
    );
    // Hendra's honest edit arrives late: refused, and his device heals back to the
    // submitted text.
    let r = hendra.sync();
    let reasons = rejected(&r);
    assert_eq!(reasons.len(), 1, "{r}");
    assert!(reasons[0].contains("frozen"), "{r}");
    assert_eq!(
        hendra.json(&["doc", "show", &doc, "--json"])["body"],
        "Isi asli.\n"
    );
    // Ani's honest client refuses locally, and says why.
    let out = edit_body(&ani, &doc, "Isi diubah.\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("withdraw"));

    // A second request for the same version, and someone else's withdrawal.
    let first = stored_request(&ani, &req);
    let reason = push(&server, &ani, &second_request(&first)).expect("a second request was filed");
    assert!(reason.contains("submitted for approval"), "{reason}");
    let reason = push(&server, &hendra, &withdrawal_of(&first, HENDRA.0))
        .expect("a withdrawal by someone else was accepted");
    assert!(reason.contains("only the person who asked"), "{reason}");
    let reason = push(&server, &hendra, &withdrawal_of(&first, ANI.0))
        .expect("a withdrawal in Ani's name pushed by Hendra was accepted");
    assert!(reason.contains("only the person who asked"), "{reason}");

    // Siti approves; her device numbers the letter.
    assert!(rejected(&siti.sync()).is_empty());
    assert!(sign(&siti, &req, "--approve").status.success());
    assert!(rejected(&siti.sync()).is_empty());
    ani.sync();
    hendra.sync();
    let shown = ani.json(&["doc", "show", &doc, "--json"]);
    assert_eq!(shown["status"]["status"], "disetujui", "{shown}");
    assert!(shown["letter_number"].is_string(), "{shown}");

    // Nothing official moves any more: body, title, classification, attachments, the
    // revision link; and the approval cannot be withdrawn.
    refused(
        push_edit(&server, &hendra, &ani, &doc, Class::Document, body_edit),
        "a body edit after approval",
        "approved (final)",
    );
    refused(
        push_edit(&server, &hendra, &hendra, &doc, Class::Document, |d| {
            d.put(ROOT, "title", "Nota dinas rapat (ubah)").unwrap();
        }),
        "a colleague's title change after approval",
        "approved (final)",
    );
    refused(
        push_edit(&server, &hendra, &ani, &doc, Class::Document, |d| {
            d.put(ROOT, "classification", "rahasia").unwrap();
        }),
        "a classification change after approval",
        "approved (final)",
    );
    refused(
        push_edit(&server, &hendra, &ani, &doc, Class::Document, |d| {
            luring_crdt::add_attachment(d, &"a".repeat(64)).unwrap();
        }),
        "an attachment added after approval",
        "approved (final)",
    );
    refused(
        push_edit(&server, &hendra, &ani, &doc, Class::Document, |d| {
            d.put(ROOT, "revision_of", "d-lain").unwrap();
        }),
        "a revision link set later",
        "set once",
    );
    let reason = push(&server, &ani, &withdrawal_of(&first, ANI.0))
        .expect("an approved request was withdrawn");
    assert!(reason.contains("already disetujui"), "{reason}");
    let reason = push(&server, &ani, &second_request(&first)).expect("a request after approval");
    assert!(reason.contains("approved (final)"), "{reason}");

    // Buat revisi: a new document with a request of its own; the approved letter stays.
    let rev = ani.id(&["doc", "revise", &doc, "--json"]);
    assert!(edit_body(&ani, &rev, "Isi revisi.\n").status.success());
    let req2 = ani.id(&["approval", "request", &rev, "--chain", SITI.0, "--json"]);
    assert!(rejected(&ani.sync()).is_empty());
    assert!(rejected(&siti.sync()).is_empty());
    let lists = siti.json(&["approval", "list", "--json"]);
    assert_eq!(lists["waiting_for_me"][0]["id"], req2.as_str(), "{lists}");
    assert_eq!(lists["decided_by_me"][0]["id"], req.as_str(), "{lists}");
    assert_eq!(lists["decided_by_me"][0]["status"], "disetujui", "{lists}");
    let revised = siti.json(&["doc", "show", &rev, "--json"]);
    assert_eq!(revised["status"]["revision_of"], doc.as_str(), "{revised}");
    assert_eq!(revised["status"]["status"], "diajukan", "{revised}");
    assert_eq!(doc_status(&siti, &doc), "disetujui");

    // The approved letter's evidence still verifies, with nothing but the agency's key.
    let evidence = root.join("bukti-lama.json");
    ani.ok(&[
        "approval",
        "export",
        &req,
        "--out",
        evidence.to_str().unwrap(),
    ]);
    let out = luring_command()
        .args([
            "verify",
            evidence.to_str().unwrap(),
            "--agency-key",
            &ani.meta("agency_key"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_withdrawal_unfreezes_and_a_late_decision_is_refused() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    let siti = Luring::login(root, "siti", &server, SITI);
    siti.set_passphrase(PASS_SITI);
    let doc = ani.new_doc("Laporan kegiatan", "Isi pertama.\n");
    let req = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    assert!(rejected(&ani.sync()).is_empty());
    assert!(rejected(&siti.sync()).is_empty());

    // Ani takes it back; Siti, offline, approves what she still sees as waiting.
    let w = ani.json(&["approval", "withdraw", &req, "--json"]);
    assert_eq!(w["status"], "ditarik", "{w}");
    assert_eq!(doc_status(&ani, &doc), "draf");
    assert!(rejected(&ani.sync()).is_empty());
    assert!(sign(&siti, &req, "--approve").status.success());
    // Her decision is refused, and so is the letter number her device gave on approving.
    let r = siti.sync();
    let reasons = rejected(&r);
    assert_eq!(reasons.len(), 2, "{r}");
    assert!(reasons[0].contains("withdrew"), "{r}");
    assert!(reasons[1].contains("letter number"), "{r}");
    // Both devices agree: withdrawn, nothing approved or numbered, a draft again.
    let shown = siti.json(&["approval", "show", &req, "--json"]);
    assert_eq!(shown["status"], "ditarik", "{shown}");
    assert_eq!(doc_status(&siti, &doc), "draf");
    let on_siti = siti.json(&["doc", "show", &doc, "--json"]);
    assert_eq!(on_siti["letter_number"], Value::Null, "{on_siti}");

    // The server lets the edit through now, and a new request.
    assert!(edit_body(&ani, &doc, "Isi yang diperbaiki.\n")
        .status
        .success());
    let again = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    assert!(rejected(&ani.sync()).is_empty());
    assert!(rejected(&siti.sync()).is_empty());
    assert_eq!(
        siti.json(&["approval", "list", "--json"])["waiting_for_me"][0]["id"],
        again.as_str()
    );
}
