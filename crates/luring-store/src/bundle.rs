//! Offline exchange by file: every task and document of a profile, for another profile to
//! merge (USB stick, shared folder).
//!
//! File layout: the magic line `LURING-BUNDLE\n`, a format version byte, the BLAKE3 hash
//! of the rest, then zstd-compressed postcard of [`BundleBody`]. The hash catches damage
//! before anything is parsed; import then merges every entity and validates the merged
//! result in one transaction, so a bad file changes nothing. Merging automerge documents
//! is idempotent and commutative, which makes import repeatable and order-independent.

use std::io::Read;

use serde::{Deserialize, Serialize};

/// First bytes of every bundle file.
pub const MAGIC: &[u8] = b"LURING-BUNDLE\n";
/// Version of the layout that follows the magic.
pub const FORMAT_VERSION: u8 = 1;
/// Largest bundle content accepted after decompression: far more than any one person's
/// tasks and documents (a sync message may carry at most 64 MiB).
pub const MAX_UNPACKED: u64 = 256 << 20;
/// Largest compression ratio accepted (plus [`RATIO_SLACK`]). Automerge documents are
/// already compact, so an honest bundle shrinks a few times at most; a zstd "bomb" of a
/// few kilobytes that unpacks to gigabytes is refused after unpacking a little, keeping
/// the memory an import takes proportional to the file's size.
pub const MAX_RATIO: u64 = 100;
/// Unpacked bytes always allowed, whatever the file's size (small bundles compress well).
pub const RATIO_SLACK: u64 = 1 << 20;
/// Largest bundle file read (larger cannot unpack within [`MAX_UNPACKED`] honestly either).
pub const MAX_FILE: u64 = MAX_UNPACKED;

/// Why a bundle file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    #[error("this file is not a Luring bundle")]
    NotABundle,
    #[error("this bundle was made by a newer Luring (format {0}); update Luring to import it")]
    NewerFormat(u8),
    #[error("the bundle file is damaged or incomplete (checksum mismatch); copy it again")]
    Checksum,
    #[error("the bundle file is damaged: {0}")]
    Corrupt(String),
    #[error(
        "this bundle unpacks to more than {limit_mib} MiB, which no Luring profile makes; \
         it is damaged or was not made by Luring"
    )]
    TooLarge { limit_mib: u64 },
    #[error("the bundle is refused: entity '{id}' {reason}")]
    BadEntity { id: String, reason: String },
}

/// One entity in a bundle: its full automerge document.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BundleEntity {
    pub id: String,
    pub kind: String,
    pub data: Vec<u8>,
}

/// What a bundle carries.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BundleBody {
    /// Profile that wrote the bundle (informational).
    pub source: String,
    pub created_at: String,
    pub entities: Vec<BundleEntity>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Entities in the file.
    pub entities: usize,
    /// Entities that were new here.
    pub created: usize,
    /// Existing entities that received changes.
    pub updated: usize,
    /// Changes merged in.
    pub changes: usize,
}

pub(crate) fn encode(body: &BundleBody) -> Result<Vec<u8>, BundleError> {
    let raw = postcard::to_stdvec(body).map_err(|e| BundleError::Corrupt(e.to_string()))?;
    let packed =
        zstd::encode_all(raw.as_slice(), 9).map_err(|e| BundleError::Corrupt(e.to_string()))?;
    let mut out = Vec::with_capacity(MAGIC.len() + 33 + packed.len());
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(blake3::hash(&packed).as_bytes());
    out.extend_from_slice(&packed);
    Ok(out)
}

pub(crate) fn decode(bytes: &[u8]) -> Result<BundleBody, BundleError> {
    let rest = bytes.strip_prefix(MAGIC).ok_or(BundleError::NotABundle)?;
    let (&version, rest) = rest.split_first().ok_or(BundleError::Checksum)?;
    if version > FORMAT_VERSION {
        return Err(BundleError::NewerFormat(version));
    }
    if version != FORMAT_VERSION {
        return Err(BundleError::NotABundle);
    }
    if rest.len() < 32 {
        return Err(BundleError::Checksum);
    }
    let (hash, packed) = rest.split_at(32);
    if blake3::hash(packed).as_bytes() != hash {
        return Err(BundleError::Checksum);
    }
    let limit = unpack_limit(packed.len() as u64, MAX_UNPACKED);
    let raw = unpack(packed, limit)?;
    postcard::from_bytes(&raw).map_err(|e| BundleError::Corrupt(e.to_string()))
}

/// How many bytes `packed` bytes may unpack to: [`MAX_RATIO`] times as many (plus
/// [`RATIO_SLACK`]), never more than `max`.
pub(crate) fn unpack_limit(packed: u64, max: u64) -> u64 {
    packed
        .saturating_mul(MAX_RATIO)
        .saturating_add(RATIO_SLACK)
        .min(max)
}

/// Stream-decodes zstd, refusing (not truncating) anything that unpacks to more than
/// `limit` bytes; memory stays within `limit` plus the decoder's window.
pub(crate) fn unpack(packed: &[u8], limit: u64) -> Result<Vec<u8>, BundleError> {
    let mut raw = Vec::new();
    let mut dec = zstd::Decoder::new(packed).map_err(|e| BundleError::Corrupt(e.to_string()))?;
    // A window larger than 8 MiB is not one our encoder makes; refusing it bounds the
    // decoder's own buffer.
    dec.window_log_max(23)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    (&mut dec)
        .take(limit + 1)
        .read_to_end(&mut raw)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    if raw.len() as u64 > limit {
        return Err(BundleError::TooLarge {
            limit_mib: limit.div_ceil(1 << 20),
        });
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_is_caught() {
        let body = BundleBody {
            source: "p".into(),
            created_at: "now".into(),
            entities: vec![BundleEntity {
                id: "t-1".into(),
                kind: "task".into(),
                data: vec![1, 2, 3],
            }],
        };
        let bytes = encode(&body).unwrap();
        assert_eq!(decode(&bytes).unwrap().entities[0].data, vec![1, 2, 3]);
        for i in [0, MAGIC.len() + 3, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(decode(&b).is_err(), "flip at {i} accepted");
        }
        assert!(matches!(
            decode(&bytes[..bytes.len() - 1]),
            Err(BundleError::Checksum)
        ));
        assert!(matches!(decode(b"hello"), Err(BundleError::NotABundle)));
        let mut newer = bytes.clone();
        newer[MAGIC.len()] = 9;
        assert!(matches!(decode(&newer), Err(BundleError::NewerFormat(9))));
    }

    #[test]
    fn unpacking_is_refused_past_its_limit_not_truncated() {
        let packed = zstd::encode_all(vec![7u8; 3 << 20].as_slice(), 3).unwrap();
        assert_eq!(unpack(&packed, 3 << 20).unwrap().len(), 3 << 20);
        assert!(matches!(
            unpack(&packed, (3 << 20) - 1),
            Err(BundleError::TooLarge { limit_mib: 3 })
        ));
        // The limit follows the file's size, within the absolute maximum.
        assert_eq!(unpack_limit(10, MAX_UNPACKED), 1000 + RATIO_SLACK);
        assert_eq!(unpack_limit(1 << 30, MAX_UNPACKED), MAX_UNPACKED);
    }
}
