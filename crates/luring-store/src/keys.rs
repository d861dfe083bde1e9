//! The device's signing key at rest: sealed with XChaCha20-Poly1305 under a key derived
//! from the signer's passphrase with argon2id. The passphrase is asked at every signature
//! and never stored; a wrong one fails authentication and reveals nothing.
//!
//! Sealed layout: `b"LKEY"`, version 1, argon2 m (KiB, u32 LE), t (u32 LE), p (u8),
//! 16-byte salt, 24-byte nonce, ciphertext of the 32-byte secret with its 16-byte tag.
//! The parameters travel with the blob, so they can be raised later without breaking keys.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const MAGIC: &[u8; 4] = b"LKEY";
const VERSION: u8 = 1;
const HEADER: usize = 4 + 1 + 4 + 4 + 1 + 16 + 24;

/// argon2id cost. The default (64 MiB, 3 passes) takes about half a second on a modest
/// laptop: bearable once per signature, expensive for a guesser.
#[derive(Debug, Clone, Copy)]
pub struct KdfCost {
    pub m_kib: u32,
    pub t: u32,
    pub p: u8,
}

impl Default for KdfCost {
    fn default() -> Self {
        Self {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

/// Why a sealed key could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("wrong signing passphrase")]
    WrongPassphrase,
    #[error("the stored signing key is damaged")]
    Damaged,
    #[error("the signing passphrase must have at least 8 characters")]
    WeakPassphrase,
}

fn derive(passphrase: &str, salt: &[u8], cost: KdfCost) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params =
        Params::new(cost.m_kib, cost.t, cost.p as u32, Some(32)).map_err(|_| KeyError::Damaged)?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|_| KeyError::Damaged)?;
    Ok(out)
}

/// Seals `secret` under `passphrase`.
pub fn seal(secret: &[u8; 32], passphrase: &str, cost: KdfCost) -> Result<Vec<u8>, KeyError> {
    if passphrase.chars().count() < 8 {
        return Err(KeyError::WeakPassphrase);
    }
    let salt: [u8; 16] = rand::random();
    let nonce: [u8; 24] = rand::random();
    let k = derive(passphrase, &salt, cost)?;
    let cipher = XChaCha20Poly1305::new(k.as_ref().into());
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), secret.as_slice())
        .map_err(|_| KeyError::Damaged)?;
    let mut out = Vec::with_capacity(HEADER + ct.len());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&cost.m_kib.to_le_bytes());
    out.extend_from_slice(&cost.t.to_le_bytes());
    out.push(cost.p);
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a sealed key; the secret is wiped from memory when dropped.
pub fn open(sealed: &[u8], passphrase: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    if sealed.len() != HEADER + 48 || &sealed[..4] != MAGIC || sealed[4] != VERSION {
        return Err(KeyError::Damaged);
    }
    let u32_at = |i: usize| u32::from_le_bytes(sealed[i..i + 4].try_into().expect("4 bytes"));
    let cost = KdfCost {
        m_kib: u32_at(5),
        t: u32_at(9),
        p: sealed[13],
    };
    let (salt, rest) = sealed[14..].split_at(16);
    let (nonce, ct) = rest.split_at(24);
    let k = derive(passphrase, salt, cost)?;
    let pt = Zeroizing::new(
        XChaCha20Poly1305::new(k.as_ref().into())
            .decrypt(XNonce::from_slice(nonce), ct)
            .map_err(|_| KeyError::WrongPassphrase)?,
    );
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&pt);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfCost = KdfCost {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn seal_open_and_refuse() {
        let secret = [42u8; 32];
        let sealed = seal(&secret, "kata sandi tanda tangan", CHEAP).unwrap();
        assert!(
            !sealed.windows(32).any(|w| w == secret),
            "the secret is visible in the blob"
        );
        assert_eq!(*open(&sealed, "kata sandi tanda tangan").unwrap(), secret);
        assert_eq!(
            open(&sealed, "kata sandi lain").unwrap_err(),
            KeyError::WrongPassphrase
        );
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(
            open(&bad, "kata sandi tanda tangan").unwrap_err(),
            KeyError::WrongPassphrase
        );
        assert_eq!(open(&sealed[..10], "x").unwrap_err(), KeyError::Damaged);
        assert_eq!(
            seal(&secret, "pendek", CHEAP).unwrap_err(),
            KeyError::WeakPassphrase
        );
        // Two seals of the same key differ (fresh salt and nonce).
        assert_ne!(
            sealed,
            seal(&secret, "kata sandi tanda tangan", CHEAP).unwrap()
        );
    }
}
