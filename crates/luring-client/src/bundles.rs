//! Offline exchange by bundle file: every task and document of the profile written to one
//! file (carried on a flash disk where there is no signal), and a colleague's file merged.

use std::path::{Path, PathBuf};

use luring_store::{ImportSummary, MetaKey};

use crate::error::{ClientError, Result};
use crate::profile::{Profile, DB_FILE};
use crate::views::ExportSummary;

impl Profile {
    /// Writes every task and document to a bundle file, atomically (a cut leaves either the
    /// old file or the complete new one).
    pub fn export_bundle(&self, out: &Path) -> Result<ExportSummary> {
        if self.is_own_file(out) {
            return Err(ClientError::File {
                action: "write",
                path: out.to_owned(),
                reason: "it is a file of this profile's database; choose another name".into(),
            });
        }
        let bytes = self.store().export_bundle(self.nip())?;
        crate::fs::write_atomic(out, &bytes).map_err(|e| ClientError::file("write", out, e))?;
        Ok(ExportSummary {
            path: out.display().to_string(),
            bytes: bytes.len() as u64,
        })
    }

    /// Whether `path` names the database or one of its WAL files (writing there would
    /// destroy the profile).
    fn is_own_file(&self, path: &Path) -> bool {
        let canon = |p: &Path| -> Option<PathBuf> {
            let parent = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        };
        let Some(target) = canon(path) else {
            return false;
        };
        ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
            canon(&self.dir().join(format!("{DB_FILE}{suffix}"))).as_deref()
                == Some(target.as_path())
        })
    }

    /// Merges a bundle file. A damaged or foreign file is refused and changes nothing.
    pub fn import_bundle(&mut self, file: &Path) -> Result<ImportSummary> {
        let len = std::fs::metadata(file)
            .map_err(|e| ClientError::file("read", file, e))?
            .len();
        if len > luring_store::bundle::MAX_FILE {
            return Err(ClientError::File {
                action: "import",
                path: file.to_owned(),
                reason: format!(
                    "it is {} MiB, larger than any Luring bundle; it is not a bundle",
                    len >> 20
                ),
            });
        }
        let bytes = std::fs::read(file).map_err(|e| ClientError::file("read", file, e))?;
        let summary = self.store_mut().import_bundle(&bytes)?;
        // A profile that never syncs (no server) has no first sync to start its news
        // (`sync.rs`): its first bundle plays that part. What came in it was already the
        // person's; what later bundles bring is new to her.
        if self.store().news_seen()?.is_none() && self.store().get(MetaKey::Server)?.is_none() {
            self.store().put(MetaKey::NewsSeen, "0")?;
        }
        Ok(summary)
    }
}
