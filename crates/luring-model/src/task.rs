//! Tasks (tugas): what a person must do, by when, who passed it to whom.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, ValidationResult};
use crate::values::{Date, EntityId, Nip, Text, Title};

/// Longest task description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
/// Longest comment, checklist item or disposition instruction, in characters.
pub const NOTE_MAX_CHARS: usize = 2_000;

/// Where a task stands. The spelling is Indonesian because it is shown and typed as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TaskStatus {
    Baru,
    Dikerjakan,
    Menunggu,
    Selesai,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [Self::Baru, Self::Dikerjakan, Self::Menunggu, Self::Selesai];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baru => "baru",
            Self::Dikerjakan => "dikerjakan",
            Self::Menunggu => "menunggu",
            Self::Selesai => "selesai",
        }
    }
}

impl FromStr for TaskStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> ValidationResult<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ValidationError::BadStatus(s.to_owned()))
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a task's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChecklistItem {
    pub id: String,
    pub text: Text,
    pub done: bool,
}

/// A comment on a task, kept in the order the replicas agree on.
///
/// What a comment first said is never overwritten: its author's later edits are appended
/// to `edits`, so a reader can always see what was written under whose name, and two
/// edits made offline on two devices both stay (the last in list order is shown). Edits
/// live inside the comment rather than as new comments pointing at the old one so that a
/// remark stays one item everywhere (older replicas show the original, not two comments)
/// and the server checks one map: its original fields never change, and only the author
/// appends to `edits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub author: Option<Nip>,
    pub author_name: String,
    /// RFC 3339 time at the author's device.
    pub at: String,
    /// The text as first written.
    pub text: Text,
    /// The author's later versions, oldest first.
    #[serde(default)]
    pub edits: Vec<CommentEdit>,
}

/// One later version of a comment, by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommentEdit {
    /// RFC 3339 time at the author's device.
    pub at: String,
    pub text: Text,
}

impl Comment {
    /// The text to show: the latest edit, or the original.
    pub fn latest_text(&self) -> &Text {
        self.edits.last().map_or(&self.text, |e| &e.text)
    }
}

/// One step of a disposition chain: who passed the task to whom, with an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Disposition {
    pub from: Nip,
    pub to: Nip,
    pub instruction: Text,
    pub at: String,
}

/// A task as every replica reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: EntityId,
    pub title: Title,
    pub description: Text,
    pub status: TaskStatus,
    pub due: Option<Date>,
    /// Sorted and without duplicates.
    pub assignees: Vec<Nip>,
    pub checklist: Vec<ChecklistItem>,
    pub comments: Vec<Comment>,
    pub dispositions: Vec<Disposition>,
    /// Code of the unit the task belongs to, once it is known (after login).
    pub unit: Option<String>,
    pub created_at: String,
    /// Who made the task (pemberi tugas): the pushing user, checked by the server, set
    /// once. `None` for tasks made before it was recorded.
    pub created_by: Option<Nip>,
}

/// A change to some of a task's fields; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskPatch {
    pub title: Option<Title>,
    pub status: Option<TaskStatus>,
    /// `Some(None)` clears the due date.
    pub due: Option<Option<Date>>,
    pub description: Option<Text>,
    pub add_assignees: Vec<Nip>,
    pub remove_assignees: Vec<Nip>,
}

impl TaskPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Task {
    /// Parses a description, enforcing its length limit.
    pub fn description(s: &str) -> ValidationResult<Text> {
        Text::parse("the description", s, DESCRIPTION_MAX_CHARS, false)
    }
    /// Parses a comment's text: not blank, limited in length.
    pub fn comment_text(s: &str) -> ValidationResult<Text> {
        Text::parse("the comment", s, NOTE_MAX_CHARS, true)
    }
    /// Parses a checklist item's text.
    pub fn checklist_text(s: &str) -> ValidationResult<Text> {
        Text::parse("the checklist item", s, NOTE_MAX_CHARS, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_refuse_others() {
        for s in TaskStatus::ALL {
            assert_eq!(s.as_str().parse::<TaskStatus>().unwrap(), s);
        }
        assert_eq!(
            "done".parse::<TaskStatus>(),
            Err(ValidationError::BadStatus("done".into()))
        );
        assert!("Baru".parse::<TaskStatus>().is_err());
    }

    #[test]
    fn comments_must_say_something() {
        assert!(Task::comment_text("  ").is_err());
        assert!(Task::comment_text(&"x".repeat(2001)).is_err());
        assert!(Task::comment_text("oke, saya kerjakan").is_ok());
    }

    #[test]
    fn a_comment_shows_its_latest_edit() {
        let mut c = Comment {
            id: "c-1".into(),
            author: None,
            author_name: "Ani".into(),
            at: "2026-11-23T08:00:00Z".into(),
            text: Task::comment_text("draf").unwrap(),
            edits: vec![],
        };
        assert_eq!(c.latest_text().as_str(), "draf");
        c.edits.push(CommentEdit {
            at: "2026-11-23T09:00:00Z".into(),
            text: Task::comment_text("final").unwrap(),
        });
        assert_eq!(c.latest_text().as_str(), "final");
        assert_eq!(c.text.as_str(), "draf");
    }
}
