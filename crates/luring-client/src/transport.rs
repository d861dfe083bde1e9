//! The HTTP(S) link to the agency server, and the rules that keep a password off the wire
//! in the clear.
//!
//! A password or bearer token sent over plain http to a host on the internet can be read by
//! anyone on the way (a warung's Wi-Fi, an ISP). So plain `http://` is only spoken to this
//! computer (loopback) unless a person says `--allow-insecure-http` for a lab network; the
//! check runs before any connection is made. HTTPS uses rustls with the ring provider (no
//! OpenSSL, nothing but a C compiler to build, here and on Windows), trusting the operating
//! system's roots and, when given at login, the agency's own certificate authority, whose
//! PEM is kept in the profile folder so every later sync trusts it too.
//!
//! A failed TLS handshake is told apart by walking the error's source chain down to the
//! rustls error: an unknown authority, an expired certificate and a certificate for another
//! host name each need a different action from the person, so each has its own
//! [`ClientError`] and code.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use luring_sync::login::ErrorBody;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{CertificateError, RootCertStore};

use crate::error::{ClientError, Result};
use crate::sync::Transport;

/// The agency CA's PEM, as kept in a profile folder after a login with a CA file.
pub const CA_FILE: &str = "agency-ca.pem";

/// How to log in; `LoginOptions::default()` is right for a server with a public certificate.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    /// The agency's certificate authority (PEM), for a server whose certificate it signed.
    /// Copied into the profile, so later syncs trust it too.
    pub ca_file: Option<PathBuf>,
    /// Speak plain `http://` to a host that is not this computer (a lab network only: the
    /// password and token cross the network readable by anyone on the way). Remembered.
    pub allow_insecure_http: bool,
    /// The signing passphrase, needed when the device key is already sealed (a profile that
    /// worked offline first, or a second login): the device proves it holds its key.
    pub passphrase: Option<String>,
    /// Lets the person stop the login ("Batal") while it waits for the server.
    pub cancel: Option<crate::login::LoginCancel>,
    /// How long each login request waits for an answer (default [`crate::LOGIN_WAIT`], or
    /// `LURING_LOGIN_WAIT_SECS`).
    pub wait: Option<Duration>,
}

