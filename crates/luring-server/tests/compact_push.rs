//! Compact changes (protocol 3) against a real server process: what an honest device sends
//! is stored byte for byte; what cannot be rebuilt exactly is asked for again in full and
//! never stored, whatever a modified client puts in it; an older Luring is told to update.

use luring_store::OutChange;
use luring_sync::compact::{Compactor, DepRef};
use luring_sync::{Class, CompactChange, Cursor, SyncRequest, SyncResponse};

mod common;
use common::hostile::{actor, sync_as};
use common::*;

/// `l`'s unsent changes, oldest first.
fn outbox(l: &Luring) -> Vec<OutChange> {
    luring_store::Store::open(&l.dir.join("luring.db"))
        .unwrap()
        .outbox(usize::MAX)
        .unwrap()
}

fn push(server: &Server, l: &Luring, compact: Vec<CompactChange>) -> SyncResponse {
    let req = SyncRequest {
        compact,
        byte_budget: 1 << 20,
        ..SyncRequest::default()
    };
    sync_as(&server.url, &l.meta("token"), &req)
}

/// Asked for in full: neither stored nor refused.
fn asked_in_full(r: &SyncResponse, i: usize) -> bool {
    r.wants_full(i) && !r.is_acked(i) && r.rejected.is_empty()
}

#[test]
fn compact_changes_are_stored_exactly_and_anything_else_is_asked_for_in_full() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let other_device = Luring::login(tmp.path(), "ani2", &server, ANI);
    let id = ani.id(&["task", "add", "Laporan bulanan", "--json"]);
    ani.sync();
    // Two edits on top of what the server holds: A, then B on top of A.
    ani.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    ani.ok(&["task", "set", &id, "--title", "Laporan bulanan Desember"]);
    let out = outbox(&ani);
    assert_eq!(out.len(), 2);
    let me = actor(&ani).to_bytes().to_vec();
    let compact = |changes: &[&OutChange]| -> Vec<CompactChange> {
        let mut c = Compactor::new(&me);
        changes
            .iter()
            .map(|o| c.compact(&id, Class::Task, &o.bytes, |_| true).unwrap())
            .collect()
    };

    // B alone names A by a prefix, but the server does not hold A.
    let b_alone = compact(&[&out[1]]);
    assert!(matches!(b_alone[0].deps[..], [DepRef::Prefix(_)]));
    assert!(asked_in_full(&push(&server, &ani, b_alone), 0));

    // A with a checksum that is not its own (a prefix that named another change looks
    // the same to the server).
    let mut wrong = compact(&[&out[0]]);
    wrong[0].checksum[0] ^= 1;
    assert!(asked_in_full(&push(&server, &ani, wrong), 0));

    // A naming a change before the first of the message; one with damaged operations.
    let mut outside = compact(&[&out[0]]);
    outside[0].deps = vec![DepRef::Earlier(3)];
    assert!(asked_in_full(&push(&server, &ani, outside), 0));
    let mut damaged = compact(&[&out[0]]);
    damaged[0].ops.truncate(3);
    assert!(asked_in_full(&push(&server, &ani, damaged), 0));

    // Nothing of the above was stored: the other device, pulling from the start, gets the
    // entity's history (as changes or one saved document) with only the creation in it.
    let pulled = |l: &Luring| -> automerge::AutoCommit {
        let mut doc = automerge::AutoCommit::new();
        for c in push(&server, l, vec![]).pull {
            if c.entity == id {
                doc.load_incremental(&c.bytes).unwrap();
            }
        }
        doc
    };
    assert_eq!(pulled(&other_device).get_changes(&[]).len(), 1);

    // Honest: A and B in one message, B naming A as the change before it.
    let both = compact(&[&out[0], &out[1]]);
    assert_eq!(both[1].deps, vec![DepRef::Earlier(1)]);
    let r = push(&server, &ani, both);
    assert!(r.is_acked(0) && r.is_acked(1), "{r:?}");
    assert!(r.resend_full.iter().all(|b| *b == 0));
    // Stored byte for byte as made: the other device pulls the very changes.
    let mut got = pulled(&other_device);
    assert_eq!(got.get_changes(&[]).len(), 3);
    for o in &out[..2] {
        let c = got
            .get_change_by_hash(&automerge::ChangeHash(o.hash))
            .unwrap();
        assert_eq!(c.raw_bytes(), &o.bytes[..]);
    }
}

#[test]
fn a_device_whose_own_change_builds_on_one_the_server_lacks_sends_it_in_full_and_loses_nothing() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    // Siti writes offline and hands Ani a USB stick; Ani edits on top and syncs first.
    let id = siti.id(&["task", "add", "Dari atasan", "--json"]);
    let bundle = tmp.path().join("siti.bundle");
    siti.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    ani.ok(&["bundle", "import", bundle.to_str().unwrap()]);
    ani.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    // Ani's change names Siti's by a prefix the server cannot resolve: asked for in full
    // in the same sync (a second round trip), then kept until Siti's arrives.
    let r = ani.sync();
    assert_eq!(r["round_trips"], 2, "{r}");
    assert_eq!(r["pushed"], 0, "{r}");
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    assert_eq!(ani.json(&["status", "--json"])["pending_changes"], 1);
    assert_eq!(siti.sync()["pushed"], 1);
    assert_eq!(ani.sync()["pushed"], 1);
    siti.sync();
    assert_eq!(
        siti.json(&["task", "show", &id, "--json"])["status"],
        "dikerjakan"
    );
}

/// A Luring that speaks an older protocol is told to update, with a status and code it can
/// tell apart from a damaged message.
#[test]
fn an_older_luring_is_told_to_update() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let current = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        byte_budget: 1 << 16,
        ..SyncRequest::default()
    });
    assert_eq!(current[0], 4);
    // 3: before refusals carried a code.
    for version in [1u8, 2, 3] {
        let mut old = current.clone();
        old[0] = version;
        let resp = http()
            .post(format!("{}/v1/sync", server.url))
            .bearer_auth(ani.meta("token"))
            .body(old)
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 426);
        let body = resp.text().unwrap();
        assert!(
            body.contains("update_luring") && body.contains("update Luring"),
            "{body}"
        );
    }
}

/// A modified client's change whose sequence number skips ahead (automerge 0.12 panics on
/// it when applying) is refused with a reason; the server goes on serving.
#[test]
fn a_change_whose_sequence_number_skips_ahead_is_refused_not_a_crash() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let id = ani.id(&["task", "add", "Laporan bulanan", "--json"]);
    ani.sync();
    ani.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    let out = outbox(&ani);
    let mut p = luring_sync::compact::parts(&out[0].bytes).unwrap();
    p.seq += 5;
    let (forged, _) = luring_sync::compact::chunk(&p);
    let req = SyncRequest {
        push: vec![luring_sync::Change {
            entity: id.clone(),
            class: Class::Task,
            bytes: forged,
        }],
        byte_budget: 1 << 20,
        ..SyncRequest::default()
    };
    let resp = http()
        .post(format!("{}/v1/sync", server.url))
        .bearer_auth(ani.meta("token"))
        .body(luring_sync::encode_request(&req))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.bytes().unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let r = luring_sync::decode_response(&body, luring_sync::Limits::default()).unwrap();
    assert!(!r.is_acked(0));
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    // The honest change still goes through.
    assert_eq!(ani.sync()["pushed"], 1);
}
