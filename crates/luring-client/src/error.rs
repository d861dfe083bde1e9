//! The one error type the CLI and the desktop show.

use std::path::PathBuf;

use luring_model::ValidationError;
use luring_store::StoreError;

use crate::error_code::ErrorCode;

/// Result of client operations.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Everything that can go wrong for a user, each as one plain sentence.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    // Transparent: its sentence is the whole message, and an error chain printed with
    // `{:#}` (the CLI) must not repeat it as its own cause.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("there is no profile in {0}: create one with `luring --profile {dir} init --name NAME --nip NIP`", dir = .0.display())]
    NoProfile(PathBuf),
    #[error("a profile already exists in {0}")]
    ProfileExists(PathBuf),
    #[error("no {kind} has the id '{id}'")]
    NotFound { kind: &'static str, id: String },
    #[error("'{id}' is a {actual}, not a {expected}")]
    WrongKind {
        id: String,
        expected: &'static str,
        actual: String,
    },
    #[error("nothing to change: give at least one of --status, --title or --due")]
    NothingToChange,
    #[error("cannot {action} {path}: {reason}")]
    File {
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("{0}")]
    Bundle(String),
    #[error("the local database failed: {0}")]
    Store(StoreError),
    /// The server could not be reached, or the connection failed on the way.
    #[error("{0}")]
    Network(String),
    /// The server was reached (or the connection is still open) but no answer came within
    /// the wait: a server that hangs, or a link too poor to carry anything.
    #[error("the server at {server} did not answer within {secs} seconds; try again later, or check the address with your administrator")]
    NoAnswer { server: String, secs: u64 },
    /// Something answered at the address, but not as a Luring server does (a web site, a
    /// router's page, a proxy): the address is likely wrong.
    #[error("{server} answered, but it is not a Luring server ({what}); check the address with your administrator")]
    NotLuring { server: String, what: String },
    /// The person stopped the login before it finished; nothing was kept.
    #[error("the login was cancelled")]
    Cancelled,
    /// The server was reached but its answer cannot be used (damaged, for another request,
    /// not the shape this version expects). Retried like a network failure: on a 3T link a
    /// proxy or a cut is the usual cause, but it is named apart so it is not shown as
    /// "no connection".
    #[error("{0}")]
    BadAnswer(String),
    #[error("{0}")]
    Key(String),
    /// Kept apart from [`ClientError::Key`] so a UI can say "wrong passphrase" only when it is.
    #[error("wrong signing passphrase")]
    WrongPassphrase,
    /// Logging in needs the device key (to prove the device holds it), and it is sealed.
    #[error("this device's key is sealed under its signing passphrase: give the passphrase so the device can prove at login that the key is its own (--passphrase-stdin)")]
    PassphraseNeeded,
    #[error("{0}")]
    Approval(String),
    #[error("the server refused: {message}")]
    Server { status: u16, message: String },
    /// The server would not move an attachment for a reason a person can act on (sync
    /// first, wait for the sender, attach a smaller file): said apart from a bare
    /// [`ClientError::Server`] so the UI can say which.
    #[error("the server refused this attachment: {message}")]
    AttachmentRefused {
        why: AttachmentRefusal,
        message: String,
    },
    #[error("this profile is not logged in: run `luring --profile DIR login --server URL --nip NIP --password-stdin`")]
    NotLoggedIn,
    /// Another copy of this profile syncs with the same identity (see `copies.rs` on the
    /// server); a new login gives this one its own key and actor.
    #[error("this profile was copied to another computer or restored from a backup, so two devices share one identity: log in again here to give this one its own (`luring --profile DIR login …`); your unsent work is kept")]
    ProfileCopied,
    #[error("this profile belongs to NIP {0}; log in with that NIP or use another profile folder")]
    OtherNip(String),
    #[error("{0}")]
    ServerAddress(String),
    #[error("refusing to send your password and token in the clear to {server}: plain http:// is only spoken to this computer (localhost); use the server's https:// address, or --allow-insecure-http on a lab network you trust")]
    InsecureHttp { server: String },
    #[error("the server at {server} presented a certificate not signed by an authority this computer trusts; if your agency has its own certificate authority, log in with --ca-file agency-ca.pem (the file your administrator gives you)")]
    UntrustedCertificate { server: String },
    #[error("the certificate of the server at {server} has expired (or this computer's date is wrong): check the date and time here, or ask the administrator to renew the certificate")]
    ExpiredCertificate { server: String },
    #[error("the server at {server} presented a certificate made for another host name: check the server address, or ask the administrator which name the certificate is for")]
    WrongHostCertificate { server: String },
    #[error("cannot use {path} as the agency's certificate authority: {reason}", path = .path.display())]
    CaFile { path: PathBuf, reason: String },
    /// Only a comment's author may edit it (the server refuses anyone else's edit too).
    #[error("only its author can edit this comment (written by {0}); add a new comment instead")]
    NotYourComment(String),
    /// The document has an open request (`diajukan`) or an approved one (`disetujui`): its
    /// text and official fields are read-only (the server refuses a change too).
    #[error("this document is {status}: its text can no longer be changed or sent for approval again; withdraw the open request, or make a revision of the approved letter")]
    Frozen { status: &'static str },
    /// The place chosen to save a file (the evidence) is a folder, or no file name was given.
    #[error("{path} is a folder: give the file a name, e.g. bukti-persetujuan.json", path = .0.display())]
    SaveToFolder(PathBuf),
    /// An attachment to open whose bytes are not on this device yet (hemat data).
    #[error("attachment {0} is not downloaded to this device yet: download it first (`luring doc fetch`)")]
    NotDownloaded(String),
}

/// Why the server would not move an attachment (its refusal's `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentRefusal {
    /// No document the person may read lists it on the server: its document has not been
    /// synced there yet, or it is not theirs to read (`attachment_forbidden`).
    Forbidden,
    /// The server does not have all its bytes: the person who attached it has not finished
    /// uploading (`attachment_missing`, or a status that is not complete).
    NotUploaded,
    /// Larger than the server accepts (`attachment_too_big`).
    TooBig,
    /// The bytes sent are not the ones the hash names (`attachment_mismatch`): the file on
    /// this device changed or is damaged.
    Damaged,
}

