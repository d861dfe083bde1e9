//! The push half of a sync: the device's task and document changes, parsed and checked
//! for what needs no stored state first, then applied entity by entity in short
//! transactions, each change judged ([`super::judge`]) before it is logged.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Change as AmChange};
use luring_sync::compact::{Unpacked, PREFIX};
use luring_sync::{Change, Class, CompactChange, RefusalCode as C, SyncResponse};

use super::judge::{judge, validate, Model, Verdict};
use super::records::REQUEST_PREFIX;
use super::{load_doc, reject, SyncContext};
use crate::access::may_access;
use crate::db::{Database, EntityRow, SyncTx};
use crate::error::Result;
use crate::rules::Refused;

/// Parses a pushed automerge change, refusing compressed chunks: devices send changes
/// uncompressed (`Change::raw_bytes`), and automerge inflates compressed chunks with no
/// size limit, so a few hundred bytes could cost gigabytes.
pub(super) fn parse_change(bytes: &[u8]) -> std::result::Result<AmChange, String> {
    const CHANGE_CHUNK: u8 = 1;
    if bytes.len() < 9 || bytes[8] != CHANGE_CHUNK {
        return Err("not an uncompressed automerge change".into());
    }
    AmChange::from_bytes(bytes.to_vec()).map_err(|e| e.to_string())
}

/// Changes after an entity's snapshot before it is rewritten.
pub const SNAPSHOT_EVERY: usize = 64;

/// Longest one push holds the database before other syncs get their turn.
pub const PUSH_SLICE: Duration = Duration::from_millis(40);

/// A pushed change of a task or document, parsed before the database is touched.
#[derive(Clone)]
pub(super) struct Pushed {
    /// Position in the request (acknowledgements are by position).
    pos: usize,
    change: Change,
    /// The parsed change, or why it is not one.
    parsed: std::result::Result<AmChange, String>,
    /// A refusal decided without stored state (too big, another device's change); it
    /// applies unless the server already holds the change.
    refusal: Option<Refused>,
    /// A compact change, rebuilt against its entity once that is loaded; its index among
    /// the request's compact changes.
    compact: Option<(usize, Unpacked)>,
}

/// One entity's pushed changes, in the device's order.
pub(super) type Group = (String, Vec<Pushed>);

/// Parses and checks what needs no stored state, outside any lock: groups task and
/// document changes by entity (in first-seen order, keeping the device's causal order
/// within each) and sets the approval records aside. Compact changes come after the
/// full ones (positions `changes.len()..`); they are rebuilt once their entity is loaded.
pub(super) fn prepare(
    ctx: &SyncContext<'_>,
    changes: Vec<Change>,
    compact: Vec<CompactChange>,
) -> (Vec<Group>, Vec<(usize, Change)>) {
    let mut order: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut records = Vec::new();
    let mut add = |p: Pushed| {
        let i = *index.entry(p.change.entity.clone()).or_insert_with(|| {
            order.push((p.change.entity.clone(), Vec::new()));
            order.len() - 1
        });
        order[i].1.push(p);
    };
    let full = changes.len();
    for (pos, change) in changes.into_iter().enumerate() {
        if change.class == Class::Approval {
            records.push((pos, change));
            continue;
        }
        let parsed = parse_change(&change.bytes);
        let refusal = match &parsed {
            Ok(p) if p.actor_id().to_hex_string() != ctx.device.actor => Some(Refused::new(
                C::OtherDevice,
                "the change was not made by this device (forged author)",
            )),
            _ => too_big(&change.class, change.bytes.len()),
        };
        add(Pushed {
            pos,
            change,
            parsed,
            refusal,
            compact: None,
        });
    }
    for (i, u) in Unpacked::all(&compact).into_iter().enumerate() {
        // Approval records are never compact: one that claims to be is not a change.
        let refusal = match u.class {
            Class::Approval => Some(Refused::new(
                C::NotValid,
                "an approval record cannot be sent as a change",
            )),
            class => too_big(&class, u.ops.len()),
        };
        add(Pushed {
            pos: full + i,
            change: Change {
                entity: u.entity.clone(),
                class: u.class,
                bytes: Vec::new(),
            },
            parsed: Err("not rebuilt yet".into()),
            refusal,
            compact: Some((i, u)),
        });
    }
    (order, records)
}

