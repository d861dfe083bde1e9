//! What the HTTP handlers and the services behind them share, made once at start-up. It
//! sits apart from `http.rs` so that the login service can use it without a module cycle.

use std::sync::Arc;

use ed25519_dalek::SigningKey;

use crate::attachments::AttachmentStore;
use crate::challenge::Challenges;
use crate::db::{AgencyRow, Database};
use crate::login_guard::LoginGuard;
use crate::sync_service::AgencyKeys;

/// What every handler shares.
pub struct AppState<D: Database> {
    pub db: Arc<D>,
    pub key: SigningKey,
    pub agency: AgencyRow,
    /// Login admission: throttling, per-address and global concurrency.
    pub logins: LoginGuard,
    pub challenges: Challenges,
    /// The attachment folder; `None` serves no attachments (in-process tests).
    pub attachments: Option<Arc<AttachmentStore>>,
    /// The agency's keys as syncs use them, checked once here; `None` if they cannot be
    /// used (see [`Self::agency_keys`]).
    agency_keys: Option<AgencyKeys>,
}

impl<D: Database> AppState<D> {
    pub fn new(db: D, key: SigningKey, agency: AgencyRow) -> Self {
        Self {
            agency_keys: AgencyKeys::check(&key, Some(&agency)).ok(),
            challenges: Challenges::new(&key.to_bytes()),
            db: Arc::new(db),
            key,
            agency,
            logins: LoginGuard::default(),
            attachments: None,
        }
    }

    /// Serves attachments from `store` (the server's `--data/attachments`).
    pub fn with_attachments(mut self, store: AttachmentStore) -> Self {
        self.attachments = Some(Arc::new(store));
        self
    }

    /// The agency's keys, or why they cannot be used (the stored agency's key is unreadable
    /// or is not the key file's). A server in that state still starts and logs people in,
    /// as before; each sync it cannot sign for fails with this error.
    pub fn agency_keys(&self) -> crate::Result<&AgencyKeys> {
        match &self.agency_keys {
            Some(keys) => Ok(keys),
            None => Err(AgencyKeys::check(&self.key, Some(&self.agency))
                .err()
                .unwrap_or(crate::ServerError::NoAgency)),
        }
    }
}
