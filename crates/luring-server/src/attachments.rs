//! The server's attachment files: complete ones, served by chunk, and uploads under way.
//!
//! Why on disk under `--data/attachments` and not in the database: an attachment is up to
//! 25 MB of bytes that never change once complete (its name is its BLAKE3 hash), so the
//! database stays small and quick to back up and migrate, a chunk is served by reading 16
//! KiB at an offset (no blob loaded whole), and a file is written once and never updated.
//! Everything is private to the server's user: folders 0700, files 0600 (as the rest of
//! the data folder, see [`crate::files`]).
//!
//! Layout:
//! - `files/<first two hex>/<hash>`: a complete file, verified against its hash, and
//!   `<hash>.manifest`, its manifest (see [`luring_sync::attachments`]);
//! - `partial/<hash>/`: an upload under way: `data` (sparse, chunks written in place),
//!   `manifest` and `pages` (the declared manifest and which pages arrived), `have` (one
//!   byte per chunk, set only after the chunk was verified and written), `owner` (who
//!   started it, the declared size, when it was last touched).
//!
//! Nothing unverified is ever served: a manifest is accepted only once the whole of it
//! matches the hash, each chunk only if it matches its manifest entry, and a file becomes
//! visible (is moved under `files/`) only after its bytes, read back whole, hash to its
//! name. Uploads under way are bounded per user (count and declared bytes) and expire when
//! untouched for a day, so a hostile colleague cannot fill the disk with half-uploads.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use luring_sync::attachments::{
    self as wire, AttachmentStatus, VerifyError, CHUNK_SIZE, ENTRY_LEN, MANIFEST_PAGE,
};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

/// Bounds on attachments and on uploads under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Uploads one user may have under way at once.
    pub partial_per_user: usize,
    /// Declared bytes of one user's uploads under way, together.
    pub partial_bytes_per_user: u64,
    /// An upload untouched this long is removed.
    pub expiry: Duration,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self::with_max(wire::DEFAULT_MAX_BYTES)
    }
}

impl AttachmentLimits {
    /// The defaults around a largest file of `max_bytes`.
    pub fn with_max(max_bytes: u64) -> Self {
        Self {
            max_bytes,
            partial_per_user: 4,
            partial_bytes_per_user: max_bytes.saturating_mul(2),
            expiry: Duration::from_secs(24 * 3600),
        }
    }
}

/// Why an attachment operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is {size_mb:.1} MB and an attachment may be at most {max_mb:.1} MB; scan it at a lower resolution or split it into several files", size_mb = *.size as f64 / 1e6, max_mb = *.max as f64 / 1e6)]
    TooBig { size: u64, max: u64 },
    #[error("you already have {0}; let them finish (or wait a day for them to expire) before starting another")]
    TooManyUploads(String),
    #[error("this upload was started with another size ({0} bytes)")]
    SizeMismatch(u64),
    #[error("no upload of this attachment is under way: start it first")]
    NoUpload,
    #[error("send the whole manifest before the chunks")]
    NoManifest,
    #[error("the server does not have this attachment yet: the person who attached it has not uploaded it")]
    NotHere,
    #[error("manifest page {0} does not exist")]
    NoSuchPage(u32),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error("the uploaded file does not match its hash; it was discarded, upload it again")]
    WholeMismatch,
    #[error("the proof that you hold this file's bytes is wrong")]
    WrongProof,
    #[error("attachment storage failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Who started an upload, and how big it said it would be.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Owner {
    nip: String,
    /// The document the upload was started through: it is vouched for once complete.
    doc: String,
    size: u64,
    /// Seconds since the epoch of the last accepted write.
    touched: u64,
}

/// The attachment folder of a server.
pub struct AttachmentStore {
    root: PathBuf,
    pub limits: AttachmentLimits,
    /// Starting and ending uploads (quota counts, moves) happen one at a time.
    global: Mutex<()>,
    /// Writes to one upload happen one at a time.
    per_hash: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Keys the possession proofs' nonces (new at every start: a proof asked for before
    /// a restart is asked again).
    proof_key: [u8; 32],
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn private_dir(p: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(p)
}

fn private_file(p: &Path, create: bool) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(create);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p)
}

