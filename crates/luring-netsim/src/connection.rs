//! One proxied connection: two directions, each a reader that paces bytes through the
//! direction's bottleneck and a writer that delivers them after the one-way delay, and the
//! ways a connection ends (closed by its ends, cut after its byte budget, reset by a
//! blackout, or broken by one side).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{ReadHalf, WriteHalf};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, Instant};

use crate::bottleneck::Bottleneck;
use crate::stats::Counters;
use crate::Profile;

/// What every connection of a link shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub profile: Profile,
    pub up: Bottleneck,
    pub down: Bottleneck,
    pub counters: Arc<Counters>,
    /// True while a blackout lasts. Kept here so it outlives every connection.
    pub link_down: watch::Sender<bool>,
}

/// A bandwidth-limited direction reads at most one TCP segment at a time, so that bytes
/// arrive spread out as on the real link rather than in one late burst.
const SEGMENT: usize = 1_460;
/// Without a limit, reads are larger: only the delay matters.
const UNLIMITED_READ: usize = 16 * 1_024;
/// Segments in flight per direction: a bound on memory, far above any profile's
/// bandwidth × delay (2 Mbit/s × 300 ms ≈ 52 segments).
const QUEUE: usize = 1_024;
/// The reader takes the next segment this long before the bottleneck is free, so that
/// timer lateness does not open gaps between back-to-back segments (the error would add
/// up over a long transfer).
/// 50 ms also rides out the scheduling hiccups of a loaded machine; as a queue in front of
/// the bottleneck it is shorter than a real modem's.
const LEAD: Duration = Duration::from_millis(50);

/// A connection's byte budget (both directions together) and the flag that tells both
/// readers it is spent.
struct Budget {
    remaining: AtomicU64,
    limited: bool,
    spent: watch::Sender<bool>,
}

impl Budget {
    fn new(cut_after: Option<u64>) -> Budget {
        Budget {
            remaining: AtomicU64::new(cut_after.unwrap_or(u64::MAX)),
            limited: cut_after.is_some(),
            spent: watch::Sender::new(false),
        }
    }

    /// Takes up to `n` bytes from the budget; returns how many may pass and whether the
    /// budget is now spent.
    fn claim(&self, n: usize) -> (usize, bool) {
        let mut allowed = 0;
        let _ = self.remaining.fetch_update(Relaxed, Relaxed, |r| {
            allowed = r.min(n as u64);
            Some(r - allowed)
        });
        let spent = self.limited && self.remaining.load(Relaxed) == 0;
        if spent {
            self.spent.send_replace(true);
        }
        // `allowed` ≤ n, so it fits in usize.
        (usize::try_from(allowed).unwrap_or(n), spent)
    }

    async fn wait_spent(&self) {
        let mut rx = self.spent.subscribe();
        // The sender lives as long as `self`; an error cannot happen while we borrow it.
        let _ = rx.wait_for(|s| *s).await;
    }
}

/// How one direction ended.
#[derive(Debug, PartialEq, Eq)]
enum Finish {
    /// Its source closed; the close was passed on.
    Eof,
    /// The byte budget ran out; every byte it allowed was delivered.
    Cut,
}

/// How a whole connection ended.
enum End {
    Closed,
    Cut,
    Blackout,
    Broken,
}

enum Segment {
    Data(Instant, Vec<u8>),
    Eof(Instant),
}

/// The timing of one direction.
struct Pace<'a> {
    bottleneck: &'a Bottleneck,
    delay: Duration,
    /// No byte leaves before this (the handshake's round trip).
    not_before: Instant,
}

