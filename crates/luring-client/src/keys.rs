//! The device's signing key on this profile.
//!
//! The key is made on the device and never leaves it. Its public half goes to the server
//! at login (to be certified); its secret half is kept only sealed under the signing
//! passphrase (`luring_store::keys`). Between a login and the first `key set-passphrase` the
//! secret waits in `device.key.pending` (mode 0600) outside the database — never in SQLite,
//! whose free pages and WAL could keep old bytes — and setting the passphrase overwrites
//! that file with zeros before removing it.

use std::io::Write;
use std::path::{Path, PathBuf};

use luring_store::keys::{self, KdfCost};
use luring_store::MetaKey;
use zeroize::Zeroizing;

use crate::error::{ClientError, Result};
use crate::profile::Profile;

const PENDING: &str = "device.key.pending";

fn pending_path(dir: &Path) -> PathBuf {
    dir.join(PENDING)
}

/// Overwrites the file in place (not a new file renamed over it, as `crate::fs` does): the
/// zeros must land on the secret's own blocks.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn wipe(path: &Path) -> std::io::Result<()> {
    let len = std::fs::metadata(path)?.len() as usize;
    overwrite(path, &vec![0u8; len])?;
    std::fs::remove_file(path)
}

/// The secret key waiting in `device.key.pending` for its passphrase.
fn read_pending(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| ClientError::file("read", path, e))?);
    Ok(Zeroizing::new(bytes.as_slice().try_into().map_err(
        |_| ClientError::Key("the pending device key is damaged".into()),
    )?))
}

fn key_error(e: keys::KeyError) -> ClientError {
    match e {
        keys::KeyError::WrongPassphrase => ClientError::WrongPassphrase,
        other => ClientError::Key(other.to_string()),
    }
}

/// The public key (hex) of the device key for `dir`, creating the key if there is none.
pub(crate) fn device_public(dir: &Path, store: &luring_store::Store) -> Result<String> {
    if let Some(p) = store.get(MetaKey::DevicePublic)? {
        return Ok(p);
    }
    let secret = Zeroizing::new(rand::random::<[u8; 32]>());
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    let public = hex::encode(key.verifying_key().as_bytes());
    let path = pending_path(dir);
    crate::fs::write_atomic_private(&path, secret.as_slice())
        .map_err(|e| ClientError::file("write", &path, e))?;
    store.put(MetaKey::DevicePublic, &public)?;
    Ok(public)
}

/// Forgets this profile's device key, so that the next login makes a new one (and so a new
/// actor): for a profile found to be a copy of another. Leased letter numbers go too: the
/// other copy holds the same blocks.
pub(crate) fn forget_device_key(dir: &Path, store: &luring_store::Store) -> Result<()> {
    let path = pending_path(dir);
    if path.exists() {
        wipe(&path).map_err(|e| ClientError::file("remove", &path, e))?;
    }
    for k in [
        MetaKey::DevicePublic,
        MetaKey::DeviceKeySealed,
        MetaKey::NumberBlocks,
    ] {
        store.remove(k)?;
    }
    Ok(())
}

/// Makes the store's actor the one bound to `public` (see [`luring_model::device_actor`]),
/// re-making unsent work of an earlier actor under it; returns the actor (hex).
pub(crate) fn bind_actor(
    store: &mut luring_store::Store,
    public: &ed25519_dalek::VerifyingKey,
) -> Result<String> {
    let (hex_actor, actor) = bound_actor(public);
    if store.actor() != &actor {
        store.change_actor(&actor)?;
    }
    Ok(hex_actor)
}

/// The actor bound to the device key `public`, as hex and as automerge's id.
pub(crate) fn bound_actor(public: &ed25519_dalek::VerifyingKey) -> (String, automerge::ActorId) {
    let hex_actor = luring_model::device_actor(public.as_bytes());
    let bytes = hex::decode(&hex_actor).expect("device_actor is hex");
    (hex_actor, automerge::ActorId::from(bytes))
}

/// The device's signing key for a login proof: the key still waiting for its passphrase,
/// or the sealed key opened with `passphrase`. The login proof is the one signature made
/// without asking for consent to a document, so it signs only the server's challenge.
pub(crate) fn login_key(
    dir: &Path,
    store: &luring_store::Store,
    passphrase: Option<&str>,
) -> Result<ed25519_dalek::SigningKey> {
    let public = device_public(dir, store)?;
    let path = pending_path(dir);
    let key = if let Some(sealed) = store.get(MetaKey::DeviceKeySealed)? {
        let pass = passphrase.ok_or(ClientError::PassphraseNeeded)?;
        let sealed = hex::decode(sealed)
            .map_err(|_| ClientError::Key("the sealed device key is damaged".into()))?;
        let secret = keys::open(&sealed, pass).map_err(key_error)?;
        ed25519_dalek::SigningKey::from_bytes(&secret)
    } else {
        ed25519_dalek::SigningKey::from_bytes(&*read_pending(&path)?)
    };
    if hex::encode(key.verifying_key().as_bytes()) != public {
        return Err(ClientError::Key(
            "this device's key does not match its public key: the profile is damaged".into(),
        ));
    }
    Ok(key)
}

impl Profile {
    /// Sets the signing passphrase: seals the device key under it. Works offline.
    pub fn set_passphrase(&mut self, passphrase: &str) -> Result<()> {
        self.set_passphrase_with(passphrase, KdfCost::default())
    }

    /// As [`Profile::set_passphrase`], with a chosen key-derivation cost (tests).
    pub fn set_passphrase_with(&mut self, passphrase: &str, cost: KdfCost) -> Result<()> {
        if self.store().has(MetaKey::DeviceKeySealed)? {
            return Err(ClientError::Key(
                "a signing passphrase is already set for this device".into(),
            ));
        }
        let dir = self.dir().to_owned();
        device_public(&dir, self.store())?;
        let path = pending_path(&dir);
        let secret = read_pending(&path)?;
        let sealed = keys::seal(&secret, passphrase, cost).map_err(key_error)?;
        self.store()
            .put(MetaKey::DeviceKeySealed, &hex::encode(sealed))?;
        wipe(&path).map_err(|e| ClientError::file("remove", &path, e))?;
        Ok(())
    }

    /// Unlocks the device key for one signature. A wrong passphrase unlocks nothing.
    pub fn unlock_signing_key(&self, passphrase: &str) -> Result<ed25519_dalek::SigningKey> {
        let sealed = self
            .store()
            .get(MetaKey::DeviceKeySealed)?
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| ClientError::Key("no signing passphrase is set: run `luring key set-passphrase --passphrase-stdin`".into()))?;
        let secret = keys::open(&sealed, passphrase).map_err(key_error)?;
        Ok(ed25519_dalek::SigningKey::from_bytes(&secret))
    }
}
