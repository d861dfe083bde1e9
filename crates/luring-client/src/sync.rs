//! Sync from the device's side: plan a request from the outbox, send it, apply the answer
//! atomically, repeat while the server says there is more.
//!
//! The two steps around the network are pure functions — [`plan`] turns what the store
//! gave into the bytes to send, [`interpret`] turns the server's answer into what the store
//! applies — so [`Profile::sync_with`] only reads, sends and applies. What needs neither
//! store nor client (ack positions, the split of a pull, the kept cursor) is
//! `luring_sync::device`. The transport is a trait so that tests can put faults (cuts, lost
//! answers, duplicates) between client and server without sockets; [`HttpTransport`] (in
//! `transport.rs`) is the real one.

use luring_model::Timestamp;
use luring_store::records::StoredRecord;
use luring_store::{InChange, InRecord, MetaKey, OutChange, Refusal};
use luring_sync::{
    device, Change, ChangeHash, Class, Cursor, Lease, Limits, SyncRequest, SyncResponse,
};
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::profile::Profile;
use crate::transport::{HttpTransport, CA_FILE};

/// Bytes of outbox changes sent per request.
pub const PUSH_BYTES: usize = 512 << 10;
/// Bytes of pulled changes asked for per response.
pub const PULL_BUDGET: u32 = 1 << 20;

/// One request–response exchange with the server.
pub trait Transport {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>>;
    /// The device's sync number for the next request, by which the server tells a copied
    /// or restored profile from the original. Transports that do not carry it ignore it.
    fn set_sync_number(&mut self, _n: u64) {}
}

/// What a sync did, as `luring sync --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// Local changes the server now holds.
    pub pushed: usize,
    /// Changes received that were new here.
    pub pulled: usize,
    pub bytes_up: usize,
    pub bytes_down: usize,
    pub round_trips: usize,
    /// Local changes refused this time, with reasons.
    pub rejected: Vec<Refusal>,
}

/// One request, encoded, and what its answer is checked and mapped against.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The encoded request (taken when it is sent).
    body: Vec<u8>,
    /// [`luring_sync::request_digest`] of `body`: an answer must name it.
    digest: [u8; 8],
    /// The pushed changes' hashes in push order (acknowledgements are by position).
    sent_hashes: Vec<ChangeHash>,
    /// Whether this request carries the whole outbox.
    pushed_all: bool,
}

impl Planned {
    fn take_body(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.body)
    }
}

/// An answer, as the store applies it.
#[derive(Debug, Default)]
pub(crate) struct Incoming {
    changes: Vec<InChange>,
    records: Vec<InRecord>,
    acked: Vec<ChangeHash>,
    /// (hash, entity, reason) of each refused change, as the store files it.
    refused: Vec<(ChangeHash, String, String)>,
    /// The same refusals as a report shows them.
    rejected: Vec<Refusal>,
    cursor: Cursor,
    lease: Option<Lease>,
    more: bool,
    /// Whether the answer carried anything at all (even records that could not be filed).
    pulled_any: bool,
}

/// The request for `cursor` pushing `records` then `changes` (approval records first: on a
/// thin link they are what matters most); `outbox_len` is how many changes wait in all.
pub(crate) fn plan(
    cursor: Cursor,
    records: &[StoredRecord],
    changes: &[OutChange],
    outbox_len: i64,
    want_numbers: bool,
) -> Planned {
    let pushed_all = (records.len() + changes.len()) as i64 >= outbox_len;
    let sent_hashes = records
        .iter()
        .map(|r| r.hash)
        .chain(changes.iter().map(|c| c.hash))
        .collect();
    let req = SyncRequest {
        cursor,
        push: records
            .iter()
            .map(|r| Change {
                entity: r.request_id.clone(),
                class: Class::Approval,
                bytes: r.bytes.clone(),
            })
            .chain(changes.iter().map(|c| Change {
                entity: c.entity.clone(),
                class: c.kind.into(),
                bytes: c.bytes.clone(),
            }))
            .collect(),
        byte_budget: PULL_BUDGET,
        want_numbers,
    };
    let body = luring_sync::encode_request(&req);
    Planned {
        digest: luring_sync::request_digest(&body),
        body,
        sent_hashes,
        pushed_all,
    }
}

