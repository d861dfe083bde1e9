//! The information content of a day of work: what the person did, written as plainly as
//! possible, then compressed as hard as zstd can. No sync protocol can send the day in
//! fewer bytes without knowing more than the server knows, so the ratio of the wire bytes
//! to this is how close Luring comes (issue 14 asks for at most 1.5).
//!
//! One JSON line an edit: `{"e":id,"f":field,"v":new value}` for a task field or comment,
//! `{"e":id,"at":char position,"ins":text}` for text inserted into a document.

use serde_json::{json, Value};

use crate::BoxResult;

/// zstd level of the information limit: the strongest.
pub const LIMIT_LEVEL: i32 = 19;

/// The day's edits, in the order made.
#[derive(Debug, Default)]
pub struct EditLog {
    lines: Vec<Value>,
}

impl EditLog {
    /// A task's field set to `value` (a comment is the field `comment`).
    pub fn field(&mut self, entity: &str, field: &str, value: &str) {
        self.lines
            .push(json!({"e": entity, "f": field, "v": value}));
    }

    /// `text` inserted into document `entity` at character `at`.
    pub fn insert(&mut self, entity: &str, at: usize, text: &str) {
        self.lines.push(json!({"e": entity, "at": at, "ins": text}));
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The log as JSON lines.
    pub fn jsonl(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str(&l.to_string());
            s.push('\n');
        }
        s
    }

    /// The information limit: zstd -19 of [`EditLog::jsonl`], in bytes.
    pub fn limit_bytes(&self) -> BoxResult<usize> {
        Ok(zstd::bulk::compress(self.jsonl().as_bytes(), LIMIT_LEVEL)?.len())
    }

    /// The same with the sync protocol's dictionary: like for like with the wire, since
    /// that dictionary knows the generator's vocabulary (what it gains from knowing it is
    /// not information the protocol saved).
    pub fn limit_bytes_with_dictionary(&self) -> BoxResult<usize> {
        let mut c =
            zstd::bulk::Compressor::with_dictionary(LIMIT_LEVEL, luring_sync::dictionary::BYTES)?;
        Ok(c.compress(self.jsonl().as_bytes())?.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_grows_with_what_was_done() {
        let mut log = EditLog::default();
        log.field("t-1", "status", "selesai");
        let one = log.limit_bytes().unwrap();
        log.insert(
            "d-1",
            40,
            "Sehubungan dengan surat Saudara tanggal 3 Desember.",
        );
        assert_eq!(log.len(), 2);
        assert!(log.limit_bytes().unwrap() > one);
        assert!(log.limit_bytes_with_dictionary().unwrap() > 0);
        assert_eq!(
            log.jsonl().lines().next(),
            Some(r#"{"e":"t-1","f":"status","v":"selesai"}"#)
        );
    }
}
