//! Approvals: a request binds one exact document version to an ordered chain of approvers;
//! each decision is an immutable fact signed by the approver's device. Nothing here is
//! merged: every replica derives the same status from the same set of facts with
//! [`evaluate`], so client, server and an offline verifier agree.
//!
//! Signed bytes are fixed, versioned, length-prefixed encodings (as in [`crate::hash`]):
//! a decision covers the request's digest (so it cannot be replayed on another request),
//! the document's content hash (so a changed text is detected), the level, the approver,
//! the verdict and the note.

use std::collections::HashSet;
use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::cert::DeviceCert;
use crate::clock::TimeError;
use crate::hash::field;
use crate::receipt::Receipt;
use crate::values::{EntityId, Nip, Text};

pub mod doc_status;
mod withdrawal;

pub use doc_status::{document_status, request_status, DocStatus, RequestState};
pub use withdrawal::{Withdrawal, WithdrawalBody, WITHDRAWAL_CONTEXT_V1};

pub const REQUEST_CONTEXT_V1: &str = "luring 2026-11 approval request v1";
pub const DECISION_CONTEXT_V1: &str = "luring 2026-11 approval decision v1";

/// Longest note on a decision, in characters.
pub const NOTE_MAX_CHARS: usize = 2_000;

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Verdict {
    Approve,
    Reject,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }
}

/// Where a request stands; spelled in Indonesian as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ApprovalStatus {
    Menunggu,
    Disetujui,
    Ditolak,
    Kedaluwarsa,
    /// Taken back by its requester while the chain was open ([`Withdrawal`]).
    Ditarik,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Menunggu => "menunggu",
            Self::Disetujui => "disetujui",
            Self::Ditolak => "ditolak",
            Self::Kedaluwarsa => "kedaluwarsa",
            Self::Ditarik => "ditarik",
        }
    }
}

impl fmt::Display for ApprovalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a requester asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestBody {
    pub id: EntityId,
    pub document_id: EntityId,
    /// [`crate::Document::content_hash`] of the version to approve (hex).
    pub content_hash: String,
    /// automerge heads of that version (hex, sorted).
    pub heads: Vec<String>,
    /// Approvers, level 0 first.
    pub chain: Vec<Nip>,
    pub requester: Nip,
    pub created_at: String,
}

/// A request. It is not signed by the requester (who may not have set a signing
/// passphrase): the server attributes it to the authenticated account that pushed it, and
/// every decision signs the request's digest, so no field can change unnoticed once
/// anyone has decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub body: RequestBody,
}

/// Every fact about approvals that travels between replicas. Requests and decisions are
/// made by people's devices; receipts only by the agency's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "lowercase")]
pub enum Record {
    Request(ApprovalRequest),
    Decision(Box<Decision>),
    Receipt(Receipt),
    Withdrawal(Withdrawal),
}

impl Record {
    /// The identity of a record as transported: BLAKE3 of its exact bytes. Records are
    /// kept as received, so every replica and the server name a record the same way.
    pub fn id_of(bytes: &[u8]) -> [u8; 32] {
        *blake3::hash(bytes).as_bytes()
    }

    /// The request this record belongs to.
    pub fn request_id(&self) -> &EntityId {
        match self {
            Self::Request(r) => &r.body.id,
            Self::Decision(d) => &d.body.request_id,
            Self::Receipt(r) => &r.body.request_id,
            Self::Withdrawal(w) => &w.body.request_id,
        }
    }

    /// How the record is filed in a store.
    pub fn kind(&self) -> crate::RecordKind {
        match self {
            Self::Request(_) => crate::RecordKind::Request,
            Self::Decision(_) => crate::RecordKind::Decision,
            Self::Receipt(_) => crate::RecordKind::Receipt,
            Self::Withdrawal(_) => crate::RecordKind::Withdrawal,
        }
    }
}

/// What an approver decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionBody {
    pub request_id: EntityId,
    /// [`ApprovalRequest::digest`] of the request decided on (hex).
    pub request_digest: String,
    pub content_hash: String,
    pub level: u32,
    pub approver: Nip,
    pub verdict: Verdict,
    pub note: Text,
    pub decided_at: String,
}

/// A signed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub body: DecisionBody,
    pub cert: DeviceCert,
    pub signature: String,
}

