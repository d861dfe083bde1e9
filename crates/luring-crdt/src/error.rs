//! Errors from reading or writing an entity document.

/// Result of this crate's operations.
pub type Result<T, E = CrdtError> = std::result::Result<T, E>;

/// Why an automerge document could not be read or changed as a Luring entity.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrdtError {
    #[error("the data is not a valid automerge document: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("the {kind} is missing its '{key}' field")]
    Missing {
        kind: &'static str,
        key: &'static str,
    },
    #[error("the {kind}'s '{key}' field has the wrong type")]
    WrongType {
        kind: &'static str,
        key: &'static str,
    },
    #[error("the {kind} breaks a rule: {source}")]
    Invalid {
        kind: &'static str,
        #[source]
        source: luring_model::ValidationError,
    },
    #[error("this is not a Luring task or document")]
    UnknownKind,
    #[error("the document was written by a newer Luring (layout {0}); update Luring")]
    NewerSchema(i64),
    /// `what` names the item, e.g. "checklist item".
    #[error("there is no {what} with the id '{id}'")]
    UnknownItem { what: &'static str, id: String },
    #[error("a {what} with the id '{id}' already exists")]
    DuplicateItem { what: &'static str, id: String },
}
