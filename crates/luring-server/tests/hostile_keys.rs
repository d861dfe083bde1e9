//! A colleague with a modified client attacks keys, signatures, approval rules and times,
//! against a real server process; and altered evidence meets `luring verify`. Every case
//! must be refused with its reason, or make verify fail and say which condition.

use ed25519_dalek::{Signer, SigningKey};
use luring_model::{
    ApprovalRequest, Decision, DecisionBody, DeviceCert, EntityId, Nip, Receipt, ReceiptBody,
    Record, RequestBody, Text, Verdict,
};
use serde_json::Value;

mod common;
use common::hostile::{self, honest_login, login_raw, now, push_records, refusal, stored_request};
use common::*;

const PASS_SITI: &str = "tanda tangan siti 2026";

struct World {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    data: std::path::PathBuf,
    server: Server,
    ani: Luring,
    siti: Luring,
    agency_key: String,
}

fn world() -> World {
    let (tmp, server) = demo_agency();
    let root = tmp.path().to_owned();
    let data = server.data.clone();
    let ani = Luring::login(&root, "ani", &server, ANI);
    let siti = Luring::login(&root, "siti", &server, SITI);
    siti.set_passphrase(PASS_SITI);
    let agency_key = ani.meta("agency_key");
    World {
        _tmp: tmp,
        root,
        data,
        server,
        ani,
        siti,
        agency_key,
    }
}

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_default()
}

fn message(body: &Value) -> String {
    body["message"].as_str().unwrap_or_default().to_owned()
}

fn new_doc(w: &World) -> String {
    w.ani
        .new_doc("Nota dinas kegiatan", "Mohon persetujuan kegiatan.\n")
}

fn request(w: &World, doc: &str, chain: &str) -> String {
    w.ani
        .id(&["approval", "request", doc, "--chain", chain, "--json"])
}

