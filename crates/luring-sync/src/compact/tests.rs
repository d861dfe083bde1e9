use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, Change as AmChange, ObjType, ReadDoc, ScalarValue, ROOT};
use proptest::prelude::*;

use super::*;

/// One step of a random history.
#[derive(Debug, Clone)]
enum Step {
    /// Actor `a` puts a value of kind `k` under key `key`.
    Put { a: usize, key: u8, k: u8, n: i64 },
    /// Actor `a` splices text at a fraction of the text's length.
    Splice {
        a: usize,
        at: u8,
        del: u8,
        text: String,
    },
    /// Actor `a` inserts into or deletes from the list.
    List { a: usize, at: u8, delete: bool },
    /// Actor `a` increments the counter.
    Count { a: usize, by: i64 },
    /// Actor `a` merges what actor `b` has.
    Merge { a: usize, b: usize },
    /// Actor `a` commits what it has done (with a time and sometimes a message).
    Commit { a: usize, time: i64, msg: bool },
}

fn step() -> impl Strategy<Value = Step> {
    let a = 0..3usize;
    prop_oneof![
        (a.clone(), 0..6u8, 0..8u8, any::<i64>()).prop_map(|(a, key, k, n)| Step::Put {
            a,
            key,
            k,
            n
        }),
        (a.clone(), any::<u8>(), 0..20u8, "[a-zé 😀\n]{0,200}")
            .prop_map(|(a, at, del, text)| Step::Splice { a, at, del, text }),
        (a.clone(), any::<u8>(), any::<bool>()).prop_map(|(a, at, delete)| Step::List {
            a,
            at,
            delete
        }),
        (a.clone(), -5..5i64).prop_map(|(a, by)| Step::Count { a, by }),
        (a.clone(), 0..3usize).prop_map(|(a, b)| Step::Merge { a, b }),
        (a, 0..2_000_000_000_000i64, any::<bool>()).prop_map(|(a, time, msg)| Step::Commit {
            a,
            time,
            msg
        }),
    ]
}

/// Runs a history on three actors that start from one shared document.
fn history(steps: &[Step]) -> Vec<AutoCommit> {
    let mut base = AutoCommit::new().with_actor(ActorId::from([9u8; 16]));
    let text = base.put_object(ROOT, "body", ObjType::Text).expect("text");
    base.splice_text(&text, 0, 0, "awal").expect("splice");
    base.put_object(ROOT, "list", ObjType::List).expect("list");
    base.put(ROOT, "count", ScalarValue::counter(0))
        .expect("counter");
    base.commit();
    let mut docs: Vec<AutoCommit> = (0..3u8)
        .map(|i| base.fork().with_actor(ActorId::from([i + 1; 16])))
        .collect();
    for s in steps {
        match s.clone() {
            Step::Put { a, key, k, n } => {
                let key = format!("k{key}");
                let v = match k {
                    0 => ScalarValue::Str(format!("v{n}").into()),
                    1 => ScalarValue::Int(n),
                    2 => ScalarValue::Uint(n.unsigned_abs()),
                    3 => ScalarValue::F64(n as f64 / 7.0),
                    4 => ScalarValue::Boolean(n % 2 == 0),
                    5 => ScalarValue::Null,
                    6 => ScalarValue::Timestamp(n),
                    _ => ScalarValue::Bytes(n.to_le_bytes().to_vec()),
                };
                docs[a].put(ROOT, key, v).expect("put");
            }
            Step::Splice { a, at, del, text } => {
                let (_, obj) = docs[a].get(ROOT, "body").expect("get").expect("body");
                let len = docs[a].length(&obj);
                let pos = len * at as usize / 256;
                let del = (del as usize).min(len - pos) as isize;
                docs[a].splice_text(&obj, pos, del, &text).expect("splice");
            }
            Step::List { a, at, delete } => {
                let (_, obj) = docs[a].get(ROOT, "list").expect("get").expect("list");
                let len = docs[a].length(&obj);
                if delete && len > 0 {
                    docs[a]
                        .delete(&obj, len * at as usize / 256)
                        .expect("delete");
                } else {
                    docs[a]
                        .insert(&obj, len * at as usize / 256, at as i64)
                        .expect("insert");
                }
            }
            Step::Count { a, by } => {
                docs[a].increment(ROOT, "count", by).expect("increment");
            }
            Step::Merge { a, b } if a != b => {
                docs[b].commit();
                docs[a].commit();
                let mut other = docs[b].clone();
                docs[a].merge(&mut other).expect("merge");
            }
            Step::Merge { .. } => {}
            Step::Commit { a, time, msg } => {
                let mut o = CommitOptions::default().with_time(time);
                if msg {
                    o = o.with_message(format!("pesan {time}"));
                }
                docs[a].commit_with(o);
            }
        }
    }
    for d in &mut docs {
        d.commit();
    }
    docs
}

