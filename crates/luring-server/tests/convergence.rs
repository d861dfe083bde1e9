//! Convergence under faults, as a property: 3–5 replicas edit offline and sync with an
//! in-process server (real storage and sync logic) through a transport that drops
//! requests, loses responses after the server committed, duplicates and replays requests,
//! delivers stale responses, and partitions replicas. After healing, every replica holds
//! the same tasks and documents, every change acknowledged to anyone is on the server, and
//! nothing is duplicated. `LURING_CONVERGENCE_CASES` sizes the run (default 500).

use std::collections::{BTreeMap, HashSet};

use luring_client::{ClientError, NewDocInput, NewTaskInput, Profile, TaskChanges, Transport};
use luring_server::db::{Database, DeviceRow, UserRow};
use luring_server::in_process::InProcessServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    DropRequest,
    LoseResponse,
    Duplicate,
    ReplayOld,
    StaleResponse,
}

#[derive(Debug, Clone)]
enum Step {
    Edit {
        replica: usize,
        what: u8,
        pick: usize,
    },
    Sync {
        replica: usize,
        fault: Fault,
    },
    Partition {
        replica: usize,
    },
}

fn step(n: usize) -> impl Strategy<Value = Step> {
    let fault = prop_oneof![
        3 => Just(Fault::None),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::LoseResponse),
        1 => Just(Fault::Duplicate),
        1 => Just(Fault::ReplayOld),
        1 => Just(Fault::StaleResponse),
    ];
    prop_oneof![
        5 => (0..n, 0u8..6, any::<usize>()).prop_map(|(replica, what, pick)| Step::Edit { replica, what, pick }),
        4 => (0..n, fault).prop_map(|(replica, fault)| Step::Sync { replica, fault }),
        1 => (0..n).prop_map(|replica| Step::Partition { replica }),
    ]
}

fn schedule() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (3usize..=5).prop_flat_map(|n| (Just(n), prop::collection::vec(step(n), 5..40)))
}

/// Everything the transport saw, shared by all replicas of one case.
#[derive(Default)]
struct Wire {
    requests: Vec<Vec<u8>>,
    /// Past answers, per device: a delayed answer can only arrive on its own connection.
    responses: BTreeMap<String, Vec<Vec<u8>>>,
    acked: HashSet<[u8; 32]>,
    /// Acknowledged compact changes: their entity and checksum (the first 4 bytes of the
    /// hash the server rebuilt).
    acked_compact: HashSet<(String, [u8; 4])>,
}

struct Faulty<'a> {
    server: &'a InProcessServer,
    device: &'a DeviceRow,
    user: &'a UserRow,
    fault: Fault,
    pick: usize,
    wire: &'a mut Wire,
}

impl Faulty<'_> {
    fn deliver(&mut self, body: &[u8]) -> Vec<u8> {
        let out = self
            .server
            .handle(self.device, self.user, body)
            .expect("the server answers a well-formed request");
        let resp = luring_sync::decode_response(&out, luring_sync::Limits::default()).unwrap();
        let req = luring_sync::decode_request(body, luring_sync::Limits::default()).unwrap();
        for (i, c) in req.push.iter().enumerate() {
            if resp.is_acked(i) {
                let hash = automerge::Change::from_bytes(c.bytes.clone())
                    .unwrap()
                    .hash()
                    .0;
                self.wire.acked.insert(hash);
            }
        }
        for (i, c) in req.compact.iter().enumerate() {
            if resp.is_acked(req.push.len() + i) {
                self.wire
                    .acked_compact
                    .insert((c.entity.clone(), c.checksum));
            }
        }
        self.wire
            .responses
            .entry(self.device.id.clone())
            .or_default()
            .push(out.clone());
        out
    }
}

impl Transport for Faulty<'_> {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, ClientError> {
        let lost = || ClientError::Network("link cut".into());
        self.wire.requests.push(body.clone());
        match self.fault {
            Fault::None => Ok(self.deliver(&body)),
            Fault::DropRequest => Err(lost()),
            Fault::LoseResponse => {
                self.deliver(&body);
                Err(lost())
            }
            Fault::Duplicate => {
                self.deliver(&body);
                Ok(self.deliver(&body))
            }
            Fault::ReplayOld => {
                // An old request of this device arrives late, then the current one.
                let old = self.wire.requests[self.pick % self.wire.requests.len()].clone();
                if self.server.handle(self.device, self.user, &old).is_ok() {
                    // Answers to replays go nowhere.
                }
                Ok(self.deliver(&body))
            }
            Fault::StaleResponse => {
                // The fresh answer is lost; a delayed answer to one of this device's earlier
                // requests arrives instead.
                self.deliver(&body);
                let mine = &self.wire.responses[&self.device.id];
                Ok(mine[self.pick % mine.len()].clone())
            }
        }
    }
}

