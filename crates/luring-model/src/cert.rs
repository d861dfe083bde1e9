//! Device certificates: the agency's signature binding a device key and its automerge
//! actor to a person, a unit and a role.
//!
//! A certificate is what lets anyone — the server on every push, a colleague verifying an
//! approval offline — tell who made a change or a signature. Its signed bytes are a fixed,
//! versioned, length-prefixed encoding (as in [`crate::hash`]), never a serializer's
//! output, so they cannot drift.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::hash::field;
use crate::org::Role;
use crate::values::Nip;

/// Key-derivation context of version 1 of the signed encoding.
pub const CERT_CONTEXT_V1: &str = "luring 2026-11 device certificate v1";
/// Key-derivation context of the proof a device gives at login that it holds its key.
pub const LOGIN_PROOF_CONTEXT_V1: &str = "luring 2026-11 login proof v1";

/// What the agency vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCertBody {
    pub agency: String,
    /// The agency's root public key (hex), so a certificate names the key that signed it.
    pub agency_key: String,
    pub device_id: String,
    /// The device's Ed25519 public key (hex).
    pub device_key: String,
    /// The automerge actor id (hex) of every change this device makes.
    pub actor: String,
    pub nip: Nip,
    pub name: String,
    pub unit: String,
    pub role: Role,
    /// RFC 3339.
    pub issued_at: String,
}

/// A certificate: the body and the agency's signature over its canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCert {
    pub body: DeviceCertBody,
    /// Ed25519 signature (hex).
    pub signature: String,
}

/// Why a certificate does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("the certificate was issued by another agency key")]
    OtherAgency,
    #[error("the certificate's signature is not valid")]
    BadSignature,
    #[error("the certificate is malformed: {0}")]
    Malformed(&'static str),
    #[error("the certificate's key is refused: {0}")]
    Key(#[from] crate::keys::KeyError),
}

/// BLAKE3 context of the actor id bound to a device key.
pub const DEVICE_ACTOR_CONTEXT_V1: &str = "luring 2026-11 device actor v1";

/// The automerge actor id (hex, 16 bytes) of the device whose public key is `device_key`.
///
/// An actor is derived from its device's key, and the server checks it at login, so an
/// actor id seen in a bundle cannot be claimed by anyone else: claiming it would take the
/// owner's key. A profile whose actor was random (made before this rule) takes its derived
/// actor at its next login, its unsent work re-made under it.
pub fn device_actor(device_key: &[u8; 32]) -> String {
    hex::encode(&blake3::derive_key(DEVICE_ACTOR_CONTEXT_V1, device_key)[..16])
}

/// The bytes a device signs at login to prove it holds the secret half of the key it asks
/// the agency to certify: the server's one-time challenge and everything the certificate
/// will bind (person, key, actor), so a proof cannot be replayed for another login.
pub fn login_proof_bytes(challenge: &str, nip: &str, device_key: &str, actor: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key(LOGIN_PROOF_CONTEXT_V1);
    field(&mut h, 1, challenge.as_bytes());
    field(&mut h, 2, nip.as_bytes());
    field(&mut h, 3, device_key.as_bytes());
    field(&mut h, 4, actor.as_bytes());
    *h.finalize().as_bytes()
}

impl DeviceCertBody {
    /// The exact bytes the agency signs.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut h = blake3::Hasher::new_derive_key(CERT_CONTEXT_V1);
        for (tag, v) in [
            (1u8, self.agency.as_str()),
            (2, &self.agency_key),
            (3, &self.device_id),
            (4, &self.device_key),
            (5, &self.actor),
            (6, self.nip.as_str()),
            (7, &self.name),
            (8, &self.unit),
            (9, self.role.as_str()),
            (10, &self.issued_at),
        ] {
            field(&mut h, tag, v.as_bytes());
        }
        h.finalize().as_bytes().to_vec()
    }
}

impl DeviceCert {
    /// Signs `body` with the agency's root key.
    pub fn sign(body: DeviceCertBody, agency: &SigningKey) -> Self {
        let signature = agency.sign(&body.signed_bytes());
        Self {
            body,
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Checks the signature against the agency's public key (strictly), and that the key it
    /// certifies is one that can be trusted (not weak).
    pub fn verify(&self, agency_key: &VerifyingKey) -> Result<(), CertError> {
        if self.body.agency_key != hex::encode(agency_key.as_bytes()) {
            return Err(CertError::OtherAgency);
        }
        use crate::keys::KeyError;
        match crate::keys::verify_hex(agency_key, &self.body.signed_bytes(), &self.signature) {
            Ok(()) => {}
            Err(KeyError::SignatureNotHex) => {
                return Err(CertError::Malformed("signature is not 64 bytes of hex"))
            }
            Err(KeyError::BadSignature) => return Err(CertError::BadSignature),
            Err(e) => return Err(CertError::Key(e)),
        }
        self.device_key().map(|_| ())
    }

    /// The device's public key; weak keys are refused.
    pub fn device_key(&self) -> Result<VerifyingKey, CertError> {
        Ok(crate::keys::public_key_from_hex(&self.body.device_key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(agency: &SigningKey) -> DeviceCertBody {
        DeviceCertBody {
            agency: "Bappeda".into(),
            agency_key: hex::encode(agency.verifying_key().as_bytes()),
            device_id: "dev-1".into(),
            device_key: hex::encode(
                SigningKey::from_bytes(&[9u8; 32])
                    .verifying_key()
                    .as_bytes(),
            ),
            actor: "ab".repeat(16),
            nip: Nip::parse("198703122010011002").unwrap(),
            name: "Ani".into(),
            unit: "BAPPEDA".into(),
            role: Role::Staff,
            issued_at: "2026-11-23T00:00:00Z".into(),
        }
    }

    #[test]
    fn sign_verify_and_tamper() {
        let agency = SigningKey::from_bytes(&[1; 32]);
        let cert = DeviceCert::sign(body(&agency), &agency);
        cert.verify(&agency.verifying_key()).unwrap();
        let mut t = cert.clone();
        t.body.role = Role::Supervisor;
        assert_eq!(
            t.verify(&agency.verifying_key()),
            Err(CertError::BadSignature)
        );
        let other = SigningKey::from_bytes(&[2; 32]);
        assert_eq!(
            cert.verify(&other.verifying_key()),
            Err(CertError::OtherAgency)
        );
        let forged = DeviceCert::sign(body(&agency), &other);
        assert_eq!(
            forged.verify(&agency.verifying_key()),
            Err(CertError::BadSignature)
        );
    }
}
