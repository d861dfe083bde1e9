//! Times on signed facts, and how far they may stray from the server's clock.
//!
//! A decision is signed offline, so its time is the signer's own clock and cannot be
//! trusted alone. The server counter-signs the time it *received* each record (a
//! [`crate::Receipt`]); a signed time is believable when it is not after that receipt
//! (beyond a small clock skew) and not so long before it that the record must have been
//! backdated. The same rule is applied by the server when it receives a record and by
//! `luring verify` against the receipt, so both give the same answer.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// How far a device's clock may run ahead of the server's.
pub const CLOCK_SKEW: Duration = Duration::minutes(10);
/// The longest a record may wait offline between being made and reaching the server.
pub const MAX_OFFLINE: Duration = Duration::days(90);

/// The human statement of the tolerance, printed by `luring verify`.
pub const TOLERANCE_TEXT: &str =
    "at most 10 minutes after the server's receipt and at most 90 days before it";

/// Why a time is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    #[error("'{0}' is not an RFC 3339 time")]
    Unparsable(String),
    #[error("{what} {at} is later than the server received it ({received}): the signer's clock is wrong or the time was forged")]
    InFuture {
        what: &'static str,
        at: String,
        received: String,
    },
    #[error(
        "{what} {at} is more than 90 days before the server received it ({received}): backdated"
    )]
    TooOld {
        what: &'static str,
        at: String,
        received: String,
    },
    #[error("the decision's time {decided} is before the request was made ({requested})")]
    BeforeRequest { decided: String, requested: String },
}

/// Parses an RFC 3339 time.
pub fn parse(s: &str) -> Result<DateTime<Utc>, TimeError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| TimeError::Unparsable(s.chars().take(64).collect()))
}

/// The canonical spelling of a time: RFC 3339, UTC, whole seconds.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Checks a signed time `at` (of `what`, e.g. "the decision") against the time the server
/// received it.
pub fn check_against_receipt(
    what: &'static str,
    at: &str,
    received: DateTime<Utc>,
) -> Result<(), TimeError> {
    let t = parse(at)?;
    if t > received + CLOCK_SKEW {
        return Err(TimeError::InFuture {
            what,
            at: at.to_owned(),
            received: format(received),
        });
    }
    if t < received - MAX_OFFLINE {
        return Err(TimeError::TooOld {
            what,
            at: at.to_owned(),
            received: format(received),
        });
    }
    Ok(())
}

/// A decision cannot be made before its request (beyond clock skew between two devices).
pub fn check_order(requested: &str, decided: &str) -> Result<(), TimeError> {
    let (r, d) = (parse(requested)?, parse(decided)?);
    if d + CLOCK_SKEW < r {
        return Err(TimeError::BeforeRequest {
            decided: decided.to_owned(),
            requested: requested.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_tolerance() {
        let rx = parse("2026-11-30T08:00:00Z").unwrap();
        assert!(check_against_receipt("x", "2026-11-30T08:05:00Z", rx).is_ok());
        assert!(check_against_receipt("x", "2026-11-30T07:00:00+07:00", rx).is_ok());
        assert!(check_against_receipt("x", "2026-10-01T08:00:00Z", rx).is_ok());
        assert!(matches!(
            check_against_receipt("x", "2026-11-30T08:11:00Z", rx),
            Err(TimeError::InFuture { .. })
        ));
        assert!(matches!(
            check_against_receipt("x", "2001-01-01T00:00:00Z", rx),
            Err(TimeError::TooOld { .. })
        ));
        assert!(matches!(
            check_against_receipt("x", "kemarin", rx),
            Err(TimeError::Unparsable(_))
        ));
        assert!(check_order("2026-11-30T08:00:00Z", "2026-11-30T07:55:00Z").is_ok());
        assert!(check_order("2026-11-30T08:00:00Z", "2026-11-30T07:00:00Z").is_err());
    }
}
