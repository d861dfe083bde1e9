//! Signed letters stay signed, on the server too: the same status rule every replica
//! applies ([`luring_model::document_status`]), with the server's stored records, decides
//! whether a document is frozen. While a request for it is open or approved, a change to
//! its text or official fields (anything in the content hash) is refused with a reason,
//! whoever pushes it: a modified client cannot void an approval, and neither can a
//! colleague's honest offline edit arriving late (it heals away on that device). A second
//! request for a frozen document is refused too (one open request per version).

use luring_model::{
    document_status, evaluate, request_status, ApprovalRequest, ApprovalStatus, DocStatus, Record,
    RequestState,
};
use luring_sync::Class;

use super::records::stored_decisions;
use super::SyncContext;
use crate::db::SyncTx;
use crate::error::Result;

/// Whether the requester withdrew `req`, by the stored records.
pub(super) fn withdrawn(tx: &mut dyn SyncTx, req: &ApprovalRequest) -> Result<bool> {
    Ok(tx.entity_log(req.body.id.as_str())?.iter().any(|r| {
        matches!(serde_json::from_slice::<Record>(&r.bytes), Ok(Record::Withdrawal(w)) if w.is_for(req))
    }))
}

/// A request's status under the shared rules, with the stored decisions and withdrawal,
/// against the document's content hash `current`.
pub(super) fn status_of(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    req: &ApprovalRequest,
    current: Option<&str>,
) -> Result<ApprovalStatus> {
    let decisions = stored_decisions(tx, req.body.id.as_str())?;
    let ev = evaluate(req, &decisions, &ctx.agency, current, &|_| false);
    Ok(request_status(&ev, withdrawn(tx, req)?))
}

/// The status of document `doc_id` (filed under `unit`) whose content hash is `current`.
pub(super) fn document(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    doc_id: &str,
    unit: &str,
    current: &str,
) -> Result<DocStatus> {
    let mut states = vec![];
    for row in tx.entities_in(Class::Approval, unit)? {
        let Ok(Record::Request(req)) = serde_json::from_slice::<Record>(&row.snapshot) else {
            continue;
        };
        if req.body.document_id.as_str() != doc_id {
            continue;
        }
        let status = status_of(tx, ctx, &req, Some(current))?;
        states.push((row.id, status, req.body.created_at));
    }
    let states: Vec<RequestState<'_>> = states
        .iter()
        .map(|(id, status, at)| RequestState {
            id,
            status: *status,
            created_at: at,
        })
        .collect();
    Ok(document_status(&states).0)
}

/// The sentence a refused change or request carries.
pub(super) fn reason(status: DocStatus) -> String {
    let what = match status {
        DocStatus::Disetujui => "approved (final)",
        _ => "submitted for approval",
    };
    format!(
        "the document is {what}: its text and official fields are frozen; withdraw the open \
         request, or make a revision of the approved letter"
    )
}
