//! The window's own settings (language), kept beside the profile so a person's choice
//! survives restarts and works before any login.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct Settings {
    #[ts(type = "\"id\" | \"en\"")]
    pub language: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: "id".into(),
        }
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("desktop-settings.json")
}

pub fn load(dir: &Path) -> Settings {
    std::fs::read(path(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Writes atomically: a cut leaves the old settings or the new ones.
pub fn save(dir: &Path, s: &Settings) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(s).expect("settings serialise");
    luring_client::fs::write_atomic(&path(dir), &json)
}