/// Why a change of `len` bytes is refused for its size alone.
fn too_big(class: &Class, len: usize) -> Option<Refused> {
    let cap = crate::limits::entity_cap(*class);
    (len as u64 > cap).then(|| {
        Refused::new(
            C::TooBig,
            format!(
                "the change is {} and a {} may hold at most {}; attach long text as a file",
                crate::limits::size(len as u64),
                crate::limits::class_name(*class),
                crate::limits::size(cap),
            ),
        )
    })
}

/// The entity as stored, with the changes of this push stored so far: an existing one
/// reloads from its snapshot and log (the log rows written in this transaction included),
/// a new one is rebuilt from `accepted`.
fn restore(
    tx: &mut dyn SyncTx,
    row: &EntityRow,
    is_new: bool,
    accepted: &[Vec<u8>],
) -> Result<AutoCommit> {
    if !is_new {
        return Ok(load_doc(tx, row)?.0);
    }
    let changes = accepted
        .iter()
        .map(|b| AmChange::from_bytes(b.clone()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| crate::ServerError::DamagedChange {
            entity: row.id.clone(),
            reason: e.to_string(),
        })?;
    let mut doc = AutoCommit::new();
    doc.apply_changes(changes)
        .map_err(crate::ServerError::Automerge)?;
    Ok(doc)
}

/// The hash of the change of `doc` starting with `prefix`, if exactly one does (its
/// heads first: a device's new change usually builds on them).
fn by_prefix(doc: &mut AutoCommit, prefix: &[u8; PREFIX]) -> Option<[u8; 32]> {
    let matches = |h: &[u8; 32]| h[..PREFIX] == prefix[..];
    let heads = doc.get_heads();
    only(heads.iter().map(|h| h.0).filter(matches)).or_else(|| {
        only(
            doc.get_changes_meta(&[])
                .into_iter()
                .map(|m| m.hash.0)
                .filter(matches),
        )
    })
}

/// The one item of `it`, if it has exactly one.
fn only<T>(mut it: impl Iterator<Item = T>) -> Option<T> {
    match (it.next(), it.next()) {
        (Some(x), None) => Some(x),
        _ => None,
    }
}

/// Rebuilds the compact change `p` against its entity's `doc` and the group's changes
/// rebuilt before it (`done`: compact index → hash); a full change is returned as it is.
/// `None` when it cannot be rebuilt exactly: the server lacks a dependency, a prefix named
/// another change, or the change is damaged. The device then sends it again in full (and a
/// damaged one is refused then, with a hash the device can match).
fn rebuild(
    ctx: &SyncContext<'_>,
    doc: &mut AutoCommit,
    done: &HashMap<usize, [u8; 32]>,
    p: &Pushed,
) -> Option<Pushed> {
    let Some((_, u)) = &p.compact else {
        return Some(p.clone());
    };
    let actor = hex::decode(&ctx.device.actor).ok()?;
    let prefix_doc = std::cell::RefCell::new(doc);
    let (bytes, _) = u
        .rebuild(
            &actor,
            |i| done.get(&i).copied(),
            |pre| by_prefix(&mut prefix_doc.borrow_mut(), pre),
        )
        .ok()?;
    let mut p = p.clone();
    p.parsed = parse_change(&bytes);
    p.change.bytes = bytes;
    p.compact = None;
    Some(p)
}

/// Applies each entity's changes, in transactions of at most about [`PUSH_SLICE`] each
/// so that other devices' syncs run in between. Returns the entities whose letter number
/// waits for an approval record of the same push.
pub(super) fn push_entities<D: Database>(
    db: &D,
    ctx: &SyncContext<'_>,
    groups: Vec<Group>,
    resp: &mut SyncResponse,
) -> Result<Vec<Group>> {
    let mut waiting = Vec::new();
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        db.sync_tx(|tx| {
            let start = Instant::now();
            for (entity, group) in groups.by_ref() {
                if push_entity(tx, ctx, &entity, &group, false, resp)? {
                    waiting.push((entity, group));
                }
                if start.elapsed() >= PUSH_SLICE {
                    break;
                }
            }
            Ok(())
        })?;
    }
    Ok(waiting)
}

