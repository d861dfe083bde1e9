//! The kinds every crate names: which entity an automerge document holds, and which
//! approval record a stored fact is. They were strings in four crates (and silently became
//! "document" when damaged); one enum each here, spelled on disk and on the wire exactly as
//! before (`task`/`document`, `request`/`decision`/`receipt`/`withdrawal`), refuses what it does not know.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stored or received kind that is not one this version knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KindError {
    #[error("'{0}' is not an entity kind: expected task or document")]
    Entity(String),
    #[error(
        "'{0}' is not an approval record kind: expected request, decision, receipt or withdrawal"
    )]
    Record(String),
}

/// Which entity an automerge document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EntityKind {
    Task,
    Document,
}

impl EntityKind {
    pub const ALL: [EntityKind; 2] = [EntityKind::Task, EntityKind::Document];

    /// The spelling in the store's `entities.kind`, in bundles and in the layout's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Document => "document",
        }
    }
}

impl FromStr for EntityKind {
    type Err = KindError;
    fn from_str(s: &str) -> Result<Self, KindError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| KindError::Entity(s.chars().take(64).collect()))
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which approval record a stored fact is (see [`crate::Record`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RecordKind {
    Request,
    Decision,
    Receipt,
    Withdrawal,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Request,
        RecordKind::Decision,
        RecordKind::Receipt,
        RecordKind::Withdrawal,
    ];

    /// The spelling in the store's `records.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Decision => "decision",
            Self::Receipt => "receipt",
            Self::Withdrawal => "withdrawal",
        }
    }
}

impl FromStr for RecordKind {
    type Err = KindError;
    fn from_str(s: &str) -> Result<Self, KindError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| KindError::Record(s.chars().take(64).collect()))
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_refuse_strangers() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>(), Ok(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        for k in RecordKind::ALL {
            assert_eq!(k.as_str().parse::<RecordKind>(), Ok(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!(
            "approval".parse::<EntityKind>(),
            Err(KindError::Entity("approval".into()))
        );
        assert!("Task".parse::<EntityKind>().is_err());
        assert!("".parse::<RecordKind>().is_err());
        assert!(serde_json::from_str::<EntityKind>("\"memo\"").is_err());
    }
}
