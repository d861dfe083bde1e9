//! Passwords (argon2id, verified in reused work areas) and access tokens. Login throttling
//! is in `throttle`, login admission in `login_guard`.

use std::sync::{Condvar, Mutex, MutexGuard};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// How many password verifications may run at once: each holds an argon2 work area
/// (19 MiB with the default parameters), so this bounds the memory logins can take.
pub const VERIFY_WORKERS: usize = 4;

/// Largest argon2 work area a stored hash may ask for (64 MiB); a hash that asks for more
/// is treated as damaged, so a planted hash cannot make one login take unbounded memory.
const MAX_VERIFY_BLOCKS: usize = 64 * 1024;

/// Reused argon2 work areas. Allocating a fresh 19 MiB area per login and freeing it is
/// what let a flood of logins grow the process to gigabytes that the allocator never gave
/// back (one arena per blocking thread). At most [`VERIFY_WORKERS`] areas are ever made;
/// a verification that finds none free waits here for one. This holds even when a login's
/// request is dropped (client gone) while its blocking verification still runs, which the
/// async admission in `login_guard` cannot see.
struct WorkAreas {
    pool: Mutex<Pool>,
    freed: Condvar,
}

struct Pool {
    free: Vec<Vec<Block>>,
    made: usize,
}

static WORK_AREAS: WorkAreas = WorkAreas {
    pool: Mutex::new(Pool {
        free: Vec::new(),
        made: 0,
    }),
    freed: Condvar::new(),
};

impl WorkAreas {
    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A free area, or a new one while fewer than [`VERIFY_WORKERS`] exist; else waits.
    fn take(&self) -> Vec<Block> {
        let mut pool = self.lock();
        loop {
            if let Some(area) = pool.free.pop() {
                return area;
            }
            if pool.made < VERIFY_WORKERS {
                pool.made += 1;
                return Vec::new();
            }
            pool = self.freed.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn give_back(&self, area: Vec<Block>) {
        self.lock().free.push(area);
        self.freed.notify_one();
    }

    /// Areas made so far (never more than [`VERIFY_WORKERS`]).
    #[cfg(test)]
    fn made(&self) -> usize {
        self.lock().made
    }
}

/// Checks a password against a PHC string; a damaged hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_VERIFY_BLOCKS {
        return false;
    }
    let mut area = WORK_AREAS.take();
    if area.len() < blocks {
        area.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut area[..],
    );
    WORK_AREAS.give_back(area);
    // `Output`'s equality is constant-time.
    computed.is_ok() && Output::new(&out).is_ok_and(|o| o == expected)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("rahasia-123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-123", &h));
        assert!(!verify_password("rahasia-124", &h));
        assert!(!verify_password("x", "not a hash"));
        // A hash made with other (smaller) parameters still verifies in the pooled areas.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let h2 = small.hash_password(b"pw", &salt).unwrap().to_string();
        assert!(verify_password("pw", &h2));
        assert!(!verify_password("px", &h2));
        // One asking for more memory than allowed never matches.
        let huge = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(128 * 1024, 1, 1, None).unwrap(),
        );
        let h3 = huge.hash_password(b"pw", &salt).unwrap().to_string();
        assert!(!verify_password("pw", &h3));
        assert!(WORK_AREAS.made() <= VERIFY_WORKERS);
    }

    #[test]
    fn concurrent_verifications_share_at_most_four_work_areas() {
        let h = hash_password("rahasia-123");
        let threads: Vec<_> = (0..3 * VERIFY_WORKERS)
            .map(|i| {
                let h = h.clone();
                std::thread::spawn(move || {
                    verify_password(if i % 2 == 0 { "rahasia-123" } else { "x" }, &h)
                })
            })
            .collect();
        let ok: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(ok.iter().filter(|o| **o).count(), 3 * VERIFY_WORKERS / 2);
        assert!(WORK_AREAS.made() <= VERIFY_WORKERS);
        let made = WORK_AREAS.made();
        let free = WORK_AREAS.lock().free.len();
        assert!(free <= made);
    }
}
