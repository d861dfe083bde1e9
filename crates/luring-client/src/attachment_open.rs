//! Opening an attachment with the system's viewer: a copy under its own name.
//!
//! The bytes are kept under their hash (`attachments.rs`), a name no viewer can use: the
//! extension picks the application and the name is what the person sees in its title bar.
//! So opening first copies the bytes to `<profile>/cache/lampiran/<hash prefix>/<name>`,
//! under the name the file had when attached (made safe for a file system), and the desktop
//! hands that path to the system (`xdg-open` and the like). One folder per hash keeps two
//! attachments called `scan.pdf` apart. The copy is private to the profile's owner, like
//! everything in a profile, and rewritten at every opening, so a viewer that saved over it
//! never changes what the next opening shows.
//!
//! A colleague's attachment has no name here (names stay on the device that attached the
//! file), so its copy is `lampiran-<hash>` plus the extension its first bytes show (`infer`,
//! which Tauri already uses): without one, a viewer picks no application, or the wrong one.
//! Copies are only for the viewer: each opening removes those not opened for
//! [`VIEW_KEEP`], so a laptop's disk does not fill with 25 MB scans seen once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::attachments::{ATTACHMENTS_DIR, NOT_DOWNLOADED};
use crate::error::{ClientError, Result};
use crate::profile::Profile;

/// Where copies for the viewer go, inside a profile folder.
pub const VIEW_DIR: &str = "cache/lampiran";

/// How long a copy for the viewer is kept after its last opening.
pub const VIEW_KEEP: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest file name written, in bytes (most file systems allow 255).
const NAME_MAX_BYTES: usize = 120;

/// `name` as a file name any common file system accepts and that stays in its folder:
/// separators, `:*?"<>|` and control characters become `_`, leading dots and spaces go (no
/// hidden file, no `..`), trailing dots and spaces go (Windows drops them), and a long name
/// is shortened before its extension. Empty or nothing left: `lampiran`.
pub fn safe_file_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = replaced
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return "lampiran".to_owned();
    }
    if trimmed.len() <= NAME_MAX_BYTES {
        return trimmed.to_owned();
    }
    // Keep a short extension; cut the stem at a character boundary.
    let (stem, ext) = match trimmed.rfind('.') {
        Some(i) if trimmed.len() - i <= 16 => trimmed.split_at(i),
        _ => (trimmed, ""),
    };
    let mut cut = NAME_MAX_BYTES - ext.len();
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", stem[..cut].trim_end_matches(['.', ' ']))
}

impl Profile {
    /// Copies attachment `hash` of document `doc_id` to a file under its original name (see
    /// the module's guide) and returns that file's path, for the system's viewer. An
    /// attachment whose bytes are not on this device yet is
    /// [`ClientError::NotDownloaded`]: download it first.
    pub fn attachment_for_viewing(&self, doc_id: &str, hash: &str) -> Result<PathBuf> {
        // Only a hash of this document: `list_attachments` holds 64-hex hashes only, so
        // the hash is safe in a path too.
        let a = self.listed_attachment(doc_id, hash)?;
        if a.bytes == 0 && a.name == NOT_DOWNLOADED {
            return Err(ClientError::NotDownloaded(a.hash));
        }
        let source = self.dir().join(ATTACHMENTS_DIR).join(&a.hash);
        let dir = self.dir().join(VIEW_DIR).join(&a.hash[..16]);
        crate::private_files::make_private(&dir)?;
        let mut name = safe_file_name(&a.name);
        if Path::new(&name).extension().is_none() {
            if let Some(ext) = viewable_extension(&source) {
                name = format!("{name}.{ext}");
            }
        }
        let out = dir.join(name);
        let mut input =
            std::fs::File::open(&source).map_err(|e| ClientError::file("open", &source, e))?;
        let mut copy = crate::fs::AtomicFile::new_in(&dir, true)
            .map_err(|e| ClientError::file("write", &dir, e))?;
        std::io::copy(&mut input, &mut copy).map_err(|e| ClientError::file("write", &out, e))?;
        copy.flush()
            .map_err(|e| ClientError::file("write", &out, e))?;
        copy.commit(&out)
            .map_err(|e| ClientError::file("write", &out, e))?;
        prune_view_copies(&self.dir().join(VIEW_DIR), SystemTime::now());
        Ok(out)
    }
}