/// Carries one direction until its source closes or the budget is spent.
async fn carry(
    mut from: ReadHalf<'_>,
    mut to: WriteHalf<'_>,
    pace: Pace<'_>,
    budget: &Budget,
    delivered: &AtomicU64,
) -> io::Result<Finish> {
    let (tx, mut rx) = mpsc::channel::<Segment>(QUEUE);
    let read = async move {
        sleep_until(pace.not_before).await;
        let limited = pace.bottleneck.is_limited();
        let mut buf = vec![0; if limited { SEGMENT } else { UNLIMITED_READ }];
        loop {
            let n = tokio::select! {
                r = from.read(&mut buf) => r?,
                () = budget.wait_spent() => return Ok(Finish::Cut),
            };
            if n == 0 {
                // A send error means the writer failed; its error is the one reported.
                let _ = tx.send(Segment::Eof(Instant::now() + pace.delay)).await;
                return Ok(Finish::Eof);
            }
            let (allowed, spent) = budget.claim(n);
            if allowed > 0 {
                let left = pace.bottleneck.send(allowed, Instant::now());
                let seg = Segment::Data(left + pace.delay, buf[..allowed].to_vec());
                if tx.send(seg).await.is_err() {
                    return Ok(Finish::Eof);
                }
                if limited {
                    if let Some(t) = left.checked_sub(LEAD) {
                        sleep_until(t).await;
                    }
                }
            }
            if spent {
                return Ok(Finish::Cut);
            }
        }
    };
    let write = async move {
        while let Some(seg) = rx.recv().await {
            match seg {
                Segment::Data(at, bytes) => {
                    sleep_until(at).await;
                    to.write_all(&bytes).await?;
                    Counters::add(delivered, bytes.len() as u64);
                }
                Segment::Eof(at) => {
                    sleep_until(at).await;
                    to.shutdown().await?;
                }
            }
        }
        Ok::<(), io::Error>(())
    };
    let (finish, ()) = tokio::try_join!(read, write)?;
    Ok(finish)
}

/// Relays `client` (accepted at `accepted`) to `upstream` until it ends, and counts how.
pub(crate) async fn relay(
    mut client: TcpStream,
    upstream: impl ToSocketAddrs,
    accepted: Instant,
    cut_after: Option<u64>,
    shared: Arc<Shared>,
) {
    let c = &shared.counters;
    // Counted down on drop: stopping the link cancels this task midway.
    let _open = Open::count(c);
    let end = run(&mut client, upstream, accepted, cut_after, &shared).await;
    match end {
        Ok(End::Closed) => {}
        Ok(End::Cut) => Counters::add(&c.cuts, 1),
        Ok(End::Blackout) => {
            Counters::add(&c.cuts, 1);
            Counters::add(&c.blackout_cuts, 1);
        }
        Ok(End::Broken) => {}
        Err(ref e) => {
            tracing::debug!("link emulator: upstream unreachable: {e}");
            Counters::add(&c.upstream_failures, 1);
        }
    }
    if !matches!(end, Ok(End::Closed)) {
        reset(&client);
    }
}

/// One open connection in the counters, for as long as it lives.
struct Open<'a>(&'a Counters);

impl<'a> Open<'a> {
    fn count(c: &'a Counters) -> Open<'a> {
        Counters::add(&c.open, 1);
        Open(c)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Relaxed);
    }
}

/// Sets SO_LINGER to zero so that dropping the socket sends a reset, as a dropped radio
/// link looks to TCP after its retries (and without waiting minutes for them).
pub(crate) fn reset(s: &TcpStream) {
    let _ = s.set_zero_linger();
}

async fn link_goes_down(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|d| *d).await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn run(
    client: &mut TcpStream,
    upstream: impl ToSocketAddrs,
    accepted: Instant,
    cut_after: Option<u64>,
    shared: &Shared,
) -> io::Result<End> {
    let mut link_down = shared.link_down.subscribe();
    let mut server = tokio::select! {
        s = TcpStream::connect(upstream) => s?,
        () = link_goes_down(&mut link_down) => return Ok(End::Blackout),
    };
    // Small writes must not wait for loopback's delayed ACKs; the link adds its own delay.
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);

    let p = &shared.profile;
    let (up_start, down_start) = if p.handshake {
        // The client's first byte follows its SYN and the SYN-ACK; the server's first
        // byte can only follow the client's ACK, half a round trip later.
        let rtt = p.round_trip();
        (accepted + rtt, accepted + rtt + p.up.delay)
    } else {
        (accepted, accepted)
    };
    let budget = Budget::new(cut_after);
    let end = {
        let (cr, cw) = client.split();
        let (sr, sw) = server.split();
        let up = Pace {
            bottleneck: &shared.up,
            delay: p.up.delay,
            not_before: up_start,
        };
        let down = Pace {
            bottleneck: &shared.down,
            delay: p.down.delay,
            not_before: down_start,
        };
        let both = async {
            tokio::try_join!(
                carry(cr, sw, up, &budget, &shared.counters.bytes_up),
                carry(sr, cw, down, &budget, &shared.counters.bytes_down),
            )
        };
        tokio::select! {
            r = both => match r {
                Ok((Finish::Eof, Finish::Eof)) => End::Closed,
                Ok(_) => End::Cut,
                Err(_) => End::Broken,
            },
            () = link_goes_down(&mut link_down) => End::Blackout,
        }
    };
    if !matches!(end, End::Closed) {
        reset(&server);
    }
    Ok(end)
}
