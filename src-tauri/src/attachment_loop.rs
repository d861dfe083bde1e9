//! Attachments after each sync: once the sync loop reports a sync that went through (its
//! `luring://sync` event with phase `idle`, online, no error), this thread uploads what was
//! attached on this device and, with "hemat data" off, downloads colleagues' attachments
//! (`Profile::transfer_attachments`, as `luring sync` does after its rounds). Attachments so
//! travel after everything else, and a slow file never delays the next sync of tasks and
//! approvals. It has its own connection to the profile, like the sync loop.
//!
//! A transfer cut midway resumes at the next sync (the client keeps verified chunks).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use luring_client::Profile;
use tauri::{AppHandle, Emitter, Listener};

use crate::sync_loop::{CHANGED_EVENT, SYNC_EVENT};

/// Whether a `luring://sync` payload says a sync has just gone through.
fn synced(payload: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(payload) else {
        return false;
    };
    v["phase"] == "idle" && v["online"] == true && v["error"].is_null()
}

/// Starts the thread and hooks it to the sync loop's events.
pub fn start(dir: PathBuf, app: AppHandle) {
    let (tx, rx) = mpsc::channel();
    app.listen_any(SYNC_EVENT, move |event| {
        if synced(event.payload()) {
            let _ = tx.send(());
        }
    });
    let spawned = std::thread::Builder::new()
        .name("luring-attachments".into())
        .spawn(move || run(dir, app, rx));
    if let Err(e) = spawned {
        tracing::error!("the attachment thread did not start: {e}");
    }
}

fn run(dir: PathBuf, app: AppHandle, rx: Receiver<()>) {
    let mut profile: Option<Profile> = None;
    while rx.recv().is_ok() {
        // Several syncs while a transfer ran: one more pass covers them all.
        while rx.try_recv().is_ok() {}
        if profile.is_none() {
            profile = Profile::open(&dir).ok();
        }
        let Some(p) = profile.as_mut() else { continue };
        match p.transfer_attachments(&mut |_| {}) {
            Ok(report) => {
                if !report.downloaded.is_empty() {
                    // The Naskah screen lists them as downloaded now.
                    let _ = app.emit(CHANGED_EVENT, ());
                }
                for w in &report.waiting {
                    tracing::info!("attachment {} waits: {}", w.hash, w.reason);
                }
            }
            Err(e) => {
                tracing::warn!("attachments did not finish, next sync resumes: {e}");
                // A profile replaced by a login is reopened next time.
                profile = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::synced;

    #[test]
    fn only_a_sync_that_went_through_wakes_the_transfers() {
        assert!(synced(r#"{"phase":"idle","online":true,"error":null}"#));
        assert!(!synced(r#"{"phase":"syncing","online":true,"error":null}"#));
        assert!(!synced(r#"{"phase":"idle","online":false,"error":null}"#));
        assert!(!synced(
            r#"{"phase":"idle","online":true,"error":{"code":"network","message":"x"}}"#
        ));
        assert!(!synced("not json"));
    }
}
