//! Small validated values shared by every entity. Each type can only hold a valid value,
//! so the rules live here once.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, ValidationResult};

/// Largest title, in characters (Unicode scalar values).
pub const TITLE_MAX_CHARS: usize = 200;

/// A title: trimmed, not empty, at most [`TITLE_MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub fn parse(s: &str) -> ValidationResult<Self> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ValidationError::EmptyTitle);
        }
        let n = t.chars().count();
        if n > TITLE_MAX_CHARS {
            return Err(ValidationError::TitleTooLong(n));
        }
        // A title is one line: lists, letters and file names show it as such.
        if t.chars().any(char::is_control) {
            return Err(ValidationError::TitleControl);
        }
        Ok(Self(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text with a length limit (descriptions, comments, notes); may be empty only if
/// the caller allows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "String"))]
pub struct Text(String);

impl Text {
    /// Accepts `s` if it has at most `max` characters and, when `required`, is not blank.
    pub fn parse(
        what: &'static str,
        s: &str,
        max: usize,
        required: bool,
    ) -> ValidationResult<Self> {
        if required && s.trim().is_empty() {
            return Err(ValidationError::Empty { what });
        }
        let len = s.chars().count();
        if len > max {
            return Err(ValidationError::TooLong { what, len, max });
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date, written and read only as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(chrono::NaiveDate);

impl Date {
    pub fn parse(s: &str) -> ValidationResult<Self> {
        let bad = || ValidationError::BadDate(s.to_owned());
        let b = s.as_bytes();
        // chrono alone accepts "2026-1-5" and "+2026-01-05"; a date in Luring has one spelling.
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(bad());
        }
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| bad())
    }
    pub fn from_naive(d: chrono::NaiveDate) -> Self {
        Self(d)
    }
    pub fn naive(&self) -> chrono::NaiveDate {
        self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Nomor Induk Pegawai: the 18-digit civil-servant number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "String"))]
pub struct Nip(String);

impl Nip {
    pub fn parse(s: &str) -> ValidationResult<Self> {
        let t = s.trim();
        if t.len() == 18 && t.bytes().all(|c| c.is_ascii_digit()) {
            Ok(Self(t.to_owned()))
        } else {
            Err(ValidationError::BadNip(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of a task or document: short, URL- and file-name-safe.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EntityId(String);

impl EntityId {
    pub fn parse(s: &str) -> ValidationResult<Self> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::BadId(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_impls {
    ($($t:ident),*) => {$(
        impl FromStr for $t {
            type Err = ValidationError;
            fn from_str(s: &str) -> ValidationResult<Self> { Self::parse(s) }
        }
        impl TryFrom<String> for $t {
            type Error = ValidationError;
            fn try_from(s: String) -> ValidationResult<Self> { Self::parse(&s) }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String { v.to_string() }
        }
    )*};
}
string_newtype_impls!(Title, Date, Nip, EntityId);

macro_rules! display_as_str {
    ($($t:ident),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    )*};
}
display_as_str!(Title, Nip, EntityId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(Title::parse("  Rapat  ").unwrap().as_str(), "Rapat");
        assert_eq!(Title::parse("   "), Err(ValidationError::EmptyTitle));
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        assert_eq!(Title::parse("a\nb"), Err(ValidationError::TitleControl));
        assert_eq!(Title::parse("a\tb"), Err(ValidationError::TitleControl));
        assert_eq!(
            Title::parse(&"é".repeat(201)),
            Err(ValidationError::TitleTooLong(201))
        );
    }

    #[test]
    fn dates_have_one_spelling() {
        assert_eq!(Date::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "+2026-02-2",
            "",
            "2026-13-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[test]
    fn nips_are_18_digits() {
        assert!(Nip::parse("198703122010011002").is_ok());
        assert!(Nip::parse("19870312201001100").is_err());
        assert!(Nip::parse("19870312201001100a").is_err());
        assert!(Nip::parse("1987031220100110021").is_err());
    }

    #[test]
    fn ids() {
        assert!(EntityId::parse("t-abc123").is_ok());
        assert!(EntityId::parse("../etc").is_err());
        assert!(EntityId::parse("").is_err());
    }
}
