//! First run (log in, or work offline), the signing passphrase and the language.

use luring_client::{AccountView, ErrorCode, LoginOptions, Profile};
use serde::Serialize;
use tauri::State;

use crate::error::{CmdError, CmdResult};
use crate::settings::{self, Settings};
use crate::state::Desktop;

#[derive(Serialize, ts_rs::TS)]
pub struct AppState {
    /// `None` until a profile exists: the window shows its first run.
    account: Option<AccountView>,
    settings: Settings,
    profile_dir: String,
}

async fn app_state_of(d: &Desktop) -> CmdResult<AppState> {
    let account = if d.has_profile() {
        Some(d.with(|p| p.account()).await?)
    } else if let Some(e) = &d.open_error {
        return Err(e.clone());
    } else {
        None
    };
    Ok(AppState {
        account,
        settings: settings::load(&d.dir),
        profile_dir: d.dir.display().to_string(),
    })
}

#[tauri::command]
pub async fn app_state(d: State<'_, Desktop>) -> CmdResult<AppState> {
    app_state_of(&d).await
}

#[tauri::command]
pub async fn login(
    d: State<'_, Desktop>,
    server: String,
    nip: String,
    password: String,
    passphrase: Option<String>,
    ca_file: Option<String>,
) -> CmdResult<AppState> {
    // The rules (https only off loopback, the CA kept in the profile, the key's proof)
    // live in luring-client.
    let opts = LoginOptions {
        ca_file: ca_file
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .map(Into::into),
        passphrase: passphrase.filter(|p| !p.is_empty()),
        cancel: Some(d.begin_login()),
        ..LoginOptions::default()
    };
    d.replace(move |dir| Profile::login(dir, server.trim(), nip.trim(), &password, &opts))
        .await?;
    app_state_of(&d).await
}

/// "Batal" on a login that waits for its server: the login returns `cancelled` at once and
/// keeps nothing.
#[tauri::command]
pub fn cancel_login(d: State<'_, Desktop>) {
    d.cancel_login();
}

#[tauri::command]
pub async fn work_offline(d: State<'_, Desktop>, name: String, nip: String) -> CmdResult<AppState> {
    d.replace(move |dir| Profile::init(dir, name.trim(), nip.trim()))
        .await?;
    app_state_of(&d).await
}

#[tauri::command]
pub async fn set_passphrase(d: State<'_, Desktop>, passphrase: String) -> CmdResult<AppState> {
    // luring-client refuses a weak passphrase (fewer than 8 characters) with its reason.
    d.with(move |p| p.set_passphrase(&passphrase)).await?;
    app_state_of(&d).await
}

#[tauri::command]
pub async fn set_language(d: State<'_, Desktop>, language: String) -> CmdResult<AppState> {
    if language != "id" && language != "en" {
        return Err(CmdError::new(
            ErrorCode::Invalid,
            "the language must be 'id' or 'en'",
        ));
    }
    let mut s = settings::load(&d.dir);
    s.language = language;
    settings::save(&d.dir, &s)
        .map_err(|e| CmdError::new(ErrorCode::File, format!("cannot save the settings: {e}")))?;
    app_state_of(&d).await
}
