//! # luring-sync
//!
//! The wire protocol between a Luring device and its agency server, with no I/O: message
//! types, their compressed binary encoding, and the limits a decoder enforces. HTTP lives
//! in `luring-client` and `luring-server`; keeping it out of here is what makes the
//! protocol cheap to test under any fault schedule.
//!
//! The common case is one round trip: the device sends a [`SyncRequest`] with its outbox
//! (automerge changes nobody has acknowledged) and its [`Cursor`]; the server answers with
//! a [`SyncResponse`] that acknowledges what it stored, refuses with a code and a reason
//! what it will not store ([`Rejection`]), and carries everything after the cursor that
//! this user may read, up to the byte budget the device asked for (`more` says whether to
//! ask again). Changes are identified by their automerge hash, so retrying a request after
//! a cut never duplicates anything.
//!
//! On the wire a message is one version byte, one message-type byte, one dictionary byte,
//! and the postcard encoding of the message compressed by zstd with that dictionary
//! ([`codec`], [`dictionary`]).
//!
//! [`device`] holds what a device does with a round trip that needs no store: acknowledged
//! hashes, the split of a pull into entity changes and approval records, the kept cursor.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

pub mod attachments;
pub mod codec;
pub mod compact;
pub mod device;
pub mod dictionary;
pub mod login;
mod messages;

pub use codec::{
    decode_request, decode_response, encode_request, encode_response, CodecError, Limits,
};
pub use compact::CompactChange;
pub use luring_model::RefusalCode;
pub use messages::{
    request_digest, Backlog, Change, ChangeHash, Class, Cursor, Lease, Rejection, SyncRequest,
    SyncResponse,
};

/// Version of the protocol this crate speaks; the first byte of every message.
///
/// 2: [`SyncResponse::remaining`] (what still waits, for a first sync's progress).
/// 3: compact changes ([`SyncRequest::compact`], [`SyncResponse::resend_full`]) and zstd
/// with a dictionary trained on Luring's messages.
/// 4: a refusal carries its code ([`Rejection::code`]).
/// A message of another version is refused by the decoder with "update Luring".
pub const PROTOCOL_VERSION: u8 = 4;