#[cfg(unix)]
fn write_at(f: &File, buf: &[u8], off: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, buf, off)
}
#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}
#[cfg(not(unix))]
fn write_at(f: &File, buf: &[u8], off: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = f;
    f.seek(SeekFrom::Start(off))?;
    f.write_all(buf)
}
#[cfg(not(unix))]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = f;
    f.seek(SeekFrom::Start(off))?;
    f.read_exact(buf)
}

fn write_private(p: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let f = private_file(p, true)?;
    f.set_len(0)?;
    write_at(&f, bytes, 0)?;
    f.sync_all()
}

impl AttachmentStore {
    /// The attachment folder `root` (created 0700 if missing).
    pub fn open(root: &Path, limits: AttachmentLimits) -> std::io::Result<Self> {
        private_dir(&root.join("files"))?;
        private_dir(&root.join("partial"))?;
        Ok(Self {
            root: root.to_owned(),
            limits,
            global: Mutex::new(()),
            per_hash: Mutex::new(HashMap::new()),
            proof_key: rand::random(),
        })
    }

    // Every `hash` below was checked by `wire::parse_hash` (64 hex characters): it is a
    // safe file name.
    fn file(&self, hash: &str) -> PathBuf {
        self.root.join("files").join(&hash[..2]).join(hash)
    }
    fn manifest_file(&self, hash: &str) -> PathBuf {
        self.root
            .join("files")
            .join(&hash[..2])
            .join(format!("{hash}.manifest"))
    }
    fn docs_file(&self, hash: &str) -> PathBuf {
        self.root
            .join("files")
            .join(&hash[..2])
            .join(format!("{hash}.docs"))
    }

    /// Whether the file was uploaded, or its possession proven, through document `doc`:
    /// only then does `doc` listing the hash give access to the bytes.
    pub fn vouched(&self, hash: &str, doc: &str) -> bool {
        std::fs::read_to_string(self.docs_file(hash)).is_ok_and(|s| s.lines().any(|l| l == doc))
    }

    fn vouch(&self, hash: &str, doc: &str) -> Result<(), AttachmentError> {
        if self.vouched(hash, doc) {
            return Ok(());
        }
        let mut s = std::fs::read_to_string(self.docs_file(hash)).unwrap_or_default();
        s.push_str(doc);
        s.push('\n');
        write_private(&self.docs_file(hash), s.as_bytes())?;
        Ok(())
    }

    fn nonce(&self, hash: &str, doc: &str) -> [u8; 32] {
        *blake3::keyed_hash(&self.proof_key, format!("{hash}/{doc}").as_bytes()).as_bytes()
    }

    /// Checks a proof that the uploader holds the bytes of a complete file, and vouches
    /// for `doc` if it holds.
    pub fn prove(&self, hash: &str, doc: &str, proof: &[u8]) -> Result<(), AttachmentError> {
        if self.complete_size(hash).is_none() {
            return Err(AttachmentError::NotHere);
        }
        let mut h = luring_sync::attachments::possession_proof(&self.nonce(hash, doc));
        let mut f = File::open(self.file(hash))?;
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        if h.finalize().as_bytes()[..] != *proof {
            return Err(AttachmentError::WrongProof);
        }
        let _g = self.global.lock();
        self.vouch(hash, doc)
    }

    fn partial(&self, hash: &str) -> PathBuf {
        self.root.join("partial").join(hash)
    }
    fn lock_of(&self, hash: &str) -> Arc<Mutex<()>> {
        self.per_hash
            .lock()
            .entry(hash.to_owned())
            .or_default()
            .clone()
    }

