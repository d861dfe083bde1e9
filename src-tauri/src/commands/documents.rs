//! Naskah: list, search, the editor that saves every keystroke, attachments.

use luring_client::ErrorCode;
use luring_client::{BodySplice, DocListRow, DocView, DocumentChanges, NewDocInput};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdError, CmdResult};
use crate::state::Desktop;

#[tauri::command]
pub async fn list_documents(
    d: State<'_, Desktop>,
    kind: Option<String>,
) -> CmdResult<Vec<DocListRow>> {
    d.with(move |p| p.list_documents(kind.as_deref().filter(|k| !k.is_empty())))
        .await
}

#[tauri::command]
pub async fn search_documents(d: State<'_, Desktop>, query: String) -> CmdResult<Vec<DocListRow>> {
    d.with(move |p| p.search_documents(&query)).await
}

#[tauri::command]
pub async fn show_document(d: State<'_, Desktop>, id: String) -> CmdResult<DocView> {
    d.with(move |p| p.show_document(&id)).await
}

#[tauri::command]
pub async fn new_document(d: State<'_, Desktop>, input: NewDocInput) -> CmdResult<DocView> {
    d.change(move |p| {
        let id = p.new_document(&input)?;
        p.show_document(&id)
    })
    .await
}

/// The editor calls this on every input; the body is committed to SQLite (fsync'd) before
/// it returns, and only its difference from the stored body becomes a change.
#[tauri::command]
pub async fn save_document_body(
    d: State<'_, Desktop>,
    id: String,
    body: String,
) -> CmdResult<DocView> {
    d.change(move |p| p.set_document_body(&id, &body)).await
}

/// The editor's save: the body the person sees and the splices (from the text area's
/// input events) that made it from the last body saved; the splices become the change
/// when they fit the stored body, else only the difference is stored.
#[tauri::command]
pub async fn splice_document_body(
    d: State<'_, Desktop>,
    id: String,
    splices: Vec<BodySplice>,
    body: String,
) -> CmdResult<DocView> {
    d.change(move |p| p.splice_document_body(&id, &splices, &body))
        .await
}

#[tauri::command]
pub async fn update_document(
    d: State<'_, Desktop>,
    id: String,
    changes: DocumentChanges,
) -> CmdResult<DocView> {
    d.change(move |p| p.update_document_header(&id, &changes))
        .await
}

/// "Buat revisi": a new draft from an approved letter; returns it for the editor.
#[tauri::command]
pub async fn revise_document(d: State<'_, Desktop>, id: String) -> CmdResult<DocView> {
    d.change(move |p| {
        let new = p.revise_document(&id)?;
        p.show_document(&new)
    })
    .await
}

#[tauri::command]
pub async fn list_attachments(
    d: State<'_, Desktop>,
    id: String,
) -> CmdResult<Vec<luring_client::AttachmentView>> {
    d.with(move |p| p.list_attachments(&id)).await
}

/// Opening an attachment not on this device yet: downloads it (resumably, verified) and
/// returns the document's attachments as now listed.
#[tauri::command]
pub async fn fetch_attachment(
    d: State<'_, Desktop>,
    id: String,
    hash: String,
) -> CmdResult<Vec<luring_client::AttachmentView>> {
    d.change(move |p| {
        p.fetch_attachment(&id, &hash, None, &mut |_| {})?;
        p.list_attachments(&id)
    })
    .await
}

/// "Buka": opens a downloaded attachment with the system's viewer (a copy under its
/// original name, made by the client); returns the path opened.
#[tauri::command]
pub async fn open_attachment(
    app: tauri::AppHandle,
    d: State<'_, Desktop>,
    id: String,
    hash: String,
) -> CmdResult<String> {
    let path = d
        .with(move |p| p.attachment_for_viewing(&id, &hash))
        .await?;
    let shown = path.display().to_string();
    app.opener()
        .open_path(shown.clone(), None::<&str>)
        .map_err(|e| CmdError::new(ErrorCode::NoViewer, format!("cannot open {shown}: {e}")))?;
    Ok(shown)
}

#[tauri::command]
pub async fn attach_file(
    d: State<'_, Desktop>,
    id: String,
    path: String,
) -> CmdResult<Vec<luring_client::AttachmentView>> {
    d.change(move |p| p.attach_file(&id, std::path::Path::new(path.trim())))
        .await
}

/// "Hemat data" (on by default): whether a colleague's attachment downloads only when it is
/// opened (on) or after every sync (off).
#[tauri::command]
pub async fn hemat_data(d: State<'_, Desktop>) -> CmdResult<bool> {
    d.with(|p| p.hemat_data()).await
}

/// Turns "hemat data" on or off; returns the setting as now stored.
#[tauri::command]
pub async fn set_hemat_data(d: State<'_, Desktop>, on: bool) -> CmdResult<bool> {
    d.with(move |p| {
        p.set_hemat_data(on)?;
        p.hemat_data()
    })
    .await
}