/// The extensions a nameless attachment may be given from its bytes: documents, sheets,
/// slides, images and archives an office opens every day. Never a program or a script
/// (`exe`, `msi`, `sh`, `elf`, `jar`, `html`, …): the system would run it on "Buka"
/// instead of showing it, so bytes of any other kind keep the bare name and the system
/// asks which application to use.
const VIEWABLE: &[&str] = &[
    "pdf", "png", "jpg", "gif", "webp", "tif", "bmp", "heic", "docx", "xlsx", "pptx", "odt", "ods",
    "odp", "doc", "xls", "ppt", "rtf", "epub", "zip", "7z", "rar", "gz", "mp3", "m4a", "ogg",
    "wav", "mp4", "webm",
];

/// The extension the file's first bytes show, if it is one of [`VIEWABLE`].
fn viewable_extension(path: &Path) -> Option<&'static str> {
    let kind = infer::get_from_path(path).ok()??;
    VIEWABLE.iter().copied().find(|e| *e == kind.extension())
}

/// Removes the viewer's copies not written for [`VIEW_KEEP`] (each hash's folder gets a
/// new modification time when its copy is rewritten). Best effort: a copy a viewer still
/// holds open, or a folder that cannot be read, stays for the next time.
fn prune_view_copies(root: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > VIEW_KEEP));
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_stays_in_its_folder_and_keeps_its_extension() {
        assert_eq!(safe_file_name("undangan-musdes.pdf"), "undangan-musdes.pdf");
        assert_eq!(
            safe_file_name("Surat Dinas (final).docx"),
            "Surat Dinas (final).docx"
        );
        assert_eq!(safe_file_name("../../.bashrc"), "_.._.bashrc");
        assert_eq!(safe_file_name(".."), "lampiran");
        assert_eq!(safe_file_name(""), "lampiran");
        assert_eq!(
            safe_file_name("a:b*c?d\"e<f>g|h\\i\nj.pdf"),
            "a_b_c_d_e_f_g_h_i_j.pdf"
        );
        assert_eq!(safe_file_name(".hidden. "), "hidden");
        let long = format!("{}.pdf", "é".repeat(100));
        let short = safe_file_name(&long);
        assert!(short.len() <= NAME_MAX_BYTES, "{}", short.len());
        assert!(short.ends_with("é.pdf"), "{short}");
    }

    #[test]
    fn an_attachment_is_copied_under_its_name_and_a_foreign_hash_is_refused() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut p = Profile::init(&dir.path().join("p"), "Ani Lestari", "198703122010011002")
            .expect("init");
        let doc = p
            .new_document(&crate::NewDocInput {
                title: "Undangan musyawarah".into(),
                kind: Some("surat".into()),
                body: "Terlampir.".into(),
                classification: None,
            })
            .expect("a document");
        let scan = dir.path().join("undangan: musdes.pdf");
        std::fs::write(&scan, b"%PDF-1.4 undangan").expect("written");
        let listed = p.attach_file(&doc, &scan).expect("attached");
        let hash = &listed[0].hash;

        let out = p.attachment_for_viewing(&doc, hash).expect("copied");
        assert_eq!(out.file_name().expect("a name"), "undangan_ musdes.pdf");
        assert!(out.starts_with(p.dir().join(VIEW_DIR)));
        assert_eq!(std::fs::read(&out).expect("read"), b"%PDF-1.4 undangan");
        // Again: the same file, rewritten, nothing else beside it.
        std::fs::write(&out, b"changed by a viewer").expect("written");
        let again = p.attachment_for_viewing(&doc, hash).expect("copied again");
        assert_eq!(again, out);
        assert_eq!(std::fs::read(&out).expect("read"), b"%PDF-1.4 undangan");
        let parent = out.parent().expect("a folder");
        assert_eq!(std::fs::read_dir(parent).expect("listed").count(), 1);

        let e = p
            .attachment_for_viewing(&doc, &"0".repeat(64))
            .expect_err("not this document's");
        assert_eq!(e.code(), "not_found");
    }

    #[test]
    fn copies_not_opened_for_a_day_are_removed_and_fresh_ones_stay() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        for name in ["lama", "baru"] {
            std::fs::create_dir_all(root.join(name)).expect("made");
            std::fs::write(root.join(name).join("scan.pdf"), b"x").expect("written");
        }
        let day_later = SystemTime::now() + VIEW_KEEP + Duration::from_secs(60);
        let old = std::fs::File::open(root.join("lama")).expect("opened");
        old.set_modified(SystemTime::now() - VIEW_KEEP - Duration::from_secs(120))
            .expect("dated");
        prune_view_copies(root, SystemTime::now());
        assert!(
            !root.join("lama").exists(),
            "a copy older than a day is removed"
        );
        assert!(
            root.join("baru").join("scan.pdf").is_file(),
            "a fresh copy stays"
        );
        prune_view_copies(root, day_later);
        assert!(!root.join("baru").exists());
        prune_view_copies(&root.join("nowhere"), day_later);
    }
}
