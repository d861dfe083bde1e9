//! What a link is like: bandwidth and delay each way, when connections are cut and when
//! the link is down. The named profiles are the ones DESIGN.md ("Links in 3T areas") asks
//! Luring to be measured over.

use std::time::Duration;

use rand::{rngs::StdRng, Rng};

use crate::{Blackout, Error, Result};

/// One direction of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Direction {
    /// The bottleneck's rate in bits per second; `None` is as fast as loopback.
    pub bits_per_second: Option<u64>,
    /// The one-way (propagation) delay added after a segment's last bit has left.
    pub delay: Duration,
}

impl Direction {
    /// No bandwidth limit and no delay.
    pub const UNLIMITED: Direction = Direction {
        bits_per_second: None,
        delay: Duration::ZERO,
    };
}

/// When a connection is cut by the number of bytes it has carried (both directions
/// counted together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutAfter {
    /// Every connection is reset after exactly this many bytes.
    Bytes(u64),
    /// Each connection is reset after a number of bytes drawn uniformly from
    /// `min..=max` by the profile's seeded RNG, in the order connections are accepted.
    BytesBetween { min: u64, max: u64 },
}

impl CutAfter {
    /// The byte budget of the next connection.
    pub(crate) fn draw(self, rng: &mut StdRng) -> u64 {
        match self {
            CutAfter::Bytes(n) => n,
            CutAfter::BytesBetween { min, max } => rng.random_range(min..=max),
        }
    }
}

/// An emulated link. Start from [`Profile::by_name`] or [`Profile::unlimited`] and adjust
/// with the setters, which consume and return the profile:
///
/// ```
/// use std::time::Duration;
/// use luring_netsim::Profile;
/// let p = Profile::unlimited()
///     .bandwidth(1_000_000, 500_000)
///     .delays(Duration::from_millis(100), Duration::from_millis(100))
///     .cut_after_bytes_between(100, 65_536)
///     .seed(7);
/// assert_eq!(p.round_trip(), Duration::from_millis(200));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// A name for reports (`edge`, `vsat`, `3g`, `flaky`, or `custom`).
    pub name: String,
    /// Server → client.
    pub down: Direction,
    /// Client → server.
    pub up: Direction,
    /// Cuts by bytes carried; `None` never cuts.
    pub cut_after: Option<CutAfter>,
    /// When the whole link is down; `None` is always up.
    pub blackout: Option<Blackout>,
    /// Whether a new connection's first bytes wait one round trip, as TCP's handshake
    /// would cost on the real link.
    pub handshake: bool,
    /// Seeds every random choice, so that a test sees the same cuts on every run.
    pub seed: u64,
}

/// The names [`Profile::by_name`] knows.
pub const PROFILE_NAMES: [&str; 4] = ["edge", "vsat", "3g", "flaky"];

const KBIT: u64 = 1_000;
const MBIT: u64 = 1_000_000;

impl Profile {
    /// A link with no limits, no delay, no handshake and no faults, named `custom`.
    pub fn unlimited() -> Profile {
        Profile {
            name: "custom".into(),
            down: Direction::UNLIMITED,
            up: Direction::UNLIMITED,
            cut_after: None,
            blackout: None,
            handshake: false,
            seed: 0,
        }
    }

    /// The profiles of DESIGN.md:
    ///
    /// | name | down / up | round trip | faults |
    /// |---|---|---|---|
    /// | `edge` | 100 / 50 kbit/s | 600 ms | link down 2 s every 30 s |
    /// | `vsat` | 1 / 0.5 Mbit/s | 800 ms | link down 5 s every 5 min |
    /// | `3g` | 2 / 1 Mbit/s | 200 ms | none |
    /// | `flaky` | 2 / 1 Mbit/s | 200 ms | each connection cut after 100 B–64 KB |
    ///
    /// The round trip is split evenly between the two directions; every profile has the
    /// handshake round trip and seed 0.
    pub fn by_name(name: &str) -> Result<Profile> {
        let p = match name {
            "edge" => Profile::symmetric_delay(100 * KBIT, 50 * KBIT, 600).blackout(
                Blackout::every(Duration::from_secs(30), Duration::from_secs(2)),
            ),
            "vsat" => Profile::symmetric_delay(MBIT, MBIT / 2, 800).blackout(Blackout::every(
                Duration::from_secs(300),
                Duration::from_secs(5),
            )),
            "3g" => Profile::symmetric_delay(2 * MBIT, MBIT, 200),
            "flaky" => {
                Profile::symmetric_delay(2 * MBIT, MBIT, 200).cut_after_bytes_between(100, 65_536)
            }
            _ => return Err(Error::UnknownProfile(name.into())),
        };
        Ok(Profile {
            name: name.into(),
            ..p
        })
    }

    fn symmetric_delay(down_bps: u64, up_bps: u64, round_trip_ms: u64) -> Profile {
        Profile::unlimited()
            .bandwidth(down_bps, up_bps)
            .round_trip_split(Duration::from_millis(round_trip_ms))
            .handshake(true)
    }

