//! The stable names of [`crate::ClientError`]s that a UI translates. An enum rather than
//! loose strings so a UI can be checked against the whole list: the desktop's bindings
//! test writes it into `ui/src/bindings.ts`, and the UI's test fails when a code has no
//! sentence in Indonesian or English.

use serde::Serialize;

/// One code per kind of failure a person may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    Invalid,
    NoProfile,
    ProfileExists,
    NotFound,
    WrongKind,
    NothingToChange,
    File,
    Bundle,
    Store,
    /// No connection at all: no signal, no route, the server's port closed.
    Network,
    /// The server was reached but did not answer in time.
    NoAnswer,
    /// Something answered at the address, but it is not a Luring server.
    NotLuring,
    /// The person stopped a login under way ("Batal").
    Cancelled,
    BadAnswer,
    Key,
    WrongPassphrase,
    PassphraseNeeded,
    Approval,
    Unauthorized,
    Throttled,
    /// The server speaks a newer protocol (426): this app must be updated.
    UpdateRequired,
    Server,
    /// An attachment's document is not on the server yet, or not the person's to read.
    AttachmentForbidden,
    /// The person who attached the file has not finished uploading it.
    AttachmentNotUploaded,
    /// An attachment larger than the server accepts.
    AttachmentTooBig,
    /// An attachment's file on this device is not the one its hash names.
    AttachmentDamaged,
    NotLoggedIn,
    OtherNip,
    ProfileCopied,
    ServerAddress,
    InsecureHttp,
    TlsUntrusted,
    TlsExpired,
    TlsWrongHost,
    CaFile,
    NotYourComment,
    /// The document is submitted for approval: its text is locked until the request is
    /// decided or withdrawn.
    FrozenSubmitted,
    /// The document is approved and final: a change is a revision.
    FrozenApproved,
    /// A file was to be saved (the evidence) under a folder's name, or with no name.
    SaveToFolder,
    /// An attachment to open is not downloaded to this device yet.
    NotDownloaded,
    /// The system has no application to open a file of this kind (the desktop's viewer).
    NoViewer,
    /// A failure of the shell itself (a thread that died, a setting that cannot be saved).
    Internal,
}

impl ErrorCode {
    /// Every code (the bindings test checks this list against the type itself).
    pub const ALL: &'static [ErrorCode] = &[
        Self::Invalid,
        Self::NoProfile,
        Self::ProfileExists,
        Self::NotFound,
        Self::WrongKind,
        Self::NothingToChange,
        Self::File,
        Self::Bundle,
        Self::Store,
        Self::Network,
        Self::NoAnswer,
        Self::NotLuring,
        Self::Cancelled,
        Self::BadAnswer,
        Self::Key,
        Self::WrongPassphrase,
        Self::PassphraseNeeded,
        Self::Approval,
        Self::Unauthorized,
        Self::Throttled,
        Self::UpdateRequired,
        Self::Server,
        Self::AttachmentForbidden,
        Self::AttachmentNotUploaded,
        Self::AttachmentTooBig,
        Self::AttachmentDamaged,
        Self::NotLoggedIn,
        Self::OtherNip,
        Self::ProfileCopied,
        Self::ServerAddress,
        Self::InsecureHttp,
        Self::TlsUntrusted,
        Self::TlsExpired,
        Self::TlsWrongHost,
        Self::CaFile,
        Self::NotYourComment,
        Self::FrozenSubmitted,
        Self::FrozenApproved,
        Self::SaveToFolder,
        Self::NotDownloaded,
        Self::NoViewer,
        Self::Internal,
    ];

    /// The code as the UI reads it (`"no_answer"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::NoProfile => "no_profile",
            Self::ProfileExists => "profile_exists",
            Self::NotFound => "not_found",
            Self::WrongKind => "wrong_kind",
            Self::NothingToChange => "nothing_to_change",
            Self::File => "file",
            Self::Bundle => "bundle",
            Self::Store => "store",
            Self::Network => "network",
            Self::NoAnswer => "no_answer",
            Self::NotLuring => "not_luring",
            Self::Cancelled => "cancelled",
            Self::BadAnswer => "bad_answer",
            Self::Key => "key",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::PassphraseNeeded => "passphrase_needed",
            Self::Approval => "approval",
            Self::Unauthorized => "unauthorized",
            Self::Throttled => "throttled",
            Self::UpdateRequired => "update_required",
            Self::Server => "server",
            Self::AttachmentForbidden => "attachment_forbidden",
            Self::AttachmentNotUploaded => "attachment_not_uploaded",
            Self::AttachmentTooBig => "attachment_too_big",
            Self::AttachmentDamaged => "attachment_damaged",
            Self::NotLoggedIn => "not_logged_in",
            Self::OtherNip => "other_nip",
            Self::ProfileCopied => "profile_copied",
            Self::ServerAddress => "server_address",
            Self::InsecureHttp => "insecure_http",
            Self::TlsUntrusted => "tls_untrusted",
            Self::TlsExpired => "tls_expired",
            Self::TlsWrongHost => "tls_wrong_host",
            Self::CaFile => "ca_file",
            Self::NotYourComment => "not_your_comment",
            Self::FrozenSubmitted => "frozen_submitted",
            Self::FrozenApproved => "frozen_approved",
            Self::SaveToFolder => "save_to_folder",
            Self::NotDownloaded => "not_downloaded",
            Self::NoViewer => "no_viewer",
            Self::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_serialises_as_its_name_and_appears_once() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(seen.insert(c.as_str()), "{c} listed twice");
        }
    }
}
