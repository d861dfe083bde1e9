//! A new device's first sync of a unit's history over an emulated 3T link, with real
//! processes (a `luring-server`, the `luring` CLI) and the client library where the test
//! must watch each round trip. Why: on a link cut every few kilobytes a first sync that
//! starts over after each cut never finishes, and one with no progress looks hung.
//!
//! - over `flaky` (3g, each connection cut after 100 B–64 KB) the first sync finishes in
//!   one call that resumes after every cut, receives about what a sync over a clean link
//!   does (it never starts from zero), and its progress only moves forward;
//! - the CLI killed with SIGKILL mid-first-sync keeps what it received: started again, it
//!   downloads only the rest.
//!
//! Sized to run in well under a minute on two cores: 300 tasks and 30 documents.
//! Needs the `luring` binary beside `luring-server` (`cargo build -p luring-cli`).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use luring_client::{NewDocInput, NewTaskInput, Profile, SyncOptions, SyncProgress};
use luring_netsim::{Link, Profile as LinkProfile};

mod common;
use common::*;

const TASKS: usize = 300;
const DOCS: usize = 30;
/// Small rounds, as the desktop would pick on a thin link.
const BUDGET: u32 = 16 << 10;

/// `n` characters that compress about as badly as scanned-in text (hex of a hash chain),
/// so the history is big on the wire and the link's cuts fall inside it.
fn noise(seed: usize, n: usize) -> String {
    let mut out = String::new();
    let mut h = blake3::hash(&seed.to_le_bytes());
    while out.len() < n {
        out.push_str(&h.to_hex());
        out.push(' ');
        h = blake3::hash(h.as_bytes());
    }
    out.truncate(n);
    out
}

/// A server whose unit holds `TASKS` tasks and `DOCS` documents, written by Ani's first
/// device and pushed directly (not through the link).
fn unit_with_history(root: &Path) -> Server {
    let server = Server::seeded(&root.join("server"));
    let ani = Luring::login(root, "ani", &server, ANI);
    {
        let mut p = Profile::open(&ani.dir).unwrap();
        for i in 0..TASKS {
            p.add_task(&NewTaskInput {
                title: format!("Verifikasi data penerima bantuan desa nomor {i}"),
                description: format!("Cek ulang daftar penerima, berkas {}", noise(i, 64)),
                ..Default::default()
            })
            .unwrap();
        }
        for i in 0..DOCS {
            p.new_document(&NewDocInput {
                title: format!("Nota dinas {i}"),
                body: format!(
                    "Dengan hormat, kami laporkan kegiatan {i}:\n{}",
                    noise(1000 + i, 4000)
                ),
                ..Default::default()
            })
            .unwrap();
        }
    }
    let r = ani.sync();
    assert_eq!(r["pushed"].as_u64().unwrap() as usize, TASKS + DOCS, "{r}");
    server
}

fn upstream(server: &Server) -> SocketAddr {
    server
        .url
        .strip_prefix("http://")
        .expect("the server serves plain HTTP here")
        .parse()
        .unwrap()
}

/// A new device of Ani's (logged in directly), then pointed at `url` for its syncs.
fn new_device(root: &Path, name: &str, server: &Server, url: &str) -> Luring {
    let l = Luring::login(root, name, server, ANI);
    let p = Profile::open(&l.dir).unwrap();
    p.store().put(luring_store::MetaKey::Server, url).unwrap();
    l
}

fn counts(l: &Luring) -> (i64, i64) {
    let s = Profile::open(&l.dir).unwrap().status().unwrap();
    (s.tasks, s.documents)
}

/// Syncs `l` through the library with the test's budget; every progress report.
fn watched_sync(l: &Luring, retries: u32) -> (luring_client::Result<()>, Vec<SyncProgress>) {
    let mut p = Profile::open(&l.dir).unwrap();
    let mut seen = Vec::new();
    let mut observe = |s: &SyncProgress| seen.push(s.clone());
    let r = p
        .sync_opts(SyncOptions {
            budget_bytes: Some(BUDGET),
            retries,
            observer: Some(&mut observe),
        })
        .map(|_| ());
    (r, seen)
}

