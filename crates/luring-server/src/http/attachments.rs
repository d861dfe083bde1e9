//! The attachment routes: resumable, chunked upload and download of a document's files,
//! apart from `/v1/sync` (so a sync round never waits behind megabytes, and the sync
//! protocol's version is untouched).
//!
//! Every route names the document and the attachment:
//! `/v1/documents/{doc}/attachments/{hash}` (`GET` status, `PUT ?size=N` start or resume
//! an upload), `…/manifest/{page}` and `…/chunks/{index}` (`GET` to download, `PUT` to
//! upload), `…/proof` (`PUT`: the uploader holds the bytes of a file the server already
//! has, see [`luring_sync::attachments::AttachmentStatus::proof_nonce`]). Bytes are served
//! only through a document the file was uploaded or proven through. Before anything else — before the file is even looked for — the server checks
//! that the user may read (for `GET`) or write (for `PUT`) that document and that the
//! document lists the hash; otherwise the answer is 403 with a reason and no byte of the
//! file. (Today's unit rules give the same people read and write access; both go through
//! [`crate::access::may_access`].) The document must already be on the server: a device
//! uploads after its sync round, so the change that lists the attachment is there first.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use luring_sync::attachments::{self as wire, AttachmentStatus, BeginUpload, VerifyError};
use luring_sync::Class;

use super::{bad, internal, ApiError, Authed};
use crate::access::{may_access, Subject, UnitTree};
use crate::attachments::{AttachmentError, AttachmentStore, PAGE_BYTES};
use crate::db::{Database, UserRow};
use crate::state::AppState;

/// Room for a chunk or a manifest page in a request body.
const PART_BODY: usize = wire::CHUNK_SIZE as usize;

pub(super) fn routes<D: Database>() -> Router<Arc<AppState<D>>> {
    Router::new()
        .route(
            "/v1/documents/{doc}/attachments/{hash}",
            get(status::<D>).put(begin::<D>),
        )
        .route(
            "/v1/documents/{doc}/attachments/{hash}/manifest/{page}",
            get(get_page::<D>)
                .put(put_page::<D>)
                .layer(DefaultBodyLimit::max(PAGE_BYTES.max(PART_BODY))),
        )
        .route(
            "/v1/documents/{doc}/attachments/{hash}/proof",
            axum::routing::put(put_proof::<D>).layer(DefaultBodyLimit::max(64)),
        )
        .route(
            "/v1/documents/{doc}/attachments/{hash}/chunks/{index}",
            get(get_chunk::<D>)
                .put(put_chunk::<D>)
                .layer(DefaultBodyLimit::max(PART_BODY)),
        )
}

fn forbidden() -> ApiError {
    ApiError(
        StatusCode::FORBIDDEN,
        "attachment_forbidden",
        "no document you may read or write lists this attachment (or the document has not \
         reached the server yet: sync first)"
            .into(),
    )
}

fn refusal(e: AttachmentError) -> ApiError {
    use AttachmentError as E;
    let (status, code) = match &e {
        E::TooBig { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "attachment_too_big"),
        E::TooManyUploads(_) => (StatusCode::TOO_MANY_REQUESTS, "attachment_uploads_busy"),
        E::SizeMismatch(_) | E::NoUpload | E::NoManifest => {
            (StatusCode::CONFLICT, "attachment_upload_state")
        }
        E::NotHere => (StatusCode::NOT_FOUND, "attachment_missing"),
        E::NoSuchPage(_) => (StatusCode::BAD_REQUEST, "bad_request"),
        E::Verify(VerifyError::ManifestMismatch | VerifyError::ChunkMismatch { .. })
        | E::WholeMismatch
        | E::WrongProof => (StatusCode::UNPROCESSABLE_ENTITY, "attachment_mismatch"),
        E::Verify(_) => (StatusCode::BAD_REQUEST, "bad_request"),
        E::Io(_) => return internal(e),
    };
    ApiError(status, code, e.to_string())
}

/// The checked ids of a request.
struct Target {
    doc: String,
    hash: [u8; 32],
    hex: String,
}

fn target(doc: &str, hash: &str) -> Result<Target, ApiError> {
    let parsed = wire::parse_hash(hash).map_err(|e| bad("bad_request", e.to_string()))?;
    let doc = luring_model::EntityId::parse(doc)
        .map_err(|_| bad("bad_request", "the document id is not valid"))?;
    Ok(Target {
        doc: doc.as_str().to_owned(),
        hash: parsed,
        hex: hash.to_owned(),
    })
}

