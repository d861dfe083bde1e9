//! Canonical content hashing of a document version.
//!
//! An approval signs this hash, so the encoding must never drift: it is versioned by the
//! BLAKE3 key-derivation context, and every field is written as a one-byte tag, a u64
//! little-endian length and the UTF-8 bytes. Length prefixes make the encoding
//! unambiguous (no two documents share bytes), and serde is deliberately not used so a
//! change of serializer cannot change a signed hash. The letter number is left out: it
//! is given after the last approval and must not make the approved version stale.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::document::Document;

/// Key-derivation context of version 1 of the encoding.
pub const CONTEXT_V1: &str = "luring 2026-11 document content v1";

/// A BLAKE3 content hash, shown as 64 lowercase hex characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContentHash(pub [u8; 32]);

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

pub(crate) fn field(h: &mut blake3::Hasher, tag: u8, bytes: &[u8]) {
    h.update(&[tag]);
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

pub(crate) fn document_content_hash(d: &Document) -> ContentHash {
    let mut h = blake3::Hasher::new_derive_key(CONTEXT_V1);
    field(&mut h, 1, d.id.as_str().as_bytes());
    field(&mut h, 2, d.kind.as_str().as_bytes());
    field(&mut h, 3, d.title.as_str().as_bytes());
    field(&mut h, 4, d.classification.as_str().as_bytes());
    field(&mut h, 5, d.body.as_str().as_bytes());
    h.update(&(d.attachments.len() as u64).to_le_bytes());
    for a in &d.attachments {
        field(&mut h, 6, a.as_bytes());
    }
    ContentHash(*h.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classification, DocKind, EntityId, Text, Title};

    fn doc(title: &str, body: &str) -> Document {
        Document {
            id: EntityId::parse("d-1").unwrap(),
            kind: DocKind::NotaDinas,
            title: Title::parse(title).unwrap(),
            body: Text::parse("body", body, 100, false).unwrap(),
            classification: Classification::Biasa,
            attachments: vec![],
            letter_number: None,
            revision_of: None,
            created_by: None,
            unit: None,
            created_at: "2026-11-23T00:00:00Z".into(),
        }
    }

    #[test]
    fn hash_is_stable_and_sensitive() {
        let a = doc("Undangan", "isi");
        // Pinned: a change here means every signature made so far stops verifying.
        assert_eq!(
            a.content_hash().to_string(),
            "243ebf8ea4eb21c1a14c1ae7b63cd6587363170097232bdaef5330fbb5825f08"
        );
        assert_ne!(a.content_hash(), doc("Undangan", "isi.").content_hash());
        // Moving a byte between fields changes the hash (length prefixes).
        assert_ne!(doc("ab", "c").content_hash(), doc("a", "bc").content_hash());
        let mut numbered = a.clone();
        numbered.letter_number = Some("800/12/BAPPEDA/2026".into());
        assert_eq!(numbered.content_hash(), a.content_hash());
        let mut with_file = a.clone();
        with_file.attachments.push("0".repeat(64));
        assert_ne!(with_file.content_hash(), a.content_hash());
    }
}
