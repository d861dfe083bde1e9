//! The status rule as a person meets it on one device: an open request freezes the letter,
//! a withdrawal unfreezes it, an approval makes it final, and "Buat revisi" starts a new
//! draft while the approved letter and its request stay as they were.

use ed25519_dalek::SigningKey;
use luring_model::{
    Decision, DecisionBody, DeviceCert, DeviceCertBody, EntityId, Nip, Record, RecordKind, Role,
    Text, Timestamp, Verdict,
};
use luring_store::MetaKey;

use crate::{ClientError, NewDocInput, Profile};

const ANI: &str = "198703122010011002";
const SITI: &str = "198211032008012004";

struct World {
    _dir: tempfile::TempDir,
    ani: Profile,
    agency: SigningKey,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let ani = Profile::init(dir.path(), "Ani Lestari", ANI).unwrap();
    let agency = SigningKey::from_bytes(&[7; 32]);
    ani.store()
        .put(
            MetaKey::AgencyKey,
            &hex::encode(agency.verifying_key().as_bytes()),
        )
        .unwrap();
    World {
        _dir: dir,
        ani,
        agency,
    }
}

/// Siti's signed decision on `request`, as her device would make it, filed in Ani's store
/// (as a sync would).
fn siti_decides(w: &mut World, request: &str, verdict: Verdict) {
    let key = SigningKey::from_bytes(&[2; 32]);
    let cert = DeviceCert::sign(
        DeviceCertBody {
            agency: "Bappeda".into(),
            agency_key: hex::encode(w.agency.verifying_key().as_bytes()),
            device_id: "dev-siti".into(),
            device_key: hex::encode(key.verifying_key().as_bytes()),
            actor: "02".repeat(16),
            nip: Nip::parse(SITI).unwrap(),
            name: "Siti Rahmawati".into(),
            unit: "BAPPEDA".into(),
            role: Role::Supervisor,
            issued_at: "2026-11-23T00:00:00Z".into(),
        },
        &w.agency,
    );
    let req = w.ani.facts(request).unwrap().request;
    let d = Decision::sign(
        DecisionBody {
            request_id: EntityId::parse(request).unwrap(),
            request_digest: req.digest(),
            content_hash: req.body.content_hash.clone(),
            level: 0,
            approver: Nip::parse(SITI).unwrap(),
            verdict,
            note: Text::default(),
            decided_at: Timestamp::now().into_string(),
        },
        cert,
        &key,
    );
    let bytes = serde_json::to_vec(&Record::Decision(Box::new(d))).unwrap();
    w.ani
        .store_mut()
        .add_local_record(request, RecordKind::Decision, &bytes)
        .unwrap();
}

fn status(p: &Profile, doc: &str) -> (String, bool) {
    let s = p.document_status(doc).unwrap();
    (s.status, s.frozen)
}

fn frozen_as(r: Result<impl std::fmt::Debug, ClientError>) -> &'static str {
    match r {
        Err(ClientError::Frozen { status }) => status,
        other => panic!("a frozen document accepted the change: {other:?}"),
    }
}