impl AttachmentRefusal {
    /// The refusal named by the server's error body `code`, if it is an attachment's.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "attachment_forbidden" => Self::Forbidden,
            "attachment_missing" => Self::NotUploaded,
            "attachment_too_big" => Self::TooBig,
            "attachment_mismatch" => Self::Damaged,
            _ => return None,
        })
    }
}

impl ClientError {
    /// A stable, machine-readable name of the error, for UIs that translate messages.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The error's [`ErrorCode`] (what [`ClientError::code`] spells).
    pub fn kind(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            Self::Invalid(_) => C::Invalid,
            Self::NoProfile(_) => C::NoProfile,
            Self::ProfileExists(_) => C::ProfileExists,
            Self::NotFound { .. } => C::NotFound,
            Self::WrongKind { .. } => C::WrongKind,
            Self::NothingToChange => C::NothingToChange,
            Self::File { .. } => C::File,
            Self::Bundle(_) => C::Bundle,
            Self::Store(_) => C::Store,
            Self::Network(_) => C::Network,
            Self::NoAnswer { .. } => C::NoAnswer,
            Self::NotLuring { .. } => C::NotLuring,
            Self::Cancelled => C::Cancelled,
            Self::BadAnswer(_) => C::BadAnswer,
            Self::Key(_) => C::Key,
            Self::WrongPassphrase => C::WrongPassphrase,
            Self::PassphraseNeeded => C::PassphraseNeeded,
            Self::Approval(_) => C::Approval,
            // Log in again: wrong NIP or password, or this device's access was revoked.
            Self::Server { status: 401, .. } => C::Unauthorized,
            Self::Server { status: 429, .. } => C::Throttled,
            Self::Server { status: 426, .. } => C::UpdateRequired,
            Self::Server { .. } => C::Server,
            Self::AttachmentRefused { why, .. } => match why {
                AttachmentRefusal::Forbidden => C::AttachmentForbidden,
                AttachmentRefusal::NotUploaded => C::AttachmentNotUploaded,
                AttachmentRefusal::TooBig => C::AttachmentTooBig,
                AttachmentRefusal::Damaged => C::AttachmentDamaged,
            },
            Self::NotLoggedIn => C::NotLoggedIn,
            Self::OtherNip(_) => C::OtherNip,
            Self::ProfileCopied => C::ProfileCopied,
            Self::ServerAddress(_) => C::ServerAddress,
            Self::InsecureHttp { .. } => C::InsecureHttp,
            Self::UntrustedCertificate { .. } => C::TlsUntrusted,
            Self::ExpiredCertificate { .. } => C::TlsExpired,
            Self::WrongHostCertificate { .. } => C::TlsWrongHost,
            Self::CaFile { .. } => C::CaFile,
            Self::NotYourComment(_) => C::NotYourComment,
            Self::Frozen {
                status: "disetujui",
            } => C::FrozenApproved,
            Self::Frozen { .. } => C::FrozenSubmitted,
            Self::SaveToFolder(_) => C::SaveToFolder,
            Self::NotDownloaded(_) => C::NotDownloaded,
        }
    }

    pub(crate) fn file(action: &'static str, path: &std::path::Path, e: std::io::Error) -> Self {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
            std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
            _ => e.to_string(),
        };
        Self::File {
            action,
            path: path.to_owned(),
            reason,
        }
    }
}

