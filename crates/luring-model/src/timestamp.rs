//! A point in time as Luring writes it everywhere: RFC 3339, UTC, whole seconds
//! (`2026-11-30T08:00:00Z`). It was built from `chrono` in a dozen places with the same
//! one-line expression; [`Timestamp::now`] is that expression once, and [`Timestamp::parse`]
//! the one check ([`crate::clock::parse`]) a received time goes through.
//!
//! A `Timestamp` keeps the exact text it was made from, so a parsed time written back out
//! (into a store, a view or signed bytes) is byte-for-byte what was read.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::clock::{self, TimeError};

/// An RFC 3339 time; serialised as its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// This computer's clock now, in the canonical spelling.
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }

    /// `t` in the canonical spelling (UTC, whole seconds).
    pub fn from_datetime(t: DateTime<Utc>) -> Self {
        Self(clock::format(t))
    }

    /// A time as received or stored: any valid RFC 3339 text, kept as it is.
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        clock::parse(s)?;
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The instant, in UTC.
    pub fn to_datetime(&self) -> DateTime<Utc> {
        // Every constructor checked the text.
        clock::parse(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_the_canonical_spelling() {
        let t = Timestamp::now();
        let s = t.as_str();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.ends_with('Z'), "{s}");
        assert_eq!(Timestamp::parse(s).unwrap(), t);
    }

    #[test]
    fn parsed_text_is_kept_and_serialised_as_a_string() {
        let t = Timestamp::parse("2026-11-30T07:00:00+07:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-30T07:00:00+07:00");
        assert_eq!(
            t.to_datetime(),
            clock::parse("2026-11-30T00:00:00Z").unwrap()
        );
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-11-30T07:00:00+07:00\""
        );
        let back: Timestamp = serde_json::from_str("\"2026-11-30T08:00:00Z\"").unwrap();
        assert_eq!(back.as_str(), "2026-11-30T08:00:00Z");
        assert!(Timestamp::parse("kemarin").is_err());
        assert!(serde_json::from_str::<Timestamp>("\"kemarin\"").is_err());
        assert_eq!(
            Timestamp::from_datetime(clock::parse("2026-11-30T08:00:00.123Z").unwrap()).as_str(),
            "2026-11-30T08:00:00Z"
        );
    }
}
