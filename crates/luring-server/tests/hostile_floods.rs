//! Nobody can stop anyone else's sync: a hostile colleague with a modified client (changes
//! built from our own crates, raw sync messages) pushes an oversized entity, files an
//! approval request under someone else's not-yet-synced id, or floods the server with
//! 100,000 tasks; each is refused with a reason or absorbed, and every other device (of the
//! unit, new, or a supervisor above) keeps syncing; a request past the change cap is
//! processed in part and the rest waits in the outbox.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ROOT};
use luring_model::{ApprovalRequest, EntityId, Record};
use luring_sync::{Change, Class, Cursor, SyncRequest, SyncResponse};

mod common;
use common::hostile::{actor, now, push_records, refusal, stored_request, sync_as};
use common::*;

/// The pull budget the real client asks for.
const BUDGET: u32 = 1 << 20;

/// One sync round trip as `l`'s device; the answer.
fn round_trip(server: &Server, token: &str, cursor: Cursor, push: Vec<Change>) -> SyncResponse {
    let req = SyncRequest {
        cursor,
        push,
        compact: vec![],
        byte_budget: BUDGET,
        want_numbers: false,
    };
    sync_as(&server.url, token, &req)
}

/// Text that compresses as badly as a real attacker would make it (letters from a PRNG).
fn noise(chars: usize, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..chars)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (b'a' + (x % 26) as u8) as char
        })
        .collect()
}

/// A new task's document, made by `actor`, and its one change as a push.
fn new_task(actor: ActorId, id: &str, title: &str, description: &str) -> (AutoCommit, Change) {
    let mut doc = luring_crdt::new_task(
        actor,
        &luring_crdt::NewTask {
            id: EntityId::parse(id).unwrap(),
            title: luring_model::Title::parse(title).unwrap(),
            // The model's own parser would refuse a long one; a hostile client skips it.
            description: luring_model::Text::parse(
                "the description",
                description,
                usize::MAX,
                false,
            )
            .unwrap(),
            status: luring_model::TaskStatus::Baru,
            due: None,
            assignees: vec![],
            unit: None,
            created_at: now(),
            created_by: None,
        },
    )
    .unwrap();
    doc.commit();
    let change = last_change(&mut doc, id);
    (doc, change)
}

fn last_change(doc: &mut AutoCommit, id: &str) -> Change {
    Change {
        entity: id.into(),
        class: Class::Task,
        bytes: doc.get_last_local_change().unwrap().raw_bytes().to_vec(),
    }
}

/// The reason the only pushed change was refused; fails if it was stored.
fn refused(r: &SyncResponse) -> String {
    assert!(!r.is_acked(0), "the change was stored");
    r.rejected
        .first()
        .map(|x| x.reason.clone())
        .expect("neither stored nor refused")
}

fn assert_synced_and_sees(l: &Luring, titles: &[&str]) {
    let report = l.sync();
    assert!(
        report["rejected"].as_array().unwrap().is_empty(),
        "{report}"
    );
    let have = l.task_titles();
    for t in titles {
        assert!(have.iter().any(|h| h == t), "{t:?} missing from {have:?}");
    }
    let status = l.json(&["status", "--json"]);
    assert_eq!(status["pending_changes"], 0, "{status}");
}

#[test]
fn an_oversized_entity_is_refused_and_stops_no_one() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let token = ani.meta("token");
    let me = actor(&ani);

    // One change bigger than a task may ever be, in a field the model does not even read.
    let (mut doc, _) = new_task(me.clone(), "t-raksasa", "Raksasa", "");
    doc.put(ROOT, "lampiran", noise(3 << 20, 1)).unwrap();
    doc.commit();
    let huge = last_change(&mut doc, "t-raksasa");
    let r = round_trip(&server, &token, Cursor::default(), vec![huge]);
    let reason = refused(&r);
    assert!(reason.contains("at most 2 MB"), "{reason}");

    // A description far longer than anyone may type, in a change well under the cap.
    let (_, long) = new_task(me.clone(), "t-panjang", "Panjang", &noise(50_000, 2));
    let r = round_trip(&server, &token, Cursor::default(), vec![long]);
    let reason = refused(&r);
    assert!(
        reason.contains("the description would have 50000 characters"),
        "{reason}"
    );

    // A task grown edit by edit, each edit small (30 KB written over an unread field), until
    // its history reaches the entity cap.
    let (mut doc, first) = new_task(me.clone(), "t-tumbuh", "Tumbuh terus", "awal");
    let mut push = vec![first];
    for i in 0..80 {
        doc.put(ROOT, "lampiran", noise(30_000, 100 + i)).unwrap();
        doc.commit();
        push.push(last_change(&mut doc, "t-tumbuh"));
    }
    let r = round_trip(&server, &token, Cursor::default(), push);
    let stored = (0..81).take_while(|i| r.is_acked(*i)).count();
    assert!(
        (60..81).contains(&stored),
        "{stored} of 81 edits were stored"
    );
    assert!(
        r.rejected[0].reason.contains("would grow past 2 MB"),
        "{}",
        r.rejected[0].reason
    );
    assert_eq!(
        r.rejected.len(),
        81 - stored,
        "every later edit is refused too"
    );

    // The real client's ordinary work, and everyone else's syncs, go on: the same device,
    // a new device of the unit (its supervisor's) and a supervisor above it. The
    // grown task (near the cap, above the pull budget) is delivered alone in its answer.
    ani.ok(&["task", "add", "Rapat koordinasi"]);
    ani.sync();
    // (Ani's own device is never sent back what it pushed, raw pushes included.)
    assert_synced_and_sees(&ani, &["Rapat koordinasi"]);
    for (name, who) in [("siti", SITI), ("hendra", HENDRA)] {
        let l = Luring::login(tmp.path(), name, &server, who);
        assert_synced_and_sees(&l, &["Rapat koordinasi", "Tumbuh terus"]);
        assert!(!l
            .task_titles()
            .iter()
            .any(|t| t == "Raksasa" || t == "Panjang"));
    }
}

