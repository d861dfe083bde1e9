//! What storage can fail with, in words that do not depend on the backend: the server
//! tells "no such row" and "that would clash with a stored row" apart from a broken
//! database without knowing whether SQLite or PostgreSQL stands behind it (the login, for
//! one, answers 409 when a device's actor is already bound). Each backend maps its own
//! errors here; no backend type crosses the [`super::Database`] trait.

/// Result of a storage operation.
pub type DbResult<T> = std::result::Result<T, DbError>;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// A row the operation names or refers to does not exist (an unknown device, the
    /// unknown unit of a new user).
    #[error("the record this refers to does not exist")]
    NotFound,
    /// Storing the row would break a uniqueness rule; nothing was stored.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// Anything else: the database failed, or a stored row is damaged (the sentence names
    /// the row).
    #[error("{0}")]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl DbError {
    /// A stored row that cannot be read back as its type: `what` names the row and says
    /// what is wrong with it.
    pub fn damaged(what: impl Into<String>) -> Self {
        DbError::Other(what.into().into())
    }
}

/// The uniqueness rules the server relies on. Every backend must enforce each one and
/// report it as this variant (the conformance suite checks that it does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Conflict {
    /// There is one agency per database.
    #[error("the agency is already initialised")]
    AgencyExists,
    #[error("a unit with this code already exists")]
    UnitExists,
    #[error("a user with this NIP already exists")]
    UserExists,
    #[error("this device is already registered")]
    DeviceExists,
    /// An automerge actor belongs to one device only (it names the author of changes).
    #[error("this actor id is already bound to another device")]
    ActorBound,
    #[error("this access token was already issued")]
    TokenExists,
    /// A change is stored once: it is known by its hash.
    #[error("this change is already in the log")]
    ChangeLogged,
    /// A letter number of a unit's register for a year is on one document only.
    #[error("this letter number is already on another document")]
    LetterNumberTaken,
}
