//! Local names of attached files.
//!
//! A document lists its attachments only by BLAKE3 hash (the hash is what an approval
//! binds to, and it says nothing about the file's name, which may itself be sensitive).
//! The name and size a person attached are kept here, on the device that attached them,
//! so the Naskah screen can show "undangan.pdf, 240 KB" instead of a hash. The bytes
//! themselves live outside SQLite, content-addressed in the profile folder (the client
//! manages them).

use luring_model::Document;
use rusqlite::params;

use crate::error::Result;
use crate::store::Store;

/// The local name of one attachment of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentName {
    pub hash: String,
    pub doc_id: String,
    pub name: String,
    pub bytes: u64,
}

impl Store {
    /// Adds an attachment to a document: appends `hash` to its attachment list (if absent)
    /// and records the file's name and size, in one transaction. Returns the document as
    /// it now reads.
    pub fn attach(&mut self, doc_id: &str, hash: &str, name: &str, bytes: u64) -> Result<Document> {
        let bytes_sql = i64::try_from(bytes).unwrap_or(i64::MAX);
        self.update(
            doc_id,
            |doc| luring_crdt::add_attachment(doc, hash).map(|_| ()),
            |c| {
                c.prepare_cached(
                    "INSERT INTO attachment_names(hash, doc_id, name, bytes) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(doc_id, hash) DO UPDATE SET name = excluded.name, bytes = excluded.bytes",
                )?
                .execute(params![hash, doc_id, name, bytes_sql])?;
                Ok(())
            },
        )
    }

    /// The recorded names of a document's attachments, by hash. Hashes that arrived by
    /// sync have no row here.
    pub fn attachment_names(&self, doc_id: &str) -> Result<Vec<AttachmentName>> {
        let mut s = self.connection().prepare_cached(
            "SELECT hash, doc_id, name, bytes FROM attachment_names WHERE doc_id = ?1 ORDER BY hash",
        )?;
        let rows = s.query_map([doc_id], |r| {
            Ok(AttachmentName {
                hash: r.get(0)?,
                doc_id: r.get(1)?,
                name: r.get(2)?,
                bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every attachment attached on this device (the ones it may have to upload), by hash
    /// then document.
    pub fn local_attachments(&self) -> Result<Vec<AttachmentName>> {
        let mut s = self.connection().prepare_cached(
            "SELECT hash, doc_id, name, bytes FROM attachment_names ORDER BY hash, doc_id",
        )?;
        let rows = s.query_map([], |r| {
            Ok(AttachmentName {
                hash: r.get(0)?,
                doc_id: r.get(1)?,
                name: r.get(2)?,
                bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A name recorded for the same bytes under any document (the same file attached to
    /// two documents), for a hash that has none under the document being shown.
    pub fn attachment_name_any(&self, hash: &str) -> Result<Option<AttachmentName>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .connection()
            .prepare_cached(
                "SELECT hash, doc_id, name, bytes FROM attachment_names WHERE hash = ?1
                 ORDER BY doc_id LIMIT 1",
            )?
            .query_row([hash], |r| {
                Ok(AttachmentName {
                    hash: r.get(0)?,
                    doc_id: r.get(1)?,
                    name: r.get(2)?,
                    bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use luring_crdt::NewDocument;
    use luring_model::{Classification, DocKind, EntityId, Title};

    use super::*;

    fn store_with_doc() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.create_documents(&[NewDocument {
            id: EntityId::parse("d-1").unwrap(),
            kind: DocKind::Surat,
            title: Title::parse("Undangan").unwrap(),
            body: Document::body("Isi.").unwrap(),
            classification: Classification::Biasa,
            unit: None,
            revision_of: None,
            created_at: "2026-11-23T08:00:00Z".into(),
            created_by: None,
        }])
        .unwrap();
        s
    }

    #[test]
    fn attaching_records_the_hash_and_the_name_together() {
        let mut s = store_with_doc();
        let h = "b".repeat(64);
        let outbox_before = s.stats().unwrap().outbox;
        let d = s.attach("d-1", &h, "undangan.pdf", 1234).unwrap();
        assert_eq!(d.attachments, std::slice::from_ref(&h));
        assert_eq!(s.stats().unwrap().outbox, outbox_before + 1);
        let names = s.attachment_names("d-1").unwrap();
        assert_eq!(names.len(), 1);
        assert_eq!(
            (names[0].name.as_str(), names[0].bytes),
            ("undangan.pdf", 1234)
        );
        assert_eq!(s.attachment_name_any(&h).unwrap().unwrap().doc_id, "d-1");
        assert_eq!(s.local_attachments().unwrap(), names);
        assert!(s.check_derived().unwrap().is_empty());
        // Attaching again renames, adds no second hash.
        let d = s.attach("d-1", &h, "undangan-final.pdf", 1234).unwrap();
        assert_eq!(d.attachments.len(), 1);
        assert_eq!(
            s.attachment_names("d-1").unwrap()[0].name,
            "undangan-final.pdf"
        );
    }

    #[test]
    fn a_bad_hash_records_nothing() {
        let mut s = store_with_doc();
        assert!(s.attach("d-1", "not-a-hash", "x.pdf", 1).is_err());
        assert!(s.attachment_names("d-1").unwrap().is_empty());
        assert!(s.document("d-1").unwrap().attachments.is_empty());
    }
}