#[test]
fn an_entity_too_big_to_deliver_is_held_back_without_blocking_the_rest() {
    // An entity stored before the caps existed, bigger than any answer a device accepts
    // (20 MB that does not compress): written straight into the server's database.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    seed(&data);
    {
        let db = rusqlite::Connection::open(data.join("server.db")).unwrap();
        db.execute(
            "INSERT INTO entities(id, class, unit, assignees, snapshot, snapshot_seq)
             VALUES ('t-lama', 1, 'BAPPEDA.PEM', '', x'', 0)",
            [],
        )
        .unwrap();
        for i in 0..20u64 {
            let bytes = noise(1 << 20, 7 + i).into_bytes();
            let hash = blake3::hash(&bytes);
            db.execute(
                "INSERT INTO log(entity, class, hash, bytes, device) VALUES ('t-lama', 1, ?1, ?2, 'lama')",
                rusqlite::params![hash.as_bytes().as_slice(), bytes],
            )
            .unwrap();
        }
    }
    let server = Server::start(&data, "127.0.0.1:0");
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Tetap sampai"]);
    ani.sync();
    for (name, who) in [("siti", SITI), ("hendra", HENDRA)] {
        let l = Luring::login(tmp.path(), name, &server, who);
        assert_synced_and_sees(&l, &["Tetap sampai"]);
    }
}

#[test]
fn an_approval_request_cannot_take_a_colleagues_entity_id() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let doc = ani.new_doc("Nota dinas", "Mohon persetujuan kegiatan.\n");
    let real = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.sync();

    // Siti writes a task offline; Ani learns its id (say, from a USB bundle) and files a
    // request of her own under it before Siti syncs.
    let victim = siti.id(&["task", "add", "Laporan bulanan", "--json"]);
    let mut squat = stored_request(&ani, &real).body;
    squat.id = EntityId::parse(&victim).unwrap();
    squat.created_at = now();
    let bytes = serde_json::to_vec(&Record::Request(ApprovalRequest { body: squat })).unwrap();
    let reason = refusal(&push_records(
        &server.url,
        &ani.meta("token"),
        &[(victim.clone(), bytes)],
    ))
    .expect("a request under a colleague's task id was accepted");
    assert!(reason.contains("must start with 'a-'"), "{reason}");

    // Siti's syncs go on and her task arrives; others see it.
    assert_synced_and_sees(&siti, &["Laporan bulanan"]);
    assert_synced_and_sees(&siti, &["Laporan bulanan"]);
    let hendra = Luring::login(tmp.path(), "hendra", &server, HENDRA);
    assert_synced_and_sees(&hendra, &["Laporan bulanan"]);

    // The other order: a task under an existing request's id, or any request-shaped id.
    let token = ani.meta("token");
    for (id, why) in [
        (real.as_str(), "is already used by an approval request"),
        (
            "a-belum-ada",
            "ids starting with 'a-' belong to approval requests",
        ),
    ] {
        let (_, c) = new_task(actor(&ani), id, "Menyamar", "");
        let r = round_trip(&server, &token, Cursor::default(), vec![c]);
        let reason = refused(&r);
        assert!(reason.contains(why), "{reason}");
    }
    // The real request still travels: Siti, its approver, has it.
    let p = luring_client::Profile::open(&siti.dir).unwrap();
    assert!(!p.store().records_of(&real).unwrap().is_empty());
    assert_synced_and_sees(&siti, &["Laporan bulanan"]);
}

