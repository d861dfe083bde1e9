//! Naskah dinas (official documents): creating them, replacing the body as the editor
//! types, changing the header (title, kind, classification), listing and full-text search.
//! The body and the header are separate calls because they are separate edits: a body edit
//! records only the difference, so concurrent edits of other parts merge.

use luring_crdt::{DocumentEdit, NewDocument};
use luring_model::{Classification, DocKind, Document, EntityId, Timestamp, Title};
use luring_store::DocRow;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::new_id;
use crate::profile::Profile;
use crate::views::DocView;

/// A new document as typed by a person.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewDocInput {
    pub title: String,
    /// Absent: a nota dinas.
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::DocKind>"))]
    pub kind: Option<String>,
    #[serde(default)]
    pub body: String,
    /// Absent: biasa.
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::Classification>"))]
    pub classification: Option<String>,
}

/// Changes to a document's header; `None` leaves a field alone.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct DocumentChanges {
    pub title: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::DocKind>"))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<luring_model::Classification>"))]
    pub classification: Option<String>,
}

/// A row of the Naskah list with its status (see [`crate::DocStatusView`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocListRow {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub row: DocRow,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::DocStatus"))]
    pub status: String,
    /// The request that decides the status, if any.
    pub request_id: Option<String>,
}

/// One edit of a body as the editor saw it: at `pos`, `delete` units removed, then
/// `insert` typed. Positions count UTF-16 code units, as the window's text area does, in
/// the text as the previous splice of the same call left it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BodySplice {
    pub pos: u32,
    pub delete: u32,
    pub insert: String,
}

impl From<&BodySplice> for luring_crdt::Splice {
    fn from(s: &BodySplice) -> Self {
        Self {
            pos: s.pos as usize,
            delete: s.delete as usize,
            insert: s.insert.clone(),
        }
    }
}

impl NewDocInput {
    /// The document this input makes, with the given id, checked by the model's rules.
    pub fn to_new_document(&self, id: EntityId) -> Result<NewDocument> {
        Ok(NewDocument {
            id,
            kind: self
                .kind
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(DocKind::NotaDinas),
            title: Title::parse(&self.title)?,
            body: Document::body(&self.body)?,
            classification: self
                .classification
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(Classification::Biasa),
            unit: None,
            revision_of: None,
            created_at: Timestamp::now().into_string(),
            created_by: None,
        })
    }
}

impl Profile {
    /// Creates a document and returns its id.
    pub fn new_document(&mut self, input: &NewDocInput) -> Result<String> {
        let id = new_id("d");
        let mut d = input.to_new_document(EntityId::parse(&id)?)?;
        d.created_by = Some(self.own_nip().clone());
        self.store_mut().create_documents(&[d])?;
        Ok(id)
    }

    /// Replaces a document's body; only the difference is recorded (by characters, see
    /// `luring_crdt::update_text`), so concurrent edits of other parts merge.
    pub fn set_document_body(&mut self, id: &str, body: &str) -> Result<DocView> {
        self.splice_document_body(id, &[], body)
    }

    /// The editor's save: `body` is the text the person now sees, and `splices` how they
    /// made it from the text the editor last saved. The splices become the change as they
    /// are when they lead from the stored body to `body`; otherwise (the editor's idea of
    /// the text is not the stored one, or no splices are given) the difference between
    /// the stored body and `body` is written. Either way the body ends as `body`.
    pub fn splice_document_body(
        &mut self,
        id: &str,
        splices: &[BodySplice],
        body: &str,
    ) -> Result<DocView> {
        let id = EntityId::parse(id)?;
        self.ensure_editable(id.as_str())?;
        let edit = DocumentEdit {
            body: Some(Document::body(body)?),
            splices: splices.iter().map(Into::into).collect(),
            ..Default::default()
        };
        let d = self
            .store_mut()
            .update_document(id.as_str(), |doc| luring_crdt::update_document(doc, &edit))?;
        self.doc_view(d)
    }

    /// A document with its status, as the editor shows it.
    fn doc_view(&self, d: Document) -> Result<DocView> {
        let status = self.status_of_document(&d)?;
        let mut v = DocView::from(d);
        v.status = Some(status);
        Ok(v)
    }

    pub fn show_document(&self, id: &str) -> Result<DocView> {
        let d = self.store().document(EntityId::parse(id)?.as_str())?;
        self.doc_view(d)
    }

    pub fn list_documents(&self, kind: Option<&str>) -> Result<Vec<DocListRow>> {
        let kind = kind.map(str::parse::<DocKind>).transpose()?;
        let rows = self.store().list_documents(kind.map(|k| k.as_str()))?;
        self.with_status(rows)
    }

    pub fn search_documents(&self, query: &str) -> Result<Vec<DocListRow>> {
        let rows = self.store().search_documents(query, 50)?;
        self.with_status(rows)
    }

    fn with_status(&self, rows: Vec<DocRow>) -> Result<Vec<DocListRow>> {
        let statuses = self.document_statuses()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let (status, request_id) = statuses
                    .get(&row.id)
                    .cloned()
                    .unwrap_or((luring_model::DocStatus::Draf, None));
                DocListRow {
                    row,
                    status: status.as_str().to_owned(),
                    request_id,
                }
            })
            .collect())
    }

    /// Changes a document's title, kind or classification (the body has
    /// [`Profile::set_document_body`]).
    pub fn update_document_header(&mut self, id: &str, c: &DocumentChanges) -> Result<DocView> {
        let id = EntityId::parse(id)?;
        let edit = DocumentEdit {
            title: c.title.as_deref().map(Title::parse).transpose()?,
            kind: c.kind.as_deref().map(str::parse).transpose()?,
            classification: c.classification.as_deref().map(str::parse).transpose()?,
            ..Default::default()
        };
        if edit.title.is_none() && edit.kind.is_none() && edit.classification.is_none() {
            return Err(crate::ClientError::NothingToChange);
        }
        self.ensure_editable(id.as_str())?;
        let d: Document = self
            .store_mut()
            .update_document(id.as_str(), |doc| luring_crdt::update_document(doc, &edit))?;
        self.doc_view(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_deserialise_from_what_a_window_sends() {
        let d: NewDocInput = serde_json::from_str(r#"{"title":"Nota","kind":"memo"}"#).unwrap();
        assert_eq!(
            (d.title.as_str(), d.kind.as_deref()),
            ("Nota", Some("memo"))
        );
        assert!(d.body.is_empty() && d.classification.is_none());
        let c: DocumentChanges = serde_json::from_str(r#"{"classification":"rahasia"}"#).unwrap();
        assert_eq!(c.classification.as_deref(), Some("rahasia"));
        assert!(c.title.is_none() && c.kind.is_none());
    }

    #[test]
    fn header_changes_leave_the_body_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002").unwrap();
        let id = p
            .new_document(&NewDocInput {
                title: "Draf".into(),
                body: "isi".into(),
                ..Default::default()
            })
            .unwrap();
        let d = p
            .update_document_header(
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
            .update_document_header(
                &id,
                &DocumentChanges {
                    classification: Some("sangat-rahasia".into()),
                    ..Default::default()
                }
            )
            .is_err());
        assert!(matches!(
            p.update_document_header(&id, &DocumentChanges::default()),
            Err(crate::ClientError::NothingToChange)
        ));
    }
}
