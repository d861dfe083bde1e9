//! HTTPS end to end, and the accept loop's bounds, against real `luring-server` processes.
//!
//! Certificates are made here with rcgen: an agency CA and server certificates it signs
//! (good, expired, for another host). The client must log in, sync and carry an approval
//! over HTTPS when given the agency CA; a wrong CA, an expired certificate and a wrong host
//! name must each fail with their own sentence; plain http to a host that is not this
//! computer must be refused before the password leaves. The server must cut connections
//! whose request head never finishes, while others keep syncing, and cap open connections.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use luring_client::{LoginOptions, Profile};

mod common;
use common::*;
use luring_testkit::tls::Ca;

const PASS_SITI: &str = "tanda tangan siti 2026";

/// A TLS server with `cert`/`key` on a fresh agency (seeded with the demo people if `seeded`).
fn tls_server(data: &Path, cert: &Path, key: &Path, seeded: bool) -> Server {
    if seeded {
        seed(data);
    } else {
        admin(data, &["init", "--agency", "Bappeda Uji"]);
    }
    let s = Server::start_with(
        data,
        "127.0.0.1:0",
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    s
}

/// The server's address by the name its certificate is for.
fn by_name(s: &Server) -> String {
    format!("https://localhost:{}", s.port())
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn login_sync_and_an_approval_over_https_with_the_agency_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ca = Ca::new(root, "agency");
    let (cert, key) = ca.server_cert(root, "server", &["localhost", "127.0.0.1"], false);
    let server = tls_server(&root.join("server"), &cert, &key, true);
    let url = by_name(&server);
    let ca_arg = ca.pem.to_str().unwrap();

    let profile = |name: &str, who: (&str, &str)| {
        let l = Luring {
            dir: root.join(name),
        };
        let out = l.try_login(&url, who, &["--ca-file", ca_arg]);
        assert!(out.status.success(), "{}", stderr(&out));
        l
    };
    let ani = profile("ani", ANI);
    let siti = profile("siti", SITI);

    // The CA is kept in the profile, owner-only, and used by every later sync.
    let kept = ani.dir.join(luring_client::CA_FILE);
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        std::fs::read(&ca.pem).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    std::fs::remove_file(&ca.pem).unwrap();

    ani.ok(&["task", "add", "Rekap data desa lewat HTTPS"]);
    assert_eq!(ani.sync()["pushed"], 1);
    let ani2 = {
        let l = Luring {
            dir: root.join("ani2"),
        };
        std::fs::create_dir_all(&l.dir).unwrap();
        std::fs::copy(&kept, root.join("copy-ca.pem")).unwrap();
        let out = l.try_login(
            &url,
            ANI,
            &["--ca-file", root.join("copy-ca.pem").to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        l
    };
    ani2.sync();
    assert_eq!(ani2.task_titles(), vec!["Rekap data desa lewat HTTPS"]);

    // An approval, asked, signed and seen over HTTPS.
    let doc = ani.new_doc(
        "Nota dinas",
        "Dengan hormat, mohon izin perjalanan dinas.\n",
    );
    let req = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.sync();
    siti.sync();
    siti.set_passphrase(PASS_SITI);
    siti.ok_with(
        &[
            "approval",
            "sign",
            &req,
            "--approve",
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{PASS_SITI}\n"),
    );
    assert!(siti.sync()["pushed"].as_u64().unwrap() >= 1);
    ani.sync();
    assert_eq!(
        ani.json(&["approval", "show", &req, "--json"])["status"],
        "disetujui"
    );
}

#[test]
fn a_wrong_ca_an_expired_certificate_and_a_wrong_host_each_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ca = Ca::new(root, "agency");
    let other = Ca::new(root, "other");
    let (good, good_key) = ca.server_cert(root, "good", &["localhost"], false);
    let (old, old_key) = ca.server_cert(root, "expired", &["localhost"], true);
    let (elsewhere, elsewhere_key) =
        ca.server_cert(root, "elsewhere", &["luring.example.go.id"], false);
    let good = tls_server(&root.join("s1"), &good, &good_key, false);
    let expired = tls_server(&root.join("s2"), &old, &old_key, false);
    let wrong_host = tls_server(&root.join("s3"), &elsewhere, &elsewhere_key, false);

    let login = |name: &str, server: &Server, ca: &Path| {
        let l = Luring {
            dir: root.join(name),
        };
        let out = l.try_login(&by_name(server), ANI, &["--ca-file", ca.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(
            !l.dir.join(luring_client::CA_FILE).exists(),
            "a CA that did not work is not kept"
        );
        stderr(&out)
    };

    let e = login("wrong-ca", &good, &other.pem);
    assert!(
        e.contains("not signed by an authority this computer trusts") && e.contains("--ca-file"),
        "{e}"
    );
    let e = login("expired", &expired, &ca.pem);
    assert!(e.contains("has expired"), "{e}");
    assert!(!e.contains("not signed by"), "{e}");
    let e = login("wrong-host", &wrong_host, &ca.pem);
    assert!(e.contains("made for another host name"), "{e}");
    assert!(!e.contains("expired"), "{e}");

    // The same, as codes for the desktop: and without any CA, the server's is unknown.
    let code = |server: &Server, ca: Option<&Path>| {
        let dir = root.join(format!("api-{}", server.port()));
        let opts = LoginOptions {
            ca_file: ca.map(Path::to_owned),
            ..LoginOptions::default()
        };
        Profile::login(&dir, &by_name(server), ANI.0, ANI.1, &opts)
            .err()
            .map(|e| e.code())
    };
    assert_eq!(code(&good, None), Some("tls_untrusted"));
    assert_eq!(code(&expired, Some(&ca.pem)), Some("tls_expired"));
    assert_eq!(code(&wrong_host, Some(&ca.pem)), Some("tls_wrong_host"));
}

#[test]
fn plain_http_to_another_host_is_refused_before_the_password_is_sent() {
    // Every http request of the CLI goes to this local "proxy": if the password were sent,
    // it would arrive here (nothing ever leaves this machine).
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    proxy.set_nonblocking(true).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--profile",
            tmp.path().to_str().unwrap(),
            "login",
            "--server",
            "http://192.0.2.1:9",
            "--nip",
            ANI.0,
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        let mut child = std::process::Command::new(luring_bin())
            .args(&args)
            .env_remove("LURING_PROFILE")
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env("HTTP_PROXY", &proxy_url)
            .env("http_proxy", &proxy_url)
            .env("ALL_PROXY", &proxy_url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = writeln!(stdin, "{}", ANI.1);
        drop(stdin);
        child
    };

    let started = Instant::now();
    let out = run(&[]).wait_with_output().unwrap();
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("refusing to send your password") && e.contains("--allow-insecure-http"),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        proxy.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "nothing was sent"
    );

    // The control: with the lab flag the same login does send, so the silence above is the
    // refusal and not a proxy that was never used.
    let child = run(&["--allow-insecure-http"]);
    let end = Instant::now() + Duration::from_secs(10);
    // The login first asks for a challenge (no password in it): the fake server answers
    // that one, then reads the login itself, on the same connection or a new one.
    let mut got = Vec::new();
    let mut answered = false;
    while !String::from_utf8_lossy(&got).contains(ANI.1) {
        let mut conn = match proxy.accept() {
            Ok((c, _)) => c,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < end => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => panic!("the lab login never came: {e}"),
        };
        conn.set_nonblocking(false).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            let text = String::from_utf8_lossy(&got).into_owned();
            if text.contains(ANI.1) {
                break;
            }
            if !answered && text.contains("/v1/login/challenge") && text.contains("\r\n\r\n") {
                answered = true;
                let body = format!("{{\"challenge\":\"{}\"}}", "00".repeat(40));
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                conn.write_all(head.as_bytes()).unwrap();
                conn.write_all(body.as_bytes()).unwrap();
            }
        }
    }
    assert!(String::from_utf8_lossy(&got).contains(ANI.1));
    assert!(!child.wait_with_output().unwrap().status.success());

    // In the library too, with no connection attempted (the address is never routed).
    let started = Instant::now();
    let e = Profile::login(
        &tmp.path().join("api"),
        "http://192.0.2.1:9",
        ANI.0,
        ANI.1,
        &LoginOptions::default(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "insecure_http");
    assert!(started.elapsed() < Duration::from_millis(500));
    let e = Profile::login(
        &tmp.path().join("api"),
        "luring.example.go.id",
        ANI.0,
        ANI.1,
        &LoginOptions::default(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "server_address");
}

/// Opens a connection and sends half a request head, never finishing it.
fn half_sent(port: &str) -> TcpStream {
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    s.write_all(b"POST /v1/sync HTTP/1.1\r\nHost: luring\r\nContent-Ty")
        .unwrap();
    s
}

/// True once the server has closed `s` (EOF or reset), false if still open at `deadline`.
fn closed_by(s: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 512];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 before the close is fine
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn idle_half_sent_connections_are_cut_while_another_device_syncs() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    seed(&data);
    let server = Server::start_with(&data, "127.0.0.1:0", &["--header-timeout-secs", "2"]);
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let ani2 = Luring::login(tmp.path(), "ani2", &server, ANI);

    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..300).map(|_| half_sent(server.port())).collect();

    // While they hang, another device's work still goes through, promptly.
    ani.ok(&["task", "add", "Tetap tersinkron"]);
    let t = Instant::now();
    assert_eq!(ani.sync()["pushed"], 1);
    ani2.sync();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(ani2.task_titles(), vec!["Tetap tersinkron"]);

    // Not cut at once, but all cut soon after the 2 s header timeout.
    assert!(!closed_by(
        &mut idle[0],
        opened + Duration::from_millis(1000)
    ));
    let deadline = opened + Duration::from_secs(8);
    let still_open = idle
        .iter_mut()
        .map(|s| closed_by(s, deadline))
        .filter(|closed| !closed)
        .count();
    assert_eq!(still_open, 0, "connections never cut");
    assert_eq!(health(&server.url), 200);
}

#[test]
fn a_body_that_stops_arriving_is_cut_after_the_body_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    admin(&data, &["init", "--agency", "Bappeda Uji"]);
    let server = Server::start_with(&data, "127.0.0.1:0", &["--body-timeout-secs", "1"]);
    let mut s = TcpStream::connect(format!("127.0.0.1:{}", server.port())).unwrap();
    let started = Instant::now();
    s.write_all(
        b"POST /v1/login HTTP/1.1\r\nHost: luring\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"nip\": \"1987",
    )
    .unwrap();
    // Headers are complete (the 20 s header timeout no longer applies); the body stalls.
    assert!(closed_by(&mut s, started + Duration::from_secs(6)));
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(health(&server.url), 200);
}

#[test]
fn open_connections_are_capped_and_a_waiting_client_is_served_when_one_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    admin(&data, &["init", "--agency", "Bappeda Uji"]);
    let server = Server::start_with(
        &data,
        "127.0.0.1:0",
        &["--header-timeout-secs", "2", "--max-connections", "3"],
    );
    assert_eq!(health(&server.url), 200);
    let opened = Instant::now();
    let _idle: Vec<TcpStream> = (0..3).map(|_| half_sent(server.port())).collect();
    // The fourth waits for a slot: one frees when the idle ones are cut at 2 s.
    assert_eq!(health(&server.url), 200);
    let waited = opened.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
}

#[test]
fn a_tls_handshake_that_never_finishes_is_cut_and_sigterm_stops_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ca = Ca::new(root, "agency");
    let (cert, key) = ca.server_cert(root, "server", &["localhost"], false);
    admin(&root.join("server"), &["init", "--agency", "Bappeda Uji"]);
    let mut server = Server::start_with(
        &root.join("server"),
        "127.0.0.1:0",
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--header-timeout-secs",
            "1",
        ],
    );
    let opened = Instant::now();
    // A TLS ClientHello's first bytes, then nothing.
    let mut s = TcpStream::connect(format!("127.0.0.1:{}", server.port())).unwrap();
    s.write_all(&[0x16, 0x03, 0x01, 0x00]).unwrap();
    assert!(closed_by(&mut s, opened + Duration::from_secs(5)));

    #[cfg(unix)]
    {
        let status = server.terminate(Duration::from_secs(10));
        assert!(status.success(), "{status:?}");
    }
}