#[test]
fn an_open_request_freezes_the_text_and_a_withdrawal_unfreezes_it() {
    let mut w = world();
    let doc = w
        .ani
        .new_document(&NewDocInput {
            title: "Nota dinas rapat".into(),
            body: "Rapat hari Senin.".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(status(&w.ani, &doc), ("draf".into(), false));
    let req = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
    assert_eq!(status(&w.ani, &doc), ("diajukan".into(), true));

    // Text, header and attachments are read-only; a second request is refused.
    assert_eq!(
        frozen_as(w.ani.set_document_body(&doc, "Rapat hari Selasa.")),
        "diajukan"
    );
    let header = crate::DocumentChanges {
        title: Some("Nota dinas rapat (ubah)".into()),
        ..Default::default()
    };
    assert_eq!(
        frozen_as(w.ani.update_document_header(&doc, &header)),
        "diajukan"
    );
    assert_eq!(
        frozen_as(w.ani.request_approval(&doc, &[SITI.into()])),
        "diajukan"
    );
    assert_eq!(w.ani.list_approvals().unwrap().requested_by_me.len(), 1);

    // Withdrawn: a draft again, editable, and it may be sent again.
    let v = w.ani.withdraw_approval(&req).unwrap();
    assert_eq!(v.status, "ditarik");
    assert_eq!(v.next_approver, None);
    assert_eq!(status(&w.ani, &doc), ("draf".into(), false));
    w.ani.set_document_body(&doc, "Rapat hari Selasa.").unwrap();
    let again = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
    assert_ne!(again, req);
    assert_eq!(status(&w.ani, &doc), ("diajukan".into(), true));
    assert!(w.ani.withdraw_approval(&req).is_err(), "withdrawn twice");
}

#[test]
fn an_approved_letter_is_final_and_a_revision_is_a_new_draft() {
    let mut w = world();
    let doc = w
        .ani
        .new_document(&NewDocInput {
            title: "Surat undangan".into(),
            body: "Mengundang Bapak/Ibu.".into(),
            ..Default::default()
        })
        .unwrap();
    let req = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
    siti_decides(&mut w, &req, Verdict::Approve);
    assert_eq!(w.ani.show_approval(&req).unwrap().status, "disetujui");
    assert_eq!(status(&w.ani, &doc), ("disetujui".into(), true));
    assert_eq!(
        frozen_as(w.ani.set_document_body(&doc, "Diubah.")),
        "disetujui"
    );
    assert_eq!(
        frozen_as(w.ani.request_approval(&doc, &[SITI.into()])),
        "disetujui"
    );
    assert!(
        w.ani.withdraw_approval(&req).is_err(),
        "an approval was withdrawn"
    );

    // The list shows the same status as the editor.
    let rows = w.ani.list_documents(None).unwrap();
    let row = rows.iter().find(|r| r.row.id == doc).unwrap();
    assert_eq!(
        (row.status.as_str(), row.request_id.as_deref()),
        ("disetujui", Some(req.as_str()))
    );

    // Buat revisi: a new draft with the same text, naming the approved letter.
    let rev = w.ani.revise_document(&doc).unwrap();
    assert_ne!(rev, doc);
    let r = w.ani.show_document(&rev).unwrap();
    assert_eq!(r.body, "Mengundang Bapak/Ibu.");
    let rs = r.status.unwrap();
    assert_eq!((rs.status.as_str(), rs.frozen), ("draf", false));
    assert_eq!(rs.revision_of.as_deref(), Some(doc.as_str()));
    w.ani
        .set_document_body(&rev, "Mengundang Bapak/Ibu, revisi.")
        .unwrap();
    let req2 = w.ani.request_approval(&rev, &[SITI.into()]).unwrap();
    assert_eq!(status(&w.ani, &rev), ("diajukan".into(), true));

    // The approved letter and its request are untouched.
    assert_eq!(status(&w.ani, &doc), ("disetujui".into(), true));
    assert_eq!(w.ani.show_approval(&req).unwrap().status, "disetujui");
    assert_eq!(
        w.ani.show_document(&doc).unwrap().body,
        "Mengundang Bapak/Ibu."
    );
    assert_ne!(req2, req);
    // A draft is edited, not revised.
    assert!(w.ani.revise_document(&rev).is_err());
}

#[test]
fn a_rejection_unfreezes_and_the_signer_keeps_her_history() {
    let mut w = world();
    let doc = w
        .ani
        .new_document(&NewDocInput {
            title: "Laporan".into(),
            body: "Isi.".into(),
            ..Default::default()
        })
        .unwrap();
    let req = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
    siti_decides(&mut w, &req, Verdict::Reject);
    assert_eq!(status(&w.ani, &doc), ("ditolak".into(), false));
    w.ani
        .set_document_body(&doc, "Isi yang diperbaiki.")
        .unwrap();
    // Siti's decision is in "decided by me" on a profile of hers; here it is Ani's, so
    // her list holds only what she asked for.
    let lists = w.ani.list_approvals().unwrap();
    assert!(lists.decided_by_me.is_empty());
    assert_eq!(lists.requested_by_me[0].status, "ditolak");
}

/// The approvals list judges each request against its letter's text as it is now, as the
/// request on its own does: a letter changed under an open request (by a modified client
/// whose change arrived here) makes that request stale in the list too, and only that one.
#[test]
fn the_approvals_list_sees_a_letter_changed_under_its_request() {
    let mut w = world();
    let mut docs = Vec::new();
    for title in ["Nota dinas rapat", "Surat undangan"] {
        let doc = w
            .ani
            .new_document(&NewDocInput {
                title: title.into(),
                body: "Rapat hari Senin.".into(),
                ..Default::default()
            })
            .unwrap();
        let req = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
        docs.push((doc, req));
    }
    // Past the client's freeze, straight into the store, as a pulled change would be.
    let edit = luring_crdt::DocumentEdit {
        body: Some(luring_model::Document::body("Rapat hari Selasa.").unwrap()),
        ..Default::default()
    };
    w.ani
        .store_mut()
        .update_document(&docs[0].0, |d| luring_crdt::update_document(d, &edit))
        .unwrap();
    let listed = w.ani.list_approvals().unwrap().requested_by_me;
    let status_in_list = |req: &str| {
        listed
            .iter()
            .find(|v| v.id == req)
            .map(|v| v.status.clone())
            .unwrap()
    };
    assert_eq!(status_in_list(&docs[0].1), "kedaluwarsa");
    assert_eq!(status_in_list(&docs[1].1), "menunggu");
    for (_, req) in &docs {
        assert_eq!(
            w.ani.show_approval(req).unwrap().status,
            status_in_list(req),
            "the list and the request agree"
        );
    }
}
