//! The messages of one sync round trip.

use luring_model::RefusalCode;
use serde::{Deserialize, Serialize};

use crate::compact::CompactChange;

/// An automerge change hash (SHA-256 of the change).
pub type ChangeHash = [u8; 32];

/// What an entity is, which decides its priority on a thin link: approvals and decisions
/// first, then tasks, then documents (bodies are the bulk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Class {
    Approval,
    Task,
    Document,
}

impl Class {
    /// Every class, most urgent first.
    pub const BY_PRIORITY: [Class; 3] = [Class::Approval, Class::Task, Class::Document];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The class whose [`Class::index`] is `i`; `None` for any other number (a stored
    /// value that is not a class is damage, not a document).
    pub fn from_index(i: usize) -> Option<Class> {
        Self::BY_PRIORITY.get(i).copied()
    }
}

/// Where a device stands in the server's log: one sequence number per class, so that a
/// response cut short by the byte budget can deliver urgent classes first and still resume
/// the others exactly where they stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor(pub [u64; 3]);

impl Cursor {
    pub fn get(&self, c: Class) -> u64 {
        self.0[c.index()]
    }
    pub fn set(&mut self, c: Class, seq: u64) {
        self.0[c.index()] = seq;
    }
}

/// One automerge change of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub entity: String,
    pub class: Class,
    /// The raw automerge change, as `Change::raw_bytes` gives it.
    pub bytes: Vec<u8>,
}

/// Device → server.
///
/// The pushed changes are `push` (approval records, and changes sent in full) followed by
/// `compact` (the device's own changes without what the server can rebuild, see
/// [`crate::compact`]); acknowledgements count positions over both, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncRequest {
    pub cursor: Cursor,
    pub push: Vec<Change>,
    /// Added in protocol version 3.
    pub compact: Vec<CompactChange>,
    /// Most bytes of pulled changes the device wants in the response (before compression).
    pub byte_budget: u32,
    /// The device is running low on leased letter numbers and wants a new block.
    pub want_numbers: bool,
}

/// A block of letter numbers leased to one device, so it can number documents offline
/// without clashing with anyone: `start..end` of `unit`'s sequence for `year`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub unit: String,
    pub year: i32,
    pub start: u32,
    pub end: u32,
}

/// Why the server refused a pushed change: `code` for a UI to say in its own language,
/// `reason` the server's English sentence (for logs and the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub hash: ChangeHash,
    pub entity: String,
    /// Added in protocol version 4. Encoded as its name, not an index, so a code added
    /// later reads as [`RefusalCode::Unknown`] on an older device instead of failing the
    /// whole answer (see [`luring_model::RefusalCode`]).
    pub code: RefusalCode,
    pub reason: String,
}

/// Identifies the request a response answers: the first 8 bytes of the BLAKE3 hash of
/// the request's encoded body. A device ignores an answer to another request (a delayed
/// one), because acknowledgements are by position.
pub fn request_digest(body: &[u8]) -> [u8; 8] {
    let h = blake3::hash(body);
    let mut d = [0; 8];
    d.copy_from_slice(&h.as_bytes()[..8]);
    d
}

/// Server → device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncResponse {
    /// [`request_digest`] of the request answered.
    pub request: [u8; 8],
    /// Bitmap over the request's `push`: bit `i` (byte `i / 8`, bit `i % 8`) set means the
    /// server holds change `i` durably (including one it already had). A bit per change
    /// instead of its 32-byte hash keeps the answer to a big push a few bytes.
    pub acked: Vec<u8>,
    pub rejected: Vec<Rejection>,
    /// Changes after the request's cursor that this user may read, most urgent class first.
    pub pull: Vec<Change>,
    /// The cursor to send next time.
    pub cursor: Cursor,
    /// More is waiting beyond the byte budget: ask again.
    pub more: bool,
    /// A new block of letter numbers, when the device asked for one.
    pub lease: Option<Lease>,
    /// When `more`: an estimate of what is still waiting after `cursor` for this device
    /// (log rows of entities it may read, and their bytes), so a first sync can show how
    /// far it has come. 0 when nothing is waiting. Added in protocol version 2.
    pub remaining: Backlog,
    /// Bitmap over the pushed changes like `acked`: compact changes the server could not
    /// rebuild (a dependency it does not hold, a prefix that named another change). The
    /// device sends them again in full. Added in protocol version 3.
    pub resend_full: Vec<u8>,
}

/// What waits on the server for one device after its cursor: an estimate for progress,
/// never used to decide what to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Backlog {
    /// Changes (log rows) waiting.
    pub items: u64,
    /// Their size in bytes, before compression.
    pub bytes: u64,
}

impl SyncResponse {
    /// Records that pushed change `i` is stored.
    pub fn ack(&mut self, i: usize) {
        set_bit(&mut self.acked, i);
    }

    /// Whether pushed change `i` is stored.
    pub fn is_acked(&self, i: usize) -> bool {
        bit(&self.acked, i)
    }

    /// Asks for pushed change `i` again in full.
    pub fn ask_full(&mut self, i: usize) {
        set_bit(&mut self.resend_full, i);
    }

    /// Whether pushed change `i` is asked for again in full.
    pub fn wants_full(&self, i: usize) -> bool {
        bit(&self.resend_full, i)
    }

    /// How many pushed changes are stored.
    pub fn acked_count(&self) -> usize {
        self.acked.iter().map(|b| b.count_ones() as usize).sum()
    }
}

/// Sets bit `i` (byte `i / 8`, bit `i % 8`) of a bitmap, growing it as needed.
fn set_bit(map: &mut Vec<u8>, i: usize) {
    if map.len() <= i / 8 {
        map.resize(i / 8 + 1, 0);
    }
    map[i / 8] |= 1 << (i % 8);
}

fn bit(map: &[u8], i: usize) -> bool {
    map.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_bitmap() {
        let mut r = SyncResponse::default();
        r.ack(0);
        r.ack(9);
        assert!(r.is_acked(0) && r.is_acked(9));
        assert!(!r.is_acked(1) && !r.is_acked(8) && !r.is_acked(100));
        assert_eq!(r.acked, vec![1, 2]);
        assert_eq!(r.acked_count(), 2);
        assert_ne!(request_digest(b"a"), request_digest(b"b"));
    }

    #[test]
    fn class_indexes_round_trip() {
        for c in Class::BY_PRIORITY {
            assert_eq!(Class::from_index(c.index()), Some(c));
        }
        assert_eq!(Class::from_index(3), None);
    }
}
