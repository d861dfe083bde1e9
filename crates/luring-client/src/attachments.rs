//! Attachments of a naskah dinas (scans, spreadsheets): attaching and listing.
//!
//! The document's automerge `attachments` list holds BLAKE3 hashes, and that list syncs
//! like any other edit. The bytes are kept outside SQLite, content-addressed in
//! `<profile>/attachments/<hash>`, so the database stays small and the same file attached
//! twice is stored once. Each file is written to a temporary file in that same folder,
//! flushed to disk and then renamed, so a power cut leaves either no file or the whole
//! one: a file named by a hash always holds those bytes.
//!
//! A hash that arrived from another device (by sync or bundle) whose bytes are not on this
//! device is listed as [`NOT_DOWNLOADED`] with 0 bytes until the resumable, chunked
//! transfer (`attachment_transfer.rs`) has put the verified file in that folder.
//!
//! The original file name is local too (table `attachment_names` of the store): a name
//! can itself be sensitive, and the hash is what an approval binds to.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use luring_model::EntityId;
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::profile::Profile;

/// Largest attachment, in bytes (25 MB, the server's default): what a 3T link can still
/// move in a day.
pub const ATTACHMENT_MAX_BYTES: u64 = luring_sync::attachments::DEFAULT_MAX_BYTES;
/// Folder of the attachment bytes inside a profile folder.
pub const ATTACHMENTS_DIR: &str = "attachments";
/// The name shown for an attachment whose bytes are not on this device.
pub const NOT_DOWNLOADED: &str = "(belum diunduh)";

/// One attachment of a document, as the Naskah screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentView {
    /// BLAKE3 of the bytes, 64 lowercase hex characters.
    pub hash: String,
    /// The file's name when it was attached, or [`NOT_DOWNLOADED`].
    pub name: String,
    /// Size on this device; 0 when not downloaded.
    pub bytes: u64,
}

fn too_big(path: &Path, len: u64) -> ClientError {
    ClientError::File {
        action: "attach",
        path: path.to_owned(),
        reason: format!(
            "it is {:.1} MB and an attachment may be at most {} MB; scan it at a lower \
             resolution or split it into several files",
            len as f64 / 1e6,
            ATTACHMENT_MAX_BYTES / 1_000_000
        ),
    }
}

/// Copies `src` into `dir` under its BLAKE3 hash, atomically; returns the hash and size.
fn store_bytes(dir: &Path, src: &Path) -> Result<(String, u64)> {
    crate::private_files::make_private(dir)?;
    let mut input = File::open(src).map_err(|e| ClientError::file("attach", src, e))?;
    let mut out =
        crate::fs::AtomicFile::new_in(dir, true).map_err(|e| ClientError::file("write", dir, e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = input
            .read(&mut buf)
            .map_err(|e| ClientError::file("attach", src, e))?;
        if n == 0 {
            break;
        }
        len += n as u64;
        // Checked while copying too: the file may grow after it was measured.
        if len > ATTACHMENT_MAX_BYTES {
            return Err(too_big(src, len));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(|e| ClientError::file("write", out.path(), e))?;
    }
    let hash = hasher.finalize().to_hex().to_string();
    let target = dir.join(&hash);
    // Same name, same bytes: a file already there is this one (the temporary file goes
    // when `out` is dropped).
    if !target.is_file() {
        out.commit(&target)
            .map_err(|e| ClientError::file("write", &target, e))?;
    }
    Ok((hash, len))
}

impl Profile {
    fn attachments_dir(&self) -> PathBuf {
        self.dir().join(ATTACHMENTS_DIR)
    }

    /// Attaches the file at `path` to a document and returns the document's attachments.
    /// Attaching the same bytes again changes nothing but the recorded name.
    pub fn attach_file(&mut self, doc_id: &str, path: &Path) -> Result<Vec<AttachmentView>> {
        let id = EntityId::parse(doc_id)?;
        // A wrong id, or a frozen letter, is reported before any file is copied.
        self.store().document(id.as_str())?;
        self.ensure_editable(id.as_str())?;
        let meta = std::fs::metadata(path).map_err(|e| ClientError::file("attach", path, e))?;
        if meta.is_dir() {
            return Err(ClientError::File {
                action: "attach",
                path: path.to_owned(),
                reason: "it is a folder, not a file".into(),
            });
        }
        if !meta.is_file() {
            return Err(ClientError::File {
                action: "attach",
                path: path.to_owned(),
                reason: "it is not a regular file".into(),
            });
        }
        if meta.len() > ATTACHMENT_MAX_BYTES {
            return Err(too_big(path, meta.len()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "lampiran".to_owned());
        let (hash, bytes) = store_bytes(&self.attachments_dir(), path)?;
        self.store_mut().attach(id.as_str(), &hash, &name, bytes)?;
        self.list_attachments(id.as_str())
    }

    /// Attachment `hash` of document `doc_id` as listed, or not found.
    pub(crate) fn listed_attachment(&self, doc_id: &str, hash: &str) -> Result<AttachmentView> {
        self.list_attachments(doc_id)?
            .into_iter()
            .find(|a| a.hash == hash)
            .ok_or_else(|| ClientError::NotFound {
                kind: "attachment of this document",
                id: hash.to_owned(),
            })
    }

    /// A document's attachments in the document's order, each once.
    pub fn list_attachments(&self, doc_id: &str) -> Result<Vec<AttachmentView>> {
        let id = EntityId::parse(doc_id)?;
        let doc = self.store().document(id.as_str())?;
        let names: HashMap<String, String> = self
            .store()
            .attachment_names(id.as_str())?
            .into_iter()
            .map(|n| (n.hash, n.name))
            .collect();
        let dir = self.attachments_dir();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        // Two devices attaching the same file concurrently can list its hash twice.
        for hash in doc.attachments {
            if !seen.insert(hash.clone()) {
                continue;
            }
            // `read_document` accepts only 64 hex characters, so a hash from another
            // device is a safe file name (no `..`, no separators).
            let on_disk = std::fs::metadata(dir.join(&hash))
                .ok()
                .filter(|m| m.is_file());
            let view = match on_disk {
                None => AttachmentView {
                    hash,
                    name: NOT_DOWNLOADED.to_owned(),
                    bytes: 0,
                },
                Some(m) => {
                    let name = match names.get(&hash) {
                        Some(n) => n.clone(),
                        // The same bytes attached to another document here, or (later)
                        // downloaded: reuse a known name, else a short hash.
                        None => self
                            .store()
                            .attachment_name_any(&hash)?
                            .map(|n| n.name)
                            .unwrap_or_else(|| format!("lampiran-{}", &hash[..12])),
                    };
                    AttachmentView {
                        hash,
                        name,
                        bytes: m.len(),
                    }
                }
            };
            out.push(view);
        }
        Ok(out)
    }
}
