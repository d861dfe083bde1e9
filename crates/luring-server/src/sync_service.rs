//! One sync round trip, with no HTTP: apply what the device pushed, then gather what it
//! may read after its cursor.
//!
//! No one device may hold the others up: the request is cut to its first part
//! ([`crate::limits`]), every change is parsed and checked for what needs no stored state
//! before the database is touched, and a big push is applied in short transactions with
//! other syncs let in between. A request cut at any point leaves each change either stored
//! or not, never half of one, and a retry is answered the same way (changes are known by
//! hash: a stored one is acknowledged again).

use automerge::{AutoCommit, Change as AmChange};
use luring_sync::{RefusalCode, Rejection, SyncRequest, SyncResponse};

use crate::access::{Subject, UnitTree};
use crate::db::{AgencyRow, Database, DeviceRow, EntityRow, SyncTx};
use crate::error::Result;

mod frozen;
mod judge;
pub mod numbering;
mod pull;
mod push;
pub mod records;

pub use numbering::LEASE_BLOCK;
pub use pull::BUDGET_RANGE;
pub use push::{PUSH_SLICE, SNAPSHOT_EVERY};

/// Loads an entity's merged document: its snapshot plus the logged changes after it.
/// Returns the document and how many changes were replayed on top of the snapshot.
pub(crate) fn load_doc(tx: &mut dyn SyncTx, row: &EntityRow) -> Result<(AutoCommit, usize)> {
    if row.snapshot.is_empty() {
        return Ok((AutoCommit::new(), 0));
    }
    let damaged = |e: automerge::AutomergeError| crate::ServerError::DamagedEntity {
        entity: row.id.clone(),
        reason: e.to_string(),
    };
    let mut doc = AutoCommit::load(&row.snapshot).map_err(damaged)?;
    let tail = tx.entity_log_after(&row.id, row.snapshot_seq)?;
    let n = tail.len();
    let changes = tail
        .into_iter()
        .map(|r| AmChange::from_bytes(r.bytes))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| crate::ServerError::DamagedChange {
            entity: row.id.clone(),
            reason: e.to_string(),
        })?;
    doc.apply_changes(changes).map_err(damaged)?;
    Ok((doc, n))
}

/// Who is syncing.
pub struct SyncContext<'a> {
    pub device: &'a DeviceRow,
    pub subject: Subject,
    pub tree: &'a UnitTree,
    /// The agency's root key, which every decision's certificate must chain to.
    pub agency: ed25519_dalek::VerifyingKey,
    /// The same key's secret half: it signs the receipt of every accepted record.
    pub signer: &'a ed25519_dalek::SigningKey,
    /// The server's clock at the start of this sync (receipt times).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// The agency's root key pair as syncs use it: the secret half signs the receipt of every
/// accepted record, and every decision's certificate must chain to the public half. It is
/// checked against the agency in the database once, when the server starts (the agency
/// never changes after `admin init`), instead of on every sync.
#[derive(Clone)]
pub struct AgencyKeys {
    pub signer: ed25519_dalek::SigningKey,
    pub public: ed25519_dalek::VerifyingKey,
}

impl AgencyKeys {
    /// The key pair of `signer` (from the key file), if it is the key of `agency` (from the
    /// database).
    pub fn check(signer: &ed25519_dalek::SigningKey, agency: Option<&AgencyRow>) -> Result<Self> {
        let public = agency
            .and_then(|a| luring_model::keys::public_key_from_hex(&a.public_key).ok())
            .ok_or(crate::ServerError::NoAgency)?;
        if signer.verifying_key() != public {
            return Err(crate::ServerError::AgencyKeyMismatch);
        }
        Ok(Self {
            signer: signer.clone(),
            public,
        })
    }
}

/// Why raw request bytes got no answer.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// The request is not a valid message: the client's fault (HTTP 400).
    #[error("{0}")]
    BadMessage(String),
    /// The request speaks another protocol version: the device must update (HTTP 426).
    #[error("{0}")]
    Outdated(String),
    /// The server failed (HTTP 500); the request had no effect.
    #[error(transparent)]
    Internal(#[from] crate::ServerError),
}

