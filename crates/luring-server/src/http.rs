//! HTTP: the route table, the handlers, and the bearer-token extractor. Handlers only
//! extract, call a service ([`crate::login`], [`crate::sync_service`]) and map its answer
//! to a status. They log the real error of a failure and answer with a fixed reason;
//! nothing secret (passwords, tokens, keys) is ever logged.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use luring_sync::login::{ChallengeResponse, ErrorBody, LoginRequest, LoginResponse};
use luring_sync::Limits;

use crate::auth;
use crate::db::{Database, DeviceRow, UserRow};
use crate::login::LoginError;
use crate::state::AppState;
use crate::sync_service::{self, HandleError};

mod attachments;

/// Largest sync request body accepted (sync pushes are zstd-compressed).
pub const MAX_BODY: usize = 16 << 20;
/// Largest body of any other request (a login is a few hundred bytes of JSON).
pub const MAX_SMALL_BODY: usize = 8 << 10;

pub fn router<D: Database>(state: Arc<AppState<D>>) -> Router {
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/login/challenge", post(challenge::<D>))
        .route("/v1/login", post(login::<D>))
        .route(
            "/v1/sync",
            post(sync::<D>).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        // Chunks and manifest pages, each route with its own body limit.
        .merge(attachments::routes())
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
    match crate::login::login(&st, peer.ip(), req).await {
        Ok(answer) => Ok(Json(answer)),
        Err(LoginError::Refused(r)) => Err(refused(r)),
        Err(LoginError::Internal(e)) => Err(internal(e)),
        Err(e) => {
            let status = match e {
                LoginError::BadCredentials => StatusCode::UNAUTHORIZED,
                LoginError::DeviceConflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            Err(ApiError(status, e.code(), e.to_string()))
        }
    }
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
            st2.agency_keys(),
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
        // No content type: the route and the message's own first bytes say what it is,
        // and on a 2G link the header would cost more than a day's status changes.
        Ok(bytes) => Ok(Response::new(Body::from(bytes))),
        Err(HandleError::BadMessage(m)) => Err(bad("bad_message", m)),
        Err(HandleError::Outdated(m)) => {
            Err(ApiError(StatusCode::UPGRADE_REQUIRED, "update_luring", m))
        }
        Err(HandleError::Internal(e)) => Err(internal(e)),
    }
}
