//! Folding: a run of this device's unsent changes to one entity becomes one change.
//!
//! Every keystroke of the editor (and every task edit) is its own automerge change,
//! committed to disk at once so nothing typed is lost. On the wire each change costs its
//! header (actor, sequence number, dependency hashes, checksum) whatever it holds, so
//! before a sync [`Store::fold_outbox`] replaces, per entity, the run of changes nobody
//! else can have seen with one change per stretch of edits to the same fields, holding
//! exactly the same operations.
//!
//! Why the result is the same entity: an automerge document is the set of its operations,
//! each named by its id (counter @ actor); a change only groups consecutive operations of
//! one actor and gives the group a hash. The folded change keeps every operation of the
//! run with the same id (its first counter is the run's first, and the run's counters are
//! contiguous), so every replica that applies it holds the same operations as one that
//! applied the run: the same state, and every merge with others' edits the same. Only
//! the hashes differ, and that is what makes folding unsafe once any of them may be known
//! elsewhere.
//!
//! When folding is safe — all of these hold, and each is checked:
//! - every change of the run is in the outbox and **has never left the device**: it was
//!   not put in a sync request (whose answer may be lost after the server stored it), not
//!   exported in a bundle, and its hash is not bound by an approval request
//!   (`outbox.shared` stays 0 until one of these happens, and is reset only when the
//!   request provably never left: the server could not be connected to). A replica
//!   holding an original change and then the folded one would see two changes with one
//!   actor and sequence number: they would never merge;
//! - every change of the run is by this store's current actor, and the run is the end of
//!   that actor's chain with contiguous sequence numbers and operation counters (a change
//!   pulled in the middle with higher counters ends the run before it);
//! - only consecutive changes that write to the same fields (the same text, the same
//!   keys) fold together; a run of body typing, a title edit and more typing becomes
//!   three changes. The server judges a change as a whole, so a folded change it refuses
//!   takes down only edits of the fields the refused one touched, which healing
//!   (`heal.rs`) would not have re-made anyway — an honest title edit is never folded
//!   with a refused comment. (The one difference: earlier edits of the same field that
//!   the server would have taken one by one before refusing a later one; the device
//!   applies the model's field rules first, so that needs a server stricter than its
//!   clients.)
//! - no change outside the run depends on one inside (else its dependency would vanish);
//! - the rebuilt document reads the same as before, and its saved form loads back with
//!   the new heads (otherwise nothing is folded).
//!
//! A profile folder copied while it held unsent changes is the one case the store cannot
//! see; it is the copy case the server already detects (`copies.rs`), after which the
//! unsent work is set aside and re-made (`heal.rs`), folded or not.

use std::collections::{HashMap, HashSet};

use automerge::{ActorId, AutoCommit, Change, ChangeHash, ExpandedChange, ReadDoc, ROOT};
use luring_model::Timestamp;
use rusqlite::{params, Connection};

use crate::entity;
use crate::error::Result;
use crate::store::Store;

/// What a fold did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Folded {
    /// Entities whose run of unsent changes was folded.
    pub entities: usize,
    /// Changes replaced, and the changes that replaced them (one per stretch of changes
    /// to the same fields).
    pub changes_before: usize,
    pub changes_after: usize,
}

