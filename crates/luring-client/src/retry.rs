//! One retry policy for every shell that syncs in the background (`luring sync --watch` and
//! the desktop's sync loop), so both wait the same way and give up on the same errors.
//!
//! Before this module the CLI and the desktop each had their own backoff: the CLI capped at
//! 300 s and stopped on 401 only, the desktop capped at 120 s. The desktop's cap is the one
//! kept: a person at a village office who sees "offline" expects the window to notice the
//! link is back within two minutes, and the jitter already spreads a room of laptops that
//! lost the same link. Which errors are worth waiting for is [`crate::ClientError::is_transient`].
//!
//! The randomness is an argument of [`Backoff::next`], so the policy is tested exactly.

use std::time::Duration;

/// The wait before the next try while the server cannot be reached: 1 s, doubling up to
/// `max`, each with up to a quarter more at random, so a village office's laptops that lost
/// the same link do not all return at the same second.
#[derive(Debug, Clone)]
pub struct Backoff {
    step: Duration,
    max: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_secs(1);

    pub fn new(max: Duration) -> Self {
        Self {
            step: Self::FIRST,
            max,
        }
    }

    /// After a success, or when the person asks: the next failure waits briefly again.
    pub fn reset(&mut self) {
        self.step = Self::FIRST;
    }

    /// The wait after one more failure; `jitter` in [0, 1) picks the random share.
    pub fn next(&mut self, jitter: f64) -> Duration {
        let wait = self.step.mul_f64(1.0 + jitter.clamp(0.0, 1.0) / 4.0);
        self.step = (self.step * 2).min(self.max);
        wait
    }
}

/// How often a background sync runs and how long it waits at most between failed tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// Between successful syncs.
    pub interval: Duration,
    /// The cap of [`Backoff`].
    pub max_backoff: Duration,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            max_backoff: Duration::from_secs(120),
        }
    }
}

impl SyncSettings {
    /// The defaults, overridden by `LURING_SYNC_INTERVAL_SECS` and
    /// `LURING_SYNC_MAX_BACKOFF_SECS` when they hold a positive number of seconds (the demo
    /// and the desktop tests shorten both).
    pub fn from_env() -> Self {
        let d = Self::default();
        Self {
            interval: secs_from_env("LURING_SYNC_INTERVAL_SECS", d.interval),
            max_backoff: secs_from_env("LURING_SYNC_MAX_BACKOFF_SECS", d.max_backoff),
        }
    }
}

fn secs_from_env(name: &str, default: Duration) -> Duration {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .map(Duration::from_secs)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ClientError;

    #[test]
    fn backoff_doubles_to_its_cap_with_bounded_jitter_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(120));
        let waits: Vec<u64> = (0..10).map(|_| b.next(0.0).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 120, 120, 120]);
        let most = b.next(0.999_999);
        assert!(
            most > Duration::from_secs(149) && most <= Duration::from_secs(150),
            "{most:?}"
        );
        b.reset();
        assert_eq!(b.next(0.5), Duration::from_millis(1125));
        assert_eq!(b.next(0.0), Duration::from_secs(2));
    }

    #[test]
    fn only_an_unreachable_or_overloaded_server_is_worth_waiting_for() {
        let refused = |status| ClientError::Server {
            status,
            message: "x".into(),
        };
        assert!(ClientError::Network("cannot reach".into()).is_transient());
        assert!(ClientError::BadAnswer("damaged".into()).is_transient());
        assert_eq!(
            ClientError::BadAnswer("damaged".into()).code(),
            "bad_answer"
        );
        assert!(refused(502).is_transient());
        assert!(refused(503).is_transient());
        assert!(refused(429).is_transient());
        assert!(!refused(401).is_transient());
        assert!(!refused(403).is_transient());
        assert!(!refused(426).is_transient());
        assert!(!ClientError::NotLoggedIn.is_transient());
        assert!(!ClientError::ProfileCopied.is_transient());
        assert!(!ClientError::UntrustedCertificate { server: "s".into() }.is_transient());
    }

    #[test]
    fn the_settings_default_to_thirty_seconds_and_a_two_minute_cap() {
        let d = SyncSettings::default();
        assert_eq!(d.interval, Duration::from_secs(30));
        assert_eq!(d.max_backoff, Duration::from_secs(120));
    }
}
