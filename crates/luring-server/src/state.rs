//! What the HTTP handlers and the services behind them share, made once at start-up. It
//! sits apart from `http.rs` so that the login service can use it without a module cycle.

use std::sync::Arc;

use ed25519_dalek::SigningKey;

use crate::challenge::Challenges;
use crate::db::{AgencyRow, Database};
use crate::login_guard::LoginGuard;

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
