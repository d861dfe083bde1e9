//! The automerge layout of a naskah dinas.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use luring_model::{Classification, DocKind, Document, EntityId, EntityKind, Text, Title};

use crate::error::Result;
use crate::read::Reader;

/// The fields a new document starts with.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub id: EntityId,
    pub kind: DocKind,
    pub title: Title,
    pub body: Text,
    pub classification: Classification,
    pub unit: Option<String>,
    pub created_at: String,
    /// The approved document this one revises, if any.
    pub revision_of: Option<String>,
    /// Who makes it.
    pub created_by: Option<luring_model::Nip>,
}

/// A change to a document; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct DocumentEdit {
    pub title: Option<Title>,
    pub kind: Option<DocKind>,
    /// The whole new body; only its difference from the current body is written.
    pub body: Option<Text>,
    /// How the editor made `body` from the body it last saw; written as they are when
    /// they lead from the stored body to `body` (see [`crate::splice_text_checked`]).
    pub splices: Vec<crate::Splice>,
    pub classification: Option<Classification>,
}

/// Makes the automerge document of a new naskah dinas, as one change by `actor`.
pub fn new_document(actor: ActorId, d: &NewDocument) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(actor);
    doc.put(ROOT, "type", EntityKind::Document.as_str())?;
    doc.put(ROOT, "schema", crate::SCHEMA_VERSION)?;
    doc.put(ROOT, "id", d.id.as_str())?;
    doc.put(ROOT, "kind", d.kind.as_str())?;
    doc.put(ROOT, "title", d.title.as_str())?;
    let body = doc.put_object(ROOT, "body", ObjType::Text)?;
    crate::text_splice::update_text(&mut doc, &body, d.body.as_str())?;
    doc.put(ROOT, "classification", d.classification.as_str())?;
    doc.put_object(ROOT, "attachments", ObjType::List)?;
    if let Some(unit) = &d.unit {
        doc.put(ROOT, "unit", unit.as_str())?;
    }
    doc.put(ROOT, "created_at", d.created_at.as_str())?;
    if let Some(old) = &d.revision_of {
        doc.put(ROOT, "revision_of", old.as_str())?;
    }
    if let Some(by) = &d.created_by {
        doc.put(ROOT, "created_by", by.as_str())?;
    }
    Ok(doc)
}

/// Applies an edit. The body is updated by splicing in the difference, so an edit that
/// touches one paragraph leaves the others free to change concurrently elsewhere.
pub fn update_document(doc: &mut AutoCommit, e: &DocumentEdit) -> Result<()> {
    let body = Reader::new(doc, "document").obj(&ROOT, "body", ObjType::Text)?;
    if let Some(t) = &e.title {
        doc.put(ROOT, "title", t.as_str())?;
    }
    if let Some(k) = e.kind {
        doc.put(ROOT, "kind", k.as_str())?;
    }
    if let Some(c) = e.classification {
        doc.put(ROOT, "classification", c.as_str())?;
    }
    if let Some(text) = &e.body {
        let b = match body {
            Some(b) => b,
            None => doc.put_object(ROOT, "body", ObjType::Text)?,
        };
        if e.splices.is_empty() {
            crate::text_splice::update_text(doc, &b, text.as_str())?;
        } else {
            crate::text_splice::splice_text_checked(doc, &b, &e.splices, text.as_str())?;
        }
    }
    Ok(())
}

/// Gives the document its letter number (after its last approval). Not part of the
/// content hash, so numbering does not make the approved version stale.
pub fn set_letter_number(doc: &mut AutoCommit, number: &str) -> Result<()> {
    doc.put(ROOT, "letter_number", number)?;
    Ok(())
}

/// Appends an attachment's BLAKE3 hash (64 lowercase hex characters) unless the document
/// already lists it; returns whether it was appended. Two replicas attaching the same file
/// concurrently can still both append it: readers that show a list should skip repeats.
pub fn add_attachment(doc: &mut AutoCommit, hash: &str) -> Result<bool> {
    let r = Reader::new(doc, "document");
    let hash = Document::attachment(hash).map_err(r.invalid())?;
    let list = r.obj(&ROOT, "attachments", ObjType::List)?;
    if r.list_of_str(&ROOT, "attachments")?.contains(&hash) {
        return Ok(false);
    }
    let list = match list {
        Some(l) => l,
        None => doc.put_object(ROOT, "attachments", ObjType::List)?,
    };
    let at = automerge::ReadDoc::length(doc, &list);
    doc.insert(&list, at, hash)?;
    Ok(true)
}

