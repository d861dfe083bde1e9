//! Official documents (naskah dinas).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, ValidationResult};
use crate::hash::ContentHash;
use crate::values::{EntityId, Text, Title};

/// Largest document body, in characters; a naskah dinas is text, scans go in attachments.
pub const BODY_MAX_CHARS: usize = 1_000_000;

macro_rules! spelled_enum {
    ($(#[$m:meta])* $name:ident, $err:ident, { $($v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name { $(#[serde(rename = $s)] $v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
        }
        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> ValidationResult<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
                    .ok_or_else(|| ValidationError::$err(s.to_owned()))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

spelled_enum!(
    /// The kind of a naskah dinas.
    DocKind, BadDocKind, {
        NotaDinas => "nota-dinas",
        Surat => "surat",
        Laporan => "laporan",
        Memo => "memo",
        Lainnya => "lainnya",
    }
);

spelled_enum!(
    /// Security classification (klasifikasi keamanan).
    Classification, BadClassification, {
        Biasa => "biasa",
        Terbatas => "terbatas",
        Rahasia => "rahasia",
    }
);

/// A document as every replica reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: EntityId,
    pub kind: DocKind,
    pub title: Title,
    pub body: Text,
    pub classification: Classification,
    /// BLAKE3 hashes (hex) of attached files, in order.
    pub attachments: Vec<String>,
    /// Given once the last approver approves; not part of the content hash.
    pub letter_number: Option<String>,
    pub unit: Option<String>,
    pub created_at: String,
    /// The approved document this one revises ("Buat revisi"); set once, at creation, and
    /// not part of the content hash (the revision's own text is what its request binds).
    pub revision_of: Option<String>,
    /// Who made the document: the pushing user, checked by the server, set once. `None`
    /// for documents made before it was recorded.
    pub created_by: Option<crate::values::Nip>,
}

impl Document {
    /// Parses a body, enforcing its length limit.
    pub fn body(s: &str) -> ValidationResult<Text> {
        Text::parse("the document body", s, BODY_MAX_CHARS, false)
    }

    /// Checks an attachment reference: a lowercase hex BLAKE3 hash.
    pub fn attachment(s: &str) -> ValidationResult<String> {
        if s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(s.to_owned())
        } else {
            Err(ValidationError::BadAttachment(s.to_owned()))
        }
    }

    /// The canonical hash of this version's content; see [`crate::hash`].
    pub fn content_hash(&self) -> ContentHash {
        crate::hash::document_content_hash(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_a_fixed_list() {
        assert_eq!("nota-dinas".parse::<DocKind>().unwrap(), DocKind::NotaDinas);
        assert_eq!(DocKind::ALL.len(), 5);
        assert!("letter".parse::<DocKind>().is_err());
        assert!("Surat".parse::<DocKind>().is_err());
    }

    #[test]
    fn attachments_are_hashes() {
        assert!(Document::attachment(&"a".repeat(64)).is_ok());
        assert!(Document::attachment(&"A".repeat(64)).is_err());
        assert!(Document::attachment("abc").is_err());
    }
}
