//! Persetujuan: inbox, request, decide (sign) offline, evidence export.

use luring_client::approvals::{verdict, ApprovalLists, ApprovalView};
use tauri::State;

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

/// Writes the evidence file into the profile's `bukti/` folder and returns its path.
#[tauri::command]
pub async fn export_evidence(d: State<'_, Desktop>, id: String) -> CmdResult<String> {
    d.with(move |p| Ok(p.export_evidence_to_profile(&id)?.display().to_string()))
        .await
}
