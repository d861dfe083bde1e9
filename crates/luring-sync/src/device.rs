//! The device's half of a round trip that needs neither a store nor a network: which of the
//! sent changes an answer acknowledges, how pulled changes split into entity changes and
//! approval records, and how a cursor is kept as text ("a,b,c") in the profile. The client
//! plans, sends and applies around these, so they are tested here without either.

use luring_model::{EntityKind, Record, RecordKind};

use crate::messages::{ChangeHash, Class, Cursor, SyncResponse};
use crate::Change;

impl From<EntityKind> for Class {
    fn from(k: EntityKind) -> Self {
        match k {
            EntityKind::Task => Class::Task,
            EntityKind::Document => Class::Document,
        }
    }
}

impl Class {
    /// The entity kind of a task or document change; `None` for an approval record.
    pub fn entity_kind(self) -> Option<EntityKind> {
        match self {
            Class::Approval => None,
            Class::Task => Some(EntityKind::Task),
            Class::Document => Some(EntityKind::Document),
        }
    }
}

impl Cursor {
    /// The cursor as a profile keeps it: `"a,b,c"`.
    pub fn to_text(&self) -> String {
        let c = self.0;
        format!("{},{},{}", c[0], c[1], c[2])
    }

    /// A kept cursor; a missing or unreadable part counts from the start (0), which only
    /// pulls again what is already here.
    pub fn from_text(s: &str) -> Cursor {
        let mut c = Cursor::default();
        for (i, v) in s.split(',').take(3).enumerate() {
            c.0[i] = v.parse().unwrap_or(0);
        }
        c
    }
}

/// The hashes among `sent` (in the order they were pushed) that `resp` acknowledges.
pub fn acked_hashes(sent: &[ChangeHash], resp: &SyncResponse) -> Vec<ChangeHash> {
    sent.iter()
        .enumerate()
        .filter(|(i, _)| resp.is_acked(*i))
        .map(|(_, h)| *h)
        .collect()
}

/// A pulled change of a task or document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledChange {
    pub entity: String,
    pub kind: EntityKind,
    pub bytes: Vec<u8>,
}

/// A pulled approval record, filed by its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledRecord {
    pub request_id: String,
    pub kind: RecordKind,
    pub bytes: Vec<u8>,
}

/// Splits pulled changes into entity changes and approval records, each in the order
/// received. A record that is not one (unreadable JSON) is dropped: it cannot be filed, and
/// the server checked every record it holds.
pub fn split_pull(pull: &[Change]) -> (Vec<PulledChange>, Vec<PulledRecord>) {
    let records = pull
        .iter()
        .filter(|c| c.class == Class::Approval)
        .filter_map(|c| {
            let kind = serde_json::from_slice::<Record>(&c.bytes).ok()?.kind();
            Some(PulledRecord {
                request_id: c.entity.clone(),
                kind,
                bytes: c.bytes.clone(),
            })
        })
        .collect();
    let changes = pull
        .iter()
        .filter_map(|c| {
            Some(PulledChange {
                entity: c.entity.clone(),
                kind: c.class.entity_kind()?,
                bytes: c.bytes.clone(),
            })
        })
        .collect();
    (changes, records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_classes_convert_both_ways() {
        for k in EntityKind::ALL {
            assert_eq!(Class::from(k).entity_kind(), Some(k));
        }
        assert_eq!(Class::Approval.entity_kind(), None);
    }

    #[test]
    fn cursor_text() {
        let c = Cursor([3, 0, 17]);
        assert_eq!(c.to_text(), "3,0,17");
        assert_eq!(Cursor::from_text("3,0,17"), c);
        assert_eq!(Cursor::from_text("x,5"), Cursor([0, 5, 0]));
        assert_eq!(Cursor::from_text("1,2,3,4"), Cursor([1, 2, 3]));
        assert_eq!(Cursor::from_text(""), Cursor::default());
    }

    #[test]
    fn acks_map_to_the_sent_hashes_by_position() {
        let mut r = SyncResponse::default();
        r.ack(0);
        r.ack(2);
        let sent = [[1; 32], [2; 32], [3; 32]];
        assert_eq!(acked_hashes(&sent, &r), vec![[1; 32], [3; 32]]);
    }

    #[test]
    fn pulls_split_into_changes_and_records() {
        let change = |entity: &str, class, bytes: &[u8]| Change {
            entity: entity.into(),
            class,
            bytes: bytes.to_vec(),
        };
        let pull = [
            change("t-1", Class::Task, b"a"),
            change("a-1", Class::Approval, b"not json"),
            change("d-1", Class::Document, b"b"),
        ];
        let (changes, records) = split_pull(&pull);
        assert!(records.is_empty());
        assert_eq!(
            changes,
            vec![
                PulledChange {
                    entity: "t-1".into(),
                    kind: EntityKind::Task,
                    bytes: b"a".to_vec()
                },
                PulledChange {
                    entity: "d-1".into(),
                    kind: EntityKind::Document,
                    bytes: b"b".to_vec()
                },
            ]
        );
    }
}