/// Whether `user` may use (read or write: the same rule today) document `doc` and it
/// lists `hash`.
fn document_lists<D: Database>(
    db: &D,
    user: &UserRow,
    doc: &str,
    hash: &str,
) -> crate::Result<bool> {
    let tree = UnitTree::new(db.units()?.into_iter().map(|u| (u.code, u.parent)));
    let role: luring_model::Role = user.role.parse()?;
    let subject = Subject {
        nip: user.nip.clone(),
        unit: user.unit.clone(),
        role,
    };
    db.sync_tx(|tx| {
        let Some(row) = tx.entity(doc)? else {
            return Ok(false);
        };
        if row.class != Class::Document || !may_access(&tree, &subject, &row.unit, &row.assignees) {
            return Ok(false);
        }
        let (am, _) = crate::sync_service::load_doc(tx, &row)?;
        let d = luring_crdt::read_document(&am).map_err(|e| crate::ServerError::DamagedEntity {
            entity: row.id.clone(),
            reason: e.to_string(),
        })?;
        Ok(d.attachments.iter().any(|h| h == hash))
    })
}

/// Checks the ids and the user's access; the attachment store if all is well.
async fn permit<D: Database>(
    st: &Arc<AppState<D>>,
    who: &Authed,
    doc: &str,
    hash: &str,
) -> Result<(Target, Arc<AttachmentStore>), ApiError> {
    let t = target(doc, hash)?;
    let store = st.attachments.clone().ok_or_else(|| {
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "attachments_off",
            "this server keeps no attachments".into(),
        )
    })?;
    let (db, user, d, h) = (
        st.db.clone(),
        who.user.clone(),
        t.doc.clone(),
        t.hex.clone(),
    );
    let ok = tokio::task::spawn_blocking(move || document_lists(db.as_ref(), &user, &d, &h))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    if !ok {
        tracing::info!(device = %who.device.id, doc = %t.doc, "attachment refused: no access");
        return Err(forbidden());
    }
    Ok((t, store))
}

/// For a download: the file must have come to the server through this document (uploaded
/// or proven through it), or a hash learnt elsewhere, listed in one's own document, would
/// open a file one may not read.
fn vouched(store: &AttachmentStore, t: &Target) -> Result<(), ApiError> {
    // An incomplete file is simply not there yet (404 from the read).
    if store.vouched(&t.hex, &t.doc) || !store.is_complete(&t.hex) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AttachmentError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(internal)?
        .map_err(refusal)
}

fn octets(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

async fn status<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash)): Path<(String, String)>,
) -> Result<Json<AttachmentStatus>, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    let s = blocking(move || {
        let s = store.status(&t.hex)?;
        Ok(s.map(|s| (s.complete && !store.vouched(&t.hex, &t.doc), s)))
    })
    .await?;
    match s {
        Some((true, _)) => Err(forbidden()),
        Some((false, s)) => Ok(Json(s)),
        None => Err(refusal(AttachmentError::NotHere)),
    }
}

async fn begin<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash)): Path<(String, String)>,
    Query(q): Query<BeginUpload>,
) -> Result<Json<AttachmentStatus>, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    let nip = who.user.nip.clone();
    let s = blocking(move || store.begin(&t.hex, q.size, &nip, &t.doc)).await?;
    Ok(Json(s))
}

async fn get_page<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash, page)): Path<(String, String, u32)>,
) -> Result<Response, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    vouched(&store, &t)?;
    Ok(octets(
        blocking(move || store.read_page(&t.hex, page)).await?,
    ))
}

async fn put_page<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash, page)): Path<(String, String, u32)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    let whole = blocking(move || store.put_page(&t.hash, &t.hex, page, &body)).await?;
    Ok(Json(serde_json::json!({ "manifest": whole })))
}

async fn put_proof<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    blocking(move || store.prove(&t.hex, &t.doc, &body)).await?;
    Ok(Json(serde_json::json!({ "complete": true })))
}

async fn get_chunk<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash, index)): Path<(String, String, u32)>,
) -> Result<Response, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    vouched(&store, &t)?;
    Ok(octets(
        blocking(move || store.read_chunk(&t.hex, index)).await?,
    ))
}

async fn put_chunk<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    Path((doc, hash, index)): Path<(String, String, u32)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (t, store) = permit(&st, &who, &doc, &hash).await?;
    let complete = blocking(move || store.put_chunk(&t.hash, &t.hex, index, &body)).await?;
    Ok(Json(serde_json::json!({ "complete": complete })))
}
