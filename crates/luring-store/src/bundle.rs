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
/// Largest bundle content accepted after decompression (guards against zstd bombs).
pub const MAX_UNPACKED: u64 = 2 << 30;

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
    let mut raw = Vec::new();
    zstd::Decoder::new(packed)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?
        .take(MAX_UNPACKED)
        .read_to_end(&mut raw)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    postcard::from_bytes(&raw).map_err(|e| BundleError::Corrupt(e.to_string()))
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
}
