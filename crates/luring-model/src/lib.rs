//! # luring-model
//!
//! The domain of Luring — tasks, official documents (naskah dinas), units and people —
//! as plain Rust values with the rules every replica must agree on. It does no I/O and
//! knows nothing of SQLite, automerge, HTTP or Tauri, so the client, the server and the
//! desktop all apply exactly the same validation.
//!
//! Values are validated when they are built: a [`Title`], [`Date`] or [`Nip`] that
//! exists is valid, so code holding one never checks again. Parsing errors are
//! [`ValidationError`]s whose messages are written for the person who typed the value.
//!
//! [`Document::content_hash`] is the canonical BLAKE3 hash of one document version; an
//! approval binds to it, so its encoding is fixed and versioned (see [`hash`]).
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

pub mod approval;
pub mod cert;
pub mod clock;
mod document;
mod error;
pub mod hash;
pub mod keys;
mod kinds;
mod org;
pub mod receipt;
mod refusal;
mod task;
mod timestamp;
mod values;

pub use approval::{
    document_status, evaluate, request_status, ApprovalError, ApprovalRequest, ApprovalStatus,
    Decision, DecisionBody, DocStatus, Evaluation, Record, RequestBody, RequestState, Verdict,
    Withdrawal, WithdrawalBody,
};
pub use cert::{device_actor, login_proof_bytes, CertError, DeviceCert, DeviceCertBody};
pub use document::{Classification, DocKind, Document, BODY_MAX_CHARS};
pub use error::{ValidationDetail, ValidationError, ValidationReason, ValidationResult};
pub use hash::ContentHash;
pub use keys::KeyError;
pub use kinds::{EntityKind, KindError, RecordKind};
pub use org::{Role, Unit};
pub use receipt::{Receipt, ReceiptBody, ReceiptOf};
pub use refusal::RefusalCode;
pub use task::{
    ChecklistItem, Comment, CommentEdit, Disposition, Task, TaskPatch, TaskStatus,
    DESCRIPTION_MAX_CHARS,
};
pub use timestamp::Timestamp;
pub use values::{Date, EntityId, Nip, Text, Title};