    /// Sets the bandwidth each way, in bits per second.
    pub fn bandwidth(mut self, down_bps: u64, up_bps: u64) -> Profile {
        self.down.bits_per_second = Some(down_bps);
        self.up.bits_per_second = Some(up_bps);
        self
    }

    /// Sets the one-way delay each way.
    pub fn delays(mut self, down: Duration, up: Duration) -> Profile {
        self.down.delay = down;
        self.up.delay = up;
        self
    }

    /// Sets both one-way delays to half of `rtt`.
    pub fn round_trip_split(self, rtt: Duration) -> Profile {
        self.delays(rtt / 2, rtt / 2)
    }

    /// Cuts every connection after exactly `n` bytes.
    pub fn cut_after_bytes(mut self, n: u64) -> Profile {
        self.cut_after = Some(CutAfter::Bytes(n));
        self
    }

    /// Cuts each connection after a seeded-random number of bytes in `min..=max`.
    pub fn cut_after_bytes_between(mut self, min: u64, max: u64) -> Profile {
        self.cut_after = Some(CutAfter::BytesBetween { min, max });
        self
    }

    /// Never cuts by bytes.
    pub fn no_cuts(mut self) -> Profile {
        self.cut_after = None;
        self
    }

    /// Takes the link down on `schedule`.
    pub fn blackout(mut self, schedule: Blackout) -> Profile {
        self.blackout = Some(schedule);
        self
    }

    /// Keeps the link up at all times.
    pub fn no_blackout(mut self) -> Profile {
        self.blackout = None;
        self
    }

    /// Whether new connections pay one round trip before their first byte.
    pub fn handshake(mut self, on: bool) -> Profile {
        self.handshake = on;
        self
    }

    /// Seeds the profile's random choices.
    pub fn seed(mut self, seed: u64) -> Profile {
        self.seed = seed;
        self
    }

    /// Renames the profile (for reports).
    pub fn named(mut self, name: &str) -> Profile {
        self.name = name.into();
        self
    }

    /// Both one-way delays together.
    pub fn round_trip(&self) -> Duration {
        self.down.delay + self.up.delay
    }

    /// The time `bytes` take through one direction of an idle link, serialization plus
    /// delay: the physical limit a measurement is compared with.
    pub fn transfer_time(direction: Direction, bytes: u64) -> Duration {
        crate::bottleneck::serialization(direction.bits_per_second, bytes) + direction.delay
    }

    /// Refuses numbers that cannot describe a link.
    pub(crate) fn check(&self) -> Result<()> {
        for (way, d) in [("down", self.down), ("up", self.up)] {
            if d.bits_per_second == Some(0) {
                return Err(Error::InvalidProfile(format!(
                    "the {way} bandwidth is 0 bit/s; use None for an unlimited direction"
                )));
            }
        }
        match self.cut_after {
            Some(CutAfter::Bytes(0)) => {
                return Err(Error::InvalidProfile(
                    "a cut after 0 bytes would refuse every connection; use a blackout".into(),
                ))
            }
            Some(CutAfter::BytesBetween { min, max }) if min == 0 || min > max => {
                return Err(Error::InvalidProfile(format!(
                    "cut range {min}..={max} must start above 0 and not end below its start"
                )))
            }
            _ => {}
        }
        if let Some(b) = self.blackout {
            b.check()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_profiles_follow_the_design() {
        for name in PROFILE_NAMES {
            let p = Profile::by_name(name).expect("a known name");
            assert_eq!(p.name, name);
            p.check().expect("a usable profile");
        }
        let edge = Profile::by_name("edge").unwrap();
        assert_eq!(edge.down.bits_per_second, Some(100_000));
        assert_eq!(edge.up.bits_per_second, Some(50_000));
        assert_eq!(edge.round_trip(), Duration::from_millis(600));
        let flaky = Profile::by_name("flaky").unwrap();
        assert_eq!(
            flaky.cut_after,
            Some(CutAfter::BytesBetween {
                min: 100,
                max: 65_536
            })
        );
        assert_eq!(flaky.down, Profile::by_name("3g").unwrap().down);
        assert!(matches!(
            Profile::by_name("gprs"),
            Err(Error::UnknownProfile(n)) if n == "gprs"
        ));
    }

    #[test]
    fn unusable_numbers_are_refused() {
        assert!(Profile::unlimited().bandwidth(0, 1).check().is_err());
        assert!(Profile::unlimited().cut_after_bytes(0).check().is_err());
        assert!(Profile::unlimited()
            .cut_after_bytes_between(10, 5)
            .check()
            .is_err());
    }

    #[test]
    fn random_cuts_are_reproducible_and_in_range() {
        use rand::SeedableRng;
        let cut = CutAfter::BytesBetween { min: 100, max: 200 };
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50).map(|_| cut.draw(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        assert!(draw(3).iter().all(|n| (100..=200).contains(n)));
    }
}
