//! Tasks (tugas): adding, listing, changing and commenting on them, and the parts the Tugas
//! screen edits one by one — checklist items and the disposition chain.
//!
//! Each edit goes through [`luring_store::Store::update_task`], so the automerge change, the
//! derived query rows and the outbox entry commit together and compaction sees an ordinary
//! change. Inputs are the strings a person typed, validated here with the model's rules.

use luring_crdt::NewTask;
use luring_model::{
    ChecklistItem, Comment, Date, Disposition, EntityId, Nip, Task, TaskPatch, TaskStatus,
    Timestamp, Title, ValidationError,
};
use luring_store::{TaskFilter, TaskRow};
use serde::Deserialize;

use crate::error::{ClientError, Result};
use crate::ids::new_id;
use crate::profile::Profile;
use crate::views::TaskView;

/// A new task as typed by a person. An empty `due` is refused like any other non-date (a
/// window sends `null` for "no due date", as the CLI leaves `--due` out).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewTaskInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub due: Option<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
}

/// Changes to a task's fields; `None` leaves a field alone, an empty `due` clears it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TaskChanges {
    pub title: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::TaskStatus>"))]
    pub status: Option<String>,
    pub due: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub add_assignees: Vec<String>,
}

/// What a task list is filtered by, as the Tugas screen sends it: a status (absent or empty:
/// all), only this profile's own tasks, and words the title contains (absent or blank: all).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
pub struct TaskQuery {
    pub status: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub mine: bool,
    /// Only tasks this profile gave (made) to someone else ("Tugas yang saya berikan").
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub given_by_me: bool,
    pub query: Option<String>,
    /// Only my unfinished tasks in one of Beranda's buckets (its "lihat semua").
    pub due: Option<crate::beranda::DueBucket>,
    /// The window's local date the bucket is counted from (`YYYY-MM-DD`; absent: this
    /// machine's).
    pub today: Option<String>,
}

/// A disposition's instruction: the same rule (and limit) as a comment, which is how every
/// replica and the server read it back, but named as what the person typed.
fn instruction(s: &str) -> Result<luring_model::Text> {
    const WHAT: &str = "the instruction";
    Task::comment_text(s).map_err(|e| {
        match e {
            ValidationError::Empty { .. } => ValidationError::Empty { what: WHAT },
            ValidationError::TooLong { len, max, .. } => ValidationError::TooLong {
                what: WHAT,
                len,
                max,
            },
            other => other,
        }
        .into()
    })
}

impl NewTaskInput {
    /// The task this input makes, with the given id, written by `author`: checked by the
    /// model's rules; no assignee means the author's own.
    pub fn to_new_task(&self, id: EntityId, author: &Nip) -> Result<NewTask> {
        let mut assignees = self
            .assignees
            .iter()
            .map(|n| Nip::parse(n))
            .collect::<Result<Vec<_>, _>>()?;
        if assignees.is_empty() {
            assignees.push(author.clone());
        }
        assignees.sort();
        assignees.dedup();
        Ok(NewTask {
            id,
            title: Title::parse(&self.title)?,
            description: Task::description(&self.description)?,
            status: TaskStatus::Baru,
            due: self.due.as_deref().map(Date::parse).transpose()?,
            assignees,
            unit: None,
            created_at: Timestamp::now().into_string(),
            created_by: Some(author.clone()),
        })
    }
}

impl Profile {
    /// Adds a task and returns its id. A task given no assignee is its writer's own (so it
    /// shows under "my tasks"), the same from the CLI as from the desktop.
    pub fn add_task(&mut self, input: &NewTaskInput) -> Result<String> {
        let id = new_id("t");
        let t = input.to_new_task(EntityId::parse(&id)?, self.own_nip())?;
        self.store_mut().create_tasks(&[t])?;
        Ok(id)
    }

