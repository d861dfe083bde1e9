//! Attachments on the wire, sans I/O: the chunking, the manifest that lets each chunk be
//! verified on its own, and the JSON status both ends exchange.
//!
//! Why this shape: on a 3T link a connection may be cut every few kilobytes, so a file
//! moves in chunks of [`CHUNK_SIZE`] over HTTP requests of their own (a cut costs at most
//! one chunk), and every chunk must be checkable the moment it arrives, by the server on
//! upload and by the device on download, so that nothing unverified is ever kept.
//!
//! The attachment's id is its BLAKE3 hash. BLAKE3 is a tree: a 16 KiB chunk aligned on
//! 16 KiB is a whole subtree (16 BLAKE3 chunks of 1 KiB), so its *chaining value* can be
//! computed from its bytes and offset alone, and the root hash from the chaining values
//! alone ([`root_of`]). The manifest is the list of those chaining values: it is checked
//! against the attachment's hash before any chunk is accepted, and then each chunk against
//! its entry. A lying manifest or a wrong chunk is refused at once, never after the whole
//! file has crossed the link. (A file of one chunk has the root hash itself as its only
//! entry.)
//!
//! Manifests move in pages of [`MANIFEST_PAGE`] entries (16 KiB, like a chunk), so a 25 MB
//! file's manifest (1,600 entries, 51 KB) is not one request a cut can keep from finishing.

use blake3::hazmat::{
    merge_subtrees_non_root, merge_subtrees_root, ChainingValue, HasherExt, Mode,
};
use serde::{Deserialize, Serialize};

/// Bytes per chunk (16 KiB): a whole BLAKE3 subtree, and well under the 100 B–64 KB a
/// `flaky` connection carries before a cut, HTTP headers included.
pub const CHUNK_SIZE: u64 = 16 * 1024;
/// Chaining values per manifest page (16 KiB of them).
pub const MANIFEST_PAGE: u32 = 512;
/// Bytes of one manifest entry.
pub const ENTRY_LEN: usize = 32;
/// The default largest attachment (25 MB), server and device alike.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1000 * 1000;

/// Why a manifest or a chunk is not what the hash says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the attachment id must be 64 lowercase hexadecimal characters")]
    BadHash,
    #[error("the manifest has {got} entries; a file of {size} bytes has {want}")]
    ManifestLength { size: u64, got: usize, want: u32 },
    #[error("the manifest does not match the attachment's hash")]
    ManifestMismatch,
    #[error("chunk {index} is not in a file of {chunks} chunks")]
    NoSuchChunk { index: u32, chunks: u32 },
    #[error("chunk {index} has {got} bytes; it must have {want}")]
    ChunkLength { index: u32, got: usize, want: usize },
    #[error("chunk {index} does not match the manifest")]
    ChunkMismatch { index: u32 },
}

/// Parses an attachment id (its BLAKE3 hash as 64 lowercase hex characters).
pub fn parse_hash(hex: &str) -> Result<[u8; 32], VerifyError> {
    if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(VerifyError::BadHash);
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        let pair = &hex[2 * i..2 * i + 2];
        *o = u8::from_str_radix(pair, 16).map_err(|_| VerifyError::BadHash)?;
    }
    Ok(out)
}

/// How many chunks a file of `size` bytes has (an empty file has one, empty).
pub fn chunk_count(size: u64) -> u32 {
    u32::try_from(size.div_ceil(CHUNK_SIZE).max(1)).unwrap_or(u32::MAX)
}

/// How many manifest pages a file of `size` bytes has.
pub fn page_count(size: u64) -> u32 {
    chunk_count(size).div_ceil(MANIFEST_PAGE)
}

/// The length chunk `index` must have in a file of `size` bytes.
pub fn chunk_len(size: u64, index: u32) -> Result<usize, VerifyError> {
    let chunks = chunk_count(size);
    if index >= chunks {
        return Err(VerifyError::NoSuchChunk { index, chunks });
    }
    let start = u64::from(index) * CHUNK_SIZE;
    Ok(usize::try_from(size.saturating_sub(start).min(CHUNK_SIZE)).unwrap_or(0))
}

