//! Key–value metadata of the profile. The keys are one enum, [`MetaKey`], spelled on disk
//! exactly as before (a profile made by an older version opens unchanged), so a typo no
//! longer compiles; what a login writes is one [`Session`], stored in one transaction.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store::Store;

/// Every metadata key a profile uses, with its stored name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaKey {
    /// The automerge actor (hex) of this store's changes.
    Actor,
    /// The person's name and NIP; a profile counts as made once its NIP is stored.
    Name,
    Nip,
    CreatedAt,
    /// The agency server, without a trailing `/`.
    Server,
    /// `"1"` when plain http to a non-loopback server was allowed at login.
    AllowInsecureHttp,
    /// The bearer token from the last login.
    Token,
    DeviceId,
    /// The device certificate (JSON) the server issued at login.
    Certificate,
    AgencyName,
    /// The agency's public key (hex); bundles carry it.
    AgencyKey,
    Unit,
    Role,
    /// The device key's public half (hex).
    DevicePublic,
    /// The device key sealed under the signing passphrase (hex), once set.
    DeviceKeySealed,
    /// Set when the server found another copy of this profile.
    NewIdentity,
    /// The last sync number sent.
    SyncNumber,
    /// Where this device stands in the server's log ("a,b,c").
    Cursor,
    LastSync,
    /// Leased blocks of letter numbers (JSON).
    NumberBlocks,
    /// Approved documents waiting for a letter number (JSON list of ids).
    NumberPending,
    /// "Hemat data": `"1"` (or unset, the default) downloads a colleague's attachment
    /// only when it is opened; `"0"` downloads them after every sync.
    HematData,
    /// Beranda's "seen" marker: the last arrival (arrivals.rs) the person marked as seen.
    /// Unset until the profile's first complete sync, before which nothing is logged.
    NewsSeen,
}

impl MetaKey {
    /// The key as stored in the `meta` table.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Actor => "actor",
            Self::Name => "name",
            Self::Nip => "nip",
            Self::CreatedAt => "created_at",
            Self::Server => "server",
            Self::AllowInsecureHttp => "allow_insecure_http",
            Self::Token => "token",
            Self::DeviceId => "device_id",
            Self::Certificate => "certificate",
            Self::AgencyName => "agency_name",
            Self::AgencyKey => "agency_key",
            Self::Unit => "unit",
            Self::Role => "role",
            Self::DevicePublic => "device_public",
            Self::DeviceKeySealed => "device_key_sealed",
            Self::NewIdentity => "new_identity",
            Self::SyncNumber => "sync_number",
            Self::Cursor => "cursor",
            Self::LastSync => "last_sync",
            Self::NumberBlocks => "number_blocks",
            Self::NumberPending => "number_pending",
            Self::HematData => "hemat_data",
            Self::NewsSeen => "news_seen",
        }
    }
}

/// What a login gives a profile: the server, how to reach it, and who the account is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    pub server: String,
    pub allow_insecure_http: bool,
    pub token: String,
    pub device_id: String,
    /// The device certificate, JSON.
    pub certificate: String,
    pub agency_name: String,
    /// The agency's public key, hex.
    pub agency_key: String,
    pub unit: String,
    pub role: String,
    pub name: String,
    pub nip: String,
}

impl Session {
    fn entries(&self) -> [(MetaKey, &str); 11] {
        [
            (MetaKey::Server, &self.server),
            (
                MetaKey::AllowInsecureHttp,
                if self.allow_insecure_http { "1" } else { "0" },
            ),
            (MetaKey::Token, &self.token),
            (MetaKey::DeviceId, &self.device_id),
            (MetaKey::Certificate, &self.certificate),
            (MetaKey::AgencyName, &self.agency_name),
            (MetaKey::AgencyKey, &self.agency_key),
            (MetaKey::Unit, &self.unit),
            (MetaKey::Role, &self.role),
            (MetaKey::Name, &self.name),
            (MetaKey::Nip, &self.nip),
        ]
    }
}

/// Where a logged-in profile syncs: enough to build its transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub server: String,
    pub token: String,
    pub allow_insecure_http: bool,
}

pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

impl Store {
    /// The value of `key`, if set.
    pub fn get(&self, key: MetaKey) -> Result<Option<String>> {
        get(self.connection(), key.as_str())
    }

    /// Whether `key` is set (to anything).
    pub fn has(&self, key: MetaKey) -> Result<bool> {
        Ok(self.get(key)?.is_some())
    }

    pub fn put(&self, key: MetaKey, value: &str) -> Result<()> {
        set(self.connection(), key.as_str(), value)
    }

    /// Removes `key` (an absent key is fine).
    pub fn remove(&self, key: MetaKey) -> Result<()> {
        self.remove_meta(key.as_str())
    }

    /// Stores a login's session, all of it or none.
    pub fn put_session(&mut self, s: &Session) -> Result<()> {
        self.write_tx(|c| {
            for (k, v) in s.entries() {
                set(c, k.as_str(), v)?;
            }
            Ok(())
        })
    }

    /// The server and token of a logged-in profile; `None` before the first login.
    pub fn link(&self) -> Result<Option<Link>> {
        let (Some(server), Some(token)) = (self.get(MetaKey::Server)?, self.get(MetaKey::Token)?)
        else {
            return Ok(None);
        };
        Ok(Some(Link {
            server,
            token,
            allow_insecure_http: self.get(MetaKey::AllowInsecureHttp)?.as_deref() == Some("1"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_stored_under_the_keys_older_profiles_use() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.link().unwrap(), None);
        s.put_session(&Session {
            server: "https://a.example".into(),
            token: "tok".into(),
            nip: "198703122010011002".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            s.meta("server").unwrap().as_deref(),
            Some("https://a.example")
        );
        assert_eq!(s.meta("token").unwrap().as_deref(), Some("tok"));
        assert_eq!(s.meta("allow_insecure_http").unwrap().as_deref(), Some("0"));
        assert_eq!(
            s.meta("nip").unwrap().as_deref(),
            Some("198703122010011002")
        );
        let link = s.link().unwrap().unwrap();
        assert_eq!(link.server, "https://a.example");
        assert!(!link.allow_insecure_http);
        s.put(MetaKey::NewIdentity, "1").unwrap();
        assert!(s.has(MetaKey::NewIdentity).unwrap());
        s.remove(MetaKey::NewIdentity).unwrap();
        assert_eq!(s.meta("new_identity").unwrap(), None);
    }
}
