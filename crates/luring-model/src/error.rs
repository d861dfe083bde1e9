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

/// Which rule a [`ValidationError`] broke, as a stable name a UI translates (the message
/// itself is English, for the CLI). One per variant, so a UI can have a sentence for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValidationReason {
    EmptyTitle,
    TitleTooLong,
    TitleControl,
    Empty,
    TooLong,
    BadDate,
    BadStatus,
    BadNip,
    BadDocKind,
    BadClassification,
    BadRole,
    BadId,
    BadUnitCode,
    BadAttachment,
}

impl ValidationReason {
    /// Every reason, so a UI's test can check it has a sentence for each (the bindings
    /// test checks this list against the type itself).
    pub const ALL: &'static [ValidationReason] = &[
        Self::EmptyTitle,
        Self::TitleTooLong,
        Self::TitleControl,
        Self::Empty,
        Self::TooLong,
        Self::BadDate,
        Self::BadStatus,
        Self::BadNip,
        Self::BadDocKind,
        Self::BadClassification,
        Self::BadRole,
        Self::BadId,
        Self::BadUnitCode,
        Self::BadAttachment,
    ];
}

/// What a UI needs to say a [`ValidationError`] in its own language: the rule, and the
/// numbers or the value the sentence names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValidationDetail {
    pub reason: ValidationReason,
    /// The value refused (a date, a NIP, a status as typed), when the rule names one.
    pub value: Option<String>,
    /// Characters given and allowed, for the length rules.
    pub len: Option<usize>,
    pub max: Option<usize>,
}

impl ValidationError {
    /// The rule broken and its values, for a UI that translates.
    pub fn detail(&self) -> ValidationDetail {
        use ValidationReason as R;
        let d = |reason| ValidationDetail {
            reason,
            value: None,
            len: None,
            max: None,
        };
        let with_value = |reason, v: &String| ValidationDetail {
            value: Some(v.clone()),
            ..d(reason)
        };
        match self {
            Self::EmptyTitle => d(R::EmptyTitle),
            Self::TitleTooLong(len) => ValidationDetail {
                len: Some(*len),
                max: Some(crate::values::TITLE_MAX_CHARS),
                ..d(R::TitleTooLong)
            },
            Self::TitleControl => d(R::TitleControl),
            Self::Empty { .. } => d(R::Empty),
            Self::TooLong { len, max, .. } => ValidationDetail {
                len: Some(*len),
                max: Some(*max),
                ..d(R::TooLong)
            },
            Self::BadDate(v) => with_value(R::BadDate, v),
            Self::BadStatus(v) => with_value(R::BadStatus, v),
            Self::BadNip(v) => with_value(R::BadNip, v),
            Self::BadDocKind(v) => with_value(R::BadDocKind, v),
            Self::BadClassification(v) => with_value(R::BadClassification, v),
            Self::BadRole(v) => with_value(R::BadRole, v),
            Self::BadId(v) => with_value(R::BadId, v),
            Self::BadUnitCode(v) => with_value(R::BadUnitCode, v),
            Self::BadAttachment(v) => with_value(R::BadAttachment, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample of every variant: the match below fails to compile when a variant is
    /// added, and the test then fails until its reason is in `ValidationReason::ALL`.
    #[test]
    fn every_error_has_its_own_reason_listed_in_all() {
        let samples = [
            ValidationError::EmptyTitle,
            ValidationError::TitleTooLong(201),
            ValidationError::TitleControl,
            ValidationError::Empty { what: "the name" },
            ValidationError::TooLong {
                what: "the note",
                len: 3,
                max: 2,
            },
            ValidationError::BadDate("x".into()),
            ValidationError::BadStatus("x".into()),
            ValidationError::BadNip("x".into()),
            ValidationError::BadDocKind("x".into()),
            ValidationError::BadClassification("x".into()),
            ValidationError::BadRole("x".into()),
            ValidationError::BadId("x".into()),
            ValidationError::BadUnitCode("x".into()),
            ValidationError::BadAttachment("x".into()),
        ];
        for e in &samples {
            match e {
                ValidationError::EmptyTitle
                | ValidationError::TitleTooLong(_)
                | ValidationError::TitleControl
                | ValidationError::Empty { .. }
                | ValidationError::TooLong { .. }
                | ValidationError::BadDate(_)
                | ValidationError::BadStatus(_)
                | ValidationError::BadNip(_)
                | ValidationError::BadDocKind(_)
                | ValidationError::BadClassification(_)
                | ValidationError::BadRole(_)
                | ValidationError::BadId(_)
                | ValidationError::BadUnitCode(_)
                | ValidationError::BadAttachment(_) => {}
            }
        }
        let reasons: Vec<_> = samples.iter().map(|e| e.detail().reason).collect();
        assert_eq!(reasons, ValidationReason::ALL);
        let long = ValidationError::TitleTooLong(201).detail();
        assert_eq!((long.len, long.max), (Some(201), Some(200)));
        assert_eq!(
            ValidationError::BadNip("12".into())
                .detail()
                .value
                .as_deref(),
            Some("12")
        );
    }
}
