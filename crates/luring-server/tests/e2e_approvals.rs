//! Offline signed approvals end to end, with real processes: a supervisor signs while the
//! server is down, the requester sees `disetujui` after both sync, and anyone verifies the
//! evidence offline. Tampered evidence is caught by `luring verify`, and tampered or
//! out-of-order decisions are refused by the server.

use std::path::Path;

use luring_model::{Decision, DecisionBody, DeviceCert, Nip, Record, Text, Verdict};
use luring_sync::{Change, Class, Cursor, SyncRequest};
use serde_json::Value;

mod common;
use common::*;

const PASS_SITI: &str = "tanda tangan siti 2026";
const PASS_HENDRA: &str = "tanda tangan hendra 2026";

struct World {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    server: Server,
    ani: Luring,
    siti: Luring,
    hendra: Luring,
    agency_key: String,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_owned();
    let data = root.join("server");
    seed(&data);
    let server = Server::start(&data, "127.0.0.1:0");
    let ani = Luring::login(&root, "ani", &server, ANI);
    let siti = Luring::login(&root, "siti", &server, SITI);
    let hendra = Luring::login(&root, "hendra", &server, HENDRA);
    for (l, p) in [(&siti, PASS_SITI), (&hendra, PASS_HENDRA)] {
        let out = l.run_in(
            &["key", "set-passphrase", "--passphrase-stdin"],
            &format!("{p}\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let agency_key = ani.meta("agency_key");
    World {
        _tmp: tmp,
        root,
        server,
        ani,
        siti,
        hendra,
        agency_key,
    }
}

fn sign(l: &Luring, req: &str, pass: &str, verdict: &str) -> std::process::Output {
    l.run_in(
        &[
            "approval",
            "sign",
            req,
            verdict,
            "--note",
            "Lanjutkan",
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{pass}\n"),
    )
}

fn new_doc(w: &World, body: &str) -> String {
    let f = w.root.join("body.txt");
    std::fs::write(&f, body).unwrap();
    w.ani.json(&[
        "doc",
        "new",
        "--title",
        "Nota dinas perjalanan",
        "--body-file",
        f.to_str().unwrap(),
        "--json",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn request(w: &World, doc: &str, chain: &str) -> String {
    w.ani
        .json(&["approval", "request", doc, "--chain", chain, "--json"])["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `luring verify` as anyone would run it: no profile, no network.
fn verify(agency_key: &str, file: &Path) -> (bool, Value) {
    let out = std::process::Command::new(luring_bin())
        .args([
            "verify",
            file.to_str().unwrap(),
            "--agency-key",
            agency_key,
            "--json",
        ])
        .env_remove("LURING_PROFILE")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), v)
}

fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = vec![];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn a_supervisor_signs_offline_and_anyone_verifies() {
    let w = world();
    let doc = new_doc(
        &w,
        "Dengan hormat, kami mohon izin perjalanan dinas ke Desa Sukamaju.\n",
    );
    let req = request(&w, &doc, &format!("{},{}", SITI.0, HENDRA.0));
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    assert_eq!(
        w.siti.json(&["approval", "list", "--json"])["waiting_for_me"][0]["id"],
        req.as_str()
    );

    // The server goes away; Siti signs with no network at all. A wrong passphrase signs nothing.
    let (data, port) = w.server.kill();
    let out = sign(&w.siti, &req, "bukan sandi saya", "--approve");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("passphrase"));
    assert!(
        w.siti.json(&["approval", "show", &req, "--json"])["decisions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let out = sign(&w.siti, &req, PASS_SITI, "--approve");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "menunggu");
    assert_eq!(shown["next_approver"], HENDRA.0);

    // The server returns; both sync; the head of the agency signs; the requester sees it.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    assert_eq!(w.siti.sync()["pushed"], 1);
    w.hendra.sync();
    assert!(sign(&w.hendra, &req, PASS_HENDRA, "--approve")
        .status
        .success());
    w.hendra.sync();
    w.ani.sync();
    let shown = w.ani.json(&["approval", "show", &req, "--json"]);
    assert_eq!(shown["status"], "disetujui", "{shown}");
    assert_eq!(shown["decisions"].as_array().unwrap().len(), 2);

    // A third party verifies the evidence with nothing but the file and the agency key.
    let ev = w.root.join("bukti.json");
    w.ani
        .ok(&["approval", "export", &req, "--out", ev.to_str().unwrap()]);
    let (ok, report) = verify(&w.agency_key, &ev);
    assert!(ok, "{report}");
    assert_eq!(report["status"], "disetujui");
    assert_eq!(report["checks"].as_array().unwrap().len(), 8);
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["pass"] == true));

    // The private keys are in no file unencrypted: not in the profiles, not on the server.
    for (l, pass) in [(&w.siti, PASS_SITI), (&w.hendra, PASS_HENDRA)] {
        let secret = luring_client::Profile::open(&l.dir)
            .unwrap()
            .unlock_signing_key(pass)
            .unwrap()
            .to_bytes();
        assert_eq!(files_containing(&w.root, &secret), Vec::<String>::new());
        assert_eq!(
            files_containing(&w.root, hex::encode(secret).as_bytes()),
            Vec::<String>::new()
        );
    }
}

/// A decision signed with a profile's real key, for crafting tampered cases.
fn craft(l: &Luring, pass: &str, body: DecisionBody) -> Decision {
    let p = luring_client::Profile::open(&l.dir).unwrap();
    let key = p.unlock_signing_key(pass).unwrap();
    let cert: DeviceCert = serde_json::from_str(&l.meta("certificate")).unwrap();
    Decision::sign(body, cert, &key)
}

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
    let req2 = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    assert!(sign(&w.siti, &req, PASS_SITI, "--approve").status.success());
    assert!(sign(&w.siti, &req2, PASS_SITI, "--approve")
        .status
        .success());
    w.siti.sync();
    w.hendra.sync();
    assert!(sign(&w.hendra, &req, PASS_HENDRA, "--approve")
        .status
        .success());
    w.hendra.sync();
    w.ani.sync();
    let good_file = w.root.join("good.json");
    w.ani.ok(&[
        "approval",
        "export",
        &req,
        "--out",
        good_file.to_str().unwrap(),
    ]);
    assert!(
        verify(&w.agency_key, &good_file).0,
        "the untouched evidence must pass"
    );
    let good: Value = serde_json::from_slice(&std::fs::read(&good_file).unwrap()).unwrap();
    let other_file = w.root.join("other.json");
    w.ani.ok(&[
        "approval",
        "export",
        &req2,
        "--out",
        other_file.to_str().unwrap(),
    ]);
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

/// Pushes one record through `l`'s account and returns the server's refusal, if any.
fn push_record(w: &World, l: &Luring, request_id: &str, record: &Record) -> Option<String> {
    let bytes = serde_json::to_vec(record).unwrap();
    let body = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        push: vec![Change {
            entity: request_id.to_owned(),
            class: Class::Approval,
            bytes,
        }],
        byte_budget: 1 << 16,
        want_numbers: false,
    });
    let resp = http()
        .post(format!("{}/v1/sync", w.server.url))
        .bearer_auth(l.meta("token"))
        .body(body)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let r = luring_sync::decode_response(&resp.bytes().unwrap(), luring_sync::Limits::default())
        .unwrap();
    if r.is_acked(0) {
        None
    } else {
        Some(
            r.rejected
                .first()
                .map_or("deferred".to_owned(), |x| x.reason.clone()),
        )
    }
}

#[test]
fn the_server_refuses_decisions_the_rules_do_not_count() {
    let w = world();
    let doc = new_doc(&w, "Isi nota yang akan diubah.\n");
    let req = request(&w, &doc, &format!("{},{}", SITI.0, HENDRA.0));
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    let shown = w.siti.json(&["approval", "show", &req, "--json"]);
    let digest = {
        let p = luring_client::Profile::open(&w.siti.dir).unwrap();
        let r = p.store().records_of(&req).unwrap();
        match serde_json::from_slice::<Record>(&r[0].bytes).unwrap() {
            Record::Request(q) => q.digest(),
            other => panic!("the first record is not the request: {other:?}"),
        }
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
    let reason = push_record(&w, &w.hendra, &req, &Record::Decision(Box::new(wrong)))
        .expect("wrong approver accepted");
    assert!(reason.contains("not the approver"), "{reason}");
    let skipped = craft(&w.hendra, PASS_HENDRA, body(1, HENDRA.0, Verdict::Approve));
    let reason = push_record(&w, &w.hendra, &req, &Record::Decision(Box::new(skipped)))
        .expect("skipped level accepted");
    assert!(reason.contains("level"), "{reason}");

    // A changed decision (verdict flipped after signing).
    let mut flipped = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    flipped.body.verdict = Verdict::Reject;
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(flipped)))
        .expect("changed decision accepted");
    assert!(reason.contains("signature"), "{reason}");

    // A changed note, a swapped certificate, and a certificate from another agency.
    let mut noted = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    noted.body.note = Text::parse("note", "catatan disisipkan", 100, false).unwrap();
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(noted)))
        .expect("changed note accepted");
    assert!(reason.contains("signature"), "{reason}");
    let mut swapped = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    swapped.cert = serde_json::from_str(&w.hendra.meta("certificate")).unwrap();
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(swapped)))
        .expect("swapped certificate accepted");
    assert!(reason.contains("certificate belongs to"), "{reason}");
    let mut foreign = craft(&w.siti, PASS_SITI, body(0, SITI.0, Verdict::Approve));
    let fake_agency = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let mut cert_body = foreign.cert.body.clone();
    cert_body.agency_key = hex::encode(fake_agency.verifying_key().as_bytes());
    foreign.cert = DeviceCert::sign(cert_body, &fake_agency);
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(foreign)))
        .expect("foreign certificate accepted");
    assert!(reason.contains("another agency key"), "{reason}");

    // A decision replayed onto another request.
    let req2 = request(&w, &doc, SITI.0);
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

    // Siti signs offline, but Ani edited the document meanwhile: the request is stale.
    let f = w.root.join("edit.txt");
    std::fs::write(&f, "Isi nota yang sudah diubah.\n").unwrap();
    w.ani
        .ok(&["doc", "edit", &doc, "--body-file", f.to_str().unwrap()]);
    w.ani.sync();
    assert!(sign(&w.siti, &req, PASS_SITI, "--approve").status.success());
    let r = w.siti.sync();
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{r}");
    assert!(
        rejected[0]["reason"].as_str().unwrap().contains("stale"),
        "{r}"
    );

    // A device revoked before the server received its decision: Siti signs a fresh request
    // offline, her device is revoked, and Ani relays the signed record.
    let req3 = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    assert!(sign(&w.siti, &req3, PASS_SITI, "--approve")
        .status
        .success());
    let decision = {
        let p = luring_client::Profile::open(&w.siti.dir).unwrap();
        let r = p.store().records_of(&req3).unwrap();
        serde_json::from_slice::<Record>(
            &r.iter()
                .find(|r| r.kind == luring_model::RecordKind::Decision)
                .unwrap()
                .bytes,
        )
        .unwrap()
    };
    admin(
        &w.server.data,
        &["revoke-device", &w.siti.meta("device_id")],
    );
    let reason = push_record(&w, &w.ani, &req3, &decision)
        .expect("a revoked device's decision was accepted");
    assert!(reason.contains("revoked"), "{reason}");
}

