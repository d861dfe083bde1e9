//! The automerge layout of a task.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use luring_model::{
    ChecklistItem, Comment, CommentEdit, Date, Disposition, EntityId, EntityKind, Nip, Task,
    TaskPatch, TaskStatus, Text, Title,
};

use crate::error::Result;
use crate::read::Reader;

/// The fields a new task starts with.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub id: EntityId,
    pub title: Title,
    pub description: Text,
    pub status: TaskStatus,
    pub due: Option<Date>,
    pub assignees: Vec<Nip>,
    pub unit: Option<String>,
    pub created_at: String,
    /// Who makes it (pemberi tugas).
    pub created_by: Option<Nip>,
}

/// Makes the automerge document of a new task, as one change by `actor`.
pub fn new_task(actor: ActorId, t: &NewTask) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(actor);
    doc.put(ROOT, "type", EntityKind::Task.as_str())?;
    doc.put(ROOT, "schema", crate::SCHEMA_VERSION)?;
    doc.put(ROOT, "id", t.id.as_str())?;
    doc.put(ROOT, "title", t.title.as_str())?;
    let d = doc.put_object(ROOT, "description", ObjType::Text)?;
    crate::text_splice::update_text(&mut doc, &d, t.description.as_str())?;
    doc.put(ROOT, "status", t.status.as_str())?;
    if let Some(due) = t.due {
        doc.put(ROOT, "due", due.to_string())?;
    }
    let a = doc.put_object(ROOT, "assignees", ObjType::Map)?;
    for nip in &t.assignees {
        doc.put(&a, nip.as_str(), true)?;
    }
    doc.put_object(ROOT, "checklist", ObjType::List)?;
    doc.put_object(ROOT, "comments", ObjType::List)?;
    doc.put_object(ROOT, "dispositions", ObjType::List)?;
    if let Some(unit) = &t.unit {
        doc.put(ROOT, "unit", unit.as_str())?;
    }
    doc.put(ROOT, "created_at", t.created_at.as_str())?;
    if let Some(by) = &t.created_by {
        doc.put(ROOT, "created_by", by.as_str())?;
    }
    Ok(doc)
}

/// Applies a patch; fields left `None` are not touched, so they merge untouched.
pub fn patch_task(doc: &mut AutoCommit, p: &TaskPatch) -> Result<()> {
    let r = Reader::new(doc, "task");
    let desc = r.obj(&ROOT, "description", ObjType::Text)?;
    let assignees = r.obj(&ROOT, "assignees", ObjType::Map)?;
    if let Some(t) = &p.title {
        doc.put(ROOT, "title", t.as_str())?;
    }
    if let Some(s) = p.status {
        doc.put(ROOT, "status", s.as_str())?;
    }
    match p.due {
        Some(Some(d)) => doc.put(ROOT, "due", d.to_string())?,
        Some(None) => doc.delete(ROOT, "due")?,
        None => {}
    }
    if let Some(text) = &p.description {
        let d = match desc {
            Some(d) => d,
            None => doc.put_object(ROOT, "description", ObjType::Text)?,
        };
        crate::text_splice::update_text(doc, &d, text.as_str())?;
    }
    if !p.add_assignees.is_empty() || !p.remove_assignees.is_empty() {
        let a = match assignees {
            Some(a) => a,
            None => doc.put_object(ROOT, "assignees", ObjType::Map)?,
        };
        for nip in &p.add_assignees {
            doc.put(&a, nip.as_str(), true)?;
        }
        for nip in &p.remove_assignees {
            doc.delete(&a, nip.as_str())?;
        }
    }
    Ok(())
}