/// What the answer `resp` to `planned` means for the store; an answer to another request is
/// refused (nothing is lost by dropping it).
pub(crate) fn interpret(planned: &Planned, resp: SyncResponse) -> Result<Incoming> {
    if resp.request != planned.digest {
        // Acknowledgements are by position in the request: an answer to another
        // (delayed) request must not be applied.
        return Err(ClientError::Network(
            "the server's answer belongs to another request; try again".into(),
        ));
    }
    let acked = device::acked_hashes(&planned.sent_hashes, &resp);
    let (changes, records) = device::split_pull(&resp.pull);
    Ok(Incoming {
        changes: changes
            .into_iter()
            .map(|c| InChange {
                entity: c.entity,
                kind: c.kind,
                bytes: c.bytes,
            })
            .collect(),
        records: records
            .into_iter()
            .map(|r| InRecord {
                request_id: r.request_id,
                kind: r.kind,
                bytes: r.bytes,
            })
            .collect(),
        acked,
        refused: resp
            .rejected
            .iter()
            .map(|r| (r.hash, r.entity.clone(), r.reason.clone()))
            .collect(),
        rejected: resp
            .rejected
            .iter()
            .map(|r| Refusal {
                entity: r.entity.clone(),
                hash: hex::encode(r.hash),
                reason: r.reason.clone(),
                at: String::new(),
            })
            .collect(),
        cursor: resp.cursor,
        lease: resp.lease,
        more: resp.more,
        pulled_any: !resp.pull.is_empty(),
    })
}

impl Profile {
    /// The HTTP transport to this profile's server, for callers that watch each round trip
    /// (the desktop shows sync progress); [`Profile::sync`] uses the same.
    pub fn transport(&self) -> Result<HttpTransport> {
        // The token is shared with another copy of this profile: no sync until a new login.
        if self.store().has(MetaKey::NewIdentity)? {
            return Err(ClientError::ProfileCopied);
        }
        let Some(link) = self.store().link()? else {
            return Err(ClientError::NotLoggedIn);
        };
        let ca = self.dir().join(CA_FILE);
        HttpTransport::new(
            &link.server,
            &link.token,
            ca.is_file().then_some(&*ca),
            link.allow_insecure_http,
        )
    }

    /// Sends the outbox and receives what is new, over HTTP, until nothing is left.
    pub fn sync(&mut self) -> Result<SyncReport> {
        let mut t = self.transport()?;
        self.sync_with(&mut t)
    }

