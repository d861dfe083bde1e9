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
use luring_store::{InChange, InRecord, InRefusal, MetaKey, OutChange, Refusal};
use std::collections::HashSet;

use luring_sync::compact::Compactor;
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
/// The smallest byte budget a round is given, however often the link is cut (the server
/// honours no less either).
pub const MIN_BUDGET: u32 = 4 << 10;

/// How one sync runs. `SyncOptions::default()` is what [`Profile::sync`] does: the default
/// budgets, no observer, and no retry (the first failed round trip ends the sync; what the
/// rounds before it brought is kept).
#[derive(Default)]
pub struct SyncOptions<'a> {
    /// Most bytes per round in each direction: the outbox pushed (approval records first,
    /// then tasks, then documents; the rest waits for the next round) and the changes asked
    /// for (the server sends approvals, then tasks, then documents). `None`: 512 KB up and
    /// 1 MB down.
    pub budget_bytes: Option<u32>,
    /// Round trips that may fail in a row (a cut link, a lost answer) before the sync gives
    /// up. Each failure halves the round's budget (down to [`MIN_BUDGET`]) and waits a
    /// little; each success doubles it back toward `budget_bytes`. A cut costs at most the
    /// round under way: earlier rounds are stored.
    pub retries: u32,
    /// Told after every round trip (and every failed one) what has crossed so far.
    pub observer: Option<&'a mut dyn FnMut(&SyncProgress)>,
}

/// How far a sync has come, after each round trip. Counts only grow within one sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    pub round_trips: usize,
    /// Round trips that failed and were tried again.
    pub retried: usize,
    pub bytes_up: usize,
    pub bytes_down: usize,
    /// Changes and approval records received so far (new here or not).
    pub items_received: u64,
    /// Their size, before compression.
    pub bytes_received: u64,
    /// The server's estimate of what still waits for this device (0 when nothing does).
    pub items_remaining: u64,
    pub bytes_remaining: u64,
    /// Local changes and records the server now holds.
    pub pushed: usize,
}

/// One request–response exchange with the server.
pub trait Transport {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>>;
    /// The device's sync number for the next request, by which the server tells a copied
    /// or restored profile from the original. Transports that do not carry it ignore it.
    fn set_sync_number(&mut self, _n: u64) {}
    /// At most how many bytes (before compression) the next answer carries, so that a
    /// transport can give a slow link the time it needs. Ignored by those that need none.
    fn expect_down(&mut self, _bytes: u64) {}
    /// Whether the last failed round trip failed before any byte of its request left
    /// (the server could not even be connected to), so nobody can hold what it carried.
    /// Transports that cannot tell answer false, which is always safe.
    fn sent_nothing(&self) -> bool {
        false
    }
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
    /// Changes the server could not rebuild from their compact form: sent again in full.
    ask_full: Vec<ChangeHash>,
    /// Each refused change, as the store files it.
    refused: Vec<InRefusal>,
    /// The same refusals as a report shows them.
    rejected: Vec<Refusal>,
    cursor: Cursor,
    lease: Option<Lease>,
    more: bool,
    /// Whether the answer carried anything at all (even records that could not be filed).
    pulled_any: bool,
    /// How many changes and records it carried, and their bytes.
    pulled_items: u64,
    pulled_bytes: u64,
    remaining: luring_sync::Backlog,
}

/// What a request is planned from.
pub(crate) struct Outgoing<'a> {
    pub cursor: Cursor,
    pub records: &'a [StoredRecord],
    pub changes: &'a [OutChange],
    /// How many changes and records wait in all.
    pub outbox_len: i64,
    pub want_numbers: bool,
    pub pull_budget: u32,
    /// This device's automerge actor: its own changes travel compact.
    pub actor: &'a [u8],
    /// Changes the server asked for in full (it could not rebuild them).
    pub full: &'a HashSet<ChangeHash>,
}

