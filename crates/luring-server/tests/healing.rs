//! Sync always heals (issue 11): with a real `luring-server` and `luring` CLI profiles,
//! states that used to leave a device stuck or diverging for ever now converge — a refused
//! change, an entity first received by bundle, a bundle of another agency.
//!
//! The `luring` binary is taken from beside `luring-server` in the target folder: build it
//! first (`cargo build -p luring-cli`).

use luring_model::{Comment, Nip, Text};

mod common;
use common::*;

fn task_json(l: &Luring, id: &str) -> serde_json::Value {
    let mut v = l.json(&["task", "show", id, "--json"]);
    // Local bookkeeping, not content.
    if let Some(o) = v.as_object_mut() {
        o.remove("pending");
    }
    v
}

/// Writes, straight into `l`'s store (as a modified client would), a comment in someone
/// else's name: the server refuses it.
fn comment_in_budis_name(l: &Luring, id: &str) {
    let mut store = luring_store::Store::open(&l.dir.join("luring.db")).unwrap();
    store
        .update_task(id, |d| {
            luring_crdt::add_comment(
                d,
                &Comment {
                    id: "c-forged".into(),
                    author: Some(Nip::parse(BUDI.0).unwrap()),
                    author_name: "Budi".into(),
                    at: "2026-11-30T08:00:00Z".into(),
                    text: Text::parse("komentar", "atas nama Budi", 100, false).unwrap(),
                    edits: vec![],
                },
            )
        })
        .unwrap();
}

#[test]
fn after_a_refusal_the_device_converges_and_later_work_still_syncs() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let id = ani.id(&["task", "add", "Rapat", "--json"]);
    assert_eq!(ani.sync()["pushed"], 1);
    // A refused change, then an honest edit on top of it, in one sync.
    comment_in_budis_name(&ani, &id);
    ani.ok(&["task", "set", &id, "--title", "Rapat besar"]);
    let r = ani.sync();
    let rejected = r["rejected"].as_array().unwrap();
    assert!(
        rejected
            .iter()
            .any(|x| x["reason"].as_str().unwrap().contains("your own name")),
        "{r}"
    );
    // The honest edit is re-made and accepted; nothing waits.
    assert_eq!(r["pushed"], 1, "{r}");
    let st = ani.json(&["status", "--json"]);
    assert_eq!(st["pending_changes"], 0, "{st}");
    assert!(!st["rejected"].as_array().unwrap().is_empty());
    siti.sync();
    assert_eq!(task_json(&ani, &id), task_json(&siti, &id));
    assert_eq!(
        siti.json(&["task", "show", &id, "--json"])["title"],
        "Rapat besar"
    );
    // Later work on the same task goes through, both ways.
    ani.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    assert_eq!(ani.sync()["pushed"], 1);
    siti.ok(&["task", "set", &id, "--status", "selesai"]);
    assert_eq!(siti.sync()["pushed"], 1);
    ani.sync();
    assert_eq!(ani.json(&["status", "--json"])["pending_changes"], 0);
    assert_eq!(task_json(&ani, &id), task_json(&siti, &id));
}

#[test]
fn a_refused_change_to_another_units_task_leaves_the_servers_version() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let maria = Luring::login(tmp.path(), "maria", &server, MARIA);
    let id = ani.id(&["task", "add", "Rekap", "--json"]);
    ani.sync();
    let bundle = tmp.path().join("ani.bundle");
    ani.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    maria.ok(&["bundle", "import", bundle.to_str().unwrap()]);
    maria.ok(&["task", "set", &id, "--title", "Diubah unit lain"]);
    let r = maria.sync();
    assert!(
        r["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("another unit"),
        "{r}"
    );
    // Maria's copy is Ani's again (her edit is listed as refused), and stays clean.
    assert_eq!(task_json(&maria, &id), task_json(&ani, &id));
    assert_eq!(maria.json(&["status", "--json"])["pending_changes"], 0);
}

