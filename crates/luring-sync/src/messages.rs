//! The messages of one sync round trip.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub cursor: Cursor,
    pub push: Vec<Change>,
    /// Most bytes of pulled changes the device wants in the response (before compression).
    pub byte_budget: u32,
}

/// Why the server refused a pushed change; `reason` is a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub hash: ChangeHash,
    pub entity: String,
    pub reason: String,
}

/// Server → device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncResponse {
    /// Pushed changes the server now holds durably (including ones it already had).
    pub acked: Vec<ChangeHash>,
    pub rejected: Vec<Rejection>,
    /// Changes after the request's cursor that this user may read, most urgent class first.
    pub pull: Vec<Change>,
    /// The cursor to send next time.
    pub cursor: Cursor,
    /// More is waiting beyond the byte budget: ask again.
    pub more: bool,
}
