//! Server errors. Handlers log the real error and send the client a fixed reason.

/// Result of server operations.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    #[error("database error: {0}")]
    Db(#[from] crate::db::DbError),
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error(
        "the agency is not initialised: run `luring-server --data DIR admin init --agency NAME`"
    )]
    NoAgency,
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}
