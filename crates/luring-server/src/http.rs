//! HTTP: the route table, the handlers, and the bearer-token extractor. Handlers log the
//! real error and answer with a fixed reason; nothing secret (passwords, tokens, keys) is
//! ever logged.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ed25519_dalek::SigningKey;
use luring_model::{DeviceCert, DeviceCertBody, Nip, Role};
use luring_sync::login::{Account, ChallengeResponse, ErrorBody, LoginRequest, LoginResponse};
use luring_sync::Limits;

use crate::auth;
use crate::challenge::Challenges;
use crate::db::{AgencyRow, Conflict, Database, DbError, DeviceRow, UserRow};
use crate::login_guard::LoginGuard;
use crate::sync_service::{self, HandleError};

/// Largest sync request body accepted (sync pushes are zstd-compressed).
pub const MAX_BODY: usize = 16 << 20;
/// Largest body of any other request (a login is a few hundred bytes of JSON).
pub const MAX_SMALL_BODY: usize = 8 << 10;

/// What every handler shares.
pub struct AppState<D: Database> {
    pub db: Arc<D>,
    pub key: SigningKey,
    pub agency: AgencyRow,
    /// Login admission: throttling, per-address and global concurrency.
    pub logins: LoginGuard,
    pub challenges: Challenges,
}

impl<D: Database> AppState<D> {
    pub fn new(db: D, key: SigningKey, agency: AgencyRow) -> Self {
        Self {
            challenges: Challenges::new(&key.to_bytes()),
            db: Arc::new(db),
            key,
            agency,
            logins: LoginGuard::default(),
        }
    }
}

pub fn router<D: Database>(state: Arc<AppState<D>>) -> Router {
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/login/challenge", post(challenge::<D>))
        .route("/v1/login", post(login::<D>))
        .route(
            "/v1/sync",
            post(sync::<D>).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        // Every route but sync: the route's own limit above takes precedence.
        .layer(DefaultBodyLimit::max(MAX_SMALL_BODY))
        .with_state(state)
}

/// An error answer: status, a stable code and a sentence for the user.
pub struct ApiError(StatusCode, &'static str, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0,
            Json(ErrorBody {
                code: self.1.to_owned(),
                message: self.2,
            }),
        )
            .into_response()
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!("internal error: {e}");
    ApiError(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed; try again later".into(),
    )
}

fn refused(r: crate::login_guard::Refusal) -> ApiError {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::TOO_MANY_REQUESTS);
    ApiError(status, r.code(), r.to_string())
}

fn bad(code: &'static str, msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, code, msg.into())
}

/// The device and user behind a valid bearer token.
pub struct Authed {
    pub device: DeviceRow,
    pub user: UserRow,
}

impl<D: Database> FromRequestParts<Arc<AppState<D>>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState<D>>,
    ) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "log in again: the access token is missing, wrong or revoked".into(),
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let hash = auth::token_hash(token.trim());
        let db = state.db.clone();
        let found = tokio::task::spawn_blocking(move || db.session(&hash))
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let (device, user) = found.ok_or_else(unauthorized)?;
        Ok(Authed { device, user })
    }
}

async fn challenge<D: Database>(State(st): State<Arc<AppState<D>>>) -> Json<ChallengeResponse> {
    Json(ChallengeResponse {
        challenge: st.challenges.issue(),
    })
}