/// Each actor's own changes, as its device would push them: compacted in one message,
/// with every dependency outside the message known to the receiver.
fn round_trip_actor(doc: &mut AutoCommit, actor: u8) {
    let actor_bytes = [actor; 16];
    let all: Vec<AmChange> = doc.get_changes(&[]).into_iter().collect();
    let known: Vec<ChangeHash> = all.iter().map(|c| c.hash().0).collect();
    let own: Vec<&AmChange> = all
        .iter()
        .filter(|c| c.actor_id().to_bytes() == actor_bytes)
        .collect();
    let mut compactor = Compactor::new(&actor_bytes);
    let mut list = Vec::new();
    for c in &own {
        // Half the message's outside dependencies are said to be unknown to the server.
        let compact = compactor
            .compact("t-1", Class::Task, c.raw_bytes(), |d| d[0] % 2 == 0)
            .expect("every change of the device compacts");
        list.push(compact);
    }
    let mut rebuilt: Vec<ChangeHash> = Vec::new();
    for (u, c) in Unpacked::all(&list).iter().zip(&own) {
        let (bytes, hash) = u
            .rebuild(
                &actor_bytes,
                |i| rebuilt.get(i).copied(),
                |p| {
                    let mut m = known.iter().filter(|h| h[..PREFIX] == p[..]);
                    match (m.next(), m.next()) {
                        (Some(h), None) => Some(*h),
                        _ => None,
                    }
                },
            )
            .expect("rebuilds");
        assert_eq!(bytes, c.raw_bytes(), "byte for byte");
        assert_eq!(hash, c.hash().0);
        assert_eq!(hash_of(&bytes), Ok(hash));
        rebuilt.push(hash);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_change_rebuilt_from_its_compact_form_has_the_original_hash(
        steps in proptest::collection::vec(step(), 1..60)
    ) {
        let mut docs = history(&steps);
        for (i, d) in docs.iter_mut().enumerate() {
            round_trip_actor(d, i as u8 + 1);
        }
    }

    #[test]
    fn junk_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parts(&bytes);
        let mut with_magic = MAGIC.to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = parts(&with_magic);
    }
}

fn one_change(actor: u8) -> AmChange {
    let mut d = AutoCommit::new().with_actor(ActorId::from([actor; 16]));
    d.put(ROOT, "judul", "Laporan").expect("put");
    d.commit();
    d.get_changes(&[]).into_iter().next().expect("one")
}

#[test]
fn another_actors_change_goes_in_full() {
    let c = one_change(2);
    let mut compactor = Compactor::new(&[1; 16]);
    assert_eq!(
        compactor.compact("t-1", Class::Task, c.raw_bytes(), |_| true),
        Err(CompactError::OtherActor)
    );
}

#[test]
fn a_prefix_that_names_another_change_is_caught_by_the_checksum() {
    let mut d = AutoCommit::new().with_actor(ActorId::from([1; 16]));
    d.put(ROOT, "judul", "a").expect("put");
    d.commit();
    d.put(ROOT, "judul", "b").expect("put");
    d.commit();
    let changes: Vec<AmChange> = d.get_changes(&[]).into_iter().collect();
    let mut compactor = Compactor::new(&[1; 16]);
    // The first is known to the server; only the second is pushed.
    let c = compactor
        .compact("t-1", Class::Task, changes[1].raw_bytes(), |_| true)
        .expect("compacts");
    assert!(matches!(c.deps[..], [DepRef::Prefix(_)]));
    let u = &Unpacked::all(&[c])[0];
    // The receiver's prefix lookup names a wrong change: refused, never stored.
    assert_eq!(
        u.rebuild(&[1; 16], |_| None, |_| Some([7; 32])),
        Err(CompactError::Mismatch)
    );
    // Or none at all.
    assert_eq!(
        u.rebuild(&[1; 16], |_| None, |_| None),
        Err(CompactError::UnknownDependency)
    );
    // Another device's actor makes another change.
    assert_eq!(
        u.rebuild(&[2; 16], |_| None, |_| Some(changes[0].hash().0)),
        Err(CompactError::Mismatch)
    );
    let (bytes, _) = u
        .rebuild(&[1; 16], |_| None, |_| Some(changes[0].hash().0))
        .expect("rebuilds");
    assert_eq!(bytes, changes[1].raw_bytes());
}

#[test]
fn an_earlier_reference_outside_the_message_is_refused() {
    let c = CompactChange {
        entity: "t-1".into(),
        class: Class::Task,
        checksum: [0; 4],
        deps: vec![DepRef::Earlier(1)],
        seq_delta: 1,
        start_op: 1,
        time_delta: 0,
        message: vec![],
        other_actors: vec![],
        ops: vec![],
    };
    let u = &Unpacked::all(&[c])[0];
    assert_eq!(u.deps, Err(CompactError::BadEarlier(1)));
    assert_eq!(
        u.rebuild(&[1; 16], |_| Some([0; 32]), |_| None),
        Err(CompactError::BadEarlier(1))
    );
}

#[test]
fn a_compact_change_is_a_fraction_of_the_full_one() {
    let c = one_change(1);
    let mut compactor = Compactor::new(&[1; 16]);
    let compact = compactor
        .compact("t-1", Class::Task, c.raw_bytes(), |_| true)
        .expect("compacts");
    let wire = postcard::to_stdvec(&compact).expect("serialises");
    // The full change carries magic, actor and header; the compact one its entity id.
    assert!(
        wire.len() + 15 < c.raw_bytes().len() + "t-1".len(),
        "{} vs {}",
        wire.len(),
        c.raw_bytes().len()
    );
}
