//! One-time login challenges: a device proves it holds the secret half of the key it asks
//! the agency to certify by signing a fresh challenge (with the person, key and actor it
//! binds; see [`luring_model::login_proof_bytes`]). Without this, a modified client could
//! have any public key certified in its owner's name — a colleague's, or a weak one.
//!
//! Challenges are stateless to issue (a random nonce and an expiry, authenticated with a
//! key derived from the agency key), so issuing them costs no storage and a flood of
//! requests for them costs nothing but a hash. A used challenge is remembered until it
//! expires, so a captured login cannot be replayed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a challenge may be answered.
pub const LIFETIME_SECS: u64 = 300;
/// Most used challenges remembered at once (they are forgotten when they expire); past
/// this, logins are refused until some expire rather than memory growing without bound.
pub const MAX_REMEMBERED: usize = 100_000;

/// Why a challenge is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("the login challenge is not one this server issued")]
    Forged,
    #[error("the login challenge has expired: try again")]
    Expired,
    #[error("the login challenge was already used")]
    Replayed,
    #[error("too many logins at once: try again in a few minutes")]
    Busy,
}

pub struct Challenges {
    key: [u8; 32],
    used: Mutex<HashMap<[u8; 16], u64>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Challenges {
    /// Challenges authenticated with a key derived from the agency's secret key.
    pub fn new(agency_secret: &[u8; 32]) -> Self {
        Self {
            key: blake3::derive_key("luring 2026-11 login challenge key v1", agency_secret),
            used: Mutex::new(HashMap::new()),
        }
    }

    fn mac(&self, nonce: &[u8; 16], expires: u64) -> [u8; 16] {
        let mut h = blake3::Hasher::new_keyed(&self.key);
        h.update(nonce);
        h.update(&expires.to_be_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&h.finalize().as_bytes()[..16]);
        out
    }

    /// A new challenge (hex).
    pub fn issue(&self) -> String {
        let nonce: [u8; 16] = rand::random();
        let expires = now() + LIFETIME_SECS;
        let mut bytes = Vec::with_capacity(40);
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&expires.to_be_bytes());
        bytes.extend_from_slice(&self.mac(&nonce, expires));
        hex::encode(bytes)
    }

    /// Checks that `challenge` was issued here and has not expired (it is not used up).
    pub fn check(&self, challenge: &str) -> Result<[u8; 16], ChallengeError> {
        let bytes = hex::decode(challenge).map_err(|_| ChallengeError::Forged)?;
        if bytes.len() != 40 {
            return Err(ChallengeError::Forged);
        }
        let nonce: [u8; 16] = bytes[..16].try_into().expect("16 bytes");
        let expires = u64::from_be_bytes(bytes[16..24].try_into().expect("8 bytes"));
        let mac: [u8; 16] = bytes[24..].try_into().expect("16 bytes");
        // Constant-time comparison through blake3's hash equality.
        if blake3::Hash::from(pad(mac)) != blake3::Hash::from(pad(self.mac(&nonce, expires))) {
            return Err(ChallengeError::Forged);
        }
        if expires < now() {
            return Err(ChallengeError::Expired);
        }
        Ok(nonce)
    }

    /// Marks a checked challenge as used; fails if it already was.
    pub fn use_up(&self, nonce: [u8; 16]) -> Result<(), ChallengeError> {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let t = now();
        if used.len() >= MAX_REMEMBERED {
            used.retain(|_, exp| *exp >= t);
            if used.len() >= MAX_REMEMBERED {
                return Err(ChallengeError::Busy);
            }
        }
        if used.insert(nonce, t + LIFETIME_SECS).is_some() {
            return Err(ChallengeError::Replayed);
        }
        Ok(())
    }
}

fn pad(mac: [u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&mac);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_challenges_check_once_and_forgeries_fail() {
        let c = Challenges::new(&[5; 32]);
        let ch = c.issue();
        let nonce = c.check(&ch).unwrap();
        c.use_up(nonce).unwrap();
        assert_eq!(c.use_up(nonce), Err(ChallengeError::Replayed));
        // Another server's challenge, a changed expiry, garbage.
        let other = Challenges::new(&[6; 32]).issue();
        assert_eq!(c.check(&other), Err(ChallengeError::Forged));
        let mut b = hex::decode(&ch).unwrap();
        b[23] ^= 1;
        assert_eq!(c.check(&hex::encode(b)), Err(ChallengeError::Forged));
        assert_eq!(c.check("zz"), Err(ChallengeError::Forged));
        // An expired one (made with the right key).
        let nonce = [1u8; 16];
        let mut b = nonce.to_vec();
        b.extend_from_slice(&1u64.to_be_bytes());
        b.extend_from_slice(&c.mac(&nonce, 1));
        assert_eq!(c.check(&hex::encode(b)), Err(ChallengeError::Expired));
    }
}
