//! The evidence bundle of an approval and its offline verification.
//!
//! `approval export` writes one JSON file holding the exact document version that was
//! requested (read at the request's automerge heads), the request, every decision with
//! its device certificate, the server's signed receipts (when each record reached the
//! agency, and which devices were revoked then), and the agency's public key.
//! `luring verify` needs nothing else — no profile, no network — and answers the question
//! a reader asks: *is this document approved, by the people named, with signatures that
//! hold?* It checks the conditions that Indonesian law sets for an electronic signature
//! (UU ITE Pasal 11 ayat (1), PP 71/2019 Pasal 59 ayat (3)), the server's time anchor and
//! revocation list, and that the chain is complete and approved; it prints each condition
//! with why, and passes only when all hold (`--allow-pending` accepts a chain still
//! waiting, never a rejected one).

use std::path::Path;

use luring_model::receipt::{receipt_for_decision, revoked_per_receipts};
use luring_model::{
    clock, evaluate, ApprovalRequest, ApprovalStatus, Classification, Decision, DocKind, Document,
    EntityId, Receipt, Text, Timestamp, Title,
};
use luring_store::MetaKey;
use serde::{Deserialize, Serialize};

use crate::approvals::parse_heads;
use crate::error::{ClientError, Result};
use crate::profile::Profile;

pub const FORMAT: &str = "luring-evidence/2";
/// The format before receipts: refused with a sentence, since it cannot show when the
/// agency received the decisions.
const FORMAT_V1: &str = "luring-evidence/1";

/// The document version that was requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDocument {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub classification: String,
    pub body: String,
    pub attachments: Vec<String>,
}

/// What `approval export` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub format: String,
    pub agency_name: String,
    /// The agency's root public key, hex (check it against one obtained independently).
    pub agency_key: String,
    pub document: EvidenceDocument,
    pub request: ApprovalRequest,
    pub decisions: Vec<Decision>,
    /// The agency server's signed receipts of the request and the decisions.
    pub receipts: Vec<Receipt>,
    pub exported_at: String,
}

/// One legal condition and whether the evidence meets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub condition: String,
    pub law: String,
    pub pass: bool,
    pub detail: String,
}

/// What `luring verify` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: String,
    pub document_id: String,
    pub content_hash: String,
    pub agency_key_source: String,
    pub checks: Vec<Check>,
    /// Whether the chain is complete and approved.
    pub approved: bool,
    pub all_pass: bool,
}

impl Profile {
    /// Writes the evidence bundle of a request.
    pub fn export_evidence(&self, request_id: &str, out: &Path) -> Result<Evidence> {
        let mut facts = self.facts(request_id)?;
        // Chain order, so a reader sees level 1 first.
        facts.decisions.sort_by(|a, b| {
            (a.body.level, &a.body.decided_at, &a.signature).cmp(&(
                b.body.level,
                &b.body.decided_at,
                &b.signature,
            ))
        });
        let b = &facts.request.body;
        let mut doc = self.store().entity_doc(b.document_id.as_str())?;
        let heads = parse_heads(&b.heads)?;
        let at = doc.fork_at(&heads).map_err(|_| {
            ClientError::Approval(
                "the requested version of the document is not on this device; sync first".into(),
            )
        })?;
        let d =
            luring_crdt::read_document(&at).map_err(|e| ClientError::Approval(e.to_string()))?;
        let evidence = Evidence {
            format: FORMAT.into(),
            agency_name: self.store().get(MetaKey::AgencyName)?.unwrap_or_default(),
            agency_key: hex::encode(self.agency_key()?.as_bytes()),
            document: EvidenceDocument {
                id: d.id.to_string(),
                kind: d.kind.to_string(),
                title: d.title.to_string(),
                classification: d.classification.to_string(),
                body: d.body.as_str().to_owned(),
                attachments: d.attachments.clone(),
            },
            request: facts.request.clone(),
            decisions: facts.decisions,
            receipts: facts.receipts,
            exported_at: Timestamp::now().into_string(),
        };
        let json = serde_json::to_vec_pretty(&evidence).expect("evidence serialises");
        crate::fs::write_atomic(out, &json).map_err(|e| ClientError::file("write", out, e))?;
        Ok(evidence)
    }
}