    fn owner(&self, hash: &str) -> Result<Option<Owner>, AttachmentError> {
        match std::fs::read(self.partial(hash).join("owner")) {
            Ok(b) => Ok(serde_json::from_slice(&b).ok()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The size of a complete file, if the server has it.
    fn complete_size(&self, hash: &str) -> Option<u64> {
        std::fs::metadata(self.file(hash))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }

    /// Whether the server has the whole of `hash`, verified.
    pub fn is_complete(&self, hash: &str) -> bool {
        self.complete_size(hash).is_some()
    }

    /// How far the server has `hash`; `None` when it has none of it.
    pub fn status(&self, hash: &str) -> Result<Option<AttachmentStatus>, AttachmentError> {
        if let Some(size) = self.complete_size(hash) {
            return Ok(Some(AttachmentStatus {
                size,
                chunk_size: CHUNK_SIZE,
                chunks: wire::chunk_count(size),
                complete: true,
                manifest: true,
                have: vec![(0, wire::chunk_count(size))],
                proof_nonce: None,
            }));
        }
        let Some(owner) = self.owner(hash)? else {
            return Ok(None);
        };
        let dir = self.partial(hash);
        let pages = std::fs::read(dir.join("pages"))?;
        let have = std::fs::read(dir.join("have"))?;
        let bits: Vec<bool> = have.iter().map(|b| *b == 1).collect();
        Ok(Some(AttachmentStatus {
            size: owner.size,
            chunk_size: CHUNK_SIZE,
            chunks: wire::chunk_count(owner.size),
            complete: false,
            manifest: pages.iter().all(|p| *p == 1),
            have: wire::ranges(&bits),
            proof_nonce: None,
        }))
    }

    /// Starts (or joins) the upload of `hash`, `size` bytes, for the user `nip` through
    /// document `doc`. A file already complete but not through `doc` asks for a proof.
    pub fn begin(
        &self,
        hash: &str,
        size: u64,
        nip: &str,
        doc: &str,
    ) -> Result<AttachmentStatus, AttachmentError> {
        if size > self.limits.max_bytes {
            return Err(AttachmentError::TooBig {
                size,
                max: self.limits.max_bytes,
            });
        }
        let _g = self.global.lock();
        if let Some(mut s) = self.status(hash)? {
            if s.size != size {
                return Err(AttachmentError::SizeMismatch(s.size));
            }
            if s.complete && !self.vouched(hash, doc) {
                s.proof_nonce = Some(hex::encode(self.nonce(hash, doc)));
            }
            return Ok(s);
        }
        let (count, bytes) = self.sweep_and_count(nip)?;
        if count >= self.limits.partial_per_user {
            return Err(AttachmentError::TooManyUploads(format!(
                "{count} uploads under way"
            )));
        }
        if bytes.saturating_add(size) > self.limits.partial_bytes_per_user {
            return Err(AttachmentError::TooManyUploads(format!(
                "{:.1} MB of uploads under way",
                bytes as f64 / 1e6
            )));
        }
        let dir = self.partial(hash);
        // A leftover of a failed start: begin again.
        let _ = std::fs::remove_dir_all(&dir);
        private_dir(&dir)?;
        let chunks = u64::from(wire::chunk_count(size));
        private_file(&dir.join("data"), true)?.set_len(size)?;
        private_file(&dir.join("manifest"), true)?.set_len(chunks * ENTRY_LEN as u64)?;
        write_private(
            &dir.join("pages"),
            &vec![0u8; wire::page_count(size) as usize],
        )?;
        write_private(&dir.join("have"), &vec![0u8; chunks as usize])?;
        // Written last: an upload exists once its owner is recorded.
        self.touch(hash, nip, doc, size)?;
        self.status(hash)?.ok_or(AttachmentError::NoUpload)
    }

    fn touch(&self, hash: &str, nip: &str, doc: &str, size: u64) -> Result<(), AttachmentError> {
        let o = Owner {
            nip: nip.to_owned(),
            doc: doc.to_owned(),
            size,
            touched: now_secs(),
        };
        let json = serde_json::to_vec(&o).map_err(std::io::Error::other)?;
        write_private(&self.partial(hash).join("owner"), &json)?;
        Ok(())
    }

    /// Removes expired uploads; returns `nip`'s uploads under way and their declared bytes.
    fn sweep_and_count(&self, nip: &str) -> Result<(usize, u64), AttachmentError> {
        let (mut count, mut bytes) = (0, 0u64);
        let now = now_secs();
        for entry in std::fs::read_dir(self.root.join("partial"))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if wire::parse_hash(&name).is_err() {
                continue;
            }
            match self.owner(&name)? {
                Some(o) if now.saturating_sub(o.touched) < self.limits.expiry.as_secs() => {
                    if o.nip == nip {
                        count += 1;
                        bytes = bytes.saturating_add(o.size);
                    }
                }
                // Expired, or a start that never finished.
                _ => {
                    tracing::info!(hash = %name, "expired attachment upload removed");
                    std::fs::remove_dir_all(entry.path())?;
                }
            }
        }
        Ok((count, bytes))
    }

    /// Stores page `page` of the declared manifest; once every page is there the whole
    /// manifest is checked against the hash (and forgotten if it does not match).
    pub fn put_page(
        &self,
        hash: &[u8; 32],
        hex: &str,
        page: u32,
        body: &[u8],
    ) -> Result<bool, AttachmentError> {
        let lock = self.lock_of(hex);
        let _g = lock.lock();
        let owner = self.owner(hex)?.ok_or(AttachmentError::NoUpload)?;
        let range = wire::page_range(owner.size, page);
        if page >= wire::page_count(owner.size) || range.is_empty() {
            return Err(AttachmentError::NoSuchPage(page));
        }
        let want = range.len() * ENTRY_LEN;
        if body.len() != want {
            return Err(VerifyError::ManifestLength {
                size: owner.size,
                got: body.len() / ENTRY_LEN,
                want: range.len() as u32,
            }
            .into());
        }
        let dir = self.partial(hex);
        let m = private_file(&dir.join("manifest"), false)?;
        write_at(&m, body, u64::from(range.start) * ENTRY_LEN as u64)?;
        m.sync_data()?;
        let mut pages = std::fs::read(dir.join("pages"))?;
        if let Some(p) = pages.get_mut(page as usize) {
            *p = 1;
        }
        if pages.iter().all(|p| *p == 1) {
            let manifest = std::fs::read(dir.join("manifest"))?;
            if let Err(e) = wire::verify_manifest(hash, owner.size, &manifest) {
                // Every page is forgotten: which one lied cannot be told.
                write_private(&dir.join("pages"), &vec![0u8; pages.len()])?;
                return Err(e.into());
            }
        }
        write_private(&dir.join("pages"), &pages)?;
        self.touch(hex, &owner.nip, &owner.doc, owner.size)?;
        Ok(pages.iter().all(|p| *p == 1))
    }

    /// Stores chunk `index` after checking it against the manifest; the last one makes
    /// the file complete (after the whole file is checked). Returns whether it is complete.
    pub fn put_chunk(
        &self,
        hash: &[u8; 32],
        hex: &str,
        index: u32,
        body: &[u8],
    ) -> Result<bool, AttachmentError> {
        if self.complete_size(hex).is_some() {
            return Ok(true);
        }
        let lock = self.lock_of(hex);
        let _g = lock.lock();
        let owner = self.owner(hex)?.ok_or(AttachmentError::NoUpload)?;
        let dir = self.partial(hex);
        let pages = std::fs::read(dir.join("pages"))?;
        if !pages.iter().all(|p| *p == 1) {
            return Err(AttachmentError::NoManifest);
        }
        let chunks = wire::chunk_count(owner.size);
        if index >= chunks {
            return Err(VerifyError::NoSuchChunk { index, chunks }.into());
        }
        let m = private_file(&dir.join("manifest"), false)?;
        let mut entry = [0u8; ENTRY_LEN];
        read_at(&m, &mut entry, u64::from(index) * ENTRY_LEN as u64)?;
        wire::verify_chunk(&entry, owner.size, index, body)?;
        let data = private_file(&dir.join("data"), false)?;
        write_at(&data, body, u64::from(index) * CHUNK_SIZE)?;
        data.sync_data()?;
        let have_f = private_file(&dir.join("have"), false)?;
        write_at(&have_f, &[1], u64::from(index))?;
        have_f.sync_data()?;
        self.touch(hex, &owner.nip, &owner.doc, owner.size)?;
        let have = std::fs::read(dir.join("have"))?;
        if !have.iter().all(|b| *b == 1) {
            return Ok(false);
        }
        self.finish(hash, hex, &dir, &owner.doc)?;
        Ok(true)
    }

    /// Checks the whole file against its hash and makes it visible.
    fn finish(
        &self,
        hash: &[u8; 32],
        hex: &str,
        dir: &Path,
        doc: &str,
    ) -> Result<(), AttachmentError> {
        let _g = self.global.lock();
        let mut f = File::open(dir.join("data"))?;
        let mut h = blake3::Hasher::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        if h.finalize().as_bytes() != hash {
            // Cannot happen with a checked manifest and checked chunks, unless the disk
            // lied: start over rather than serve it.
            std::fs::remove_dir_all(dir)?;
            return Err(AttachmentError::WholeMismatch);
        }
        let target = self.file(hex);
        if let Some(parent) = target.parent() {
            private_dir(parent)?;
        }
        // The manifest and the document first: a visible file always has them.
        std::fs::rename(dir.join("manifest"), self.manifest_file(hex))?;
        self.vouch(hex, doc)?;
        std::fs::rename(dir.join("data"), &target)?;
        std::fs::remove_dir_all(dir)?;
        self.per_hash.lock().remove(hex);
        tracing::info!(hash = %hex, "attachment complete");
        Ok(())
    }

    /// Manifest page `page` of a complete file.
    pub fn read_page(&self, hex: &str, page: u32) -> Result<Vec<u8>, AttachmentError> {
        let size = self.complete_size(hex).ok_or(AttachmentError::NotHere)?;
        let range = wire::page_range(size, page);
        if page >= wire::page_count(size) || range.is_empty() {
            return Err(AttachmentError::NoSuchPage(page));
        }
        let f = File::open(self.manifest_file(hex))?;
        let mut buf = vec![0u8; range.len() * ENTRY_LEN];
        read_at(&f, &mut buf, u64::from(range.start) * ENTRY_LEN as u64)?;
        Ok(buf)
    }

    /// Chunk `index` of a complete file.
    pub fn read_chunk(&self, hex: &str, index: u32) -> Result<Vec<u8>, AttachmentError> {
        let size = self.complete_size(hex).ok_or(AttachmentError::NotHere)?;
        let len = wire::chunk_len(size, index)?;
        let f = File::open(self.file(hex))?;
        let mut buf = vec![0u8; len];
        read_at(&f, &mut buf, u64::from(index) * CHUNK_SIZE)?;
        Ok(buf)
    }
}

/// Entries per manifest page, re-exported for the handlers' body limits.
pub const PAGE_BYTES: usize = MANIFEST_PAGE as usize * ENTRY_LEN;

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(s: &AttachmentStore, data: &[u8], nip: &str) -> Result<bool, AttachmentError> {
        let hash = *blake3::hash(data).as_bytes();
        let hex = hex::encode(hash);
        let size = data.len() as u64;
        s.begin(&hex, size, nip, "d-1")?;
        let mut m = wire::ManifestBuilder::new(size);
        for c in data.chunks(CHUNK_SIZE as usize) {
            m.push(c);
        }
        let m = m.finish();
        for p in 0..wire::page_count(size) {
            let r = wire::page_range(size, p);
            s.put_page(
                &hash,
                &hex,
                p,
                &m[r.start as usize * 32..r.end as usize * 32],
            )?;
        }
        let mut done = false;
        for (i, c) in data.chunks(CHUNK_SIZE as usize).enumerate() {
            done = s.put_chunk(&hash, &hex, i as u32, c)?;
        }
        Ok(done)
    }

    #[test]
    fn an_upload_becomes_visible_only_when_whole_and_is_served_by_chunk() {
        let tmp = tempfile::tempdir().unwrap();
        let s = AttachmentStore::open(tmp.path(), AttachmentLimits::default()).unwrap();
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
        let hex = hex::encode(blake3::hash(&data).as_bytes());
        assert!(upload(&s, &data, "1").unwrap());
        let st = s.status(&hex).unwrap().unwrap();
        assert!(st.complete && st.size == 100_000);
        let mut back = Vec::new();
        for i in 0..st.chunks {
            back.extend(s.read_chunk(&hex, i).unwrap());
        }
        assert_eq!(back, data);
        assert_eq!(s.read_page(&hex, 0).unwrap().len(), st.chunks as usize * 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(s.file(&hex))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o600);
        }
    }

