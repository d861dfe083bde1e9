//! What the client hands to a UI: serialisable views with stable field names (the CLI's
//! `--json` output is exactly these, so scripts and later checks can rely on them).

use luring_model::{Document, Task};
use serde::Serialize;

/// A whole task, as `task show --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub description: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::TaskStatus"))]
    pub status: String,
    pub due: Option<String>,
    pub assignees: Vec<String>,
    pub checklist: Vec<luring_model::ChecklistItem>,
    pub comments: Vec<CommentView>,
    pub dispositions: Vec<luring_model::Disposition>,
    pub unit: Option<String>,
    pub created_at: String,
    /// Who gave the task (pemberi tugas), when known.
    pub created_by: Option<String>,
}

impl From<Task> for TaskView {
    fn from(t: Task) -> Self {
        Self {
            id: t.id.to_string(),
            title: t.title.to_string(),
            description: t.description.as_str().to_owned(),
            status: t.status.to_string(),
            due: t.due.map(|d| d.to_string()),
            assignees: t.assignees.iter().map(|n| n.to_string()).collect(),
            checklist: t.checklist,
            comments: t.comments.into_iter().map(CommentView::from).collect(),
            dispositions: t.dispositions,
            unit: t.unit,
            created_at: t.created_at,
            created_by: t.created_by.map(|n| n.to_string()),
        }
    }
}

/// A comment as shown: its latest text, marked when it was edited, with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommentView {
    pub id: String,
    pub author: Option<String>,
    pub author_name: String,
    /// When it was first written.
    pub at: String,
    /// The latest version.
    pub text: String,
    pub edited: bool,
    /// When the latest version was written, if edited.
    pub edited_at: Option<String>,
    /// Every version, the original first.
    pub history: Vec<luring_model::CommentEdit>,
}

impl From<luring_model::Comment> for CommentView {
    fn from(c: luring_model::Comment) -> Self {
        let mut history = vec![luring_model::CommentEdit {
            at: c.at.clone(),
            text: c.text.clone(),
        }];
        history.extend(c.edits.iter().cloned());
        let text = c.latest_text().as_str().to_owned();
        Self {
            id: c.id,
            author: c.author.map(|n| n.to_string()),
            author_name: c.author_name,
            text,
            edited: !c.edits.is_empty(),
            edited_at: c.edits.last().map(|e| e.at.clone()),
            at: c.at,
            history,
        }
    }
}

/// A whole document, as `doc show --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocView {
    pub id: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::DocKind"))]
    pub kind: String,
    pub body: String,
    /// BLAKE3 of the canonical content (what an approval binds to).
    pub content_hash: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::Classification"))]
    pub classification: String,
    pub attachments: Vec<String>,
    pub letter_number: Option<String>,
    pub unit: Option<String>,
    pub created_at: String,
    /// Who made it, when known.
    pub created_by: Option<String>,
    /// Where it stands (Draf, Diajukan, Disetujui, Ditolak) and whether it is frozen; set
    /// by the profile, which knows its requests.
    pub status: Option<crate::DocStatusView>,
}

impl From<Document> for DocView {
    fn from(d: Document) -> Self {
        Self {
            content_hash: d.content_hash().to_string(),
            id: d.id.to_string(),
            title: d.title.to_string(),
            kind: d.kind.to_string(),
            body: d.body.as_str().to_owned(),
            classification: d.classification.to_string(),
            attachments: d.attachments,
            letter_number: d.letter_number,
            unit: d.unit,
            created_at: d.created_at,
            created_by: d.created_by.map(|n| n.to_string()),
            status: None,
        }
    }
}

/// `luring status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusView {
    pub name: String,
    pub nip: String,
    pub tasks: i64,
    pub documents: i64,
    /// Local changes nobody has acknowledged yet.
    pub pending_changes: i64,
    /// The tasks, documents and approval records those changes belong to (what a person
    /// counts: typing a sentence is many changes to one document).
    pub pending_items: i64,
    /// Local changes the server refused, with its reasons.
    pub rejected: Vec<luring_store::Refusal>,
    /// The agency server, once logged in.
    pub server: Option<String>,
    pub unit: Option<String>,
    pub last_sync: Option<String>,
}

/// What `bundle export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub path: String,
    pub bytes: u64,
}
