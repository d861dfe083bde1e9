//! Decisions the approval rules do not count (wrong approver, skipped level, altered, foreign,
//! on a withdrawn request, from a revoked device, backdated) are refused by the server,
//! whoever relays them, each with its refusal code (what a device's UI says).

use luring_model::{DecisionBody, Nip, Record, Text, Verdict};

use super::*;

#[test]
fn the_server_refuses_decisions_the_rules_do_not_count() {
    let w = world();
    let doc = new_doc(&w, "Isi nota yang akan diubah.\n");
    let req = request(&w, &doc, &format!("{},{}", SITI.0, HENDRA.0));
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    let shown = w.siti.json(&["approval", "show", &req, "--json"]);
    let digest = match stored_record(&w.siti, &req, "request") {
        Record::Request(q) => q.digest(),
        other => panic!("the stored request is not a request: {other:?}"),
    };
    let body = |level: u32, approver: &str, verdict: Verdict| DecisionBody {
        request_id: luring_model::EntityId::parse(&req).unwrap(),
        request_digest: digest.clone(),
        content_hash: shown["content_hash"].as_str().unwrap().to_owned(),
        level,
        approver: Nip::parse(approver).unwrap(),
        verdict,
        note: Text::default(),
        decided_at: luring_model::clock::format(chrono::Utc::now()),
    };

    // The wrong approver, and a skipped level.
    let wrong = craft(&w.hendra, PASS_HENDRA, body(0, HENDRA.0, Verdict::Approve));
    let (code, reason) = refusal_of(&w, &w.hendra, &req, &Record::Decision(Box::new(wrong)))
        .expect("wrong approver accepted");
    assert!(reason.contains("not the approver"), "{reason}");
    assert_eq!(code, RefusalCode::MayNotDecide, "{reason}");
    let skipped = craft(&w.hendra, PASS_HENDRA, body(1, HENDRA.0, Verdict::Approve));
    let (code, reason) = refusal_of(&w, &w.hendra, &req, &Record::Decision(Box::new(skipped)))
        .expect("skipped level accepted");
    assert!(reason.contains("level"), "{reason}");
    assert_eq!(code, RefusalCode::NotYourTurn, "{reason}");

    // A changed decision (verdict flipped after signing).
    let mut flipped = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    flipped.body.verdict = Verdict::Reject;
    let (code, reason) = refusal_of(&w, &w.siti, &req, &Record::Decision(Box::new(flipped)))
        .expect("changed decision accepted");
    assert!(reason.contains("signature"), "{reason}");
    assert_eq!(code, RefusalCode::BadSignature, "{reason}");

    // A changed note, a swapped certificate, and a certificate from another agency.
    let mut noted = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    noted.body.note = Text::parse("note", "catatan disisipkan", 100, false).unwrap();
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(noted)))
        .expect("changed note accepted");
    assert!(reason.contains("signature"), "{reason}");
    let mut swapped = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    swapped.cert = serde_json::from_str(&w.hendra.meta("certificate")).unwrap();
    let (code, reason) = refusal_of(&w, &w.siti, &req, &Record::Decision(Box::new(swapped)))
        .expect("swapped certificate accepted");
    assert!(reason.contains("certificate belongs to"), "{reason}");
    assert_eq!(code, RefusalCode::BadSignature, "{reason}");
    let mut foreign = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    let fake_agency = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let mut cert_body = foreign.cert.body.clone();
    cert_body.agency_key = hex::encode(fake_agency.verifying_key().as_bytes());
    foreign.cert = DeviceCert::sign(cert_body, &fake_agency);
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(foreign)))
        .expect("foreign certificate accepted");
    assert!(reason.contains("another agency key"), "{reason}");

    // A decision replayed onto another request (of another document: a document with an
    // open request takes no second one).
    let doc2 = new_doc(&w, "Isi nota lain.\n");
    let req2 = request(&w, &doc2, SITI.0);
    w.ani.sync();
    let on_first = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    let reason = push_record(
        &w,
        &w.siti,
        &req2,
        &Record::Decision(Box::new({
            let mut d = on_first.clone();
            d.body.request_id = luring_model::EntityId::parse(&req2).unwrap();
            d
        })),
    )
    .expect("replayed decision accepted");
    assert!(
        reason.contains("signature") || reason.contains("another request"),
        "{reason}"
    );

    // Siti signs offline, but Ani withdrew the request and edited the document meanwhile
    // (the text of a waiting request cannot change otherwise): the decision is refused.
    w.ani.ok(&["approval", "withdraw", &req]);
    let f = w.root.join("edit.txt");
    std::fs::write(&f, "Isi nota yang sudah diubah.\n").unwrap();
    w.ani
        .ok(&["doc", "edit", &doc, "--body-file", f.to_str().unwrap()]);
    w.ani.sync();
    approve(&w.siti, &req, PASS_SITI);
    let r = w.siti.sync();
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{r}");
    assert!(
        rejected[0]["reason"].as_str().unwrap().contains("withdrew"),
        "{r}"
    );
    assert_eq!(rejected[0]["code"], "withdrawn", "{r}");

    // A device revoked before the server received its decision: Siti signs a fresh request
    // offline, her device is revoked, and Ani relays the signed record.
    let req3 = request(&w, &new_doc(&w, "Isi nota ketiga.\n"), SITI.0);
    w.ani.sync();
    w.siti.sync();
    approve(&w.siti, &req3, PASS_SITI);
    let decision = stored_record(&w.siti, &req3, "decision");
    admin(
        &w.server.data,
        &["revoke-device", &w.siti.meta("device_id")],
    );
    let (code, reason) =
        refusal_of(&w, &w.ani, &req3, &decision).expect("a revoked device's decision was accepted");
    assert!(reason.contains("revoked"), "{reason}");
    assert_eq!(code, RefusalCode::DeviceRevoked, "{reason}");
}

