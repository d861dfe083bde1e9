//! Store errors. Messages say what happened and, where there is one, what to do.

use luring_crdt::CrdtError;

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What can go wrong in the local store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Entity(#[from] CrdtError),
    #[error("no {kind} with id '{id}'")]
    NotFound { kind: &'static str, id: String },
    #[error("'{id}' is a {actual}, not a {expected}")]
    WrongKind {
        id: String,
        expected: &'static str,
        actual: String,
    },
    #[error("the database was made by a newer Luring (schema {found}, this one knows {known}); update Luring")]
    NewerSchema { found: i64, known: i64 },
    #[error("{0}")]
    Bundle(#[from] crate::bundle::BundleError),
    #[error("stored entity '{id}' is damaged: {reason}")]
    Damaged { id: String, reason: String },
}
