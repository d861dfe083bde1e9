//! Passwords (argon2id), login throttling, access tokens, and the axum extractor that
//! turns a bearer token into the device and user behind it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// Checks a password against a PHC string; a damaged hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the NIP does not exist, so that a wrong NIP costs the
/// same time as a wrong password and reveals nothing.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("luring-dummy-password"))
}

/// A new access token (given to the device once) and the hash the server keeps.
pub fn new_token() -> (String, [u8; 32]) {
    let t = hex::encode(rand::random::<[u8; 32]>());
    let h = token_hash(&t);
    (t, h)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

/// Slows down repeated failed logins per NIP — existing or not, so the delay says nothing
/// about which NIPs exist. After 3 failures each attempt must wait 2, 4, 8… up to 60 s.
#[derive(Default)]
pub struct Throttle {
    state: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// `Err(seconds)` when this NIP must wait before trying again.
    pub fn check(&self, nip: &str) -> Result<(), u64> {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match s.get(nip) {
            Some((_, until)) if *until > Instant::now() => {
                Err((*until - Instant::now()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&self, nip: &str) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded memory under a flood of made-up NIPs: forget entries no longer waiting.
        if s.len() >= 10_000 {
            let now = Instant::now();
            s.retain(|_, (_, until)| *until > now);
        }
        let e = s.entry(nip.to_owned()).or_insert((0, Instant::now()));
        e.0 += 1;
        if e.0 >= 3 {
            let wait = 2u64.saturating_pow(e.0 - 2).min(60);
            e.1 = Instant::now() + Duration::from_secs(wait);
        }
    }

    pub fn succeeded(&self, nip: &str) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(nip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_throttle() {
        let h = hash_password("rahasia-123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-123", &h));
        assert!(!verify_password("rahasia-124", &h));
        assert!(!verify_password("x", "not a hash"));
        let t = Throttle::default();
        t.failed("1");
        t.failed("1");
        assert!(t.check("1").is_ok());
        t.failed("1");
        assert!(t.check("1").is_err());
        t.succeeded("1");
        assert!(t.check("1").is_ok());
    }
}