/// Why a fact does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    #[error("the device certificate is not valid: {0}")]
    Certificate(#[from] crate::cert::CertError),
    #[error("the certificate belongs to {cert}, not to the signer {signer}")]
    CertificateOfAnother { cert: String, signer: String },
    #[error("the signature does not match the signed content (changed after signing?)")]
    BadSignature,
    #[error("the decision was made for another request")]
    OtherRequest,
    #[error("the decision was made on another version of the document")]
    OtherVersion,
    #[error("the document changed after the request: the request is stale")]
    Stale,
    #[error("the signing device was revoked")]
    Revoked,
    #[error("the approval chain has already ended")]
    Ended,
    #[error("level {level} cannot decide yet: level {waiting} has not approved")]
    SkippedLevel { level: u32, waiting: usize },
    #[error("level {0} has already decided")]
    AlreadyDecided(u32),
    #[error("level {0} does not exist in the chain")]
    NoSuchLevel(u32),
    #[error("{signer} is not the approver at level {level}")]
    WrongApprover { signer: String, level: u32 },
    #[error("the same decision was already counted")]
    Duplicate,
    #[error("the request is malformed: {0}")]
    Malformed(&'static str),
    #[error("the requester {0} cannot approve their own request")]
    SelfApproval(String),
    #[error("{0} appears more than once in the chain of approvers")]
    DuplicateApprover(String),
    #[error("the time is refused: {0}")]
    Time(#[from] TimeError),
}

impl ApprovalError {
    /// The code a server's refusal of a record failing with this error carries.
    pub fn refusal_code(&self) -> crate::RefusalCode {
        use crate::RefusalCode as C;
        match self {
            Self::Certificate(_) | Self::CertificateOfAnother { .. } | Self::BadSignature => {
                C::BadSignature
            }
            Self::OtherRequest | Self::Malformed(_) | Self::DuplicateApprover(_) => C::NotValid,
            Self::OtherVersion | Self::Stale => C::StaleApproval,
            Self::Revoked => C::DeviceRevoked,
            Self::Ended | Self::AlreadyDecided(_) | Self::Duplicate => C::AlreadyDecided,
            Self::SkippedLevel { .. } => C::NotYourTurn,
            Self::NoSuchLevel(_) | Self::WrongApprover { .. } | Self::SelfApproval(_) => {
                C::MayNotDecide
            }
            Self::Time(_) => C::WrongClock,
        }
    }
}

fn strings(h: &mut blake3::Hasher, tag: u8, items: &[String]) {
    h.update(&(items.len() as u64).to_le_bytes());
    for i in items {
        field(h, tag, i.as_bytes());
    }
}

impl RequestBody {
    pub fn signed_bytes(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new_derive_key(REQUEST_CONTEXT_V1);
        field(&mut h, 1, self.id.as_str().as_bytes());
        field(&mut h, 2, self.document_id.as_str().as_bytes());
        field(&mut h, 3, self.content_hash.as_bytes());
        strings(&mut h, 4, &self.heads);
        let chain: Vec<String> = self.chain.iter().map(|n| n.to_string()).collect();
        strings(&mut h, 5, &chain);
        field(&mut h, 6, self.requester.as_str().as_bytes());
        field(&mut h, 7, self.created_at.as_bytes());
        *h.finalize().as_bytes()
    }
}

impl DecisionBody {
    pub fn signed_bytes(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new_derive_key(DECISION_CONTEXT_V1);
        field(&mut h, 1, self.request_id.as_str().as_bytes());
        field(&mut h, 2, self.request_digest.as_bytes());
        field(&mut h, 3, self.content_hash.as_bytes());
        field(&mut h, 4, &self.level.to_le_bytes());
        field(&mut h, 5, self.approver.as_str().as_bytes());
        field(&mut h, 6, self.verdict.as_str().as_bytes());
        field(&mut h, 7, self.note.as_str().as_bytes());
        field(&mut h, 8, self.decided_at.as_bytes());
        *h.finalize().as_bytes()
    }
}

fn sign(bytes: &[u8; 32], key: &SigningKey) -> String {
    hex::encode(key.sign(bytes).to_bytes())
}

/// Checks that `cert` is the agency's, names `signer`, and that its key signed `bytes`.
fn check_signed(
    bytes: &[u8; 32],
    signature: &str,
    cert: &DeviceCert,
    signer: &Nip,
    agency: &VerifyingKey,
) -> Result<(), ApprovalError> {
    cert.verify(agency)?;
    if &cert.body.nip != signer {
        return Err(ApprovalError::CertificateOfAnother {
            cert: cert.body.nip.to_string(),
            signer: signer.to_string(),
        });
    }
    crate::keys::verify_hex(&cert.device_key()?, bytes, signature)
        .map_err(|_| ApprovalError::BadSignature)
}

impl ApprovalRequest {
    /// What decisions bind to: the canonical hash of every field of the request.
    pub fn digest(&self) -> String {
        hex::encode(self.body.signed_bytes())
    }

    /// Checks the request's own shape and the rules of a chain: no one approves their own
    /// request, no one appears twice, and the time is a real RFC 3339 time.
    pub fn verify(&self) -> Result<(), ApprovalError> {
        if self.body.chain.is_empty() {
            return Err(ApprovalError::Malformed("the chain of approvers is empty"));
        }
        if self.body.chain.contains(&self.body.requester) {
            return Err(ApprovalError::SelfApproval(self.body.requester.to_string()));
        }
        let mut seen = HashSet::new();
        for n in &self.body.chain {
            if !seen.insert(n) {
                return Err(ApprovalError::DuplicateApprover(n.to_string()));
            }
        }
        crate::clock::parse(&self.body.created_at)?;
        let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit());
        if !hex64(&self.body.content_hash) {
            return Err(ApprovalError::Malformed(
                "the content hash is not 64 hex characters",
            ));
        }
        Ok(())
    }
}

impl Decision {
    pub fn sign(body: DecisionBody, cert: DeviceCert, key: &SigningKey) -> Self {
        let signature = sign(&body.signed_bytes(), key);
        Self {
            body,
            cert,
            signature,
        }
    }

    /// Checks the decision as a signed fact about `req` (not yet its place in the chain).
    pub fn verify_for(
        &self,
        req: &ApprovalRequest,
        agency: &VerifyingKey,
    ) -> Result<(), ApprovalError> {
        check_signed(
            &self.body.signed_bytes(),
            &self.signature,
            &self.cert,
            &self.body.approver,
            agency,
        )?;
        if self.body.request_id != req.body.id || self.body.request_digest != req.digest() {
            return Err(ApprovalError::OtherRequest);
        }
        if self.body.content_hash != req.body.content_hash {
            return Err(ApprovalError::OtherVersion);
        }
        crate::clock::check_order(&req.body.created_at, &self.body.decided_at)?;
        Ok(())
    }
}

/// What the rules conclude from a request and the decisions seen so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub status: ApprovalStatus,
    /// Decisions that count, in chain order.
    pub accepted: Vec<Decision>,
    /// Decisions that do not count, with the reason.
    pub refused: Vec<(Decision, ApprovalError)>,
    /// The level whose approver decides next, while the chain is open.
    pub next_level: Option<usize>,
}

