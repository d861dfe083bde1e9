use automerge::transaction::Transactable;
use luring_crdt::{DocumentEdit, NewDocument, NewTask};
use luring_model::*;
use proptest::prelude::*;

use super::*;
use crate::{InChange, MetaKey};

fn new_doc(s: &mut Store, id: &str, body: &str) {
    s.create_documents(&[NewDocument {
        id: EntityId::parse(id).unwrap(),
        kind: DocKind::NotaDinas,
        title: Title::parse("Nota dinas").unwrap(),
        body: Document::body(body).unwrap(),
        classification: Classification::Biasa,
        unit: None,
        created_at: "2026-11-23T08:00:00Z".into(),
        revision_of: None,
        created_by: None,
    }])
    .unwrap();
}

fn new_task(s: &mut Store, id: &str) {
    s.create_tasks(&[NewTask {
        id: EntityId::parse(id).unwrap(),
        title: Title::parse("Tugas").unwrap(),
        description: Text::default(),
        status: TaskStatus::Baru,
        due: None,
        assignees: vec![],
        unit: None,
        created_at: "2026-11-23T08:00:00Z".into(),
        created_by: None,
    }])
    .unwrap();
}

fn set_body(s: &mut Store, id: &str, body: &str) {
    s.update_document(id, |d| {
        luring_crdt::update_document(
            d,
            &DocumentEdit {
                body: Some(Document::body(body).unwrap()),
                ..Default::default()
            },
        )
    })
    .unwrap();
}

fn retitle(s: &mut Store, id: &str, title: &str) {
    s.update_task(id, |d| {
        luring_crdt::patch_task(
            d,
            &TaskPatch {
                title: Some(Title::parse(title).unwrap()),
                ..Default::default()
            },
        )
    })
    .unwrap();
}

fn outbox(s: &Store) -> Vec<OutboxEntry> {
    s.outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|c| OutboxEntry {
            entity: c.entity,
            hash: c.hash,
            bytes: c.bytes,
        })
        .collect()
}

#[derive(Debug, Clone)]
struct OutboxEntry {
    entity: String,
    hash: [u8; 32],
    bytes: Vec<u8>,
}

fn hashes(o: &[OutboxEntry]) -> Vec<[u8; 32]> {
    o.iter().map(|c| c.hash).collect()
}

/// What an entity reads as, down to every key.
fn state(s: &Store, id: &str) -> automerge::hydrate::Value {
    s.entity_doc(id).unwrap().hydrate(ROOT, None).unwrap()
}

/// A replica that applies `changes` (raw bytes) to `doc`; panics if any is refused.
fn receive(doc: &mut AutoCommit, changes: &[OutboxEntry]) {
    let changes: Vec<Change> = changes
        .iter()
        .map(|c| Change::from_bytes(c.bytes.clone()).unwrap())
        .collect();
    doc.apply_changes(changes).unwrap();
}

#[test]
fn a_run_of_edits_becomes_one_change_with_the_same_operations() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "");
    new_task(&mut s, "t-1");
    let mut typed = String::new();
    for c in "Rapat koordinasi hari Senin".chars() {
        typed.push(c);
        set_body(&mut s, "d-1", &typed);
    }
    for i in 0..4 {
        retitle(&mut s, "t-1", &format!("Tugas {i}"));
    }
    let before = outbox(&s);
    assert_eq!(before.len(), 2 + 27 + 4);
    let (doc_state, task_state) = (state(&s, "d-1"), state(&s, "t-1"));
    let ops_before: usize = s
        .entity_doc("d-1")
        .unwrap()
        .get_changes(&[])
        .iter()
        .map(|c| c.len())
        .sum();

    let f = s.fold_outbox().unwrap();
    // The creations (other fields) stay apart; the typing and the retitling fold.
    assert_eq!(
        f,
        Folded {
            entities: 2,
            changes_before: 31,
            changes_after: 2
        }
    );
    let after = outbox(&s);
    assert_eq!(after.len(), 4);
    assert_eq!(state(&s, "d-1"), doc_state);
    assert_eq!(state(&s, "t-1"), task_state);
    let mut d = s.entity_doc("d-1").unwrap();
    assert_eq!(d.get_changes(&[]).len(), 2);
    assert_eq!(
        d.get_changes(&[]).iter().map(|c| c.len()).sum::<usize>(),
        ops_before
    );
    assert!(s.check_derived().unwrap().is_empty());
    // Far fewer bytes to send.
    let bytes = |o: &[OutboxEntry]| o.iter().map(|c| c.bytes.len()).sum::<usize>();
    assert!(
        bytes(&after) * 3 < bytes(&before),
        "{} vs {}",
        bytes(&after),
        bytes(&before)
    );
    // A replica with nothing reads the same from the folded changes alone.
    let mut other = AutoCommit::new();
    let of_doc: Vec<OutboxEntry> = after
        .iter()
        .filter(|c| c.entity == "d-1")
        .cloned()
        .collect();
    receive(&mut other, &of_doc);
    assert_eq!(other.hydrate(ROOT, None).unwrap(), doc_state);
    // Nothing is left to fold; later edits fold on top.
    assert_eq!(s.fold_outbox().unwrap(), Folded::default());
    set_body(&mut s, "d-1", "Rapat koordinasi hari Senin pagi");
    set_body(&mut s, "d-1", "Rapat koordinasi hari Senin pagi ini");
    assert_eq!(s.fold_outbox().unwrap().changes_before, 3);
}

