//! Validation errors. Each message is one sentence a user can act on, because the CLI and
//! the desktop show it as it is.

/// Result of validating a domain value.
pub type ValidationResult<T> = Result<T, ValidationError>;

/// A value that breaks one of the domain's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    #[error("the title is empty: give it a few words")]
    EmptyTitle,
    #[error("the title has {0} characters; at most 200 are allowed")]
    TitleTooLong(usize),
    #[error("the title must be one line, without tabs or other control characters")]
    TitleControl,
    #[error("{what} is empty")]
    Empty { what: &'static str },
    #[error("{what} has {len} characters; at most {max} are allowed")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error("'{0}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-23")]
    BadDate(String),
    #[error("'{0}' is not a task status: use baru, dikerjakan, menunggu or selesai")]
    BadStatus(String),
    #[error("'{0}' is not a NIP: a NIP is exactly 18 digits")]
    BadNip(String),
    #[error("'{0}' is not a document kind: use nota-dinas, surat, laporan, memo or lainnya")]
    BadDocKind(String),
    #[error("'{0}' is not a classification: use biasa, terbatas or rahasia")]
    BadClassification(String),
    #[error("'{0}' is not a role: use staff, supervisor or admin")]
    BadRole(String),
    #[error("'{0}' is not a valid id: use letters, digits and '-' only, 1 to 64 characters")]
    BadId(String),
    #[error("'{0}' is not a unit code: use letters, digits, '-' and '.', 1 to 32 characters")]
    BadUnitCode(String),
    #[error("'{0}' is not an attachment hash: expected 64 hexadecimal characters")]
    BadAttachment(String),
}
