use super::*;
use crate::cert::DeviceCertBody;
use crate::org::Role;

struct Person {
    nip: Nip,
    key: SigningKey,
    cert: DeviceCert,
}

fn agency() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn person(agency: &SigningKey, nip: &str, seed: u8, role: Role) -> Person {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let body = DeviceCertBody {
        agency: "Bappeda".into(),
        agency_key: hex::encode(agency.verifying_key().as_bytes()),
        device_id: format!("dev-{seed}"),
        device_key: hex::encode(key.verifying_key().as_bytes()),
        actor: format!("{seed:02x}").repeat(16),
        nip: Nip::parse(nip).unwrap(),
        name: format!("Pegawai {seed}"),
        unit: "BAPPEDA".into(),
        role,
        issued_at: "2026-11-23T00:00:00Z".into(),
    };
    Person {
        nip: Nip::parse(nip).unwrap(),
        cert: DeviceCert::sign(body, agency),
        key,
    }
}

struct World {
    agency: SigningKey,
    ani: Person,
    siti: Person,
    hendra: Person,
    req: ApprovalRequest,
}

const HASH: &str = "1111111111111111111111111111111111111111111111111111111111111111";

fn world() -> World {
    let agency = agency();
    let ani = person(&agency, "198703122010011002", 1, Role::Staff);
    let siti = person(&agency, "198211032008012004", 2, Role::Supervisor);
    let hendra = person(&agency, "197805122005011003", 3, Role::Supervisor);
    let req = request(&ani, "r-1", vec![siti.nip.clone(), hendra.nip.clone()]);
    World {
        agency,
        ani,
        siti,
        hendra,
        req,
    }
}

fn request(by: &Person, id: &str, chain: Vec<Nip>) -> ApprovalRequest {
    ApprovalRequest {
        body: RequestBody {
            id: EntityId::parse(id).unwrap(),
            document_id: EntityId::parse("d-1").unwrap(),
            content_hash: HASH.into(),
            heads: vec!["aa".into()],
            chain,
            requester: by.nip.clone(),
            created_at: "2026-11-23T08:00:00Z".into(),
        },
    }
}

fn decide(
    by: &Person,
    req: &ApprovalRequest,
    level: u32,
    verdict: Verdict,
    note: &str,
) -> Decision {
    Decision::sign(
        DecisionBody {
            request_id: req.body.id.clone(),
            request_digest: req.digest(),
            content_hash: req.body.content_hash.clone(),
            level,
            approver: by.nip.clone(),
            verdict,
            note: Text::parse("note", note, NOTE_MAX_CHARS, false).unwrap(),
            decided_at: format!("2026-11-23T09:0{level}:00Z"),
        },
        by.cert.clone(),
        &by.key,
    )
}

fn eval(w: &World, ds: &[Decision]) -> Evaluation {
    evaluate(&w.req, ds, &w.agency.verifying_key(), Some(HASH), &|_| {
        false
    })
}

fn refused_with(ev: &Evaluation) -> Vec<String> {
    ev.refused.iter().map(|(_, e)| format!("{e:?}")).collect()
}

#[test]
fn a_full_chain_approves_in_any_order_and_duplicates_count_once() {
    let w = world();
    let d0 = decide(&w.siti, &w.req, 0, Verdict::Approve, "lanjut");
    let d1 = decide(&w.hendra, &w.req, 1, Verdict::Approve, "setuju");
    let ev = eval(&w, &[d1.clone(), d0.clone(), d1.clone(), d0.clone()]);
    assert_eq!(ev.status, ApprovalStatus::Disetujui, "{:?}", ev.refused);
    assert_eq!(ev.accepted.len(), 2);
    assert!(ev.refused.is_empty());
    assert_eq!(
        eval(&w, std::slice::from_ref(&d0)).status,
        ApprovalStatus::Menunggu
    );
    assert_eq!(eval(&w, &[d0]).next_level, Some(1));
}

#[test]
fn a_reject_ends_the_chain() {
    let w = world();
    let d0 = decide(&w.siti, &w.req, 0, Verdict::Reject, "perbaiki paragraf 2");
    let d1 = decide(&w.hendra, &w.req, 1, Verdict::Approve, "");
    let ev = eval(&w, &[d0, d1]);
    assert_eq!(ev.status, ApprovalStatus::Ditolak);
    assert_eq!(refused_with(&ev), ["Ended"]);
}

