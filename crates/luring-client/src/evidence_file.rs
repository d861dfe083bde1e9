//! Where the desktop keeps an exported evidence file: `<profile>/bukti/<request id>.json`.
//!
//! The rule was in the Tauri shell; it is a rule (which characters may reach a path, which
//! folder holds the proof), so it lives here beside [`Profile::export_evidence`], and the
//! shell's command is one call. The CLI writes wherever `--out` says and does not use it.

use std::path::PathBuf;

use crate::error::{ClientError, Result};
use crate::profile::Profile;

/// The folder of a profile that holds exported evidence files.
pub const EVIDENCE_DIR: &str = "bukti";

impl Profile {
    /// Writes the evidence file of approval request `id` into the profile's [`EVIDENCE_DIR`]
    /// folder (created if missing) and returns its path.
    pub fn export_evidence_to_profile(&self, id: &str) -> Result<PathBuf> {
        // The id names a file: only an id's own characters may reach the path.
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ClientError::NotFound {
                kind: "approval request",
                id: id.to_owned(),
            });
        }
        let dir = self.dir().join(EVIDENCE_DIR);
        let out = dir.join(format!("{id}.json"));
        std::fs::create_dir_all(&dir).map_err(|e| ClientError::File {
            action: "create",
            path: out.clone(),
            reason: e.to_string(),
        })?;
        self.export_evidence(id, &out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_that_could_leave_the_folder_is_not_an_approval() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").expect("init");
        for bad in ["", "../x", "a/b", "a.b", "x y"] {
            let e = p.export_evidence_to_profile(bad).expect_err(bad);
            assert_eq!(e.code(), "not_found", "{bad}");
        }
        assert!(!dir.path().join(EVIDENCE_DIR).exists());
    }
}
