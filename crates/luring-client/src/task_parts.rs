//! A task's checklist and disposition chain, as the Tugas screen edits them.
//!
//! Each edit goes through [`luring_store::Store::update_task`], like a comment, so the
//! automerge change, the derived query rows and the outbox entry commit together and
//! compaction sees an ordinary change.

use luring_model::{
    ChecklistItem, Disposition, EntityId, Nip, Task, TaskPatch, Timestamp, ValidationError,
};

use crate::error::Result;
use crate::ids::new_id;
use crate::profile::Profile;
use crate::views::TaskView;

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

impl Profile {
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