/// The entries of manifest page `page` (a range of chunk indices).
pub fn page_range(size: u64, page: u32) -> std::ops::Range<u32> {
    let chunks = chunk_count(size);
    let start = page.saturating_mul(MANIFEST_PAGE).min(chunks);
    start..start.saturating_add(MANIFEST_PAGE).min(chunks)
}

/// The manifest entry of chunk `index` holding `data`, in a file of `chunks` chunks.
pub fn chunk_entry(index: u32, data: &[u8], chunks: u32) -> ChainingValue {
    if chunks <= 1 {
        return *blake3::hash(data).as_bytes();
    }
    let mut h = blake3::Hasher::new();
    h.set_input_offset(u64::from(index) * CHUNK_SIZE);
    h.update(data);
    h.finalize_non_root()
}

/// The root hash of a file from its manifest (the BLAKE3 tree's left-balanced shape).
pub fn root_of(entries: &[ChainingValue]) -> Option<[u8; 32]> {
    fn merge(cvs: &[ChainingValue]) -> ChainingValue {
        if cvs.len() == 1 {
            return cvs[0];
        }
        let (l, r) = cvs.split_at(left_len(cvs.len()));
        merge_subtrees_non_root(&merge(l), &merge(r), Mode::Hash)
    }
    match entries.len() {
        0 => None,
        1 => Some(entries[0]),
        n => {
            let (l, r) = entries.split_at(left_len(n));
            Some(*merge_subtrees_root(&merge(l), &merge(r), Mode::Hash).as_bytes())
        }
    }
}

/// The largest power of two below `n` (n ≥ 2): the left subtree's number of chunks.
fn left_len(n: usize) -> usize {
    let p = n.next_power_of_two();
    if p == n {
        n / 2
    } else {
        p / 2
    }
}

/// Splits manifest bytes into entries.
pub fn entries(bytes: &[u8]) -> Vec<ChainingValue> {
    bytes
        .chunks_exact(ENTRY_LEN)
        .map(|c| {
            let mut e = [0u8; ENTRY_LEN];
            e.copy_from_slice(c);
            e
        })
        .collect()
}

/// Checks a whole manifest (its bytes) against a file's `size` and `hash`.
pub fn verify_manifest(hash: &[u8; 32], size: u64, manifest: &[u8]) -> Result<(), VerifyError> {
    let want = chunk_count(size);
    let got = manifest.len() / ENTRY_LEN;
    if !manifest.len().is_multiple_of(ENTRY_LEN) || got != want as usize {
        return Err(VerifyError::ManifestLength { size, got, want });
    }
    match root_of(&entries(manifest)) {
        Some(root) if &root == hash => Ok(()),
        _ => Err(VerifyError::ManifestMismatch),
    }
}

/// Checks chunk `index` of a file of `size` bytes against its manifest entry.
pub fn verify_chunk(
    entry: &ChainingValue,
    size: u64,
    index: u32,
    data: &[u8],
) -> Result<(), VerifyError> {
    let want = chunk_len(size, index)?;
    if data.len() != want {
        return Err(VerifyError::ChunkLength {
            index,
            got: data.len(),
            want,
        });
    }
    if &chunk_entry(index, data, chunk_count(size)) != entry {
        return Err(VerifyError::ChunkMismatch { index });
    }
    Ok(())
}

/// The manifest of a file, computed from its bytes as they are read.
pub struct ManifestBuilder {
    size: u64,
    entries: Vec<u8>,
}

impl ManifestBuilder {
    pub fn new(size: u64) -> Self {
        Self {
            size,
            entries: Vec::with_capacity(chunk_count(size) as usize * ENTRY_LEN),
        }
    }

    /// Adds the next chunk (each of [`CHUNK_SIZE`] bytes but the last).
    pub fn push(&mut self, data: &[u8]) {
        let index = u32::try_from(self.entries.len() / ENTRY_LEN).unwrap_or(u32::MAX);
        let e = chunk_entry(index, data, chunk_count(self.size));
        self.entries.extend_from_slice(&e);
    }