#[test]
fn an_entity_received_by_bundle_then_assigned_is_delivered_whole() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let budi = Luring::login(tmp.path(), "budi", &server, BUDI);
    let id = ani.id(&["task", "add", "Rekap", "--json"]);
    let bundle = tmp.path().join("ani.bundle");
    ani.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    ani.sync();
    // Changes the bundle does not carry, which Budi may not see yet; his cursor passes them.
    ani.ok(&["task", "set", &id, "--title", "Rekap Musrenbang"]);
    ani.sync();
    budi.sync();
    budi.ok(&["bundle", "import", bundle.to_str().unwrap()]);
    ani.ok(&["task", "set", &id, "--assignee", BUDI.0]);
    ani.sync();
    // Budi writes on the copy from the bundle, then syncs: he receives the whole task.
    budi.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    let r = budi.sync();
    assert_eq!(r["pushed"], 1, "{r}");
    let t = budi.json(&["task", "show", &id, "--json"]);
    assert_eq!(t["title"], "Rekap Musrenbang", "{t}");
    assert!(t["assignees"].to_string().contains(BUDI.0), "{t}");
    ani.sync();
    assert_eq!(task_json(&budi, &id), task_json(&ani, &id));
}

#[test]
fn a_bundle_of_another_agency_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (tmp.path().join("a"), tmp.path().join("b"));
    seed(&data_a);
    seed(&data_b);
    let (sa, sb) = (
        Server::start(&data_a, "127.0.0.1:0"),
        Server::start(&data_b, "127.0.0.1:0"),
    );
    let ani = Luring::login(tmp.path(), "ani", &sa, ANI);
    let other = Luring::login(tmp.path(), "other", &sb, ANI);
    assert_ne!(ani.meta("agency_key"), other.meta("agency_key"));
    ani.ok(&["task", "add", "Rahasia"]);
    let bundle = tmp.path().join("ani.bundle");
    ani.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    let out = other.run_in(&["bundle", "import", bundle.to_str().unwrap()], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another agency"), "{err}");
    assert!(other.task_titles().is_empty());
}

#[test]
fn a_colleague_cannot_claim_another_devices_actor() {
    let (tmp, server) = demo_agency();
    // Ani works offline before her first login and hands out a bundle: her actor id is in it.
    let ani = Luring {
        dir: tmp.path().join("ani"),
    };
    ani.ok(&["init", "--name", "Ani", "--nip", ANI.0]);
    ani.ok(&["task", "add", "Sebelum login"]);
    let offline_actor = ani.meta("actor");
    // Maria claims that actor with her own key (her proof covers it): refused.
    let key = ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let req = hostile::honest_login(&server.url, MARIA.0, MARIA.1, &key, &offline_actor);
    let (status, body) = hostile::login_raw(&server.url, &req);
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("bad_actor")),
        "{body}"
    );
    assert!(
        body.to_string().contains("bound to this device key"),
        "{body}"
    );
    // Ani logs in: her actor is now the one bound to her key, and her offline work goes up.
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let cert: luring_model::DeviceCert = serde_json::from_str(&ani.meta("certificate")).unwrap();
    let key_bytes: [u8; 32] = hex::decode(&cert.body.device_key)
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(ani.meta("actor"), luring_model::device_actor(&key_bytes));
    assert_eq!(cert.body.actor, ani.meta("actor"));
    assert_eq!(ani.sync()["pushed"], 1);
    assert_eq!(ani.json(&["status", "--json"])["pending_changes"], 0);
    // Nor can Maria claim Ani's bound actor.
    let req = hostile::honest_login(&server.url, MARIA.0, MARIA.1, &key, &cert.body.actor);
    let (status, body) = hostile::login_raw(&server.url, &req);
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("bad_actor")),
        "{body}"
    );
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    assert_eq!(siti.task_titles(), ["Sebelum login"]);
}

