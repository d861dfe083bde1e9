//! Saving an approval's evidence file where the person chose (the desktop's save dialog),
//! under a name that says what it is.
//!
//! The evidence used to go into the profile's hidden `bukti/` folder without asking, where
//! nobody would find it to send on. Now the desktop asks with the system's save dialog,
//! offering [`Profile::evidence_file_name`], and passes the chosen path to
//! [`Profile::export_evidence_to`]. Both are rules (what a file system accepts in a name,
//! what may be overwritten), so they live here and the shell's commands are one call each.
//! The CLI writes wherever `--out` says, through [`Profile::export_evidence`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{ClientError, Result};
use crate::profile::Profile;

/// At most this many characters of the letter number or title go into a file name: long
/// enough to recognise the letter, short enough for any file system and a dialog's field.
const NAME_PART_MAX: usize = 48;

/// `s` as part of a file name every common file system accepts: letters and digits are
/// kept (a title's case too), every run of anything else (`/` of a letter number, spaces,
/// `:*?"<>|\`, control characters, dots) becomes one `-`, and the result has no `-` at
/// either end and at most `max` characters. Empty when nothing usable is left.
pub fn file_name_part(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    let cut: String = out.chars().take(max).collect();
    cut.trim_end_matches('-').to_owned()
}

impl Profile {
    /// The name the save dialog offers for the evidence of request `request_id`:
    /// `bukti-persetujuan-<letter number, or else the title>-<today, yyyy-mm-dd>.json`, safe
    /// for any file system (see [`file_name_part`]).
    pub fn evidence_file_name(&self, request_id: &str, today: NaiveDate) -> Result<String> {
        let request = self.show_approval(request_id)?;
        let doc = self.show_document(&request.document_id)?;
        let what = doc
            .letter_number
            .as_deref()
            .map(|n| file_name_part(n, NAME_PART_MAX))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| file_name_part(&doc.title.to_lowercase(), NAME_PART_MAX));
        let date = today.format("%Y-%m-%d");
        Ok(if what.is_empty() {
            format!("bukti-persetujuan-{date}.json")
        } else {
            format!("bukti-persetujuan-{what}-{date}.json")
        })
    }

    /// Writes the evidence file of request `request_id` to `path`, the file the person
    /// chose, and returns that path. The write is atomic (a temporary file in the same
    /// folder, renamed over the target), so an existing file the person agreed to replace
    /// is either the old one or the whole new one. A folder is refused with
    /// [`ClientError::SaveToFolder`], and nothing is written when the evidence cannot be
    /// made (an unknown request, a version not on this device).
    pub fn export_evidence_to(&self, request_id: &str, path: &Path) -> Result<PathBuf> {
        if path.as_os_str().is_empty() || path.is_dir() || path.file_name().is_none() {
            return Err(ClientError::SaveToFolder(path.to_owned()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(ClientError::File {
                    action: "save",
                    path: path.to_owned(),
                    reason: "its folder does not exist; choose another folder".into(),
                });
            }
        }
        self.export_evidence(request_id, path)?;
        Ok(path.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_part_keeps_letters_and_digits_and_joins_the_rest_with_one_dash() {
        assert_eq!(file_name_part("800/012/DKI/2025", 48), "800-012-DKI-2025");
        assert_eq!(
            file_name_part("nota dinas: rapat \"koordinasi\"?", 48),
            "nota-dinas-rapat-koordinasi"
        );
        assert_eq!(file_name_part("../../etc/passwd", 48), "etc-passwd");
        assert_eq!(
            file_name_part("a\\b|c*d<e>f\u{0}g\ntab", 48),
            "a-b-c-d-e-f-g-tab"
        );
        assert_eq!(file_name_part("Surat Ñandú", 48), "Surat-Ñandú");
        assert_eq!(file_name_part("/// . ///", 48), "");
        // Cut at a character, never leaving a dash at the end.
        assert_eq!(file_name_part("abcde fgh", 6), "abcde");
        assert_eq!(file_name_part("ééééé", 3), "ééé");
    }

    #[test]
    fn a_folder_or_a_missing_folder_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let p = Profile::init(&dir.path().join("p"), "Ani Lestari", "198703122010011002")
            .expect("init");
        let e = p
            .export_evidence_to("a-x", dir.path())
            .expect_err("a folder");
        assert_eq!(e.code(), "save_to_folder");
        let e = p
            .export_evidence_to("a-x", Path::new(""))
            .expect_err("no path");
        assert_eq!(e.code(), "save_to_folder");
        let missing = dir.path().join("tidak-ada").join("bukti.json");
        let e = p
            .export_evidence_to("a-x", &missing)
            .expect_err("no folder");
        assert_eq!(e.code(), "file");
        // An unknown request writes nothing either.
        let out = dir.path().join("bukti.json");
        let e = p.export_evidence_to("a-x", &out).expect_err("no request");
        assert_eq!(e.code(), "not_found");
        assert!(!out.exists());
    }
}
