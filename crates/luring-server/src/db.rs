//! The server's storage, as one trait with row types, so that SQLite (embedded, the
//! default) and PostgreSQL (a province or ministry) can stand behind the same server.
//! The backend is chosen once in `main`; everything else is generic over [`Database`].
//!
//! The contract is backend-neutral: methods fail with [`DbError`] (not found, a named
//! [`Conflict`], or anything else), each backend owns its schema and its migrations, and
//! rows come back typed or as an error, never with a damaged value read as a default.
//! The conformance suite (`tests/storage_suite/`) checks every method's contract, and
//! `tests/log_order.rs` checks the log order rule below with concurrent writers; a new
//! backend runs both.
//!
//! # Log order
//!
//! Devices pull by cursor: one log sequence number per class, meaning "I have everything
//! of this class up to here". That is sound only if **a reader never sees a log sequence
//! number while a lower one may still commit**. Otherwise a reader sees 7, moves its
//! cursor to 7, and is never sent 6, which commits a moment later. Sequence numbers must
//! therefore become visible in the order they were given out. A backend holds this rule
//! in one of two ways:
//! - it lets one transaction that appends run at a time and gives out the sequence number
//!   inside it, so the numbers commit in order (the SQLite backend: see
//!   [`sqlite::SqliteDb`]); or
//! - it lets appending transactions run together (a PostgreSQL `SEQUENCE`, for one) and
//!   then [`SyncTx::log_after`] must stop below the lowest sequence number still in
//!   flight, a watermark kept by the backend. A PostgreSQL backend can instead take
//!   `pg_advisory_xact_lock` before its first append, which is the first way again.
//!
//! Rolled-back transactions may leave gaps in the numbers or not; readers do not rely on
//! either.

use luring_sync::Class;

use crate::error::Result;

mod error;
mod rows;
pub mod sqlite;

pub use error::{Conflict, DbError, DbResult};
pub use rows::{AgencyRow, BacklogRow, DeviceRow, EntityRow, LeaseRow, LogRow, UnitRow, UserRow};

/// Everything the server stores.
///
/// Lookups of one row return `Ok(None)` when there is none; writes that refer to a row
/// that does not exist fail with [`DbError::NotFound`]; writes that would break a
/// uniqueness rule fail with the [`Conflict`] named on the method and store nothing.
pub trait Database: Send + Sync + 'static {
    /// Stores the agency. [`Conflict::AgencyExists`] if there is one.
    fn create_agency(&self, a: &AgencyRow) -> DbResult<()>;
    fn agency(&self) -> DbResult<Option<AgencyRow>>;
    /// [`Conflict::UnitExists`] if the code is taken; [`DbError::NotFound`] if the parent
    /// unit does not exist.
    fn add_unit(&self, u: &UnitRow) -> DbResult<()>;
    /// Every unit, by code.
    fn units(&self) -> DbResult<Vec<UnitRow>>;
    /// [`Conflict::UserExists`] if the NIP is taken; [`DbError::NotFound`] if the unit
    /// does not exist.
    fn add_user(&self, u: &UserRow) -> DbResult<()>;
    fn user(&self, nip: &str) -> DbResult<Option<UserRow>>;
    /// Registers a device with its first access token (stored as a hash), both or
    /// neither. [`Conflict::DeviceExists`], [`Conflict::ActorBound`] (another device has
    /// the actor), [`Conflict::TokenExists`]; [`DbError::NotFound`] if the user does not
    /// exist. The device is stored as not revoked, whatever `d.revoked` says.
    fn add_device(&self, d: &DeviceRow, token_hash: &[u8; 32]) -> DbResult<()>;
    /// Issues another token for a known device (a new login from the same device).
    /// [`DbError::NotFound`] for an unknown device; [`Conflict::TokenExists`].
    fn add_token_for(&self, device_id: &str, token_hash: &[u8; 32]) -> DbResult<()>;
    fn device(&self, id: &str) -> DbResult<Option<DeviceRow>>;
    /// Records sync number `n` of `device` ([`crate::copies`]); false (and nothing
    /// recorded) when `n` shows another copy of the device's profile.
    fn note_sync_number(&self, device: &str, n: u64) -> DbResult<bool>;
    /// Binds device `id` to `actor` (its key-derived actor, replacing a random one).
    /// [`DbError::NotFound`] for an unknown device; [`Conflict::ActorBound`] if another
    /// device has the actor.
    fn set_device_actor(&self, id: &str, actor: &str) -> DbResult<()>;
    /// The device and user behind a token, unless the token or the device is revoked.
    fn session(&self, token_hash: &[u8; 32]) -> DbResult<Option<(DeviceRow, UserRow)>>;
    /// Revokes a device and all its tokens; false if there is no such device.
    fn revoke_device(&self, id: &str) -> DbResult<bool>;
    /// Runs `f` in one transaction: all of a sync's writes commit together when `f`
    /// returns `Ok`, and none of them when it returns `Err` (which is passed on). The
    /// closure's errors are the server's; the backend's own arrive as
    /// [`crate::ServerError::Db`].
    fn sync_tx<T>(&self, f: impl FnOnce(&mut dyn SyncTx) -> Result<T>) -> Result<T>;
}

