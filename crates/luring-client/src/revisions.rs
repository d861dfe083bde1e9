//! Changing a letter after it was sent for approval, without voiding anything:
//! withdrawing an open request (the document becomes editable again), and "Buat revisi",
//! which makes a new document from an approved one.
//!
//! A revision is a new document, not a new version inside the old one, because the
//! approved letter must stay exactly as signed: its id, text, letter number and evidence
//! are untouched (no server rule has to tell "a revision" from "a silent edit", and a
//! hostile client has nothing to bump), and the old evidence keeps verifying against the
//! document as it is. The revision names the letter it revises (`revision_of`, set once)
//! and needs a request of its own.

use luring_crdt::NewDocument;
use luring_model::{
    request_status, ApprovalStatus, EntityId, Nip, Record, RecordKind, Timestamp, Withdrawal,
    WithdrawalBody,
};

use crate::approvals::ApprovalView;
use crate::error::{ClientError, Result};
use crate::ids::new_id;
use crate::profile::Profile;

impl Profile {
    /// Withdraws my open request: the document becomes editable again. Needs no network;
    /// the server accepts the withdrawal only if no one has finished deciding by then.
    pub fn withdraw_approval(&mut self, request_id: &str) -> Result<ApprovalView> {
        let facts = self.facts(request_id)?;
        if facts.request.body.requester.as_str() != self.nip() {
            return Err(ClientError::Approval(
                "only the person who asked for approval can withdraw the request".into(),
            ));
        }
        let ev = self.evaluation(&facts)?;
        let status = request_status(&ev, facts.withdrawn);
        if status != ApprovalStatus::Menunggu {
            return Err(ClientError::Approval(format!(
                "this request is already {status}: only a request still waiting can be withdrawn"
            )));
        }
        let w = Withdrawal {
            body: WithdrawalBody {
                request_id: facts.request.body.id.clone(),
                request_digest: facts.request.digest(),
                requester: Nip::parse(self.nip())?,
                withdrawn_at: Timestamp::now().into_string(),
            },
        };
        let bytes = serde_json::to_vec(&Record::Withdrawal(w)).expect("records serialise");
        self.store_mut()
            .add_local_record(request_id, RecordKind::Withdrawal, &bytes)?;
        self.show_approval(request_id)
    }

    /// "Buat revisi": a new draft with the approved letter's kind, title, classification
    /// and text, naming the letter it revises. Returns the new document's id.
    pub fn revise_document(&mut self, doc_id: &str) -> Result<String> {
        let old = self.store().document(EntityId::parse(doc_id)?.as_str())?;
        let status = self.document_status(doc_id)?;
        if status.status != luring_model::DocStatus::Disetujui.as_str() {
            return Err(ClientError::Approval(
                "only an approved letter is revised; a draft or a rejected one is edited as it is, \
                 and a request still waiting is withdrawn first"
                    .into(),
            ));
        }
        let id = new_id("d");
        let me = self.own_nip().clone();
        self.store_mut().create_documents(&[NewDocument {
            id: EntityId::parse(&id)?,
            kind: old.kind,
            title: old.title,
            body: old.body,
            classification: old.classification,
            unit: None,
            created_at: Timestamp::now().into_string(),
            created_by: Some(me),
            revision_of: Some(old.id.to_string()),
        }])?;
        if !old.attachments.is_empty() {
            self.store_mut().update_document(&id, |d| {
                for a in &old.attachments {
                    luring_crdt::add_attachment(d, a)?;
                }
                Ok(())
            })?;
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests;
