//! Who this profile is and how it stands with the agency, in one view, so a UI can decide
//! between its first-run screens and the app without knowing the profile's meta keys.

use luring_store::MetaKey;
use serde::Serialize;

use crate::error::Result;
use crate::profile::Profile;

/// The account of an open profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountView {
    pub name: String,
    pub nip: String,
    pub unit: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::Role>"))]
    pub role: Option<String>,
    /// The agency server, or `None` for a profile that has only worked offline.
    pub server: Option<String>,
    pub device_id: Option<String>,
    /// Whether the device key is sealed under a signing passphrase (needed to sign).
    pub has_passphrase: bool,
    pub agency_name: Option<String>,
}

impl Profile {
    pub fn account(&self) -> Result<AccountView> {
        let s = self.store();
        Ok(AccountView {
            name: s.get(MetaKey::Name)?.unwrap_or_default(),
            nip: self.nip().to_owned(),
            unit: s.get(MetaKey::Unit)?,
            role: s.get(MetaKey::Role)?,
            server: s.get(MetaKey::Server)?,
            device_id: s.get(MetaKey::DeviceId)?,
            has_passphrase: s.has(MetaKey::DeviceKeySealed)?,
            agency_name: s.get(MetaKey::AgencyName)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_of_an_offline_profile() {
        let dir = tempfile::tempdir().unwrap();
        let p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let a = p.account().unwrap();
        assert_eq!(a.name, "Ani Lestari");
        assert_eq!(a.server, None);
        assert!(!a.has_passphrase);
    }
}
