//! Floods against a real server process: logins with made-up NIPs from many addresses,
//! guesses at a colleague's password, oversized bodies; and the data folder's modes.
//!
//! All traffic is loopback; different sources are emulated by binding the client socket
//! to 127.0.x.y (Linux routes all of 127/8 to loopback).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

mod common;
use common::*;

/// A blocking HTTP client whose connections come from `from`.
fn client_from(from: [u8; 4]) -> reqwest::blocking::Client {
    // reqwest has no default TLS provider here (see `common::http`).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::from(from)))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A well-formed login request for `nip`: a valid device key and actor, and a proof of
/// holding the key over a fresh challenge — so the server gets as far as the password.
fn login_body(url: &str, nip: &str, password: &str, key_seed: u8) -> Vec<u8> {
    let key = ed25519_dalek::SigningKey::from_bytes(&[key_seed; 32]);
    let actor = luring_model::device_actor(key.verifying_key().as_bytes());
    let req = hostile::honest_login(url, nip, password, &key, &actor);
    serde_json::to_vec(&req).unwrap()
}

/// POSTs a login from `c`; returns the status and the answer's JSON.
fn login(c: &reqwest::blocking::Client, url: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    let r = c
        .post(format!("{url}/v1/login"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(serde_json::Value::Null))
}

/// A value from `/proc/PID/status` in KiB (VmHWM: peak resident memory; VmRSS: now).
fn proc_kib(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = s.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_login_flood_stays_bounded_and_the_owner_still_logs_in() {
    let (tmp, server) = demo_agency();
    let url = server.url.clone();
    let flood = 200;
    let start = Arc::new(Barrier::new(flood + 1));
    let attackers: Vec<_> = (0..flood)
        .map(|i| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                // Each from its own address: the per-address cap does not help here, only
                // the bounded verification slots do.
                let c = client_from([127, 0, 1 + (i / 250) as u8, 1 + (i % 250) as u8]);
                let nip = format!("{:018}", 900_000_000_000_000_000u64 + i as u64);
                let body = login_body(&url, &nip, "tebakan", 1 + (i % 200) as u8);
                start.wait();
                login(&c, &url, body)
            })
        })
        .collect();
    start.wait();
    // The real owner logs in with the CLI (from 127.0.0.1) while the flood is queued.
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let owner_took = t.elapsed();
    assert_eq!(ani.meta("nip"), ANI.0);

    let mut counts = std::collections::BTreeMap::new();
    for a in attackers {
        let (status, body) = a.join().unwrap();
        assert!(
            matches!(status, 401 | 429 | 503),
            "a made-up NIP got {status}: {body}"
        );
        if status != 401 {
            assert!(
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("try again")),
                "{body}"
            );
        }
        *counts.entry(status).or_insert(0) += 1;
    }
    assert!(counts.get(&401).copied().unwrap_or(0) > 0, "{counts:?}");
    let peak_mb = proc_kib(server.pid(), "VmHWM:") / 1024;
    let now_mb = proc_kib(server.pid(), "VmRSS:") / 1024;
    eprintln!("flood answers {counts:?}; owner took {owner_took:?}; server peak {peak_mb} MB, now {now_mb} MB");
    assert!(peak_mb < 300, "the server grew to {peak_mb} MB");
    // The server still answers afterwards.
    assert_eq!(health(&url), 200);
}