#[test]
fn only_edits_of_the_same_fields_fold_together() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "isi");
    s.mark_shared(&hashes(&outbox(&s))).unwrap();
    set_body(&mut s, "d-1", "isi a");
    set_body(&mut s, "d-1", "isi ab");
    let retitle = |s: &mut Store, t: &str| {
        s.update_document("d-1", |d| {
            luring_crdt::update_document(
                d,
                &DocumentEdit {
                    title: Some(Title::parse(t).unwrap()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    };
    retitle(&mut s, "Judul baru");
    set_body(&mut s, "d-1", "isi abc");
    set_body(&mut s, "d-1", "isi abcd");
    set_body(&mut s, "d-1", "isi abcde");
    let expected = state(&s, "d-1");
    assert_eq!(
        s.fold_outbox().unwrap(),
        Folded {
            entities: 1,
            changes_before: 6,
            changes_after: 3
        }
    );
    assert_eq!(state(&s, "d-1"), expected);
    let out = outbox(&s);
    assert_eq!(out.len(), 4);
    let mut server = AutoCommit::new();
    receive(&mut server, &out);
    assert_eq!(server.hydrate(ROOT, None).unwrap(), expected);
}

#[test]
fn a_change_put_in_a_request_is_never_folded() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "satu");
    set_body(&mut s, "d-1", "satu dua");
    let sent = outbox(&s);
    // Sent, and the answer lost: the server may hold them.
    assert_eq!(s.mark_shared(&hashes(&sent)).unwrap(), hashes(&sent));
    assert!(s.mark_shared(&hashes(&sent)).unwrap().is_empty());
    set_body(&mut s, "d-1", "satu dua tiga");
    assert_eq!(
        s.fold_outbox().unwrap(),
        Folded::default(),
        "one new change is not a run"
    );
    set_body(&mut s, "d-1", "satu dua tiga empat");
    assert_eq!(s.fold_outbox().unwrap().changes_before, 2);
    let now = outbox(&s);
    assert_eq!(now.len(), 3);
    assert_eq!(
        hashes(&now[..2]),
        hashes(&sent),
        "the sent changes keep their hashes"
    );
    // The server, holding the first two, takes the folded one.
    let mut server = AutoCommit::new();
    receive(&mut server, &sent);
    receive(&mut server, &now[2..]);
    assert_eq!(server.hydrate(ROOT, None).unwrap(), state(&s, "d-1"));
}

#[test]
fn exported_changes_are_never_folded_and_an_importer_sees_no_text_twice() {
    let mut a = Store::open_in_memory().unwrap();
    new_doc(&mut a, "d-1", "Yth. Kepala Dinas,");
    set_body(&mut a, "d-1", "Yth. Kepala Dinas, bersama ini");
    let bundle = a.export_bundle("ani").unwrap();
    let exported = outbox(&a);
    set_body(&mut a, "d-1", "Yth. Kepala Dinas, bersama ini kami");
    set_body(
        &mut a,
        "d-1",
        "Yth. Kepala Dinas, bersama ini kami sampaikan",
    );
    assert_eq!(a.fold_outbox().unwrap().changes_before, 2);
    let sent = outbox(&a);
    assert_eq!(hashes(&sent[..2]), hashes(&exported));
    // Elsewhere: the bundle first, then what the server passes on.
    let mut b = Store::open_in_memory().unwrap();
    b.import_bundle(&bundle).unwrap();
    let pulled: Vec<InChange> = sent
        .iter()
        .map(|c| InChange {
            entity: c.entity.clone(),
            kind: luring_crdt::EntityKind::Document,
            bytes: c.bytes.clone(),
        })
        .collect();
    b.apply_remote(&pulled, &[], &[], &[], &[(MetaKey::Cursor, "1".into())])
        .unwrap();
    assert_eq!(
        b.document("d-1").unwrap().body.as_str(),
        "Yth. Kepala Dinas, bersama ini kami sampaikan"
    );
}

#[test]
fn changes_under_an_approval_request_keep_their_hashes() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "a");
    set_body(&mut s, "d-1", "ab");
    // A request binds the heads as they are now.
    s.mark_entity_shared("d-1").unwrap();
    let bound = hashes(&outbox(&s));
    set_body(&mut s, "d-1", "abc");
    set_body(&mut s, "d-1", "abcd");
    assert_eq!(s.fold_outbox().unwrap().changes_before, 2);
    let now = hashes(&outbox(&s));
    assert_eq!(now.len(), 3);
    assert_eq!(now[..2], bound[..]);
}

