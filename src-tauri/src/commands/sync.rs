//! The status bar: its state, and "Sinkronkan sekarang".

use tauri::State;

use crate::error::CmdResult;
use crate::state::Desktop;
use crate::sync_loop::SyncState;

#[tauri::command]
pub fn sync_state(d: State<'_, Desktop>) -> CmdResult<SyncState> {
    Ok(d.sync.state())
}

/// Returns at once; progress and the result arrive as `luring://sync` events.
#[tauri::command]
pub fn sync_now(d: State<'_, Desktop>) -> CmdResult<()> {
    d.sync.now();
    Ok(())
}