    #[test]
    fn lies_and_floods_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let limits = AttachmentLimits {
            max_bytes: 1_000_000,
            partial_per_user: 2,
            partial_bytes_per_user: 1_500_000,
            expiry: Duration::from_secs(3600),
        };
        let s = AttachmentStore::open(tmp.path(), limits).unwrap();
        let h = |n: u8| hex::encode([n; 32]);
        assert!(matches!(
            s.begin(&h(1), 1_000_001, "1", "d-1"),
            Err(AttachmentError::TooBig { .. })
        ));
        s.begin(&h(1), 900_000, "1", "d-1").unwrap();
        assert!(matches!(
            s.begin(&h(2), 900_000, "1", "d-1"),
            Err(AttachmentError::TooManyUploads(_))
        ));
        s.begin(&h(2), 100, "1", "d-1").unwrap();
        assert!(matches!(
            s.begin(&h(3), 100, "1", "d-1"),
            Err(AttachmentError::TooManyUploads(_))
        ));
        // Another user has their own allowance.
        s.begin(&h(3), 100, "2", "d-1").unwrap();
        // A manifest that is not the hash's is refused once whole; no chunk before it.
        assert!(matches!(
            s.put_chunk(&[2; 32], &h(2), 0, &[0; 100]),
            Err(AttachmentError::NoManifest)
        ));
        assert!(s.put_page(&[2; 32], &h(2), 0, &[7; 32]).is_err());
        assert!(!s.status(&h(2)).unwrap().unwrap().manifest);
        // A chunk that does not match the manifest is refused and not kept.
        let data = vec![5u8; 40_000];
        let hash = *blake3::hash(&data).as_bytes();
        let hex = hex::encode(hash);
        s.begin(&hex, 40_000, "2", "d-1").unwrap();
        let mut m = wire::ManifestBuilder::new(40_000);
        for c in data.chunks(CHUNK_SIZE as usize) {
            m.push(c);
        }
        assert!(s.put_page(&hash, &hex, 0, &m.finish()).unwrap());
        let mut bad = data[..CHUNK_SIZE as usize].to_vec();
        bad[9] = 6;
        assert!(matches!(
            s.put_chunk(&hash, &hex, 0, &bad),
            Err(AttachmentError::Verify(VerifyError::ChunkMismatch { .. }))
        ));
        assert!(s.status(&hex).unwrap().unwrap().have.is_empty());
        assert!(
            s.read_chunk(&hex, 0).is_err(),
            "nothing served before complete"
        );
    }

    #[test]
    fn another_document_needs_a_proof_of_the_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let s = AttachmentStore::open(tmp.path(), AttachmentLimits::default()).unwrap();
        let data = vec![9u8; 20_000];
        let hex = hex::encode(blake3::hash(&data).as_bytes());
        assert!(upload(&s, &data, "1").unwrap());
        assert!(s.vouched(&hex, "d-1") && !s.vouched(&hex, "d-2"));
        let st = s.begin(&hex, 20_000, "2", "d-2").unwrap();
        let nonce = wire::parse_hash(st.proof_nonce.as_deref().unwrap()).unwrap();
        assert!(matches!(
            s.prove(&hex, "d-2", &[0; 32]),
            Err(AttachmentError::WrongProof)
        ));
        let mut h = wire::possession_proof(&nonce);
        h.update(&data);
        s.prove(&hex, "d-2", h.finalize().as_bytes()).unwrap();
        assert!(s.vouched(&hex, "d-2"));
        assert!(s
            .begin(&hex, 20_000, "2", "d-2")
            .unwrap()
            .proof_nonce
            .is_none());
    }
}
