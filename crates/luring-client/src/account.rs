//! Who this profile is and how it stands with the agency, in one view, so a UI can decide
//! between its first-run screens and the app without knowing the profile's meta keys.

use luring_crdt::DocumentEdit;
use luring_model::{Document, EntityId, Title};
use serde::Serialize;

use crate::error::Result;
use crate::profile::Profile;
use crate::views::DocView;

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

/// Changes to a document's header; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct DocumentChanges {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub classification: Option<String>,
}

impl Profile {
    pub fn account(&self) -> Result<AccountView> {
        let s = self.store();
        Ok(AccountView {
            name: s.meta("name")?.unwrap_or_default(),
            nip: self.nip().to_owned(),
            unit: s.meta("unit")?,
            role: s.meta("role")?,
            server: s.meta("server")?,
            device_id: s.meta("device_id")?,
            has_passphrase: s.meta("device_key_sealed")?.is_some(),
            agency_name: s.meta("agency_name")?,
        })
    }

    /// Changes a document's title, kind or classification (the body has
    /// [`Profile::edit_document`]).
    pub fn update_document(&mut self, id: &str, c: &DocumentChanges) -> Result<DocView> {
        let id = EntityId::parse(id)?;
        let edit = DocumentEdit {
            title: c.title.as_deref().map(Title::parse).transpose()?,
            kind: c.kind.as_deref().map(str::parse).transpose()?,
            classification: c.classification.as_deref().map(str::parse).transpose()?,
            body: None,
        };
        if edit.title.is_none() && edit.kind.is_none() && edit.classification.is_none() {
            return Err(crate::ClientError::NothingToChange);
        }
        let d: Document = self
            .store_mut()
            .update_document(id.as_str(), |doc| luring_crdt::update_document(doc, &edit))?;
        Ok(d.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_of_an_offline_profile_and_header_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let a = p.account().unwrap();
        assert_eq!(a.name, "Ani Lestari");
        assert_eq!(a.server, None);
        assert!(!a.has_passphrase);
        let id = p
            .new_document(&crate::NewDocInput {
                title: "Draf".into(),
                body: "isi".into(),
                ..Default::default()
            })
            .unwrap();
        let d = p
            .update_document(
                &id,
                &DocumentChanges {
                    title: Some("Nota dinas rapat".into()),
                    classification: Some("terbatas".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(d.title, "Nota dinas rapat");
        assert_eq!(d.classification, "terbatas");
        assert_eq!(d.body, "isi");
        assert!(p
            .update_document(
                &id,
                &DocumentChanges {
                    classification: Some("sangat-rahasia".into()),
                    ..Default::default()
                }
            )
            .is_err());
        assert!(matches!(
            p.update_document(&id, &DocumentChanges::default()),
            Err(crate::ClientError::NothingToChange)
        ));
    }
}
