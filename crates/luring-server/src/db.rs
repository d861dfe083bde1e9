//! The server's storage, as one trait with row types, so that SQLite (embedded, the
//! default) and PostgreSQL (a province or ministry) can stand behind the same server.
//! The backend is chosen once in `main`; everything else is generic over [`Database`].

use luring_sync::Class;

use crate::error::Result;

pub mod sqlite;

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

/// Everything the server stores.
pub trait Database: Send + Sync + 'static {
    fn create_agency(&self, a: &AgencyRow) -> Result<()>;
    fn agency(&self) -> Result<Option<AgencyRow>>;
    fn add_unit(&self, u: &UnitRow) -> Result<()>;
    fn units(&self) -> Result<Vec<UnitRow>>;
    fn add_user(&self, u: &UserRow) -> Result<()>;
    fn user(&self, nip: &str) -> Result<Option<UserRow>>;
    /// Registers a device with its first access token (stored as a hash).
    fn add_device(&self, d: &DeviceRow, token_hash: &[u8; 32]) -> Result<()>;
    /// Issues another token for a known device (a new login from the same device).
    fn add_token_for(&self, device_id: &str, token_hash: &[u8; 32]) -> Result<()>;
    fn device(&self, id: &str) -> Result<Option<DeviceRow>>;
    /// Records sync number `n` of `device` ([`crate::copies`]); false (and nothing
    /// recorded) when `n` shows another copy of the device's profile.
    fn note_sync_number(&self, device: &str, n: u64) -> Result<bool>;
    /// Binds device `id` to `actor` (its key-derived actor, replacing a random one).
    fn set_device_actor(&self, id: &str, actor: &str) -> Result<()>;
    /// The device and user behind a token, unless the token or the device is revoked.
    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<(DeviceRow, UserRow)>>;
    /// Revokes a device and all its tokens; false if there is no such device.
    fn revoke_device(&self, id: &str) -> Result<bool>;
    /// Runs `f` in one transaction: all of a sync's writes commit together or not at all.
    fn sync_tx<T>(&self, f: impl FnOnce(&mut dyn SyncTx) -> Result<T>) -> Result<T>;
}

/// The operations of one sync, inside its transaction.
pub trait SyncTx {
    fn entity(&mut self, id: &str) -> Result<Option<EntityRow>>;
    fn put_entity(&mut self, e: &EntityRow) -> Result<()>;
    fn has_change(&mut self, hash: &[u8; 32]) -> Result<bool>;
    /// Appends a change to the log and returns its sequence number.
    fn append(
        &mut self,
        entity: &str,
        class: Class,
        hash: &[u8; 32],
        bytes: &[u8],
        device: &str,
    ) -> Result<u64>;
    /// Up to `limit` changes of `class` with a sequence number above `after`, in order.
    fn log_after(&mut self, class: Class, after: u64, limit: usize) -> Result<Vec<LogRow>>;
    /// Every change of one entity, in order.
    fn entity_log(&mut self, entity: &str) -> Result<Vec<LogRow>>;
    /// The total size of one entity's stored changes, in bytes.
    fn entity_bytes(&mut self, entity: &str) -> Result<u64>;
    /// The changes of one entity after sequence number `after`, in order.
    fn entity_log_after(&mut self, entity: &str, after: u64) -> Result<Vec<LogRow>>;
    /// The cursor position at which this device was sent an entity's whole history.
    fn known(&mut self, device: &str, entity: &str) -> Result<Option<u64>>;
    fn set_known(&mut self, device: &str, entity: &str, at: u64) -> Result<()>;
    /// Forgets that a device was sent an entity (it lost access: if access returns, the
    /// whole history must be sent again).
    fn forget_known(&mut self, device: &str, entity: &str) -> Result<()>;
    /// Reserves `count` letter numbers of `unit` for `year` for `device` (recording the
    /// lease with its UTC `day`) and returns the first; numbers start at 1 and are never
    /// handed out twice.
    fn lease_numbers(
        &mut self,
        device: &str,
        unit: &str,
        year: i32,
        count: u32,
        day: &str,
    ) -> Result<u32>;
    /// Every block leased to `device`, oldest first.
    fn leases(&mut self, device: &str) -> Result<Vec<LeaseRow>>;
    /// The document that carries letter number `number` of `unit`'s register for `year`.
    fn letter_number_holder(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
    ) -> Result<Option<String>>;
    /// How many numbers in `start..end` of `unit`'s register for `year` are on documents.
    fn letter_numbers_used(&mut self, unit: &str, year: i32, start: u32, end: u32) -> Result<u32>;
    /// Records that `document` carries letter number `number` (unique per unit and year).
    fn use_letter_number(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
        document: &str,
    ) -> Result<()>;
    /// The entities of `class` filed under `unit` (the server finds a document's approval
    /// requests among its unit's requests).
    fn entities_in(&mut self, class: Class, unit: &str) -> Result<Vec<EntityRow>>;
    /// Whether a device is revoked (unknown devices count as revoked).
    fn device_revoked(&mut self, id: &str) -> Result<bool>;
    /// The agency's revocation list: every revoked device id, sorted.
    fn revoked_devices(&mut self) -> Result<Vec<String>>;
}
