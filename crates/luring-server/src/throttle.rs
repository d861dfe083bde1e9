//! Failed-login throttling: a delay that grows, never a lock.
//!
//! Failures are counted per (NIP, source address) and per source address. A guesser is
//! slowed down on the NIPs it guesses from its own address, and a sprayer of many NIPs is
//! slowed down across all of them; but nothing anyone does from one address delays the
//! owner logging in from another, and a delay is always short enough to wait out (at most
//! [`MAX_WAIT`]), after which the right password works. Attempts made while a delay runs
//! are refused without being counted, so hammering does not lengthen it.
//!
//! Counting per NIP across all addresses would let anyone lock a colleague out with three
//! wrong guesses; the price of not doing so is that a guesser with many addresses gets
//! a few free guesses per address (each guess still costs an argon2 verification, and
//! those are bounded by `login_guard`).
//!
//! Memory is bounded: each table holds at most [`MAX_ENTRIES`]; entries whose delay has
//! run out and that saw no failure for [`FORGET_AFTER`] are dropped, and when a table is
//! still full the entry with the oldest failure is evicted.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The source a login is counted under: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber usually holds a whole /64, so counting single IPv6 addresses would give one
/// guesser billions of sources). IPv4-mapped IPv6 addresses count as their IPv4 address.
pub fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// Longest delay ever asked for.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// Entries kept per table.
pub const MAX_ENTRIES: usize = 10_000;
/// A quiet entry is forgotten after this long.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// Failures on one NIP from one address allowed before delays start (typos happen).
const PAIR_FREE: u32 = 3;
/// Failures from one address, over all NIPs, allowed before delays start (an office
/// behind one address mistypes more often than one person).
const ADDRESS_FREE: u32 = 10;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    until: Instant,
}

struct Table<K> {
    free: u32,
    map: HashMap<K, Entry>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(free: u32) -> Self {
        Self {
            free,
            map: HashMap::new(),
        }
    }

    fn wait(&self, k: &K, now: Instant) -> Option<Duration> {
        self.map
            .get(k)
            .filter(|e| e.until > now)
            .map(|e| e.until - now)
    }