impl Store {
    /// Folds, for each entity, the run of this device's changes that never left it into
    /// one change (see the module documentation), all in one transaction. Run before the
    /// outbox is sent.
    pub fn fold_outbox(&mut self) -> Result<Folded> {
        let actor = self.actor().clone();
        self.write_tx(|c| {
            let ids: Vec<(String, String)> = c
                .prepare(
                    "SELECT o.entity_id, e.kind FROM outbox o JOIN entities e ON e.id = o.entity_id
                     WHERE o.shared = 0 GROUP BY o.entity_id HAVING count(*) > 1
                     ORDER BY o.entity_id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            let mut sum = Folded::default();
            for (id, kind) in ids {
                let kind = entity::stored_kind(&id, &kind)?;
                if let Some((before, after)) = fold_entity(c, &id, kind, &actor)? {
                    sum.entities += 1;
                    sum.changes_before += before;
                    sum.changes_after += after;
                }
            }
            Ok(sum)
        })
    }

    /// Records that these outbox changes may now exist beyond this device (they are about
    /// to be sent): they are never folded. Returns those that were not marked before.
    pub fn mark_shared(&mut self, hashes: &[[u8; 32]]) -> Result<Vec<[u8; 32]>> {
        self.write_tx(|c| {
            let mut up =
                c.prepare_cached("UPDATE outbox SET shared = 1 WHERE hash = ?1 AND shared = 0")?;
            let mut marked = Vec::new();
            for h in hashes {
                if up.execute([h.as_slice()])? > 0 {
                    marked.push(*h);
                }
            }
            Ok(marked)
        })
    }

    /// Takes back [`Store::mark_shared`] for changes that provably reached nobody: their
    /// request failed before a byte of it left (the server could not be connected to).
    /// For anything less certain they must stay marked: a fold of a change the server
    /// holds would never merge there.
    pub fn unmark_shared(&mut self, hashes: &[[u8; 32]]) -> Result<()> {
        self.write_tx(|c| {
            let mut up = c.prepare_cached("UPDATE outbox SET shared = 0 WHERE hash = ?1")?;
            for h in hashes {
                up.execute([h.as_slice()])?;
            }
            Ok(())
        })
    }

    /// Records that every unsent change of entity `id` is now known beyond its outbox
    /// (e.g. an approval request binds its heads): none of them is ever folded.
    pub fn mark_entity_shared(&mut self, id: &str) -> Result<()> {
        self.write_tx(|c| mark_entity_shared(c, id))
    }
}

pub(crate) fn mark_entity_shared(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("UPDATE outbox SET shared = 1 WHERE entity_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Every outbox change is about to leave the device in a bundle.
pub(crate) fn mark_all_shared(c: &Connection) -> Result<()> {
    c.execute("UPDATE outbox SET shared = 1 WHERE shared = 0", [])?;
    Ok(())
}

/// Folds entity `id`'s run of unshared changes, if some of them fold; returns how many
/// changes were replaced and by how many.
fn fold_entity(
    c: &Connection,
    id: &str,
    kind: luring_crdt::EntityKind,
    actor: &ActorId,
) -> Result<Option<(usize, usize)>> {
    let unshared: HashSet<ChangeHash> = c
        .prepare_cached("SELECT hash FROM outbox WHERE entity_id = ?1 AND shared = 0")?
        .query_map([id], |r| r.get::<_, Vec<u8>>(0))?
        .filter_map(|h| Some(ChangeHash(h.ok()?.try_into().ok()?)))
        .collect();
    let mut doc = entity::load(c, id, kind, actor)?;
    let all: Vec<Change> = doc.get_changes(&[]);
    let run = foldable_run(&all, &unshared, actor);
    let segments = by_fields(&run);
    if segments.iter().all(|s| s.len() < 2) {
        return Ok(None);
    }
    // Each segment becomes one change; a later one's dependency on an earlier one is
    // renamed to what replaced it.
    let mut parents: HashMap<ChangeHash, Vec<ChangeHash>> = all
        .iter()
        .map(|ch| (ch.hash(), ch.deps().to_vec()))
        .collect();
    let mut renamed: HashMap<ChangeHash, ChangeHash> = HashMap::new();
    let mut folded = Vec::with_capacity(segments.len());
    let first_seq = run.first().map_or(1, |ch| ch.seq());
    for (seq, seg) in (first_seq..).zip(&segments) {
        let Some(f) = fold(seg, seq, &renamed, &parents) else {
            return Ok(None);
        };
        parents.insert(f.hash(), f.deps().to_vec());
        renamed.extend(seg.iter().map(|ch| (ch.hash(), f.hash())));
        folded.push(f);
    }
    let gone: HashSet<ChangeHash> = run.iter().map(|ch| ch.hash()).collect();
    let mut rest: Vec<Change> = (all.iter())
        .filter(|ch| !gone.contains(&ch.hash()))
        .cloned()
        .collect();
    rest.extend(folded.iter().cloned());
    let mut rebuilt = AutoCommit::new();
    if rebuilt.apply_changes(rest).is_err() {
        return Ok(None);
    }
    // Belt and braces: the same entity, and a saved form that loads back as it is.
    let same = doc.hydrate(ROOT, None).ok() == rebuilt.hydrate(ROOT, None).ok();
    let saved = rebuilt.save();
    let reloaded = AutoCommit::load(&saved).map(|mut d| d.get_heads()).ok();
    if !same || reloaded != Some(rebuilt.get_heads()) {
        return Ok(None);
    }
    c.prepare_cached("UPDATE entities SET snapshot = ?2 WHERE id = ?1")?
        .execute(params![id, saved])?;
    c.prepare_cached("DELETE FROM changes WHERE entity_id = ?1")?
        .execute([id])?;
    let mut del = c.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
    for h in &gone {
        del.execute([h.0.as_slice()])?;
    }
    let mut ins = c.prepare_cached(
        "INSERT OR IGNORE INTO outbox(entity_id, hash, created_at) VALUES (?1, ?2, ?3)",
    )?;
    let at = Timestamp::now().into_string();
    for f in &folded {
        ins.execute(params![id, f.hash().0.as_slice(), at])?;
    }
    let kept = folded.iter().filter(|f| gone.contains(&f.hash())).count();
    Ok(Some((run.len() - kept, folded.len() - kept)))
}

/// The changes that may be folded, in sequence order: the end of `actor`'s chain made
/// of `unshared` changes that no other change depends on, with contiguous sequence
/// numbers and operation counters.
fn foldable_run<'a>(
    all: &'a [Change],
    unshared: &HashSet<ChangeHash>,
    actor: &ActorId,
) -> Vec<&'a Change> {
    let candidate = |ch: &Change| unshared.contains(&ch.hash()) && ch.actor_id() == actor;
    // Ancestors of any change that stays as it is cannot be folded. `all` is in causal
    // order, so walking it backwards reaches every change's descendants first and one
    // pass settles it; the loop only guards that assumption.
    let mut blocked: HashSet<ChangeHash> = HashSet::new();
    loop {
        let before = blocked.len();
        for ch in all.iter().rev() {
            if !candidate(ch) || blocked.contains(&ch.hash()) {
                blocked.extend(ch.deps().iter().copied());
            }
        }
        if blocked.len() == before {
            break;
        }
    }
    let mut run: Vec<&Change> = (all.iter())
        .filter(|ch| candidate(ch) && !blocked.contains(&ch.hash()))
        .collect();
    run.sort_by_key(|ch| ch.seq());
    // Only the contiguous end: a gap before it stays as it is.
    let mut start = run.len().saturating_sub(1);
    while start > 0 {
        let (a, b) = (run[start - 1], run[start]);
        if b.seq() != a.seq() + 1 || b.start_op().get() != a.max_op() + 1 {
            break;
        }
        start -= 1;
    }
    run.split_off(start)
}

/// `run` cut into stretches of consecutive changes that write to the same fields.
fn by_fields<'a>(run: &[&'a Change]) -> Vec<Vec<&'a Change>> {
    let mut out: Vec<(HashSet<String>, Vec<&Change>)> = Vec::new();
    for ch in run {
        let f = touched(ch);
        match out.last_mut() {
            Some((fields, seg)) if *fields == f => seg.push(ch),
            _ => out.push((f, vec![ch])),
        }
    }
    out.into_iter().map(|(_, seg)| seg).collect()
}