struct Replica {
    profile: Profile,
    device: DeviceRow,
    user: UserRow,
    partitioned: bool,
    made: usize,
}

const NIPS: [&str; 5] = [
    "198703122010011002",
    "199001012015031001",
    "198912202014022001",
    "198211032008012004",
    "197805122005011003",
];

fn edit(r: &mut Replica, idx: usize, what: u8, pick: usize) {
    r.made += 1;
    let tag = format!("{idx}-{}", r.made);
    let tasks = r.profile.list_tasks(None, None, None).unwrap();
    let docs = r.profile.list_documents(None).unwrap();
    match (what, tasks.is_empty(), docs.is_empty()) {
        (1, false, _) => {
            let t = &tasks[pick % tasks.len()];
            let status = ["baru", "dikerjakan", "menunggu", "selesai"][pick % 4];
            r.profile
                .set_task(
                    &t.id,
                    &TaskChanges {
                        status: Some(status.into()),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        (2, false, _) => {
            let t = &tasks[pick % tasks.len()];
            r.profile
                .comment_task(&t.id, &format!("komentar {tag}"))
                .unwrap();
        }
        (5, false, _) => {
            let t = &tasks[pick % tasks.len()];
            r.profile
                .set_task(
                    &t.id,
                    &TaskChanges {
                        title: Some(format!("Judul {tag}")),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        (3, _, _) => {
            r.profile
                .new_document(&NewDocInput {
                    title: format!("Nota {tag}"),
                    body: "baris awal\n".into(),
                    ..Default::default()
                })
                .unwrap();
        }
        (4, _, false) => {
            let d = &docs[pick % docs.len()];
            let body = r.profile.show_document(&d.id).unwrap().body;
            let mut lines: Vec<&str> = body.lines().collect();
            let line = format!("baris {tag}");
            lines.insert(pick % (lines.len() + 1), &line);
            r.profile
                .set_document_body(&d.id, &(lines.join("\n") + "\n"))
                .unwrap();
        }
        _ => {
            r.profile
                .add_task(&NewTaskInput {
                    title: format!("Tugas {tag}"),
                    ..Default::default()
                })
                .unwrap();
        }
    }
}

fn sync(server: &InProcessServer, r: &mut Replica, fault: Fault, pick: usize, wire: &mut Wire) {
    let fault = if r.partitioned {
        Fault::DropRequest
    } else {
        fault
    };
    let mut t = Faulty {
        server,
        device: &r.device,
        user: &r.user,
        fault,
        pick,
        wire,
    };
    match r.profile.sync_with(&mut t) {
        Ok(_) => {}
        Err(ClientError::Network(_) | ClientError::BadAnswer(_)) => {}
        Err(e) => panic!("sync failed for a reason other than the link: {e}"),
    }
}

/// Everything a user can see, as JSON text, keyed by entity id.
fn seen(p: &Profile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in p.list_tasks(None, None, None).unwrap() {
        out.insert(
            t.id.clone(),
            serde_json::to_string(&p.show_task(&t.id).unwrap()).unwrap(),
        );
    }
    for d in p.list_documents(None).unwrap() {
        out.insert(
            d.id.clone(),
            serde_json::to_string(&p.show_document(&d.id).unwrap()).unwrap(),
        );
    }
    out
}

/// Replica `i` of one bidang (`BIDANG-A`): a fresh profile and its registered device.
fn replica(server: &InProcessServer, root: &std::path::Path, i: usize, role: &str) -> Replica {
    let profile = Profile::init(&root.join(format!("r{i}")), "Pegawai", NIPS[i]).unwrap();
    let actor = profile.store().actor().to_hex_string();
    let (device, user) = server
        .add_device(NIPS[i], "BIDANG-A", role, &actor)
        .unwrap();
    Replica {
        profile,
        device,
        user,
        partitioned: false,
        made: 0,
    }
}

fn run_case(n: usize, steps: &[Step]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let server = InProcessServer::create(&tmp.path().join("server.db")).unwrap();
    // One bidang: replica 0 its supervisor, the others its staff, so every replica may
    // read everything the others write and all must converge.
    let mut replicas: Vec<Replica> = (0..n)
        .map(|i| {
            replica(
                &server,
                tmp.path(),
                i,
                if i == 0 { "supervisor" } else { "staff" },
            )
        })
        .collect();
    let mut wire = Wire::default();
    for s in steps {
        match *s {
            Step::Edit {
                replica,
                what,
                pick,
            } => edit(&mut replicas[replica], replica, what, pick),
            Step::Sync { replica, fault } => {
                let pick = replica * 7 + wire.requests.len();
                sync(&server, &mut replicas[replica], fault, pick, &mut wire)
            }
            Step::Partition { replica } => {
                replicas[replica].partitioned = !replicas[replica].partitioned
            }
        }
    }
    // Heal: no more faults; two full rounds carry every change to every replica.
    for r in replicas.iter_mut() {
        r.partitioned = false;
    }
    for _ in 0..2 {
        for r in replicas.iter_mut() {
            sync(&server, r, Fault::None, 0, &mut wire);
        }
    }
    let want = seen(&replicas[0].profile);
    for (i, r) in replicas.iter().enumerate() {
        let st = r.profile.status().unwrap();
        prop_assert_eq!(
            st.pending_changes,
            0,
            "replica {} still has unsent changes",
            i
        );
        prop_assert!(
            st.rejected.is_empty(),
            "replica {} had refusals: {:?}",
            i,
            st.rejected
        );
        let got = seen(&r.profile);
        prop_assert_eq!(&got, &want, "replica {} differs from replica 0", i);
        for t in r.profile.list_tasks(None, None, None).unwrap() {
            let comments = r.profile.show_task(&t.id).unwrap().comments;
            let ids: HashSet<&String> = comments.iter().map(|c| &c.id).collect();
            prop_assert_eq!(ids.len(), comments.len(), "a comment was duplicated");
        }
        prop_assert!(r.profile.store().check_derived().unwrap().is_empty());
    }
    let missing = server
        .db
        .sync_tx(|tx| {
            let mut missing = 0;
            for h in &wire.acked {
                if !tx.has_change(h)? {
                    missing += 1;
                }
            }
            for (entity, checksum) in &wire.acked_compact {
                let log = tx.entity_log(entity)?;
                if !log.iter().any(|r| r.hash[..4] == checksum[..]) {
                    missing += 1;
                }
            }
            Ok(missing)
        })
        .unwrap();
    prop_assert_eq!(missing, 0, "acknowledged changes missing on the server");
    Ok(())
}

#[test]
fn replicas_converge_under_faults() {
    let cases: u32 = std::env::var("LURING_CONVERGENCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut runner = proptest::test_runner::TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let result = runner.run(&schedule(), |(n, steps)| run_case(n, &steps));
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("convergence: {cases} fault schedules passed");
}

/// An entity edited far more often than the server's snapshot interval is still served
/// whole and validated against its full history.
#[test]
fn long_histories_survive_server_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let server = InProcessServer::create(&tmp.path().join("server.db")).unwrap();
    let mut replicas: Vec<Replica> = (0..2)
        .map(|i| replica(&server, tmp.path(), i, "staff"))
        .collect();
    let mut wire = Wire::default();
    let id = replicas[0]
        .profile
        .add_task(&NewTaskInput {
            title: "Sering diubah".into(),
            ..Default::default()
        })
        .unwrap();
    for i in 0..(3 * luring_server::sync_service::SNAPSHOT_EVERY) {
        replicas[0]
            .profile
            .set_task(
                &id,
                &TaskChanges {
                    title: Some(format!("Judul ke-{i}")),
                    ..Default::default()
                },
            )
            .unwrap();
        if i % 10 == 0 {
            sync(&server, &mut replicas[0], Fault::None, 0, &mut wire);
        }
    }
    sync(&server, &mut replicas[0], Fault::None, 0, &mut wire);
    let row = server
        .db
        .sync_tx(|tx| Ok(tx.entity(&id)?))
        .unwrap()
        .unwrap();
    assert!(
        row.snapshot_seq > 1,
        "the server never refreshed the snapshot"
    );
    sync(&server, &mut replicas[1], Fault::None, 0, &mut wire);
    assert_eq!(seen(&replicas[0].profile), seen(&replicas[1].profile));
    assert_eq!(
        replicas[1].profile.show_task(&id).unwrap().title,
        format!(
            "Judul ke-{}",
            3 * luring_server::sync_service::SNAPSHOT_EVERY - 1
        )
    );
    // And the second replica's own edit on top is accepted against the compacted history.
    replicas[1]
        .profile
        .set_task(
            &id,
            &TaskChanges {
                status: Some("selesai".into()),
                ..Default::default()
            },
        )
        .unwrap();
    sync(&server, &mut replicas[1], Fault::None, 0, &mut wire);
    assert_eq!(replicas[1].profile.status().unwrap().pending_changes, 0);
    sync(&server, &mut replicas[0], Fault::None, 0, &mut wire);
    assert_eq!(
        replicas[0].profile.show_task(&id).unwrap().status,
        "selesai"
    );
}
