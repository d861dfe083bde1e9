//! The list parts of a task: checklist items and the disposition chain.
//!
//! Both are lists of maps, written exactly as [`crate::read_task`] reads them, so that
//! concurrent appends from two replicas both stay (automerge orders them the same way
//! everywhere). A checklist item's `done` flag is a register inside its own map: two
//! people ticking different items both win, and two people ticking the same item end on
//! one value that every replica agrees on. Ids are chosen by the caller (the client makes
//! short random ones, as for comments) because this crate has no source of randomness and
//! an id must be typeable from a printed list.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ROOT};
use luring_model::{ChecklistItem, Disposition};

use crate::error::{CrdtError, Result};
use crate::read::Reader;

/// The list under `key`, created if an older document lacks it.
fn list(doc: &mut AutoCommit, key: &'static str) -> Result<ObjId> {
    match Reader::new(doc, "task").obj(&ROOT, key, ObjType::List)? {
        Some(l) => Ok(l),
        None => Ok(doc.put_object(ROOT, key, ObjType::List)?),
    }
}

/// The maps of the checklist whose `id` is `id` (one, unless two replicas drew the same
/// random id, which then behave as one item).
fn items_with_id(doc: &AutoCommit, id: &str) -> Result<Vec<ObjId>> {
    let r = Reader::new(doc, "task");
    let mut found = vec![];
    for item in r.list_of_maps(&ROOT, "checklist")? {
        if r.str(&item, "id")? == id {
            found.push(item);
        }
    }
    Ok(found)
}

/// Appends a checklist item. Its id must not already be in the list.
pub fn add_checklist_item(doc: &mut AutoCommit, item: &ChecklistItem) -> Result<()> {
    if !items_with_id(doc, &item.id)?.is_empty() {
        return Err(CrdtError::DuplicateItem {
            what: "checklist item",
            id: item.id.clone(),
        });
    }
    let list = list(doc, "checklist")?;
    let at = doc.length(&list);
    let m = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&m, "id", item.id.as_str())?;
    doc.put(&m, "text", item.text.as_str())?;
    doc.put(&m, "done", item.done)?;
    Ok(())
}

/// Ticks (`done = true`) or unticks a checklist item by its id.
pub fn set_checklist_item(doc: &mut AutoCommit, id: &str, done: bool) -> Result<()> {
    let items = items_with_id(doc, id)?;
    if items.is_empty() {
        return Err(CrdtError::UnknownItem {
            what: "checklist item",
            id: id.to_owned(),
        });
    }
    for m in items {
        doc.put(&m, "done", done)?;
    }
    Ok(())
}