#[test]
fn changes_by_another_actor_are_left_alone() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "a");
    set_body(&mut s, "d-1", "ab");
    // Made under an earlier actor: not this device's to fold (and they block the run
    // below them).
    let old = s.actor().clone();
    s.set_actor_after_change(ActorId::random());
    set_body(&mut s, "d-1", "abc");
    s.set_actor_after_change(old);
    let before = outbox(&s);
    assert_eq!(s.fold_outbox().unwrap(), Folded::default());
    assert_eq!(hashes(&outbox(&s)), hashes(&before));
}

#[test]
fn a_pulled_change_in_the_middle_keeps_the_run_apart() {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "satu");
    let first = outbox(&s);
    s.mark_shared(&hashes(&first)).unwrap();
    set_body(&mut s, "d-1", "satu dua");
    // Someone else's change, made on a copy with many more operations, arrives.
    let mut other = AutoCommit::new().with_actor(ActorId::random());
    receive(&mut other, &first);
    let body = match other.get(ROOT, "body").unwrap() {
        Some((_, id)) => id,
        None => panic!("no body"),
    };
    for i in 0..50 {
        other.splice_text(&body, 0, 0, &i.to_string()).unwrap();
    }
    other.commit();
    let theirs = other.get_last_local_change().unwrap().raw_bytes().to_vec();
    s.apply_remote(
        &[InChange {
            entity: "d-1".into(),
            kind: luring_crdt::EntityKind::Document,
            bytes: theirs,
        }],
        &[],
        &[],
        &[],
        &[],
    )
    .unwrap();
    let text = s.document("d-1").unwrap().body.as_str().to_owned();
    set_body(&mut s, "d-1", &format!("{text} tiga"));
    set_body(&mut s, "d-1", &format!("{text} tiga empat"));
    let expected = state(&s, "d-1");
    // "dua" (before the pulled change) stays; the two after it fold.
    assert_eq!(s.fold_outbox().unwrap().changes_before, 2);
    assert_eq!(outbox(&s).len(), 3);
    assert_eq!(state(&s, "d-1"), expected);
}

/// One step of a random history on one device.
#[derive(Debug, Clone)]
enum Step {
    /// Type `text` at a position (per mille of the body's length).
    Type(u16, String),
    /// Delete up to `n` characters at a position.
    Cut(u16, u8),
    Title(u8),
    /// Another device edits the body; its change is pulled.
    Pulled(u16, String),
    /// A sync request carries the outbox (and may or may not be answered).
    Sent {
        answered: bool,
    },
    Fold,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..=1000u16, "[a-z ]{1,6}").prop_map(|(p, t)| Step::Type(p, t)),
        2 => (0..=1000u16, 1..6u8).prop_map(|(p, n)| Step::Cut(p, n)),
        1 => any::<u8>().prop_map(Step::Title),
        1 => (0..=1000u16, "[A-Z]{1,4}").prop_map(|(p, t)| Step::Pulled(p, t)),
        1 => any::<bool>().prop_map(|answered| Step::Sent { answered }),
        2 => Just(Step::Fold),
    ]
}

