//! The letter-number register (nomor surat): who may be given a block of numbers, and when
//! a number set on a document is accepted.
//!
//! Devices number approved documents offline from blocks leased at sync, so the server
//! cannot hand out the number itself; instead it remembers which device holds which block
//! and accepts a number only if it is a fair one:
//! - the document has an approval request that the shared rules
//!   ([`luring_model::evaluate`]) find approved, with the server's stored records;
//! - the number lies in a block leased to the pushing device;
//! - no other document already carries it;
//! - the document had no number before (see [`crate::rules`]).
//!
//! Leases are bounded so that asking again and again cannot burn the register: at most
//! [`BLOCKS_PER_DAY`] blocks per device per UTC day, and none while the device still holds
//! [`ENOUGH_UNUSED`] unused numbers from blocks leased today. Blocks from earlier days do
//! not count as held, so a device whose lease answer was lost on the way gets a new block
//! the next day instead of waiting for numbers it never received.

use chrono::Datelike;
use luring_model::{evaluate, ApprovalStatus, Record, RefusalCode};
use luring_sync::{Class, Lease};

use super::records::stored_decisions;
use super::SyncContext;
use crate::db::{LeaseRow, SyncTx};
use crate::error::Result;
use crate::rules::Refused;

/// Letter numbers leased per block.
pub const LEASE_BLOCK: u32 = 10;

/// Most blocks one device is given per UTC day.
pub const BLOCKS_PER_DAY: usize = 3;
/// A device holding at least this many unused numbers from today's blocks gets no more
/// (the client asks when it has fewer than this left).
pub const ENOUGH_UNUSED: u32 = 3;

/// A letter number as devices write it: `NNN/UNIT/YEAR` (see the client's numbering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterNumber {
    pub number: u32,
    pub unit: String,
    pub year: i32,
}

impl LetterNumber {
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("'{s}' is not a letter number (expected NNN/UNIT/YEAR)");
        let (number, rest) = s.split_once('/').ok_or_else(bad)?;
        let (unit, year) = rest.rsplit_once('/').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(number) || !digits(year) || unit.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            number: number.parse().map_err(|_| bad())?,
            unit: unit.to_owned(),
            year: year.parse().map_err(|_| bad())?,
        })
    }
}

/// Why a letter number was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No approved request (yet): the final decision may come later in the same push.
    NotApproved,
    /// Any other reason.
    Other(Refused),
}

impl Refusal {
    pub fn refused(self) -> Refused {
        match self {
            Self::NotApproved => Refused::new(
                RefusalCode::NumberNotApproved,
                "a letter number can only be given to a document whose approval request is \
                 approved",
            ),
            Self::Other(r) => r,
        }
    }
}

/// Whether `leases` (of one device) allow a new block on `today`, given how many numbers
/// of today's blocks are used. Pure, so the bounds are tested without a database.
pub fn may_lease(leases: &[LeaseRow], used_today: u32, today: &str) -> bool {
    let todays: Vec<&LeaseRow> = leases.iter().filter(|l| l.day == today).collect();
    if todays.len() >= BLOCKS_PER_DAY {
        return false;
    }
    let leased: u32 = todays.iter().map(|l| l.end.saturating_sub(l.start)).sum();
    leased.saturating_sub(used_today) < ENOUGH_UNUSED
}

/// Leases a block to the syncing device if the bounds allow; `None` is a polite refusal
/// (the sync goes on; the device asks again at a later sync).
pub fn grant(tx: &mut dyn SyncTx, ctx: &SyncContext<'_>) -> Result<Option<Lease>> {
    let now = ctx.now;
    let today = now.date_naive().to_string();
    let leases = tx.leases(&ctx.device.id)?;
    let mut used_today = 0;
    for l in leases.iter().filter(|l| l.day == today) {
        used_today += tx.letter_numbers_used(&l.unit, l.year, l.start, l.end)?;
    }
    if !may_lease(&leases, used_today, &today) {
        return Ok(None);
    }
    let year = now.year();
    let unit = ctx.subject.unit.clone();
    let start = tx.lease_numbers(&ctx.device.id, &unit, year, LEASE_BLOCK, &today)?;
    Ok(Some(Lease {
        unit,
        year,
        start,
        end: start + LEASE_BLOCK,
    }))
}

/// Checks that `number` may be set on document `doc_id` (filed under `doc_unit`, whose
/// content hash is now `content_hash`) by the syncing device. On success the number is
/// recorded as used.
pub fn accept(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    doc_id: &str,
    doc_unit: &str,
    content_hash: &str,
    number: &str,
) -> Result<std::result::Result<(), Refusal>> {
    let n = match LetterNumber::parse(number) {
        Ok(n) => n,
        Err(e) => {
            return Ok(Err(Refusal::Other(Refused::new(
                RefusalCode::NumberNotLeased,
                e,
            ))))
        }
    };
    if !approved(tx, ctx, doc_id, doc_unit, content_hash)? {
        return Ok(Err(Refusal::NotApproved));
    }
    let held = tx
        .leases(&ctx.device.id)?
        .iter()
        .any(|l| l.unit == n.unit && l.year == n.year && l.start <= n.number && n.number < l.end);
    if !held {
        return Ok(Err(Refusal::Other(Refused::new(
            RefusalCode::NumberNotLeased,
            format!(
                "letter number {number} was not leased to this device: numbers come only from \
                 the device's own leased blocks"
            ),
        ))));
    }
    if let Some(other) = tx.letter_number_holder(&n.unit, n.year, n.number)? {
        return Ok(Err(Refusal::Other(Refused::new(
            RefusalCode::NumberTaken,
            format!("letter number {number} is already used by document {other}"),
        ))));
    }
    tx.use_letter_number(&n.unit, n.year, n.number, doc_id)?;
    Ok(Ok(()))
}