/// Applies the rules. `current_hash` is the document's content hash now (`None` when
/// unknown, e.g. a verifier with only the bundle); `revoked` says whether a device was
/// revoked before its decision was received.
pub fn evaluate(
    req: &ApprovalRequest,
    decisions: &[Decision],
    agency: &VerifyingKey,
    current_hash: Option<&str>,
    revoked: &dyn Fn(&str) -> bool,
) -> Evaluation {
    let stale = current_hash.is_some_and(|h| h != req.body.content_hash);
    let mut ordered: Vec<&Decision> = decisions.iter().collect();
    // The same facts in any order give the same result.
    ordered.sort_by(|a, b| {
        (a.body.level, &a.body.decided_at, &a.signature).cmp(&(
            b.body.level,
            &b.body.decided_at,
            &b.signature,
        ))
    });
    let mut seen = HashSet::new();
    let mut ev = Evaluation {
        status: ApprovalStatus::Menunggu,
        accepted: vec![],
        refused: vec![],
        next_level: Some(0),
    };
    let valid_request = req.verify();
    for d in ordered {
        let verdict = (|| {
            valid_request.clone()?;
            d.verify_for(req, agency)?;
            // The same decision delivered twice counts once. Only a decision that verifies
            // is remembered, by its signature's bytes, so a damaged copy cannot shadow it.
            let sig = hex::decode(&d.signature).map_err(|_| ApprovalError::BadSignature)?;
            if !seen.insert(sig) {
                return Err(ApprovalError::Duplicate);
            }
            if revoked(&d.cert.body.device_id) {
                return Err(ApprovalError::Revoked);
            }
            let Some(next) = ev.next_level else {
                return Err(ApprovalError::Ended);
            };
            // Approving a version that is no longer the document's is refused; a rejection
            // of the version asked stays a rejection whatever the document became after
            // (it is corrected once rejected), so a corrected draft shows "Ditolak", not
            // "Kedaluwarsa".
            if stale && d.body.verdict == Verdict::Approve {
                return Err(ApprovalError::Stale);
            }
            let level = d.body.level as usize;
            if level >= req.body.chain.len() {
                return Err(ApprovalError::NoSuchLevel(d.body.level));
            }
            if level < next {
                return Err(ApprovalError::AlreadyDecided(d.body.level));
            }
            if level > next {
                return Err(ApprovalError::SkippedLevel {
                    level: d.body.level,
                    waiting: next,
                });
            }
            if req.body.chain[level] != d.body.approver {
                return Err(ApprovalError::WrongApprover {
                    signer: d.body.approver.to_string(),
                    level: d.body.level,
                });
            }
            Ok(())
        })();
        match verdict {
            Ok(()) => {
                ev.accepted.push(d.clone());
                let level = d.body.level as usize;
                match d.body.verdict {
                    Verdict::Reject => {
                        ev.status = ApprovalStatus::Ditolak;
                        ev.next_level = None;
                    }
                    Verdict::Approve if level + 1 == req.body.chain.len() => {
                        ev.status = ApprovalStatus::Disetujui;
                        ev.next_level = None;
                    }
                    Verdict::Approve => ev.next_level = Some(level + 1),
                }
            }
            Err(ApprovalError::Duplicate) => {}
            Err(e) => ev.refused.push((d.clone(), e)),
        }
    }
    if ev.next_level.is_some() && stale {
        ev.status = ApprovalStatus::Kedaluwarsa;
        ev.next_level = None;
    }
    ev
}

#[cfg(test)]
mod tests;
