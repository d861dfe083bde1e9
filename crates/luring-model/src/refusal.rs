//! Why the server refused a pushed change or approval record, as a stable code a UI
//! translates (the server's sentence stays English, for logs and the CLI). The server
//! gives one with every refusal, the sync protocol carries it, the device's store keeps it
//! with the refused change, and the desktop says it in Indonesian or English.
//!
//! It lives in the model, not in `luring-sync`, because the device's store (which depends
//! on the model only) files refusals with their code; the sync crate re-exports it.
//!
//! On the wire and in JSON a code is its short name (`"frozen_approved"`), never an
//! enum index: postcard is not self-describing, so an index an older Luring does not know
//! would make it fail to decode the whole answer, while an unknown name is read as
//! [`RefusalCode::Unknown`] and said with the generic sentence. A new cause is therefore a
//! new name, added here, with no protocol version bump; a name is never reused.

use std::fmt;

/// One code per cause of refusal a person may be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RefusalCode {
    /// The entity belongs to a unit this person may not write, or is created in one.
    OtherUnit,
    /// An entity stays in the unit it was first filed under.
    UnitFixed,
    /// The id is already used by another entity, request or comment (or reserved for
    /// approval requests).
    IdTaken,
    /// Written in another person's name: a comment's author, a disposition's sender, an
    /// entity's creator, a request's requester.
    NotYourName,
    /// The change was made by another device than the one that sent it.
    OtherDevice,
    /// Another person's comment rewritten, edited or deleted.
    NotYourComment,
    /// A past step of a disposition chain changed or removed.
    DispositionFixed,
    /// A field set once at creation changed (creation time, creator, the letter revised).
    FieldFixed,
    /// A description or body longer than a person may type.
    TextTooLong,
    /// A change, record or entity past the size limits.
    TooBig,
    /// Not a valid change or record (damaged, forged, or of the wrong kind).
    NotValid,
    /// It builds on a change the server refused.
    DependsOnRefused,
    /// The document is submitted for approval: its text and official fields are locked.
    FrozenSubmitted,
    /// The document is approved and final: a change is a revision.
    FrozenApproved,
    /// The document changed after the approval request was made.
    DocumentChanged,
    /// What the server holds for this request or document is damaged.
    DamagedOnServer,
    /// This person may not ask for approval of this document.
    MayNotRequest,
    /// This person may not decide on this request (not its approver at that level, or
    /// the requester herself).
    MayNotDecide,
    /// An earlier approver in the chain has not decided yet.
    NotYourTurn,
    /// The request (or this level of it) has already been decided.
    AlreadyDecided,
    /// An approval of a version that is no longer the document's.
    StaleApproval,
    /// The requester withdrew the request before the decision reached the server.
    Withdrawn,
    /// Only the requester may withdraw a request.
    NotRequester,
    /// Only a request still waiting can be withdrawn.
    NotWaiting,
    /// A signature or certificate does not verify.
    BadSignature,
    /// The signing device was revoked.
    DeviceRevoked,
    /// The time on the record does not fit the server's clock (the device's clock is off).
    WrongClock,
    /// The document already has a letter number; it is never changed or removed.
    NumberFixed,
    /// A letter number on a document whose request is not approved.
    NumberNotApproved,
    /// A letter number not from this device's leased blocks (or not a letter number).
    NumberNotLeased,
    /// The letter number is already used by another document.
    NumberTaken,
    /// A code this Luring does not know (a newer server's), or none (an older one's).
    Unknown,
}

impl RefusalCode {
    /// Every code (the desktop's bindings test checks this list against the type itself).
    pub const ALL: &'static [RefusalCode] = &[
        Self::OtherUnit,
        Self::UnitFixed,
        Self::IdTaken,
        Self::NotYourName,
        Self::OtherDevice,
        Self::NotYourComment,
        Self::DispositionFixed,
        Self::FieldFixed,
        Self::TextTooLong,
        Self::TooBig,
        Self::NotValid,
        Self::DependsOnRefused,
        Self::FrozenSubmitted,
        Self::FrozenApproved,
        Self::DocumentChanged,
        Self::DamagedOnServer,
        Self::MayNotRequest,
        Self::MayNotDecide,
        Self::NotYourTurn,
        Self::AlreadyDecided,
        Self::StaleApproval,
        Self::Withdrawn,
        Self::NotRequester,
        Self::NotWaiting,
        Self::BadSignature,
        Self::DeviceRevoked,
        Self::WrongClock,
        Self::NumberFixed,
        Self::NumberNotApproved,
        Self::NumberNotLeased,
        Self::NumberTaken,
        Self::Unknown,
    ];

    /// The code's stable name (`"frozen_approved"`), as the wire, the store and the UI
    /// spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OtherUnit => "other_unit",
            Self::UnitFixed => "unit_fixed",
            Self::IdTaken => "id_taken",
            Self::NotYourName => "not_your_name",
            Self::OtherDevice => "other_device",
            Self::NotYourComment => "not_your_comment",
            Self::DispositionFixed => "disposition_fixed",
            Self::FieldFixed => "field_fixed",
            Self::TextTooLong => "text_too_long",
            Self::TooBig => "too_big",
            Self::NotValid => "not_valid",
            Self::DependsOnRefused => "depends_on_refused",
            Self::FrozenSubmitted => "frozen_submitted",
            Self::FrozenApproved => "frozen_approved",
            Self::DocumentChanged => "document_changed",
            Self::DamagedOnServer => "damaged_on_server",
            Self::MayNotRequest => "may_not_request",
            Self::MayNotDecide => "may_not_decide",
            Self::NotYourTurn => "not_your_turn",
            Self::AlreadyDecided => "already_decided",
            Self::StaleApproval => "stale_approval",
            Self::Withdrawn => "withdrawn",
            Self::NotRequester => "not_requester",
            Self::NotWaiting => "not_waiting",
            Self::BadSignature => "bad_signature",
            Self::DeviceRevoked => "device_revoked",
            Self::WrongClock => "wrong_clock",
            Self::NumberFixed => "number_fixed",
            Self::NumberNotApproved => "number_not_approved",
            Self::NumberNotLeased => "number_not_leased",
            Self::NumberTaken => "number_taken",
            Self::Unknown => "unknown",
        }
    }

    /// The code named `s`; [`RefusalCode::Unknown`] for a name this Luring does not know
    /// (never an error: a newer server's code must not break an older device).
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .unwrap_or(Self::Unknown)
    }
}

impl fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RefusalCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RefusalCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = RefusalCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a refusal code's name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RefusalCode, E> {
                Ok(RefusalCode::parse(v))
            }
        }
        d.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_name_and_reads_back() {
        let names: std::collections::BTreeSet<&str> =
            RefusalCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), RefusalCode::ALL.len());
        for c in RefusalCode::ALL {
            assert_eq!(RefusalCode::parse(c.as_str()), *c);
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<RefusalCode>(&json).unwrap(), *c);
        }
    }

    #[test]
    fn a_name_this_luring_does_not_know_is_unknown_not_an_error() {
        assert_eq!(
            RefusalCode::parse("from_a_newer_server"),
            RefusalCode::Unknown
        );
        assert_eq!(RefusalCode::parse(""), RefusalCode::Unknown);
        let read: RefusalCode = serde_json::from_str("\"from_a_newer_server\"").unwrap();
        assert_eq!(read, RefusalCode::Unknown);
    }
}
