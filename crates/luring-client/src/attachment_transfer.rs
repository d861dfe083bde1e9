//! Moving attachment bytes across the link: uploads of what was attached here, downloads
//! of colleagues' attachments, both resumable and verified chunk by chunk.
//!
//! Why apart from the sync round: an attachment is up to 25 MB and a 3T link is cut every
//! few kilobytes, so its bytes travel after everything else (the CLI's `luring sync` runs
//! the sync rounds first, then [`Profile::transfer_attachments`]), over routes of their own,
//! in chunks of 16 KiB (see `luring_sync::attachments`): a cut costs at most the chunk in
//! flight, which is sent again; a killed process resumes where it stopped.
//!
//! - **Upload**: the server keeps which chunks it has, verified; the device asks, then
//!   sends only the rest. What was uploaded is remembered by an empty marker file
//!   `<profile>/attachment-transfers/uploaded/<hash>`.
//! - **Download**: chunks are written in place into
//!   `<profile>/attachment-transfers/partial/<hash>/data` after each was checked against the
//!   manifest (itself checked against the hash). A restart re-checks every chunk already
//!   there against the manifest and fetches only the missing or damaged ones, so no state
//!   file can disagree with the data. Only a file whose bytes hash to its name is moved into
//!   `<profile>/attachments/`, so nothing unverified is ever listed or opened.
//!
//! "Hemat data" (the profile's [`MetaKey::HematData`], on unless turned off) keeps
//! colleagues' attachments on the server until one is opened ([`Profile::fetch_attachment`]);
//! off, they come after every sync.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use luring_model::EntityId;
use luring_store::MetaKey;
use luring_sync::attachments::{self as wire, AttachmentStatus, CHUNK_SIZE, ENTRY_LEN};
use serde::Serialize;

use crate::attachments::{AttachmentView, ATTACHMENTS_DIR, ATTACHMENT_MAX_BYTES};
use crate::error::{AttachmentRefusal, ClientError, Result};
use crate::profile::Profile;
use crate::transport::{check_server_url, http_client, network, server_error, CA_FILE};

/// Folder of the transfer state inside a profile folder.
pub const TRANSFERS_DIR: &str = "attachment-transfers";
/// Failed tries of one request in a row before giving up (the link is down, not flaky).
const TRIES: u32 = 12;

/// What a transfer did, as `luring sync --json` and `luring doc fetch --json` print it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TransferReport {
    /// Attachments now complete on the server.
    pub uploaded: Vec<String>,
    /// Attachments now complete on this device.
    pub downloaded: Vec<String>,
    /// Attachments that could not move this time, and why.
    pub waiting: Vec<WaitingAttachment>,
    /// Bytes of chunks and manifest pages sent, every try counted.
    pub bytes_up: u64,
    /// Bytes of chunks and manifest pages received and kept.
    pub bytes_down: u64,
    /// Chunks that did not have to move because the other side already had them (a
    /// resumed transfer).
    pub resumed_chunks: u32,
    /// Requests sent again after a cut or a failed check.
    pub retries: u32,
    /// Bytes of those requests' bodies (sent, or received and thrown away).
    pub resent_bytes: u64,
}

impl TransferReport {
    /// Adds `other`'s counters and lists to these.
    pub fn absorb(&mut self, other: &TransferReport) {
        self.uploaded.extend(other.uploaded.iter().cloned());
        self.downloaded.extend(other.downloaded.iter().cloned());
        self.waiting.extend(other.waiting.iter().cloned());
        self.bytes_up += other.bytes_up;
        self.bytes_down += other.bytes_down;
        self.resumed_chunks += other.resumed_chunks;
        self.retries += other.retries;
        self.resent_bytes += other.resent_bytes;
    }
}

/// An attachment left for a later sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingAttachment {
    pub hash: String,
    pub reason: String,
}

/// Where a transfer stands, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferProgress<'a> {
    pub hash: &'a str,
    /// `true` uploading, `false` downloading.
    pub upload: bool,
    pub done: u64,
    pub total: u64,
}

