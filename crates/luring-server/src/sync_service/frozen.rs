//! Signed letters stay signed, on the server too: the same status rule every replica
//! applies ([`luring_model::document_status`]), with the server's stored records, decides
//! whether a document is frozen. While a request for it is open or approved, a change to
//! its text or official fields (anything in the content hash) is refused with a reason,
//! whoever pushes it: a modified client cannot void an approval, and neither can a
//! colleague's honest offline edit arriving late (it heals away on that device). A second
//! request for a frozen document is refused too (one open request per version), a request
//! must bind the version the server holds, and only its requester may withdraw a request,
//! while it still waits.

use luring_model::{
    document_status, evaluate, request_status, ApprovalRequest, ApprovalStatus, DocStatus, Record,
    RefusalCode as C, RequestState,
};
use luring_sync::Class;

use super::records::stored_decisions;
use super::{load_doc, SyncContext};
use crate::db::{EntityRow, SyncTx};
use crate::error::Result;
use crate::rules::Refused;

/// What the server makes of a request or a withdrawal.
pub(super) enum Binding {
    Accept,
    /// Not yet: what it refers to is still on its way (neither stored nor refused).
    Wait,
    Refuse(Refused),
}

fn refuse(code: C, reason: impl Into<String>) -> Binding {
    Binding::Refuse(Refused::new(code, reason))
}

/// A document's content hash as the server holds it (`None`: damaged).
fn current_hash(tx: &mut dyn SyncTx, doc: &EntityRow) -> Option<String> {
    load_doc(tx, doc)
        .ok()
        .and_then(|(d, _)| luring_crdt::read_document(&d).ok())
        .map(|d| d.content_hash().to_string())
}

/// Whether a new request for `doc` may be filed. It binds the document as the server
/// holds it: the requested version must be the current one. While some of its changes
/// are still on the way the request waits for them; if the document has moved on (a
/// colleague's edit arrived first) it is refused and the person asks again. A frozen
/// document takes no second request.
pub(super) fn request_binding(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    req: &ApprovalRequest,
    doc: &EntityRow,
) -> Result<Binding> {
    let Some(current) = current_hash(tx, doc) else {
        return Ok(refuse(
            C::DamagedOnServer,
            "the document of this request is damaged",
        ));
    };
    if current != req.body.content_hash {
        for h in &req.body.heads {
            let here = match <[u8; 32]>::try_from(hex::decode(h).unwrap_or_default()) {
                Ok(b) => tx.has_change(&b)?,
                Err(_) => false,
            };
            if !here {
                return Ok(Binding::Wait);
            }
        }
        return Ok(refuse(
            C::DocumentChanged,
            "the document changed after the request was made (another edit reached the \
             server first): look at it again and send a new request",
        ));
    }
    let status = document(tx, ctx, req.body.document_id.as_str(), &doc.unit, &current)?;
    Ok(if status.is_frozen() {
        Binding::Refuse(refusal(status))
    } else {
        Binding::Accept
    })
}

/// Whether withdrawal `w` of request `request_id` may be filed: only by the requester, in
/// her own name, about this very request, at a real time, while the chain is still open.
pub(super) fn withdrawal(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    request_id: &str,
    w: &luring_model::Withdrawal,
) -> Result<Binding> {
    let Some(row) = tx.entity(request_id)? else {
        return Ok(Binding::Wait);
    };
    let not_yours = || {
        refuse(
            C::NotRequester,
            "only the person who asked for approval can withdraw the request",
        )
    };
    let Ok(Record::Request(req)) = serde_json::from_slice::<Record>(&row.snapshot) else {
        return Ok(not_yours());
    };
    if row.class != Class::Approval
        || req.body.requester.as_str() != ctx.subject.nip
        || !w.is_for(&req)
    {
        return Ok(not_yours());
    }
    if let Err(e) = luring_model::clock::check_against_receipt(
        "the withdrawal's time",
        &w.body.withdrawn_at,
        ctx.now,
    ) {
        return Ok(refuse(C::WrongClock, e.to_string()));
    }
    let current = match tx.entity(req.body.document_id.as_str())? {
        Some(doc) => current_hash(tx, &doc),
        None => None,
    };
    let status = status_of(tx, ctx, &req, current.as_deref())?;
    Ok(if status == ApprovalStatus::Menunggu {
        Binding::Accept
    } else {
        refuse(
            C::NotWaiting,
            format!(
                "this request is already {status}: only a request still waiting can be withdrawn"
            ),
        )
    })
}

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

/// The refusal a change or request for a frozen document carries.
pub(super) fn refusal(status: DocStatus) -> Refused {
    let (code, what) = match status {
        DocStatus::Disetujui => (C::FrozenApproved, "approved (final)"),
        _ => (C::FrozenSubmitted, "submitted for approval"),
    };
    Refused::new(
        code,
        format!(
            "the document is {what}: its text and official fields are frozen; withdraw the open \
             request, or make a revision of the approved letter"
        ),
    )
}
