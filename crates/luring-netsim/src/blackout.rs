//! When the whole link is down: a periodic schedule ("down 5 s every 30 s"), as pure
//! arithmetic on the time since the link started, so it is tested without sleeping.

use std::time::Duration;

use crate::{Error, Result};

/// The link is down for `down_for` starting at `first`, then again every `every`:
/// down during `[first + k·every, first + k·every + down_for)` for k = 0, 1, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blackout {
    /// When the first blackout begins, counted from the link's start.
    pub first: Duration,
    /// The period of the schedule.
    pub every: Duration,
    /// How long each blackout lasts.
    pub down_for: Duration,
}

impl Blackout {
    /// Down for `down_for` at the end of every period of `every` (first at
    /// `every - down_for`), so the link is up when it starts.
    pub fn every(every: Duration, down_for: Duration) -> Blackout {
        Blackout {
            first: every.saturating_sub(down_for),
            every,
            down_for,
        }
    }

    /// Moves the first blackout to `first` after the start.
    pub fn starting_at(mut self, first: Duration) -> Blackout {
        self.first = first;
        self
    }

    /// Whether the link is down `elapsed` after its start, and how long after its start
    /// that next changes.
    pub(crate) fn state_at(&self, elapsed: Duration) -> (bool, Duration) {
        if elapsed < self.first {
            return (false, self.first);
        }
        let since = elapsed - self.first;
        let periods = since.as_nanos() / self.every.as_nanos();
        let period_start = self.first + nanos(periods * self.every.as_nanos());
        let into = elapsed - period_start;
        if into < self.down_for {
            (true, period_start + self.down_for)
        } else {
            (false, period_start + self.every)
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.every.is_zero() || self.down_for.is_zero() || self.down_for >= self.every {
            return Err(Error::InvalidProfile(format!(
                "a blackout of {:?} every {:?} must be shorter than its period and not zero",
                self.down_for, self.every
            )));
        }
        Ok(())
    }
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn down_at_the_end_of_every_period() {
        let b = Blackout::every(ms(30_000), ms(5_000));
        assert_eq!(b.state_at(ms(0)), (false, ms(25_000)));
        assert_eq!(b.state_at(ms(24_999)), (false, ms(25_000)));
        assert_eq!(b.state_at(ms(25_000)), (true, ms(30_000)));
        assert_eq!(b.state_at(ms(29_999)), (true, ms(30_000)));
        assert_eq!(b.state_at(ms(30_000)), (false, ms(55_000)));
        assert_eq!(b.state_at(ms(56_000)), (true, ms(60_000)));
    }

    #[test]
    fn a_first_blackout_can_start_at_once() {
        let b = Blackout::every(ms(1_000), ms(200)).starting_at(ms(0));
        assert_eq!(b.state_at(ms(0)), (true, ms(200)));
        assert_eq!(b.state_at(ms(200)), (false, ms(1_000)));
        assert_eq!(b.state_at(ms(1_100)), (true, ms(1_200)));
    }

    #[test]
    fn impossible_schedules_are_refused() {
        assert!(Blackout::every(ms(10), ms(10)).check().is_err());
        assert!(Blackout::every(ms(10), ms(0)).check().is_err());
        assert!(Blackout::every(ms(10), ms(1)).check().is_ok());
    }
}
