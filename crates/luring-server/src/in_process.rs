//! An in-process server for tests and benchmarks: the real storage and sync logic, minus
//! HTTP. Bytes in, bytes out — exactly the body the HTTP handler would receive and send.
//! Built only with the `test-util` feature (the server's own tests and the benchmark turn
//! it on): the production server has no use for it.

use std::path::Path;

use crate::db::{sqlite::SqliteDb, AgencyRow, Database, DeviceRow, UnitRow, UserRow};
use crate::error::Result;
use crate::sync_service::{self, AgencyKeys, HandleError};

/// A server database with one agency and a small unit tree: `DINAS` with `BIDANG-A` and
/// `BIDANG-B` below it.
pub struct InProcessServer {
    pub db: SqliteDb,
    /// The agency's root key (it signs receipts).
    pub key: ed25519_dalek::SigningKey,
    /// The same key as syncs use it, checked against the agency once.
    keys: AgencyKeys,
}

impl InProcessServer {
    pub fn create(path: &Path) -> Result<Self> {
        let db = SqliteDb::open(path)?;
        let key = ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        db.create_agency(&AgencyRow {
            name: "Dinas Uji".into(),
            public_key: hex::encode(key.verifying_key().as_bytes()),
        })?;
        for (code, parent) in [
            ("DINAS", None),
            ("BIDANG-A", Some("DINAS")),
            ("BIDANG-B", Some("DINAS")),
        ] {
            db.add_unit(&UnitRow {
                code: code.into(),
                name: code.into(),
                parent: parent.map(str::to_owned),
            })?;
        }
        let keys = AgencyKeys::check(&key, db.agency()?.as_ref())?;
        Ok(Self { db, key, keys })
    }

    /// Registers a person (if new) and a device bound to `actor` (hex). Passwords are not
    /// used in-process, so none is hashed.
    pub fn add_device(
        &self,
        nip: &str,
        unit: &str,
        role: &str,
        actor: &str,
    ) -> Result<(DeviceRow, UserRow)> {
        let user = match self.db.user(nip)? {
            Some(u) => u,
            None => {
                let u = UserRow {
                    nip: nip.into(),
                    name: format!("Pegawai {nip}"),
                    unit: unit.into(),
                    role: role.into(),
                    password_hash: String::new(),
                };
                self.db.add_user(&u)?;
                u
            }
        };
        let device = DeviceRow {
            id: format!("dev-{actor}"),
            nip: nip.into(),
            public_key: String::new(),
            actor: actor.into(),
            cert: "{}".into(),
            revoked: false,
        };
        self.db
            .add_device(&device, blake3::hash(actor.as_bytes()).as_bytes())?;
        Ok((device, user))
    }

    /// One sync exchange for `device`.
    pub fn handle(
        &self,
        device: &DeviceRow,
        user: &UserRow,
        body: &[u8],
    ) -> std::result::Result<Vec<u8>, HandleError> {
        sync_service::handle_bytes(
            &self.db,
            Ok(&self.keys),
            device,
            user,
            body,
            luring_sync::Limits::default(),
        )
        .map(|(b, _)| b)
    }
}
