//! One direction's bandwidth: a single serializer shared by every connection, as a radio
//! link is. It only does the arithmetic of when a segment's last bit leaves; the relay
//! sleeps until then.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// The time `bytes` take to leave at `bits_per_second` (none without a limit).
pub(crate) fn serialization(bits_per_second: Option<u64>, bytes: u64) -> Duration {
    match bits_per_second {
        None | Some(0) => Duration::ZERO,
        Some(bps) => {
            let nanos = u128::from(bytes) * 8 * 1_000_000_000 / u128::from(bps);
            Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
        }
    }
}

#[derive(Debug)]
pub(crate) struct Bottleneck {
    bits_per_second: Option<u64>,
    /// When the last scheduled bit leaves; a new segment starts no earlier.
    busy_until: Mutex<Option<Instant>>,
}

impl Bottleneck {
    pub fn new(bits_per_second: Option<u64>) -> Bottleneck {
        Bottleneck {
            bits_per_second,
            busy_until: Mutex::new(None),
        }
    }

    pub fn is_limited(&self) -> bool {
        self.bits_per_second.is_some()
    }

    /// Queues `bytes` that are ready at `now`; returns when their last bit has left.
    pub fn send(&self, bytes: usize, now: Instant) -> Instant {
        let ser = serialization(self.bits_per_second, bytes as u64);
        // A std Mutex: it is held for two comparisons, never across an await.
        let mut busy = self
            .busy_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let start = busy.map_or(now, |b| b.max(now));
        let done = start + ser;
        *busy = Some(done);
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_queue_behind_each_other() {
        let b = Bottleneck::new(Some(1_000_000));
        let t0 = Instant::now();
        // 1,250 bytes at 1 Mbit/s take 10 ms.
        assert_eq!(b.send(1_250, t0), t0 + Duration::from_millis(10));
        // Ready before the first has left: starts when it has.
        assert_eq!(
            b.send(1_250, t0 + Duration::from_millis(3)),
            t0 + Duration::from_millis(20)
        );
        // Ready after the link went idle: starts at once.
        assert_eq!(
            b.send(125, t0 + Duration::from_millis(50)),
            t0 + Duration::from_millis(51)
        );
    }

    #[test]
    fn an_unlimited_link_takes_no_time() {
        let b = Bottleneck::new(None);
        let t0 = Instant::now();
        assert_eq!(b.send(1 << 20, t0), t0);
        assert_eq!(
            serialization(Some(100_000), 200_000),
            Duration::from_secs(16)
        );
    }
}
