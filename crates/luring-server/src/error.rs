//! Server errors. Handlers log the real error and send the client a fixed reason.

/// Result of server operations.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    #[error("database error: {0}")]
    Db(#[from] crate::db::DbError),
    /// A value breaks one of the domain's rules (a NIP, a unit code, a role, a name).
    #[error(transparent)]
    Validation(#[from] luring_model::ValidationError),
    /// What an administrator asked to create is there already; the sentence says what.
    #[error("{0}")]
    AlreadyExists(String),
    #[error("the password must have at least 8 characters")]
    PasswordTooShort,
    /// A stored entity's snapshot cannot be loaded.
    #[error("stored entity {entity} is damaged: {reason}")]
    DamagedEntity { entity: String, reason: String },
    /// One of an entity's stored changes cannot be read.
    #[error("stored change of {entity} is damaged: {reason}")]
    DamagedChange { entity: String, reason: String },
    #[error("the agency key file is damaged")]
    DamagedAgencyKey,
    #[error("the agency key file does not match the agency in the database")]
    AgencyKeyMismatch,
    /// A document could not be rewound to its state before a refused change.
    #[error(transparent)]
    Automerge(automerge::AutomergeError),
    /// A file or folder of the data folder cannot be created, read or restricted.
    #[error("cannot {action} {} ({error}); check that the server's user owns the data folder", path.display())]
    DataFolder {
        action: &'static str,
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error("not found: {0}")]
    NotFound(String),
    #[error(
        "the agency is not initialised: run `luring-server --data DIR admin init --agency NAME`"
    )]
    NoAgency,
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences are the ones the single `Invalid(String)` variant carried before it
    /// was split, and `main` (which prints the whole chain, `{:#}`) shows each once.
    #[test]
    fn messages_read_as_before_and_once() {
        let shown = |e: ServerError| format!("{:#}", anyhow::Error::from(e));
        let nip = luring_model::Nip::parse("12").unwrap_err();
        assert_eq!(shown(nip.clone().into()), nip.to_string());
        assert_eq!(
            shown(ServerError::PasswordTooShort),
            "the password must have at least 8 characters"
        );
        assert_eq!(
            shown(ServerError::DamagedEntity {
                entity: "t-1".into(),
                reason: "bad".into()
            }),
            "stored entity t-1 is damaged: bad"
        );
        assert_eq!(
            shown(ServerError::DamagedChange {
                entity: "t-1".into(),
                reason: "bad".into()
            }),
            "stored change of t-1 is damaged: bad"
        );
        assert_eq!(
            shown(ServerError::DataFolder {
                action: "read",
                path: "/data/x".into(),
                error: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            }),
            format!(
                "cannot read /data/x ({}); check that the server's user owns the data folder",
                std::io::Error::from(std::io::ErrorKind::PermissionDenied)
            )
        );
    }
}