#[test]
fn one_address_cannot_queue_more_than_a_few_logins() {
    let (_tmp, server) = demo_agency();
    let n = 40;
    let start = Arc::new(Barrier::new(n));
    let answers: Vec<_> = (0..n)
        .map(|i| {
            let (url, start) = (server.url.clone(), start.clone());
            std::thread::spawn(move || {
                let c = client_from([127, 0, 0, 5]);
                let nip = format!("{:018}", 800_000_000_000_000_000u64 + i as u64);
                let body = login_body(&url, &nip, "tebakan", 1 + i as u8);
                start.wait();
                login(&c, &url, body)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let busy: Vec<_> = answers
        .iter()
        .filter(|(s, b)| *s == 429 && b["code"] == "address_busy")
        .collect();
    for (status, body) in &answers {
        assert!(matches!(status, 401 | 429), "{status}: {body}");
    }
    assert!(!busy.is_empty(), "{answers:?}");
    assert_eq!(
        busy[0].1["message"],
        "too many logins from your address at once: wait a moment and try again"
    );
    // At most four from that address were ever checked at once; the rest were refused
    // without an argon2 verification, and the failures were counted for that address only.
    let c = client_from([127, 0, 0, 6]);
    let (status, body) = login(
        &c,
        &server.url,
        login_body(&server.url, MARIA.0, MARIA.1, 77),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_attackers_guesses_never_stop_the_owner() {
    let (tmp, server) = demo_agency();
    let attacker = client_from([127, 0, 0, 2]);
    for _ in 0..3 {
        let (status, body) = login(
            &attacker,
            &server.url,
            login_body(&server.url, ANI.0, "salah", 9),
        );
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["code"], "bad_credentials");
    }
    // The attacker must now wait…
    let throttled_at = std::time::Instant::now();
    let (status, body) = login(
        &attacker,
        &server.url,
        login_body(&server.url, ANI.0, "salah", 9),
    );
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["code"], "throttled");
    // The announced wait is what is left of the 2-second delay: on a loaded machine the
    // three argon2 refusals above may already have used up part of it.
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message == "too many failed logins: wait 2 seconds and try again"
            || message == "too many failed logins: wait 1 seconds and try again",
        "{message}"
    );
    // …but Ani, from her own address, logs in at once.
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    assert_eq!(ani.meta("nip"), ANI.0);
    let owner = client_from([127, 0, 0, 3]);
    let (status, body) = login(
        &owner,
        &server.url,
        login_body(&server.url, ANI.0, ANI.1, 3),
    );
    assert_eq!(status, 200, "{body}");

    // Someone behind the attacker's address (one office, one address) is delayed, not
    // locked out: after the announced wait the right password works. (On a loaded machine
    // Ani's logins above may have outlasted the wait already.)
    let (status, body) = login(
        &attacker,
        &server.url,
        login_body(&server.url, ANI.0, ANI.1, 4),
    );
    if throttled_at.elapsed() < Duration::from_millis(1500) {
        assert_eq!(status, 429, "{body}");
    }
    std::thread::sleep(Duration::from_secs(2));
    let (status, body) = login(
        &attacker,
        &server.url,
        login_body(&server.url, ANI.0, ANI.1, 4),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn every_route_limits_its_body() {
    let (_tmp, server) = demo_agency();
    let c = client_from([127, 0, 0, 4]);
    // A login body over 8 KB is refused before it is parsed.
    let mut big = login_body(&server.url, BUDI.0, BUDI.1, 5);
    big.extend(std::iter::repeat_n(b' ', 9 << 10));
    let (status, _) = login(&c, &server.url, big);
    assert_eq!(status, 413);
    let (status, body) = login(&c, &server.url, login_body(&server.url, BUDI.0, BUDI.1, 5));
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    // Sync keeps its own, larger limit: 1 MB is read (and refused as not a message)…
    let (status, body) = post(&server.url, Some(&token), vec![0xAB; 1 << 20]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("bad_message"), "{body}");
    // …17 MB is not.
    let (status, _) = post(&server.url, Some(&token), vec![0xAB; 17 << 20]);
    assert_eq!(status, 413);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[cfg(unix)]
#[test]
fn the_data_folder_is_private_and_repaired_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    seed(&data);
    let files = |data: &Path| -> Vec<(String, u32)> {
        let mut v: Vec<_> = std::fs::read_dir(data)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    mode(&p),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(mode(&data), 0o700);
    for (name, m) in files(&data) {
        assert_eq!(m, 0o600, "{name} after seeding");
    }
    assert!(files(&data).iter().any(|(n, _)| n == "server.db"));
    assert!(files(&data).iter().any(|(n, _)| n == "agency.key"));

    // Opened to everyone (a restore with the default umask): the next start repairs it.
    set_mode(&data, 0o755);
    set_mode(&data.join("server.db"), 0o644);
    set_mode(&data.join("agency.key"), 0o644);
    let server = Server::start(&data, "127.0.0.1:0");
    assert_eq!(health(&server.url), 200);
    assert_eq!(mode(&data), 0o700);
    for (name, m) in files(&data) {
        assert_eq!(m & 0o077, 0, "{name} after start: {m:o}");
    }
    drop(server);

    // An admin command repairs too, and says what it fixed.
    set_mode(&data.join("server.db"), 0o640);
    let out = std::process::Command::new(bin("luring-server"))
        .args(["--data", data.to_str().unwrap(), "admin", "add-unit", "X.Y"])
        .args(["--name", "Uji", "--parent", "BAPPEDA"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("server.db was open to others (mode 640); it is now 600"),
        "{stderr}"
    );
    assert_eq!(mode(&data.join("server.db")), 0o600);
}