#[test]
fn three_devices_numbering_offline_never_clash() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let data = root.join("server");
    seed(&data);
    let server = Server::start(&data, "127.0.0.1:0");
    let ani = Luring::login(root, "ani", &server, ANI);
    // Three devices of the same supervisor, so all three number in one unit's register.
    let devices: Vec<Luring> = (0..3)
        .map(|i| Luring::login(root, &format!("siti{i}"), &server, SITI))
        .collect();
    for d in &devices {
        assert!(d
            .run_in(
                &["key", "set-passphrase", "--passphrase-stdin"],
                &format!("{PASS_SITI}\n")
            )
            .status
            .success());
    }
    // Device 0 gets more documents than one leased block holds.
    let shares = [12usize, 4, 4];
    let mut work: Vec<Vec<(String, String)>> = vec![];
    for (k, n) in shares.iter().enumerate() {
        let mut mine = vec![];
        for i in 0..*n {
            let f = root.join("b.txt");
            std::fs::write(&f, format!("Nota {k}-{i}.\n")).unwrap();
            let doc = ani.json(&[
                "doc",
                "new",
                "--title",
                &format!("Nota {k}-{i}"),
                "--body-file",
                f.to_str().unwrap(),
                "--json",
            ])["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let req = ani.json(&["approval", "request", &doc, "--chain", SITI.0, "--json"])["id"]
                .as_str()
                .unwrap()
                .to_owned();
            mine.push((doc, req));
        }
        work.push(mine);
    }
    ani.sync();
    for d in &devices {
        d.sync();
    }

    // No signal anywhere: each device approves its share and numbers from its own block.
    let (data, port) = server.kill();
    let mut numbers = vec![];
    for (d, mine) in devices.iter().zip(&work) {
        for (doc, req) in mine {
            assert!(sign(d, req, PASS_SITI, "--approve").status.success());
            if let Some(n) = d.json(&["doc", "show", doc, "--json"])["letter_number"].as_str() {
                numbers.push(n.to_owned());
            }
        }
    }
    assert_eq!(
        numbers.len(),
        18,
        "a block holds 10: device 0 waits for 2 numbers"
    );
    let distinct: std::collections::BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(
        distinct.len(),
        numbers.len(),
        "a number was given twice: {numbers:?}"
    );

    // Back online: the waiting documents are numbered from a new block; all reach Ani.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    for d in &devices {
        d.sync();
    }
    devices[0].sync();
    ani.sync();
    let mut all = vec![];
    for (doc, _) in work.iter().flatten() {
        let n = ani.json(&["doc", "show", doc, "--json"])["letter_number"]
            .as_str()
            .map(str::to_owned);
        all.push(n.unwrap_or_else(|| panic!("{doc} has no number after syncing")));
    }
    let distinct: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 20, "{all:?}");
    assert!(all.iter().all(|n| n.contains("/BAPPEDA.PEM/")), "{all:?}");
}