fn check(
    checks: &mut Vec<Check>,
    condition: &str,
    law: &str,
    result: std::result::Result<String, String>,
) {
    let (pass, detail) = match result {
        Ok(d) => (true, d),
        Err(d) => (false, d),
    };
    checks.push(Check {
        condition: condition.into(),
        law: law.into(),
        pass,
        detail,
    });
}

/// Recomputes the content hash of the evidence's document.
fn content_hash(d: &EvidenceDocument) -> std::result::Result<String, String> {
    let doc = Document {
        id: EntityId::parse(&d.id).map_err(|e| e.to_string())?,
        kind: d.kind.parse::<DocKind>().map_err(|e| e.to_string())?,
        title: Title::parse(&d.title).map_err(|e| e.to_string())?,
        body: Text::parse("body", &d.body, usize::MAX, false).map_err(|e| e.to_string())?,
        classification: d
            .classification
            .parse::<Classification>()
            .map_err(|e| e.to_string())?,
        attachments: d.attachments.clone(),
        letter_number: None,
        revision_of: None,
        created_by: None,
        unit: None,
        created_at: String::new(),
    };
    Ok(doc.content_hash().to_string())
}

/// Verifies an evidence file. `agency_key` (hex) is the agency's key obtained
/// independently; without it the key inside the file is used, and the report says so.
/// A chain still waiting passes only with `allow_pending`; a rejected or stale one never.
pub fn verify_file(
    file: &Path,
    agency_key: Option<&str>,
    allow_pending: bool,
) -> Result<Verification> {
    let bytes = std::fs::read(file).map_err(|e| ClientError::file("read", file, e))?;
    let ev: Evidence = serde_json::from_slice(&bytes).map_err(|e| {
        ClientError::Approval(format!(
            "{} is not a Luring evidence file: {e}",
            file.display()
        ))
    })?;
    if ev.format == FORMAT_V1 {
        return Err(ClientError::Approval(
            "this evidence file was made by an older Luring, without the server's receipts: export it again with this version".into(),
        ));
    }
    if ev.format != FORMAT {
        return Err(ClientError::Approval(format!(
            "unknown evidence format '{}'",
            ev.format
        )));
    }
    let (key_hex, source) = match agency_key {
        Some(k) => (k.to_owned(), "given with --agency-key".to_owned()),
        None => (
            ev.agency_key.clone(),
            "taken from the file itself, so NOT independent: give the agency's published key with --agency-key to pass".to_owned(),
        ),
    };
    let agency = luring_model::keys::public_key_from_hex(&key_hex)
        .map_err(|e| ClientError::Approval(format!("the agency key is refused: {e}")))?;
    let req = &ev.request;
    let hash = content_hash(&ev.document);
    let current = hash.as_ref().ok().cloned();
    let revoked = revoked_per_receipts(&ev.receipts, &ev.decisions, &agency);
    let evaluation = evaluate(req, &ev.decisions, &agency, current.as_deref(), &revoked);
    let refused = |pick: &dyn Fn(&luring_model::ApprovalError) -> bool| -> Vec<String> {
        evaluation
            .refused
            .iter()
            .filter(|(_, e)| pick(e))
            .map(|(d, e)| format!("level {} ({}): {e}", d.body.level + 1, d.body.approver))
            .collect()
    };
    use luring_model::ApprovalError as E;
    let mut checks = vec![];
    let none_or = |v: Vec<String>, ok: String| {
        if v.is_empty() {
            Ok(ok)
        } else {
            Err(v.join("; "))
        }
    };

    check(
        &mut checks,
        "Data pembuatan tanda tangan terkait hanya kepada penanda tangan",
        "UU ITE Pasal 11 ayat (1) huruf a; PP 71/2019 Pasal 59 ayat (3) huruf a",
        none_or(
            refused(&|e| matches!(e, E::Certificate(_) | E::CertificateOfAnother { .. })),
            format!(
                "{} signature(s), each by a device key the agency certified for that NIP",
                ev.decisions.len()
            ),
        ),
    );
    check(
        &mut checks,
        "Data pembuatan tanda tangan berada dalam kuasa penanda tangan saat penandatanganan",
        "UU ITE Pasal 11 ayat (1) huruf b; PP 71/2019 Pasal 59 ayat (3) huruf b",
        none_or(
            refused(&|e| matches!(e, E::BadSignature | E::Revoked)),
            "each signature was made with the signer's own device key, kept sealed under their passphrase, and no signing device was on the agency's revocation list when the server received its decision".into(),
        ),
    );
    check(
        &mut checks,
        "Perubahan tanda tangan setelah penandatanganan dapat diketahui",
        "UU ITE Pasal 11 ayat (1) huruf c; PP 71/2019 Pasal 59 ayat (3) huruf c",
        none_or(
            refused(&|e| matches!(e, E::BadSignature | E::OtherRequest | E::Time(_))),
            "every signature verifies".into(),
        ),
    );
    let content = match &hash {
        Ok(h) if *h == req.body.content_hash => none_or(
            refused(&|e| matches!(e, E::OtherVersion | E::Stale)),
            format!("content hash {h} matches the request and every decision"),
        ),
        Ok(h) => Err(format!(
            "the document's content hash is {h}, the request approved {}",
            req.body.content_hash
        )),
        Err(e) => Err(format!("the document is malformed: {e}")),
    };
    check(
        &mut checks,
        "Perubahan informasi elektronik yang ditandatangani dapat diketahui",
        "UU ITE Pasal 11 ayat (1) huruf d; PP 71/2019 Pasal 59 ayat (3) huruf d",
        content,
    );
    let identified = if evaluation.accepted.is_empty() {
        Err("no signature counts, so no signer is identified".to_owned())
    } else {
        Ok(())
    };
    check(
        &mut checks,
        "Penanda tangan dapat diidentifikasi",
        "UU ITE Pasal 11 ayat (1) huruf e; PP 71/2019 Pasal 59 ayat (3) huruf e",
        none_or(
            refused(&|e| {
                matches!(
                    e,
                    E::WrongApprover { .. }
                        | E::SkippedLevel { .. }
                        | E::AlreadyDecided(_)
                        | E::NoSuchLevel(_)
                        | E::Malformed(_)
                        | E::SelfApproval(_)
                        | E::DuplicateApprover(_)
                        | E::Ended
                )
            }),
            evaluation
                .accepted
                .iter()
                .map(|d| {
                    format!(
                        "level {}: {} ({}, NIP {}, unit {})",
                        d.body.level + 1,
                        d.cert.body.name,
                        d.cert.body.role,
                        d.body.approver,
                        d.cert.body.unit
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
        .and_then(|ok| identified.map(|()| ok)),
    );
    let consent = if ev.decisions.is_empty() {
        Err("there is no decision".to_owned())
    } else if !evaluation.refused.is_empty() {
        Err(format!(
            "{} decision(s) do not count",
            evaluation.refused.len()
        ))
    } else {
        Ok(evaluation
            .accepted
            .iter()
            .map(|d| {
                format!(
                    "{}: {} at {}",
                    d.body.approver,
                    d.body.verdict.as_str(),
                    d.body.decided_at
                )
            })
            .collect::<Vec<_>>()
            .join("; "))
    };
    check(
        &mut checks,
        "Persetujuan penanda tangan terhadap informasi elektronik dapat ditunjukkan",
        "UU ITE Pasal 11 ayat (1) huruf f; PP 71/2019 Pasal 59 ayat (3) huruf f",
        consent,
    );
    check(
        &mut checks,
        "Waktu penandatanganan dijangkarkan oleh server instansi",
        "DESIGN: server time anchor (receipt signed by the agency key)",
        anchors(&ev, &evaluation.accepted, &agency, allow_pending),
    );
    let approved = evaluation.status == ApprovalStatus::Disetujui && hash.is_ok();
    let chain = match evaluation.status {
        _ if hash.is_err() => Err("the document is malformed, so nothing is approved".to_owned()),
        ApprovalStatus::Disetujui => Ok(format!("all {} level(s) approved", req.body.chain.len())),
        ApprovalStatus::Menunggu => {
            let waiting = evaluation
                .next_level
                .and_then(|l| {
                    req.body
                        .chain
                        .get(l)
                        .map(|n| format!("level {} ({n})", l + 1))
                })
                .unwrap_or_default();
            let text = format!(
                "NOT approved yet: {} of {} level(s) approved, waiting for {waiting}",
                evaluation.accepted.len(),
                req.body.chain.len()
            );
            if allow_pending {
                Ok(format!("{text} (accepted with --allow-pending)"))
            } else {
                Err(text)
            }
        }
        ApprovalStatus::Ditolak => Err(evaluation
            .accepted
            .iter()
            .find(|d| d.body.verdict == luring_model::Verdict::Reject)
            .map_or_else(
                || "the request was REJECTED".to_owned(),
                |d| {
                    format!(
                        "the request was REJECTED at level {} by {}",
                        d.body.level + 1,
                        d.body.approver
                    )
                },
            )),
        ApprovalStatus::Kedaluwarsa => {
            Err("the request is STALE: the document changed after it was made".to_owned())
        }
        ApprovalStatus::Ditarik => Err("the request was WITHDRAWN by its requester".to_owned()),
    };
    check(
        &mut checks,
        "Rantai persetujuan lengkap dan disetujui",
        "every approver in the chain, in order, approved this exact version",
        chain,
    );
    // A file checked only against the key it carries proves nothing: anyone can make an
    // agency key and sign with it. Without an independent key the verification fails.
    let all_pass = checks.iter().all(|c| c.pass) && agency_key.is_some();
    let status = if hash.is_err() {
        ApprovalStatus::Menunggu
    } else {
        evaluation.status
    };
    Ok(Verification {
        status: status.to_string(),
        document_id: ev.document.id.clone(),
        content_hash: hash.unwrap_or_default(),
        agency_key_source: source,
        checks,
        approved,
        all_pass,
    })
}

/// The server's time anchor: the request and every counted decision were received by the
/// agency (a receipt it signed), at a time that fits the signed times.
fn anchors(
    ev: &Evidence,
    accepted: &[Decision],
    agency: &ed25519_dalek::VerifyingKey,
    allow_pending: bool,
) -> std::result::Result<String, String> {
    let mut problems = vec![];
    let mut pending = vec![];
    let mut fine = vec![];
    match ev
        .receipts
        .iter()
        .find(|r| r.is_for_request(&ev.request) && r.verify(agency).is_ok())
    {
        Some(r) => match clock::parse(&r.body.received_at)
            .map_err(|e| e.to_string())
            .and_then(|at| {
                clock::check_against_receipt("the request's time", &ev.request.body.created_at, at)
                    .map_err(|e| e.to_string())
            }) {
            Ok(()) => fine.push(format!("request received {}", r.body.received_at)),
            Err(e) => problems.push(e),
        },
        None => pending.push("the request".to_owned()),
    }
    for d in accepted {
        let who = format!("level {} ({})", d.body.level + 1, d.body.approver);
        match receipt_for_decision(&ev.receipts, d, agency) {
            Some(r) => {
                let at = clock::parse(&r.body.received_at).map_err(|e| e.to_string());
                match at.and_then(|at| {
                    clock::check_against_receipt("the decision's time", &d.body.decided_at, at)
                        .map_err(|e| e.to_string())
                }) {
                    Ok(()) => fine.push(format!(
                        "{who} signed {} and received {}",
                        d.body.decided_at, r.body.received_at
                    )),
                    Err(e) => problems.push(format!("{who}: {e}")),
                }
            }
            None => pending.push(who),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    if !pending.is_empty() {
        let text = format!(
            "no receipt signed by the agency for {}: not yet received by the server (sync, then export again), so neither the time nor the revocation status is anchored",
            pending.join(", ")
        );
        return if allow_pending {
            Ok(format!("{text} (accepted with --allow-pending)"))
        } else {
            Err(text)
        };
    }
    Ok(format!(
        "{}; tolerance: a signed time is {}",
        fine.join("; "),
        clock::TOLERANCE_TEXT
    ))
}
