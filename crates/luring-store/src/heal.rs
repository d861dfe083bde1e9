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

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};
use luring_crdt::{DocumentEdit, EntityKind};
use luring_model::{Document, Task, TaskPatch};
use rusqlite::{params, Connection};

use crate::derive;
use crate::entity;
use crate::error::{Result, StoreError};

/// The server's reason for a change refused only because its parent was.
pub const DEPENDS_ON_REFUSED: &str = "depends on a change the server refused";

/// Field names a change touched; `ALL` when the change made the entity.
type Touched = HashSet<String>;
const ALL: &str = "*";

/// Rebuilds entity `id` without its refused changes (all those listed in `refusals`)
/// and re-makes the person's still-valid edits as a new outbox change by `actor`.
/// Returns whether anything was dropped.
pub(crate) fn heal(c: &Connection, id: &str, actor: &ActorId) -> Result<bool> {
    let Some(kind) = entity::kind_of(c, id)? else {
        return Ok(false);
    };
    let kind = entity::kind_from(&kind);
    let rows: Vec<(Vec<u8>, String)> = c
        .prepare_cached("SELECT hash, reason FROM refusals WHERE entity_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let refused: Vec<(ChangeHash, String)> = rows
        .into_iter()
        .filter_map(|(h, reason)| Some((ChangeHash(h.try_into().ok()?), reason)))
        .collect();
    if refused.is_empty() {
        return Ok(false);
    }
    let mut intended = entity::load(c, id, kind, actor)?;
    let all = intended.get_changes(&[]);
    let seeds: HashSet<ChangeHash> = refused.iter().map(|(h, _)| *h).collect();
    let mut bad: HashSet<ChangeHash> = HashSet::new();
    // Until nothing more is found: the order of `all` is causal, but this does not rely on it.
    loop {
        let before = bad.len();
        for ch in &all {
            if seeds.contains(&ch.hash()) || ch.deps().iter().any(|d| bad.contains(d)) {
                bad.insert(ch.hash());
            }
        }
        if bad.len() == before {
            break;
        }
    }
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
    if good.is_empty() {
        return Ok(true);
    }
    let damaged = |e: automerge::AutomergeError| StoreError::Damaged {
        id: id.to_owned(),
        reason: e.to_string(),
    };
    let mut base = AutoCommit::new();
    base.apply_changes(good).map_err(damaged)?;
    let mut base = base.with_actor(actor.clone());
    // What the offending changes touched is what the server refused: not re-made.
    let mut touched = Touched::new();
    for ch in all.iter().filter(|ch| {
        refused
            .iter()
            .any(|(h, reason)| *h == ch.hash() && reason != DEPENDS_ON_REFUSED)
    }) {
        let mut before = intended.fork_at(ch.deps()).map_err(damaged)?;
        let mut after = intended.fork_at(&[ch.hash()]).map_err(damaged)?;
        touched.extend(changed_fields(kind, &mut before, &mut after));
    }
    let heads = base.get_heads();
    remake(kind, &intended, &mut base, &touched)?;
    base.commit_with(
        automerge::transaction::CommitOptions::default().with_time(chrono::Utc::now().timestamp()),
    );
    let new: Vec<ChangeHash> = base.get_changes(&heads).iter().map(|c| c.hash()).collect();
    c.prepare_cached("UPDATE entities SET snapshot = ?2 WHERE id = ?1")?
        .execute(params![id, base.save()])?;
    c.prepare_cached("DELETE FROM changes WHERE entity_id = ?1")?
        .execute([id])?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for h in new {
        c.prepare_cached(
            "INSERT OR IGNORE INTO outbox(entity_id, hash, created_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, h.0.as_slice(), at])?;
    }
    derive::put_any(c, kind, &base)?;
    Ok(true)
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

/// Writes into `base` what `intended` has and `base` lacks, field by field, leaving out
/// `touched` fields.
fn remake(
    kind: EntityKind,
    intended: &AutoCommit,
    base: &mut AutoCommit,
    touched: &Touched,
) -> Result<()> {
    if touched.contains(ALL) {
        return Ok(());
    }
    let free = |f: &str| !touched.contains(f);
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

    fn retitle(s: &mut Store, title: &str) {
        s.update_task("t-1", |d| {
            luring_crdt::patch_task(
                d,
                &TaskPatch {
                    title: Some(Title::parse(title).unwrap()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
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
        s.create_tasks(&[luring_crdt::NewTask {
            id: EntityId::parse("t-1").unwrap(),
            title: Title::parse("Rapat").unwrap(),
            description: Text::default(),
            status: TaskStatus::Baru,
            due: None,
            assignees: vec![Nip::parse("198703122010011002").unwrap()],
            unit: None,
            created_at: "2026-11-23T08:00:00Z".into(),
        }])
        .unwrap();
        let first = s.outbox(1 << 20).unwrap();
        let mut server = first.iter().map(|c| c.bytes.clone()).collect::<Vec<_>>();
        s.apply_remote(&[], &[], &[first[0].hash], &[], &[])
            .unwrap();
        // The offending edit (the status), then an innocent one on top (the title).
        s.update_task("t-1", |d| {
            luring_crdt::patch_task(
                d,
                &TaskPatch {
                    status: Some(TaskStatus::Selesai),
                    ..Default::default()
                },
            )
        })
        .unwrap();
        retitle(&mut s, "Rapat besar");
        let sent = outbox(&s);
        assert_eq!(sent.len(), 2);
        let refused = vec![
            (sent[0], "t-1".to_owned(), "you may not do that".to_owned()),
            (sent[1], "t-1".to_owned(), DEPENDS_ON_REFUSED.to_owned()),
        ];
        s.apply_remote(&[], &[], &[], &refused, &[]).unwrap();
        // The refusal stays listed; the title is re-made as one new change, the status not.
        assert_eq!(s.refusals().unwrap().len(), 2);
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
    fn a_remade_change_refused_again_ends_healing() {
        let mut s = Store::open_in_memory().unwrap();
        s.create_tasks(&[luring_crdt::NewTask {
            id: EntityId::parse("t-1").unwrap(),
            title: Title::parse("Rapat").unwrap(),
            description: Text::default(),
            status: TaskStatus::Baru,
            due: None,
            assignees: vec![],
            unit: None,
            created_at: "2026-11-23T08:00:00Z".into(),
        }])
        .unwrap();
        let first = outbox(&s);
        s.apply_remote(&[], &[], &first, &[], &[]).unwrap();
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
                .map(|h| (*h, "t-1".to_owned(), no.clone()))
                .collect();
            s.apply_remote(&[], &[], &[], &refused, &[]).unwrap();
            assert!(round < 2, "healing does not end");
        }
        assert_eq!(s.stats().unwrap().outbox, 0);
        assert_eq!(s.task("t-1").unwrap().title.as_str(), "Rapat");
        assert!(s.check_derived().unwrap().is_empty());
    }
}
