//! One sync measured on the wire: the profile's real HTTP(S) transport pointed at an
//! emulated link, each request counted, and the sync started again after a cut, as the
//! app's background sync would, until it finishes or the time given runs out.
//!
//! The bytes come from the link's counters ([`luring_netsim::Stats`]), so they are what
//! crossed the emulated link: HTTP (and TLS) framing included. The link's counters are
//! read before and after each request; the bytes moved during a request that failed
//! (cut, link down) are "re-sent": a clean link would not have carried them. Only one
//! client uses the link at a time, so the attribution is exact up to the moment a
//! counter is bumped (just after the receiving socket took the bytes).

use std::path::Path;
use std::time::{Duration, Instant};

use luring_client::{ClientError, HttpTransport, Profile, SyncOptions, TransferReport, Transport};
use luring_netsim::{Link, Stats};
use serde::Serialize;

use crate::BoxResult;

/// What one sync (with its restarts) cost on the link.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Measured {
    /// Whether the sync finished (nothing left to push or pull) within the time given.
    pub finished: bool,
    pub wall_s: f64,
    /// Of the wall time, spent waiting for HTTP requests (the link, the emulator and the
    /// server); the rest is the client's own work (planning, applying, its database).
    pub in_requests_s: f64,
    /// Of the wall time, spent waiting between a failed attempt and the next.
    pub paused_s: f64,
    /// Bytes the link delivered, client → server and server → client.
    pub bytes_up: u64,
    pub bytes_down: u64,
    /// HTTP requests sent, and of those the ones that failed (cut or refused).
    pub requests: u64,
    pub failed_requests: u64,
    /// Bytes moved during failed requests.
    pub resent_up: u64,
    pub resent_down: u64,
    /// TCP connections the link accepted, cut, and refused while down.
    pub connections: u64,
    pub cuts: u64,
    pub refused: u64,
    /// Times the sync was started (1 when nothing failed).
    pub attempts: u64,
    /// Local changes the server acknowledged, and changes received, in the attempt that
    /// finished. An attempt that failed keeps what it applied before the failure, but the
    /// client reports no counts for it.
    pub pushed: usize,
    pub pulled: usize,
    /// The last error, when the sync did not finish.
    pub last_error: Option<String>,
}

/// The profile's transport with every request counted against the link.
struct Counted<'a> {
    inner: HttpTransport,
    link: &'a Link,
    m: &'a mut Measured,
}

fn delta(a: Stats, b: Stats) -> (u64, u64) {
    (
        b.bytes_up.saturating_sub(a.bytes_up),
        b.bytes_down.saturating_sub(a.bytes_down),
    )
}

impl Transport for Counted<'_> {
    fn set_sync_number(&mut self, n: u64) {
        self.inner.set_sync_number(n);
    }

    fn round_trip(&mut self, body: Vec<u8>) -> luring_client::Result<Vec<u8>> {
        let before = self.link.stats();
        let t = Instant::now();
        let answer = self.inner.round_trip(body);
        self.m.in_requests_s += t.elapsed().as_secs_f64();
        self.m.requests += 1;
        if answer.is_err() {
            let (up, down) = delta(before, self.link.stats());
            self.m.failed_requests += 1;
            self.m.resent_up += up;
            self.m.resent_down += down;
        }
        answer
    }
}

/// How to run a sync over the link.
pub struct Plan<'a> {
    /// The URL of the link in front of the server.
    pub url: &'a str,
    /// The agency CA's PEM, for HTTPS.
    pub ca: Option<&'a Path>,
    /// Stop starting the sync again after this long.
    pub give_up: Duration,
    /// Wait between a failed attempt and the next.
    pub pause: Duration,
}

/// Syncs `p` through `link` (whose address `plan.url` names) until it finishes or
/// `plan.give_up` has passed; refused changes are an error.
pub fn sync_through(p: &mut Profile, link: &Link, plan: &Plan<'_>) -> BoxResult<Measured> {
    let token = p
        .store()
        .link()?
        .ok_or_else(|| anyhow::anyhow!("the profile is not logged in"))?
        .token;
    until_done(link, plan, |m| {
        let inner = HttpTransport::new(plan.url, &token, plan.ca, false)?;
        let mut t = Counted { inner, link, m };
        // As `luring sync --retries 8`: a cut round is retried with half the bytes, down
        // to the 4 KB floor (the default 2 would restart every attempt at 1 MB).
        let opts = SyncOptions {
            retries: 8,
            ..SyncOptions::default()
        };
        let r = p.sync_with_options(&mut t, opts)?;
        Ok(match r.rejected.first() {
            Some(first) => Err(anyhow::anyhow!(
                "the server refused {} changes, first: {}",
                r.rejected.len(),
                first.reason
            )),
            None => {
                m.pushed += r.pushed;
                m.pulled += r.pulled;
                Ok(())
            }
        })
    })
}

