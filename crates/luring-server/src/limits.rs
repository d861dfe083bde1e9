//! Size limits that keep one person's data from stopping anyone else's sync.
//!
//! Every entity a device may read is delivered whole to each new device and to every
//! supervisor above its unit, so an entity without a bound is a way to make their syncs fail
//! (an answer their decoder refuses) or crawl. The server therefore bounds what it accepts
//! (per change, per entity, per text field, per request) and what it delivers (an entity too
//! big for one answer is held back, never allowed to block the rest).

use luring_sync::{Change, Class, CompactChange};

/// Largest history (the sum of its stored changes) a task may have. A task's description
/// is at most 20,000 characters and each comment, checklist item and instruction at most
/// 2,000: a year of daily edits and a few hundred comments stays well below 200 KB, so
/// 2 MB leaves ten times that, and a new device on a 3G link still receives the largest
/// task in seconds (a whole entity above the pull budget is sent alone in its answer).
pub const TASK_MAX_BYTES: u64 = 2 << 20;

/// Largest history a document may have: its body is at most 1,000,000 characters (about
/// 1 MB of Indonesian text, up to 4 MB of other scripts) plus its edits.
pub const DOCUMENT_MAX_BYTES: u64 = 8 << 20;

/// Largest approval record (a request or decision is a few KB of JSON with a certificate).
pub const RECORD_MAX_BYTES: u64 = 64 << 10;

/// Largest whole history sent in one answer. Every entity accepted under the caps above
/// fits; one stored before they existed and bigger than this is held back (logged for the
/// administrator) instead of making every answer that would carry it fail on the device,
/// whose decoder refuses answers above 16 MB compressed.
pub const DELIVERY_MAX_BYTES: u64 = 12 << 20;

/// A text field may grow past the limit a person can type only by merging concurrent
/// edits (the model's reader allows that, so merges never strand anyone); the server
/// accepts such growth up to this many times the limit, never more.
pub const MERGE_SLACK: usize = 2;

/// Most changes processed from one request; the rest stay in the device's outbox
/// (neither acknowledged nor refused) and go with its next request. The client pushes
/// 512 KB at a time, a few thousand small changes.
pub const REQUEST_MAX_CHANGES: usize = 5_000;

/// Most change bytes processed from one request (the rest stay in the outbox, as above).
/// The first change is always processed, so a single change up to its entity's cap passes.
pub const REQUEST_MAX_BYTES: usize = 4 << 20;

/// Most log rows a pull examines for one answer (most may be invisible to the device);
/// past it the answer says there is more and the cursor moves on, so a colleague's flood
/// in another unit costs each device a bounded amount of work per round trip.
pub const PULL_SCAN_MAX: usize = 4_000;

/// The cap on an entity's history, by class.
pub fn entity_cap(class: Class) -> u64 {
    match class {
        Class::Task => TASK_MAX_BYTES,
        Class::Document => DOCUMENT_MAX_BYTES,
        Class::Approval => RECORD_MAX_BYTES,
    }
}

/// What a cap is called in a refusal.
pub fn class_name(class: Class) -> &'static str {
    match class {
        Class::Task => "task",
        Class::Document => "document",
        Class::Approval => "approval record",
    }
}

/// Human size: "2 MB", "64 KB".
pub fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes.div_ceil(1 << 10))
    }
}

/// The part of a request processed now: its first changes, within
/// [`REQUEST_MAX_CHANGES`] and [`REQUEST_MAX_BYTES`]. Positions are kept (a prefix), so
/// acknowledgements by position stay right; what is cut off is simply not answered.
/// Full changes come first, then compact ones (counted by their operations' bytes).
pub fn first_part(
    mut changes: Vec<Change>,
    mut compact: Vec<CompactChange>,
) -> (Vec<Change>, Vec<CompactChange>) {
    let sizes = changes
        .iter()
        .map(|c| c.bytes.len())
        .chain(compact.iter().map(|c| c.ops.len()));
    let mut bytes = 0usize;
    let mut keep = 0usize;
    for len in sizes {
        if keep >= REQUEST_MAX_CHANGES || (keep > 0 && bytes + len > REQUEST_MAX_BYTES) {
            break;
        }
        bytes += len;
        keep += 1;
    }
    compact.truncate(keep.saturating_sub(changes.len()));
    changes.truncate(keep);
    (changes, compact)
}

/// Whether a text field of `chars` characters, typed with limit `limit`, may be accepted
/// when it had `before` characters: within the limit, no longer than before, or grown by
/// a merge within [`MERGE_SLACK`].
pub fn text_ok(chars: usize, before: usize, limit: usize) -> bool {
    chars <= limit || chars <= before || chars <= limit * MERGE_SLACK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: usize) -> Change {
        Change {
            entity: "t-1".into(),
            class: Class::Task,
            bytes: vec![0; n],
        }
    }

    #[test]
    fn a_request_is_cut_to_its_first_part() {
        let many: Vec<_> = (0..REQUEST_MAX_CHANGES + 10).map(|_| change(1)).collect();
        let first = |c: Vec<Change>| first_part(c, vec![]).0.len();
        assert_eq!(first(many), REQUEST_MAX_CHANGES);
        let big = vec![change(3 << 20), change(3 << 20), change(1)];
        assert_eq!(first(big), 1);
        // One change bigger than the byte cap is still processed (and judged by its cap).
        assert_eq!(first(vec![change(5 << 20)]), 1);
        // Compact changes count after the full ones.
        let compact = |n: usize| CompactChange {
            entity: "t-1".into(),
            class: Class::Task,
            checksum: [0; 4],
            deps: vec![],
            seq_delta: 1,
            start_op: 1,
            time_delta: 0,
            message: vec![],
            other_actors: vec![],
            ops: vec![0; n],
        };
        let (full, rest) = first_part(
            vec![change(3 << 20)],
            vec![compact(1), compact(3 << 20), compact(1)],
        );
        assert_eq!((full.len(), rest.len()), (1, 1));
    }

    #[test]
    fn text_may_grow_past_its_limit_only_by_a_merge() {
        assert!(text_ok(20_000, 0, 20_000));
        assert!(text_ok(30_000, 20_000, 20_000));
        assert!(!text_ok(40_001, 0, 20_000));
        assert!(text_ok(50_000, 60_000, 20_000));
    }
}