fn at(text: &str, per_mille: u16) -> usize {
    let n = text.chars().count();
    n * per_mille as usize / 1000
}

fn splice_chars(text: &str, pos: usize, del: usize, ins: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let del = del.min(c.len() - pos);
    c[..pos]
        .iter()
        .chain(ins.chars().collect::<Vec<_>>().iter())
        .chain(&c[pos + del..])
        .collect()
}

fn run_history(steps: &[Step]) -> Result<(), TestCaseError> {
    let mut s = Store::open_in_memory().unwrap();
    new_doc(&mut s, "d-1", "awal");
    // The server: every change it was sent, whether or not it answered.
    let mut server = AutoCommit::new();
    let mut other_actor = ActorId::random();
    for st in steps {
        let body = s.document("d-1").unwrap().body.as_str().to_owned();
        match st {
            Step::Type(p, t) => set_body(&mut s, "d-1", &splice_chars(&body, at(&body, *p), 0, t)),
            Step::Cut(p, n) => {
                let pos = at(&body, *p);
                set_body(&mut s, "d-1", &splice_chars(&body, pos, *n as usize, ""))
            }
            Step::Title(t) => s
                .update_document("d-1", |d| {
                    luring_crdt::update_document(
                        d,
                        &DocumentEdit {
                            title: Some(Title::parse(&format!("Judul {t}")).unwrap()),
                            ..Default::default()
                        },
                    )
                })
                .map(|_| ())
                .unwrap(),
            Step::Pulled(p, t) => {
                let mut theirs = s.entity_doc("d-1").unwrap().with_actor(other_actor.clone());
                other_actor = ActorId::random();
                let obj = theirs.get(ROOT, "body").unwrap().unwrap().1;
                theirs.splice_text(&obj, at(&body, *p), 0, t).unwrap();
                theirs.commit();
                let ch = theirs.get_last_local_change().unwrap().raw_bytes().to_vec();
                server
                    .apply_changes([Change::from_bytes(ch.clone()).unwrap()])
                    .unwrap();
                s.apply_remote(
                    &[InChange {
                        entity: "d-1".into(),
                        kind: luring_crdt::EntityKind::Document,
                        bytes: ch,
                    }],
                    &[],
                    &[],
                    &[],
                    &[],
                )
                .unwrap();
            }
            Step::Sent { answered } => {
                let out = outbox(&s);
                s.mark_shared(&hashes(&out)).unwrap();
                let changes: Vec<Change> = out
                    .iter()
                    .map(|c| Change::from_bytes(c.bytes.clone()).unwrap())
                    .collect();
                // A server that already holds a change, or holds another with its actor and
                // sequence number, would fail here.
                server
                    .apply_changes(changes)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                if *answered {
                    s.apply_remote(&[], &[], &hashes(&out), &[], &[]).unwrap();
                }
            }
            Step::Fold => {
                let before = state(&s, "d-1");
                s.fold_outbox().unwrap();
                prop_assert_eq!(state(&s, "d-1"), before, "a fold changed the entity");
                prop_assert!(s.check_derived().unwrap().is_empty());
            }
        }
    }
    // Everything left is sent: the server ends exactly where the device is.
    s.fold_outbox().unwrap();
    let out = outbox(&s);
    let changes: Vec<Change> = out
        .iter()
        .map(|c| Change::from_bytes(c.bytes.clone()).unwrap())
        .collect();
    server
        .apply_changes(changes)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(server.hydrate(ROOT, None).unwrap(), state(&s, "d-1"));
    prop_assert_eq!(
        server.get_heads().len(),
        s.entity_doc("d-1").unwrap().get_heads().len()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Folded and unfolded histories give the same entity, and a server that received
    /// part of the history before a fold and the rest after ends where the device is.
    #[test]
    fn folding_keeps_the_entity_and_what_was_sent(steps in prop::collection::vec(step(), 0..30)) {
        run_history(&steps)?;
    }
}