/// The request pushing the records then the changes (approval records first: on a thin
/// link they are what matters most), asking for at most `pull_budget` bytes back.
///
/// The device's own changes go compact ([`luring_sync::compact`]); every change of an
/// entity goes in full if one of them must (another device's change that came by bundle,
/// one the server asked for in full), so that the server meets them in the order made.
pub(crate) fn plan(o: Outgoing<'_>) -> Planned {
    let pushed_all = (o.records.len() + o.changes.len()) as i64 >= o.outbox_len;
    let mut full_entities: HashSet<&str> = o
        .changes
        .iter()
        .filter(|c| {
            o.full.contains(&c.hash)
                || luring_sync::compact::parts(&c.bytes).map_or(true, |p| p.actor != o.actor)
        })
        .map(|c| c.entity.as_str())
        .collect();
    let (full, compact) = loop {
        let mut compactor = Compactor::new(o.actor);
        let mut compact = Vec::new();
        let mut failed = None;
        for c in o
            .changes
            .iter()
            .filter(|c| !full_entities.contains(c.entity.as_str()))
        {
            match compactor.compact(&c.entity, c.kind.into(), &c.bytes, |_| true) {
                Ok(cc) => compact.push((c, cc)),
                Err(_) => {
                    failed = Some(c.entity.as_str());
                    break;
                }
            }
        }
        match failed {
            Some(e) => {
                full_entities.insert(e);
            }
            None => {
                let full: Vec<&OutChange> = o
                    .changes
                    .iter()
                    .filter(|c| full_entities.contains(c.entity.as_str()))
                    .collect();
                break (full, compact);
            }
        }
    };
    let sent_hashes = o
        .records
        .iter()
        .map(|r| r.hash)
        .chain(full.iter().map(|c| c.hash))
        .chain(compact.iter().map(|(c, _)| c.hash))
        .collect();
    let req = SyncRequest {
        cursor: o.cursor,
        push: o
            .records
            .iter()
            .map(|r| Change {
                entity: r.request_id.clone(),
                class: Class::Approval,
                bytes: r.bytes.clone(),
            })
            .chain(full.iter().map(|c| Change {
                entity: c.entity.clone(),
                class: c.kind.into(),
                bytes: c.bytes.clone(),
            }))
            .collect(),
        compact: compact.into_iter().map(|(_, cc)| cc).collect(),
        byte_budget: o.pull_budget,
        want_numbers: o.want_numbers,
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
        return Err(ClientError::BadAnswer(
            "the server's answer belongs to another request; try again".into(),
        ));
    }
    let acked = device::acked_hashes(&planned.sent_hashes, &resp);
    let ask_full = planned
        .sent_hashes
        .iter()
        .enumerate()
        .filter(|(i, _)| resp.wants_full(*i))
        .map(|(_, h)| *h)
        .collect();
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
        ask_full,
        refused: resp
            .rejected
            .iter()
            .map(|r| InRefusal {
                hash: r.hash,
                entity: r.entity.clone(),
                code: r.code,
                reason: r.reason.clone(),
            })
            .collect(),
        rejected: resp
            .rejected
            .iter()
            .map(|r| Refusal {
                entity: r.entity.clone(),
                hash: hex::encode(r.hash),
                code: r.code,
                reason: r.reason.clone(),
                at: String::new(),
            })
            .collect(),
        cursor: resp.cursor,
        lease: resp.lease,
        more: resp.more,
        pulled_any: !resp.pull.is_empty(),
        pulled_items: resp.pull.len() as u64,
        pulled_bytes: resp.pull.iter().map(|c| c.bytes.len() as u64).sum(),
        remaining: if resp.more {
            resp.remaining
        } else {
            luring_sync::Backlog::default()
        },
    })
}

