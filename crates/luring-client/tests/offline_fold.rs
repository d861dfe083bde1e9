//! Folding and a sync that fails: what a failed request may have delivered is never folded
//! again, but a request that never left (the server could not be connected to) keeps its
//! changes foldable, so an afternoon offline still goes out as one change per document.

use luring_client::{ClientError, NewDocInput, Profile, Transport};

/// A link that always fails; `sent_nothing` says whether it failed before sending.
struct Down {
    sent_nothing: bool,
    bodies: usize,
}

impl Transport for Down {
    fn round_trip(&mut self, _body: Vec<u8>) -> Result<Vec<u8>, ClientError> {
        self.bodies += 1;
        Err(ClientError::Network("no route to the server".into()))
    }

    fn sent_nothing(&self) -> bool {
        self.sent_nothing
    }
}

/// Types into a new document, tries to sync (and fails), types more, tries again; returns
/// how many changes then wait in the outbox.
fn waiting_after_two_failed_syncs(sent_nothing: bool) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
    let id = p
        .new_document(&NewDocInput {
            title: "Nota".into(),
            ..Default::default()
        })
        .unwrap();
    let mut t = Down {
        sent_nothing,
        bodies: 0,
    };
    let mut text = String::new();
    for round in 0..2 {
        for w in ["Rapat ", "koordinasi ", "desa "] {
            text.push_str(w);
            p.set_document_body(&id, &text).unwrap();
        }
        assert!(p.sync_with(&mut t).is_err());
        assert_eq!(t.bodies, round + 1);
    }
    assert_eq!(p.show_document(&id).unwrap().body, text);
    p.store().outbox(usize::MAX).unwrap().len()
}

#[test]
fn a_request_that_never_left_keeps_its_changes_foldable() {
    // The creation (other fields) and one change for all six edits.
    assert_eq!(waiting_after_two_failed_syncs(true), 2);
}

#[test]
fn a_request_that_may_have_arrived_is_never_folded_again() {
    // The creation, the three edits folded before the first try (sent, maybe stored), and
    // the three after it, folded among themselves.
    assert_eq!(waiting_after_two_failed_syncs(false), 3);
}