/// What to tell about progress; `&mut |_| {}` for nothing.
pub type OnProgress<'a> = &'a mut dyn FnMut(TransferProgress<'_>);

/// The attachment routes of one server, with the profile's token.
struct AttachmentLink {
    client: reqwest::blocking::Client,
    server: String,
    token: String,
}

enum Verb {
    Get,
    Put,
}

impl AttachmentLink {
    fn url(&self, doc: &str, hash: &str, rest: &str) -> String {
        format!(
            "{}/v1/documents/{doc}/attachments/{hash}{rest}",
            self.server
        )
    }

    /// One request, sent again after a cut (up to [`TRIES`] failures in a row, waiting a
    /// little longer each time). A refusal by the server is not retried (but a server
    /// that is restarting is).
    fn send(
        &self,
        verb: Verb,
        url: &str,
        body: &[u8],
        report: &mut TransferReport,
    ) -> Result<Vec<u8>> {
        let mut wait = Duration::from_millis(100);
        let mut failures = 0;
        loop {
            let req = match verb {
                Verb::Get => self.client.get(url),
                Verb::Put => self.client.put(url).body(body.to_vec()),
            };
            let outcome = req
                .bearer_auth(&self.token)
                .send()
                .and_then(|r| {
                    let status = r.status();
                    r.bytes().map(|b| (status, b))
                })
                .map_err(|e| network(&self.server, e));
            report.bytes_up += body.len() as u64;
            let err = match outcome {
                Ok((status, bytes)) if status.is_success() => return Ok(bytes.to_vec()),
                Ok((status, bytes)) if !matches!(status.as_u16(), 502..=504) => {
                    return Err(server_error(status, &bytes))
                }
                Ok((status, bytes)) => server_error(status, &bytes),
                Err(e) => e,
            };
            failures += 1;
            report.retries += 1;
            report.resent_bytes += body.len() as u64;
            if failures >= TRIES {
                return Err(err);
            }
            // A cut on a flaky link is normal: the first retry goes at once, later ones wait
            // longer each time (the link may be down).
            if failures > 1 {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(3));
            }
        }
    }

    fn status_of(body: &[u8]) -> Result<AttachmentStatus> {
        serde_json::from_slice(body).map_err(|_| {
            ClientError::BadAnswer("the server's answer about an attachment is not valid".into())
        })
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> ClientError + 'a {
    move |e| ClientError::file(action, path, e)
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

/// The manifest of a file on this device, and its BLAKE3 hash.
fn manifest_of(path: &Path, size: u64) -> Result<(Vec<u8>, [u8; 32])> {
    let mut f = File::open(path).map_err(io("read", path))?;
    let mut m = wire::ManifestBuilder::new(size);
    let mut buf = vec![0u8; CHUNK_SIZE as usize];
    let mut left = size;
    loop {
        let want = usize::try_from(left.min(CHUNK_SIZE)).unwrap_or(0);
        f.read_exact(&mut buf[..want]).map_err(io("read", path))?;
        m.push(&buf[..want]);
        left -= want as u64;
        if left == 0 {
            break;
        }
    }
    let m = m.finish();
    let root = wire::root_of(&wire::entries(&m)).unwrap_or([0; 32]);
    Ok((m, root))
}

fn whole_hash(path: &Path) -> Result<[u8; 32]> {
    let mut f = File::open(path).map_err(io("read", path))?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf).map_err(io("read", path))?;
        if n == 0 {
            return Ok(*h.finalize().as_bytes());
        }
        h.update(&buf[..n]);
    }
}

/// Requests in flight at once for one attachment: on a link with a long round trip (a
/// satellite's 800 ms) one request at a time would spend most of the time waiting, and a
/// cut then stops one stream while the others go on.
const PARALLEL: usize = 4;

