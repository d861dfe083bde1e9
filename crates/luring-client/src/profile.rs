//! A profile: one person's local store in one folder, shared by the CLI and the desktop.

use std::path::{Path, PathBuf};

use luring_crdt::{DocumentEdit, NewDocument, NewTask};
use luring_model::{
    Classification, Comment, Date, DocKind, Document, EntityId, Nip, Task, TaskPatch, TaskStatus,
    Title,
};
use luring_store::{DocRow, ImportSummary, Store, TaskFilter, TaskRow};

use crate::error::{ClientError, Result};
use crate::ids::new_id;
use crate::private_files;
use crate::views::{DocView, ExportSummary, StatusView, TaskView};

/// Name of the database file inside a profile folder.
pub const DB_FILE: &str = "luring.db";

/// A new task as typed by a person.
#[derive(Debug, Clone, Default)]
pub struct NewTaskInput {
    pub title: String,
    pub description: String,
    pub due: Option<String>,
    pub assignees: Vec<String>,
}

/// A new document as typed by a person.
#[derive(Debug, Clone, Default)]
pub struct NewDocInput {
    pub title: String,
    pub kind: Option<String>,
    pub body: String,
    pub classification: Option<String>,
}

/// Changes to a task's fields; `None` leaves a field alone, an empty `due` clears it.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub status: Option<String>,
    pub due: Option<String>,
    pub description: Option<String>,
    pub add_assignees: Vec<String>,
}

/// An open profile.
pub struct Profile {
    dir: PathBuf,
    store: Store,
    name: String,
    nip: Nip,
    /// Access to the folder or its files that was taken from others on opening.
    access_fixes: Vec<String>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Profile {
    /// Creates a local, offline profile in `dir` (created if missing).
    pub fn init(dir: &Path, name: &str, nip: &str) -> Result<Self> {
        let name = Title::parse(name).map_err(|_| {
            ClientError::Invalid(luring_model::ValidationError::Empty { what: "the name" })
        })?;
        let nip = Nip::parse(nip)?;
        let db = dir.join(DB_FILE);
        if db.exists() {
            let store = Store::open(&db)?;
            if store.meta("nip")?.is_some() {
                return Err(ClientError::ProfileExists(dir.to_owned()));
            }
        }
        let access_fixes = private_files::make_private(dir)?;
        private_files::create_private_file(&db)?;
        let mut store = Store::open(&db)?;
        // The device key, and the actor bound to it, are made now, before any change: work
        // done offline is then already under the actor the server accepts at the first
        // login, and nothing has to be re-made then (which could not re-make colleagues'
        // changes received by bundle in their names).
        let public = crate::keys::device_public(dir, &store)?;
        let public = luring_model::keys::public_key_from_hex(&public)
            .map_err(|e| ClientError::Key(e.to_string()))?;
        crate::keys::bind_actor(&mut store, &public)?;
        store.set_meta("name", name.as_str())?;
        store.set_meta("created_at", &now())?;
        // Written last: a profile counts as made once its NIP is stored.
        store.set_meta("nip", nip.as_str())?;
        Ok(Self {
            dir: dir.to_owned(),
            store,
            name: name.to_string(),
            nip,
            access_fixes,
        })
    }

    /// Opens the profile in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let db = dir.join(DB_FILE);
        if !db.is_file() {
            return Err(ClientError::NoProfile(dir.to_owned()));
        }
        let access_fixes = private_files::make_private(dir)?;
        let store = Store::open(&db)?;
        let (Some(name), Some(nip)) = (store.meta("name")?, store.meta("nip")?) else {
            return Err(ClientError::NoProfile(dir.to_owned()));
        };
        Ok(Self {
            dir: dir.to_owned(),
            store,
            name,
            nip: Nip::parse(&nip)?,
            access_fixes,
        })
    }

