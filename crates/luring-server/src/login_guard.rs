//! Admission to login: what runs before any password is checked.
//!
//! A password check is argon2 — deliberately slow and memory-hungry — so a flood of
//! logins with made-up NIPs must not start one check per request. In order, cheapest
//! first, a login is:
//! 1. refused at once when its (NIP, address) or its address must still wait after
//!    failures ([`Throttle`]);
//! 2. refused at once when its source address already has [`PER_ADDRESS`] logins in
//!    flight, so one address cannot fill the queue in front of everyone else;
//! 3. queued for one of [`VERIFY_WORKERS`] verification slots, for at most [`QUEUE_WAIT`],
//!    then refused as busy.
//!
//! Sources are IPv4 addresses or IPv6 /64s ([`source_of`]). The peer address comes from axum's `ConnectInfo<SocketAddr>`: the serve loop must
//! provide it (see `http::login`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::auth::VERIFY_WORKERS;
use crate::throttle::{source_of, Throttle};

/// Logins from one source address that may be queued or running at once.
pub const PER_ADDRESS: u32 = VERIFY_WORKERS as u32;
/// Longest a login waits for a verification slot before it is refused as busy.
pub const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// Why a login was not admitted; each says what the person can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("too many failed logins: wait {} seconds and try again", whole_seconds(*.0))]
    Throttled(Duration),
    #[error("too many logins from your address at once: wait a moment and try again")]
    AddressBusy,
    #[error("the server is busy with other logins: try again in a minute")]
    Busy,
}

/// A wait in whole seconds, rounded up, so that waiting that long is always enough.
pub fn whole_seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

impl Refusal {
    /// The stable code sent with the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Throttled(_) => "throttled",
            Refusal::AddressBusy => "address_busy",
            Refusal::Busy => "busy",
        }
    }

    /// HTTP status: 429 for this client's own pace, 503 when the server is saturated.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Throttled(_) | Refusal::AddressBusy => 429,
            Refusal::Busy => 503,
        }
    }
}

/// Login admission and failure counting, shared by all login requests.
pub struct LoginGuard {
    throttle: Throttle,
    slots: Semaphore,
    in_flight: Mutex<HashMap<IpAddr, u32>>,
    queue_wait: Duration,
}

impl Default for LoginGuard {
    fn default() -> Self {
        Self::new(VERIFY_WORKERS, QUEUE_WAIT)
    }
}

/// Held while a login checks its password; dropping it frees the slot.
pub struct LoginPass<'a> {
    guard: &'a LoginGuard,
    from: IpAddr,
    _slot: SemaphorePermit<'a>,
}

impl Drop for LoginPass<'_> {
    fn drop(&mut self) {
        self.guard.leave(self.from);
    }
}

/// Frees the per-address count if the request is dropped while queued.
struct Queued<'a> {
    guard: &'a LoginGuard,
    from: IpAddr,
    armed: bool,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.guard.leave(self.from);
        }
    }
}

impl LoginGuard {
    pub fn new(workers: usize, queue_wait: Duration) -> Self {
        Self {
            throttle: Throttle::default(),
            slots: Semaphore::new(workers),
            in_flight: Mutex::new(HashMap::new()),
            queue_wait,
        }
    }

    /// Admits a login for `nip` from `from`, or says why not. Cheap checks first; only
    /// then waits (bounded) for a verification slot.
    pub async fn enter(&self, nip: &str, from: IpAddr) -> Result<LoginPass<'_>, Refusal> {
        let from = source_of(from);
        self.throttle.check(nip, from).map_err(Refusal::Throttled)?;
        {
            // The map only holds addresses with a login in flight, so its size is bounded
            // by the open connections.
            let mut m = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            let n = m.entry(from).or_insert(0);
            if *n >= PER_ADDRESS {
                return Err(Refusal::AddressBusy);
            }
            *n += 1;
        }
        let mut queued = Queued {
            guard: self,
            from,
            armed: true,
        };
        let slot = tokio::time::timeout(self.queue_wait, self.slots.acquire())
            .await
            .map_err(|_| Refusal::Busy)?
            .map_err(|_| Refusal::Busy)?;
        queued.armed = false;
        Ok(LoginPass {
            guard: self,
            from,
            _slot: slot,
        })
    }

    /// Counts a wrong NIP or password.
    pub fn failed(&self, nip: &str, from: IpAddr) {
        self.throttle.failed(nip, source_of(from));
    }

    /// Clears the (NIP, address) count after a right password.
    pub fn succeeded(&self, nip: &str, from: IpAddr) {
        self.throttle.succeeded(nip, source_of(from));
    }

    fn leave(&self, from: IpAddr) {
        let mut m = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&from) {
            *n -= 1;
            if *n == 0 {
                m.remove(&from);
            }
        }
    }

    /// Addresses with a login in flight (for tests).
    pub fn addresses_in_flight(&self) -> usize {
        self.in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn one_address_cannot_fill_the_queue_and_slots_are_bounded() {
        let g = LoginGuard::new(2, Duration::from_millis(50));
        let a = ip("10.0.0.2");
        let mut held = Vec::new();
        held.push(g.enter("1", a).await.unwrap());
        held.push(g.enter("2", a).await.unwrap());
        // Both slots are taken: a third login from another address waits, then is busy.
        assert_eq!(
            g.enter("3", ip("10.0.0.3")).await.err(),
            Some(Refusal::Busy)
        );
        // Queued logins also time out, and give their address's count back.
        let (r3, r4) = tokio::join!(g.enter("3", a), g.enter("4", a));
        assert_eq!(r3.err(), Some(Refusal::Busy));
        assert_eq!(r4.err(), Some(Refusal::Busy));
        drop(held);
        assert_eq!(g.addresses_in_flight(), 0, "every count is given back");
        assert!(g.enter("5", ip("10.0.0.3")).await.is_ok());
    }

    #[tokio::test]
    async fn per_address_cap() {
        let g = LoginGuard::new(8, Duration::from_millis(50));
        let a = ip("10.0.0.2");
        let mut held = Vec::new();
        for n in 0..PER_ADDRESS {
            held.push(g.enter(&n.to_string(), a).await.unwrap());
        }
        let r = g.enter("x", a).await.err().unwrap();
        assert_eq!(r, Refusal::AddressBusy);
        assert_eq!(r.status(), 429);
        assert!(g.enter("x", ip("10.0.0.3")).await.is_ok());
    }

    #[tokio::test]
    async fn throttled_before_any_slot_is_taken() {
        let g = LoginGuard::new(1, Duration::from_millis(50));
        let a = ip("10.0.0.2");
        for _ in 0..3 {
            g.failed("1", a);
        }
        let _busy = g.enter("2", ip("10.0.0.9")).await.unwrap();
        let r = g.enter("1", a).await.err().unwrap();
        assert!(matches!(r, Refusal::Throttled(_)), "{r:?}");
        assert_eq!(
            r.to_string(),
            "too many failed logins: wait 2 seconds and try again"
        );
        assert_eq!(g.addresses_in_flight(), 1);
    }
}
