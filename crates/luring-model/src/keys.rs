//! Reading Ed25519 keys and signatures the strict way, in one place.
//!
//! Ed25519 as most libraries verify it by default accepts small-order ("weak") public keys,
//! for which one constant signature verifies for every message: a device certified with
//! such a key could "sign" anything, in anyone's name, and evidence could be altered after
//! the fact while still verifying. So every key read here is refused when weak, and every
//! signature is checked with `verify_strict` (no malleable or small-order components).
//! Nothing in Luring reads a key or checks a signature any other way.

use ed25519_dalek::{Signature, VerifyingKey};

/// Why a key or signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("the key is not 32 bytes of hex")]
    NotHex,
    #[error("the key is not a valid Ed25519 point")]
    NotAPoint,
    #[error("the key is a weak (small-order) Ed25519 key, which would verify forged signatures")]
    Weak,
    #[error("the signature is not 64 bytes of hex")]
    SignatureNotHex,
    #[error("the signature does not verify")]
    BadSignature,
}

/// A public key from its hex spelling; weak keys are refused.
pub fn public_key_from_hex(s: &str) -> Result<VerifyingKey, KeyError> {
    let bytes: [u8; 32] = hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(KeyError::NotHex)?;
    public_key_from_bytes(&bytes)
}

/// A public key from its bytes; weak keys are refused.
pub fn public_key_from_bytes(bytes: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotAPoint)?;
    if key.is_weak() {
        return Err(KeyError::Weak);
    }
    Ok(key)
}

/// A signature from its hex spelling.
pub fn signature_from_hex(s: &str) -> Result<Signature, KeyError> {
    let bytes: [u8; 64] = hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(KeyError::SignatureNotHex)?;
    Ok(Signature::from_bytes(&bytes))
}

/// Strict verification of a hex signature over `message` by `key`. The key itself is
/// checked again, so a weak key built elsewhere cannot slip through.
pub fn verify_hex(key: &VerifyingKey, message: &[u8], signature: &str) -> Result<(), KeyError> {
    if key.is_weak() {
        return Err(KeyError::Weak);
    }
    let sig = signature_from_hex(signature)?;
    key.verify_strict(message, &sig)
        .map_err(|_| KeyError::BadSignature)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::{Signer, SigningKey};

    use super::*;

    /// The identity point (a small-order key) and the constant signature that
    /// non-strict verification accepts for it on every message.
    pub(crate) fn weak_key_and_constant_signature() -> ([u8; 32], String) {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig = [0u8; 64];
        sig[0] = 1; // R = identity, s = 0
        (identity, hex::encode(sig))
    }

    #[test]
    fn weak_keys_are_refused_and_constant_signatures_fail() {
        let (weak, sig) = weak_key_and_constant_signature();
        // The lax check really is fooled: this is the attack.
        let lax = VerifyingKey::from_bytes(&weak).unwrap();
        let s = signature_from_hex(&sig).unwrap();
        use ed25519_dalek::Verifier;
        assert!(lax.verify(b"any message at all", &s).is_ok());
        assert_eq!(public_key_from_bytes(&weak), Err(KeyError::Weak));
        assert_eq!(public_key_from_hex(&hex::encode(weak)), Err(KeyError::Weak));
        assert_eq!(
            verify_hex(&lax, b"any message at all", &sig),
            Err(KeyError::Weak)
        );
    }

    #[test]
    fn good_keys_verify_strictly() {
        let k = SigningKey::from_bytes(&[7; 32]);
        let pk = public_key_from_hex(&hex::encode(k.verifying_key().as_bytes())).unwrap();
        let sig = hex::encode(k.sign(b"pesan").to_bytes());
        assert_eq!(verify_hex(&pk, b"pesan", &sig), Ok(()));
        assert_eq!(
            verify_hex(&pk, b"pesan lain", &sig),
            Err(KeyError::BadSignature)
        );
        assert_eq!(
            verify_hex(&pk, b"pesan", "zz"),
            Err(KeyError::SignatureNotHex)
        );
        assert_eq!(public_key_from_hex("abcd"), Err(KeyError::NotHex));
    }
}