/// Appends a comment. Concurrent comments from two replicas are both kept.
pub fn add_comment(doc: &mut AutoCommit, c: &Comment) -> Result<()> {
    let list = match Reader::new(doc, "task").obj(&ROOT, "comments", ObjType::List)? {
        Some(l) => l,
        None => doc.put_object(ROOT, "comments", ObjType::List)?,
    };
    let at = automerge::ReadDoc::length(doc, &list);
    let m = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&m, "id", c.id.as_str())?;
    if let Some(nip) = &c.author {
        doc.put(&m, "author", nip.as_str())?;
    }
    doc.put(&m, "author_name", c.author_name.as_str())?;
    doc.put(&m, "at", c.at.as_str())?;
    doc.put(&m, "text", c.text.as_str())?;
    // Made with the comment so that two first edits from two devices land in one list
    // (two lists created concurrently would conflict and one edit would be lost).
    let edits = doc.put_object(&m, "edits", ObjType::List)?;
    for (i, e) in c.edits.iter().enumerate() {
        let em = doc.insert_object(&edits, i, ObjType::Map)?;
        doc.put(&em, "at", e.at.as_str())?;
        doc.put(&em, "text", e.text.as_str())?;
    }
    Ok(())
}

/// Appends a new version of comment `id` to its `edits` list; the original text is kept.
/// Whether the editor is the comment's author is the caller's rule (and the server's).
/// A comment written before edits existed gets its list on its first edit; two first
/// edits of such a comment made concurrently keep only one of them.
pub fn edit_comment(doc: &mut AutoCommit, id: &str, e: &CommentEdit) -> Result<()> {
    let r = Reader::new(doc, "task");
    let mut found = vec![];
    for c in r.list_of_maps(&ROOT, "comments")? {
        if r.str(&c, "id")? == id {
            found.push((c.clone(), r.obj(&c, "edits", ObjType::List)?));
        }
    }
    if found.is_empty() {
        return Err(crate::CrdtError::UnknownItem {
            what: "comment",
            id: id.to_owned(),
        });
    }
    for (c, edits) in found {
        let list = match edits {
            Some(l) => l,
            None => doc.put_object(&c, "edits", ObjType::List)?,
        };
        let at = automerge::ReadDoc::length(doc, &list);
        let m = doc.insert_object(&list, at, ObjType::Map)?;
        doc.put(&m, "at", e.at.as_str())?;
        doc.put(&m, "text", e.text.as_str())?;
    }
    Ok(())
}

