//! End to end with real processes: a `luring-server` and several `luring` CLI profiles
//! syncing over HTTP on loopback. Covers the common path, unit visibility, refusals, the
//! security answers, and a SIGKILL of the server.
//!
//! The `luring` binary is taken from beside `luring-server` in the target folder: run
//! these with `cargo test --workspace` (or after `cargo build -p luring-cli`), or they
//! test a stale CLI.

use std::process::{Command, Stdio};

use automerge::{transaction::Transactable, ActorId, AutoCommit, ROOT};
use luring_sync::{Change, Class, Cursor, SyncRequest};

mod common;
use common::*;

#[test]
fn staff_and_supervisor_sync_and_units_stay_apart() {
    let (tmp, server) = demo_agency();

    // Ani works offline before her first login; nothing is lost.
    let ani = Luring {
        dir: tmp.path().join("ani"),
    };
    ani.ok(&["init", "--name", "Ani", "--nip", ANI.0]);
    ani.ok(&["task", "add", "Dibuat sebelum login"]);
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let budi = Luring::login(tmp.path(), "budi", &server, BUDI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let maria = Luring::login(tmp.path(), "maria", &server, MARIA);

    ani.ok(&["task", "add", "Rekap Musrenbang", "--due", "2026-12-01"]);
    ani.ok(&["task", "add", "Untuk Budi", "--assignee", BUDI.0]);
    let r = ani.sync();
    assert_eq!(r["pushed"], 3, "{r}");
    assert_eq!(r["round_trips"], 1);
    assert_eq!(r["rejected"].as_array().unwrap().len(), 0);

    // The supervisor of Ani's unit sees everything; Budi (another unit) only the task
    // assigned to him; Maria (another bidang) nothing.
    siti.sync();
    assert_eq!(
        siti.task_titles(),
        ["Dibuat sebelum login", "Rekap Musrenbang", "Untuk Budi"]
    );
    budi.sync();
    assert_eq!(budi.task_titles(), ["Untuk Budi"]);
    maria.sync();
    assert!(maria.task_titles().is_empty());

    // The supervisor changes a task; Ani receives it.
    let id = siti
        .json(&["task", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Rekap Musrenbang")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    siti.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    assert_eq!(siti.sync()["pushed"], 1);
    assert_eq!(ani.sync()["pulled"], 1);
    assert_eq!(
        ani.json(&["task", "show", &id, "--json"])["status"],
        "dikerjakan"
    );

    // Maria obtains Ani's task by other means (a bundle) and edits it: the server refuses
    // the push, says why, and her status shows it.
    ani.ok(&[
        "bundle",
        "export",
        "--out",
        tmp.path().join("ani.bundle").to_str().unwrap(),
    ]);
    maria.ok(&[
        "bundle",
        "import",
        tmp.path().join("ani.bundle").to_str().unwrap(),
    ]);
    maria.ok(&["task", "set", &id, "--title", "Diubah unit lain"]);
    let r = maria.sync();
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{r}");
    assert!(
        rejected[0]["reason"]
            .as_str()
            .unwrap()
            .contains("another unit"),
        "{r}"
    );
    let st = maria.json(&["status", "--json"]);
    assert_eq!(st["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(st["pending_changes"], 0);
    assert_eq!(
        siti.sync()["pulled"],
        0,
        "the refused change reached someone"
    );
    assert_eq!(
        siti.json(&["task", "show", &id, "--json"])["title"],
        "Rekap Musrenbang"
    );
}

#[test]
fn security_answers_and_forged_actor() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let token = ani.meta("token");
    let valid = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        compact: vec![],
        push: vec![],
        byte_budget: 1 << 16,
        want_numbers: false,
    });

    assert_eq!(post(&server.url, None, valid.clone()).0, 401);
    assert_eq!(post(&server.url, Some("not-a-token"), valid.clone()).0, 401);
    assert_eq!(post(&server.url, Some(&token), valid.clone()).0, 200);
    // An older protocol is told to update: `compact_push.rs::an_older_luring_is_told_to_update`.
    assert_eq!(post(&server.url, Some(&token), b"garbage".to_vec()).0, 400);
    assert_eq!(
        post(&server.url, Some(&token), valid[..valid.len() / 2].to_vec()).0,
        400
    );
    assert_eq!(post(&server.url, Some(&token), vec![1; 17 << 20]).0, 413);
    assert_eq!(health(&server.url), 200, "the server stopped serving");

    // A wrong password and an unknown NIP get the same answer.
    let key = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    let login = |nip: &str, pw: &str| {
        let actor = luring_model::device_actor(key.verifying_key().as_bytes());
        let req = hostile::honest_login(&server.url, nip, pw, &key, &actor);
        let (status, body) = hostile::login_raw(&server.url, &req);
        (status, body.to_string())
    };
    assert_eq!(
        login(ANI.0, "salah-sandi"),
        login("199912312020121001", "salah-sandi")
    );
    assert_eq!(login(ANI.0, "salah-sandi").0, 401);

    // A change whose automerge actor is not Ani's device is refused.
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    doc.put(ROOT, "type", "task").unwrap();
    doc.put(ROOT, "title", "palsu").unwrap();
    doc.commit();
    let change = doc.get_last_local_change().unwrap();
    let forged = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        compact: vec![],
        push: vec![Change {
            entity: "t-palsu".into(),
            class: Class::Task,
            bytes: change.raw_bytes().to_vec(),
        }],
        byte_budget: 1 << 16,
        want_numbers: false,
    });
    let c = http();
    let resp = c
        .post(format!("{}/v1/sync", server.url))
        .bearer_auth(&token)
        .body(forged)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let resp = luring_sync::decode_response(&resp.bytes().unwrap(), luring_sync::Limits::default())
        .unwrap();
    assert_eq!(resp.acked_count(), 0);
    assert_eq!(resp.rejected.len(), 1);
    assert!(
        resp.rejected[0].reason.contains("forged"),
        "{:?}",
        resp.rejected
    );

    // A change by Ani's own device that breaks a rule (a status no replica accepts) is
    // refused with the rule, and not stored.
    ani.ok(&["task", "add", "Tugas sah"]);
    assert_eq!(ani.sync()["pushed"], 1);
    let id = ani.json(&["task", "list", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut doc = luring_client::Profile::open(&ani.dir)
        .unwrap()
        .store()
        .entity_doc(&id)
        .unwrap();
    doc.put(ROOT, "status", "hilang").unwrap();
    doc.commit();
    let bad = doc.get_last_local_change().unwrap();
    let req = luring_sync::encode_request(&SyncRequest {
        cursor: Cursor::default(),
        compact: vec![],
        push: vec![Change {
            entity: id.clone(),
            class: Class::Task,
            bytes: bad.raw_bytes().to_vec(),
        }],
        byte_budget: 1 << 16,
        want_numbers: false,
    });
    let resp = c
        .post(format!("{}/v1/sync", server.url))
        .bearer_auth(&token)
        .body(req)
        .send()
        .unwrap();
    let resp = luring_sync::decode_response(&resp.bytes().unwrap(), luring_sync::Limits::default())
        .unwrap();
    assert_eq!(resp.acked_count(), 0);
    assert_eq!(resp.rejected.len(), 1);
    assert!(
        resp.rejected[0].reason.contains("status"),
        "{:?}",
        resp.rejected
    );
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    assert_eq!(
        siti.json(&["task", "show", &id, "--json"])["status"],
        "baru"
    );
}

#[test]
fn a_sigkilled_server_keeps_what_it_acknowledged() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    for i in 0..20 {
        ani.ok(&["task", "add", &format!("Tugas {i:02}")]);
    }
    assert_eq!(ani.sync()["pushed"], 20);
    let (data, port) = server.kill();
    let server = Server::start(&data, &format!("127.0.0.1:{port}"));
    // A second device of Ani's receives everything the first one was told was stored.
    let ani2 = Luring::login(tmp.path(), "ani2", &server, ANI);
    ani2.sync();
    assert_eq!(ani2.task_titles().len(), 20);
    assert_eq!(ani2.task_titles(), ani.task_titles());
}

#[test]
fn watch_syncs_once_the_server_returns_and_revoked_devices_are_refused() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let device = ani.meta("device_id");
    let (data, port) = server.kill();

    // Offline: the server is down. `sync --watch` keeps trying with backoff.
    ani.ok(&["task", "add", "Dikirim saat sinyal kembali"]);
    let mut watch = Command::new(luring_bin())
        .args([
            "--profile",
            ani.dir.to_str().unwrap(),
            "sync",
            "--watch",
            "--interval",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let server = Server::start(&data, &format!("127.0.0.1:{port}"));
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        siti.sync();
        if siti.task_titles() == ["Dikirim saat sinyal kembali"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sync --watch never delivered the task"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    watch.kill().unwrap();
    watch.wait().unwrap();

    // Revoking the device stops its token at once.
    admin(&data, &["revoke-device", &device]);
    let out = ani.run_in(&["sync", "--json"], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("log in again"), "{err}");
}

/// Tasks whose creating change is still in `l`'s outbox, by title.
fn unsent_titles(l: &Luring) -> std::collections::BTreeSet<String> {
    let p = luring_client::Profile::open(&l.dir).unwrap();
    let mut stmt = p
        .store()
        .connection()
        .prepare("SELECT DISTINCT t.title FROM outbox o JOIN tasks t ON t.id = o.entity_id")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn sigkill_mid_request_loses_nothing_acknowledged_and_duplicates_nothing() {
    use rand::{Rng, SeedableRng};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    seed(&data);
    let mut server = Server::start(&data, "127.0.0.1:0");
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let watcher = Luring::login(tmp.path(), "ani2", &server, ANI);
    let mut rng = rand::rngs::StdRng::seed_from_u64(rand::random());
    let mut all = Vec::new();
    for round in 0..12 {
        for i in 0..15 {
            let t = format!("Tugas {round:02}-{i:02}");
            ani.ok(&["task", "add", &t]);
            all.push(t);
        }
        let sync = Command::new(luring_bin())
            .args(["--profile", ani.dir.to_str().unwrap(), "sync", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(0..60)));
        let (d, port) = server.kill();
        let mut sync = sync;
        sync.wait().unwrap();
        server = Server::start(&d, &format!("127.0.0.1:{port}"));
        // Whatever left Ani's outbox was acknowledged, so the server must have it.
        let unsent = unsent_titles(&ani);
        watcher.sync();
        let on_server: std::collections::BTreeSet<String> =
            watcher.task_titles().into_iter().collect();
        for t in &all {
            assert!(
                unsent.contains(t) || on_server.contains(t),
                "round {round}: '{t}' was acknowledged but the server lost it"
            );
        }
    }
    ani.sync();
    watcher.sync();
    let titles = watcher.task_titles();
    let mut want = all.clone();
    want.sort();
    assert_eq!(titles, want, "lost or duplicated tasks");
    assert_eq!(ani.json(&["status", "--json"])["pending_changes"], 0);
}
