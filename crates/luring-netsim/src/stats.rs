//! The link's counters: atomics the relay bumps as bytes are delivered and connections
//! come and go, and the snapshot a test reads while the link runs.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// What the link has done so far. A byte is counted just after the receiving socket has
/// taken it, so a reader may see it a moment before the counter does; the counters of
/// [`crate::Link::stop`] are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Bytes delivered to the server (client → server).
    pub bytes_up: u64,
    /// Bytes delivered to the client (server → client).
    pub bytes_down: u64,
    /// Connections accepted while the link was up.
    pub connections: u64,
    /// Connections open now.
    pub open: u64,
    /// Connections the link reset: after their byte budget or by a blackout.
    pub cuts: u64,
    /// Of those, the ones reset by a blackout.
    pub blackout_cuts: u64,
    /// Connections reset as soon as they were accepted, because the link was down.
    pub refused: u64,
    /// Connections reset because the upstream server could not be reached.
    pub upstream_failures: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
    pub connections: AtomicU64,
    pub open: AtomicU64,
    pub cuts: AtomicU64,
    pub blackout_cuts: AtomicU64,
    pub refused: AtomicU64,
    pub upstream_failures: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub fn snapshot(&self) -> Stats {
        Stats {
            bytes_up: self.bytes_up.load(Relaxed),
            bytes_down: self.bytes_down.load(Relaxed),
            connections: self.connections.load(Relaxed),
            open: self.open.load(Relaxed),
            cuts: self.cuts.load(Relaxed),
            blackout_cuts: self.blackout_cuts.load(Relaxed),
            refused: self.refused.load(Relaxed),
            upstream_failures: self.upstream_failures.load(Relaxed),
        }
    }
}