/// The operations of one sync, inside its transaction. Reads see the transaction's own
/// writes.
pub trait SyncTx {
    fn entity(&mut self, id: &str) -> DbResult<Option<EntityRow>>;
    /// Stores an entity, or replaces the stored one's unit, assignees and snapshot. An
    /// entity's class is set when it is first stored and never changes.
    fn put_entity(&mut self, e: &EntityRow) -> DbResult<()>;
    fn has_change(&mut self, hash: &[u8; 32]) -> DbResult<bool>;
    /// Appends a change to the log and returns its sequence number, higher than every
    /// number given out before. [`Conflict::ChangeLogged`] if a change with this hash is
    /// stored. The number must not become visible to other transactions' reads while a
    /// lower one may still commit (see "Log order" in [`crate::db`]).
    fn append(
        &mut self,
        entity: &str,
        class: Class,
        hash: &[u8; 32],
        bytes: &[u8],
        device: &str,
    ) -> DbResult<u64>;
    /// Up to `limit` changes of `class` with a sequence number above `after`, in order.
    /// This is what the pull cursor reads: it must never return a sequence number while
    /// a lower one of any class may still commit (see "Log order" in [`crate::db`]).
    fn log_after(&mut self, class: Class, after: u64, limit: usize) -> DbResult<Vec<LogRow>>;
    /// Per entity, the rows of `class` after sequence number `after` and their bytes, with
    /// the entity's unit and assignees (an estimate of what a pull still has to send; the
    /// caller filters what the device may read).
    fn backlog_after(&mut self, class: Class, after: u64) -> DbResult<Vec<BacklogRow>>;
    /// Every change of one entity, in order.
    fn entity_log(&mut self, entity: &str) -> DbResult<Vec<LogRow>>;
    /// The total size of one entity's stored changes, in bytes (0 for an unknown one).
    fn entity_bytes(&mut self, entity: &str) -> DbResult<u64>;
    /// The changes of one entity after sequence number `after`, in order.
    fn entity_log_after(&mut self, entity: &str, after: u64) -> DbResult<Vec<LogRow>>;
    /// The cursor position at which this device was sent an entity's whole history.
    fn known(&mut self, device: &str, entity: &str) -> DbResult<Option<u64>>;
    /// Sets (or moves) that position.
    fn set_known(&mut self, device: &str, entity: &str, at: u64) -> DbResult<()>;
    /// Forgets that a device was sent an entity (it lost access: if access returns, the
    /// whole history must be sent again). Forgetting what was never known is no error.
    fn forget_known(&mut self, device: &str, entity: &str) -> DbResult<()>;
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
    ) -> DbResult<u32>;
    /// Every block leased to `device`, oldest first.
    fn leases(&mut self, device: &str) -> DbResult<Vec<LeaseRow>>;
    /// The document that carries letter number `number` of `unit`'s register for `year`.
    fn letter_number_holder(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
    ) -> DbResult<Option<String>>;
    /// How many numbers in `start..end` of `unit`'s register for `year` are on documents.
    fn letter_numbers_used(&mut self, unit: &str, year: i32, start: u32, end: u32)
        -> DbResult<u32>;
    /// Records that `document` carries letter number `number`.
    /// [`Conflict::LetterNumberTaken`] if another document (or this one) has it.
    fn use_letter_number(
        &mut self,
        unit: &str,
        year: i32,
        number: u32,
        document: &str,
    ) -> DbResult<()>;
    /// The entities of `class` filed under `unit`, by id (the server finds a document's
    /// approval requests among its unit's requests).
    fn entities_in(&mut self, class: Class, unit: &str) -> DbResult<Vec<EntityRow>>;
    /// Whether a device is revoked (unknown devices count as revoked).
    fn device_revoked(&mut self, id: &str) -> DbResult<bool>;
    /// The agency's revocation list: every revoked device id, sorted.
    fn revoked_devices(&mut self) -> DbResult<Vec<String>>;
}