/// Runs `attempt` until it succeeds (`Ok(Ok(()))`), fails for good (`Ok(Err(_))` or an
/// error that is not transient), or fails after `plan.give_up` has passed, pausing
/// `plan.pause` between attempts; then the wall time and the link's counters.
fn until_done(
    link: &Link,
    plan: &Plan<'_>,
    mut attempt: impl FnMut(&mut Measured) -> luring_client::Result<BoxResult<()>>,
) -> BoxResult<Measured> {
    let mut m = Measured::default();
    let start = Instant::now();
    let s0 = link.stats();
    loop {
        m.attempts += 1;
        match attempt(&mut m) {
            Ok(done) => {
                done?;
                m.finished = true;
                break;
            }
            Err(e) if e.is_transient() => {
                m.last_error = Some(e.to_string());
                if start.elapsed() >= plan.give_up {
                    break;
                }
                std::thread::sleep(plan.pause);
                m.paused_s += plan.pause.as_secs_f64();
            }
            Err(e @ ClientError::ProfileCopied) => {
                return Err(anyhow::Error::new(e).context(
                    "the server took a restarted sync for a copied profile (sync numbers)",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(close(m, link, s0, start))
}

/// The wall time and the link's counters since `s0` and `start`, into `m`.
fn close(mut m: Measured, link: &Link, s0: Stats, start: Instant) -> Measured {
    m.wall_s = start.elapsed().as_secs_f64();
    if m.finished {
        m.last_error = None;
    }
    // The final counters: the last response may be counted a moment after it was read.
    std::thread::sleep(Duration::from_millis(50));
    let s1 = link.stats();
    (m.bytes_up, m.bytes_down) = delta(s0, s1);
    m.connections = s1.connections - s0.connections;
    m.cuts = s1.cuts - s0.cuts;
    m.refused = s1.refused - s0.refused;
    m
}

/// An attachment's transfer through `link` (`go` uploads or fetches with the profile
/// pointed at the link), started again after a failure like [`sync_through`], until it
/// succeeds or `plan.give_up` has passed. The transfer makes its own requests, outside the
/// profile's [`Transport`]: `clean_requests` are the requests it needs when nothing fails,
/// less the chunks a resumed attempt already had; requests sent again, and their bodies
/// (the re-sent bytes, at most the bytes that crossed beyond `payload`, the file and its
/// manifest), come from its [`TransferReport`]. Bytes are the link's, as above.
pub fn transfer_through(
    link: &Link,
    plan: &Plan<'_>,
    upload: bool,
    clean_requests: u64,
    payload: u64,
    mut go: impl FnMut() -> luring_client::Result<TransferReport>,
) -> BoxResult<Measured> {
    let mut m = until_done(link, plan, |m| {
        let t = Instant::now();
        let outcome = go();
        m.in_requests_s += t.elapsed().as_secs_f64();
        let r = outcome?;
        if let Some(w) = r.waiting.first() {
            return Ok(Err(anyhow::anyhow!(
                "the attachment did not move: {}",
                w.reason
            )));
        }
        m.requests += clean_requests - u64::from(r.resumed_chunks) + u64::from(r.retries);
        m.failed_requests += u64::from(r.retries);
        *if upload {
            &mut m.resent_up
        } else {
            &mut m.resent_down
        } += r.resent_bytes;
        (m.pushed, m.pulled) = (r.uploaded.len(), r.downloaded.len());
        Ok(Ok(()))
    })?;
    // A cut request carried only part of its body: at most what crossed beyond `payload`.
    let (wire, resent) = if upload {
        (m.bytes_up, &mut m.resent_up)
    } else {
        (m.bytes_down, &mut m.resent_down)
    };
    *resent = (*resent).min(wire.saturating_sub(payload));
    Ok(m)
}