    /// Sync over any transport (tests inject faults here).
    pub fn sync_with(&mut self, t: &mut dyn Transport) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        self.store_mut().heal_stuck()?;
        // After a new identity (a copied or restored profile), the server's version is
        // pulled before anything is sent, then the work set aside is re-made on top.
        let mut catching_up = self.store().has_set_aside()?;
        for _ in 0..10_000 {
            let cursor = self
                .store()
                .get(MetaKey::Cursor)?
                .map_or_else(Cursor::default, |s| Cursor::from_text(&s));
            let (records, changes) = if catching_up {
                (vec![], vec![])
            } else {
                (
                    self.store().record_outbox()?,
                    self.store().outbox(PUSH_BYTES)?,
                )
            };
            let outbox_len = self.store().stats()?.outbox;
            let mut planned = plan(
                cursor,
                &records,
                &changes,
                outbox_len,
                self.needs_letter_numbers()?,
            );
            let body = planned.take_body();
            report.bytes_up += body.len();
            // Raised and stored before sending: a retry never repeats a number, so only a
            // copy of this profile (or an older backup of it) can.
            let n = self.store_mut().next_number(MetaKey::SyncNumber)?;
            t.set_sync_number(n);
            let answer = match t.round_trip(body) {
                Err(ClientError::ProfileCopied) => {
                    self.store().put(MetaKey::NewIdentity, "1")?;
                    return Err(ClientError::ProfileCopied);
                }
                r => r?,
            };
            report.bytes_down += answer.len();
            report.round_trips += 1;
            let resp = luring_sync::decode_response(&answer, Limits::default()).map_err(|e| {
                ClientError::Network(format!("the server's answer is damaged: {e}"))
            })?;
            let incoming = interpret(&planned, resp)?;
            let applied = self.apply(&incoming)?;
            report.pushed += applied.acked;
            report.pulled += applied.new_changes;
            report.rejected.extend(incoming.rejected);
            if catching_up {
                if !incoming.more {
                    self.store_mut().restore_set_aside()?;
                    catching_up = false;
                }
                continue;
            }
            let progress = applied.acked + applied.refused > 0 || incoming.pulled_any;
            // A refusal rebuilds its entity and may re-make the person's other edits as a
            // new outbox change (see luring-store `heal.rs`): send it in the same sync.
            let healed = applied.refused > 0;
            if !incoming.more && ((planned.pushed_all && !healed) || !progress) {
                break;
            }
        }
        Ok(report)
    }

    /// Stores an answer in one transaction with the new cursor, the sync time and any new
    /// block of letter numbers; then numbers the documents that waited for one.
    fn apply(&mut self, incoming: &Incoming) -> Result<luring_store::Applied> {
        let mut meta = vec![
            (MetaKey::Cursor, incoming.cursor.to_text()),
            (MetaKey::LastSync, Timestamp::now().into_string()),
        ];
        if let Some(lease) = &incoming.lease {
            meta.push((MetaKey::NumberBlocks, self.blocks_with(lease)?));
        }
        let applied = self.store_mut().apply_remote(
            &incoming.changes,
            &incoming.records,
            &incoming.acked,
            &incoming.refused,
            &meta,
        )?;
        if incoming.lease.is_some() {
            self.assign_pending_letter_numbers()?;
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use luring_model::EntityKind;
    use luring_sync::Rejection;

    fn record(n: u8) -> StoredRecord {
        StoredRecord {
            hash: [n; 32],
            request_id: format!("a-{n}"),
            kind: luring_model::RecordKind::Request,
            bytes: vec![n],
        }
    }

    fn change(n: u8, kind: EntityKind) -> OutChange {
        OutChange {
            entity: format!("e-{n}"),
            kind,
            hash: [n; 32],
            bytes: vec![n],
        }
    }

    #[test]
    fn a_plan_pushes_records_first_and_knows_if_it_holds_the_whole_outbox() {
        let records = [record(1)];
        let changes = [change(2, EntityKind::Task), change(3, EntityKind::Document)];
        let p = plan(Cursor([1, 2, 3]), &records, &changes, 3, true);
        assert!(p.pushed_all);
        assert_eq!(p.sent_hashes, vec![[1; 32], [2; 32], [3; 32]]);
        assert_eq!(p.digest, luring_sync::request_digest(&p.body));
        let req = luring_sync::decode_request(&p.body, Limits::default()).unwrap();
        let classes: Vec<Class> = req.push.iter().map(|c| c.class).collect();
        assert_eq!(classes, [Class::Approval, Class::Task, Class::Document]);
        assert_eq!(req.cursor, Cursor([1, 2, 3]));
        assert!(req.want_numbers);
        assert_eq!(req.byte_budget, PULL_BUDGET);
        assert!(!plan(Cursor::default(), &records, &changes, 4, false).pushed_all);
    }

    #[test]
    fn an_answer_is_mapped_to_the_hashes_sent_and_to_another_request_refused() {
        let changes = [change(1, EntityKind::Task), change(2, EntityKind::Task)];
        let p = plan(Cursor::default(), &[], &changes, 2, false);
        let mut resp = SyncResponse {
            request: p.digest,
            rejected: vec![Rejection {
                hash: [2; 32],
                entity: "e-2".into(),
                reason: "no".into(),
            }],
            pull: vec![Change {
                entity: "d-9".into(),
                class: Class::Document,
                bytes: vec![9],
            }],
            cursor: Cursor([0, 0, 7]),
            more: true,
            ..Default::default()
        };
        resp.ack(0);
        let inc = interpret(&p, resp.clone()).unwrap();
        assert_eq!(inc.acked, vec![[1; 32]]);
        assert_eq!(inc.refused, vec![([2; 32], "e-2".into(), "no".into())]);
        assert_eq!(inc.rejected[0].hash, hex::encode([2; 32]));
        assert_eq!(inc.changes.len(), 1);
        assert_eq!(inc.changes[0].kind, EntityKind::Document);
        assert!(inc.records.is_empty());
        assert_eq!(inc.cursor, Cursor([0, 0, 7]));
        assert!(inc.more && inc.pulled_any);
        resp.request = [0; 8];
        let e = interpret(&p, resp).unwrap_err();
        assert_eq!(e.code(), "network");
        assert!(e.to_string().contains("another request"), "{e}");
    }
}
