//! "Baru sejak terakhir Anda lihat" on one device, fed by changes and records as a sync
//! would apply them (`Store::apply_remote`) from a colleague's profile.

use ed25519_dalek::SigningKey;
use luring_model::{
    Decision, DecisionBody, DeviceCert, DeviceCertBody, EntityId, Nip, Record, RecordKind, Role,
    Text, Timestamp, Verdict,
};
use luring_store::{InChange, InRecord, MetaKey};

use super::*;
use crate::tasks::{NewTaskInput, TaskChanges};
use crate::NewDocInput;

const ANI: &str = "198703122010011002";
const BUDI: &str = "199001012015012001";
const SITI: &str = "198211032008012004";

struct Two {
    _dirs: [tempfile::TempDir; 2],
    ani: Profile,
    other: Profile,
    agency: SigningKey,
}

/// Ani's profile and a colleague's (`other`), both of one agency.
fn two(other_nip: &str, other_name: &str) -> Two {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let ani = Profile::init(dirs[0].path(), "Ani Lestari", ANI).unwrap();
    let other = Profile::init(dirs[1].path(), other_name, other_nip).unwrap();
    let agency = SigningKey::from_bytes(&[7; 32]);
    for p in [&ani, &other] {
        p.store()
            .put(
                MetaKey::AgencyKey,
                &hex::encode(agency.verifying_key().as_bytes()),
            )
            .unwrap();
    }
    Two {
        _dirs: dirs,
        ani,
        other,
        agency,
    }
}

/// The first complete sync: it sets the "seen" marker (as `sync.rs` does).
fn first_sync(p: &mut Profile) {
    p.store_mut()
        .apply_remote(&[], &[], &[], &[], &[(MetaKey::NewsSeen, "0".into())])
        .unwrap();
}

/// Everything `from` has not had acknowledged, applied to `to` as pulled from the server.
fn pull(from: &Profile, to: &mut Profile) {
    let changes: Vec<InChange> = (from.store().outbox(usize::MAX).unwrap().into_iter())
        .map(|c| InChange {
            entity: c.entity,
            kind: c.kind,
            bytes: c.bytes,
        })
        .collect();
    let records: Vec<InRecord> = (from.store().record_outbox().unwrap().into_iter())
        .map(|r| InRecord {
            request_id: r.request_id,
            kind: r.kind,
            bytes: r.bytes,
        })
        .collect();
    to.store_mut()
        .apply_remote(&changes, &records, &[], &[], &[])
        .unwrap();
}

fn kinds(v: &NewsView) -> Vec<(NewsKind, &str)> {
    v.first.iter().map(|i| (i.kind, i.title.as_str())).collect()
}

