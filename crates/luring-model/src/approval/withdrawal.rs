//! Withdrawing a pending request (tarik pengajuan): the requester takes a document back to
//! edit it before anyone has finished deciding. Like the request itself, a withdrawal is
//! not signed with a device key (the requester may have no signing passphrase): the server
//! accepts it only from the account that made the request and only while the chain is
//! open, and anchors it with a receipt the agency signs. It names the request by its
//! digest, so it cannot be replayed onto another request.

use serde::{Deserialize, Serialize};

use crate::hash::field;
use crate::values::{EntityId, Nip};

pub const WITHDRAWAL_CONTEXT_V1: &str = "luring 2026-12 approval withdrawal v1";

/// What the requester says: "I take this request back".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalBody {
    pub request_id: EntityId,
    /// [`crate::ApprovalRequest::digest`] of the request withdrawn (hex).
    pub request_digest: String,
    pub requester: Nip,
    pub withdrawn_at: String,
}

/// A withdrawal, as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub body: WithdrawalBody,
}

impl Withdrawal {
    /// The canonical hash of every field (what the server's receipt names).
    pub fn digest(&self) -> String {
        let mut h = blake3::Hasher::new_derive_key(WITHDRAWAL_CONTEXT_V1);
        field(&mut h, 1, self.body.request_id.as_str().as_bytes());
        field(&mut h, 2, self.body.request_digest.as_bytes());
        field(&mut h, 3, self.body.requester.as_str().as_bytes());
        field(&mut h, 4, self.body.withdrawn_at.as_bytes());
        hex::encode(h.finalize().as_bytes())
    }

    /// Whether this withdrawal is about `req` and made by its requester.
    pub fn is_for(&self, req: &super::ApprovalRequest) -> bool {
        self.body.request_id == req.body.id
            && self.body.request_digest == req.digest()
            && self.body.requester == req.body.requester
    }
}