/// Decodes a request, handles it for `device` of `user`, encodes the answer. The HTTP
/// handler is this plus headers; tests and benchmarks call it directly.
///
/// `keys` are the agency's keys, or why the server cannot use them: that is reported only
/// for a request that decodes (a malformed one is the client's fault either way).
pub fn handle_bytes<D: Database>(
    db: &D,
    keys: Result<&AgencyKeys>,
    device: &DeviceRow,
    user: &crate::db::UserRow,
    body: &[u8],
    limits: luring_sync::Limits,
) -> std::result::Result<(Vec<u8>, SyncResponse), HandleError> {
    let req = luring_sync::decode_request(body, limits).map_err(|e| match e {
        // An older Luring (a version this server once spoke): tell its user to update.
        luring_sync::CodecError::Version(v) if (1..luring_sync::PROTOCOL_VERSION).contains(&v) => {
            HandleError::Outdated(e.to_string())
        }
        luring_sync::CodecError::Dictionary(_) => HandleError::Outdated(e.to_string()),
        e => HandleError::BadMessage(e.to_string()),
    })?;
    // Read for every sync, not kept in the server's state: an administrator may add units
    // (`admin add-unit`, another process) while the server runs, and a new unit's people
    // must be able to write in it without a restart.
    let tree = UnitTree::new(
        db.units()
            .map_err(crate::ServerError::from)?
            .into_iter()
            .map(|u| (u.code, u.parent)),
    );
    let keys = keys?;
    let role: luring_model::Role = user.role.parse().map_err(crate::ServerError::from)?;
    let ctx = SyncContext {
        device,
        subject: Subject {
            nip: user.nip.clone(),
            unit: user.unit.clone(),
            role,
        },
        tree: &tree,
        agency: keys.public,
        signer: &keys.signer,
        now: chrono::Utc::now(),
    };
    let mut resp = handle(db, &ctx, req)?;
    resp.request = luring_sync::request_digest(body);
    Ok((luring_sync::encode_response(&resp), resp))
}

/// Handles one request.
pub fn handle<D: Database>(
    db: &D,
    ctx: &SyncContext<'_>,
    req: SyncRequest,
) -> Result<SyncResponse> {
    let mut resp = SyncResponse::default();
    let (push, compact) = crate::limits::first_part(req.push, req.compact);
    let (entities, records) = push::prepare(ctx, push, compact);
    let waiting = push::push_entities(db, ctx, entities, &mut resp)?;
    db.sync_tx(|tx| {
        // Records after the documents they refer to (which may arrive in the same push).
        for (pos, c) in &records {
            records::push_record(tx, ctx, *pos, c, &mut resp)?;
        }
        // A document numbered by its last approver arrives with that approver's decision:
        // its number is judged again once the decision is stored.
        for (entity, group) in &waiting {
            push::push_entity(tx, ctx, entity, group, true, &mut resp)?;
        }
        pull::pull(tx, ctx, req.cursor, req.byte_budget, &mut resp)?;
        if req.want_numbers {
            // At most a block per request, within the device's bounds: if this answer is
            // lost the block is skipped (a gap in the register), never handed out twice.
            resp.lease = numbering::grant(tx, ctx)?;
        }
        Ok(())
    })?;
    Ok(resp)
}

/// Refuses pushed change `hash` of `entity` with `code` (what the device's UI says) and
/// the English `reason` (for logs and the CLI).
fn reject(
    resp: &mut SyncResponse,
    hash: [u8; 32],
    entity: &str,
    code: RefusalCode,
    reason: impl Into<String>,
) {
    let reason = reason.into();
    // Debug, not info: a hostile device can make thousands of refusals a minute.
    tracing::debug!(entity, %code, %reason, "refused a pushed change");
    resp.rejected.push(Rejection {
        hash,
        entity: entity.to_owned(),
        code,
        reason,
    });
}