/// Checks a server address before anything is sent to it; returns it without a trailing `/`.
///
/// `https://` is always fine; `http://` only to loopback (127.0.0.0/8, ::1, `localhost`)
/// unless `allow_insecure_http`.
pub fn check_server_url(server: &str, allow_insecure_http: bool) -> Result<String> {
    let server = server.trim().trim_end_matches('/');
    let lower = server.to_ascii_lowercase();
    let https = lower.starts_with("https://");
    if !https && !lower.starts_with("http://") {
        return Err(ClientError::ServerAddress(format!(
            "the server address '{server}' must start with https:// (for example \
             https://luring.example.go.id)"
        )));
    }
    let url = reqwest::Url::parse(server).map_err(|e| {
        ClientError::ServerAddress(format!("the server address '{server}' is not valid: {e}"))
    })?;
    let Some(host) = url.host() else {
        return Err(ClientError::ServerAddress(format!(
            "the server address '{server}' has no host name"
        )));
    };
    if !https && !allow_insecure_http && !is_loopback(&host) {
        return Err(ClientError::InsecureHttp {
            server: server.to_owned(),
        });
    }
    Ok(server.to_owned())
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// The operating system's trusted roots, read once per process.
fn native_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    // A root store the OS cannot give (none installed) leaves only the agency CA trusted;
    // the handshake then says "not signed by a trusted authority", which is the truth.
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Reads the agency CA's certificates from a PEM file.
pub(crate) fn read_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).map_err(|e| ClientError::file("read", path, e))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| ClientError::CaFile {
            path: path.to_owned(),
            reason: format!("it is not a PEM certificate file ({e})"),
        })?;
    if certs.is_empty() {
        return Err(ClientError::CaFile {
            path: path.to_owned(),
            reason: "it holds no certificate (-----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(certs)
}

fn tls_config(ca: Option<&Path>) -> Result<rustls::ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(native_roots().iter().cloned());
    if let Some(ca) = ca {
        for cert in read_ca(ca)? {
            roots.add(cert).map_err(|e| ClientError::CaFile {
                path: ca.to_owned(),
                reason: format!("its certificate cannot be used as an authority ({e})"),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Network(format!("TLS cannot be set up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The slowest link a sync request is given time for: 2 KB/s (16 kbit/s, a third of
/// EDGE's uplink). A request is never cut for being slow above this rate.
pub const FLOOR_BYTES_PER_SEC: u64 = 2 << 10;
/// Time a request gets beyond its bytes at [`FLOOR_BYTES_PER_SEC`]: connection, TLS, the
/// server's work, a few round trips over satellite.
const SLACK: Duration = Duration::from_secs(60);
/// No byte acknowledged for this long and the connection is given up (`TCP_USER_TIMEOUT`):
/// the progress timeout on a stalled link, however big the request.
const STALL: Duration = Duration::from_secs(60);

/// How long a sync round trip may take: the bytes both ways at the floor rate, plus slack.
/// A total duration cannot tell a slow link from a dead one, so it is sized for the slowest
/// link Luring serves; a dead one is found sooner by [`STALL`] (no byte acknowledged).
pub fn round_trip_deadline(up: usize, down: u64) -> Duration {
    SLACK + Duration::from_secs((up as u64).saturating_add(down) / FLOOR_BYTES_PER_SEC)
}

/// An HTTP client trusting the OS roots and `ca` (the agency CA's PEM), if any.
///
/// Timeouts are about progress where the blocking client allows it: connecting has 20 s;
/// TCP gives up on a connection whose sent bytes stay unacknowledged for [`STALL`] (Linux)
/// and probes an idle one with keepalives; each read of an answer's body waits at most the
/// request's deadline. The whole of a small request (login) has 120 s; a sync round trip
/// has [`round_trip_deadline`] of its size, so a 4 MB push over EDGE (11 minutes) is
/// never cut for being slow.
pub(crate) fn http_client(ca: Option<&Path>) -> Result<reqwest::blocking::Client> {
    let b = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls_config(ca)?)
        .connect_timeout(Duration::from_secs(20))
        .tcp_keepalive(Duration::from_secs(30))
        .timeout(Duration::from_secs(120));
    #[cfg(target_os = "linux")]
    let b = b.tcp_user_timeout(STALL);
    #[cfg(not(target_os = "linux"))]
    let _ = STALL;
    b.build().map_err(|e| ClientError::Network(e.to_string()))
}

/// The rustls error somewhere in `e`'s source chain, if the failure was TLS.
///
/// `std::io::Error::source` skips the error it wraps, so an I/O error is looked into too.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if let Some(r) = rustls_error(inner) {
                return Some(r);
            }
        }
        cur = err.source();
    }
    None
}

/// A failed request as the person needs to hear it.
pub(crate) fn network(server: &str, e: reqwest::Error) -> ClientError {
    let server = server.to_owned();
    match rustls_error(&e) {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                ClientError::UntrustedCertificate { server }
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                ClientError::ExpiredCertificate { server }
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                ClientError::WrongHostCertificate { server }
            }
            other => ClientError::Network(format!(
                "the server at {server} presented a certificate that cannot be trusted ({other:?})"
            )),
        },
        Some(other) => ClientError::Network(format!(
            "cannot speak HTTPS with the server at {server} ({other}); check that the address \
             is right and that it serves https"
        )),
        None => ClientError::Network(format!(
            "cannot reach the server at {server} ({})",
            e.without_url()
        )),
    }
}

/// The server's refusal, with its own sentence when it gave one.
pub(crate) fn server_error(status: reqwest::StatusCode, body: &[u8]) -> ClientError {
    if let Ok(b) = serde_json::from_slice::<ErrorBody>(body) {
        if b.code == "profile_copied" {
            return ClientError::ProfileCopied;
        }
        if let Some(why) = crate::error::AttachmentRefusal::from_code(&b.code) {
            return ClientError::AttachmentRefused {
                why,
                message: b.message,
            };
        }
    }
    let message = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.message)
        .unwrap_or_else(|_| format!("the server answered {status}"));
    ClientError::Server {
        status: status.as_u16(),
        message,
    }
}

/// The header carrying the device's sync number (the server's `copies.rs`).
pub const SYNC_NUMBER_HEADER: &str = "x-luring-sync-number";

/// `POST {server}/v1/sync` with the profile's token.
pub struct HttpTransport {
    client: reqwest::blocking::Client,
    url: String,
    token: String,
    /// Sent with the next request (see [`Transport::set_sync_number`]).
    sync_number: Option<u64>,
    /// Bytes the next answer may carry (see [`Transport::expect_down`]).
    expect_down: u64,
    /// The last request failed to connect (see [`Transport::sent_nothing`]).
    connect_failed: bool,
}

impl HttpTransport {
    /// A transport to `server`; `ca` is the agency CA's PEM to trust beside the OS roots.
    /// Refuses plain http to a host that is not loopback unless `allow_insecure_http`.
    pub fn new(
        server: &str,
        token: &str,
        ca: Option<&Path>,
        allow_insecure_http: bool,
    ) -> Result<Self> {
        let server = check_server_url(server, allow_insecure_http)?;
        Ok(Self {
            client: http_client(ca)?,
            url: format!("{server}/v1/sync"),
            token: token.to_owned(),
            sync_number: None,
            expect_down: u64::from(crate::sync::PULL_BUDGET),
            connect_failed: false,
        })
    }
}

impl Transport for HttpTransport {
    fn sent_nothing(&self) -> bool {
        self.connect_failed
    }

    fn set_sync_number(&mut self, n: u64) {
        self.sync_number = Some(n);
    }

