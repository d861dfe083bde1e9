//! Approvals from the user's side: ask for one, decide (sign) offline, see where it stands,
//! and export the evidence that anyone can verify offline ([`crate::evidence`]).

use std::str::FromStr;

use luring_crdt::EntityKind;
use luring_model::receipt::{receipt_for_decision, revoked_per_receipts};
use luring_model::{
    evaluate, request_status, ApprovalRequest, ApprovalStatus, Decision, DecisionBody, DeviceCert,
    EntityId, Evaluation, Nip, Receipt, Record, RecordKind, RequestBody, Timestamp, Verdict,
};
use luring_store::MetaKey;
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::ids::new_id;
use crate::profile::Profile;

/// One decision, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionView {
    pub level: u32,
    pub approver: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::Verdict"))]
    pub verdict: String,
    pub note: String,
    pub decided_at: String,
    pub device_id: String,
    /// When the agency server received the decision (its signed receipt), once it has.
    pub received_at: Option<String>,
}

/// A decision received that does not count, and why: `code` for the UI to say in its
/// language, `reason` the English sentence (the CLI's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusedDecision {
    pub level: u32,
    pub approver: String,
    pub code: luring_model::RefusalCode,
    pub reason: String,
}

/// A request and where it stands, as `approval show --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApprovalView {
    pub id: String,
    pub document_id: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::ApprovalStatus"))]
    pub status: String,
    pub content_hash: String,
    pub chain: Vec<String>,
    pub requester: String,
    pub created_at: String,
    /// NIP of the approver who decides next, while the chain is open.
    pub next_approver: Option<String>,
    pub decisions: Vec<DecisionView>,
    /// Decisions received that do not count, with the reason.
    pub refused: Vec<RefusedDecision>,
}

/// `approval list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApprovalLists {
    pub waiting_for_me: Vec<ApprovalView>,
    pub requested_by_me: Vec<ApprovalView>,
    /// Requests on which I signed a decision that counts ("Sudah saya putuskan"), newest
    /// first: the signer's history stays after the chain moves on or ends.
    pub decided_by_me: Vec<ApprovalView>,
}

fn corrupt(what: &str) -> ClientError {
    ClientError::Approval(format!("a stored approval record is damaged ({what})"))
}

/// A request, its decisions and the server's receipts, as stored.
pub(crate) struct Facts {
    pub request: ApprovalRequest,
    pub decisions: Vec<Decision>,
    pub receipts: Vec<Receipt>,
    /// Whether its requester withdrew it (a withdrawal naming this very request).
    pub withdrawn: bool,
}

impl Profile {
    pub(crate) fn agency_key(&self) -> Result<ed25519_dalek::VerifyingKey> {
        let hex_key = self
            .store()
            .get(MetaKey::AgencyKey)?
            .ok_or(ClientError::NotLoggedIn)?;
        luring_model::keys::public_key_from_hex(&hex_key).map_err(|_| corrupt("agency key"))
    }

    pub(crate) fn facts(&self, request_id: &str) -> Result<Facts> {
        let id = EntityId::parse(request_id)?;
        let mut request = None;
        let mut decisions = vec![];
        let mut receipts = vec![];
        let mut withdrawals = vec![];
        for r in self.store().records_of(id.as_str())? {
            match serde_json::from_slice::<Record>(&r.bytes).map_err(|_| corrupt("not JSON"))? {
                Record::Request(q) => request = Some(q),
                Record::Decision(d) => decisions.push(*d),
                Record::Receipt(r) => receipts.push(r),
                Record::Withdrawal(w) => withdrawals.push(w),
            }
        }
        let request = request.ok_or_else(|| ClientError::NotFound {
            kind: "approval request",
            id: id.to_string(),
        })?;
        let withdrawn = withdrawals.iter().any(|w| w.is_for(&request));
        Ok(Facts {
            request,
            decisions,
            receipts,
            withdrawn,
        })
    }

    pub(crate) fn evaluation(&self, f: &Facts) -> Result<Evaluation> {
        let current = match self.store().document(f.request.body.document_id.as_str()) {
            Ok(d) => Some(d.content_hash().to_string()),
            Err(_) => None,
        };
        self.evaluation_against(f, current.as_deref())
    }

    /// [`Profile::evaluation`] with the document's current content hash already known
    /// (`None`: the document is not here), e.g. from the query table for a whole list.
    pub(crate) fn evaluation_against(
        &self,
        f: &Facts,
        current: Option<&str>,
    ) -> Result<Evaluation> {
        let agency = self.agency_key()?;
        // A decision the server received from a device already revoked does not count here
        // either (the server's receipt says so).
        let revoked = revoked_per_receipts(&f.receipts, &f.decisions, &agency);
        Ok(evaluate(
            &f.request,
            &f.decisions,
            &agency,
            current,
            &revoked,
        ))
    }

