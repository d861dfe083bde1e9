//! What a background sync loop is doing, as a shell reports it to its window. The desktop's
//! loop said it with `&'static str`s the UI matched by hand; one enum here, serialised as
//! the same snake_case words, lets the CLI's watcher and the desktop name the same phases.

use serde::{Deserialize, Serialize};

/// The phase of a sync loop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SyncPhase {
    /// Waiting for the next sync; the last one succeeded (or none ran yet).
    #[default]
    Idle,
    /// A sync is running.
    Syncing,
    /// The server cannot be reached (or answered with a 5xx): it will be tried again.
    Offline,
    /// The last sync failed for a reason the person must see.
    Error,
    /// The profile has no server or token yet: nothing to sync with.
    NotLoggedIn,
}

impl SyncPhase {
    /// The word a window receives (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Syncing => "syncing",
            Self::Offline => "offline",
            Self::Error => "error",
            Self::NotLoggedIn => "not_logged_in",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_serialise_as_the_words_the_window_knows() {
        for (p, s) in [
            (SyncPhase::Idle, "idle"),
            (SyncPhase::Syncing, "syncing"),
            (SyncPhase::Offline, "offline"),
            (SyncPhase::Error, "error"),
            (SyncPhase::NotLoggedIn, "not_logged_in"),
        ] {
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{s}\""));
            assert_eq!(p.as_str(), s);
        }
        assert_eq!(SyncPhase::default(), SyncPhase::Idle);
    }
}
