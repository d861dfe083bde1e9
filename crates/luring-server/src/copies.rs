//! Copied and restored profiles, told apart by a sync number.
//!
//! A profile copied to another computer, or restored from a backup, carries the same
//! device key, token and automerge actor as the original: two devices the server would
//! take for one, whose changes reuse the same actor sequence numbers and so can never
//! merge. So every sync request carries a number the device raises (and stores) before
//! each request, in the header [`HEADER`]; the server remembers the last few per device.
//! A number already seen (two copies taking turns) or older than all of those (a backup)
//! means another copy exists: the request is refused before anything is applied, and that
//! profile logs in again under a new key and actor, keeping its unsent work. A request
//! with no number (an older client) is not checked.

/// The request header carrying the device's sync number.
pub const HEADER: &str = "x-luring-sync-number";

/// Sync numbers remembered per device. Numbers are raised by one per request, so these
/// cover every recent number; a retry after a lost answer always carries a new one.
pub const REMEMBERED: usize = 32;

/// The sentence a refused copy shows.
pub const REFUSAL: &str = "this profile was copied to another computer or restored from a \
     backup, so two devices share one identity: log in again here to give this one its own \
     (your unsent work is kept)";

/// Whether `n` can come from the one device that sent `recent`.
pub fn fresh(recent: &[u64], n: u64) -> bool {
    let Some(&newest) = recent.iter().max() else {
        return true;
    };
    let oldest = recent.iter().copied().min().unwrap_or(newest);
    !recent.contains(&n) && (n > newest || (recent.len() < REMEMBERED || n > oldest))
}

/// Adds `n` to `recent`, keeping the [`REMEMBERED`] largest.
pub fn remember(recent: &mut Vec<u64>, n: u64) {
    recent.push(n);
    recent.sort_unstable();
    recent.dedup();
    if recent.len() > REMEMBERED {
        recent.drain(..recent.len() - REMEMBERED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_and_backups_are_told_from_one_device() {
        let mut recent = vec![];
        for n in 1..=100 {
            assert!(fresh(&recent, n), "{n}");
            remember(&mut recent, n);
        }
        assert_eq!(recent.len(), REMEMBERED);
        // A copy made at 100 sends 101 after the original did: seen.
        assert!(fresh(&recent, 101));
        remember(&mut recent, 101);
        assert!(!fresh(&recent, 101));
        // A backup from long ago, or from a moment ago.
        assert!(!fresh(&recent, 40));
        assert!(!fresh(&recent, 99));
        // A request that never arrived leaves a gap; the next one is still fresh.
        assert!(fresh(&recent, 105));
    }
}