/// Copies a profile folder (no process has it open).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn id_of(l: &Luring, title: &str) -> String {
    l.json(&["task", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == title)
        .unwrap_or_else(|| panic!("no task '{title}'"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The sync of a second copy is refused with the sentence; the copy logs in again.
fn refused_as_copy(l: &Luring) {
    let out = l.run_in(&["sync", "--json"], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("copied to another computer or restored"),
        "{err}"
    );
    // Until it logs in again it does not sync with the shared identity.
    let out = l.run_in(&["sync", "--json"], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("log in again"));
}

#[test]
fn a_copied_profile_is_re_registered_and_both_converge_keeping_unsent_work() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Bersama"]);
    ani.sync();
    let copy = Luring {
        dir: tmp.path().join("ani-copy"),
    };
    copy_dir(&ani.dir, &copy.dir);
    // Both work on the same task and on new ones, then take turns syncing.
    let id = id_of(&ani, "Bersama");
    ani.ok(&["task", "add", "Di laptop"]);
    ani.ok(&["task", "set", &id, "--status", "dikerjakan"]);
    copy.ok(&["task", "add", "Di komputer kantor"]);
    copy.ok(&["task", "set", &id, "--title", "Bersama (diubah)"]);
    assert_eq!(ani.sync()["pushed"], 2);
    refused_as_copy(&copy);
    let copy = Luring::login(tmp.path(), "ani-copy", &server, ANI);
    assert_ne!(copy.meta("actor"), ani.meta("actor"));
    let r = copy.sync();
    assert_eq!(r["pushed"], 2, "{r}");
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    ani.sync();
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    let all = ["Bersama (diubah)", "Di komputer kantor", "Di laptop"];
    for l in [&ani, &copy, &siti] {
        assert_eq!(l.task_titles(), all);
        assert_eq!(l.json(&["status", "--json"])["pending_changes"], 0);
        assert_eq!(task_json(l, &id)["status"], "dikerjakan");
    }
    assert_eq!(task_json(&ani, &id), task_json(&copy, &id));
    // The original goes on syncing as before.
    ani.ok(&["task", "add", "Lagi"]);
    assert_eq!(ani.sync()["pushed"], 1);
}

#[test]
fn a_restored_backup_is_re_registered_and_converges_keeping_unsent_work() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Lama"]);
    ani.sync();
    let backup = tmp.path().join("backup");
    copy_dir(&ani.dir, &backup);
    // Work after the backup reaches the server; then the disk dies and the backup returns.
    let id = id_of(&ani, "Lama");
    ani.ok(&["task", "set", &id, "--title", "Lama (sesudah cadangan)"]);
    ani.ok(&["task", "add", "Sesudah cadangan"]);
    ani.sync();
    std::fs::remove_dir_all(&ani.dir).unwrap();
    copy_dir(&backup, &ani.dir);
    // Work on the restored profile reuses the old actor's sequence numbers.
    ani.ok(&["task", "set", &id, "--status", "selesai"]);
    ani.ok(&["task", "add", "Setelah pemulihan"]);
    refused_as_copy(&ani);
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let r = ani.sync();
    assert_eq!(r["pushed"], 2, "{r}");
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    let all = [
        "Lama (sesudah cadangan)",
        "Sesudah cadangan",
        "Setelah pemulihan",
    ];
    assert_eq!(siti.task_titles(), all);
    assert_eq!(ani.task_titles(), all);
    assert_eq!(task_json(&ani, &id), task_json(&siti, &id));
    assert_eq!(task_json(&siti, &id)["status"], "selesai");
    assert_eq!(ani.json(&["status", "--json"])["pending_changes"], 0);
}

#[test]
fn a_device_on_a_random_actor_takes_its_bound_actor_at_next_login_keeping_unsent_work() {
    let (tmp, server) = demo_agency();
    let data = server.data.clone();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Terkirim"]);
    ani.sync();
    // As before actors were bound to keys: the device row and the profile on a random
    // actor, with changes made under it and unsent work.
    let legacy = automerge::ActorId::random();
    {
        let mut store = luring_store::Store::open(&ani.dir.join("luring.db")).unwrap();
        store.change_actor(&legacy).unwrap();
    }
    let db = rusqlite::Connection::open(data.join("server.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    db.execute(
        "UPDATE devices SET actor = ?1 WHERE nip = ?2",
        [legacy.to_hex_string().as_str(), ANI.0],
    )
    .unwrap();
    let id = id_of(&ani, "Terkirim");
    ani.ok(&["task", "set", &id, "--status", "selesai"]);
    assert_eq!(ani.sync()["pushed"], 1, "the legacy actor still syncs");
    ani.ok(&["task", "add", "Belum terkirim"]);
    ani.ok(&["task", "set", &id, "--title", "Terkirim (diubah)"]);
    // The next login binds the actor to the key; the unsent work goes up under it.
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let bound = ani.meta("actor");
    assert_ne!(bound, legacy.to_hex_string());
    let actor_on_server: String = db
        .query_row("SELECT actor FROM devices WHERE nip = ?1", [ANI.0], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(actor_on_server, bound);
    let r = ani.sync();
    assert_eq!(r["pushed"], 2, "{r}");
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    assert_eq!(siti.task_titles(), ["Belum terkirim", "Terkirim (diubah)"]);
    assert_eq!(task_json(&siti, &id), task_json(&ani, &id));
    assert_eq!(task_json(&siti, &id)["status"], "selesai");
}

#[test]
fn a_copy_of_a_profile_with_unsent_work_does_not_send_it_twice() {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Terkirim"]);
    ani.sync();
    let sent = id_of(&ani, "Terkirim");
    // Unsent work at the moment of copying: a new task with a comment, and an edit.
    ani.ok(&["task", "add", "Belum terkirim saat disalin"]);
    let id = id_of(&ani, "Belum terkirim saat disalin");
    ani.ok(&["task", "comment", &id, "komentar awal"]);
    ani.ok(&["task", "set", &sent, "--status", "dikerjakan"]);
    let copy = Luring {
        dir: tmp.path().join("ani-copy"),
    };
    copy_dir(&ani.dir, &copy.dir);
    // The original sends it, and goes on working on the same tasks.
    ani.sync();
    ani.ok(&["task", "comment", &id, "komentar kedua"]);
    ani.ok(&["task", "set", &sent, "--title", "Terkirim (diubah)"]);
    ani.sync();
    // The copy also works on them, under the same actor and sequence numbers.
    copy.ok(&["task", "set", &id, "--status", "selesai"]);
    refused_as_copy(&copy);
    let copy = Luring::login(tmp.path(), "ani-copy", &server, ANI);
    let r = copy.sync();
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");
    assert_eq!(r["pushed"], 1, "only the status is new: {r}");
    ani.sync();
    for l in [&ani, &copy] {
        let t = task_json(l, &id);
        let comments: Vec<&str> = (t["comments"].as_array().unwrap().iter())
            .map(|c| c["text"].as_str().unwrap())
            .collect();
        assert_eq!(comments, ["komentar awal", "komentar kedua"], "{t}");
        assert_eq!(t["status"], "selesai");
        assert_eq!(task_json(l, &sent)["title"], "Terkirim (diubah)");
        assert_eq!(task_json(l, &sent)["status"], "dikerjakan");
        assert_eq!(l.json(&["status", "--json"])["pending_changes"], 0);
    }
    assert_eq!(task_json(&ani, &id), task_json(&copy, &id));
    assert_eq!(task_json(&ani, &sent), task_json(&copy, &sent));
}

/// Two colleagues work offline from the start and swap bundles (a comment on the other's
/// task); at her first login the staff member's own work reaches the server whole and
/// nothing is refused — her offline profile already wrote under the actor her device key
/// binds, so nothing (least of all the colleague's comment) is re-made in her name.
#[test]
fn offline_work_with_a_colleagues_bundle_goes_out_at_the_first_login() {
    let (tmp, server) = demo_agency();
    let offline = |name: &str, who: (&str, &str), full: &str| {
        let l = Luring {
            dir: tmp.path().join(name),
        };
        l.ok(&["init", "--name", full, "--nip", who.0]);
        l
    };
    let ani = offline("ani", ANI, "Ani Lestari");
    let budi = offline("budi", BUDI, "Budi Santoso");
    let id = ani.id(&["task", "add", "Siapkan kunjungan desa", "--json"]);
    let b1 = tmp.path().join("ani.bundle");
    ani.ok(&["bundle", "export", "--out", b1.to_str().unwrap()]);
    budi.ok(&["bundle", "import", b1.to_str().unwrap()]);
    budi.ok(&["task", "comment", &id, "Surat tugas sudah saya siapkan"]);
    let b2 = tmp.path().join("budi.bundle");
    budi.ok(&["bundle", "export", "--out", b2.to_str().unwrap()]);
    ani.ok(&["bundle", "import", b2.to_str().unwrap()]);

    let out = ani.try_login(&server.url, ANI, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = ani.sync();
    assert_eq!(r["rejected"].as_array().unwrap().len(), 0, "{r}");
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    siti.sync();
    assert!(
        siti.task_titles()
            .iter()
            .any(|t| t == "Siapkan kunjungan desa"),
        "Ani's offline task never reached the server"
    );
}