/// Runs `work` on every chunk index of `todo`, [`PARALLEL`] at a time; `on_done` hears
/// (on this thread) the bytes of each finished chunk. The first failure stops the rest
/// (chunks in flight finish) and is returned; every worker's counters are added to
/// `report` either way.
fn in_parallel(
    todo: &[u32],
    report: &mut TransferReport,
    mut on_done: impl FnMut(u64),
    work: impl Fn(u32, &mut TransferReport) -> Result<u64> + Sync,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    let outcomes: Vec<(TransferReport, Result<()>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..PARALLEL.min(todo.len()))
            .map(|_| {
                let tx = tx.clone();
                let (next, stop, work) = (&next, &stop, &work);
                s.spawn(move || {
                    let mut r = TransferReport::default();
                    while !stop.load(Relaxed) {
                        let Some(&i) = todo.get(next.fetch_add(1, Relaxed)) else {
                            break;
                        };
                        match work(i, &mut r) {
                            Ok(n) => {
                                let _ = tx.send(n);
                            }
                            Err(e) => {
                                stop.store(true, Relaxed);
                                return (r, Err(e));
                            }
                        }
                    }
                    (r, Ok(()))
                })
            })
            .collect();
        drop(tx);
        for n in rx {
            on_done(n);
        }
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    (
                        TransferReport::default(),
                        Err(ClientError::Network("an attachment transfer failed".into())),
                    )
                })
            })
            .collect()
    });
    let mut first = None;
    for (r, outcome) in outcomes {
        report.absorb(&r);
        if let Err(e) = outcome {
            first.get_or_insert(e);
        }
    }
    first.map_or(Ok(()), Err)
}

fn have_count(have: &[bool]) -> u32 {
    u32::try_from(have.iter().filter(|h| **h).count()).unwrap_or(u32::MAX)
}

impl Profile {
    fn transfers_dir(&self) -> PathBuf {
        self.dir().join(TRANSFERS_DIR)
    }

    /// Whether "hemat data" is on (the default): colleagues' attachments download only
    /// when opened.
    pub fn hemat_data(&self) -> Result<bool> {
        Ok(self.store().get(MetaKey::HematData)?.as_deref() != Some("0"))
    }

    /// Turns "hemat data" on or off.
    pub fn set_hemat_data(&mut self, on: bool) -> Result<()> {
        self.store()
            .put(MetaKey::HematData, if on { "1" } else { "0" })?;
        Ok(())
    }

    fn attachment_link(&self) -> Result<AttachmentLink> {
        // Same checks as a sync: a copied profile or one never logged in sends nothing.
        if self.store().has(MetaKey::NewIdentity)? {
            return Err(ClientError::ProfileCopied);
        }
        let Some(link) = self.store().link()? else {
            return Err(ClientError::NotLoggedIn);
        };
        let ca = self.dir().join(CA_FILE);
        Ok(AttachmentLink {
            client: http_client(ca.is_file().then_some(&*ca))?,
            server: check_server_url(&link.server, link.allow_insecure_http)?,
            token: link.token,
        })
    }

    /// After a sync: uploads what was attached here and is not on the server yet, then,
    /// with "hemat data" off, downloads colleagues' attachments.
    pub fn transfer_attachments(&mut self, progress: OnProgress<'_>) -> Result<TransferReport> {
        let mut report = self.upload_attachments(progress)?;
        if !self.hemat_data()? {
            let down = self.download_attachments(progress)?;
            report.absorb(&down);
        }
        Ok(report)
    }

    /// The attachments attached on this device and not yet on the server: hash → the
    /// documents that list it.
    fn waiting_uploads(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let done = self.transfers_dir().join("uploaded");
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in self.store().local_attachments()? {
            if wire::parse_hash(&a.hash).is_err() || done.join(&a.hash).exists() {
                continue;
            }
            out.entry(a.hash).or_default().push(a.doc_id);
        }
        Ok(out)
    }

    /// Uploads every attachment attached here that the server does not have yet.
    pub fn upload_attachments(&mut self, progress: OnProgress<'_>) -> Result<TransferReport> {
        let mut report = TransferReport::default();
        let waiting = self.waiting_uploads()?;
        if waiting.is_empty() {
            return Ok(report);
        }
        let link = self.attachment_link()?;
        for (hash, docs) in waiting {
            match self.upload_one(&link, &hash, &docs, &mut report, progress)? {
                None => report.uploaded.push(hash),
                Some(reason) => report.waiting.push(WaitingAttachment { hash, reason }),
            }
        }
        Ok(report)
    }