    fn expect_down(&mut self, bytes: u64) {
        self.expect_down = bytes;
    }

    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>> {
        let mut req = self
            .client
            .post(&self.url)
            .timeout(round_trip_deadline(body.len(), self.expect_down))
            .bearer_auth(&self.token);
        if let Some(n) = self.sync_number {
            req = req.header(SYNC_NUMBER_HEADER, n.to_string());
        }
        self.connect_failed = false;
        let resp = req.body(body).send().map_err(|e| {
            // Connecting (TCP, TLS) comes before any byte of the request.
            self.connect_failed = e.is_connect();
            network(&self.url, e)
        })?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(|e| network(&self.url, e))?;
        if !status.is_success() {
            return Err(server_error(status, &bytes));
        }
        Ok(bytes.to_vec())
    }
}

/// Keeps the agency CA's PEM in the profile folder, readable by its owner only.
pub(crate) fn keep_ca(dir: &Path, ca: &Path) -> Result<()> {
    let pem = std::fs::read(ca).map_err(|e| ClientError::file("read", ca, e))?;
    let target = dir.join(CA_FILE);
    crate::fs::write_atomic_private(&target, &pem)
        .map_err(|e| ClientError::file("write", &target, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_refusal_keeps_its_cause_and_other_refusals_stay_the_servers() {
        let body = |code: &str| format!(r#"{{"code":"{code}","message":"m"}}"#).into_bytes();
        let code = |status: u16, b: &[u8]| {
            server_error(reqwest::StatusCode::from_u16(status).unwrap(), b).code()
        };
        assert_eq!(
            code(403, &body("attachment_forbidden")),
            "attachment_forbidden"
        );
        assert_eq!(
            code(404, &body("attachment_missing")),
            "attachment_not_uploaded"
        );
        assert_eq!(code(413, &body("attachment_too_big")), "attachment_too_big");
        assert_eq!(
            code(422, &body("attachment_mismatch")),
            "attachment_damaged"
        );
        // A code of another kind, or none at all, is the server's plain refusal.
        assert_eq!(code(409, &body("attachment_upload_state")), "server");
        assert_eq!(code(403, &body("forbidden")), "server");
        assert_eq!(code(403, b"<html>"), "server");
        assert_eq!(code(426, &body("update_required")), "update_required");
    }

    #[test]
    fn a_server_that_cannot_be_connected_to_was_sent_nothing() {
        // A port nobody listens on: the connection is refused before any byte leaves.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut t =
            HttpTransport::new(&format!("http://127.0.0.1:{port}"), "t", None, false).unwrap();
        assert!(t.round_trip(vec![1, 2, 3]).is_err());
        assert!(t.sent_nothing());
        // A server that accepts and then hangs up may have read the request.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let taker = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut buf = [0u8; 64];
            let _ = std::io::Read::read(&mut s, &mut buf);
        });
        let mut t = HttpTransport::new(&format!("http://{addr}"), "t", None, false).unwrap();
        assert!(t.round_trip(vec![1, 2, 3]).is_err());
        assert!(!t.sent_nothing());
        taker.join().unwrap();
    }

    #[test]
    fn plain_http_is_spoken_only_to_this_computer() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.6.7:1/",
            "http://[::1]:8080",
            "http://localhost:8080",
            "HTTP://LOCALHOST",
            "https://luring.example.go.id",
            "https://192.0.2.1:8443",
        ] {
            check_server_url(ok, false).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for refused in [
            "http://192.0.2.1:9",
            "http://luring.example.go.id",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::ffff:192.0.2.1]",
        ] {
            let e = check_server_url(refused, false).unwrap_err();
            assert_eq!(e.code(), "insecure_http", "{refused}");
            assert!(e.to_string().contains("--allow-insecure-http"), "{e}");
            check_server_url(refused, true).unwrap();
        }
    }

    #[test]
    fn a_round_trip_is_given_time_for_its_bytes_on_the_slowest_link() {
        // A 4 MB push over EDGE's 50 kbit/s uplink takes about 11 minutes: never cut.
        let push = 4 << 20;
        let over_edge = Duration::from_secs_f64(push as f64 * 8.0 / 50_000.0);
        assert!(round_trip_deadline(push, 0) > over_edge);
        assert!(round_trip_deadline(0, 0) >= Duration::from_secs(60));
        assert!(round_trip_deadline(1000, 1 << 20) > round_trip_deadline(1000, 0));
    }

    #[test]
    fn an_address_without_a_scheme_is_explained() {
        for bad in [
            "luring.example.go.id",
            "luring.example.go.id:8080",
            "ftp://x",
            "",
        ] {
            let e = check_server_url(bad, true).unwrap_err();
            assert_eq!(e.code(), "server_address", "{bad}");
            assert!(e.to_string().contains("https://"), "{e}");
        }
        assert_eq!(
            check_server_url(" https://a.example/ ", false).unwrap(),
            "https://a.example"
        );
    }

    #[test]
    fn a_ca_file_that_holds_no_certificate_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate").unwrap();
        let e = read_ca(&p).unwrap_err();
        assert_eq!(e.code(), "ca_file");
        assert!(e.to_string().contains("ca.pem"), "{e}");
    }
}