#[test]
fn a_backdated_decision_cannot_overturn_a_finished_approval() {
    let w = world();
    let doc = new_doc(&w, "Isi nota.\n");
    let req = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    assert!(sign(&w.siti, &req, PASS_SITI, "--approve").status.success());
    w.siti.sync();
    w.ani.sync();
    assert_eq!(
        w.ani.json(&["approval", "show", &req, "--json"])["status"],
        "disetujui"
    );
    // Siti signs a rejection dated before her approval (a second device, a wrong clock).
    let approved = {
        let p = luring_client::Profile::open(&w.siti.dir).unwrap();
        let r = p.store().records_of(&req).unwrap();
        match serde_json::from_slice::<Record>(
            &r.iter()
                .find(|r| r.kind == luring_model::RecordKind::Decision)
                .unwrap()
                .bytes,
        )
        .unwrap()
        {
            Record::Decision(d) => *d,
            other => panic!("not a decision: {other:?}"),
        }
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
    let reason = push_record(&w, &w.siti, &req, &Record::Decision(Box::new(backdated)))
        .expect("a backdated decision was accepted");
    assert!(
        reason.contains("replace") || reason.contains("level"),
        "{reason}"
    );
    w.ani.sync();
    assert_eq!(
        w.ani.json(&["approval", "show", &req, "--json"])["status"],
        "disetujui"
    );
    // Evidence checked only against the key it carries does not pass.
    let ev = w.root.join("ev.json");
    w.ani
        .ok(&["approval", "export", &req, "--out", ev.to_str().unwrap()]);
    assert!(verify(&w.agency_key, &ev).0);
    let out = std::process::Command::new(luring_bin())
        .args(["verify", ev.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "verify passed with no independent agency key"
    );
}
