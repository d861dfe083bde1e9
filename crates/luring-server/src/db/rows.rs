//! The rows the server stores, as plain typed values: the same for every backend, each
//! backend mapping them to and from its own tables (and refusing a stored value that does
//! not fit its type, rather than reading it as a default).

use luring_sync::Class;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    pub name: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub role: String,
    /// argon2id PHC string.
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub nip: String,
    pub public_key: String,
    /// automerge actor id (hex) bound to this device.
    pub actor: String,
    /// The device certificate, JSON.
    pub cert: String,
    pub revoked: bool,
}

/// An entity as the server tracks it for access checks and validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub id: String,
    pub class: Class,
    pub unit: String,
    pub assignees: Vec<String>,
    /// The merged automerge document up to `snapshot_seq` (for an approval request: the
    /// request record). Changes after it are in the log.
    pub snapshot: Vec<u8>,
    /// The last log sequence number folded into `snapshot`.
    pub snapshot_seq: u64,
}

/// One stored change in the server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub seq: u64,
    pub entity: String,
    pub class: Class,
    pub hash: [u8; 32],
    pub bytes: Vec<u8>,
    pub device: String,
}

/// What waits in the log for one entity after a cursor, for a device's progress estimate:
/// who may read it (unit, assignees) and how many rows and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogRow {
    pub entity: String,
    pub unit: String,
    pub assignees: Vec<String>,
    pub rows: u64,
    pub bytes: u64,
}

/// A block of letter numbers leased to one device (`start..end` of `unit`'s register for
/// `year`), kept so that a number set on a document can be traced to the device that held
/// it and so that leases can be bounded per device and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub device: String,
    pub unit: String,
    pub year: i32,
    pub start: u32,
    pub end: u32,
    /// UTC day of the lease, `YYYY-MM-DD`.
    pub day: String,
}
