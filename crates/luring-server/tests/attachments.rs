//! Attachments across an emulated 3T link, with a real `luring-server` process: a 2 MB
//! file crosses the `flaky` link (cut after 100 B–64 KB per connection) intact and each
//! cut costs at most one chunk; a `luring` process killed mid-transfer resumes instead of
//! starting over; and the server gives no byte to a user who may not read the document,
//! refuses lies (a manifest or chunk that is not the hash's, a hash no writable document
//! lists), an over-limit file with a sentence, and junk, without falling over.
//!
//! Needs the `luring` binary beside `luring-server` (`cargo build -p luring-cli`).

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use luring_client::Profile as ClientProfile;
use luring_netsim::{Link, Profile};
use luring_store::MetaKey;
use luring_sync::attachments::{chunk_count, CHUNK_SIZE};
use serde_json::Value;

mod common;
use common::*;

/// Bytes that do not compress (as a scan would not).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn upstream(server: &Server) -> SocketAddr {
    server.url.strip_prefix("http://").unwrap().parse().unwrap()
}

/// Makes a profile reach the server through `url` (the link) from now on.
fn point_at(l: &Luring, url: &str) {
    ClientProfile::open(&l.dir)
        .unwrap()
        .store()
        .put(MetaKey::Server, url)
        .unwrap();
}

/// A document of `l` with the file `bytes` attached; returns (doc id, hash).
fn doc_with_file(l: &Luring, dir: &Path, name: &str, bytes: &[u8]) -> (String, String) {
    let doc = l.id(&["doc", "new", "--title", "Laporan dana desa", "--json"]);
    let f = dir.join(name);
    std::fs::write(&f, bytes).unwrap();
    let list = l.json(&["doc", "attach", &doc, f.to_str().unwrap(), "--json"]);
    let hash = list[0]["hash"].as_str().unwrap().to_owned();
    assert_eq!(hash, blake3::hash(bytes).to_hex().to_string());
    (doc, hash)
}

/// The sync rounds only (no attachment moves), straight to the server.
fn sync_rounds(l: &Luring) {
    ClientProfile::open(&l.dir).unwrap().sync().unwrap();
}

