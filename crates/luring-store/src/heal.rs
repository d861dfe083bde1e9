//! Healing an entity after the server refused one of this device's changes.
//!
//! A device's changes to an entity form a chain: every later local change depends on the
//! refused one, so the server can never accept them. Left alone they would wait in the
//! outbox forever (the server answers "depends on a change the server refused", or defers
//! them as missing their parent) and the device would show a version nobody else has.
//!
//! So the entity is rebuilt here from the changes that are neither refused nor depend on a
//! refused one (the server's version plus what others sent), and what the person meant is
//! re-made as one fresh change on top: every field that ended up different, except the
//! fields the offending change itself touched (those are what the server refused). A
//! re-made change that is refused in turn touched only its own fields, so the next rebuild
//! re-makes nothing: healing always ends, and the outbox empties.
//!
//! Not re-made: edits of existing comments, a letter number (only its rule sets it). An
//! entity whose creation was refused keeps its local copy (nothing of it is on the
//! server to rebuild on); its changes leave the outbox and the refusal stays listed.
//!
//! The same rebuild gives unsent work a new author ([`Store::change_actor`]): when a
//! device takes a new actor (its actor bound to its key, or a new identity for a copied
//! or restored profile), the server would refuse changes by the old one, so every
//! entity's unsent changes are re-made as one change by the new actor.
//!
//! [`Store::change_actor`]: crate::store::Store::change_actor

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};
use luring_crdt::{DocumentEdit, EntityKind};
use luring_model::{Document, Task, TaskPatch};
use luring_model::{RefusalCode, Timestamp};
use rusqlite::{params, Connection};

use crate::derive;
use crate::entity;
use crate::error::{Result, StoreError};

/// The server's reason for a change refused only because its parent was (what an older
/// server said, before refusals had codes; now it says [`RefusalCode::DependsOnRefused`]).
pub const DEPENDS_ON_REFUSED: &str = "depends on a change the server refused";

/// Field names a change touched; `ALL` when the change made the entity.
type Touched = HashSet<String>;
const ALL: &str = "*";