    /// The store of `dir` for a login as `nip`: the existing profile's (which must be the
    /// same person's), or a new one.
    pub(crate) fn open_store_for_login(dir: &Path, nip: &str) -> Result<Store> {
        private_files::make_private(dir)?;
        private_files::create_private_file(&dir.join(DB_FILE))?;
        let store = Store::open(&dir.join(DB_FILE))?;
        match store.meta("nip")? {
            Some(existing) if existing != nip => Err(ClientError::OtherNip(existing)),
            _ => Ok(store),
        }
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What was repaired when the profile was opened: files or folders that others could
    /// read, now private. Empty when nothing was wrong; callers should tell the person.
    pub fn access_fixes(&self) -> &[String] {
        &self.access_fixes
    }

    pub fn nip(&self) -> &str {
        self.nip.as_str()
    }

    /// The store underneath, for diagnostics and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Adds a task and returns its id.
    pub fn add_task(&mut self, input: &NewTaskInput) -> Result<String> {
        let id = new_id("t");
        let mut assignees = input
            .assignees
            .iter()
            .map(|n| Nip::parse(n))
            .collect::<Result<Vec<_>, _>>()?;
        assignees.sort();
        assignees.dedup();
        let t = NewTask {
            id: EntityId::parse(&id)?,
            title: Title::parse(&input.title)?,
            description: Task::description(&input.description)?,
            status: TaskStatus::Baru,
            due: input.due.as_deref().map(Date::parse).transpose()?,
            assignees,
            unit: None,
            created_at: now(),
        };
        self.store.create_tasks(&[t])?;
        Ok(id)
    }

    /// Lists tasks, soonest due first.
    pub fn list_tasks(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<TaskRow>> {
        let status = status.map(str::parse::<TaskStatus>).transpose()?;
        let assignee = assignee.map(Nip::parse).transpose()?;
        Ok(self.store.list_tasks(&TaskFilter {
            status: status.map(|s| s.to_string()),
            assignee: assignee.map(|n| n.to_string()),
            limit,
            offset: 0,
        })?)
    }

    /// As [`Profile::list_tasks`], keeping only tasks whose title contains `query`
    /// (ignoring case); an empty or blank query keeps all.
    pub fn find_tasks(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        query: &str,
    ) -> Result<Vec<TaskRow>> {
        let rows = self.list_tasks(status, assignee, None)?;
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Ok(rows);
        }
        Ok(rows
            .into_iter()
            .filter(|r| r.title.to_lowercase().contains(&q))
            .collect())
    }

    pub fn show_task(&self, id: &str) -> Result<TaskView> {
        Ok(self.store.task(&EntityId::parse(id)?.to_string())?.into())
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
            .store
            .update_task(id.as_str(), |d| luring_crdt::patch_task(d, &patch))?;
        Ok(t.into())
    }

    /// Adds a comment signed with this profile's name and NIP.
    pub fn comment_task(&mut self, id: &str, text: &str) -> Result<TaskView> {
        let id = EntityId::parse(id)?;
        let c = Comment {
            id: new_id("c"),
            author: Some(self.nip.clone()),
            author_name: self.name.clone(),
            at: now(),
            text: Task::comment_text(text)?,
            edits: vec![],
        };
        let t = self
            .store
            .update_task(id.as_str(), |d| luring_crdt::add_comment(d, &c))?;
        Ok(t.into())
    }

    /// Edits one of this profile's own comments. The original and every earlier version
    /// stay in the task (shown as history); someone else's comment cannot be edited.
    pub fn edit_comment(&mut self, id: &str, comment_id: &str, text: &str) -> Result<TaskView> {
        let id = EntityId::parse(id)?;
        let text = Task::comment_text(text)?;
        let task = self.store.task(id.as_str())?;
        let Some(c) = task.comments.iter().find(|c| c.id == comment_id) else {
            return Err(ClientError::NotFound {
                kind: "comment",
                id: comment_id.to_owned(),
            });
        };
        if c.author.as_ref() != Some(&self.nip) {
            return Err(ClientError::NotYourComment(c.author_name.clone()));
        }
        let e = luring_model::CommentEdit { at: now(), text };
        let t = self.store.update_task(id.as_str(), |d| {
            luring_crdt::edit_comment(d, comment_id, &e)
        })?;
        Ok(t.into())
    }

    /// Creates a document and returns its id.
    pub fn new_document(&mut self, input: &NewDocInput) -> Result<String> {
        let id = new_id("d");
        let d = NewDocument {
            id: EntityId::parse(&id)?,
            kind: input
                .kind
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(DocKind::NotaDinas),
            title: Title::parse(&input.title)?,
            body: Document::body(&input.body)?,
            classification: input
                .classification
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(Classification::Biasa),
            unit: None,
            created_at: now(),
        };
        self.store.create_documents(&[d])?;
        Ok(id)
    }

    /// Replaces a document's body; only the difference is recorded, so concurrent edits of
    /// other parts merge.
    pub fn edit_document(&mut self, id: &str, body: &str) -> Result<DocView> {
        let id = EntityId::parse(id)?;
        let edit = DocumentEdit {
            body: Some(Document::body(body)?),
            ..Default::default()
        };
        let d = self
            .store
            .update_document(id.as_str(), |doc| luring_crdt::update_document(doc, &edit))?;
        Ok(d.into())
    }

    pub fn show_document(&self, id: &str) -> Result<DocView> {
        Ok(self.store.document(EntityId::parse(id)?.as_str())?.into())
    }

    pub fn list_documents(&self, kind: Option<&str>) -> Result<Vec<DocRow>> {
        let kind = kind.map(str::parse::<DocKind>).transpose()?;
        Ok(self.store.list_documents(kind.map(|k| k.as_str()))?)
    }

    pub fn search_documents(&self, query: &str) -> Result<Vec<DocRow>> {
        Ok(self.store.search_documents(query, 50)?)
    }

    pub fn status(&self) -> Result<StatusView> {
        let s = self.store.stats()?;
        Ok(StatusView {
            name: self.name.clone(),
            nip: self.nip.to_string(),
            tasks: s.tasks,
            documents: s.documents,
            pending_changes: s.outbox,
            pending_items: s.outbox_items,
            rejected: self.store.refusals()?,
            server: self.store.meta("server")?,
            unit: self.store.meta("unit")?,
            last_sync: self.store.meta("last_sync")?,
        })
    }

    /// Writes every task and document to a bundle file, atomically (a cut leaves either the
    /// old file or the complete new one).
    pub fn export_bundle(&self, out: &Path) -> Result<ExportSummary> {
        if self.is_own_file(out) {
            return Err(ClientError::File {
                action: "write",
                path: out.to_owned(),
                reason: "it is a file of this profile's database; choose another name".into(),
            });
        }
        let bytes = self.store.export_bundle(self.nip.as_str())?;
        crate::fs::write_atomic(out, &bytes).map_err(|e| ClientError::file("write", out, e))?;
        Ok(ExportSummary {
            path: out.display().to_string(),
            bytes: bytes.len() as u64,
        })
    }

    /// Whether `path` names the database or one of its WAL files (writing there would
    /// destroy the profile).
    fn is_own_file(&self, path: &Path) -> bool {
        let canon = |p: &Path| -> Option<PathBuf> {
            let parent = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        };
        let Some(target) = canon(path) else {
            return false;
        };
        ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
            canon(&self.dir.join(format!("{DB_FILE}{suffix}"))).as_deref() == Some(target.as_path())
        })
    }

    /// Merges a bundle file. A damaged or foreign file is refused and changes nothing.
    pub fn import_bundle(&mut self, file: &Path) -> Result<ImportSummary> {
        let len = std::fs::metadata(file)
            .map_err(|e| ClientError::file("read", file, e))?
            .len();
        if len > luring_store::bundle::MAX_FILE {
            return Err(ClientError::File {
                action: "import",
                path: file.to_owned(),
                reason: format!(
                    "it is {} MiB, larger than any Luring bundle; it is not a bundle",
                    len >> 20
                ),
            });
        }
        let bytes = std::fs::read(file).map_err(|e| ClientError::file("read", file, e))?;
        Ok(self.store.import_bundle(&bytes)?)
    }
}
