//! Small real servers for the link's tests, each on its own thread on port 0: one that
//! sends a fixed number of bytes, one that acknowledges what it received, one that echoes.

#![allow(dead_code)] // each test file uses some of them

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

fn serve(handle: impl Fn(TcpStream) + Send + Sync + Copy + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for s in listener.incoming().flatten() {
            s.set_nodelay(true).unwrap();
            thread::spawn(move || handle(s));
        }
    });
    addr
}

/// The byte at `i` of what the source sends, so a test can check order and content.
pub fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

/// Sends `n` pattern bytes to each connection, then closes it.
pub fn source(n: usize) -> SocketAddr {
    static SIZES: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());
    let id = {
        let mut s = SIZES.lock().unwrap();
        s.push(n);
        s.len() - 1
    };
    serve(move |mut s| {
        let n = SIZES.lock().unwrap()[id];
        let bytes: Vec<u8> = (0..n).map(pattern).collect();
        let _ = s.write_all(&bytes);
    })
}

/// Reads until the client closes its side, then answers with the count as 8 bytes.
pub fn counter() -> SocketAddr {
    serve(|mut s| {
        let mut buf = Vec::new();
        if s.read_to_end(&mut buf).is_ok() {
            let _ = s.write_all(&(buf.len() as u64).to_be_bytes());
        }
    })
}

/// Echoes everything back.
pub fn echo() -> SocketAddr {
    serve(|mut s| {
        let mut buf = [0; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if s.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            }
        }
    })
}

/// Reads until the connection ends; returns the bytes and whether it ended by a reset.
pub fn read_until_end(s: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (got, false),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return (got, true),
            Err(e) => panic!("unexpected error after {} bytes: {e}", got.len()),
        }
    }
}

/// `measured` against `expected` as a signed percentage.
pub fn error_pct(measured: Duration, expected: Duration) -> f64 {
    (measured.as_secs_f64() - expected.as_secs_f64()) / expected.as_secs_f64() * 100.0
}

/// Runs `f` and returns its result and how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t0 = Instant::now();
    let r = f();
    (r, t0.elapsed())
}
