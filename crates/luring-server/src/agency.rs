//! The agency's root signing key, kept in the data folder readable by the server's user
//! only. It never leaves the server and is never logged.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use crate::error::{Result, ServerError};

pub const KEY_FILE: &str = "agency.key";

pub fn key_path(data: &Path) -> PathBuf {
    data.join(KEY_FILE)
}

/// Makes a new root key and writes it (mode 0600); refuses to overwrite one.
pub fn create_key(data: &Path) -> Result<SigningKey> {
    let path = key_path(data);
    if path.exists() {
        return Err(ServerError::AlreadyExists(format!(
            "{} already exists: the agency is already initialised",
            path.display()
        )));
    }
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    f.write_all(hex::encode(key.to_bytes()).as_bytes())?;
    f.sync_all()?;
    Ok(key)
}

pub fn load_key(data: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(key_path(data)).map_err(|_| ServerError::NoAgency)?;
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ServerError::DamagedAgencyKey)?;
    Ok(SigningKey::from_bytes(&bytes))
}
