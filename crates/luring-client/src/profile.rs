//! A profile: one person's local store in one folder, shared by the CLI and the desktop.
//! This file opens and creates one and says where it stands; what a person does with it is
//! in `tasks.rs`, `documents.rs`, `bundles.rs`, `approvals.rs`, `login.rs` and `sync.rs`.

use std::path::{Path, PathBuf};

use luring_model::{Nip, Timestamp, Title};
use luring_store::{MetaKey, Store};

use crate::error::{ClientError, Result};
use crate::private_files;
use crate::views::StatusView;

/// Name of the database file inside a profile folder.
pub const DB_FILE: &str = "luring.db";

/// An open profile.
pub struct Profile {
    dir: PathBuf,
    store: Store,
    name: String,
    nip: Nip,
    /// Access to the folder or its files that was taken from others on opening.
    access_fixes: Vec<String>,
}

impl Profile {
    /// Creates a local, offline profile in `dir` (created if missing).
    pub fn init(dir: &Path, name: &str, nip: &str) -> Result<Self> {
        let name = Title::parse(name).map_err(|_| {
            ClientError::Invalid(luring_model::ValidationError::Empty { what: "the name" })
        })?;
        let nip = Nip::parse(nip)?;
        let db = dir.join(DB_FILE);
        if db.exists() {
            let store = Store::open(&db)?;
            if store.has(MetaKey::Nip)? {
                return Err(ClientError::ProfileExists(dir.to_owned()));
            }
        }
        let access_fixes = private_files::make_private(dir)?;
        private_files::create_private_file(&db)?;
        let mut store = Store::open(&db)?;
        // The device key, and the actor bound to it, are made now, before any change: work
        // done offline is then already under the actor the server accepts at the first
        // login, and nothing has to be re-made then (which could not re-make colleagues'
        // changes received by bundle in their names).
        let public = crate::keys::device_public(dir, &store)?;
        let public = luring_model::keys::public_key_from_hex(&public)
            .map_err(|e| ClientError::Key(e.to_string()))?;
        crate::keys::bind_actor(&mut store, &public)?;
        store.put(MetaKey::Name, name.as_str())?;
        store.put(MetaKey::CreatedAt, Timestamp::now().as_str())?;
        // Written last: a profile counts as made once its NIP is stored.
        store.put(MetaKey::Nip, nip.as_str())?;
        Ok(Self {
            dir: dir.to_owned(),
            store,
            name: name.to_string(),
            nip,
            access_fixes,
        })
    }

    /// Opens the profile in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let db = dir.join(DB_FILE);
        if !db.is_file() {
            return Err(ClientError::NoProfile(dir.to_owned()));
        }
        let access_fixes = private_files::make_private(dir)?;
        let store = Store::open(&db)?;
        let (Some(name), Some(nip)) = (store.get(MetaKey::Name)?, store.get(MetaKey::Nip)?) else {
            return Err(ClientError::NoProfile(dir.to_owned()));
        };
        Ok(Self {
            dir: dir.to_owned(),
            store,
            name,
            nip: Nip::parse(&nip)?,
            access_fixes,
        })
    }

    /// The store of `dir` for a login as `nip`: the existing profile's (which must be the
    /// same person's), or a new one.
    pub(crate) fn open_store_for_login(dir: &Path, nip: &str) -> Result<Store> {
        private_files::make_private(dir)?;
        private_files::create_private_file(&dir.join(DB_FILE))?;
        let store = Store::open(&dir.join(DB_FILE))?;
        match store.get(MetaKey::Nip)? {
            Some(existing) if existing != nip => Err(ClientError::OtherNip(existing)),
            _ => Ok(store),
        }
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What was repaired when the profile was opened: files or folders that others could
    /// read, now private. Empty when nothing was wrong; callers should tell the person.
    pub fn access_fixes(&self) -> &[String] {
        &self.access_fixes
    }

    pub fn nip(&self) -> &str {
        self.nip.as_str()
    }

    /// The store underneath, for diagnostics and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The person's name, as signed on comments.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The person's NIP, as the model's type.
    pub(crate) fn own_nip(&self) -> &Nip {
        &self.nip
    }

    pub fn status(&self) -> Result<StatusView> {
        let s = self.store.stats()?;
        Ok(StatusView {
            name: self.name.clone(),
            nip: self.nip.to_string(),
            tasks: s.tasks,
            documents: s.documents,
            pending_changes: s.outbox,
            pending_items: s.outbox_items,
            rejected: self.store.refusals()?,
            server: self.store.get(MetaKey::Server)?,
            unit: self.store.get(MetaKey::Unit)?,
            last_sync: self.store.get(MetaKey::LastSync)?,
        })
    }
}