    fn failed(&mut self, k: &K, now: Instant) {
        if !self.map.contains_key(k) && self.map.len() >= MAX_ENTRIES {
            self.map
                .retain(|_, e| e.until > now || now.duration_since(e.last) < FORGET_AFTER);
            if self.map.len() >= MAX_ENTRIES {
                let oldest = self
                    .map
                    .iter()
                    .min_by_key(|(_, e)| e.last)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.map.remove(&oldest);
                }
            }
        }
        let e = self.map.entry(k.clone()).or_insert(Entry {
            failures: 0,
            last: now,
            until: now,
        });
        if now.duration_since(e.last) >= FORGET_AFTER {
            e.failures = 0;
        }
        e.failures += 1;
        e.last = now;
        if e.failures >= self.free {
            let exp = (e.failures + 1 - self.free).min(16);
            e.until = now + Duration::from_secs(1u64 << exp).min(MAX_WAIT);
        }
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The failed-login tables. See the module documentation for the rules.
pub struct Throttle {
    tables: Mutex<Tables>,
}

struct Tables {
    pairs: Table<(String, IpAddr)>,
    addresses: Table<IpAddr>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            tables: Mutex::new(Tables {
                pairs: Table::new(PAIR_FREE),
                addresses: Table::new(ADDRESS_FREE),
            }),
        }
    }
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A panic elsewhere while holding the lock leaves the tables usable.
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(wait)` when a login for `nip` from `from` must wait before it is tried.
    pub fn check(&self, nip: &str, from: IpAddr) -> Result<(), Duration> {
        self.check_at(nip, from, Instant::now())
    }

    /// Counts a failed login for `nip` from `from`.
    pub fn failed(&self, nip: &str, from: IpAddr) {
        self.failed_at(nip, from, Instant::now());
    }

    /// A successful login clears its (NIP, address) count. The address's own count stays:
    /// one valid account must not let a sprayer reset its address's delay.
    pub fn succeeded(&self, nip: &str, from: IpAddr) {
        self.lock().pairs.map.remove(&(nip.to_owned(), from));
    }

    fn check_at(&self, nip: &str, from: IpAddr, now: Instant) -> Result<(), Duration> {
        let t = self.lock();
        let wait = t
            .pairs
            .wait(&(nip.to_owned(), from), now)
            .max(t.addresses.wait(&from, now));
        wait.map_or(Ok(()), Err)
    }

    fn failed_at(&self, nip: &str, from: IpAddr, now: Instant) {
        let mut t = self.lock();
        t.pairs.failed(&(nip.to_owned(), from), now);
        t.addresses.failed(&from, now);
    }

    /// Entries held (pairs, addresses), for tests of the memory bound.
    pub fn sizes(&self) -> (usize, usize) {
        let t = self.lock();
        (t.pairs.len(), t.addresses.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn others_guesses_never_delay_the_owner_elsewhere() {
        let t = Throttle::default();
        let (attacker, owner) = (ip("10.0.0.2"), ip("10.0.0.3"));
        let now = Instant::now();
        for _ in 0..3 {
            t.failed_at("1", attacker, now);
        }
        assert_eq!(t.check_at("1", attacker, now), Err(Duration::from_secs(2)));
        assert_eq!(t.check_at("1", owner, now), Ok(()));
        assert_eq!(t.check_at("2", attacker, now), Ok(()));
    }

    #[test]
    fn the_delay_grows_is_capped_and_runs_out() {
        let t = Throttle::default();
        let a = ip("10.0.0.2");
        let mut now = Instant::now();
        let mut waits = Vec::new();
        for _ in 0..12 {
            t.failed_at("1", a, now);
            let w = t.check_at("1", a, now).err().unwrap_or_default();
            waits.push(w.as_secs());
            now += w;
            assert_eq!(t.check_at("1", a, now), Ok(()), "after waiting");
        }
        assert_eq!(&waits[..7], &[0, 0, 2, 4, 8, 16, 32]);
        assert!(waits[7..].iter().all(|w| *w == 60), "{waits:?}");
    }

    #[test]
    fn a_sprayer_is_slowed_on_every_nip_and_success_does_not_reset_it() {
        let t = Throttle::default();
        let a = ip("10.0.0.2");
        let now = Instant::now();
        for n in 0..10 {
            t.failed_at(&n.to_string(), a, now);
        }
        t.succeeded("99", a);
        assert!(t.check_at("99", a, now).is_err());
        assert_eq!(t.check_at("99", ip("10.0.0.3"), now), Ok(()));
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            source_of(ip("2001:db8:1:2:aaaa::1")),
            source_of(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            source_of(ip("2001:db8:1:2::1")),
            source_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(source_of(ip("::ffff:10.0.0.2")), ip("10.0.0.2"));
        assert_eq!(source_of(ip("10.0.0.2")), ip("10.0.0.2"));
    }

    #[test]
    fn tables_stay_bounded_under_a_flood_of_made_up_nips() {
        let t = Throttle::default();
        let now = Instant::now();
        for n in 0..(MAX_ENTRIES + 500) {
            let a = IpAddr::from([10, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
            t.failed_at(&n.to_string(), a, now + Duration::from_millis(n as u64));
        }
        let (pairs, addresses) = t.sizes();
        assert!(pairs <= MAX_ENTRIES && addresses <= MAX_ENTRIES);
        // The newest failures are the ones kept.
        let last = MAX_ENTRIES + 499;
        assert_eq!(t.lock().pairs.map.len(), MAX_ENTRIES);
        assert!(t
            .lock()
            .pairs
            .map
            .keys()
            .any(|(n, _)| *n == last.to_string()));
    }
}