/// Reads and validates a document.
pub fn read_document(doc: &AutoCommit) -> Result<Document> {
    let r = Reader::new(doc, "document");
    let bad = r.invalid();
    Ok(Document {
        id: EntityId::parse(&r.str(&ROOT, "id")?).map_err(&bad)?,
        kind: r.str(&ROOT, "kind")?.parse().map_err(&bad)?,
        title: Title::parse(&r.str(&ROOT, "title")?).map_err(&bad)?,
        // The body limit applies to typing, not to merges (see `read_task`).
        body: Text::parse(
            "the document body",
            &r.text(&ROOT, "body")?,
            usize::MAX,
            false,
        )
        .map_err(&bad)?,
        classification: r.str(&ROOT, "classification")?.parse().map_err(&bad)?,
        attachments: r
            .list_of_str(&ROOT, "attachments")?
            .iter()
            .map(|a| Document::attachment(a))
            .collect::<Result<_, _>>()
            .map_err(&bad)?,
        letter_number: r.opt_str(&ROOT, "letter_number")?,
        unit: r.opt_str(&ROOT, "unit")?,
        created_at: r.str(&ROOT, "created_at")?,
        revision_of: r.opt_str(&ROOT, "revision_of")?,
        created_by: r
            .opt_str(&ROOT, "created_by")?
            .map(|n| luring_model::Nip::parse(&n))
            .transpose()
            .map_err(&bad)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(body: &str) -> AutoCommit {
        new_document(
            ActorId::random(),
            &NewDocument {
                id: EntityId::parse("d-1").unwrap(),
                kind: DocKind::Surat,
                title: Title::parse("Undangan rapat").unwrap(),
                body: Document::body(body).unwrap(),
                classification: Classification::Biasa,
                unit: None,
                revision_of: None,
                created_at: "2026-11-23T08:00:00Z".into(),
                created_by: None,
            },
        )
        .unwrap()
    }

    fn set_body(doc: &mut AutoCommit, body: &str) {
        update_document(
            doc,
            &DocumentEdit {
                body: Some(Document::body(body).unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn edits_to_different_paragraphs_both_survive() {
        let mut a = new("Paragraf satu.\nParagraf dua.\n");
        let mut b = AutoCommit::load(&a.save())
            .unwrap()
            .with_actor(ActorId::random());
        set_body(&mut a, "Paragraf satu, diubah A.\nParagraf dua.\n");
        set_body(&mut b, "Paragraf satu.\nParagraf dua, diubah B.\n");
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let (da, db) = (read_document(&a).unwrap(), read_document(&b).unwrap());
        assert_eq!(da, db);
        assert_eq!(
            da.body.as_str(),
            "Paragraf satu, diubah A.\nParagraf dua, diubah B.\n"
        );
        assert_eq!(crate::entity_kind(&a).unwrap(), crate::EntityKind::Document);
    }

    #[test]
    fn attachments_are_appended_once_and_must_be_hashes() {
        let mut a = new("Isi.");
        let (h1, h2) = ("a".repeat(64), "0123456789abcdef".repeat(4));
        assert!(add_attachment(&mut a, &h1).unwrap());
        assert!(!add_attachment(&mut a, &h1).unwrap());
        let mut b = AutoCommit::load(&a.save())
            .unwrap()
            .with_actor(ActorId::random());
        assert!(add_attachment(&mut b, &h2).unwrap());
        a.merge(&mut b).unwrap();
        assert_eq!(read_document(&a).unwrap().attachments, [h1, h2]);
        assert!(matches!(
            add_attachment(&mut a, &"A".repeat(64)),
            Err(crate::CrdtError::Invalid { .. })
        ));
        assert_eq!(read_document(&a).unwrap().attachments.len(), 2);
    }
}