    /// Uploads one attachment; `Some(reason)` when it must wait for a later sync.
    fn upload_one(
        &self,
        link: &AttachmentLink,
        hash: &str,
        docs: &[String],
        report: &mut TransferReport,
        progress: OnProgress<'_>,
    ) -> Result<Option<String>> {
        let path = self.dir().join(ATTACHMENTS_DIR).join(hash);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Ok(Some("its file is no longer on this device".into()));
        };
        let size = meta.len();
        let (manifest, root) = manifest_of(&path, size)?;
        if hex::encode(root) != hash {
            return Ok(Some(
                "its file on this device was changed after it was attached".into(),
            ));
        }
        // The first document the server lets this user write that lists the hash.
        let mut started = None;
        let mut refusal = String::new();
        for doc in docs {
            let url = link.url(doc, hash, &format!("?size={size}"));
            match link.send(Verb::Put, &url, &[], report) {
                Ok(body) => {
                    started = Some((doc.as_str(), AttachmentLink::status_of(&body)?));
                    break;
                }
                Err(
                    // 403/413 without an attachment code: a proxy's or an older server's.
                    ClientError::Server {
                        status: 403 | 409 | 413 | 429,
                        message,
                    }
                    | ClientError::AttachmentRefused { message, .. },
                ) => {
                    refusal = message;
                }
                Err(e) => return Err(e),
            }
        }
        let Some((doc, status)) = started else {
            return Ok(Some(refusal));
        };
        let total = size;
        if let Some(nonce) = &status.proof_nonce {
            // The server has the bytes already: prove this device holds them too.
            let nonce =
                wire::parse_hash(nonce).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
            let mut h = wire::possession_proof(&nonce);
            let mut f = File::open(&path).map_err(io("read", &path))?;
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let n = f.read(&mut buf).map_err(io("read", &path))?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            let url = link.url(doc, hash, "/proof");
            link.send(Verb::Put, &url, h.finalize().as_bytes(), report)?;
        } else if !status.complete {
            if !status.manifest {
                for page in 0..wire::page_count(size) {
                    let r = wire::page_range(size, page);
                    let part = &manifest[r.start as usize * ENTRY_LEN..r.end as usize * ENTRY_LEN];
                    let url = link.url(doc, hash, &format!("/manifest/{page}"));
                    link.send(Verb::Put, &url, part, report)?;
                }
            }
            let mut have = vec![false; status.chunks as usize];
            for (s, e) in &status.have {
                for i in *s..(*e).min(status.chunks) {
                    have[i as usize] = true;
                }
            }
            report.resumed_chunks += have_count(&have);
            let f = File::open(&path).map_err(io("read", &path))?;
            let mut done = (u64::from(have_count(&have)) * CHUNK_SIZE).min(total);
            let todo: Vec<u32> = (0..status.chunks).filter(|i| !have[*i as usize]).collect();
            let on_done = |n: u64| {
                done = (done + n).min(total);
                progress(TransferProgress {
                    hash,
                    upload: true,
                    done,
                    total,
                });
            };
            in_parallel(&todo, report, on_done, |i, r| {
                let len =
                    wire::chunk_len(size, i).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
                let mut buf = vec![0u8; len];
                read_at(&f, &mut buf, u64::from(i) * CHUNK_SIZE).map_err(io("read", &path))?;
                let url = link.url(doc, hash, &format!("/chunks/{i}"));
                link.send(Verb::Put, &url, &buf, r)?;
                Ok(len as u64)
            })?;
        }
        let marks = self.transfers_dir().join("uploaded");
        crate::private_files::make_private(&marks)?;
        let mark = marks.join(hash);
        File::create(&mark).map_err(io("write", &mark))?;
        Ok(None)
    }

    /// Downloads every colleague's attachment of every document that is not on this
    /// device yet (what "hemat data" off does after a sync).
    pub fn download_attachments(&mut self, progress: OnProgress<'_>) -> Result<TransferReport> {
        let mut report = TransferReport::default();
        let dir = self.dir().join(ATTACHMENTS_DIR);
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for d in self.store().list_documents(None)? {
            for hash in self.store().document(&d.id)?.attachments {
                if !dir.join(&hash).is_file() {
                    wanted.entry(hash).or_insert_with(|| d.id.clone());
                }
            }
        }
        if wanted.is_empty() {
            return Ok(report);
        }
        let link = self.attachment_link()?;
        for (hash, doc) in wanted {
            match self.download_one(&link, &doc, &hash, &mut report, progress) {
                Ok(()) => report.downloaded.push(hash),
                Err(
                    ClientError::Server { message, .. }
                    | ClientError::AttachmentRefused { message, .. },
                ) => report.waiting.push(WaitingAttachment {
                    hash,
                    reason: message,
                }),
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// The bytes of one attachment of a document, downloaded first if they are not on this
    /// device, and copied to `out` when given. Returns the attachment as now listed.
    pub fn fetch_attachment(
        &mut self,
        doc_id: &str,
        hash: &str,
        out: Option<&Path>,
        progress: OnProgress<'_>,
    ) -> Result<(AttachmentView, TransferReport)> {
        let id = EntityId::parse(doc_id)?;
        let listed = self.store().document(id.as_str())?.attachments;
        if !listed.iter().any(|h| h == hash) {
            return Err(ClientError::NotFound {
                kind: "attachment of this document",
                id: hash.to_owned(),
            });
        }
        let mut report = TransferReport::default();
        let file = self.dir().join(ATTACHMENTS_DIR).join(hash);
        if !file.is_file() {
            let link = self.attachment_link()?;
            self.download_one(&link, id.as_str(), hash, &mut report, progress)?;
            report.downloaded.push(hash.to_owned());
        }
        if let Some(out) = out {
            crate::fs::write_atomic(out, &std::fs::read(&file).map_err(io("read", &file))?)
                .map_err(io("write", out))?;
        }
        Ok((self.listed_attachment(id.as_str(), hash)?, report))
    }

    /// Downloads one attachment into the attachment folder, resuming a partial download.
    fn download_one(
        &self,
        link: &AttachmentLink,
        doc: &str,
        hash: &str,
        report: &mut TransferReport,
        progress: OnProgress<'_>,
    ) -> Result<()> {
        let root = wire::parse_hash(hash).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
        let status = AttachmentLink::status_of(&link.send(
            Verb::Get,
            &link.url(doc, hash, ""),
            &[],
            report,
        )?)?;
        if !status.complete {
            return Err(ClientError::AttachmentRefused {
                why: AttachmentRefusal::NotUploaded,
                message: "the server does not have all of this attachment yet: the person who attached it has not finished uploading it".into(),
            });
        }
        let size = status.size;
        if size > ATTACHMENT_MAX_BYTES {
            return Err(ClientError::BadAnswer(format!(
                "the attachment is {:.1} MB, more than the {} MB this device accepts",
                size as f64 / 1e6,
                ATTACHMENT_MAX_BYTES / 1_000_000
            )));
        }
        let part = self.transfers_dir().join("partial").join(hash);
        crate::private_files::make_private(&part)?;
        // The manifest: kept once checked against the hash.
        let mpath = part.join("manifest");
        let manifest = match std::fs::read(&mpath) {
            Ok(m) if wire::verify_manifest(&root, size, &m).is_ok() => m,
            _ => {
                let mut m = Vec::new();
                for page in 0..wire::page_count(size) {
                    let url = link.url(doc, hash, &format!("/manifest/{page}"));
                    let bytes = link.send(Verb::Get, &url, &[], report)?;
                    report.bytes_down += bytes.len() as u64;
                    m.extend_from_slice(&bytes);
                }
                if let Err(e) = wire::verify_manifest(&root, size, &m) {
                    return Err(ClientError::BadAnswer(format!(
                        "the server sent a wrong manifest for this attachment ({e}); try again later"
                    )));
                }
                crate::fs::write_atomic_private(&mpath, &m).map_err(io("write", &mpath))?;
                m
            }
        };
        let entries = wire::entries(&manifest);
        let dpath = part.join("data");
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let data = o.open(&dpath).map_err(io("write", &dpath))?;
        if data.metadata().map_err(io("read", &dpath))?.len() != size {
            data.set_len(size).map_err(io("write", &dpath))?;
        }
        let chunks = wire::chunk_count(size);
        // What an earlier run left: only chunks that match the manifest count.
        let mut have = vec![false; chunks as usize];
        for i in 0..chunks {
            let len = wire::chunk_len(size, i).unwrap_or(0);
            let mut buf = vec![0u8; len];
            read_at(&data, &mut buf, u64::from(i) * CHUNK_SIZE).map_err(io("read", &dpath))?;
            have[i as usize] = wire::verify_chunk(&entries[i as usize], size, i, &buf).is_ok();
        }
        report.resumed_chunks += have_count(&have);
        let mut done = (u64::from(have_count(&have)) * CHUNK_SIZE).min(size);
        let todo: Vec<u32> = (0..chunks).filter(|i| !have[*i as usize]).collect();
        let on_done = |n: u64| {
            done = (done + n).min(size);
            progress(TransferProgress {
                hash,
                upload: false,
                done,
                total: size,
            });
        };
        in_parallel(&todo, report, on_done, |i, r| {
            let url = link.url(doc, hash, &format!("/chunks/{i}"));
            let mut tries = 0;
            let bytes = loop {
                let bytes = link.send(Verb::Get, &url, &[], r)?;
                if wire::verify_chunk(&entries[i as usize], size, i, &bytes).is_ok() {
                    break bytes;
                }
                tries += 1;
                r.retries += 1;
                r.resent_bytes += bytes.len() as u64;
                if tries >= 3 {
                    return Err(ClientError::BadAnswer(format!(
                        "the server keeps sending a damaged chunk {i} of this attachment; try again later"
                    )));
                }
            };
            write_at(&data, &bytes, u64::from(i) * CHUNK_SIZE).map_err(io("write", &dpath))?;
            r.bytes_down += bytes.len() as u64;
            Ok(bytes.len() as u64)
        })?;
        data.sync_all().map_err(io("write", &dpath))?;
        drop(data);
        if whole_hash(&dpath)? != root {
            let _ = std::fs::remove_dir_all(&part);
            return Err(ClientError::BadAnswer(
                "the downloaded attachment does not match its hash; it was thrown away, try again"
                    .into(),
            ));
        }
        let dir = self.dir().join(ATTACHMENTS_DIR);
        crate::private_files::make_private(&dir)?;
        let target = dir.join(hash);
        std::fs::rename(&dpath, &target).map_err(io("write", &target))?;
        crate::fs::sync_dir(&dir);
        let _ = std::fs::remove_dir_all(&part);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewDocInput;

    #[test]
    fn hemat_data_is_on_unless_turned_off_and_nothing_moves_offline() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let mut p = Profile::init(&tmp.path().join("ani"), "Ani Lestari", "198703122010011002")
            .expect("a profile");
        assert!(p.hemat_data().expect("read"));
        p.set_hemat_data(false).expect("set");
        assert!(!p.hemat_data().expect("read"));
        p.set_hemat_data(true).expect("set");
        assert!(p.hemat_data().expect("read"));
        // Nothing waiting: no network needed.
        let r = p.transfer_attachments(&mut |_| {}).expect("nothing to do");
        assert_eq!(r, TransferReport::default());
        // Something waiting, never logged in: said plainly.
        let doc = p
            .new_document(&NewDocInput {
                title: "Nota".into(),
                ..Default::default()
            })
            .expect("a document");
        let f = tmp.path().join("a.pdf");
        std::fs::write(&f, b"isi").expect("written");
        p.attach_file(&doc, &f).expect("attached");
        let e = p.transfer_attachments(&mut |_| {}).expect_err("offline");
        assert_eq!(e.code(), "not_logged_in");
    }

    #[test]
    fn a_local_file_is_chunked_into_the_manifest_of_its_hash() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        for len in [0usize, 5, 16 * 1024, 40_000] {
            let f = tmp.path().join(format!("f{len}"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 7) as u8).collect();
            std::fs::write(&f, &bytes).expect("written");
            let (m, root) = manifest_of(&f, len as u64).expect("read");
            assert_eq!(&root, blake3::hash(&bytes).as_bytes(), "{len}");
            assert_eq!(m.len(), wire::chunk_count(len as u64) as usize * ENTRY_LEN);
        }
    }
}