/// Rebuilds entity `id` without its refused changes (all those listed in `refusals`)
/// and re-makes the person's still-valid edits as a new outbox change by `actor`.
/// Returns whether anything was dropped.
pub(crate) fn heal(c: &Connection, id: &str, actor: &ActorId) -> Result<bool> {
    let rows: Vec<(Vec<u8>, String, String)> = c
        .prepare_cached("SELECT hash, code, reason FROM refusals WHERE entity_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    // Only for its parent: the code says so (the sentence, for a refusal filed before codes).
    let innocent = |code: &str, reason: &str| {
        RefusalCode::parse(code) == RefusalCode::DependsOnRefused || reason == DEPENDS_ON_REFUSED
    };
    let refused: Vec<(ChangeHash, bool)> = rows
        .into_iter()
        .filter_map(|(h, code, reason)| {
            Some((ChangeHash(h.try_into().ok()?), innocent(&code, &reason)))
        })
        .collect();
    let seeds: HashSet<ChangeHash> = refused.iter().map(|(h, _)| *h).collect();
    let offenders: HashSet<ChangeHash> = (refused.iter())
        .filter(|(_, innocent)| !innocent)
        .map(|(h, _)| *h)
        .collect();
    rebuild(c, id, actor, &seeds, &offenders, false)
}

/// Re-makes every unsent change of entity `id` as one change by `actor` (a new actor:
/// the server accepts from a device only changes by the actor bound to it). An entity
/// made here and never sent is made again, whole, by `actor`.
pub(crate) fn remake_outbox(c: &Connection, id: &str, actor: &ActorId) -> Result<bool> {
    let rows: Vec<Vec<u8>> = c
        .prepare_cached("SELECT hash FROM outbox WHERE entity_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let seeds: HashSet<ChangeHash> = rows
        .into_iter()
        .filter_map(|h| Some(ChangeHash(h.try_into().ok()?)))
        .collect();
    rebuild(c, id, actor, &seeds, &HashSet::new(), true)
}

/// Drops `seeds` and every change that depends on them from entity `id`, then re-makes
/// on what is left, as one change by `actor`, what the dropped changes meant — except the
/// fields `offenders` touched. With `recreate`, an entity left with no change at all is
/// made again by `actor`; without, it is kept as it is (the server never had it).
fn rebuild(
    c: &Connection,
    id: &str,
    actor: &ActorId,
    seeds: &HashSet<ChangeHash>,
    offenders: &HashSet<ChangeHash>,
    recreate: bool,
) -> Result<bool> {
    let Some(kind) = entity::kind_of(c, id)? else {
        return Ok(false);
    };
    if seeds.is_empty() {
        return Ok(false);
    }
    let mut intended = entity::load(c, id, kind, actor)?;
    let all = intended.get_changes(&[]);
    let bad = dependents(&all, seeds);
    if bad.is_empty() {
        return Ok(false);
    }
    {
        let mut del = c.prepare_cached("DELETE FROM outbox WHERE entity_id = ?1 AND hash = ?2")?;
        for h in &bad {
            del.execute(params![id, h.0.as_slice()])?;
        }
    }
    let good: Vec<automerge::Change> = all
        .iter()
        .filter(|ch| !bad.contains(&ch.hash()))
        .cloned()
        .collect();
    let damaged = |e: automerge::AutomergeError| StoreError::Damaged {
        id: id.to_owned(),
        reason: e.to_string(),
    };
    let (mut base, heads) = if good.is_empty() {
        if !recreate {
            return Ok(true);
        }
        (made_again(kind, &intended, actor)?, vec![])
    } else {
        let mut base = AutoCommit::new();
        base.apply_changes(good).map_err(damaged)?;
        let mut base = base.with_actor(actor.clone());
        let heads = base.get_heads();
        (base, heads)
    };
    // What the offending changes touched is what the server refused: not re-made.
    let mut touched = Touched::new();
    for ch in all.iter().filter(|ch| offenders.contains(&ch.hash())) {
        let mut before = intended.fork_at(ch.deps()).map_err(damaged)?;
        let mut after = intended.fork_at(&[ch.hash()]).map_err(damaged)?;
        touched.extend(changed_fields(kind, &mut before, &mut after));
    }
    let allowed = |f: &str| !touched.contains(ALL) && !touched.contains(f);
    remake(kind, &intended, &mut base, &allowed)?;
    base.commit_with(
        automerge::transaction::CommitOptions::default().with_time(chrono::Utc::now().timestamp()),
    );
    let new: Vec<ChangeHash> = base.get_changes(&heads).iter().map(|c| c.hash()).collect();
    c.prepare_cached("UPDATE entities SET snapshot = ?2 WHERE id = ?1")?
        .execute(params![id, base.save()])?;
    c.prepare_cached("DELETE FROM changes WHERE entity_id = ?1")?
        .execute([id])?;
    let at = Timestamp::now().into_string();
    for h in new {
        c.prepare_cached(
            "INSERT OR IGNORE INTO outbox(entity_id, hash, created_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, h.0.as_slice(), at])?;
    }
    derive::put_any(c, kind, &base)?;
    Ok(true)
}

/// A new document for `intended`'s entity by `actor`, with the fields an entity is made
/// with; [`remake`] adds the rest.
fn made_again(kind: EntityKind, intended: &AutoCommit, actor: &ActorId) -> Result<AutoCommit> {
    Ok(match kind {
        EntityKind::Task => {
            let t = luring_crdt::read_task(intended)?;
            luring_crdt::new_task(
                actor.clone(),
                &luring_crdt::NewTask {
                    id: t.id,
                    title: t.title,
                    description: t.description,
                    status: t.status,
                    due: t.due,
                    assignees: t.assignees,
                    unit: t.unit,
                    created_at: t.created_at,
                    created_by: t.created_by,
                },
            )?
        }
        EntityKind::Document => {
            let d = luring_crdt::read_document(intended)?;
            luring_crdt::new_document(
                actor.clone(),
                &luring_crdt::NewDocument {
                    id: d.id,
                    kind: d.kind,
                    title: d.title,
                    body: d.body,
                    classification: d.classification,
                    unit: d.unit,
                    revision_of: d.revision_of,
                    created_at: d.created_at,
                    created_by: d.created_by,
                },
            )?
        }
    })
}

impl crate::store::Store {
    /// Heals every entity that still has unsent changes on top of a refused one — left so
    /// by a version of Luring before healing, which would never send them. Returns the
    /// entities healed; run before a sync.
    pub fn heal_stuck(&mut self) -> Result<usize> {
        let actor = self.actor().clone();
        self.write_tx(|c| {
            let ids: Vec<String> = c
                .prepare(
                    "SELECT DISTINCT o.entity_id FROM outbox o
                     WHERE EXISTS (SELECT 1 FROM refusals r WHERE r.entity_id = o.entity_id)
                     ORDER BY o.entity_id",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            let mut n = 0;
            for id in &ids {
                n += usize::from(heal(c, id, &actor)?);
            }
            Ok(n)
        })
    }

    /// Makes every further change of this store by `actor`, re-making the unsent work of
    /// the old actor under the new one (one change per entity), in one transaction. For a
    /// device given a new identity: a profile copied or restored from a backup, or one
    /// whose actor was not yet bound to its key. Returns the entities re-made.
    pub fn change_actor(&mut self, actor: &ActorId) -> Result<usize> {
        if actor == self.actor() {
            return Ok(0);
        }
        let n = self.write_tx(|c| {
            let ids: Vec<String> = c
                .prepare("SELECT DISTINCT entity_id FROM outbox ORDER BY entity_id")?
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            for id in &ids {
                remake_outbox(c, id, actor)?;
            }
            crate::meta::set(c, crate::MetaKey::Actor.as_str(), &actor.to_hex_string())?;
            Ok(ids.len())
        })?;
        self.set_actor_after_change(actor.clone());
        Ok(n)
    }
}

/// A copied or restored profile's unsent work, set aside while the server's version of
/// the same entities is pulled (see [`crate::store::Store::set_aside_unsent`]).
impl crate::store::Store {
    /// For a profile found to be a copy of another (or a restored backup): takes every
    /// unsent change out of its entity and keeps the entity as the person left it aside,
    /// then makes `actor` the author of further changes. The other copy may already
    /// have sent the same changes, or different ones under the same actor and sequence
    /// numbers, which could never merge with these; so the server's version is pulled
    /// first and [`Store::restore_set_aside`] then re-makes what the person did on top.
    /// An entity made here and never acknowledged is removed until then.
    ///
    /// [`Store::restore_set_aside`]: crate::store::Store::restore_set_aside
    pub fn set_aside_unsent(&mut self, actor: &ActorId) -> Result<usize> {
        let old = self.actor().clone();
        let n = self.write_tx(|c| {
            let ids: Vec<(String, String)> = c
                .prepare(
                    "SELECT DISTINCT o.entity_id, e.kind FROM outbox o JOIN entities e ON e.id = o.entity_id
                     ORDER BY o.entity_id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            for (id, kind_s) in &ids {
                let kind = entity::stored_kind(id, kind_s)?;
                let hashes: Vec<Vec<u8>> = c
                    .prepare_cached("SELECT hash FROM outbox WHERE entity_id = ?1")?
                    .query_map([id], |r| r.get(0))?
                    .collect::<std::result::Result<_, _>>()?;
                let seeds: HashSet<ChangeHash> = hashes
                    .into_iter()
                    .filter_map(|h| Some(ChangeHash(h.try_into().ok()?)))
                    .collect();
                let mut intended = entity::load(c, id, kind, &old)?;
                let all = intended.get_changes(&[]);
                let bad = dependents(&all, &seeds);
                let good: Vec<automerge::Change> = (all.iter())
                    .filter(|ch| !bad.contains(&ch.hash()))
                    .cloned()
                    .collect();
                let mut base = AutoCommit::new();
                base.apply_changes(good.clone())
                    .map_err(|e| StoreError::Damaged {
                        id: id.clone(),
                        reason: e.to_string(),
                    })?;
                let base_bytes = if good.is_empty() { vec![] } else { base.save() };
                c.prepare_cached(
                    "INSERT OR REPLACE INTO set_aside(entity_id, kind, base, intended) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, kind_s, base_bytes, intended.save()])?;
                c.prepare_cached("DELETE FROM outbox WHERE entity_id = ?1")?
                    .execute([id])?;
                c.prepare_cached("DELETE FROM changes WHERE entity_id = ?1")?
                    .execute([id])?;
                if good.is_empty() {
                    c.prepare_cached("DELETE FROM tasks WHERE id = ?1")?
                        .execute([id])?;
                    c.prepare_cached("DELETE FROM documents WHERE id = ?1")?
                        .execute([id])?;
                    c.prepare_cached("DELETE FROM entities WHERE id = ?1")?
                        .execute([id])?;
                } else {
                    c.prepare_cached("UPDATE entities SET snapshot = ?2 WHERE id = ?1")?
                        .execute(params![id, base_bytes])?;
                    derive::put_any(c, kind, &base)?;
                }
            }
            crate::meta::set(c, crate::MetaKey::Actor.as_str(), &actor.to_hex_string())?;
            Ok(ids.len())
        })?;
        self.set_actor_after_change(actor.clone());
        Ok(n)
    }

    /// Whether unsent work is set aside, waiting for [`Store::restore_set_aside`].
    ///
    /// [`Store::restore_set_aside`]: crate::store::Store::restore_set_aside
    pub fn has_set_aside(&self) -> Result<bool> {
        Ok(self
            .connection()
            .prepare("SELECT 1 FROM set_aside LIMIT 1")?
            .exists([])?)
    }

    /// Re-makes, as one outbox change per entity by this store's actor, what the person did
    /// in the work set aside by [`Store::set_aside_unsent`], on the entities as they are now
    /// (after the server's version was pulled): only the fields the set-aside changes
    /// touched, and only where they now differ. An entity the server never had is made
    /// again whole. Returns the entities re-made.
    ///
    /// [`Store::set_aside_unsent`]: crate::store::Store::set_aside_unsent
    pub fn restore_set_aside(&mut self) -> Result<usize> {
        let actor = self.actor().clone();
        self.write_tx(|c| {
            let rows: Vec<(String, String, Vec<u8>, Vec<u8>)> = c
                .prepare(
                    "SELECT entity_id, kind, base, intended FROM set_aside ORDER BY entity_id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<std::result::Result<_, _>>()?;
            for (id, kind_s, base, intended) in &rows {
                let kind = entity::stored_kind(id, kind_s)?;
                let damaged = |e: automerge::AutomergeError| StoreError::Damaged {
                    id: id.clone(),
                    reason: e.to_string(),
                };
                let intended = AutoCommit::load(intended).map_err(damaged)?;
                let delta = if base.is_empty() {
                    [ALL.to_owned()].into()
                } else {
                    let mut base = AutoCommit::load(base).map_err(damaged)?;
                    let mut want = intended.clone();
                    changed_fields(kind, &mut base, &mut want)
                };
                let allowed = |f: &str| delta.contains(ALL) || delta.contains(f);
                let at = Timestamp::now().into_string();
                let mut outbox = c.prepare_cached(
                    "INSERT OR IGNORE INTO outbox(entity_id, hash, created_at) VALUES (?1, ?2, ?3)",
                )?;
                let commit = |doc: &mut AutoCommit| {
                    doc.commit_with(
                        automerge::transaction::CommitOptions::default()
                            .with_time(chrono::Utc::now().timestamp()),
                    );
                };
                if entity::kind_of(c, id)?.is_some() {
                    let mut doc = entity::load(c, id, kind, &actor)?;
                    let heads = doc.get_heads();
                    remake(kind, &intended, &mut doc, &allowed)?;
                    commit(&mut doc);
                    for h in entity::append(c, id, &mut doc, &heads)? {
                        outbox.execute(params![id, h.0.as_slice(), at])?;
                    }
                    derive::put_any(c, kind, &doc)?;
                } else {
                    let mut doc = made_again(kind, &intended, &actor)?;
                    remake(kind, &intended, &mut doc, &allowed)?;
                    commit(&mut doc);
                    entity::insert(c, id, kind, &mut doc)?;
                    for ch in doc.get_changes(&[]) {
                        outbox.execute(params![id, ch.hash().0.as_slice(), at])?;
                    }
                    derive::put_any(c, kind, &doc)?;
                }
            }
            c.execute("DELETE FROM set_aside", [])?;
            Ok(rows.len())
        })
    }
}

/// `seeds` and every change of `all` that depends on one of them.
fn dependents(all: &[automerge::Change], seeds: &HashSet<ChangeHash>) -> HashSet<ChangeHash> {
    let mut bad: HashSet<ChangeHash> = HashSet::new();
    // Until nothing more is found: the order of `all` is causal, but this does not rely on it.
    loop {
        let before = bad.len();
        for ch in all {
            if seeds.contains(&ch.hash()) || ch.deps().iter().any(|d| bad.contains(d)) {
                bad.insert(ch.hash());
            }
        }
        if bad.len() == before {
            return bad;
        }
    }
}

fn read_task(doc: &AutoCommit) -> Option<Task> {
    luring_crdt::read_task(doc).ok()
}

fn read_document(doc: &AutoCommit) -> Option<Document> {
    luring_crdt::read_document(doc).ok()
}

/// The fields that differ between `a` and `b` (all of them when `a` is no entity yet).
fn changed_fields(kind: EntityKind, a: &mut AutoCommit, b: &mut AutoCommit) -> Touched {
    let mut t = Touched::new();
    let mut mark = |differs: bool, name: String| {
        if differs {
            t.insert(name);
        }
    };
    match kind {
        EntityKind::Task => {
            let (Some(a), Some(b)) = (read_task(a), read_task(b)) else {
                return [ALL.to_owned()].into();
            };
            mark(a.title != b.title, "title".into());
            mark(a.description != b.description, "description".into());
            mark(a.status != b.status, "status".into());
            mark(a.due != b.due, "due".into());
            mark(a.assignees != b.assignees, "assignees".into());
            mark(a.dispositions != b.dispositions, "dispositions".into());
            for i in &b.checklist {
                mark(!a.checklist.contains(i), format!("checklist:{}", i.id));
            }
            for cm in &b.comments {
                mark(!a.comments.contains(cm), format!("comment:{}", cm.id));
            }
        }
        EntityKind::Document => {
            let (Some(a), Some(b)) = (read_document(a), read_document(b)) else {
                return [ALL.to_owned()].into();
            };
            mark(a.title != b.title, "title".into());
            mark(a.kind != b.kind, "kind".into());
            mark(a.body != b.body, "body".into());
            mark(
                a.classification != b.classification,
                "classification".into(),
            );
            mark(a.attachments != b.attachments, "attachments".into());
        }
    }
    t
}

/// Writes into `base` what `intended` has and `base` lacks, field by field, for the fields
/// `free` allows.
fn remake(
    kind: EntityKind,
    intended: &AutoCommit,
    base: &mut AutoCommit,
    free: &dyn Fn(&str) -> bool,
) -> Result<()> {
    match kind {
        EntityKind::Task => {
            let (Some(want), Some(have)) = (read_task(intended), read_task(base)) else {
                return Ok(());
            };
            let mut p = TaskPatch::default();
            if want.title != have.title && free("title") {
                p.title = Some(want.title.clone());
            }
            if want.description != have.description && free("description") {
                p.description = Some(want.description.clone());
            }
            if want.status != have.status && free("status") {
                p.status = Some(want.status);
            }
            if want.due != have.due && free("due") {
                p.due = Some(want.due);
            }
            if want.assignees != have.assignees && free("assignees") {
                p.add_assignees = (want.assignees.iter())
                    .filter(|n| !have.assignees.contains(n))
                    .cloned()
                    .collect();
                p.remove_assignees = (have.assignees.iter())
                    .filter(|n| !want.assignees.contains(n))
                    .cloned()
                    .collect();
            }
            if !p.is_empty() {
                luring_crdt::patch_task(base, &p)?;
            }
            for item in &want.checklist {
                if !free(&format!("checklist:{}", item.id)) {
                    continue;
                }
                match have.checklist.iter().find(|i| i.id == item.id) {
                    None => luring_crdt::add_checklist_item(base, item)?,
                    Some(i) if i.done != item.done => {
                        luring_crdt::set_checklist_item(base, &item.id, item.done)?
                    }
                    Some(_) => {}
                }
            }
            for cm in &want.comments {
                let new = !have.comments.iter().any(|h| h.id == cm.id);
                if new && free(&format!("comment:{}", cm.id)) {
                    luring_crdt::add_comment(base, cm)?;
                }
            }
            if free("dispositions") {
                for d in &want.dispositions {
                    if !have.dispositions.contains(d) {
                        luring_crdt::add_disposition(base, d)?;
                    }
                }
            }
        }
        EntityKind::Document => {
            let (Some(want), Some(have)) = (read_document(intended), read_document(base)) else {
                return Ok(());
            };
            let e = DocumentEdit {
                title: (want.title != have.title && free("title")).then(|| want.title.clone()),
                kind: (want.kind != have.kind && free("kind")).then_some(want.kind),
                body: (want.body != have.body && free("body")).then(|| want.body.clone()),
                classification: (want.classification != have.classification
                    && free("classification"))
                .then_some(want.classification),
                splices: vec![],
            };
            luring_crdt::update_document(base, &e)?;
            if free("attachments") {
                for a in &want.attachments {
                    if !have.attachments.contains(a) {
                        luring_crdt::add_attachment(base, a)?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use luring_model::{EntityId, Nip, TaskStatus, Text, Title};

    use super::*;
    use crate::store::Store;

    /// A new task as the tests create it.
    pub(super) fn new_task(id: &str, title: &str, assignees: Vec<Nip>) -> luring_crdt::NewTask {
        luring_crdt::NewTask {
            id: EntityId::parse(id).unwrap(),
            title: Title::parse(title).unwrap(),
            description: Text::default(),
            status: TaskStatus::Baru,
            due: None,
            assignees,
            unit: None,
            created_at: "2026-11-23T08:00:00Z".into(),
            created_by: None,
        }
    }

    /// Edits task `t-1` with `patch`, as its screen would.
    fn patch(s: &mut Store, patch: TaskPatch) {
        s.update_task("t-1", |d| luring_crdt::patch_task(d, &patch))
            .unwrap();
    }

    fn retitle(s: &mut Store, title: &str) {
        patch(
            s,
            TaskPatch {
                title: Some(Title::parse(title).unwrap()),
                ..Default::default()
            },
        );
    }

    pub(super) fn finish(s: &mut Store) {
        patch(
            s,
            TaskPatch {
                status: Some(TaskStatus::Selesai),
                ..Default::default()
            },
        );
    }

    /// A store holding task `t-1` (`Rapat`), created and acknowledged by the server.
    fn synced_task() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.create_tasks(&[new_task("t-1", "Rapat", vec![])]).unwrap();
        let first = outbox(&s);
        s.apply_remote(&[], &[], &first, &[], &[]).unwrap();
        s
    }

    fn refusal(hash: [u8; 32], code: RefusalCode, reason: &str) -> crate::InRefusal {
        crate::InRefusal {
            hash,
            entity: "t-1".into(),
            code,
            reason: reason.into(),
        }
    }

    fn outbox(s: &Store) -> Vec<[u8; 32]> {
        s.outbox(1 << 20).unwrap().iter().map(|c| c.hash).collect()
    }

    /// What the server holds: the changes it acknowledged, as a document.
    fn server_doc(changes: &[Vec<u8>]) -> AutoCommit {
        let mut d = AutoCommit::new();
        d.apply_changes(
            changes
                .iter()
                .map(|b| automerge::Change::from_bytes(b.clone()).unwrap()),
        )
        .unwrap();
        d
    }

    #[test]
    fn a_refused_change_is_dropped_and_later_edits_are_remade_on_the_servers_version() {
        let mut s = Store::open_in_memory().unwrap();
        s.create_tasks(&[new_task(
            "t-1",
            "Rapat",
            vec![Nip::parse("198703122010011002").unwrap()],
        )])
        .unwrap();
        let first = s.outbox(1 << 20).unwrap();
        let mut server = first.iter().map(|c| c.bytes.clone()).collect::<Vec<_>>();
        s.apply_remote(&[], &[], &[first[0].hash], &[], &[])
            .unwrap();
        // The offending edit (the status), then an innocent one on top (the title).
        finish(&mut s);
        retitle(&mut s, "Rapat besar");
        let sent = outbox(&s);
        assert_eq!(sent.len(), 2);
        let refused = vec![
            refusal(sent[0], RefusalCode::OtherUnit, "you may not do that"),
            refusal(
                sent[1],
                RefusalCode::DependsOnRefused,
                "its parent was refused",
            ),
        ];
        s.apply_remote(&[], &[], &[], &refused, &[]).unwrap();
        // The refusal stays listed, with its code; the title is re-made as one new change,
        // the status not.
        let listed = s.refusals().unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().any(|r| r.code == RefusalCode::OtherUnit));
        let t = s.task("t-1").unwrap();
        assert_eq!(t.title.as_str(), "Rapat besar");
        assert_eq!(t.status, TaskStatus::Baru);
        let remade = s.outbox(1 << 20).unwrap();
        assert_eq!(remade.len(), 1, "the outbox still holds refused work");
        assert!(!sent.contains(&remade[0].hash));
        // The server can apply it on its version and then reads what the device reads.
        server.push(remade[0].bytes.clone());
        let server = server_doc(&server);
        assert_eq!(luring_crdt::read_task(&server).unwrap(), t);
        s.apply_remote(&[], &[], &[remade[0].hash], &[], &[])
            .unwrap();
        assert_eq!(s.stats().unwrap().outbox, 0);
        assert!(s.check_derived().unwrap().is_empty());
    }

    #[test]
    fn work_stuck_behind_an_old_refusal_is_healed_before_a_sync() {
        let mut s = synced_task();
        retitle(&mut s, "Ditolak");
        finish(&mut s);
        // What an older Luring left: the refusal stored, the change on top still waiting.
        let sent = outbox(&s);
        let c = s.connection();
        c.execute(
            "INSERT INTO refusals(hash, entity_id, reason, at) VALUES (?1, 't-1', 'no', 'then')",
            [sent[0].as_slice()],
        )
        .unwrap();
        c.execute("DELETE FROM outbox WHERE hash = ?1", [sent[0].as_slice()])
            .unwrap();
        // Filed before refusals had codes: listed with the generic one.
        assert_eq!(s.refusals().unwrap()[0].code, RefusalCode::Unknown);
        assert_eq!(s.heal_stuck().unwrap(), 1);
        let out = outbox(&s);
        assert_eq!(out.len(), 1);
        assert!(!sent.contains(&out[0]));
        let t = s.task("t-1").unwrap();
        assert_eq!((t.title.as_str(), t.status), ("Rapat", TaskStatus::Selesai));
        assert_eq!(s.heal_stuck().unwrap(), 0, "healing twice");
    }

    #[test]
    fn a_remade_change_refused_again_ends_healing() {
        let mut s = synced_task();
        // Every edit of this entity is refused (say, it now belongs to another unit).
        let no = "you may not change this entity: it belongs to another unit".to_owned();
        retitle(&mut s, "Satu");
        retitle(&mut s, "Dua");
        for round in 0..3 {
            let sent = outbox(&s);
            if sent.is_empty() {
                assert!(round > 0);
                break;
            }
            let refused: Vec<_> = sent
                .iter()
                .map(|h| refusal(*h, RefusalCode::OtherUnit, &no))
                .collect();
            s.apply_remote(&[], &[], &[], &refused, &[]).unwrap();
            assert!(round < 2, "healing does not end");
        }
        assert_eq!(s.stats().unwrap().outbox, 0);
        assert_eq!(s.task("t-1").unwrap().title.as_str(), "Rapat");
        assert!(s.check_derived().unwrap().is_empty());
    }
}

#[cfg(test)]
mod actor_tests {

    use super::tests::{finish, new_task};
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_new_actor_remakes_unsent_work_and_keeps_sent_history() {
        let mut s = Store::open_in_memory().unwrap();
        s.create_tasks(&[new_task("t-1", "Terkirim", vec![])])
            .unwrap();
        let sent: Vec<_> = s.outbox(1 << 20).unwrap();
        let server: Vec<Vec<u8>> = sent.iter().map(|c| c.bytes.clone()).collect();
        s.apply_remote(&[], &[], &[sent[0].hash], &[], &[]).unwrap();
        finish(&mut s);
        s.create_tasks(&[new_task("t-2", "Belum terkirim", vec![])])
            .unwrap();
        let before = (s.task("t-1").unwrap(), s.task("t-2").unwrap());
        let old = s.actor().clone();
        let actor = ActorId::random();
        assert_eq!(s.change_actor(&actor).unwrap(), 2);
        assert_eq!(s.actor(), &actor);
        assert_eq!((s.task("t-1").unwrap(), s.task("t-2").unwrap()), before);
        // Every unsent change is now by the new actor, and applies on the server's version.
        let out = s.outbox(1 << 20).unwrap();
        assert_eq!(out.len(), 2);
        let mut doc = AutoCommit::new();
        for b in server
            .iter()
            .chain(out.iter().filter(|c| c.entity == "t-1").map(|c| &c.bytes))
        {
            let ch = automerge::Change::from_bytes(b.clone()).unwrap();
            doc.apply_changes([ch]).unwrap();
        }
        assert_eq!(luring_crdt::read_task(&doc).unwrap(), before.0);
        for c in &out {
            let ch = automerge::Change::from_bytes(c.bytes.clone()).unwrap();
            assert_eq!(ch.actor_id(), &actor);
            assert_ne!(ch.actor_id(), &old);
        }
        // The actor survives reopening (it is stored), and nothing is left to re-make.
        assert_eq!(s.meta("actor").unwrap().unwrap(), actor.to_hex_string());
        assert!(s.check_derived().unwrap().is_empty());
    }
}
