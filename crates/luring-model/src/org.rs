//! The agency's organisation: units (a tree) and the roles people hold in them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, ValidationResult};
use crate::values::Title;

/// A unit of the agency (Dinas → Bidang → Seksi), identified by a short code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: Title,
    pub parent: Option<String>,
}

impl Unit {
    /// Checks a unit code: 1–32 of letters, digits, '-' and '.'.
    pub fn code(s: &str) -> ValidationResult<String> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.');
        if ok {
            Ok(s.to_owned())
        } else {
            Err(ValidationError::BadUnitCode(s.to_owned()))
        }
    }
}

/// What a person may do in the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    Staff,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> ValidationResult<Self> {
        match s {
            "staff" => Ok(Self::Staff),
            "supervisor" => Ok(Self::Supervisor),
            "admin" => Ok(Self::Admin),
            _ => Err(ValidationError::BadRole(s.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_and_roles() {
        assert!(Unit::code("BAPPEDA.P2").is_ok());
        assert!(Unit::code("a b").is_err());
        assert_eq!("supervisor".parse::<Role>().unwrap(), Role::Supervisor);
        assert!("boss".parse::<Role>().is_err());
    }
}