#[test]
fn a_2mb_attachment_crosses_the_flaky_link_intact_and_a_cut_costs_at_most_one_chunk() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let size = 2_000_000usize;
    let bytes = noise(size, 1);
    let (doc, hash) = doc_with_file(&ani, tmp.path(), "scan.pdf", &bytes);
    sync_rounds(&ani);
    sync_rounds(&siti);
    assert_eq!(
        siti.json(&["doc", "attachments", &doc, "--json"])[0]["name"],
        "(belum diunduh)"
    );

    let link = Link::start(upstream(&server), Profile::by_name("flaky").unwrap()).unwrap();
    let url = format!("http://{}", link.addr());
    point_at(&ani, &url);
    point_at(&siti, &url);
    let manifest = chunk_count(size as u64) as u64 * 32;
    // Header allowance per request (request line, token, host, lengths; and the answer's).
    let per_request = 600u64;

    let t0 = Instant::now();
    let mut p = ClientProfile::open(&ani.dir).unwrap();
    let up = p.upload_attachments(&mut |_| {}).unwrap();
    let up_link = link.stats();
    let took_up = t0.elapsed();
    assert_eq!(up.uploaded, vec![hash.clone()], "{up:?}");
    // What the client sent beyond the file and its manifest is exactly what was cut.
    assert_eq!(
        up.bytes_up - size as u64 - manifest,
        up.resent_bytes,
        "{up:?}"
    );
    assert!(
        up.resent_bytes <= u64::from(up.retries) * CHUNK_SIZE,
        "{up:?}"
    );
    assert!(u64::from(up.retries) <= up_link.cuts, "{up:?} {up_link:?}");
    // On the link: every byte up beyond file + manifest + headers is at most one chunk
    // (and its headers) per cut.
    let requests = u64::from(chunk_count(size as u64)) + 2 + u64::from(up.retries);
    let extra_up = up_link
        .bytes_up
        .saturating_sub(size as u64 + manifest + requests * per_request);
    assert!(
        extra_up <= up_link.cuts * (CHUNK_SIZE + per_request),
        "{extra_up} extra bytes up for {} cuts",
        up_link.cuts
    );
    println!(
        "upload over flaky: {took_up:?}, {} cuts, {} retries, {} bytes re-sent by the client, link up {} bytes for {} (+{} manifest)",
        up_link.cuts, up.retries, up.resent_bytes, up_link.bytes_up, size, manifest
    );

    let t1 = Instant::now();
    let out = tmp.path().join("diterima.pdf");
    let mut s = ClientProfile::open(&siti.dir).unwrap();
    let (view, down) = s
        .fetch_attachment(&doc, &hash, Some(&out), &mut |_| {})
        .unwrap();
    let took_down = t1.elapsed();
    let all = link.stop();
    let cuts_down = all.cuts - up_link.cuts;
    assert_eq!(
        std::fs::read(&out).unwrap(),
        bytes,
        "the bytes arrive intact"
    );
    assert_eq!(
        blake3::hash(&std::fs::read(&out).unwrap())
            .to_hex()
            .to_string(),
        hash
    );
    assert_eq!(view.bytes, size as u64);
    assert_eq!(
        down.bytes_down,
        size as u64 + manifest,
        "only verified bytes are kept"
    );
    let down_link = all.bytes_down - up_link.bytes_down;
    let requests = u64::from(chunk_count(size as u64)) + 2 + u64::from(down.retries);
    let extra_down = down_link.saturating_sub(size as u64 + manifest + requests * per_request);
    assert!(
        extra_down <= cuts_down * (CHUNK_SIZE + per_request),
        "{extra_down} extra bytes down for {cuts_down} cuts"
    );
    println!(
        "download over flaky: {took_down:?}, {cuts_down} cuts, {} retries, link down {down_link} bytes for {size} (+{manifest} manifest)",
        down.retries
    );
    // Listed with its size now; the CLI agrees.
    let l = siti.json(&["doc", "attachments", &doc, "--json"]);
    assert_eq!(l[0]["bytes"], size);
}

/// Runs `luring ARGS` and SIGKILLs it once `ready` says the transfer is under way.
fn kill_when(l: &Luring, args: &[&str], ready: impl Fn() -> bool) {
    let mut child = l
        .command()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let end = Instant::now() + Duration::from_secs(30);
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("luring {args:?} ended ({status}) before it could be killed");
        }
        assert!(Instant::now() < end, "the transfer never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

fn ones(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| b.iter().filter(|x| **x == 1).count())
}

#[test]
fn a_killed_transfer_resumes_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let size = 600_000usize;
    let chunks = chunk_count(size as u64) as usize;
    let bytes = noise(size, 2);
    // The document reaches the server first; the attachment goes through a 3g link (no
    // cuts, 1 Mbit/s up: about 5 s for the file), slow enough to kill the process midway.
    let doc = ani.id(&["doc", "new", "--title", "Foto kegiatan", "--json"]);
    ani.sync();
    let f = tmp.path().join("foto.jpg");
    std::fs::write(&f, &bytes).unwrap();
    ani.ok(&["doc", "attach", &doc, f.to_str().unwrap()]);
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let link = Link::start(upstream(&server), Profile::by_name("3g").unwrap()).unwrap();
    let url = format!("http://{}", link.addr());
    point_at(&ani, &url);

    let have = server
        .data
        .join("attachments/partial")
        .join(&hash)
        .join("have");
    kill_when(&ani, &["sync"], || ones(&have) >= 8);
    let before = ones(&have);
    assert!(
        before >= 8 && before < chunks,
        "{before} of {chunks} chunks before the kill"
    );
    let r = ani.sync();
    let a = &r["attachments"];
    assert_eq!(a["uploaded"], serde_json::json!([hash]), "{r}");
    let resumed = a["resumed_chunks"].as_u64().unwrap();
    assert!(resumed >= before as u64, "{r}");
    assert!(
        a["bytes_up"].as_u64().unwrap() < size as u64,
        "the second run sent less than the whole file: {r}"
    );
    println!("upload resumed after SIGKILL: {before} of {chunks} chunks kept, {r}");

    // The download, killed and resumed the same way.
    sync_rounds(&siti);
    point_at(&siti, &url);
    let out = tmp.path().join("foto-siti.jpg");
    let part = siti.dir.join("attachment-transfers/partial").join(&hash);
    let seen = std::cell::Cell::new(None::<Instant>);
    kill_when(
        &siti,
        &["doc", "fetch", &doc, &hash, "--out", out.to_str().unwrap()],
        || {
            // A second after the manifest is kept, a good part of the file is there.
            if part.join("manifest").is_file() && seen.get().is_none() {
                seen.set(Some(Instant::now()));
            }
            seen.get()
                .is_some_and(|t| t.elapsed() > Duration::from_millis(1200))
        },
    );
    assert!(
        !out.exists(),
        "nothing is written out before it is whole and verified"
    );
    let v: Value = siti.json(&[
        "doc",
        "fetch",
        &doc,
        &hash,
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let t = &v["transfer"];
    assert!(t["resumed_chunks"].as_u64().unwrap() > 0, "{v}");
    assert!(t["bytes_down"].as_u64().unwrap() < size as u64, "{v}");
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    assert!(!part.exists(), "the partial download is gone once complete");
    println!("download resumed after SIGKILL: {v}");
    link.stop();
}

/// A raw request with a bearer token: status and body.
fn call(method: &str, url: &str, token: Option<&str>, body: Vec<u8>) -> (u16, Vec<u8>) {
    let c = http();
    let mut r = match method {
        "GET" => c.get(url),
        _ => c.put(url).body(body),
    };
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.bytes().unwrap().to_vec())
}

