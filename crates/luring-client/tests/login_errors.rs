//! The first run tells its failures apart (issue 15 item 4): an address without a scheme,
//! something that answers but is not Luring, a server that never answers (a bounded wait),
//! no connection at all; and "Batal" stops a login that hangs, keeping nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use luring_client::{ClientError, LoginCancel, LoginOptions, Profile};

const NIP: &str = "198703122010011002";

/// A web server that answers every request with `answer` (an HTTP response).
fn web_server(answer: &'static str) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || answer_once(s, answer));
        }
    });
    url
}

fn answer_once(mut s: TcpStream, answer: &str) {
    let mut buf = [0u8; 4096];
    let _ = s.read(&mut buf);
    let _ = s.write_all(answer.as_bytes());
}

/// A server that accepts connections, reads, and never answers.
fn silent_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s); // kept open, never answered
        }
    });
    url
}

fn login(server: &str, opts: &LoginOptions) -> (Result<Profile, ClientError>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let r = Profile::login(dir.path(), server, NIP, "rahasia-sekali", opts);
    (r, dir)
}

#[test]
fn an_address_without_a_scheme_is_a_wrong_address() {
    let (r, _d) = login("luring.dinas.go.id", &LoginOptions::default());
    assert_eq!(r.err().unwrap().code(), "server_address");
}

#[test]
fn a_web_server_that_is_not_luring_is_named_so() {
    for answer in [
        "HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: 9\r\nconnection: close\r\n\r\n<h1>x</h1",
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<html></html>",
    ] {
        let (r, _d) = login(&web_server(answer), &LoginOptions::default());
        let e = r.err().unwrap();
        assert_eq!(e.code(), "not_luring", "{answer}: {e}");
        assert!(e.to_string().contains("not a Luring server"), "{e}");
    }
}

#[test]
fn a_silent_server_is_given_up_after_the_wait() {
    let opts = LoginOptions {
        wait: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let t0 = Instant::now();
    let (r, _d) = login(&silent_server(), &opts);
    let e = r.err().unwrap();
    assert_eq!(e.code(), "no_answer", "{e}");
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}

#[test]
fn no_connection_at_all_is_a_network_failure() {
    // A port nobody listens on: refused at once.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (r, _d) = login(
        &format!("http://127.0.0.1:{port}"),
        &LoginOptions::default(),
    );
    assert_eq!(r.err().unwrap().code(), "network");
}

#[test]
fn batal_stops_a_hanging_login_at_once_and_keeps_nothing() {
    let cancel = LoginCancel::new();
    let opts = LoginOptions {
        cancel: Some(cancel.clone()),
        wait: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    let server = silent_server();
    let c = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        c.cancel();
    });
    let t0 = Instant::now();
    let (r, dir) = login(&server, &opts);
    assert_eq!(r.err().unwrap().code(), "cancelled");
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    // Nothing was kept: the folder holds no logged-in profile.
    match Profile::open(dir.path()) {
        Err(ClientError::NoProfile(_)) => {}
        Ok(p) => assert!(p.account().unwrap().server.is_none(), "a session was kept"),
        Err(e) => panic!("{e}"),
    }
}
