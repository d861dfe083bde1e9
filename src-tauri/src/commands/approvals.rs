//! Persetujuan: inbox, request, decide (sign) offline, evidence export.

use std::path::{Path, PathBuf};

use luring_client::approvals::{verdict, ApprovalLists, ApprovalView};
use tauri::{AppHandle, Manager, State};

use crate::error::CmdResult;
use crate::state::Desktop;

#[tauri::command]
pub async fn list_approvals(d: State<'_, Desktop>) -> CmdResult<ApprovalLists> {
    d.with(|p| p.list_approvals()).await
}

#[tauri::command]
pub async fn show_approval(d: State<'_, Desktop>, id: String) -> CmdResult<ApprovalView> {
    d.with(move |p| p.show_approval(&id)).await
}

#[tauri::command]
pub async fn request_approval(
    d: State<'_, Desktop>,
    document_id: String,
    chain: Vec<String>,
) -> CmdResult<ApprovalView> {
    d.change(move |p| {
        let id = p.request_approval(&document_id, &chain)?;
        p.show_approval(&id)
    })
    .await
}

/// "Tarik pengajuan": withdraws my waiting request; the document becomes editable again.
#[tauri::command]
pub async fn withdraw_approval(d: State<'_, Desktop>, id: String) -> CmdResult<ApprovalView> {
    d.change(move |p| p.withdraw_approval(&id)).await
}

/// Signs with the device key unlocked by `passphrase` (argon2: runs off the window's
/// thread). Needs no network.
#[tauri::command]
pub async fn decide_approval(
    d: State<'_, Desktop>,
    id: String,
    approve: bool,
    note: String,
    passphrase: String,
) -> CmdResult<ApprovalView> {
    d.change(move |p| p.sign_approval(&id, verdict(approve, !approve)?, &note, &passphrase))
        .await
}

/// Where the save dialog starts for the evidence of request `id`: the person's Documents
/// folder (else the home folder) and the client's name for the file, e.g.
/// `bukti-persetujuan-800-012-DKI-2025-2026-12-01.json`.
#[tauri::command]
pub async fn evidence_save_path(
    app: AppHandle,
    d: State<'_, Desktop>,
    id: String,
) -> CmdResult<String> {
    let today = chrono::Local::now().date_naive();
    let name = d.with(move |p| p.evidence_file_name(&id, today)).await?;
    let paths = app.path();
    let folder = paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(folder.join(name).display().to_string())
}

/// Writes the evidence file of request `id` to `path`, the file the person chose in the
/// save dialog (atomically; a folder is refused), and returns the path written.
#[tauri::command]
pub async fn export_evidence(d: State<'_, Desktop>, id: String, path: String) -> CmdResult<String> {
    d.with(move |p| {
        Ok(p.export_evidence_to(&id, Path::new(&path))?
            .display()
            .to_string())
    })
    .await
}
