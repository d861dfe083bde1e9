//! Offline exchange by file: every task and document of a profile, for another profile to
//! merge (USB stick, shared folder).
//!
//! A bundle names the agency of the profile that wrote it (its public key, once the profile
//! has logged in): work of another agency must never be merged into this one's, where it
//! would be pushed to the wrong server. A bundle of unknown agency (written before any
//! login, or by format 1) is accepted, as before.
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
pub const FORMAT_VERSION: u8 = 2;
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
    #[error(
        "this bundle comes from another agency (key {theirs}, this profile's is {ours}); \
         it cannot be merged here: ask its sender for work of your own agency"
    )]
    ForeignAgency { theirs: String, ours: String },
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
    /// Public key (hex) of the agency of the profile that wrote it; empty if not known.
    pub agency: String,
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
    if version == 0 {
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
    let corrupt = |e: postcard::Error| BundleError::Corrupt(e.to_string());
    if version == 1 {
        let v1: BundleBodyV1 = postcard::from_bytes(&raw).map_err(corrupt)?;
        return Ok(BundleBody {
            agency: String::new(),
            source: v1.source,
            created_at: v1.created_at,
            entities: v1.entities,
        });
    }
    postcard::from_bytes(&raw).map_err(corrupt)
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

/// Format 1: no agency.
#[derive(Deserialize)]
struct BundleBodyV1 {
    source: String,
    created_at: String,
    entities: Vec<BundleEntity>,
}

/// Refuses a bundle of another agency than `ours` (when both are known).
pub(crate) fn check_agency(body: &BundleBody, ours: Option<&str>) -> Result<(), BundleError> {
    match ours {
        Some(ours) if !ours.is_empty() && !body.agency.is_empty() && body.agency != ours => {
            Err(BundleError::ForeignAgency {
                theirs: short(&body.agency),
                ours: short(ours),
            })
        }
        _ => Ok(()),
    }
}

/// The first characters of a key, enough to tell two apart when read aloud.
fn short(key: &str) -> String {
    key.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_is_caught() {
        let body = BundleBody {
            agency: String::new(),
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

    fn with_agency(agency: &str) -> BundleBody {
        BundleBody {
            agency: agency.into(),
            source: "p".into(),
            created_at: "now".into(),
            entities: vec![],
        }
    }

    #[test]
    fn a_bundle_of_another_agency_is_refused_with_a_sentence() {
        let ours = "aa".repeat(32);
        let theirs = "bb".repeat(32);
        let body = decode(&encode(&with_agency(&theirs)).unwrap()).unwrap();
        assert_eq!(body.agency, theirs);
        let err = check_agency(&body, Some(&ours)).unwrap_err().to_string();
        assert!(err.contains("another agency"), "{err}");
        assert!(check_agency(&with_agency(&ours), Some(&ours)).is_ok());
        // Unknown on either side: written or read before any login.
        assert!(check_agency(&with_agency(""), Some(&ours)).is_ok());
        assert!(check_agency(&with_agency(&theirs), None).is_ok());
    }

    #[test]
    fn a_format_1_bundle_still_imports_with_no_agency() {
        #[derive(Serialize)]
        struct V1<'a> {
            source: &'a str,
            created_at: &'a str,
            entities: Vec<BundleEntity>,
        }
        let raw = postcard::to_stdvec(&V1 {
            source: "p",
            created_at: "now",
            entities: vec![],
        })
        .unwrap();
        let packed = zstd::encode_all(raw.as_slice(), 3).unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.push(1);
        bytes.extend_from_slice(blake3::hash(&packed).as_bytes());
        bytes.extend_from_slice(&packed);
        let body = decode(&bytes).unwrap();
        assert_eq!((body.agency.as_str(), body.source.as_str()), ("", "p"));
    }
}
