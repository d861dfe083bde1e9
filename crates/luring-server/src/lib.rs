//! # luring-server
//!
//! The agency server. It keeps the agency's units, people and devices, certifies device
//! keys with the agency's root key, and answers `POST /v1/sync`: it applies pushed
//! automerge changes only after checking that the pushing device wrote them (actor), that
//! its user may write the entity (unit rules), that the merged entity still obeys the
//! model's rules, and that the change keeps authorship and official fields intact (the
//! rules module and [`sync_service::numbering`]); and it returns, in the same response,
//! what the user may read.
//!
//! Storage is the [`db::Database`] trait, chosen once in `main` (SQLite, embedded, by
//! default); everything after is generic. The sync logic ([`sync_service`]) takes a
//! decoded request and returns a response, and the login service ([`login`]) a login
//! request, with no HTTP in either.
//!
//! The server is a library: [`launch`] serves an [`AppState`] on a listener until a
//! shutdown future resolves, so `main` only reads the [`Settings`] and tests can start it
//! in-process on port 0. With the `test-util` feature, `InProcessServer` gives tests and
//! benchmarks the storage and sync logic without HTTP at all.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub mod access;
pub mod admin;
pub mod agency;
pub mod attachments;
mod auth;
pub mod challenge;
pub mod copies;
pub mod db;
pub mod demo;
pub mod error;
pub mod files;
mod http;
#[cfg(feature = "test-util")]
pub mod in_process;
pub mod limits;
pub mod login;
pub mod login_guard;
mod rules;
pub mod serve;
pub mod settings;
pub mod state;
pub mod sync_service;
pub mod throttle;

pub use db::{sqlite::SqliteDb, Database};
pub use error::{Result, ServerError};
#[cfg(feature = "test-util")]
pub use in_process::InProcessServer;
pub use rules::Refused;
pub use serve::{shutdown_signal, Limits};
pub use settings::Settings;
pub use state::AppState;

/// Serves the agency's `state` on `listener` until `shutdown` resolves. From then on no
/// new connection is accepted, and the requests in flight finish (for a bounded time)
/// before this returns. `main` passes [`shutdown_signal`] (SIGTERM or Ctrl-C); a test
/// passes a channel, like mini-redis' `server::run` and atuin's `launch_with_tcp_listener`.
pub async fn launch<D: Database>(
    state: AppState<D>,
    options: serve::Options,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router = http::router(Arc::new(state));
    serve::serve(listener, router, options.tls, options.limits, shutdown).await
}
