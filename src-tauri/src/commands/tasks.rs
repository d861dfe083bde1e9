//! Tugas: list, detail, checklist, comments, disposition.

use luring_client::{NewTaskInput, TaskChanges, TaskRow, TaskView};
use serde::Deserialize;
use tauri::State;

use crate::error::CmdResult;
use crate::state::Desktop;

#[derive(Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct TaskFilter {
    status: Option<String>,
    #[serde(default)]
    #[ts(as = "Option<bool>", optional = nullable)]
    mine: bool,
    query: Option<String>,
}

#[tauri::command]
pub async fn list_tasks(d: State<'_, Desktop>, filter: TaskFilter) -> CmdResult<Vec<TaskRow>> {
    d.with(move |p| {
        let status = filter.status.filter(|s| !s.is_empty());
        let me = filter.mine.then(|| p.nip().to_owned());
        p.find_tasks(
            status.as_deref(),
            me.as_deref(),
            filter.query.as_deref().unwrap_or(""),
        )
    })
    .await
}

#[tauri::command]
pub async fn show_task(d: State<'_, Desktop>, id: String) -> CmdResult<TaskView> {
    d.with(move |p| p.show_task(&id)).await
}

#[derive(Deserialize, ts_rs::TS)]
pub struct NewTask {
    title: String,
    #[serde(default)]
    description: String,
    due: Option<String>,
    #[serde(default)]
    assignees: Vec<String>,
}

#[tauri::command]
pub async fn add_task(d: State<'_, Desktop>, input: NewTask) -> CmdResult<TaskView> {
    d.change(move |p| {
        let id = p.add_task(&NewTaskInput {
            title: input.title,
            description: input.description,
            due: input.due.filter(|s| !s.is_empty()),
            assignees: input.assignees,
        })?;
        p.show_task(&id)
    })
    .await
}

#[derive(Deserialize, ts_rs::TS)]
#[ts(rename = "TaskChanges", optional_fields)]
pub struct Changes {
    title: Option<String>,
    #[ts(as = "Option<luring_model::TaskStatus>")]
    status: Option<String>,
    due: Option<String>,
    description: Option<String>,
}

#[tauri::command]
pub async fn update_task(
    d: State<'_, Desktop>,
    id: String,
    changes: Changes,
) -> CmdResult<TaskView> {
    d.change(move |p| {
        p.set_task(
            &id,
            &TaskChanges {
                title: changes.title,
                status: changes.status,
                due: changes.due,
                description: changes.description,
                ..Default::default()
            },
        )
    })
    .await
}

#[tauri::command]
pub async fn comment_task(d: State<'_, Desktop>, id: String, text: String) -> CmdResult<TaskView> {
    d.change(move |p| p.comment_task(&id, &text)).await
}

#[tauri::command]
pub async fn add_checklist_item(
    d: State<'_, Desktop>,
    id: String,
    text: String,
) -> CmdResult<TaskView> {
    d.change(move |p| p.add_checklist_item(&id, &text)).await
}

#[tauri::command]
pub async fn set_checklist_item(
    d: State<'_, Desktop>,
    id: String,
    item_id: String,
    done: bool,
) -> CmdResult<TaskView> {
    d.change(move |p| p.set_checklist_item(&id, &item_id, done))
        .await
}

#[tauri::command]
pub async fn add_disposition(
    d: State<'_, Desktop>,
    id: String,
    to: String,
    instruction: String,
) -> CmdResult<TaskView> {
    d.change(move |p| p.add_disposition(&id, &to, &instruction))
        .await
}
