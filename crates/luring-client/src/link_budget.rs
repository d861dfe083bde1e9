//! The byte budget of a background sync, picked from the measured link: on a 2G link a
//! round that carries 1 MB takes minutes and a cut loses all of it, while on an office
//! line a small budget wastes round trips. So the desktop measures each round trip (bytes
//! both ways ÷ its duration), keeps a smoothed rate, and asks for what the link carries in
//! [`TARGET_ROUND`] — about a tenth of EDGE's 30-second window of signal, so a window
//! still delivers several rounds, approvals first.
//!
//! Simple on purpose: an exponentially weighted average (new measurement weighted 1/2),
//! the budget clamped to [`MIN_BUDGET`]..[`crate::sync::PULL_BUDGET`], and the default
//! budget until the first measurement.

use std::time::Duration;

use crate::sync::{MIN_BUDGET, PULL_BUDGET};

/// How long one round should take on the measured link.
pub const TARGET_ROUND: Duration = Duration::from_secs(3);

/// Round trips smaller than this say more about latency than bandwidth; not measured.
const MIN_SAMPLE_BYTES: usize = 2 << 10;

/// A smoothed measure of the link's throughput.
#[derive(Debug, Clone, Default)]
pub struct LinkMeter {
    bytes_per_sec: Option<f64>,
}

impl LinkMeter {
    /// Records one round trip of `bytes` (both ways, as sent and received) in `took`.
    pub fn record(&mut self, bytes: usize, took: Duration) {
        if bytes < MIN_SAMPLE_BYTES || took.is_zero() {
            return;
        }
        let rate = bytes as f64 / took.as_secs_f64();
        self.bytes_per_sec = Some(match self.bytes_per_sec {
            Some(old) => (old + rate) / 2.0,
            None => rate,
        });
    }

    /// The measured rate, if any round trip was measured.
    pub fn bytes_per_sec(&self) -> Option<f64> {
        self.bytes_per_sec
    }

    /// The budget for the next sync: what the link carries in [`TARGET_ROUND`], or `None`
    /// (the default budget) before anything was measured.
    pub fn budget(&self) -> Option<u32> {
        let rate = self.bytes_per_sec?;
        let b = rate * TARGET_ROUND.as_secs_f64();
        Some(b.clamp(f64::from(MIN_BUDGET), f64::from(PULL_BUDGET)) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_follows_the_measured_link_within_bounds() {
        let mut m = LinkMeter::default();
        assert_eq!(m.budget(), None);
        // EDGE: ~100 kbit/s down, 12.5 KB/s: 3 s carry ~37 KB.
        m.record(25_000, Duration::from_secs(2));
        assert_eq!(m.budget(), Some(37_500));
        // A tiny exchange says nothing about bandwidth.
        m.record(100, Duration::from_secs(5));
        assert_eq!(m.budget(), Some(37_500));
        // Loopback: capped at the default.
        m.record(1 << 20, Duration::from_millis(1));
        assert_eq!(m.budget(), Some(PULL_BUDGET));
        // A stalled link: never below the floor.
        let mut slow = LinkMeter::default();
        slow.record(3_000, Duration::from_secs(60));
        assert_eq!(slow.budget(), Some(MIN_BUDGET));
    }
}
