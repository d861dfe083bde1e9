//! Offline signed approvals end to end, with real processes: a supervisor signs while the
//! server is down, the requester sees `disetujui` after both sync, and anyone verifies the
//! evidence offline. Tampered evidence is caught by `luring verify`, and tampered or
//! out-of-order decisions are refused by the server.
//!
//! One test binary, one file per scenario: `offline` (sign offline, verify anywhere),
//! `evidence` (tampered evidence files), `refusals` (decisions the server must not count),
//! `numbering` (letter numbers leased to devices). The world and the helpers they share are
//! here.

use std::path::{Path, PathBuf};

use luring_model::{Decision, DecisionBody, DeviceCert, Record};
use luring_sync::{Change, Class, Cursor, RefusalCode, SyncRequest};
use serde_json::Value;

#[path = "../common/mod.rs"]
mod common;
use common::*;

mod evidence;
mod numbering;
mod offline;
mod priority;
mod refusals;

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
    let (tmp, server) = demo_agency();
    let root = tmp.path().to_owned();
    let ani = Luring::login(&root, "ani", &server, ANI);
    let siti = Luring::login(&root, "siti", &server, SITI);
    let hendra = Luring::login(&root, "hendra", &server, HENDRA);
    siti.set_passphrase(PASS_SITI);
    hendra.set_passphrase(PASS_HENDRA);
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

/// Signs an approval of `req` on `l`'s device; fails the test if it is refused.
fn approve(l: &Luring, req: &str, pass: &str) {
    let out = sign(l, req, pass, "--approve");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `luring approval export`: `l`'s evidence file of `req`, written to `out`.
fn export_evidence(l: &Luring, req: &str, out: PathBuf) -> PathBuf {
    l.ok(&["approval", "export", req, "--out", out.to_str().unwrap()]);
    out
}

fn new_doc(w: &World, body: &str) -> String {
    w.ani.new_doc("Nota dinas perjalanan", body)
}

fn request(w: &World, doc: &str, chain: &str) -> String {
    w.ani
        .id(&["approval", "request", doc, "--chain", chain, "--json"])
}

/// `luring verify` as anyone would run it: no profile, no network.
fn verify(agency_key: &str, file: &Path) -> (bool, Value) {
    let out = luring_command()
        .args([
            "verify",
            file.to_str().unwrap(),
            "--agency-key",
            agency_key,
            "--json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), v)
}

/// A decision signed with a profile's real key, for crafting tampered cases.
fn craft(l: &Luring, pass: &str, body: DecisionBody) -> Decision {
    let p = luring_client::Profile::open(&l.dir).unwrap();
    let key = p.unlock_signing_key(pass).unwrap();
    let cert: DeviceCert = serde_json::from_str(&l.meta("certificate")).unwrap();
    Decision::sign(body, cert, &key)
}

/// The first record of `kind` (`request`, `decision`) that `l`'s store holds for the
/// approval request `request_id`.
fn stored_record(l: &Luring, request_id: &str, kind: &str) -> Record {
    let p = luring_client::Profile::open(&l.dir).unwrap();
    let r = p.store().records_of(request_id).unwrap();
    let row = r
        .iter()
        .find(|r| r.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no {kind} record for {request_id}"));
    serde_json::from_slice(&row.bytes).unwrap()
}

/// Pushes one record through `l`'s account and returns the server's refusal, if any.
fn push_record(w: &World, l: &Luring, request_id: &str, record: &Record) -> Option<String> {
    refusal_of(w, l, request_id, record).map(|(_, reason)| reason)
}

/// Pushes one record through `l`'s account and returns the server's refusal, if any, with
/// its code (`Unknown` and "deferred" when it was neither stored nor refused).
fn refusal_of(
    w: &World,
    l: &Luring,
    request_id: &str,
    record: &Record,
) -> Option<(RefusalCode, String)> {
    let bytes = serde_json::to_vec(record).unwrap();
    let body = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        compact: vec![],
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
                .map_or((RefusalCode::Unknown, "deferred".to_owned()), |x| {
                    (x.code, x.reason.clone())
                }),
        )
    }
}