/// Each tampering case must be refused, with the reason that names it.
#[test]
fn tampering_is_detected() {
    let w = world();
    let vk = w.agency.verifying_key();
    let good = decide(&w.siti, &w.req, 0, Verdict::Approve, "lanjut");
    let check = |name: &str,
                 ds: Vec<Decision>,
                 current: Option<&str>,
                 revoked: &dyn Fn(&str) -> bool,
                 want: &str| {
        let ev = evaluate(&w.req, &ds, &vk, current, revoked);
        assert!(ev.accepted.is_empty(), "{name}: accepted");
        let got = refused_with(&ev).join(",");
        assert!(
            got.starts_with(want),
            "{name}: refused with {got}, wanted {want}"
        );
    };
    let none = |_: &str| false;

    // 1. changed document text: the document's hash now differs from the request's.
    check(
        "changed text",
        vec![good.clone()],
        Some(&"2".repeat(64)),
        &none,
        "Stale",
    );
    // 2. changed decision (verdict flipped after signing).
    let mut d = good.clone();
    d.body.verdict = Verdict::Reject;
    check(
        "changed decision",
        vec![d],
        Some(HASH),
        &none,
        "BadSignature",
    );
    // 3. changed note.
    let mut d = good.clone();
    d.body.note = Text::parse("note", "catatan lain", 100, false).unwrap();
    check("changed note", vec![d], Some(HASH), &none, "BadSignature");
    // 4. swapped certificate: Siti's signature carrying Hendra's certificate.
    let mut d = good.clone();
    d.cert = w.hendra.cert.clone();
    check(
        "swapped certificate",
        vec![d],
        Some(HASH),
        &none,
        "CertificateOfAnother",
    );
    // 5. certificate from another agency.
    let other = SigningKey::from_bytes(&[99; 32]);
    let stranger = person(&other, "198211032008012004", 2, Role::Supervisor);
    check(
        "other agency",
        vec![decide(&stranger, &w.req, 0, Verdict::Approve, "")],
        Some(HASH),
        &none,
        "Certificate(OtherAgency)",
    );
    // 6. signature by the wrong approver (Hendra decides level 0, which is Siti's).
    check(
        "wrong approver",
        vec![decide(&w.hendra, &w.req, 0, Verdict::Approve, "")],
        Some(HASH),
        &none,
        "WrongApprover",
    );
    // 7. skipped level: level 1 before level 0 approved.
    check(
        "skipped level",
        vec![decide(&w.hendra, &w.req, 1, Verdict::Approve, "")],
        Some(HASH),
        &none,
        "SkippedLevel",
    );
    // 8. decision on a stale request (made for another version of the document).
    let mut d = good.clone();
    d.body.content_hash = "3".repeat(64);
    let d = Decision::sign(d.body, w.siti.cert.clone(), &w.siti.key);
    check("other version", vec![d], Some(HASH), &none, "OtherVersion");
    // 9. revoked device.
    check(
        "revoked",
        vec![good.clone()],
        Some(HASH),
        &|id: &str| id == "dev-2",
        "Revoked",
    );
    // 10. a decision replayed for another request.
    let req2 = request(&w.ani, "r-2", vec![w.siti.nip.clone()]);
    let ev = evaluate(&req2, std::slice::from_ref(&good), &vk, Some(HASH), &none);
    assert!(ev.accepted.is_empty());
    assert_eq!(refused_with(&ev), ["OtherRequest"]);
    // 11. a forged signature from a key the certificate does not name.
    let mut d = good.clone();
    d.signature = Decision::sign(d.body.clone(), w.siti.cert.clone(), &w.hendra.key).signature;
    check("foreign key", vec![d], Some(HASH), &none, "BadSignature");
    // 12. a changed request invalidates every decision on it.
    let mut changed = w.req.clone();
    changed.body.chain.reverse();
    let ev = evaluate(&changed, &[good], &vk, Some(HASH), &none);
    assert!(ev.accepted.is_empty());
}

#[test]
fn an_edit_after_the_request_makes_it_stale() {
    let w = world();
    let ev = evaluate(
        &w.req,
        &[],
        &w.agency.verifying_key(),
        Some(&"4".repeat(64)),
        &|_| false,
    );
    assert_eq!(ev.status, ApprovalStatus::Kedaluwarsa);
    assert_eq!(ev.next_level, None);
}