fn sign(l: &Luring, req: &str, verdict: &str) {
    let out = l.run_in(
        &[
            "approval",
            "sign",
            req,
            verdict,
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{PASS_SITI}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A decision by Siti's real key (the attacker here is Siti's own modified client).
fn siti_decides(w: &World, req: &ApprovalRequest, decided_at: &str) -> Decision {
    let p = luring_client::Profile::open(&w.siti.dir).unwrap();
    let key = p.unlock_signing_key(PASS_SITI).unwrap();
    let cert: DeviceCert = serde_json::from_str(&w.siti.meta("certificate")).unwrap();
    Decision::sign(
        DecisionBody {
            request_id: req.body.id.clone(),
            request_digest: req.digest(),
            content_hash: req.body.content_hash.clone(),
            level: 0,
            approver: Nip::parse(SITI.0).unwrap(),
            verdict: Verdict::Approve,
            note: Text::default(),
            decided_at: decided_at.into(),
        },
        cert,
        &key,
    )
}

fn push(l: &Luring, w: &World, entity: &str, record: &Record) -> Option<String> {
    let bytes = serde_json::to_vec(record).unwrap();
    refusal(&push_records(
        &w.server.url,
        &l.meta("token"),
        &[(entity.to_owned(), bytes)],
    ))
}

/// `luring verify` as a third party runs it; (exit ok, JSON report).
fn verify(w: &World, file: &std::path::Path, extra: &[&str]) -> (bool, Value) {
    let out = std::process::Command::new(luring_bin())
        .args([
            "verify",
            file.to_str().unwrap(),
            "--agency-key",
            &w.agency_key,
            "--json",
        ])
        .args(extra)
        .env_remove("LURING_PROFILE")
        .output()
        .unwrap();
    (
        out.status.success(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

fn failed_conditions(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["pass"] == false)
        .map(|c| format!("{}: {}", c["condition"], c["detail"]))
        .collect()
}

fn export(l: &Luring, w: &World, req: &str, name: &str) -> std::path::PathBuf {
    let f = w.root.join(name);
    l.ok(&["approval", "export", req, "--out", f.to_str().unwrap()]);
    f
}

#[test]
fn login_refuses_weak_keys_foreign_keys_and_forged_or_replayed_proofs() {
    let w = world();
    let url = &w.server.url;
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let actor = luring_model::device_actor(key.verifying_key().as_bytes());

    // 1. A weak (small-order) key, whose constant signature would verify everything.
    let (weak, constant) = hostile::weak_key_and_constant_signature();
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    req.device_key = weak;
    req.proof = constant;
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_device_key"), "{body}");
    assert!(message(&body).contains("weak"), "{body}");

    // 2. Bytes that are not a curve point.
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    // y = 2 has no x on the curve.
    req.device_key = format!("02{}", "00".repeat(31));
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_device_key"), "{body}");

    // 3. A colleague's public key (Siti's, from her certificate), with no way to sign for
    //    it: the proof made with the attacker's own key does not verify.
    let siti_cert: DeviceCert = serde_json::from_str(&w.siti.meta("certificate")).unwrap();
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    req.device_key = siti_cert.body.device_key.clone();
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_proof"), "{body}");

    // 4. A client that sends no proof at all (as before proof of possession).
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    req.challenge.clear();
    req.proof.clear();
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "update_required"), "{body}");

    // 5. A challenge the server never issued (signed correctly by the device).
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    req.challenge = hex::encode([7u8; 40]);
    let device_key = req.device_key.clone();
    req.proof = hex::encode(
        key.sign(&luring_model::login_proof_bytes(
            &req.challenge,
            MARIA.0,
            &device_key,
            &actor,
        ))
        .to_bytes(),
    );
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_challenge"), "{body}");

    // 6. A proof made for another actor id (a captured proof reused to bind another actor).
    let mut req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    req.actor = hex::encode(rand::random::<[u8; 16]>());
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_proof"), "{body}");

    // 7. The honest login works once; the same captured request replayed is refused.
    let req = honest_login(url, MARIA.0, MARIA.1, &key, &actor);
    let (status, body) = login_raw(url, &req);
    assert_eq!(status, 200, "{body}");
    let (status, body) = login_raw(url, &req);
    assert_eq!((status, code(&body)), (400, "bad_challenge"), "{body}");
    assert!(message(&body).contains("already used"), "{body}");
}

#[test]
fn a_sealed_key_must_be_unlocked_to_log_in() {
    let w = world();
    // A profile that set its passphrase offline, connecting later.
    let dir = w.root.join("budi");
    let l = Luring { dir: dir.clone() };
    l.ok(&["init", "--name", "Budi Santoso", "--nip", BUDI.0]);
    l.set_passphrase("sandi budi 2026");
    let out = l.try_login(&w.server.url, BUDI, &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("passphrase"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = l.try_login_sealed(&w.server.url, BUDI, "sandi salah sekali");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong signing passphrase"));
    let out = l.try_login_sealed(&w.server.url, BUDI, "sandi budi 2026");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn approval_rules_and_times_are_enforced_by_the_server() {
    let w = world();
    let doc = new_doc(&w);
    let real = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    let base = stored_request(&w.ani, &real).body;
    let forged_request = |id: &str, f: &dyn Fn(&mut RequestBody)| {
        let mut b = base.clone();
        b.id = EntityId::parse(id).unwrap();
        b.created_at = now();
        f(&mut b);
        Record::Request(ApprovalRequest { body: b })
    };

    // 8. The requester as her own (only) approver.
    let own = forged_request("a-own", &|b| b.chain = vec![Nip::parse(ANI.0).unwrap()]);
    let reason = push(&w.ani, &w, "a-own", &own).expect("self-approval accepted");
    assert!(reason.contains("own request"), "{reason}");
    // 9. One approver twice.
    let twice = forged_request("a-twice", &|b| {
        b.chain = vec![Nip::parse(SITI.0).unwrap(), Nip::parse(SITI.0).unwrap()]
    });
    let reason = push(&w.ani, &w, "a-twice", &twice).expect("double approver accepted");
    assert!(reason.contains("more than once"), "{reason}");
    // 10. A request time that is not a time, and one in 2001.
    let garbled = forged_request("a-when", &|b| b.created_at = "kemarin sore".into());
    let reason = push(&w.ani, &w, "a-when", &garbled).expect("garbled time accepted");
    assert!(reason.contains("RFC 3339"), "{reason}");
    let old = forged_request("a-2001", &|b| b.created_at = "2001-01-01T00:00:00Z".into());
    let reason = push(&w.ani, &w, "a-2001", &old).expect("a request from 2001 accepted");
    assert!(reason.contains("backdated"), "{reason}");

    let req = stored_request(&w.ani, &real);
    // 11. A decision dated far in the future; 12. one dated 2001; 13. one with no real time.
    for (when, why) in [
        ("2031-01-01T00:00:00Z", "later than the server received"),
        ("2001-01-01T00:00:00Z", "before"),
        ("Senin pagi", "RFC 3339"),
    ] {
        let d = siti_decides(&w, &req, when);
        let reason = push(&w.siti, &w, &real, &Record::Decision(Box::new(d)))
            .unwrap_or_else(|| panic!("decision dated {when} accepted"));
        assert!(reason.contains(why), "{when}: {reason}");
    }

    // 14. A receipt "from the server", signed by the client itself.
    let honest = siti_decides(&w, &req, &now());
    let fake = Receipt::sign(
        ReceiptBody::of_decision(&honest, now(), vec![]),
        &SigningKey::from_bytes(&[3; 32]),
    );
    let reason = push(&w.siti, &w, &real, &Record::Receipt(fake)).expect("client receipt accepted");
    assert!(reason.contains("only the agency's server"), "{reason}");

    // The honest decision is accepted, and the server's receipt reaches the requester.
    assert_eq!(
        push(&w.siti, &w, &real, &Record::Decision(Box::new(honest))),
        None
    );
    w.ani.sync();
    let shown = w.ani.json(&["approval", "show", &real, "--json"]);
    assert_eq!(shown["status"], "disetujui", "{shown}");
    assert!(shown["decisions"][0]["received_at"].is_string(), "{shown}");
}

#[test]
fn verify_fails_for_pending_rejected_revoked_unanchored_and_forged_evidence() {
    let w = world();
    let hendra = Luring::login(&w.root, "hendra", &w.server, HENDRA);
    hendra.set_passphrase(PASS_SITI);
    // One request per document (a document with an open request takes no second one).
    let two = request(&w, &new_doc(&w), &format!("{},{}", SITI.0, HENDRA.0));
    let rejected = request(&w, &new_doc(&w), SITI.0);
    let approved = request(&w, &new_doc(&w), SITI.0);
    w.ani.sync();
    w.siti.sync();
    sign(&w.siti, &two, "--approve");
    sign(&w.siti, &rejected, "--reject");
    sign(&w.siti, &approved, "--approve");
    w.siti.sync();
    w.ani.sync();

    // The honest, approved, received chain passes: the baseline the cases below break.
    let good = export(&w.ani, &w, &approved, "good.json");
    let (ok, report) = verify(&w, &good, &[]);
    assert!(ok, "{report}");
    assert_eq!(report["approved"], true);

    // 15. A pending chain (level 2 has not decided): fails, and says so; --allow-pending
    //     accepts it as partial.
    let f = export(&w.ani, &w, &two, "pending.json");
    let (ok, report) = verify(&w, &f, &[]);
    assert!(!ok, "a pending chain passed: {report}");
    assert!(
        failed_conditions(&report)
            .join(" ")
            .contains("NOT approved yet"),
        "{report}"
    );
    let (ok, report) = verify(&w, &f, &["--allow-pending"]);
    assert!(ok, "{report}");
    assert_eq!(report["approved"], false);

    // 16. A rejected chain fails even with --allow-pending.
    let f = export(&w.ani, &w, &rejected, "rejected.json");
    for extra in [&[][..], &["--allow-pending"][..]] {
        let (ok, report) = verify(&w, &f, extra);
        assert!(!ok, "a rejected chain passed: {report}");
        assert!(
            failed_conditions(&report).join(" ").contains("REJECTED"),
            "{report}"
        );
    }

    let good_json: Value = serde_json::from_slice(&std::fs::read(&good).unwrap()).unwrap();
    let tampered = |name: &str, f: &dyn Fn(&mut Value)| {
        let mut v = good_json.clone();
        f(&mut v);
        let p = w.root.join(name);
        std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
        let (ok, report) = verify(&w, &p, &[]);
        assert!(!ok, "{name} passed: {report}");
        failed_conditions(&report).join(" | ")
    };
    // 17. The receipts removed: nothing shows when the agency received the decision.
    let why = tampered("no-receipts.json", &|v| {
        v["receipts"] = Value::Array(vec![])
    });
    assert!(why.contains("no receipt signed by the agency"), "{why}");
    // 18. A receipt's time moved (its agency signature no longer holds).
    let why = tampered("moved-receipt.json", &|v| {
        for r in v["receipts"].as_array_mut().unwrap() {
            r["body"]["received_at"] = Value::String("2026-01-01T00:00:00Z".into());
        }
    });
    assert!(why.contains("no receipt signed by the agency"), "{why}");
    // 19. A changed verdict (approve → reject) breaks the signature.
    let why = tampered("flipped.json", &|v| {
        v["decisions"][0]["body"]["verdict"] = Value::String("reject".into())
    });
    assert!(why.contains("signature"), "{why}");

    // Cases that need the agency's own key: what a server that certified a weak key, or
    // received a decision from a revoked device, would have signed before this fix.
    let agency = luring_server::agency::load_key(&w.data).unwrap();
    let d0: Decision = serde_json::from_value(good_json["decisions"][0].clone()).unwrap();

    // 20. A weak device key with the constant signature that verifies "everything".
    let why = tampered("weak.json", &|v| {
        let (weak, constant) = hostile::weak_key_and_constant_signature();
        let mut cert = d0.cert.clone();
        cert.body.device_key = weak;
        let cert = DeviceCert::sign(cert.body, &agency);
        let mut d = d0.clone();
        d.cert = cert;
        d.signature = constant.clone();
        v["decisions"][0] = serde_json::to_value(&d).unwrap();
        let receipt = Receipt::sign(ReceiptBody::of_decision(&d, now(), vec![]), &agency);
        v["receipts"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(receipt).unwrap());
    });
    assert!(why.contains("weak"), "{why}");
    // 21. The agency's receipt says the signing device was revoked when it arrived.
    let why = tampered("revoked.json", &|v| {
        let receipt = Receipt::sign(
            ReceiptBody::of_decision(&d0, now(), vec![d0.cert.body.device_id.clone()]),
            &agency,
        );
        v["receipts"] = Value::Array(vec![
            v["receipts"][0].clone(),
            serde_json::to_value(receipt).unwrap(),
        ]);
        v["receipts"].as_array_mut().unwrap().retain(|r| {
            r["body"]["of"] == "request"
                || r["body"]["revoked_devices"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
        });
    });
    assert!(why.contains("revoked"), "{why}");
    // 22. A decision the agency received long after its signed time (over 90 days).
    let why = tampered("late.json", &|v| {
        let late = chrono::Utc::now() + chrono::Duration::days(200);
        let receipt = Receipt::sign(
            ReceiptBody::of_decision(&d0, luring_model::clock::format(late), vec![]),
            &agency,
        );
        v["receipts"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["body"]["of"] == "request");
        v["receipts"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(receipt).unwrap());
    });
    assert!(why.contains("backdated"), "{why}");
}

#[test]
fn a_decision_from_a_revoked_device_is_refused_and_its_evidence_fails() {
    let w = world();
    let doc = new_doc(&w);
    let req = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    // Siti signs offline; her laptop is reported lost and revoked before it syncs.
    sign(&w.siti, &req, "--approve");
    let device = w.siti.meta("device_id");
    admin(&w.data, &["revoke-device", &device]);
    let out = w.siti.run_in(&["sync", "--json"], "");
    assert!(!out.status.success(), "a revoked device synced");
    // Her exported evidence shows the decision was never received: verify fails.
    let f = export(&w.siti, &w, &req, "revoked-device.json");
    let (ok, report) = verify(&w, &f, &[]);
    assert!(!ok, "{report}");
    assert!(
        failed_conditions(&report)
            .join(" ")
            .contains("not yet received by the server"),
        "{report}"
    );
    // And Ani never sees it as approved.
    w.ani.sync();
    assert_eq!(
        w.ani.json(&["approval", "show", &req, "--json"])["status"],
        "menunggu"
    );
}