    fn view(&self, f: &Facts) -> Result<ApprovalView> {
        self.view_with(f, self.evaluation(f)?)
    }

    /// [`Profile::view`] with the request already evaluated (a whole list evaluates against
    /// the query table's content hashes instead of loading each document).
    fn view_with(&self, f: &Facts, ev: Evaluation) -> Result<ApprovalView> {
        let status = request_status(&ev, f.withdrawn);
        let agency = self.agency_key()?;
        let b = &f.request.body;
        Ok(ApprovalView {
            id: b.id.to_string(),
            document_id: b.document_id.to_string(),
            status: status.to_string(),
            content_hash: b.content_hash.clone(),
            chain: b.chain.iter().map(|n| n.to_string()).collect(),
            requester: b.requester.to_string(),
            created_at: b.created_at.clone(),
            next_approver: ev
                .next_level
                .filter(|_| status == ApprovalStatus::Menunggu)
                .and_then(|l| b.chain.get(l))
                .map(|n| n.to_string()),
            decisions: ev
                .accepted
                .iter()
                .map(|d| DecisionView {
                    level: d.body.level,
                    approver: d.body.approver.to_string(),
                    name: d.cert.body.name.clone(),
                    verdict: d.body.verdict.as_str().to_owned(),
                    note: d.body.note.as_str().to_owned(),
                    decided_at: d.body.decided_at.clone(),
                    device_id: d.cert.body.device_id.clone(),
                    received_at: receipt_for_decision(&f.receipts, d, &agency)
                        .map(|r| r.body.received_at.clone()),
                })
                .collect(),
            refused: ev
                .refused
                .iter()
                .map(|(d, e)| RefusedDecision {
                    level: d.body.level,
                    approver: d.body.approver.to_string(),
                    code: e.refusal_code(),
                    reason: e.to_string(),
                })
                .collect(),
        })
    }