#[test]
fn a_rejection_stays_a_rejection_after_the_draft_is_corrected() {
    let w = world();
    let no = decide(&w.siti, &w.req, 0, Verdict::Reject, "perbaiki");
    let corrected = "5".repeat(64);
    let vk = w.agency.verifying_key();
    let ev = evaluate(&w.req, &[no], &vk, Some(&corrected), &|_| false);
    assert_eq!(ev.status, ApprovalStatus::Ditolak);
    // An approval of the old version is still refused as stale.
    let yes = decide(&w.siti, &w.req, 0, Verdict::Approve, "");
    let ev = evaluate(&w.req, &[yes], &vk, Some(&corrected), &|_| false);
    assert_eq!(ev.status, ApprovalStatus::Kedaluwarsa);
}

#[test]
fn no_self_approval_no_twice_in_a_chain_and_real_times() {
    let w = world();
    let own = request(&w.ani, "r-2", vec![w.siti.nip.clone(), w.ani.nip.clone()]);
    assert!(matches!(own.verify(), Err(ApprovalError::SelfApproval(_))));
    // Even a "decision" by the requester on such a request never counts.
    let d = decide(&w.siti, &own, 0, Verdict::Approve, "ok");
    let ev = evaluate(&own, &[d], &w.agency.verifying_key(), Some(HASH), &|_| {
        false
    });
    assert_eq!(ev.status, ApprovalStatus::Menunggu);
    assert!(ev.accepted.is_empty());

    let twice = request(&w.ani, "r-3", vec![w.siti.nip.clone(), w.siti.nip.clone()]);
    assert!(matches!(
        twice.verify(),
        Err(ApprovalError::DuplicateApprover(_))
    ));

    let mut bad_time = request(&w.ani, "r-4", vec![w.siti.nip.clone()]);
    bad_time.body.created_at = "besok pagi".into();
    assert!(matches!(bad_time.verify(), Err(ApprovalError::Time(_))));

    // A decision dated before its request does not count.
    let mut early = decide(&w.siti, &w.req, 0, Verdict::Approve, "ok");
    early.body.decided_at = "2001-01-01T00:00:00Z".into();
    let early = Decision::sign(early.body, w.siti.cert.clone(), &w.siti.key);
    let ev = eval(&w, &[early]);
    assert!(ev.accepted.is_empty());
    assert!(refused_with(&ev)[0].contains("BeforeRequest"), "{ev:?}");
}

#[test]
fn a_weak_device_key_cannot_sign_with_a_constant_signature() {
    let w = world();
    // The agency certified a weak key (as the server did before it refused them).
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut body = w.siti.cert.body.clone();
    body.device_key = hex::encode(identity);
    let cert = DeviceCert::sign(body, &w.agency);
    let mut constant = [0u8; 64];
    constant[0] = 1;
    let mut d = decide(&w.siti, &w.req, 0, Verdict::Approve, "ok");
    d.cert = cert;
    d.signature = hex::encode(constant);
    let ev = eval(&w, &[d]);
    assert!(ev.accepted.is_empty());
    assert!(refused_with(&ev)[0].contains("Weak"), "{ev:?}");
}

#[test]
fn receipts_anchor_decisions_and_carry_revocations() {
    use crate::receipt::{receipt_for_decision, revoked_per_receipts, ReceiptBody};
    let w = world();
    let d = decide(&w.siti, &w.req, 0, Verdict::Approve, "ok");
    let key = w.agency.verifying_key();
    let ok = Receipt::sign(
        ReceiptBody::of_decision(&d, "2026-11-23T10:00:00Z".into(), vec![]),
        &w.agency,
    );
    assert!(receipt_for_decision(std::slice::from_ref(&ok), &d, &key).is_some());
    // A receipt signed by anyone but the agency is no anchor.
    let forged = Receipt::sign(ok.body.clone(), &w.hendra.key);
    assert!(receipt_for_decision(std::slice::from_ref(&forged), &d, &key).is_none());
    // A receipt saying the device was revoked when the decision arrived refuses it.
    let revoked = Receipt::sign(
        ReceiptBody::of_decision(
            &d,
            "2026-11-23T10:00:00Z".into(),
            vec![d.cert.body.device_id.clone()],
        ),
        &w.agency,
    );
    let ds = vec![d];
    let receipts = vec![revoked];
    let rev = revoked_per_receipts(&receipts, &ds, &key);
    let ev = evaluate(&w.req, &ds, &key, Some(HASH), &rev);
    assert!(ev.accepted.is_empty());
    assert!(refused_with(&ev)[0].contains("Revoked"));
    let req_receipt = Receipt::sign(
        ReceiptBody::of_request(&w.req, "2026-11-23T08:01:00Z".into()),
        &w.agency,
    );
    assert!(req_receipt.is_for_request(&w.req));
    assert!(!req_receipt.is_for_decision(&ds[0]));
}