fn code(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn no_byte_to_who_may_not_read_and_lies_junk_and_big_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let maria = Luring::login(tmp.path(), "maria", &server, MARIA); // another unit
    let bytes = noise(40_000, 3);
    let (doc, hash) = doc_with_file(&ani, tmp.path(), "rahasia.pdf", &bytes);
    let r = ani.sync();
    assert_eq!(
        r["attachments"]["uploaded"],
        serde_json::json!([hash]),
        "{r}"
    );
    let base =
        |doc: &str, hash: &str| format!("{}/v1/documents/{doc}/attachments/{hash}", server.url);
    let ani_t = ani.meta("token");
    let maria_t = maria.meta("token");

    // Ani reads it back; Maria gets no byte, by any route.
    let (s, b) = call(
        "GET",
        &format!("{}/chunks/0", base(&doc, &hash)),
        Some(&ani_t),
        vec![],
    );
    assert_eq!((s, &b[..]), (200, &bytes[..CHUNK_SIZE as usize]));
    for rest in ["", "/manifest/0", "/chunks/0", "/chunks/1"] {
        let (s, b) = call(
            "GET",
            &format!("{}{rest}", base(&doc, &hash)),
            Some(&maria_t),
            vec![],
        );
        assert_eq!(
            (s, code(&b).as_str()),
            (403, "attachment_forbidden"),
            "{rest}"
        );
        assert!(!b.windows(32).any(|w| bytes.windows(32).next() == Some(w)));
    }
    // Nor can she start an upload of that hash under her own document, which does not list
    // it, or under Ani's.
    let mdoc = maria.id(&["doc", "new", "--title", "Catatan", "--json"]);
    maria.sync();
    for d in [&mdoc, &doc] {
        let (s, b) = call(
            "PUT",
            &format!("{}?size=40000", base(d, &hash)),
            Some(&maria_t),
            vec![],
        );
        assert_eq!((s, code(&b).as_str()), (403, "attachment_forbidden"));
    }
    // Knowing the hash is not enough: Maria lists it in her own document (a modified
    // client can) and still gets no byte through it; claiming to hold it needs a proof.
    luring_store::Store::open(&maria.dir.join(luring_client::DB_FILE))
        .unwrap()
        .attach(&mdoc, &hash, "curian.pdf", 40_000)
        .unwrap();
    let r = maria.sync();
    assert_eq!(r["attachments"]["waiting"][0]["hash"], hash.as_str(), "{r}");
    for rest in ["", "/manifest/0", "/chunks/0"] {
        let (s, b) = call(
            "GET",
            &format!("{}{rest}", base(&mdoc, &hash)),
            Some(&maria_t),
            vec![],
        );
        assert_eq!(
            (s, code(&b).as_str()),
            (403, "attachment_forbidden"),
            "{rest}"
        );
    }
    let (s, b) = call(
        "PUT",
        &format!("{}?size=40000", base(&mdoc, &hash)),
        Some(&maria_t),
        vec![],
    );
    let st: Value = serde_json::from_slice(&b).unwrap();
    assert!(s == 200 && st["proof_nonce"].is_string(), "{st}");
    let (s, b) = call(
        "PUT",
        &format!("{}/proof", base(&mdoc, &hash)),
        Some(&maria_t),
        vec![0; 32],
    );
    assert_eq!((s, code(&b).as_str()), (422, "attachment_mismatch"));
    assert_eq!(
        call(
            "GET",
            &format!("{}/chunks/0", base(&mdoc, &hash)),
            Some(&maria_t),
            vec![]
        )
        .0,
        403
    );
    // Siti, who holds the same bytes, attaches them to her own document: the proof (not
    // the bytes) crosses, and her document then opens the file.
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let (sdoc, shash) = doc_with_file(&siti, tmp.path(), "salinan.pdf", &bytes);
    assert_eq!(shash, hash);
    let r = siti.sync();
    assert_eq!(
        r["attachments"]["uploaded"],
        serde_json::json!([hash]),
        "{r}"
    );
    assert!(r["attachments"]["bytes_up"].as_u64().unwrap() < 100, "{r}");
    let (s, b) = call(
        "GET",
        &format!("{}/chunks/0", base(&sdoc, &hash)),
        Some(&siti.meta("token")),
        vec![],
    );
    assert_eq!((s, &b[..]), (200, &bytes[..CHUNK_SIZE as usize]));

    // Without a token: 401.
    assert_eq!(call("GET", &base(&doc, &hash), None, vec![]).0, 401);

    // A lying manifest and a chunk that is not the manifest's are refused; nothing is kept.
    let other = noise(50_000, 4);
    let (doc2, hash2) = doc_with_file(&ani, tmp.path(), "lampiran.pdf", &other);
    sync_rounds(&ani); // the document change, not the bytes
    let b2 = base(&doc2, &hash2);
    let (s, b) = call("PUT", &format!("{b2}?size=50000"), Some(&ani_t), vec![]);
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    let (s, b) = call(
        "PUT",
        &format!("{b2}/chunks/0"),
        Some(&ani_t),
        other[..16384].to_vec(),
    );
    assert_eq!(
        (s, code(&b).as_str()),
        (409, "attachment_upload_state"),
        "no chunk before the manifest"
    );
    let (s, b) = call(
        "PUT",
        &format!("{b2}/manifest/0"),
        Some(&ani_t),
        vec![7; 4 * 32],
    );
    assert_eq!((s, code(&b).as_str()), (422, "attachment_mismatch"));
    let mut m = luring_sync::attachments::ManifestBuilder::new(50_000);
    for c in other.chunks(CHUNK_SIZE as usize) {
        m.push(c);
    }
    let (s, _) = call("PUT", &format!("{b2}/manifest/0"), Some(&ani_t), m.finish());
    assert_eq!(s, 200);
    let mut bad = other[..16384].to_vec();
    bad[100] ^= 0xff;
    let (s, b) = call("PUT", &format!("{b2}/chunks/0"), Some(&ani_t), bad);
    assert_eq!((s, code(&b).as_str()), (422, "attachment_mismatch"));
    let (s, b) = call(
        "PUT",
        &format!("{b2}/chunks/3"),
        Some(&ani_t),
        other[..100].to_vec(),
    );
    assert_eq!((s, code(&b).as_str()), (400, "bad_request"), "wrong length");
    let st: Value = serde_json::from_slice(&call("GET", &b2, Some(&ani_t), vec![]).1).unwrap();
    assert_eq!(
        (
            st["complete"].as_bool(),
            st["have"].as_array().map(Vec::len)
        ),
        (Some(false), Some(0))
    );
    assert_eq!(
        call("GET", &format!("{b2}/chunks/0"), Some(&ani_t), vec![]).0,
        404
    );
    // The honest client finishes it (the manifest is already there).
    let r = ani.sync();
    assert_eq!(
        r["attachments"]["uploaded"],
        serde_json::json!([hash2]),
        "{r}"
    );

    // Over the limit: refused with a sentence, before any byte; and by the client too.
    let (doc3, _) = doc_with_file(&ani, tmp.path(), "kecil.txt", b"kecil");
    sync_rounds(&ani);
    let small = blake3::hash(b"kecil").to_hex().to_string();
    let (s, b) = call(
        "PUT",
        &format!("{}?size=30000000", base(&doc3, &small)),
        Some(&ani_t),
        vec![],
    );
    let msg = String::from_utf8_lossy(&b).into_owned();
    assert_eq!((s, code(&b).as_str()), (413, "attachment_too_big"), "{msg}");
    assert!(msg.contains("at most 25.0 MB"), "{msg}");
    let big = tmp.path().join("besar.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(26_000_000)
        .unwrap();
    let out = ani.run_in(&["doc", "attach", &doc3, big.to_str().unwrap()], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 25 MB"), "{err}");

    // Junk: refused, and the server keeps serving.
    for (method, path, body) in [
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/..%2F..%2Fserver.db"),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/{}", "G".repeat(64)),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/..%2F/attachments/{hash}"),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/{hash}/chunks/-1"),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/{hash}/chunks/99999999999"),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/{hash}/chunks/9999"),
            vec![],
        ),
        (
            "GET",
            format!("/v1/documents/{doc}/attachments/{hash}/manifest/5"),
            vec![],
        ),
        (
            "PUT",
            format!("/v1/documents/{doc}/attachments/{hash}?size=x"),
            vec![],
        ),
        (
            "PUT",
            format!("/v1/documents/{doc}/attachments/{hash}/chunks/0"),
            vec![0; 1 << 20],
        ),
        (
            "PUT",
            format!("/v1/documents/{doc}/attachments/{hash}/manifest/0"),
            vec![1; 100_000],
        ),
    ] {
        let (s, b) = call(method, &format!("{}{path}", server.url), Some(&ani_t), body);
        assert!(
            (400..500).contains(&s),
            "{method} {path}: {s} {}",
            String::from_utf8_lossy(&b)
        );
    }
    let huge = "x".repeat(1 << 20);
    let r = http()
        .get(base(&doc, &hash))
        .bearer_auth(&ani_t)
        .header("x-junk", huge)
        .send();
    if let Ok(r) = r {
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    assert_eq!(health(&server.url), 200, "the server still serves");
}