/// Appends one step to the disposition chain. Concurrent dispositions are both kept.
pub fn add_disposition(doc: &mut AutoCommit, d: &Disposition) -> Result<()> {
    let list = list(doc, "dispositions")?;
    let at = doc.length(&list);
    let m = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&m, "from", d.from.as_str())?;
    doc.put(&m, "to", d.to.as_str())?;
    doc.put(&m, "instruction", d.instruction.as_str())?;
    doc.put(&m, "at", d.at.as_str())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::ActorId;
    use luring_model::{Date, EntityId, Nip, Task, TaskStatus, Text, Title};

    use super::*;
    use crate::{new_task, read_task, NewTask};

    fn task() -> AutoCommit {
        new_task(
            ActorId::random(),
            &NewTask {
                id: EntityId::parse("t-1").unwrap(),
                title: Title::parse("Rekap Musrenbang").unwrap(),
                description: Text::default(),
                status: TaskStatus::Baru,
                due: Some(Date::parse("2026-12-01").unwrap()),
                assignees: vec![],
                unit: None,
                created_at: "2026-11-23T08:00:00Z".into(),
                created_by: None,
            },
        )
        .unwrap()
    }

    fn fork(doc: &mut AutoCommit) -> AutoCommit {
        AutoCommit::load(&doc.save())
            .unwrap()
            .with_actor(ActorId::random())
    }

    fn item(id: &str, text: &str) -> ChecklistItem {
        ChecklistItem {
            id: id.into(),
            text: Task::checklist_text(text).unwrap(),
            done: false,
        }
    }

    fn disposition(from: &str, to: &str, text: &str) -> Disposition {
        Disposition {
            from: Nip::parse(from).unwrap(),
            to: Nip::parse(to).unwrap(),
            instruction: Task::comment_text(text).unwrap(),
            at: "2026-11-23T09:00:00Z".into(),
        }
    }

    fn done(doc: &AutoCommit) -> Vec<(String, bool)> {
        read_task(doc)
            .unwrap()
            .checklist
            .into_iter()
            .map(|i| (i.id, i.done))
            .collect()
    }

    #[test]
    fn items_are_added_ticked_and_read_back() {
        let mut a = task();
        add_checklist_item(&mut a, &item("k-1", "Kumpulkan usulan desa")).unwrap();
        add_checklist_item(&mut a, &item("k-2", "Rekap per kecamatan")).unwrap();
        set_checklist_item(&mut a, "k-2", true).unwrap();
        let t = read_task(&a).unwrap();
        assert_eq!(t.checklist[0].text.as_str(), "Kumpulkan usulan desa");
        assert_eq!(done(&a), [("k-1".into(), false), ("k-2".into(), true)]);
        set_checklist_item(&mut a, "k-2", false).unwrap();
        assert_eq!(done(&a), [("k-1".into(), false), ("k-2".into(), false)]);
    }

    #[test]
    fn unknown_and_duplicate_ids_are_refused() {
        let mut a = task();
        assert!(matches!(
            set_checklist_item(&mut a, "k-x", true),
            Err(CrdtError::UnknownItem { .. })
        ));
        add_checklist_item(&mut a, &item("k-1", "Satu")).unwrap();
        assert!(matches!(
            add_checklist_item(&mut a, &item("k-1", "Dua")),
            Err(CrdtError::DuplicateItem { .. })
        ));
        assert_eq!(read_task(&a).unwrap().checklist.len(), 1);
    }

    #[test]
    fn concurrent_adds_and_toggles_from_two_actors_all_survive() {
        let mut a = task();
        add_checklist_item(&mut a, &item("k-1", "Undang camat")).unwrap();
        add_checklist_item(&mut a, &item("k-2", "Siapkan ruang")).unwrap();
        let mut b = fork(&mut a);
        // A ticks k-1 and adds k-3; B ticks k-2 and adds k-4, both offline.
        set_checklist_item(&mut a, "k-1", true).unwrap();
        add_checklist_item(&mut a, &item("k-3", "Cetak daftar hadir")).unwrap();
        set_checklist_item(&mut b, "k-2", true).unwrap();
        add_checklist_item(&mut b, &item("k-4", "Pesan konsumsi")).unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let (ta, tb) = (read_task(&a).unwrap(), read_task(&b).unwrap());
        assert_eq!(ta, tb);
        let mut got = done(&a);
        got.sort();
        assert_eq!(
            got,
            [
                ("k-1".into(), true),
                ("k-2".into(), true),
                ("k-3".into(), false),
                ("k-4".into(), false)
            ]
        );
    }

    #[test]
    fn concurrent_opposite_toggles_of_one_item_agree_everywhere() {
        let mut a = task();
        add_checklist_item(&mut a, &item("k-1", "Undang camat")).unwrap();
        set_checklist_item(&mut a, "k-1", true).unwrap();
        let mut b = fork(&mut a);
        set_checklist_item(&mut a, "k-1", false).unwrap();
        set_checklist_item(&mut b, "k-1", true).unwrap();
        let mut c = fork(&mut b);
        a.merge(&mut b).unwrap();
        c.merge(&mut a).unwrap();
        assert_eq!(done(&a), done(&c));
        assert_eq!(read_task(&a).unwrap().checklist.len(), 1);
    }

    #[test]
    fn concurrent_dispositions_are_both_kept() {
        const KABID: &str = "198211032008012004";
        const ANI: &str = "198703122010011002";
        const BUDI: &str = "199001012015031001";
        let mut a = task();
        add_disposition(&mut a, &disposition(KABID, ANI, "Segera ditindaklanjuti")).unwrap();
        let mut b = fork(&mut a);
        add_disposition(&mut a, &disposition(ANI, BUDI, "Bantu rekap data")).unwrap();
        add_disposition(&mut b, &disposition(KABID, BUDI, "Koordinasikan")).unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let (ta, tb) = (read_task(&a).unwrap(), read_task(&b).unwrap());
        assert_eq!(ta.dispositions, tb.dispositions);
        assert_eq!(ta.dispositions.len(), 3);
        assert_eq!(
            ta.dispositions[0],
            disposition(KABID, ANI, "Segera ditindaklanjuti")
        );
    }

    #[test]
    fn a_disposition_with_a_blank_instruction_does_not_read() {
        let mut a = task();
        let mut d = disposition(
            "198211032008012004",
            "198703122010011002",
            "Segera ditindaklanjuti",
        );
        d.instruction = Text::default();
        add_disposition(&mut a, &d).unwrap();
        assert!(matches!(read_task(&a), Err(CrdtError::Invalid { .. })));
    }
}
