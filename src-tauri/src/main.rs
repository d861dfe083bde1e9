//! Luring's desktop app: one window over one profile. Every command is a thin call into
//! `luring-client` (so the CLI and the window always agree); a background thread syncs
//! whenever the agency server can be reached and tells the window through events.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod attachment_loop;
#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod settings;
mod state;
mod sync_loop;

use tauri::Manager;

/// On a laptop's screen (1366×768 and the like) the window opens maximized: at its
/// configured size it would leave a strip of desktop and hide the status bar's end.
fn maximize_on_small_screens(app: &tauri::App) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let Ok(Some(monitor)) = window.current_monitor() else {
        return;
    };
    let size = monitor.size().to_logical::<f64>(monitor.scale_factor());
    if size.width <= 1600.0 || size.height <= 900.0 {
        let _ = window.maximize();
    }
}

fn main() {
    // To standard error, `info` and up unless RUST_LOG says otherwise.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("internal error ({info}); please report it");
    }));
    tauri::Builder::default()
        // The system's file chooser, for attachments (the UI passes the chosen path back to
        // `attach_file`, so the bytes never travel through the web view).
        .plugin(tauri_plugin_dialog::init())
        // The system's viewer for an attachment ("Buka"), called from Rust only: the window
        // gets no opener permission of its own.
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let dir = state::profile_dir(app.handle())?;
            // Before the sync loop starts, so that its first sync is heard.
            attachment_loop::start(dir.clone(), app.handle().clone());
            let desktop = state::Desktop::open(dir, app.handle().clone());
            app.manage(desktop);
            maximize_on_small_screens(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::account::app_state,
            commands::account::login,
            commands::account::cancel_login,
            commands::account::work_offline,
            commands::account::set_passphrase,
            commands::account::set_language,
            commands::sync::sync_state,
            commands::sync::sync_now,
            commands::tasks::list_tasks,
            commands::tasks::beranda,
            commands::tasks::mark_news_seen,
            commands::tasks::show_task,
            commands::tasks::add_task,
            commands::tasks::update_task,
            commands::tasks::comment_task,
            commands::tasks::add_checklist_item,
            commands::tasks::set_checklist_item,
            commands::tasks::add_disposition,
            commands::documents::list_documents,
            commands::documents::search_documents,
            commands::documents::show_document,
            commands::documents::new_document,
            commands::documents::save_document_body,
            commands::documents::splice_document_body,
            commands::documents::update_document,
            commands::documents::revise_document,
            commands::documents::list_attachments,
            commands::documents::attach_file,
            commands::documents::fetch_attachment,
            commands::documents::open_attachment,
            commands::documents::hemat_data,
            commands::documents::set_hemat_data,
            commands::approvals::list_approvals,
            commands::approvals::show_approval,
            commands::approvals::request_approval,
            commands::approvals::decide_approval,
            commands::approvals::withdraw_approval,
            commands::approvals::evidence_save_path,
            commands::approvals::export_evidence,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("the window could not start: {e}");
            std::process::exit(1);
        });
}
