//! A document's status as every screen shows it, and the edits it allows.
//!
//! The rule is the model's ([`luring_model::document_status`]); this is where the client
//! gathers its requests' statuses for it, so the editor, the Naskah list, Persetujuan and
//! Beranda all read one answer. A frozen document (an open or approved request) refuses
//! every change to its text and official fields here, before the server would.

use std::collections::HashMap;

use luring_model::{document_status, request_status, DocStatus, Document, RequestState};
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::profile::Profile;

/// Where a document stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocStatusView {
    #[cfg_attr(feature = "ts", ts(as = "luring_model::DocStatus"))]
    pub status: String,
    /// Whether the text and official fields are read-only.
    pub frozen: bool,
    /// The request that decides the status (the approved one, the open one, or the newest).
    pub request_id: Option<String>,
    /// The approved letter's number, once given.
    pub letter_number: Option<String>,
    /// The approved document this one revises.
    pub revision_of: Option<String>,
}

/// One request's status, as gathered for [`document_status`].
struct Gathered {
    id: String,
    status: luring_model::ApprovalStatus,
    created_at: String,
}

impl Profile {
    /// Every document's current content hash, by id, from the query table: one read for a
    /// whole list of requests to be judged against their letters, no letter loaded.
    pub(crate) fn content_hashes(&self) -> Result<HashMap<String, String>> {
        Ok((self.store().list_documents(None)?)
            .into_iter()
            .map(|d| (d.id, d.content_hash))
            .collect())
    }

    /// Every request's status, by document id. The documents' current content hashes come
    /// from the query table (one read for a whole list, no automerge load per request).
    /// `only`: one document (as already read), else all.
    fn requests_by_document(
        &self,
        only: Option<&Document>,
    ) -> Result<HashMap<String, Vec<Gathered>>> {
        let mut by_doc: HashMap<String, Vec<Gathered>> = HashMap::new();
        let hashes: HashMap<String, String> = match only {
            Some(d) => HashMap::from([(d.id.to_string(), d.content_hash().to_string())]),
            None => self.content_hashes()?,
        };
        let ids = match only {
            Some(d) => self.store().request_ids_for_document(d.id.as_str())?,
            None => self.store().request_ids()?,
        };
        for id in ids {
            let f = self.facts(&id)?;
            let doc = f.request.body.document_id.as_str();
            // The index reads the same bytes `facts` parses; checked all the same.
            if only.is_some_and(|o| o.id.as_str() != doc) {
                continue;
            }
            let ev = self.evaluation_against(&f, hashes.get(doc).map(String::as_str))?;
            by_doc.entry(doc.to_owned()).or_default().push(Gathered {
                id,
                status: request_status(&ev, f.withdrawn),
                created_at: f.request.body.created_at.clone(),
            });
        }
        Ok(by_doc)
    }

    fn status_of(requests: Option<&Vec<Gathered>>) -> (DocStatus, Option<String>) {
        let states: Vec<RequestState<'_>> = requests
            .map(|rs| {
                rs.iter()
                    .map(|g| RequestState {
                        id: &g.id,
                        status: g.status,
                        created_at: &g.created_at,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (s, id) = document_status(&states);
        (s, id.map(str::to_owned))
    }

    /// The status of one document.
    pub fn document_status(&self, doc_id: &str) -> Result<DocStatusView> {
        self.status_of_document(&self.store().document(doc_id)?)
    }

    /// The status of a document already read (a save's result: no second read).
    pub(crate) fn status_of_document(&self, doc: &Document) -> Result<DocStatusView> {
        let requests = self.requests_by_document(Some(doc))?;
        let (status, request_id) = Self::status_of(requests.get(doc.id.as_str()));
        Ok(DocStatusView {
            status: status.as_str().to_owned(),
            frozen: status.is_frozen(),
            request_id,
            letter_number: doc.letter_number.clone(),
            revision_of: doc.revision_of.clone(),
        })
    }

    /// The status of every document that has a request (the others are drafts), by id:
    /// one pass over the requests for a whole list.
    pub fn document_statuses(&self) -> Result<HashMap<String, (DocStatus, Option<String>)>> {
        Ok(self
            .requests_by_document(None)?
            .iter()
            .map(|(doc, rs)| (doc.clone(), Self::status_of(Some(rs))))
            .collect())
    }

    /// Refuses a change to the text or official fields of a frozen document.
    pub(crate) fn ensure_editable(&self, doc_id: &str) -> Result<()> {
        let doc = self.store().document(doc_id)?;
        let requests = self.requests_by_document(Some(&doc))?;
        let (status, _) = Self::status_of(requests.get(doc_id));
        if status.is_frozen() {
            return Err(ClientError::Frozen {
                status: status.as_str(),
            });
        }
        Ok(())
    }
}