/// Where one entity's pushed changes stand, as they are taken in the device's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupState {
    /// Every change so far was acknowledged: the next one is judged.
    Open,
    /// A change depends on changes the server does not have yet (e.g. a colleague's change
    /// that reached this device by bundle), or waits for an approval: it and what follows
    /// stay in the device's outbox, neither acknowledged nor refused, until they arrive.
    Deferred,
    /// A change was refused: those after it depend on it and are refused too.
    Broken,
}

/// Applies one entity's pushed changes in order. On the first pass a letter number that
/// waits for an approval in the same push leaves that change and those after it unjudged;
/// returns whether that happened (the caller then runs a final pass after the records).
pub(super) fn push_entity(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    entity: &str,
    group: &[Pushed],
    final_pass: bool,
    resp: &mut SyncResponse,
) -> Result<bool> {
    let existing = tx.entity(entity)?;
    let class = group[0].change.class;
    let refuse_all = |resp: &mut SyncResponse, code: C, reason: &str| {
        for p in group {
            if p.compact.is_some() {
                // Its hash is unknown until it is rebuilt, and a refusal the device cannot
                // match to a change would be asked again forever: it comes again in full
                // and is refused then.
                resp.ask_full(p.pos);
                continue;
            }
            let hash = p.parsed.as_ref().map(|c| c.hash().0).unwrap_or_default();
            reject(resp, hash, entity, code, reason);
        }
    };
    let mut row = match existing {
        Some(row) => {
            if !may_access(ctx.tree, &ctx.subject, &row.unit, &row.assignees) {
                refuse_all(
                    resp,
                    C::OtherUnit,
                    "you may not change this entity: it belongs to another unit",
                );
                return Ok(false);
            }
            if row.class != class {
                // Stored before request ids had their own prefix: refuse, never load one
                // kind of entity as another.
                refuse_all(
                    resp,
                    C::IdTaken,
                    &format!(
                        "the id '{entity}' is already used by {}; this {} needs a new id",
                        match row.class {
                            Class::Approval => "an approval request",
                            Class::Task => "a task",
                            Class::Document => "a document",
                        },
                        crate::limits::class_name(class),
                    ),
                );
                return Ok(false);
            }
            row
        }
        None if entity.starts_with(REQUEST_PREFIX) => {
            refuse_all(
                resp,
                C::IdTaken,
                &format!(
                    "ids starting with '{REQUEST_PREFIX}' belong to approval requests; \
                     this {} needs a new id",
                    crate::limits::class_name(class)
                ),
            );
            return Ok(false);
        }
        None => EntityRow {
            id: entity.to_owned(),
            class,
            unit: ctx.subject.unit.clone(),
            assignees: vec![],
            snapshot: Vec::new(),
            snapshot_seq: 0,
        },
    };
    let is_new = row.snapshot.is_empty();
    // Whether the entity has been filed under its unit (its first change accepted).
    let mut filed = !is_new;
    let (mut doc, mut tail) = load_doc(tx, &row)?;
    let cap = crate::limits::entity_cap(row.class);
    let mut size = if is_new { 0 } else { tx.entity_bytes(entity)? };
    // The model as the rules compare it; read lazily, once per accepted change.
    let mut before: Option<Model> = None;
    if filed {
        before = validate(&doc, entity, row.class).ok().map(|(_, _, m)| m);
    }
    let mut last_seq = row.snapshot_seq;
    let mut accepted = 0;
    let mut state = GroupState::Open;
    let mut awaiting = false;
    // Changes of this group stored so far, to rebuild the entity after a failed apply.
    let mut accepted_bytes: Vec<Vec<u8>> = Vec::new();
    // Compact changes of this group rebuilt so far: their index → hash.
    let mut rebuilt: HashMap<usize, [u8; 32]> = HashMap::new();
    for p in group {
        let compact_index = p.compact.as_ref().map(|(i, _)| *i);
        let p = &match rebuild(ctx, &mut doc, &rebuilt, p) {
            Some(p) => p,
            None => {
                // Neither stored nor refused: what follows depends on it, so it waits too.
                resp.ask_full(p.pos);
                state = GroupState::Deferred;
                continue;
            }
        };
        let (pos, c) = (p.pos, &p.change);
        let parsed = match &p.parsed {
            Ok(p) => p.clone(),
            Err(e) => {
                let reason = format!("not a valid change: {e}");
                reject(resp, [0; 32], entity, C::NotValid, reason);
                continue;
            }
        };
        let hash = parsed.hash().0;
        if let Some(i) = compact_index {
            rebuilt.insert(i, hash);
        }
        if tx.has_change(&hash)? {
            resp.ack(pos);
            continue;
        }
        match state {
            GroupState::Open => {}
            GroupState::Deferred => continue,
            GroupState::Broken => {
                let reason = "depends on a change the server refused";
                reject(resp, hash, entity, C::DependsOnRefused, reason);
                continue;
            }
        }
        if c.class != row.class {
            reject(
                resp,
                hash,
                entity,
                C::NotValid,
                "the change names the wrong kind of entity",
            );
            state = GroupState::Broken;
            continue;
        }
        if let Some(r) = &p.refusal {
            reject(resp, hash, entity, r.code, r.reason.clone());
            state = GroupState::Broken;
            continue;
        }
        if size + c.bytes.len() as u64 > cap {
            let what = crate::limits::class_name(row.class);
            reject(
                resp,
                hash,
                entity,
                C::TooBig,
                format!(
                    "the {what} would grow past {}, the most a {what} may hold with its \
                     history; start a new {what} or attach long text as a file",
                    crate::limits::size(cap)
                ),
            );
            state = GroupState::Broken;
            continue;
        }
        let heads = doc.get_heads();
        // automerge 0.12 panics on some forged changes (a sequence number that skips
        // ahead) instead of returning an error: either way the change is refused and the
        // entity rebuilt from what is stored, never a failed request.
        let applied =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.apply_changes([parsed])));
        let failed = match applied {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("it does not follow the entity's history (sequence numbers)".into()),
        };
        if let Some(e) = failed {
            reject(
                resp,
                hash,
                entity,
                C::NotValid,
                format!("the change cannot be applied: {e}"),
            );
            state = GroupState::Broken;
            doc = restore(tx, &row, is_new, &accepted_bytes)?;
            continue;
        }
        let applied = doc
            .get_change_by_hash(&automerge::ChangeHash(hash))
            .is_some();
        if !applied {
            state = GroupState::Deferred;
            doc = doc.fork_at(&heads).map_err(crate::ServerError::Automerge)?;
            continue;
        }
        let (verdict, model) = judge(tx, ctx, &row, filed, before.as_ref(), &doc, final_pass)?;
        match verdict {
            Verdict::Accept(assignees) => {
                last_seq = tx.append(entity, row.class, &hash, &c.bytes, &ctx.device.id)?;
                accepted_bytes.push(c.bytes.clone());
                tail += 1;
                size += c.bytes.len() as u64;
                row.assignees = assignees;
                if !filed {
                    // A new entity is filed under its own unit field (checked above to be
                    // one its author may write), else under the author's unit.
                    if let Ok((Some(u), _, _)) = validate(&doc, entity, row.class) {
                        row.unit = u;
                    }
                    filed = true;
                }
                before = model;
                resp.ack(pos);
                accepted += 1;
            }
            Verdict::AwaitApproval => {
                awaiting = true;
                state = GroupState::Deferred;
                doc = doc.fork_at(&heads).map_err(crate::ServerError::Automerge)?;
            }
            Verdict::Refuse(r) => {
                reject(resp, hash, entity, r.code, r.reason);
                state = GroupState::Broken;
                doc = doc.fork_at(&heads).map_err(crate::ServerError::Automerge)?;
            }
        }
    }
    if accepted > 0 {
        // The log holds every change; the snapshot is only a shortcut for loading, so it
        // is rewritten every few changes rather than on every push.
        if is_new || tail > SNAPSHOT_EVERY {
            row.snapshot = doc.save();
            row.snapshot_seq = last_seq;
        }
        tx.put_entity(&row)?;
        // The device holds this entity's history only if it made the entity. Writing on
        // top of an existing one proves nothing: it may have only what a bundle carried,
        // so with no `known` row the pull below sends it the whole history.
        if is_new && tx.known(&ctx.device.id, entity)?.is_none() {
            tx.set_known(&ctx.device.id, entity, 0)?;
        }
    }
    Ok(awaiting)
}