/// The approval records to push within `budget` bytes, in outbox order (at least one, if
/// any wait), and the budget left for task and document changes.
fn records_within(mut records: Vec<StoredRecord>, budget: usize) -> (Vec<StoredRecord>, usize) {
    let mut used = 0;
    let mut keep = 0;
    for r in &records {
        if keep > 0 && used + r.bytes.len() > budget {
            break;
        }
        used += r.bytes.len();
        keep += 1;
    }
    records.truncate(keep);
    (records, budget.saturating_sub(used))
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
        self.sync_opts(SyncOptions::default())
    }

    /// [`Profile::sync`] over HTTP with a byte budget, retries and a progress observer.
    pub fn sync_opts(&mut self, opts: SyncOptions<'_>) -> Result<SyncReport> {
        let mut t = self.transport()?;
        self.sync_with_options(&mut t, opts)
    }

    /// Sync over any transport (tests inject faults here).
    pub fn sync_with(&mut self, t: &mut dyn Transport) -> Result<SyncReport> {
        self.sync_with_options(t, SyncOptions::default())
    }

    /// [`Profile::sync`] with a byte budget, retries and a progress observer.
    pub fn sync_with_options(
        &mut self,
        t: &mut dyn Transport,
        mut opts: SyncOptions<'_>,
    ) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        let mut progress = SyncProgress::default();
        let (push_max, pull_max) = match opts.budget_bytes {
            Some(b) => (b.max(MIN_BUDGET), b.max(MIN_BUDGET)),
            None => (PUSH_BYTES as u32, PULL_BUDGET),
        };
        // The round's budget: halved after a failed round trip, doubled after a good one.
        let mut budget_share = 1u32;
        let mut failures = 0u32;
        let mut tell = |p: &SyncProgress| {
            if let Some(o) = opts.observer.as_mut() {
                o(p);
            }
        };
        self.store_mut().heal_stuck()?;
        // Each keystroke was its own durable change; what never left the device goes as
        // one change per entity (luring-store `fold.rs`).
        self.store_mut().fold_outbox()?;
        // After a new identity (a copied or restored profile), the server's version is
        // pulled before anything is sent, then the work set aside is re-made on top.
        let mut catching_up = self.store().has_set_aside()?;
        // The first sync with the server starts "Baru sejak terakhir Anda lihat" afresh: a
        // marker a bundle set while the profile had no server (`bundles.rs`) must not make
        // the server's whole history new. It is set again when this first sync completes.
        if self.store().get(MetaKey::Cursor)?.is_none() && self.store().news_seen()?.is_some() {
            self.store().remove(MetaKey::NewsSeen)?;
        }
        // Changes the server asked for in full during this sync.
        let mut ask_full: HashSet<ChangeHash> = HashSet::new();
        for _ in 0..10_000 {
            let push_budget = (push_max / budget_share).max(MIN_BUDGET) as usize;
            let pull_budget = (pull_max / budget_share).max(MIN_BUDGET);
            let cursor = self
                .store()
                .get(MetaKey::Cursor)?
                .map_or_else(Cursor::default, |s| Cursor::from_text(&s));
            let (records, changes) = if catching_up {
                (vec![], vec![])
            } else {
                let (records, left) = records_within(self.store().record_outbox()?, push_budget);
                let mut changes = if left > 0 || records.is_empty() {
                    self.store().outbox(left)?
                } else {
                    vec![]
                };
                if !records.is_empty() {
                    // The outbox gives at least one change, however big; behind approval
                    // records only what fits goes, so a big document never holds them up.
                    changes.truncate(fitting(&changes, left));
                }
                (records, changes)
            };
            let waiting = self.store().stats()?.outbox;
            let actor = self.store().actor().to_bytes().to_vec();
            let mut planned = plan(Outgoing {
                cursor,
                records: &records,
                changes: &changes,
                outbox_len: waiting,
                want_numbers: self.needs_letter_numbers()?,
                pull_budget,
                actor: &actor,
                full: &ask_full,
            });
            let body = planned.take_body();
            report.bytes_up += body.len();
            progress.bytes_up += body.len();
            // Marked before sending: once the server may hold them, they are never folded.
            let sending: Vec<[u8; 32]> = changes.iter().map(|c| c.hash).collect();
            let marked = self.store_mut().mark_shared(&sending)?;
            // Raised and stored before sending: a retry never repeats a number, so only a
            // copy of this profile (or an older backup of it) can.
            let n = self.store_mut().next_number(MetaKey::SyncNumber)?;
            t.set_sync_number(n);
            t.expect_down(u64::from(pull_budget));
            let sent = t.round_trip(body);
            if sent.is_err() && t.sent_nothing() {
                // Offline: nothing left, so what was marked for this try may still fold.
                self.store_mut().unmark_shared(&marked)?;
            }
            let answer = match sent {
                Err(ClientError::ProfileCopied) => {
                    self.store().put(MetaKey::NewIdentity, "1")?;
                    return Err(ClientError::ProfileCopied);
                }
                Err(e) if e.is_transient() && failures < opts.retries => {
                    failures += 1;
                    progress.retried += 1;
                    tell(&progress);
                    budget_share = (budget_share * 2).min(pull_max / MIN_BUDGET).max(1);
                    std::thread::sleep(retry_wait(failures));
                    continue;
                }
                r => r?,
            };
            failures = 0;
            budget_share = (budget_share / 2).max(1);
            report.bytes_down += answer.len();
            report.round_trips += 1;
            progress.bytes_down += answer.len();
            progress.round_trips += 1;
            let resp = luring_sync::decode_response(&answer, Limits::default()).map_err(|e| {
                ClientError::BadAnswer(format!("the server's answer is damaged: {e}"))
            })?;
            let incoming = interpret(&planned, resp)?;
            let applied = self.apply(&incoming)?;
            report.pushed += applied.acked;
            report.pulled += applied.new_changes;
            report.rejected.extend(incoming.rejected);
            progress.pushed += applied.acked;
            progress.items_received += incoming.pulled_items;
            progress.bytes_received += incoming.pulled_bytes;
            progress.items_remaining = incoming.remaining.items;
            progress.bytes_remaining = incoming.remaining.bytes;
            tell(&progress);
            if catching_up {
                if !incoming.more {
                    self.store_mut().restore_set_aside()?;
                    catching_up = false;
                }
                continue;
            }
            let moved = applied.acked + applied.refused > 0 || incoming.pulled_any;
            // A refusal rebuilds its entity and may re-make the person's other edits as a
            // new outbox change (see luring-store `heal.rs`): send it in the same sync.
            let healed = applied.refused > 0;
            let resend = incoming.ask_full.iter().any(|h| ask_full.insert(*h));
            if !incoming.more && !resend && ((planned.pushed_all && !healed) || !moved) {
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
        // Beranda's "new since you last looked" starts once the profile has caught up with
        // the server once: what a new device receives first was already the person's.
        if !incoming.more && self.store().news_seen()?.is_none() {
            meta.push((MetaKey::NewsSeen, "0".into()));
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

/// How many of `changes`, from the first, fit in `budget` bytes.
fn fitting(changes: &[OutChange], budget: usize) -> usize {
    let mut used = 0;
    changes
        .iter()
        .take_while(|c| {
            used += c.bytes.len();
            used <= budget
        })
        .count()
}

/// The wait before trying a failed round trip again: short (the link was there a moment
/// ago), growing with each failure in a row, at most 4 s.
fn retry_wait(failures: u32) -> std::time::Duration {
    std::time::Duration::from_millis((250u64 << failures.min(4)).min(4_000))
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

    fn plan_of(
        cursor: Cursor,
        records: &[StoredRecord],
        changes: &[OutChange],
        outbox_len: i64,
        want_numbers: bool,
    ) -> Planned {
        plan(Outgoing {
            cursor,
            records,
            changes,
            outbox_len,
            want_numbers,
            pull_budget: PULL_BUDGET,
            actor: &[1; 16],
            full: &HashSet::new(),
        })
    }

    /// Two real changes of one task by `actor`, as the outbox gives them.
    fn real_changes(entity: &str, actor: u8) -> Vec<OutChange> {
        use automerge::transaction::Transactable;
        let mut d = automerge::AutoCommit::new().with_actor(automerge::ActorId::from([actor; 16]));
        d.put(automerge::ROOT, "judul", entity).unwrap();
        d.commit();
        d.put(automerge::ROOT, "status", "selesai").unwrap();
        d.commit();
        d.get_changes(&[])
            .into_iter()
            .map(|c| OutChange {
                entity: entity.into(),
                kind: EntityKind::Task,
                hash: c.hash().0,
                bytes: c.raw_bytes().to_vec(),
            })
            .collect()
    }

    #[test]
    fn own_changes_go_compact_and_an_entity_with_one_that_cannot_goes_whole_in_full() {
        let mine = real_changes("t-mine", 1);
        let theirs = real_changes("t-theirs", 2);
        let asked = real_changes("t-asked", 1);
        let changes: Vec<OutChange> = [&mine[..], &theirs[..], &asked[..]].concat();
        let full = HashSet::from([asked[1].hash]);
        let p = plan(Outgoing {
            cursor: Cursor::default(),
            records: &[],
            changes: &changes,
            outbox_len: 6,
            want_numbers: false,
            pull_budget: PULL_BUDGET,
            actor: &[1; 16],
            full: &full,
        });
        let req = luring_sync::decode_request(&p.body, Limits::default()).unwrap();
        let full_entities: Vec<&str> = req.push.iter().map(|c| c.entity.as_str()).collect();
        assert_eq!(
            full_entities,
            ["t-theirs", "t-theirs", "t-asked", "t-asked"]
        );
        let compact: Vec<&str> = req.compact.iter().map(|c| c.entity.as_str()).collect();
        assert_eq!(compact, ["t-mine", "t-mine"]);
        // Acknowledgements by position: full ones first, then compact.
        let order: Vec<_> = theirs
            .iter()
            .chain(&asked)
            .chain(&mine)
            .map(|c| c.hash)
            .collect();
        assert_eq!(p.sent_hashes, order);
        // The second of mine names the first as the change before it in the message.
        assert_eq!(
            req.compact[1].deps,
            vec![luring_sync::compact::DepRef::Earlier(1)]
        );
        // The server asks for the first compact change in full.
        let mut resp = SyncResponse {
            request: p.digest,
            ..Default::default()
        };
        resp.ask_full(4);
        let inc = interpret(&p, resp).unwrap();
        assert_eq!(inc.ask_full, vec![mine[0].hash]);
        assert!(inc.acked.is_empty());
    }

    #[test]
    fn a_plan_pushes_records_first_and_knows_if_it_holds_the_whole_outbox() {
        let records = [record(1)];
        let changes = [change(2, EntityKind::Task), change(3, EntityKind::Document)];
        let p = plan_of(Cursor([1, 2, 3]), &records, &changes, 3, true);
        assert!(p.pushed_all);
        assert_eq!(p.sent_hashes, vec![[1; 32], [2; 32], [3; 32]]);
        assert_eq!(p.digest, luring_sync::request_digest(&p.body));
        let req = luring_sync::decode_request(&p.body, Limits::default()).unwrap();
        let classes: Vec<Class> = req.push.iter().map(|c| c.class).collect();
        assert_eq!(classes, [Class::Approval, Class::Task, Class::Document]);
        assert_eq!(req.cursor, Cursor([1, 2, 3]));
        assert!(req.want_numbers);
        assert_eq!(req.byte_budget, PULL_BUDGET);
        assert!(!plan_of(Cursor::default(), &records, &changes, 4, false).pushed_all);
    }

    #[test]
    fn records_come_first_within_the_budget_and_changes_only_if_they_fit_behind_them() {
        let big = |n: u8, len: usize| StoredRecord {
            bytes: vec![n; len],
            ..record(n)
        };
        // At least one record, however small the budget.
        let (r, left) = records_within(vec![big(1, 5000), big(2, 10)], 1000);
        assert_eq!((r.len(), left), (1, 0));
        let (r, left) = records_within(vec![big(1, 100), big(2, 100), big(3, 900)], 1000);
        assert_eq!((r.len(), left), (2, 800));
        let changes = [
            OutChange {
                bytes: vec![0; 500],
                ..change(1, EntityKind::Task)
            },
            OutChange {
                bytes: vec![0; 200_000],
                ..change(2, EntityKind::Document)
            },
        ];
        assert_eq!(fitting(&changes, 800), 1);
        assert_eq!(fitting(&changes, 100), 0);
        assert_eq!(fitting(&changes, 300_000), 2);
    }

    #[test]
    fn an_answer_is_mapped_to_the_hashes_sent_and_to_another_request_refused() {
        let changes = [change(1, EntityKind::Task), change(2, EntityKind::Task)];
        let p = plan_of(Cursor::default(), &[], &changes, 2, false);
        let mut resp = SyncResponse {
            request: p.digest,
            rejected: vec![Rejection {
                hash: [2; 32],
                entity: "e-2".into(),
                code: luring_sync::RefusalCode::FrozenApproved,
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
        assert_eq!(
            inc.refused,
            vec![InRefusal {
                hash: [2; 32],
                entity: "e-2".into(),
                code: luring_sync::RefusalCode::FrozenApproved,
                reason: "no".into(),
            }]
        );
        assert_eq!(inc.rejected[0].hash, hex::encode([2; 32]));
        assert_eq!(
            inc.rejected[0].code,
            luring_sync::RefusalCode::FrozenApproved
        );
        assert_eq!(inc.changes.len(), 1);
        assert_eq!(inc.changes[0].kind, EntityKind::Document);
        assert!(inc.records.is_empty());
        assert_eq!(inc.cursor, Cursor([0, 0, 7]));
        assert!(inc.more && inc.pulled_any);
        resp.request = [0; 8];
        let e = interpret(&p, resp).unwrap_err();
        assert_eq!(e.code(), "bad_answer");
        assert!(e.to_string().contains("another request"), "{e}");
    }
}