fn assert_monotone(seen: &[SyncProgress]) {
    for w in seen.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            b.round_trips >= a.round_trips
                && b.retried >= a.retried
                && b.items_received >= a.items_received
                && b.bytes_received >= a.bytes_received
                && b.bytes_down >= a.bytes_down,
            "progress went back: {a:?} then {b:?}"
        );
        // Nobody writes meanwhile: the server's estimate of what waits only shrinks.
        if b.round_trips > a.round_trips {
            assert!(
                b.items_remaining <= a.items_remaining,
                "the estimate grew: {a:?} then {b:?}"
            );
        }
    }
}

#[test]
fn a_first_sync_over_flaky_resumes_after_every_cut_and_its_progress_only_moves_forward() {
    let tmp = tempfile::tempdir().unwrap();
    let server = unit_with_history(tmp.path());

    // The reference: the same first sync over no link at all.
    let clean = new_device(tmp.path(), "clean", &server, &server.url);
    let (r, reference) = watched_sync(&clean, 0);
    r.unwrap();
    assert_eq!(counts(&clean), (TASKS as i64, DOCS as i64));
    let last = reference.last().unwrap().clone();
    assert!(last.round_trips > 3, "{last:?}: the budget makes rounds");
    assert_eq!(last.items_remaining, 0);
    // The first answer already knew roughly how much waited.
    let first = &reference[0];
    assert!(
        first.items_received + first.items_remaining >= (TASKS + DOCS) as u64,
        "{first:?}"
    );
    assert_monotone(&reference);
    // For the record: what the device's own compacted documents weigh (automerge `save()`,
    // what sending current state instead of history could cost), against what came.
    if std::env::var_os("LURING_MEASURE_SAVE").is_some() {
        let p = Profile::open(&clean.dir).unwrap();
        let saved: i64 = p
            .store()
            .connection()
            .query_row("SELECT sum(length(snapshot)) FROM entities", [], |r| {
                r.get(0)
            })
            .unwrap();
        println!(
            "history received: {} B in {} changes; compacted documents: {saved} B",
            last.bytes_received, last.items_received
        );
    }

    let link = Link::start(upstream(&server), LinkProfile::by_name("flaky").unwrap()).unwrap();
    let flaky = new_device(
        tmp.path(),
        "flaky",
        &server,
        &format!("http://{}", link.addr()),
    );
    let t0 = Instant::now();
    let (r, seen) = watched_sync(&flaky, 200);
    let took = t0.elapsed();
    let stats = link.stop();
    let end = seen.last().unwrap().clone();
    println!("first sync over flaky: {took:?}, {end:?}, link {stats:?}; clean: {last:?}");
    r.unwrap_or_else(|e| panic!("the first sync over flaky failed: {e} after {end:?}"));
    assert_eq!(counts(&flaky), (TASKS as i64, DOCS as i64));
    assert!(stats.cuts > 0, "the link was never cut: {stats:?}");
    assert!(end.retried > 0, "{end:?}");
    assert_eq!(end.items_remaining, 0);
    assert_monotone(&seen);
    // Never from zero: a cut costs at most the round under way, so about what the clean
    // sync received arrives (a little more: smaller rounds after cuts, a lost answer's
    // round sent again), not that times the number of cuts.
    assert!(
        end.items_received <= last.items_received * 3 / 2,
        "received {} items over flaky, {} over a clean link, with {} cuts",
        end.items_received,
        last.items_received,
        end.retried
    );
}