/// What a colleague is told when an attachment cannot come down yet, by its cause (issue
/// 15: refusals in plain words): the sender has synced the document but not finished
/// uploading the file, or the document itself has not reached the server.
#[test]
fn an_attachment_that_cannot_come_down_yet_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let (doc, hash) = doc_with_file(&ani, tmp.path(), "scan.pdf", &noise(30_000, 9));
    // Ani's document reaches the server; its file does not (only the sync rounds ran).
    sync_rounds(&ani);
    sync_rounds(&siti);
    let mut p = ClientProfile::open(&siti.dir).unwrap();
    let e = p
        .fetch_attachment(&doc, &hash, None, &mut |_| {})
        .unwrap_err();
    assert_eq!(e.code(), "attachment_not_uploaded", "{e}");
    // Once Ani's device moves the file, the same click brings it.
    ani.sync();
    let (view, _) = p.fetch_attachment(&doc, &hash, None, &mut |_| {}).unwrap();
    assert_eq!(view.bytes, 30_000);

    // A document Siti has but the server has not seen (a bundle, a modified client): the
    // server will not say whether any such file exists.
    let (doc2, hash2) = doc_with_file(&siti, tmp.path(), "lain.pdf", &noise(20_000, 10));
    std::fs::remove_file(siti.dir.join(luring_client::ATTACHMENTS_DIR).join(&hash2)).unwrap();
    let e = p
        .fetch_attachment(&doc2, &hash2, None, &mut |_| {})
        .unwrap_err();
    assert_eq!(e.code(), "attachment_forbidden", "{e}");
}