/// Tasks the flood pushes. 30,000 keeps the test near 40 s on two busy cores in a debug
/// build; `LURING_FLOOD_TASKS=100000` runs the full-size flood of the issue (about two
/// minutes there: 27 s to build it, 93 s to store it, other syncs at most 0.4 s). Each
/// push commits in slices of at most `PUSH_SLICE`, so other syncs wait the same whatever
/// the flood's size; a bigger flood only measures more of them.
fn flood_size() -> usize {
    std::env::var("LURING_FLOOD_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000)
}
/// Change bytes per request, as the client's `PUSH_BYTES`.
const PUSH_BYTES: usize = 512 << 10;

#[test]
fn a_flood_of_tasks_does_not_hold_up_other_syncs() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    // Whoever is watching: the unit's supervisor, a colleague in a sibling unit and the
    // head of the agency above (both supervisors see every flooded task).
    let watchers: Vec<(Luring, ActorId)> = [("siti", SITI), ("maria", MARIA), ("hendra", HENDRA)]
        .into_iter()
        .map(|(n, who)| {
            let l = Luring::login(tmp.path(), n, &server, who);
            let a = actor(&l);
            (l, a)
        })
        .collect();

    // The flood, built as the client builds pushes: one change per new task, 512 KB each.
    let built = Instant::now();
    let me = actor(&ani);
    let flood = flood_size();
    let changes: Vec<Change> = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|h| {
                let me = me.clone();
                s.spawn(move || {
                    (h * flood / 2..(h + 1) * flood / 2)
                        .map(|i| {
                            new_task(
                                me.clone(),
                                &format!("t-banjir-{i}"),
                                &format!("Banjir {i}"),
                                "",
                            )
                            .1
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut requests: Vec<Vec<Change>> = vec![vec![]];
    let mut bytes = 0;
    for c in changes {
        if bytes + c.bytes.len() > PUSH_BYTES {
            requests.push(vec![]);
            bytes = 0;
        }
        bytes += c.bytes.len();
        requests.last_mut().unwrap().push(c);
    }
    eprintln!(
        "flood: {flood} tasks in {} requests, built in {:?}",
        requests.len(),
        built.elapsed()
    );

    let token = ani.meta("token");
    let flooding = Instant::now();
    let (times, stored) = std::thread::scope(|s| {
        let flood = s.spawn(|| {
            let mut stored = 0;
            for push in &requests {
                let n = push.len();
                let r = round_trip(&server, &token, Cursor::default(), push.clone());
                assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
                stored += (0..n).filter(|i| r.is_acked(*i)).count();
            }
            stored
        });
        // Meanwhile each watcher syncs as its client would: one new task up, what is new
        // down, from its own cursor.
        let mut cursors = vec![Cursor::default(); watchers.len()];
        let mut times = Vec::new();
        let mut k = 0;
        while !flood.is_finished() {
            for (w, (l, a)) in watchers.iter().enumerate() {
                k += 1;
                let (_, c) = new_task(a.clone(), &format!("t-biasa-{k}"), "Kerja biasa", "");
                let t = Instant::now();
                let r = round_trip(&server, &l.meta("token"), cursors[w], vec![c]);
                times.push(t.elapsed());
                assert!(r.is_acked(0), "{:?}", r.rejected);
                cursors[w] = r.cursor;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        (times, flood.join().unwrap())
    });
    let took = flooding.elapsed();
    assert_eq!(stored, flood, "every flooded task was stored");
    let mut sorted = times.clone();
    sorted.sort();
    let max = *sorted.last().unwrap();
    eprintln!(
        "flood stored in {took:?}; {} other syncs meanwhile: median {:?}, p90 {:?}, max {max:?}",
        sorted.len(),
        sorted[sorted.len() / 2],
        sorted[sorted.len() * 9 / 10],
    );
    assert!(sorted.len() >= 9, "too few syncs measured during the flood");
    // A push held as one transaction would make a sync arriving during it wait about half
    // of one push (each takes ~3 s here), so most syncs, not one, would pass a second. The
    // bound is on the 90th percentile: one slow sync on a busy CI machine (the max was
    // 0.56 s idle, above 1 s with other tests beside it) is not a held-up server.
    // Nearest rank: with 10 syncs the 9th, not the slowest.
    let p90 = sorted[(sorted.len() * 9).div_ceil(10) - 1];
    assert!(
        p90 < Duration::from_secs(1),
        "syncs were held up during the flood: p90 {p90:?}, max {max:?}"
    );
    assert!(
        max < Duration::from_secs(3),
        "a sync waited {max:?}, as long as a whole flooded push"
    );
}

#[test]
fn a_request_beyond_the_change_cap_is_processed_in_part_and_the_rest_waits() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let token = ani.meta("token");
    let me = actor(&ani);
    let cap = luring_server::limits::REQUEST_MAX_CHANGES;
    let push: Vec<Change> = (0..cap + 10)
        .map(|i| new_task(me.clone(), &format!("t-antre-{i}"), "Antre", "").1)
        .collect();
    let r = round_trip(&server, &token, Cursor::default(), push.clone());
    let stored = (0..cap + 10).filter(|i| r.is_acked(*i)).count();
    assert_eq!(stored, cap, "only the first part is stored");
    assert!((0..cap).all(|i| r.is_acked(i)), "the first part, in order");
    assert!(
        r.rejected.is_empty(),
        "the rest is not refused: {:?}",
        r.rejected[0]
    );
    // The rest, sent again with the next request as the client's outbox would, is stored.
    let r = round_trip(&server, &token, r.cursor, push[cap..].to_vec());
    assert!((0..10).all(|i| r.is_acked(i)));
}
