//! The server's receipt of an approval record: a time anchor the agency signs.
//!
//! A decision made offline carries only its signer's clock, and a device can be revoked
//! (lost laptop) at any time. When the server accepts a request or a decision it signs,
//! with the agency key, *when* it received it and — for a decision — the agency's list of
//! revoked devices at that moment. The receipt travels with the records to every replica
//! and into the evidence file, so an offline verifier can tell that the decision reached
//! the agency in time and from a device that was not revoked then, with nothing but the
//! agency's public key.
//!
//! A receipt names its record by what cannot change without breaking a signature: a
//! request by its digest, a decision by its signature bytes.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::approval::{ApprovalRequest, Decision};
use crate::hash::field;
use crate::values::EntityId;

pub const RECEIPT_CONTEXT_V1: &str = "luring 2026-11 server receipt v1";

/// What a receipt is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptOf {
    Request,
    Decision,
    Withdrawal,
}

/// What the agency's server attests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBody {
    pub request_id: EntityId,
    pub of: ReceiptOf,
    /// A request's digest, or a decision's signature (hex).
    pub subject: String,
    /// RFC 3339, the server's clock.
    pub received_at: String,
    /// Device ids on the agency's revocation list when a decision was received (sorted;
    /// empty for a request).
    pub revoked_devices: Vec<String>,
}

/// A receipt: its body and the agency's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub body: ReceiptBody,
    pub signature: String,
}

impl ReceiptBody {
    /// For a request received now.
    pub fn of_request(req: &ApprovalRequest, received_at: String) -> Self {
        Self {
            request_id: req.body.id.clone(),
            of: ReceiptOf::Request,
            subject: req.digest(),
            received_at,
            revoked_devices: vec![],
        }
    }

    /// For a withdrawal received now.
    pub fn of_withdrawal(w: &crate::approval::Withdrawal, received_at: String) -> Self {
        Self {
            request_id: w.body.request_id.clone(),
            of: ReceiptOf::Withdrawal,
            subject: w.digest(),
            received_at,
            revoked_devices: vec![],
        }
    }

    /// For a decision received now, with the revocation list as it stands.
    pub fn of_decision(d: &Decision, received_at: String, mut revoked: Vec<String>) -> Self {
        revoked.sort();
        revoked.dedup();
        Self {
            request_id: d.body.request_id.clone(),
            of: ReceiptOf::Decision,
            subject: d.signature.to_ascii_lowercase(),
            received_at,
            revoked_devices: revoked,
        }
    }

    pub fn signed_bytes(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new_derive_key(RECEIPT_CONTEXT_V1);
        field(&mut h, 1, self.request_id.as_str().as_bytes());
        let of = match self.of {
            ReceiptOf::Request => "request",
            ReceiptOf::Decision => "decision",
            ReceiptOf::Withdrawal => "withdrawal",
        };
        field(&mut h, 2, of.as_bytes());
        field(&mut h, 3, self.subject.as_bytes());
        field(&mut h, 4, self.received_at.as_bytes());
        h.update(&(self.revoked_devices.len() as u64).to_le_bytes());
        for d in &self.revoked_devices {
            field(&mut h, 5, d.as_bytes());
        }
        *h.finalize().as_bytes()
    }
}

impl Receipt {
    pub fn sign(body: ReceiptBody, agency: &SigningKey) -> Self {
        let signature = hex::encode(agency.sign(&body.signed_bytes()).to_bytes());
        Self { body, signature }
    }

    /// Whether the agency signed this receipt.
    pub fn verify(&self, agency: &VerifyingKey) -> Result<(), crate::keys::KeyError> {
        crate::keys::verify_hex(agency, &self.body.signed_bytes(), &self.signature)
    }

    /// Whether this receipt is about `d`.
    pub fn is_for_decision(&self, d: &Decision) -> bool {
        self.body.of == ReceiptOf::Decision
            && self.body.request_id == d.body.request_id
            && self.body.subject.eq_ignore_ascii_case(&d.signature)
    }

    /// Whether this receipt is about `r`.
    pub fn is_for_request(&self, r: &ApprovalRequest) -> bool {
        self.body.of == ReceiptOf::Request
            && self.body.request_id == r.body.id
            && self.body.subject == r.digest()
    }
}

/// The receipt of `d` among `receipts` that the agency really signed.
pub fn receipt_for_decision<'a>(
    receipts: &'a [Receipt],
    d: &Decision,
    agency: &VerifyingKey,
) -> Option<&'a Receipt> {
    receipts
        .iter()
        .find(|r| r.is_for_decision(d) && r.verify(agency).is_ok())
}

/// "Was this device revoked when the server received its decision?", answered from the
/// receipts: the `revoked` argument [`crate::evaluate`] takes, for a replica or a verifier
/// holding receipts. A decision with no receipt yet is not judged revoked here (whether it
/// is anchored at all is a separate question).
pub fn revoked_per_receipts<'a>(
    receipts: &'a [Receipt],
    decisions: &'a [Decision],
    agency: &'a VerifyingKey,
) -> impl Fn(&str) -> bool + 'a {
    move |device: &str| {
        decisions
            .iter()
            .filter(|d| d.cert.body.device_id == device)
            .filter_map(|d| receipt_for_decision(receipts, d, agency))
            .any(|r| r.body.revoked_devices.iter().any(|x| x == device))
    }
}
