//! Tugas: list, detail, checklist, comments, disposition.

use luring_client::{BerandaView, NewTaskInput, TaskChanges, TaskQuery, TaskRow, TaskView};
use tauri::State;

use crate::error::CmdResult;
use crate::state::Desktop;

#[tauri::command]
pub async fn list_tasks(d: State<'_, Desktop>, filter: TaskQuery) -> CmdResult<Vec<TaskRow>> {
    d.with(move |p| p.query_tasks(&filter)).await
}

/// Beranda's day: each bucket's count and its first `first` tasks, from the window's `today`.
#[tauri::command]
pub async fn beranda(
    d: State<'_, Desktop>,
    today: Option<String>,
    first: u32,
) -> CmdResult<BerandaView> {
    d.with(move |p| p.beranda(today.as_deref(), first)).await
}

/// "Tandai sudah dilihat": everything the Beranda's `news.upto` covered is seen (local only:
/// nothing for the server).
#[tauri::command]
pub async fn mark_news_seen(d: State<'_, Desktop>, upto: i64) -> CmdResult<()> {
    d.with(move |p| p.mark_news_seen(upto)).await
}

#[tauri::command]
pub async fn show_task(d: State<'_, Desktop>, id: String) -> CmdResult<TaskView> {
    d.with(move |p| p.show_task(&id)).await
}

/// A window sends `due: null` for "no due date"; an empty one is refused, as by the CLI.
#[tauri::command]
pub async fn add_task(d: State<'_, Desktop>, input: NewTaskInput) -> CmdResult<TaskView> {
    d.change(move |p| {
        let id = p.add_task(&input)?;
        p.show_task(&id)
    })
    .await
}

#[tauri::command]
pub async fn update_task(
    d: State<'_, Desktop>,
    id: String,
    changes: TaskChanges,
) -> CmdResult<TaskView> {
    d.change(move |p| p.set_task(&id, &changes)).await
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