#[test]
fn a_backdated_decision_cannot_overturn_a_finished_approval() {
    let w = world();
    let doc = new_doc(&w, "Isi nota.\n");
    let req = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    approve(&w.siti, &req, PASS_SITI);
    w.siti.sync();
    w.ani.sync();
    assert_eq!(
        w.ani.json(&["approval", "show", &req, "--json"])["status"],
        "disetujui"
    );
    // Siti signs a rejection dated before her approval (a second device, a wrong clock).
    let approved = match stored_record(&w.siti, &req, "decision") {
        Record::Decision(d) => *d,
        other => panic!("not a decision: {other:?}"),
    };
    let mut b = approved.body.clone();
    b.verdict = Verdict::Reject;
    // Dated one second before her approval: within every time rule, so only the rule that
    // a decision may only extend the chain can refuse it.
    b.decided_at = luring_model::clock::format(
        luring_model::clock::parse(&approved.body.decided_at).unwrap()
            - chrono::Duration::seconds(1),
    );
    let backdated = craft(&w.siti, PASS_SITI, b);
    let (code, reason) = refusal_of(&w, &w.siti, &req, &Record::Decision(Box::new(backdated)))
        .expect("a backdated decision was accepted");
    assert!(
        reason.contains("replace") || reason.contains("level"),
        "{reason}"
    );
    assert_eq!(code, RefusalCode::AlreadyDecided, "{reason}");
    w.ani.sync();
    assert_eq!(
        w.ani.json(&["approval", "show", &req, "--json"])["status"],
        "disetujui"
    );
    // Evidence checked only against the key it carries does not pass.
    let ev = export_evidence(&w.ani, &req, w.root.join("ev.json"));
    assert!(verify(&w.agency_key, &ev).0);
    let out = luring_command()
        .args(["verify", ev.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "verify passed with no independent agency key"
    );
}