#[test]
fn a_task_assigned_by_someone_else_is_new_until_marked_seen_also_after_a_restart() {
    let mut w = two(BUDI, "Budi Santoso");
    // What a new device receives with its first sync was already Ani's: not news.
    let old = w
        .other
        .add_task(&NewTaskInput {
            title: "Tugas lama".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    pull(&w.other, &mut w.ani);
    first_sync(&mut w.ani);
    assert_eq!(w.ani.news(3).unwrap().total(), 0);

    // Budi gives Ani a task: new, with its count, and who gave it.
    let given = w
        .other
        .add_task(&NewTaskInput {
            title: "Rekap data penerima bantuan".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    pull(&w.other, &mut w.ani);
    let v = w.ani.news(3).unwrap();
    assert_eq!((v.assigned, v.comments, v.total()), (1, 0, 1));
    assert_eq!(
        kinds(&v),
        [(NewsKind::Assigned, "Rekap data penerima bantuan")]
    );
    assert_eq!(v.first[0].id, given);
    assert_eq!(v.first[0].by.as_deref(), Some(BUDI));
    // Beranda carries it.
    assert_eq!(w.ani.beranda(None, 3).unwrap().news, v);

    // What Ani does herself on this device is never new: her own task, her own edit and
    // comment on Budi's task; nor is Budi's change pulled again.
    w.ani
        .add_task(&NewTaskInput {
            title: "Catatan saya".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    w.ani
        .set_task(
            &given,
            &TaskChanges {
                status: Some("dikerjakan".into()),
                ..Default::default()
            },
        )
        .unwrap();
    w.ani.comment_task(&given, "Siap, saya kerjakan.").unwrap();
    pull(&w.other, &mut w.ani);
    let v = w.ani.news(3).unwrap();
    assert_eq!(v.total(), 1, "{v:?}");

    // Budi's comment on a task of hers is new, by him; so is one on the old task.
    w.other.comment_task(&old, "Mohon dipercepat.").unwrap();
    pull(&w.other, &mut w.ani);
    let v = w.ani.news(3).unwrap();
    assert_eq!((v.assigned, v.comments), (1, 1));
    assert_eq!(
        kinds(&v),
        [
            (NewsKind::Comment, "Tugas lama"),
            (NewsKind::Assigned, "Rekap data penerima bantuan")
        ],
        "newest first"
    );
    assert_eq!(v.first[0].by.as_deref(), Some(BUDI));
    assert_eq!(v.first[0].status, "baru");

    // Marked seen: gone, and still gone after a restart.
    let upto = v.upto;
    w.ani.mark_news_seen(upto).unwrap();
    assert_eq!(w.ani.news(3).unwrap().total(), 0);
    let dir = w._dirs[0].path().to_owned();
    drop(w.ani);
    w.ani = Profile::open(&dir).unwrap();
    let v = w.ani.news(3).unwrap();
    assert_eq!((v.total(), v.upto), (0, upto));
    assert!(v.first.is_empty());

    // What arrives after is new again; marking an older view seen does not hide it.
    w.other
        .comment_task(&given, "Data desa sudah masuk.")
        .unwrap();
    pull(&w.other, &mut w.ani);
    w.ani.mark_news_seen(upto).unwrap();
    let v = w.ani.news(3).unwrap();
    assert_eq!(
        kinds(&v),
        [(NewsKind::Comment, "Rekap data penerima bantuan")]
    );
}

/// Siti's signed decision on `request` (as her device makes it), as a pulled record.
fn siti_decision(w: &Two, request: &str, verdict: Verdict) -> InRecord {
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
    InRecord {
        request_id: request.into(),
        kind: RecordKind::Decision,
        bytes: serde_json::to_vec(&Record::Decision(Box::new(d))).unwrap(),
    }
}

/// The supervisor sees a request waiting for her as new; the requester sees the decision
/// on it as new, and not her own request.
#[test]
fn a_request_waiting_for_me_and_a_decision_on_my_request_are_new() {
    let mut w = two(SITI, "Siti Rahmawati");
    first_sync(&mut w.ani);
    first_sync(&mut w.other);
    let doc = w
        .ani
        .new_document(&NewDocInput {
            title: "Nota dinas rapat koordinasi".into(),
            body: "Rapat hari Senin.".into(),
            ..Default::default()
        })
        .unwrap();
    let req = w.ani.request_approval(&doc, &[SITI.into()]).unwrap();
    assert_eq!(w.ani.news(3).unwrap().total(), 0, "my own request");

    // Siti's device receives the letter and the request: it waits for her.
    pull(&w.ani, &mut w.other);
    let v = w.other.news(3).unwrap();
    assert_eq!((v.waiting, v.total()), (1, 1), "{v:?}");
    assert_eq!(
        kinds(&v),
        [(NewsKind::Waiting, "Nota dinas rapat koordinasi")]
    );
    assert_eq!(v.first[0].id, req);
    assert_eq!(v.first[0].by.as_deref(), Some(ANI));
    assert_eq!(v.first[0].status, "menunggu");

    // Her decision reaches Ani: new for Ani, with the outcome and who decided.
    let decision = siti_decision(&w, &req, Verdict::Reject);
    w.ani
        .store_mut()
        .apply_remote(&[], std::slice::from_ref(&decision), &[], &[], &[])
        .unwrap();
    let v = w.ani.news(3).unwrap();
    assert_eq!((v.decisions, v.total()), (1, 1), "{v:?}");
    assert_eq!(
        kinds(&v),
        [(NewsKind::Decision, "Nota dinas rapat koordinasi")]
    );
    assert_eq!(v.first[0].status, "ditolak");
    assert_eq!(v.first[0].by.as_deref(), Some(SITI));

    // Once decided, it no longer waits for Siti.
    w.other
        .store_mut()
        .apply_remote(&[], &[decision], &[], &[], &[])
        .unwrap();
    assert_eq!(w.other.news(3).unwrap().waiting, 0);
}

/// Where there is no signal the work comes on a flash disk: a colleague's bundle brings
/// news as a sync does. A profile that never syncs starts its news with its first bundle
/// (what came in it was already the person's), and what later bundles bring is new.
#[test]
fn a_task_given_in_a_colleagues_bundle_is_new_on_beranda() {
    let mut w = two(SITI, "Siti Rahmawati");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("dari-siti.bundle");
    let given = |w: &mut Two, title: &str| {
        w.other
            .add_task(&NewTaskInput {
                title: title.into(),
                assignees: vec![ANI.into()],
                ..Default::default()
            })
            .unwrap()
    };
    let first = given(&mut w, "Rekap data stunting Desa Oelnasi");
    w.other.export_bundle(&file).unwrap();
    w.ani.import_bundle(&file).unwrap();
    assert_eq!(
        w.ani.news(3).unwrap().total(),
        0,
        "the first bundle is the start"
    );

    let second = given(&mut w, "Laporan Musrenbang kecamatan");
    w.other.comment_task(&first, "Mohon segera.").unwrap();
    w.other.export_bundle(&file).unwrap();
    w.ani.import_bundle(&file).unwrap();
    let v = w.ani.news(3).unwrap();
    assert_eq!((v.assigned, v.comments), (1, 1), "{v:?}");
    let ids: Vec<&str> = v.first.iter().map(|i| i.id.as_str()).collect();
    assert!(
        ids.contains(&second.as_str()) && ids.contains(&first.as_str()),
        "{ids:?}"
    );

    // The same bundle again brings nothing new.
    w.ani.mark_news_seen(v.upto).unwrap();
    w.ani.import_bundle(&file).unwrap();
    assert_eq!(w.ani.news(3).unwrap().total(), 0);
}

/// Her own other device (the laptop she takes to the village) is not someone else: a task
/// she made there for herself, and her comments there, are not new on her office computer;
/// a task a colleague then adds her to is.
#[test]
fn what_she_did_on_her_other_device_is_not_new() {
    let mut w = two(ANI, "Ani Lestari");
    first_sync(&mut w.ani);
    let own = w
        .other
        .add_task(&NewTaskInput {
            title: "Kunjungan posyandu Desa Oelnasi".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    w.other.comment_task(&own, "Bawa formulir KMS.").unwrap();
    pull(&w.other, &mut w.ani);
    assert_eq!(
        w.ani.news(3).unwrap().total(),
        0,
        "her own task and comment"
    );

    // Budi's device adds her to a task he made: that one is news.
    let mut budi = two(BUDI, "Budi Santoso");
    let his = budi
        .other
        .add_task(&NewTaskInput {
            title: "Rekap hasil kunjungan".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    pull(&budi.other, &mut w.ani);
    let v = w.ani.news(3).unwrap();
    assert_eq!(kinds(&v), [(NewsKind::Assigned, "Rekap hasil kunjungan")]);
    assert_eq!(v.first[0].id, his);
}