/// Whether some approval request for the document is approved, by the stored records and
/// the shared rules.
fn approved(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    doc_id: &str,
    doc_unit: &str,
    content_hash: &str,
) -> Result<bool> {
    for row in tx.entities_in(Class::Approval, doc_unit)? {
        let Ok(Record::Request(req)) = serde_json::from_slice::<Record>(&row.snapshot) else {
            continue;
        };
        if req.body.document_id.as_str() != doc_id {
            continue;
        }
        let decisions = stored_decisions(tx, &row.id)?;
        let e = evaluate(&req, &decisions, &ctx.agency, Some(content_hash), &|_| {
            false
        });
        if e.status == ApprovalStatus::Disetujui {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(day: &str, start: u32) -> LeaseRow {
        LeaseRow {
            device: "dev-1".into(),
            unit: "BAPPEDA.PEM".into(),
            year: 2026,
            start,
            end: start + LEASE_BLOCK,
            day: day.into(),
        }
    }

    #[test]
    fn numbers_parse_as_devices_write_them() {
        assert_eq!(
            LetterNumber::parse("007/BAPPEDA.PEM/2026"),
            Ok(LetterNumber {
                number: 7,
                unit: "BAPPEDA.PEM".into(),
                year: 2026
            })
        );
        assert_eq!(LetterNumber::parse("12/A/B/2026").unwrap().unit, "A/B");
        for bad in [
            "",
            "7",
            "x/BAPPEDA/2026",
            "7//2026",
            "7/BAPPEDA/",
            "-1/B/2026",
        ] {
            assert!(LetterNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn leases_are_bounded_per_device_and_day() {
        let today = "2026-11-30";
        assert!(may_lease(&[], 0, today));
        // A whole unused block today: no more.
        assert!(!may_lease(&[lease(today, 1)], 0, today));
        assert!(!may_lease(&[lease(today, 1)], 7, today));
        // Running low: another block.
        assert!(may_lease(&[lease(today, 1)], 8, today));
        // Never more than three blocks a day, however many are used.
        let three = [lease(today, 1), lease(today, 11), lease(today, 21)];
        assert!(!may_lease(&three, 30, today));
        // Yesterday's blocks neither count as held nor against today's bound.
        assert!(may_lease(&three, 0, "2026-12-01"));
    }

    /// The bounds as the server applies them, on a real database through a whole sync.
    #[test]
    fn a_device_gets_three_blocks_a_day_and_only_when_running_low() {
        use crate::db::{sqlite::SqliteDb, AgencyRow, Database, DeviceRow, UnitRow, UserRow};
        let tmp = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(&tmp.path().join("server.db")).unwrap();
        let signer = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let key = signer.verifying_key();
        db.create_agency(&AgencyRow {
            name: "Dinas".into(),
            public_key: hex::encode(key.as_bytes()),
        })
        .unwrap();
        db.add_unit(&UnitRow {
            code: "U".into(),
            name: "Unit".into(),
            parent: None,
        })
        .unwrap();
        let user = UserRow {
            nip: "198703122010011002".into(),
            name: "Ani".into(),
            unit: "U".into(),
            role: "staff".into(),
            password_hash: "-".into(),
        };
        db.add_user(&user).unwrap();
        let device = DeviceRow {
            id: "dev-1".into(),
            nip: user.nip.clone(),
            public_key: hex::encode(key.as_bytes()),
            actor: "aa".into(),
            cert: "{}".into(),
            revoked: false,
        };
        db.add_device(&device, &[1; 32]).unwrap();
        let keys =
            crate::sync_service::AgencyKeys::check(&signer, db.agency().unwrap().as_ref()).unwrap();
        let ask = || {
            let body = luring_sync::encode_request(&luring_sync::SyncRequest {
                cursor: Default::default(),
                compact: vec![],
                push: vec![],
                byte_budget: 1 << 16,
                want_numbers: true,
            });
            crate::sync_service::handle_bytes(
                &db,
                Ok(&keys),
                &device,
                &user,
                &body,
                Default::default(),
            )
            .unwrap()
            .1
            .lease
        };
        let use_all = |l: &Lease| {
            db.sync_tx(|tx| {
                for n in l.start..l.end {
                    tx.use_letter_number(&l.unit, l.year, n, &format!("d-{n}"))?;
                }
                Ok(())
            })
            .unwrap()
        };
        let first = ask().expect("a device with no numbers gets a block");
        assert_eq!((first.start, first.end), (1, 1 + LEASE_BLOCK));
        assert_eq!(ask(), None, "a whole unused block is enough");
        use_all(&first);
        let second = ask().expect("a device that used its numbers gets another block");
        assert_eq!(second.start, first.end);
        use_all(&second);
        let third = ask().expect("a third block the same day");
        use_all(&third);
        assert_eq!(ask(), None, "no fourth block the same day");
        // The register moved by exactly the three blocks handed out.
        let next = db
            .sync_tx(|tx| Ok(tx.lease_numbers("dev-2", "U", third.year, 1, "2000-01-01")?))
            .unwrap();
        assert_eq!(next, third.end);
    }
}