/// Reads and validates a task. A merged document that breaks a rule is an error, which
/// is how imports and the server refuse bad changes.
pub fn read_task(doc: &AutoCommit) -> Result<Task> {
    let r = Reader::new(doc, "task");
    let bad = r.invalid();
    let id = EntityId::parse(&r.str(&ROOT, "id")?).map_err(&bad)?;
    let title = Title::parse(&r.str(&ROOT, "title")?).map_err(&bad)?;
    // Limits on long text apply to what a person types, not to merges: two concurrent
    // edits within the limit may merge beyond it, and refusing the merge would strand them.
    let description = luring_model::Text::parse(
        "the description",
        &r.text(&ROOT, "description")?,
        usize::MAX,
        false,
    )
    .map_err(&bad)?;
    let status: TaskStatus = r.str(&ROOT, "status")?.parse().map_err(&bad)?;
    let due = r
        .opt_str(&ROOT, "due")?
        .map(|d| Date::parse(&d))
        .transpose()
        .map_err(&bad)?;
    let assignees = r
        .map_keys(&ROOT, "assignees")?
        .iter()
        .map(|n| Nip::parse(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(&bad)?;
    let mut checklist = vec![];
    for item in r.list_of_maps(&ROOT, "checklist")? {
        checklist.push(ChecklistItem {
            id: r.str(&item, "id")?,
            text: Task::checklist_text(&r.str(&item, "text")?).map_err(&bad)?,
            done: r.bool(&item, "done")?,
        });
    }
    let mut comments = vec![];
    for c in r.list_of_maps(&ROOT, "comments")? {
        comments.push(Comment {
            id: r.str(&c, "id")?,
            author: r
                .opt_str(&c, "author")?
                .map(|n| Nip::parse(&n))
                .transpose()
                .map_err(&bad)?,
            author_name: r.opt_str(&c, "author_name")?.unwrap_or_default(),
            at: r.str(&c, "at")?,
            text: Task::comment_text(&r.str(&c, "text")?).map_err(&bad)?,
            edits: {
                let mut edits = vec![];
                for e in r.list_of_maps(&c, "edits")? {
                    edits.push(CommentEdit {
                        at: r.str(&e, "at")?,
                        text: Task::comment_text(&r.str(&e, "text")?).map_err(&bad)?,
                    });
                }
                edits
            },
        });
    }
    let mut dispositions = vec![];
    for d in r.list_of_maps(&ROOT, "dispositions")? {
        dispositions.push(Disposition {
            from: Nip::parse(&r.str(&d, "from")?).map_err(&bad)?,
            to: Nip::parse(&r.str(&d, "to")?).map_err(&bad)?,
            instruction: Task::comment_text(&r.str(&d, "instruction")?).map_err(&bad)?,
            at: r.str(&d, "at")?,
        });
    }
    Ok(Task {
        id,
        title,
        description,
        status,
        due,
        assignees,
        checklist,
        comments,
        dispositions,
        unit: r.opt_str(&ROOT, "unit")?,
        created_at: r.str(&ROOT, "created_at")?,
        created_by: r
            .opt_str(&ROOT, "created_by")?
            .map(|n| Nip::parse(&n))
            .transpose()
            .map_err(&bad)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> NewTask {
        NewTask {
            id: EntityId::parse("t-1").unwrap(),
            title: Title::parse("Susun laporan").unwrap(),
            description: Text::default(),
            status: TaskStatus::Baru,
            due: Some(Date::parse("2026-12-01").unwrap()),
            assignees: vec![Nip::parse("198703122010011002").unwrap()],
            unit: None,
            created_at: "2026-11-23T08:00:00Z".into(),
            created_by: None,
        }
    }

    #[test]
    fn round_trip_and_concurrent_edits_merge() {
        let mut a = new_task(ActorId::random(), &base()).unwrap();
        let mut b = AutoCommit::load(&a.save())
            .unwrap()
            .with_actor(ActorId::random());
        patch_task(
            &mut a,
            &TaskPatch {
                status: Some(TaskStatus::Dikerjakan),
                ..Default::default()
            },
        )
        .unwrap();
        patch_task(
            &mut b,
            &TaskPatch {
                due: Some(None),
                add_assignees: vec![Nip::parse("199001012015032001").unwrap()],
                ..Default::default()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let t = read_task(&a).unwrap();
        assert_eq!(t.status, TaskStatus::Dikerjakan);
        assert_eq!(t.due, None);
        assert_eq!(t.assignees.len(), 2);
        assert_eq!(t.title.as_str(), "Susun laporan");
    }

    #[test]
    fn comment_edits_keep_the_original_and_concurrent_edits_both_stay() {
        let mut a = new_task(ActorId::random(), &base()).unwrap();
        let c = Comment {
            id: "c-1".into(),
            author: Some(Nip::parse("198703122010011002").unwrap()),
            author_name: "Ani".into(),
            at: "2026-11-23T08:00:00Z".into(),
            text: Task::comment_text("draf").unwrap(),
            edits: vec![],
        };
        add_comment(&mut a, &c).unwrap();
        let mut b = AutoCommit::load(&a.save())
            .unwrap()
            .with_actor(ActorId::random());
        let edit = |t: &str| CommentEdit {
            at: "2026-11-23T09:00:00Z".into(),
            text: Task::comment_text(t).unwrap(),
        };
        edit_comment(&mut a, "c-1", &edit("versi laptop")).unwrap();
        edit_comment(&mut b, "c-1", &edit("versi kantor")).unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let (ta, tb) = (read_task(&a).unwrap(), read_task(&b).unwrap());
        assert_eq!(ta, tb);
        let read = &ta.comments[0];
        assert_eq!(read.text.as_str(), "draf");
        assert_eq!(read.edits.len(), 2);
        assert!(matches!(
            edit_comment(&mut a, "c-x", &edit("x")),
            Err(crate::CrdtError::UnknownItem { .. })
        ));
    }

    #[test]
    fn invalid_merged_value_is_an_error() {
        let mut a = new_task(ActorId::random(), &base()).unwrap();
        a.put(ROOT, "status", "hilang").unwrap();
        assert!(matches!(
            read_task(&a),
            Err(crate::CrdtError::Invalid { .. })
        ));
        a.put(ROOT, "status", 3_i64).unwrap();
        assert!(matches!(
            read_task(&a),
            Err(crate::CrdtError::WrongType { .. })
        ));
    }
}
