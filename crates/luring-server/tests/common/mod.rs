//! Shared helpers of the server's end-to-end tests: the workspace's test kit (a real
//! `luring-server` process, `luring` CLI profiles, the demo people) and raw HTTP calls.
#![allow(dead_code)]

pub use luring_testkit::*;

pub mod hostile;

/// Cargo builds this binary for the server's tests; the kit finds it beside them.
pub const SERVER: &str = env!("CARGO_BIN_EXE_luring-server");

/// A plain HTTP client for raw calls. reqwest is built without a default TLS provider (the
/// client picks ring itself), so one is installed for the process before a client is made.
pub fn http() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
}

pub fn post(url: &str, token: Option<&str>, body: Vec<u8>) -> (u16, String) {
    let c = http();
    let mut r = c.post(format!("{url}/v1/sync")).body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap_or_default())
}

pub fn health(url: &str) -> u16 {
    http()
        .get(format!("{url}/v1/health"))
        .send()
        .unwrap()
        .status()
        .as_u16()
}
