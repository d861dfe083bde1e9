//! Evidence files tampered with in every way we could think of are caught by `luring verify`.

use serde_json::Value;

use luring_model::{DecisionBody, Nip};

use super::*;

/// One way of tampering with an evidence file.
type Tamper<'a> = Box<dyn Fn(&mut Value) + 'a>;

fn body_of(d: &Value) -> DecisionBody {
    serde_json::from_value(d["body"].clone()).unwrap()
}

#[test]
fn tampered_evidence_is_caught_by_verify() {
    let w = world();
    let doc = new_doc(&w, "Isi asli nota dinas.\n");
    let req = request(&w, &doc, &format!("{},{}", SITI.0, HENDRA.0));
    // Another request (of another document: one open request per document) to borrow
    // a decision from.
    let doc2 = new_doc(&w, "Isi nota dinas lain.\n");
    let req2 = request(&w, &doc2, SITI.0);
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    approve(&w.siti, &req, PASS_SITI);
    approve(&w.siti, &req2, PASS_SITI);
    w.siti.sync();
    w.hendra.sync();
    approve(&w.hendra, &req, PASS_HENDRA);
    w.hendra.sync();
    w.ani.sync();
    let good_file = export_evidence(&w.ani, &req, w.root.join("good.json"));
    assert!(
        verify(&w.agency_key, &good_file).0,
        "the untouched evidence must pass"
    );
    let good: Value = serde_json::from_slice(&std::fs::read(&good_file).unwrap()).unwrap();
    let other_file = export_evidence(&w.ani, &req2, w.root.join("other.json"));
    let other: Value = serde_json::from_slice(&std::fs::read(&other_file).unwrap()).unwrap();

    assert_eq!(
        good["decisions"][0]["body"]["level"], 0,
        "evidence lists decisions in chain order"
    );
    assert_eq!(good["decisions"][1]["body"]["level"], 1);
    let d0 = body_of(&good["decisions"][0]);
    let fake_agency = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "changed document text",
            Box::new(|v| v["document"]["body"] = "Isi palsu.\n".into()),
        ),
        (
            "changed decision",
            Box::new(|v| v["decisions"][0]["body"]["verdict"] = "reject".into()),
        ),
        (
            "changed note",
            Box::new(|v| v["decisions"][0]["body"]["note"] = "catatan lain".into()),
        ),
        (
            "swapped certificate",
            Box::new(|v| v["decisions"][0]["cert"] = v["decisions"][1]["cert"].clone()),
        ),
        (
            "certificate from another agency",
            Box::new(move |v| {
                let mut cert: DeviceCert =
                    serde_json::from_value(v["decisions"][0]["cert"].clone()).unwrap();
                cert.body.agency_key = hex::encode(fake_agency.verifying_key().as_bytes());
                v["decisions"][0]["cert"] =
                    serde_json::to_value(DeviceCert::sign(cert.body, &fake_agency)).unwrap();
            }),
        ),
        (
            "signature by the wrong approver",
            Box::new(|v| {
                let mut b = d0.clone();
                b.approver = Nip::parse(HENDRA.0).unwrap();
                v["decisions"][0] = serde_json::to_value(craft(&w.hendra, PASS_HENDRA, b)).unwrap();
            }),
        ),
        (
            "skipped level",
            Box::new(|v| v["decisions"] = Value::Array(vec![v["decisions"][1].clone()])),
        ),
        (
            "decision on another version of the document",
            Box::new(|v| {
                let mut b = d0.clone();
                b.content_hash = "0".repeat(64);
                v["decisions"][0] = serde_json::to_value(craft(&w.siti, PASS_SITI, b)).unwrap();
            }),
        ),
        (
            "decision replayed from another request",
            Box::new(|v| v["decisions"][0] = other["decisions"][0].clone()),
        ),
        (
            "forged signature",
            Box::new(|v| {
                let s = v["decisions"][1]["signature"].as_str().unwrap().to_owned();
                let first = if s.starts_with('0') { '1' } else { '0' };
                let flipped = format!("{first}{}", &s[1..]);
                v["decisions"][1]["signature"] = flipped.into();
            }),
        ),
        (
            "changed request",
            Box::new(|v| v["request"]["body"]["chain"][1] = "199001012015031001".into()),
        ),
        (
            "no decision at all",
            Box::new(|v| v["decisions"] = Value::Array(vec![])),
        ),
    ];
    assert!(cases.len() >= 10);
    for (name, tamper) in &cases {
        let mut v = good.clone();
        tamper(&mut v);
        let f = w.root.join("tampered.json");
        std::fs::write(&f, serde_json::to_vec(&v).unwrap()).unwrap();
        let (ok, report) = verify(&w.agency_key, &f);
        assert!(
            !ok,
            "{name}: luring verify passed tampered evidence: {report}"
        );
    }
    // A wrong agency key fails too.
    let out = w.ani.run_in(
        &[
            "verify",
            good_file.to_str().unwrap(),
            "--agency-key",
            &"11".repeat(32),
        ],
        "",
    );
    assert!(!out.status.success());
}