    /// Adds many tasks in one transaction (an import, a test's busy profile); returns their
    /// ids in order. Each input follows [`Profile::add_task`]'s rules; one bad input adds none.
    pub fn add_tasks(&mut self, inputs: &[NewTaskInput]) -> Result<Vec<String>> {
        let ids: Vec<String> = inputs.iter().map(|_| new_id("t")).collect();
        let tasks = (inputs.iter().zip(&ids))
            .map(|(input, id)| input.to_new_task(EntityId::parse(id)?, self.own_nip()))
            .collect::<Result<Vec<_>>>()?;
        self.store_mut().create_tasks(&tasks)?;
        Ok(ids)
    }

    /// Lists tasks, soonest due first.
    pub fn list_tasks(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<TaskRow>> {
        self.filtered(status, assignee, None, limit)
    }

    /// As [`Profile::list_tasks`], keeping only tasks whose title, description, checklist
    /// or comments contain `query` (ignoring case); an empty or blank query keeps all.
    pub fn find_tasks(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        query: &str,
    ) -> Result<Vec<TaskRow>> {
        self.filtered(status, assignee, Some(query), None)
    }

    /// Tasks by status and assignee (both checked), and text when given.
    fn filtered(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        text: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<TaskRow>> {
        let status = status.map(str::parse::<TaskStatus>).transpose()?;
        let assignee = assignee.map(Nip::parse).transpose()?;
        Ok(self.store().list_tasks(&TaskFilter {
            status: status.map(|s| s.to_string()),
            assignee: assignee.map(|n| n.to_string()),
            text: text.map(str::to_owned),
            limit,
            ..Default::default()
        })?)
    }

    /// The tasks a [`TaskQuery`] asks for, soonest due first: `mine` means this profile's
    /// own (assigned to it, or made by it with no assignee; Beranda's rule), `due` one of
    /// Beranda's buckets of my unfinished tasks.
    pub fn query_tasks(&self, q: &TaskQuery) -> Result<Vec<TaskRow>> {
        let status = q.status.as_deref().filter(|s| !s.is_empty());
        let status = status.map(str::parse::<TaskStatus>).transpose()?;
        let mut f = match q.due {
            Some(b) => crate::beranda::bucket_filter(
                self.nip(),
                b,
                crate::beranda::today_or_local(q.today.as_deref())?,
            ),
            None => TaskFilter::default(),
        };
        f.status = status.map(|s| s.to_string());
        if q.mine {
            f.owner = Some(self.nip().to_owned());
        }
        f.text = q.query.clone();
        let rows = self.store().list_tasks(&f)?;
        if !q.given_by_me {
            return Ok(rows);
        }
        Ok(rows
            .into_iter()
            .filter(|r| r.created_by.as_deref() == Some(self.nip()))
            .filter(|r| r.assignees.iter().any(|a| a != self.nip()))
            .collect())
    }

    pub fn show_task(&self, id: &str) -> Result<TaskView> {
        Ok(self.store().task(&EntityId::parse(id)?.to_string())?.into())
    }

    /// Changes a task's status, title or due date (an empty due date clears it).
    pub fn set_task(&mut self, id: &str, c: &TaskChanges) -> Result<TaskView> {
        let id = EntityId::parse(id)?;
        let patch = TaskPatch {
            title: c.title.as_deref().map(Title::parse).transpose()?,
            status: c.status.as_deref().map(str::parse).transpose()?,
            due: c
                .due
                .as_deref()
                .map(|d| {
                    if d.is_empty() {
                        Ok(None)
                    } else {
                        Date::parse(d).map(Some)
                    }
                })
                .transpose()?,
            description: c
                .description
                .as_deref()
                .map(Task::description)
                .transpose()?,
            add_assignees: c
                .add_assignees
                .iter()
                .map(|n| Nip::parse(n))
                .collect::<Result<_, _>>()?,
            ..Default::default()
        };
        if patch.is_empty() {
            return Err(ClientError::NothingToChange);
        }
        let t = self
            .store_mut()
            .update_task(id.as_str(), |d| luring_crdt::patch_task(d, &patch))?;
        Ok(t.into())
    }

    /// Adds a comment signed with this profile's name and NIP.
    pub fn comment_task(&mut self, id: &str, text: &str) -> Result<TaskView> {
        let id = EntityId::parse(id)?;
        let c = Comment {
            id: new_id("c"),
            author: Some(self.own_nip().clone()),
            author_name: self.name().to_owned(),
            at: Timestamp::now().into_string(),
            text: Task::comment_text(text)?,
            edits: vec![],
        };
        let t = self
            .store_mut()
            .update_task(id.as_str(), |d| luring_crdt::add_comment(d, &c))?;
        Ok(t.into())
    }

    /// Edits one of this profile's own comments. The original and every earlier version
    /// stay in the task (shown as history); someone else's comment cannot be edited.
    pub fn edit_comment(&mut self, id: &str, comment_id: &str, text: &str) -> Result<TaskView> {
        let id = EntityId::parse(id)?;
        let text = Task::comment_text(text)?;
        let task = self.store().task(id.as_str())?;
        let Some(c) = task.comments.iter().find(|c| c.id == comment_id) else {
            return Err(ClientError::NotFound {
                kind: "comment",
                id: comment_id.to_owned(),
            });
        };
        if c.author.as_ref() != Some(self.own_nip()) {
            return Err(ClientError::NotYourComment(c.author_name.clone()));
        }
        let e = luring_model::CommentEdit {
            at: Timestamp::now().into_string(),
            text,
        };
        let t = self.store_mut().update_task(id.as_str(), |d| {
            luring_crdt::edit_comment(d, comment_id, &e)
        })?;
        Ok(t.into())
    }

    /// Adds an unticked checklist item. Its id is the last item of the returned
    /// task's checklist (new items are appended).
    pub fn add_checklist_item(&mut self, task_id: &str, text: &str) -> Result<TaskView> {
        let id = EntityId::parse(task_id)?;
        let item = ChecklistItem {
            id: new_id("k"),
            text: Task::checklist_text(text)?,
            done: false,
        };
        let t = self
            .store_mut()
            .update_task(id.as_str(), |d| luring_crdt::add_checklist_item(d, &item))?;
        Ok(t.into())
    }

    /// Ticks (`done = true`) or unticks a checklist item; an unknown item id is
    /// [`crate::ClientError::NotFound`].
    pub fn set_checklist_item(
        &mut self,
        task_id: &str,
        item_id: &str,
        done: bool,
    ) -> Result<TaskView> {
        let id = EntityId::parse(task_id)?;
        let t = self.store_mut().update_task(id.as_str(), |d| {
            luring_crdt::set_checklist_item(d, item_id, done)
        })?;
        Ok(t.into())
    }

    /// Passes the task on to `to_nip` with an instruction, from this profile's NIP. The
    /// recipient also becomes an assignee, in the same change: the server shows a task to
    /// the people assigned to it, so a disposition to someone in another unit would
    /// otherwise never reach them.
    pub fn add_disposition(
        &mut self,
        task_id: &str,
        to_nip: &str,
        instruction_text: &str,
    ) -> Result<TaskView> {
        let id = EntityId::parse(task_id)?;
        let to = Nip::parse(to_nip.trim())?;
        let d = Disposition {
            from: Nip::parse(self.nip())?,
            to: to.clone(),
            instruction: instruction(instruction_text)?,
            at: Timestamp::now().into_string(),
        };
        let assign = TaskPatch {
            add_assignees: vec![to],
            ..Default::default()
        };
        let t = self.store_mut().update_task(id.as_str(), |doc| {
            luring_crdt::add_disposition(doc, &d)?;
            luring_crdt::patch_task(doc, &assign)
        })?;
        Ok(t.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_deserialise_from_what_a_window_sends() {
        let t: NewTaskInput = serde_json::from_str(r#"{"title":"Rapat","due":null}"#).unwrap();
        assert_eq!(t.title, "Rapat");
        assert!(t.description.is_empty() && t.assignees.is_empty() && t.due.is_none());
        assert!(serde_json::from_str::<NewTaskInput>(r#"{"description":"x"}"#).is_err());
        let c: TaskChanges = serde_json::from_str(r#"{"status":"selesai"}"#).unwrap();
        assert_eq!(c.status.as_deref(), Some("selesai"));
        assert!(c.title.is_none() && c.add_assignees.is_empty());
    }

    #[test]
    fn a_task_query_reads_empty_as_all_and_mine_as_this_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        for (title, assignees) in [("Rapat", vec![]), ("Rekap", vec!["199001012015012001"])] {
            p.add_task(&NewTaskInput {
                title: title.into(),
                assignees: assignees.into_iter().map(Into::into).collect(),
                ..Default::default()
            })
            .unwrap();
        }
        let titles = |json: &str| -> Vec<String> {
            let q: TaskQuery = serde_json::from_str(json).unwrap();
            let mut t: Vec<_> = p
                .query_tasks(&q)
                .unwrap()
                .into_iter()
                .map(|r| r.title)
                .collect();
            t.sort();
            t
        };
        assert_eq!(titles("{}"), ["Rapat", "Rekap"]);
        assert_eq!(titles(r#"{"status":"","query":null}"#), ["Rapat", "Rekap"]);
        assert_eq!(titles(r#"{"mine":true}"#), ["Rapat"]);
        assert_eq!(titles(r#"{"status":"baru","query":" rek"}"#), ["Rekap"]);
        assert!(titles(r#"{"status":"selesai"}"#).is_empty());
    }

    /// Search in Tugas finds a task by what its description, checklist or comments say,
    /// not only by its title, ignoring case.
    #[test]
    fn a_search_looks_through_description_checklist_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let mut add = |title: &str, description: &str| {
            p.add_task(&NewTaskInput {
                title: title.into(),
                description: description.into(),
                ..Default::default()
            })
            .unwrap()
        };
        let a = add("Rapat", "Bahas anggaran Posyandu");
        let b = add("Rekap", "");
        let c = add("Laporan", "");
        p.add_checklist_item(&b, "Data stunting Desa Oelnasi")
            .unwrap();
        p.comment_task(&c, "Tunggu tanda tangan Camat").unwrap();
        let found = |q: &str| -> Vec<String> {
            let mut ids: Vec<_> = p
                .find_tasks(None, None, q)
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(found("posyandu"), [a.as_str()]);
        assert_eq!(found("OELNASI"), [b.as_str()]);
        assert_eq!(found("camat"), [c.as_str()]);
        assert_eq!(found("rapat"), [a.as_str()]);
        assert!(found("kecamatan lain").is_empty());
        assert_eq!(found("  ").len(), 3);
    }

    #[test]
    fn an_empty_due_is_refused_and_null_means_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let empty: NewTaskInput = serde_json::from_str(r#"{"title":"Rapat","due":""}"#).unwrap();
        assert!(p.add_task(&empty).is_err(), "as `luring task add --due=`");
        let none: NewTaskInput = serde_json::from_str(r#"{"title":"Rapat","due":null}"#).unwrap();
        let id = p.add_task(&none).unwrap();
        assert!(p.show_task(&id).unwrap().due.is_none());
    }

    #[test]
    fn tasks_i_gave_are_those_i_made_for_someone_else() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Siti", "198211032008012004").unwrap();
        let add = |p: &mut Profile, title: &str, to: &[&str]| {
            p.add_task(&NewTaskInput {
                title: title.into(),
                assignees: to.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            })
            .unwrap()
        };
        let given = add(&mut p, "Rekap data desa", &["199001012015031001"]);
        add(&mut p, "Catatan pribadi", &[]);
        let q = |given_by_me| TaskQuery {
            given_by_me,
            ..Default::default()
        };
        let rows = p.query_tasks(&q(true)).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            [given.as_str()]
        );
        assert_eq!(rows[0].created_by.as_deref(), Some("198211032008012004"));
        assert_eq!(p.query_tasks(&q(false)).unwrap().len(), 2);
        assert_eq!(
            p.show_task(&given).unwrap().created_by.as_deref(),
            Some("198211032008012004")
        );
    }

    #[test]
    fn a_task_with_no_assignee_is_its_writers_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let mine = p
            .add_task(&NewTaskInput {
                title: "Rapat".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            p.show_task(&mine).unwrap().assignees,
            ["198703122010011002"]
        );
        let theirs = p
            .add_task(&NewTaskInput {
                title: "Rekap".into(),
                assignees: vec!["199001012015012001".into()],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            p.show_task(&theirs).unwrap().assignees,
            ["199001012015012001"]
        );
    }
}
