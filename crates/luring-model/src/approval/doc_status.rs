//! Where a document stands, computed once, here, from its approval requests: every screen
//! (editor, Naskah list, Persetujuan, Beranda), the client's edit checks and the server's
//! change rules ask this, so they cannot disagree.
//!
//! A document is **frozen** while a request for it is open (Diajukan) or once one is
//! approved (Disetujui): its text and official fields (everything in the content hash)
//! may no longer change. A change is then a revision (a new document that names the old
//! one), with a request of its own; the approved letter, its number and its evidence stay
//! as they were. Withdrawing an open request, or a rejection, unfreezes the document.

use serde::{Deserialize, Serialize};

use super::{ApprovalStatus, Evaluation};

/// A document's status, spelled as shown (Draf, Diajukan, Disetujui, Ditolak).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DocStatus {
    /// No request, or the last one was withdrawn (or went stale before freezing existed).
    Draf,
    /// A request is open: the text is frozen until it is decided or withdrawn.
    Diajukan,
    /// A request was approved: the text is final.
    Disetujui,
    /// The last request was rejected: the document may be corrected and sent again.
    Ditolak,
}

impl DocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draf => "draf",
            Self::Diajukan => "diajukan",
            Self::Disetujui => "disetujui",
            Self::Ditolak => "ditolak",
        }
    }

    /// Whether the text and official fields are read-only.
    pub fn is_frozen(self) -> bool {
        matches!(self, Self::Diajukan | Self::Disetujui)
    }
}

/// A request's status once its withdrawal (if any) is taken into account: a withdrawal
/// counts only while the chain is open (the server refuses one after the last decision,
/// and refuses decisions after a withdrawal).
pub fn request_status(ev: &Evaluation, withdrawn: bool) -> ApprovalStatus {
    match ev.status {
        ApprovalStatus::Menunggu | ApprovalStatus::Kedaluwarsa if withdrawn => {
            ApprovalStatus::Ditarik
        }
        s => s,
    }
}

/// One request of a document, as [`document_status`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestState<'a> {
    pub id: &'a str,
    pub status: ApprovalStatus,
    pub created_at: &'a str,
}

/// The document's status and the request that decides it (`None` for a draft with no
/// request), from all of its requests in any order.
///
/// An approved request wins (the text is final whatever came before); else an open one;
/// else the newest request says whether the last attempt was rejected. Withdrawn and
/// stale requests leave a draft.
pub fn document_status<'a>(requests: &[RequestState<'a>]) -> (DocStatus, Option<&'a str>) {
    let pick = |s: ApprovalStatus| {
        requests
            .iter()
            .filter(|r| r.status == s)
            .max_by_key(|r| (r.created_at, r.id))
            .map(|r| r.id)
    };
    if let Some(id) = pick(ApprovalStatus::Disetujui) {
        return (DocStatus::Disetujui, Some(id));
    }
    if let Some(id) = pick(ApprovalStatus::Menunggu) {
        return (DocStatus::Diajukan, Some(id));
    }
    match requests.iter().max_by_key(|r| (r.created_at, r.id)) {
        Some(r) if r.status == ApprovalStatus::Ditolak => (DocStatus::Ditolak, Some(r.id)),
        Some(r) => (DocStatus::Draf, Some(r.id)),
        None => (DocStatus::Draf, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalStatus::*;

    fn r(id: &'static str, status: ApprovalStatus, at: &'static str) -> RequestState<'static> {
        RequestState {
            id,
            status,
            created_at: at,
        }
    }

    #[test]
    fn no_request_is_a_draft_and_not_frozen() {
        assert_eq!(document_status(&[]), (DocStatus::Draf, None));
        assert!(!DocStatus::Draf.is_frozen());
    }

    #[test]
    fn an_open_request_freezes_and_an_approval_is_final() {
        let open = [r("a-1", Menunggu, "2026-12-01T01:00:00Z")];
        assert_eq!(document_status(&open), (DocStatus::Diajukan, Some("a-1")));
        assert!(DocStatus::Diajukan.is_frozen());
        // Approved wins over anything newer (a later request cannot exist on the server,
        // but a replica may briefly hold a refused one).
        let approved = [
            r("a-1", Disetujui, "2026-12-01T01:00:00Z"),
            r("a-2", Menunggu, "2026-12-01T02:00:00Z"),
        ];
        assert_eq!(
            document_status(&approved),
            (DocStatus::Disetujui, Some("a-1"))
        );
        assert!(DocStatus::Disetujui.is_frozen());
    }

    #[test]
    fn rejection_and_withdrawal_unfreeze_and_the_newest_request_speaks() {
        let rejected = [r("a-1", Ditolak, "2026-12-01T01:00:00Z")];
        assert_eq!(
            document_status(&rejected),
            (DocStatus::Ditolak, Some("a-1"))
        );
        assert!(!DocStatus::Ditolak.is_frozen());
        let withdrawn_after = [
            r("a-1", Ditolak, "2026-12-01T01:00:00Z"),
            r("a-2", Ditarik, "2026-12-01T02:00:00Z"),
        ];
        assert_eq!(
            document_status(&withdrawn_after),
            (DocStatus::Draf, Some("a-2"))
        );
        // The same facts in any order give the same answer.
        let mut reversed = withdrawn_after.clone();
        reversed.reverse();
        assert_eq!(
            document_status(&reversed),
            document_status(&withdrawn_after)
        );
    }

    #[test]
    fn a_withdrawal_counts_only_while_the_chain_is_open() {
        let ev = |status| Evaluation {
            status,
            accepted: vec![],
            refused: vec![],
            next_level: None,
        };
        assert_eq!(request_status(&ev(Menunggu), true), Ditarik);
        assert_eq!(request_status(&ev(Menunggu), false), Menunggu);
        assert_eq!(request_status(&ev(Disetujui), true), Disetujui);
        assert_eq!(request_status(&ev(Ditolak), true), Ditolak);
    }
}