async fn login<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    // The serve loop must provide the peer address (`into_make_service_with_connect_info`).
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Json<LoginResponse>, ApiError> {
    let req: LoginRequest = serde_json::from_slice(&body)
        .map_err(|_| bad("bad_request", "the login request is not valid JSON"))?;
    let nip = Nip::parse(&req.nip).map_err(|e| bad("bad_nip", e.to_string()))?;
    let device_key = luring_model::keys::public_key_from_hex(&req.device_key)
        .map_err(|e| bad("bad_device_key", format!("the device key is refused: {e}")))?;
    let device_key_hex = hex::encode(device_key.as_bytes());
    let actor_ok = (2..=64).contains(&req.actor.len()) && hex::decode(&req.actor).is_ok();
    if !actor_ok {
        return Err(bad("bad_actor", "the actor id is not hex"));
    }
    // Throttle, per-address cap and a bounded wait for one of few argon2 slots, before
    // any blocking work; the slot is held until this login ends.
    let _pass = st
        .logins
        .enter(nip.as_str(), peer.ip())
        .await
        .map_err(refused)?;
    // The device proves it holds its key before any password is hashed.
    if req.challenge.is_empty() || req.proof.is_empty() {
        return Err(bad(
            "update_required",
            "this version of Luring is too old to log in: update the app",
        ));
    }
    let nonce = st
        .challenges
        .check(&req.challenge)
        .map_err(|e| bad("bad_challenge", e.to_string()))?;
    let proof =
        luring_model::login_proof_bytes(&req.challenge, nip.as_str(), &device_key_hex, &req.actor);
    luring_model::keys::verify_hex(&device_key, &proof, &req.proof).map_err(|_| {
        bad(
            "bad_proof",
            "the device did not prove it holds its key (the login proof does not verify)",
        )
    })?;
    st.challenges
        .use_up(nonce)
        .map_err(|e| bad("bad_challenge", e.to_string()))?;
    // Actors are bound to the device key that made them (issue 11): nobody can claim an
    // actor id they saw in a bundle. Checked after the proof, so the key is the sender's.
    if req.actor != luring_model::device_actor(device_key.as_bytes()) {
        return Err(bad(
            "bad_actor",
            "the actor id is not the one bound to this device key; update Luring and log in again",
        ));
    }
    let st2 = st.clone();
    let (nip2, password) = (nip.to_string(), req.password.clone());
    let user = tokio::task::spawn_blocking(move || -> crate::Result<Option<UserRow>> {
        let user = st2.db.user(&nip2)?;
        let phc = user
            .as_ref()
            .map_or(auth::dummy_hash(), |u| u.password_hash.as_str());
        let ok = auth::verify_password(&password, phc);
        Ok(user.filter(|_| ok))
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    let Some(user) = user else {
        st.logins.failed(nip.as_str(), peer.ip());
        tracing::info!(nip = %nip, "failed login");
        return Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong NIP or password".into(),
        ));
    };
    st.logins.succeeded(nip.as_str(), peer.ip());
    let role: Role = user.role.parse().map_err(internal)?;
    let device_id = format!(
        "dev-{}",
        &hex::encode(blake3::hash(device_key.as_bytes()).as_bytes())[..16]
    );
    let body = DeviceCertBody {
        agency: st.agency.name.clone(),
        agency_key: st.agency.public_key.clone(),
        device_id: device_id.clone(),
        device_key: device_key_hex.clone(),
        actor: req.actor.clone(),
        nip: nip.clone(),
        name: user.name.clone(),
        unit: user.unit.clone(),
        role,
        issued_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let cert = DeviceCert::sign(body, &st.key);
    let cert_json = serde_json::to_value(&cert).map_err(internal)?;
    let (token, token_hash) = auth::new_token();
    let row = DeviceRow {
        id: device_id.clone(),
        nip: nip.to_string(),
        public_key: device_key_hex.clone(),
        actor: req.actor.clone(),
        cert: cert_json.to_string(),
        revoked: false,
    };
    let db = st.db.clone();
    let stored = tokio::task::spawn_blocking(move || -> crate::Result<Result<(), &'static str>> {
        match db.device(&row.id)? {
            Some(d) if d.revoked => Ok(Err("this device was revoked; make a new profile")),
            Some(d) if d.nip != row.nip => Ok(Err("this device key belongs to another account")),
            // A device registered with a random actor (before actors were bound to keys)
            // takes its bound actor once; its earlier changes stay in the log as they are.
            Some(d) if d.actor != row.actor => {
                db.set_device_actor(&row.id, &row.actor)?;
                Ok(Ok(db.add_token_for(&row.id, &token_hash)?))
            }
            Some(_) => Ok(Ok(db.add_token_for(&row.id, &token_hash)?)),
            None => match db.add_device(&row, &token_hash) {
                Ok(()) => Ok(Ok(())),
                // The actor is already bound to another device (or, in a race, another
                // login registered this device first).
                Err(DbError::Conflict(Conflict::ActorBound | Conflict::DeviceExists)) => {
                    Ok(Err("this actor id is already bound to another device"))
                }
                Err(e) => Err(e.into()),
            },
        }
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    if let Err(msg) = stored {
        return Err(ApiError(
            StatusCode::CONFLICT,
            "device_conflict",
            msg.into(),
        ));
    }
    tracing::info!(nip = %nip, device = %device_id, "login");
    Ok(Json(LoginResponse {
        token,
        device_id,
        certificate: cert_json,
        agency_name: st.agency.name.clone(),
        agency_key: st.agency.public_key.clone(),
        account: Account {
            nip: user.nip,
            name: user.name,
            unit: user.unit,
            role: user.role,
        },
    }))
}

async fn sync<D: Database>(
    State(st): State<Arc<AppState<D>>>,
    who: Authed,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    // A copied or restored profile is refused before anything is applied (see copies.rs).
    if let Some(n) = headers.get(crate::copies::HEADER) {
        let n: u64 = (n.to_str().ok())
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad_request", "the sync number is not a number"))?;
        let (db, device) = (st.db.clone(), who.device.id.clone());
        let fresh = tokio::task::spawn_blocking(move || db.note_sync_number(&device, n))
            .await
            .map_err(internal)?
            .map_err(internal)?;
        if !fresh {
            tracing::info!(device = %who.device.id, n, "copied or restored profile refused");
            return Err(ApiError(
                StatusCode::CONFLICT,
                "profile_copied",
                crate::copies::REFUSAL.into(),
            ));
        }
    }
    let db = st.db.clone();
    let st2 = st.clone();
    let limits = Limits {
        max_packed: MAX_BODY,
        ..Limits::default()
    };
    let answer = tokio::task::spawn_blocking(move || {
        let r = sync_service::handle_bytes(
            db.as_ref(),
            &st2.key,
            &who.device,
            &who.user,
            &body,
            limits,
        );
        if let Ok((_, resp)) = &r {
            tracing::info!(device = %who.device.id, acked = resp.acked_count(), rejected = resp.rejected.len(), pulled = resp.pull.len(), "sync");
        }
        r.map(|(bytes, _)| bytes)
    })
    .await
    .map_err(internal)?;
    match answer {
        Ok(bytes) => {
            Ok(([(header::CONTENT_TYPE, "application/x-luring-sync")], bytes).into_response())
        }
        Err(HandleError::BadMessage(m)) => Err(bad("bad_message", m)),
        Err(HandleError::Internal(e)) => Err(internal(e)),
    }
}