/// What a change writes to: the keys it sets on the entity's root map, and the other
/// objects (a text, a comment, a checklist item) it changes.
fn touched(ch: &Change) -> HashSet<String> {
    use automerge::legacy::{Key, ObjectId};
    ch.decode()
        .operations
        .iter()
        .map(|op| match (&op.obj, &op.key) {
            (ObjectId::Root, Key::Map(k)) => format!("root.{k}"),
            (ObjectId::Root, _) => "root".to_owned(),
            (ObjectId::Id(id), _) => format!("{}@{}", id.counter(), id.actor()),
        })
        .collect()
}

/// One change with every operation of `seg`, in order, from its first counter on, as
/// sequence number `seq` of its actor (the stretches of one run are numbered on from the
/// run's first), depending on what `seg` depended on (renamed by `renamed`); `None` if
/// it cannot be built.
fn fold(
    seg: &[&Change],
    seq: u64,
    renamed: &HashMap<ChangeHash, ChangeHash>,
    parents: &HashMap<ChangeHash, Vec<ChangeHash>>,
) -> Option<Change> {
    let first = seg.first()?.decode();
    let last = seg.last()?;
    let inside: HashSet<ChangeHash> = seg.iter().map(|ch| ch.hash()).collect();
    let mut deps: Vec<ChangeHash> = Vec::new();
    let mut operations = Vec::new();
    for ch in seg {
        deps.extend(
            (ch.deps().iter())
                .filter(|d| !inside.contains(d))
                .map(|d| *renamed.get(d).unwrap_or(d)),
        );
        operations.extend(ch.decode().operations);
    }
    deps.sort();
    deps.dedup();
    let change: Change = ExpandedChange {
        operations,
        actor_id: first.actor_id,
        hash: None,
        seq,
        start_op: first.start_op,
        time: last.timestamp(),
        message: None,
        deps: without_ancestors(parents, deps),
        extra_bytes: first.extra_bytes,
        author: first.author,
    }
    .into();
    (change.max_op() == last.max_op()).then_some(change)
}

/// `deps` without those that are ancestors of another (a transaction's dependencies are
/// the document's heads, which never include an ancestor of another head).
fn without_ancestors(
    parents: &HashMap<ChangeHash, Vec<ChangeHash>>,
    deps: Vec<ChangeHash>,
) -> Vec<ChangeHash> {
    if deps.len() < 2 {
        return deps;
    }
    let up = |h: &ChangeHash| parents.get(h).cloned().unwrap_or_default();
    let mut below: HashSet<ChangeHash> = HashSet::new();
    let mut stack: Vec<ChangeHash> = deps.iter().flat_map(up).collect();
    while let Some(h) = stack.pop() {
        if below.insert(h) {
            stack.extend(up(&h));
        }
    }
    deps.into_iter().filter(|d| !below.contains(d)).collect()
}

#[cfg(test)]
mod tests;