impl ClientError {
    /// Whether trying the same sync again later may succeed without anyone doing anything:
    /// the server could not be reached or answered badly (a timeout, a dropped link, a
    /// 5xx), or asked to slow down (429). A refusal (401 and other 4xx, an update required),
    /// an untrusted certificate or a local problem needs a person, so waiting will not mend
    /// it.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) | Self::NoAnswer { .. } | Self::BadAnswer(_) => true,
            Self::Server { status, .. } => *status >= 500 || *status == 429,
            // The sender's upload or a sync must come first: a person's doing, not a retry's.
            Self::AttachmentRefused { .. }
            | Self::Invalid(_)
            | Self::NoProfile(_)
            | Self::ProfileExists(_)
            | Self::NotFound { .. }
            | Self::WrongKind { .. }
            | Self::NothingToChange
            | Self::File { .. }
            | Self::Bundle(_)
            | Self::Store(_)
            | Self::Key(_)
            | Self::WrongPassphrase
            | Self::PassphraseNeeded
            | Self::Approval(_)
            | Self::NotLoggedIn
            | Self::ProfileCopied
            | Self::OtherNip(_)
            | Self::ServerAddress(_)
            | Self::InsecureHttp { .. }
            | Self::UntrustedCertificate { .. }
            | Self::ExpiredCertificate { .. }
            | Self::WrongHostCertificate { .. }
            | Self::CaFile { .. }
            | Self::NotYourComment(_)
            // A login stopped by the person, or an address that is not Luring's: a person's to mend.
            | Self::Cancelled
            | Self::NotLuring { .. }
            | Self::Frozen { .. }
            | Self::SaveToFolder(_)
            | Self::NotDownloaded(_) => false,
        }
    }
}

impl From<StoreError> for ClientError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { kind, id } => Self::NotFound { kind, id },
            StoreError::WrongKind {
                id,
                expected,
                actual,
            } => Self::WrongKind {
                id,
                expected,
                actual,
            },
            StoreError::Bundle(b) => Self::Bundle(b.to_string()),
            StoreError::Entity(luring_crdt::CrdtError::Invalid { source, .. }) => {
                Self::Invalid(source)
            }
            StoreError::Entity(luring_crdt::CrdtError::UnknownItem { what, id }) => {
                Self::NotFound { kind: what, id }
            }
            other => Self::Store(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_refusals_that_need_the_person_have_their_own_codes() {
        let refused = |status| ClientError::Server {
            status,
            message: "x".into(),
        };
        assert_eq!(refused(401).code(), "unauthorized");
        assert_eq!(refused(429).code(), "throttled");
        assert_eq!(refused(426).code(), "update_required");
        assert_eq!(refused(413).code(), "server");
        assert_eq!(ClientError::WrongPassphrase.code(), "wrong_passphrase");
    }
}