#[test]
fn a_first_sync_killed_midway_keeps_what_it_received_and_downloads_only_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let server = unit_with_history(tmp.path());
    let budget = BUDGET.to_string();
    let sync_args = ["sync", "--json", "--budget-bytes", &budget];

    // What a whole first sync downloads, over no link.
    let whole = new_device(tmp.path(), "whole", &server, &server.url);
    let full = whole.json(&sync_args);
    let full_down = full["bytes_down"].as_u64().unwrap();

    // Over 3g (200 ms round trips), killed with SIGKILL once a third of the documents (the
    // bulk, which come after the tasks) are in.
    let link = Link::start(upstream(&server), LinkProfile::by_name("3g").unwrap()).unwrap();
    let dev = new_device(
        tmp.path(),
        "killed",
        &server,
        &format!("http://{}", link.addr()),
    );
    let mut child = dev
        .command()
        .args(sync_args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let kept = loop {
        let (_, docs) = counts(&dev);
        if docs as usize >= DOCS / 3 {
            break docs;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before it could be killed"
        );
        assert!(Instant::now() < deadline, "the first sync made no progress");
        std::thread::sleep(Duration::from_millis(50));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let (tasks, after_kill) = counts(&dev);
    assert!(
        tasks as usize == TASKS && after_kill >= kept && (after_kill as usize) < DOCS,
        "killed mid-sync: {tasks} tasks and {after_kill} documents kept (saw {kept})"
    );

    // Started again, it goes on from its stored cursor.
    let again = dev.json(&sync_args);
    assert_eq!(counts(&dev), (TASKS as i64, DOCS as i64));
    let again_down = again["bytes_down"].as_u64().unwrap();
    println!(
        "kept {after_kill} documents; the restart downloaded {again_down} B, a whole first sync {full_down} B"
    );
    assert!(
        again_down < full_down * 9 / 10,
        "the restart downloaded {again_down} B of a whole sync's {full_down} B: it started over"
    );
    link.stop();
}

/// An entity first sent whole (its history so far) is not sent again change by change
/// when the scan of the log reaches its later changes in a later round.
#[test]
fn a_first_sync_in_small_rounds_receives_each_change_once() {
    let tmp = tempfile::tempdir().unwrap();
    let server = unit_with_history(tmp.path());
    // Ani's first device edits the first task and document again: their last changes sit
    // at the end of the log, many rounds after their first.
    let ani = Luring::login(tmp.path(), "ani-again", &server, ANI);
    ani.sync();
    let tasks = ani.json(&["task", "list", "--json"]);
    let first_task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"].as_str().unwrap().ends_with("nomor 0"))
        .expect("the first task")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ani.ok(&["task", "set", &first_task, "--status", "selesai"]);
    ani.ok(&["task", "set", &first_task, "--title", "Verifikasi ulang"]);
    assert_eq!(ani.sync()["pushed"], 2);
    let fresh = new_device(tmp.path(), "fresh", &server, &server.url);
    let (r, seen) = watched_sync(&fresh, 0);
    r.unwrap();
    let last = seen.last().unwrap();
    assert!(last.round_trips > 3, "{last:?}: the budget makes rounds");
    assert_eq!(counts(&fresh), (TASKS as i64, DOCS as i64));
    // One change each for the tasks and documents, two more for the edited task: its
    // later changes came when the scan reached them, not again.
    assert_eq!(last.items_received, (TASKS + DOCS + 2) as u64, "{last:?}");
    let t = fresh.json(&["task", "show", &first_task, "--json"]);
    assert_eq!(
        (t["status"].as_str(), t["title"].as_str()),
        (Some("selesai"), Some("Verifikasi ulang"))
    );
}

/// A document edited in many sittings (each synced, so each its own change) reaches a new
/// device as one saved document: one item, fewer bytes than its changes, the same heads
/// (the new device's next edit reaches the old one).
#[test]
fn a_document_edited_many_times_arrives_as_one_saved_document() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let mut p = Profile::open(&ani.dir).unwrap();
    let id = p
        .new_document(&NewDocInput {
            title: "Laporan harian".into(),
            body: "Hari 0.".into(),
            ..Default::default()
        })
        .unwrap();
    let mut body = String::from("Hari 0.");
    for day in 1..=30 {
        body.push_str(&format!(" Hari {day}: kegiatan lapangan selesai."));
        p.set_document_body(&id, &body).unwrap();
        p.sync().unwrap();
    }
    let sent: usize = p
        .store()
        .entity_doc(&id)
        .unwrap()
        .get_changes(&[])
        .iter()
        .map(|c| c.raw_bytes().len())
        .sum();
    let fresh = new_device(tmp.path(), "fresh", &server, &server.url);
    let mut seen = Vec::new();
    let mut observe = |s: &SyncProgress| seen.push(s.clone());
    let mut q = Profile::open(&fresh.dir).unwrap();
    q.sync_opts(SyncOptions {
        observer: Some(&mut observe),
        ..SyncOptions::default()
    })
    .unwrap();
    let last = seen.last().unwrap();
    assert_eq!(last.items_received, 1, "{last:?}");
    assert!(
        (last.bytes_received as usize) < sent,
        "{} bytes for {sent} bytes of changes",
        last.bytes_received
    );
    assert_eq!(q.show_document(&id).unwrap().body, body);
    q.set_document_body(&id, &format!("{body} Ditutup."))
        .unwrap();
    q.sync().unwrap();
    p.sync().unwrap();
    assert!(p.show_document(&id).unwrap().body.ends_with("Ditutup."));
}
