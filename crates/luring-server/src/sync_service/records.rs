//! Approval records on the server: a request is accepted from its requester only, filed
//! with its document's unit and visible to the approvers in its chain; a decision is
//! accepted only if the same rules every replica applies ([`luring_model::evaluate`]) count
//! it — with the server's current document and its list of revoked devices. A request
//! must bind the document's current version and a frozen document takes no second one; a
//! withdrawal comes only from the requester while the chain is open, and no decision is
//! counted after it ([`super::frozen`]). Signed times must fit the server's clock
//! ([`luring_model::clock`]), and every accepted record gets a receipt the agency signs
//! (its time anchor), logged right after it so it travels to every replica that sees the
//! record.

use luring_model::clock;
use luring_model::{evaluate, Decision, Receipt, ReceiptBody, Record, RefusalCode as C};
use luring_sync::{Change, Class, SyncResponse};

use super::{load_doc, reject, SyncContext};
use crate::access::may_access;
use crate::db::{EntityRow, SyncTx};
use crate::error::Result;

/// How every approval request's id starts (the client makes them so) and no task's or
/// document's may: a request can then never be filed under someone's not-yet-synced
/// entity, which would make that entity impossible to push.
pub const REQUEST_PREFIX: &str = "a-";

/// Handles one pushed record at position `pos` of the request.
pub(super) fn push_record(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    pos: usize,
    c: &Change,
    resp: &mut SyncResponse,
) -> Result<()> {
    let hash = Record::id_of(&c.bytes);
    if tx.has_change(&hash)? {
        resp.ack(pos);
        return Ok(());
    }
    if c.bytes.len() as u64 > crate::limits::RECORD_MAX_BYTES {
        let reason = format!(
            "an approval record may be at most {}",
            crate::limits::size(crate::limits::RECORD_MAX_BYTES)
        );
        reject(resp, hash, &c.entity, C::TooBig, reason);
        return Ok(());
    }
    let record: Record = match serde_json::from_slice(&c.bytes) {
        Ok(r) => r,
        Err(_) => {
            let reason = "not a valid approval record";
            reject(resp, hash, &c.entity, C::NotValid, reason);
            return Ok(());
        }
    };
    if record.request_id().as_str() != c.entity {
        reject(
            resp,
            hash,
            &c.entity,
            C::NotValid,
            "the record belongs to another request",
        );
        return Ok(());
    }
    let receipt = match record {
        Record::Receipt(_) => {
            reject(
                resp,
                hash,
                &c.entity,
                C::NotValid,
                "only the agency's server issues receipts",
            );
            return Ok(());
        }
        Record::Request(req) => {
            if !c.entity.starts_with(REQUEST_PREFIX) {
                let reason = format!(
                    "an approval request's id must start with '{REQUEST_PREFIX}', so that it \
                     can never take the id of a task or document"
                );
                reject(resp, hash, &c.entity, C::IdTaken, reason);
                return Ok(());
            }
            if req.body.requester.as_str() != ctx.subject.nip {
                reject(
                    resp,
                    hash,
                    &c.entity,
                    C::NotYourName,
                    "a request can only be made in your own name",
                );
                return Ok(());
            }
            if let Err(e) = req.verify() {
                reject(resp, hash, &c.entity, e.refusal_code(), e.to_string());
                return Ok(());
            }
            if let Err(e) =
                clock::check_against_receipt("the request's time", &req.body.created_at, ctx.now)
            {
                reject(resp, hash, &c.entity, C::WrongClock, e.to_string());
                return Ok(());
            }
            if tx.entity(&c.entity)?.is_some() {
                reject(
                    resp,
                    hash,
                    &c.entity,
                    C::IdTaken,
                    "a request with this id already exists",
                );
                return Ok(());
            }
            // The document may still be on its way (deferred): then so is the request.
            let Some(doc) = tx.entity(req.body.document_id.as_str())? else {
                return Ok(());
            };
            if doc.class != Class::Document
                || !may_access(ctx.tree, &ctx.subject, &doc.unit, &doc.assignees)
            {
                reject(
                    resp,
                    hash,
                    &c.entity,
                    C::MayNotRequest,
                    "you may not ask for approval of this document",
                );
                return Ok(());
            }
            match super::frozen::request_binding(tx, ctx, &req, &doc)? {
                super::frozen::Binding::Accept => {}
                super::frozen::Binding::Wait => return Ok(()), // its version is on its way
                super::frozen::Binding::Refuse(r) => {
                    reject(resp, hash, &c.entity, r.code, r.reason);
                    return Ok(());
                }
            }
            tx.put_entity(&EntityRow {
                id: c.entity.clone(),
                class: Class::Approval,
                unit: doc.unit,
                // The approvers see the request like assignees see a task.
                assignees: req.body.chain.iter().map(|n| n.to_string()).collect(),
                snapshot: c.bytes.clone(),
                snapshot_seq: 0,
            })?;
            ReceiptBody::of_request(&req, clock::format(ctx.now))
        }
        Record::Decision(d) => {
            let Some(row) = tx.entity(&c.entity)? else {
                return Ok(()); // the request has not arrived yet
            };
            if row.class != Class::Approval
                || !may_access(ctx.tree, &ctx.subject, &row.unit, &row.assignees)
            {
                let reason = "you may not decide on this request";
                reject(resp, hash, &c.entity, C::MayNotDecide, reason);
                return Ok(());
            }
            let Ok(Record::Request(req)) = serde_json::from_slice::<Record>(&row.snapshot) else {
                let reason = "the stored request is damaged";
                reject(resp, hash, &c.entity, C::DamagedOnServer, reason);
                return Ok(());
            };
            if super::frozen::withdrawn(tx, &req)? {
                reject(
                    resp,
                    hash,
                    &c.entity,
                    C::Withdrawn,
                    "the requester withdrew this request before your decision reached the server",
                );
                return Ok(());
            }
            if let Err(e) =
                clock::check_against_receipt("the decision's time", &d.body.decided_at, ctx.now)
            {
                reject(resp, hash, &c.entity, C::WrongClock, e.to_string());
                return Ok(());
            }
            // The decisions already stored were accepted when they arrived; they stay
            // counted whatever comes later (revocations are not retroactive).
            let stored = stored_decisions(tx, &c.entity)?;
            let current = match tx.entity(req.body.document_id.as_str())? {
                Some(e) => load_doc(tx, &e)
                    .ok()
                    .and_then(|(doc, _)| luring_crdt::read_document(&doc).ok())
                    .map(|doc| doc.content_hash().to_string()),
                None => None,
            };
            let new_device = d.cert.body.device_id.clone();
            let new_revoked = tx.device_revoked(&new_device)?;
            let revoked = |id: &str| id == new_device && new_revoked;
            let before = evaluate(&req, &stored, &ctx.agency, current.as_deref(), &|_| false);
            let mut with_new = stored.clone();
            with_new.push((*d).clone());
            let after = evaluate(&req, &with_new, &ctx.agency, current.as_deref(), &revoked);
            let counted = after.accepted.iter().any(|a| a == &*d);
            // A new decision may only extend the chain: everything accepted before must
            // still be accepted (no backdated decision can take an earlier one's place).
            let extends = before
                .accepted
                .iter()
                .all(|b| after.accepted.iter().any(|a| a == b))
                && after.accepted.len() == before.accepted.len() + 1;
            if !(counted && extends) {
                let (code, reason) = after.refused.iter().find(|(r, _)| r == &*d).map_or_else(
                    || {
                        let r = "the decision would replace one already counted";
                        (C::AlreadyDecided, r.to_owned())
                    },
                    |(_, e)| (e.refusal_code(), e.to_string()),
                );
                reject(resp, hash, &c.entity, code, reason);
                return Ok(());
            }
            ReceiptBody::of_decision(&d, clock::format(ctx.now), tx.revoked_devices()?)
        }
        Record::Withdrawal(w) => {
            match super::frozen::withdrawal(tx, ctx, &c.entity, &w)? {
                super::frozen::Binding::Accept => {}
                super::frozen::Binding::Wait => return Ok(()), // the request is on its way
                super::frozen::Binding::Refuse(r) => {
                    reject(resp, hash, &c.entity, r.code, r.reason);
                    return Ok(());
                }
            }
            ReceiptBody::of_withdrawal(&w, clock::format(ctx.now))
        }
    };
    tx.append(&c.entity, Class::Approval, &hash, &c.bytes, &ctx.device.id)?;
    let receipt = Record::Receipt(Receipt::sign(receipt, ctx.signer));
    let bytes = serde_json::to_vec(&receipt).expect("receipts serialise");
    tx.append(
        &c.entity,
        Class::Approval,
        &Record::id_of(&bytes),
        &bytes,
        RECEIPT_AUTHOR,
    )?;
    resp.ack(pos);
    Ok(())
}

/// The decisions stored for request `request_id`, as logged (its receipts and the request
/// itself are skipped). They were accepted when they arrived and stay counted whatever
/// comes later.
pub(super) fn stored_decisions(tx: &mut dyn SyncTx, request_id: &str) -> Result<Vec<Decision>> {
    Ok(tx
        .entity_log(request_id)?
        .iter()
        .filter_map(|r| match serde_json::from_slice::<Record>(&r.bytes) {
            Ok(Record::Decision(d)) => Some(*d),
            _ => None,
        })
        .collect())
}

/// The log's author of receipts: no device, so every replica that sees the request is sent
/// them (a device is never sent back its own records).
pub const RECEIPT_AUTHOR: &str = "server";