    /// The manifest's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.entries
    }
}

/// What `GET …/attachments/{hash}` answers: how far the server has the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentStatus {
    /// The file's size in bytes.
    pub size: u64,
    pub chunk_size: u64,
    pub chunks: u32,
    /// Whether the whole file is on the server, verified.
    pub complete: bool,
    /// While an upload is under way: whether the whole manifest is there, checked.
    pub manifest: bool,
    /// While an upload is under way: the chunks the server has, verified, as
    /// `[start, end)` ranges of indices.
    pub have: Vec<(u32, u32)>,
    /// The server has the file, but not yet through this document: the uploader proves it
    /// holds the bytes with [`possession_proof`] of this nonce (hex) instead of sending
    /// them again. Without the proof, knowing a hash would be enough to list it in one's
    /// own document and download a file one may not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_nonce: Option<String>,
}

/// The proof that one holds a file's bytes: BLAKE3 keyed with the server's nonce, fed the
/// whole file (feed it with `update`).
pub fn possession_proof(nonce: &[u8; 32]) -> blake3::Hasher {
    blake3::Hasher::new_keyed(nonce)
}

/// The `[start, end)` runs of `true` in `bits`.
pub fn ranges(bits: &[bool]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in bits.iter().copied().chain([false]).enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        match (b, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Query of `PUT …/attachments/{hash}` (start or resume an upload).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BeginUpload {
    pub size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(data: &[u8]) -> Vec<u8> {
        let mut m = ManifestBuilder::new(data.len() as u64);
        if data.is_empty() {
            m.push(&[]);
        }
        for c in data.chunks(CHUNK_SIZE as usize) {
            m.push(c);
        }
        m.finish()
    }

    #[test]
    fn the_manifest_root_is_the_blake3_hash_for_every_shape_of_tree() {
        let k = CHUNK_SIZE as usize;
        for len in [
            0,
            1,
            1024,
            k - 1,
            k,
            k + 1,
            2 * k,
            3 * k + 5,
            4 * k,
            5 * k,
            7 * k + 1,
            8 * k,
            13 * k + 99,
            33 * k,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let hash = *blake3::hash(&data).as_bytes();
            let m = manifest_of(&data);
            assert_eq!(m.len() / 32, chunk_count(len as u64) as usize);
            verify_manifest(&hash, len as u64, &m).unwrap_or_else(|e| panic!("{len}: {e}"));
            let es = entries(&m);
            for (i, c) in data.chunks(k).enumerate() {
                verify_chunk(&es[i], len as u64, i as u32, c).unwrap();
            }
            // A changed entry, a changed chunk, a short chunk: refused.
            let mut bad = m.clone();
            bad[0] ^= 1;
            assert!(verify_manifest(&hash, len as u64, &bad).is_err());
            if len > 0 {
                let mut c = data[..len.min(k)].to_vec();
                c[0] ^= 1;
                assert!(verify_chunk(&es[0], len as u64, 0, &c).is_err());
                assert!(verify_chunk(&es[0], len as u64, 0, &c[1..]).is_err());
            }
        }
    }

    #[test]
    fn hashes_pages_and_ranges() {
        assert!(parse_hash(&"a".repeat(64)).is_ok());
        assert!(parse_hash(&"A".repeat(64)).is_err());
        assert!(parse_hash("../etc").is_err());
        assert_eq!(chunk_count(25_000_000), 1526);
        assert_eq!(page_count(25_000_000), 3);
        assert_eq!(page_range(25_000_000, 2), 1024..1526);
        assert_eq!(chunk_count(0), 1);
        assert_eq!(chunk_len(0, 0), Ok(0));
        assert!(chunk_len(10, 1).is_err());
        assert_eq!(ranges(&[true, true, false, true]), vec![(0, 2), (3, 4)]);
        assert!(ranges(&[false]).is_empty());
    }
}