    /// Asks the people in `chain`, in order, to approve the document as it is now.
    pub fn request_approval(&mut self, doc_id: &str, chain: &[String]) -> Result<String> {
        self.agency_key()?; // approvals need the agency: log in first
        let doc_id = EntityId::parse(doc_id)?;
        let doc = self.store().document(doc_id.as_str())?;
        // One open request per document version, and none once one is approved (the
        // server refuses a second one too): a changed letter is a revision.
        let now = self.document_status(doc_id.as_str())?;
        if now.frozen {
            return Err(ClientError::Frozen {
                status: if now.status == luring_model::DocStatus::Disetujui.as_str() {
                    "disetujui"
                } else {
                    "diajukan"
                },
            });
        }
        let chain = chain
            .iter()
            .map(|n| Nip::parse(n.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        if chain.is_empty() {
            return Err(ClientError::Approval(
                "give at least one approver with --chain NIP[,NIP...]".into(),
            ));
        }
        if chain.iter().any(|n| n.as_str() == self.nip()) {
            return Err(ClientError::Approval(
                "you cannot approve your own request: name other approvers".into(),
            ));
        }
        let mut unique = chain.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != chain.len() {
            return Err(ClientError::Approval(
                "an approver appears twice in the chain".into(),
            ));
        }
        let mut heads: Vec<String> = self
            .store()
            .heads(doc_id.as_str(), EntityKind::Document)?
            .iter()
            .map(|h| h.to_string())
            .collect();
        heads.sort();
        // The request names these heads: the changes behind them keep their hashes.
        self.store_mut().mark_entity_shared(doc_id.as_str())?;
        let id = new_id("a");
        let request = ApprovalRequest {
            body: RequestBody {
                id: EntityId::parse(&id)?,
                document_id: doc_id,
                content_hash: doc.content_hash().to_string(),
                heads,
                chain,
                requester: Nip::parse(self.nip())?,
                created_at: Timestamp::now().into_string(),
            },
        };
        // The same rules the server and every verifier apply.
        request
            .verify()
            .map_err(|e| ClientError::Approval(e.to_string()))?;
        let bytes = serde_json::to_vec(&Record::Request(request)).expect("records serialise");
        self.store_mut()
            .add_local_record(&id, RecordKind::Request, &bytes)?;
        Ok(id)
    }

    /// Decides on a request at this person's level, signing with the device key unlocked by
    /// `passphrase`. Needs no network. A wrong passphrase signs nothing.
    pub fn sign_approval(
        &mut self,
        request_id: &str,
        verdict: Verdict,
        note: &str,
        passphrase: &str,
    ) -> Result<ApprovalView> {
        let facts = self.facts(request_id)?;
        // The approver decides on what they can read: the document must be here.
        if self
            .store()
            .document(facts.request.body.document_id.as_str())
            .is_err()
        {
            return Err(ClientError::Approval(
                "the document of this request is not on this device yet: sync first".into(),
            ));
        }
        let ev = self.evaluation(&facts)?;
        let status = request_status(&ev, facts.withdrawn);
        if status != ApprovalStatus::Menunggu {
            return Err(ClientError::Approval(format!(
                "this request is already {status}"
            )));
        }
        let level = ev
            .next_level
            .ok_or_else(|| ClientError::Approval("this request is closed".into()))?;
        let waiting = &facts.request.body.chain[level];
        if waiting.as_str() != self.nip() {
            return Err(ClientError::Approval(format!(
                "the request waits for {waiting} at level {}, not for you",
                level + 1
            )));
        }
        let cert: DeviceCert = self
            .store()
            .get(MetaKey::Certificate)?
            .and_then(|c| serde_json::from_str(&c).ok())
            .ok_or(ClientError::NotLoggedIn)?;
        let note = luring_model::Text::parse(
            "the note",
            note,
            luring_model::approval::NOTE_MAX_CHARS,
            false,
        )?;
        let key = self.unlock_signing_key(passphrase)?;
        if hex::encode(key.verifying_key().as_bytes()) != cert.body.device_key {
            return Err(ClientError::Key(
                "this device's key does not match its certificate: log in again".into(),
            ));
        }
        let decision = Decision::sign(
            DecisionBody {
                request_id: facts.request.body.id.clone(),
                request_digest: facts.request.digest(),
                content_hash: facts.request.body.content_hash.clone(),
                level: level as u32,
                approver: Nip::parse(self.nip())?,
                verdict,
                note,
                decided_at: Timestamp::now().into_string(),
            },
            cert,
            &key,
        );
        let bytes =
            serde_json::to_vec(&Record::Decision(Box::new(decision))).expect("records serialise");
        self.store_mut()
            .add_local_record(request_id, RecordKind::Decision, &bytes)?;
        let view = self.show_approval(request_id)?;
        if view.status == ApprovalStatus::Disetujui.as_str() {
            // The last approver's device numbers the document from its leased block.
            self.number_document(&view.document_id)?;
        }
        Ok(view)
    }

    pub fn show_approval(&self, request_id: &str) -> Result<ApprovalView> {
        self.view(&self.facts(request_id)?)
    }

    /// What waits for me, and what I asked for.
    pub fn list_approvals(&self) -> Result<ApprovalLists> {
        let mut lists = ApprovalLists {
            waiting_for_me: vec![],
            requested_by_me: vec![],
            decided_by_me: vec![],
        };
        // Each request is judged against its document's text as it is now.
        let current = self.content_hashes()?;
        for id in self.store().request_ids()? {
            let f = self.facts(&id)?;
            let doc = current.get(f.request.body.document_id.as_str());
            let ev = self.evaluation_against(&f, doc.map(String::as_str))?;
            let v = self.view_with(&f, ev)?;
            if v.requester == self.nip() {
                lists.requested_by_me.push(v.clone());
            }
            if v.decisions.iter().any(|d| d.approver == self.nip()) {
                lists.decided_by_me.push(v.clone());
            }
            if v.next_approver.as_deref() == Some(self.nip()) {
                lists.waiting_for_me.push(v);
            }
        }
        let my_time = |v: &ApprovalView| {
            (v.decisions.iter())
                .filter(|d| d.approver == self.nip())
                .map(|d| d.decided_at.clone())
                .max()
        };
        lists
            .decided_by_me
            .sort_by_cached_key(|v| std::cmp::Reverse(my_time(v)));
        Ok(lists)
    }
}

/// Parses `--approve` / `--reject` into a verdict.
pub fn verdict(approve: bool, reject: bool) -> Result<Verdict> {
    match (approve, reject) {
        (true, false) => Ok(Verdict::Approve),
        (false, true) => Ok(Verdict::Reject),
        _ => Err(ClientError::Approval(
            "give exactly one of --approve or --reject".into(),
        )),
    }
}

/// automerge heads from their hex spelling.
pub(crate) fn parse_heads(heads: &[String]) -> Result<Vec<automerge::ChangeHash>> {
    heads
        .iter()
        .map(|h| automerge::ChangeHash::from_str(h).map_err(|_| corrupt("heads")))
        .collect()
}
