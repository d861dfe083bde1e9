//! Merging by bundle, as a property: two profiles edit the same document and task offline
//! in random ways, then exchange bundles in every order. All replicas must end identical,
//! with every insertion and every deletion of both sides kept.

use std::path::Path;

use luring_client::{NewDocInput, NewTaskInput, Profile, TaskChanges};
use proptest::prelude::*;

const NIP_A: &str = "198703122010011002";
const NIP_B: &str = "199001012015032001";

/// The shared starting body: unique lowercase words, so each can be found and deleted.
fn base_body() -> String {
    (0..24).map(|i| format!("kata{i:02} ")).collect()
}

#[derive(Debug, Clone)]
enum Op {
    /// Insert a fresh token before the n-th word (mod the word count).
    Insert(usize),
    /// Delete the n-th remaining base word (mod their count).
    DeleteWord(usize),
    Title(u8),
    Status(u8),
    Comment,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<usize>().prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::DeleteWord),
        1 => any::<u8>().prop_map(Op::Title),
        1 => any::<u8>().prop_map(Op::Status),
        1 => Just(Op::Comment),
    ]
}

/// What one side did, to check afterwards that none of it was lost.
#[derive(Default, Debug)]
struct Side {
    tokens: Vec<String>,
    deleted: Vec<String>,
    comments: Vec<String>,
}

fn apply(p: &mut Profile, doc: &str, task: &str, tag: char, ops: &[Op]) -> Side {
    let mut side = Side::default();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Insert(n) => {
                let body = p.show_document(doc).unwrap().body;
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(body.match_indices(' ').map(|(j, _)| j + 1))
                    .filter(|&j| j <= body.len())
                    .collect();
                let at = starts[n % starts.len()];
                let token = format!("[{tag}{i}] ");
                let new = format!("{}{token}{}", &body[..at], &body[at..]);
                p.set_document_body(doc, &new).unwrap();
                side.tokens.push(token.trim().to_owned());
            }
            Op::DeleteWord(n) => {
                let body = p.show_document(doc).unwrap().body;
                let words: Vec<&str> = body.split(' ').filter(|w| w.starts_with("kata")).collect();
                if words.is_empty() {
                    continue;
                }
                let w = words[n % words.len()].to_owned();
                let new = body.replacen(&format!("{w} "), "", 1);
                p.set_document_body(doc, &new).unwrap();
                side.deleted.push(w);
            }
            Op::Title(t) => {
                p.set_task(
                    task,
                    &TaskChanges {
                        title: Some(format!("Judul {tag} {t}")),
                        ..Default::default()
                    },
                )
                .unwrap();
            }
            Op::Status(s) => {
                let status = ["baru", "dikerjakan", "menunggu", "selesai"][*s as usize % 4];
                p.set_task(
                    task,
                    &TaskChanges {
                        status: Some(status.into()),
                        ..Default::default()
                    },
                )
                .unwrap();
            }
            Op::Comment => {
                let text = format!("komentar {tag}{i}");
                p.comment_task(task, &text).unwrap();
                side.comments.push(text);
            }
        }
    }
    side
}

/// Everything a user can see of the shared entities, as JSON text.
fn seen(p: &Profile, doc: &str, task: &str) -> String {
    format!(
        "{}\n{}",
        serde_json::to_string(&p.show_document(doc).unwrap()).unwrap(),
        serde_json::to_string(&p.show_task(task).unwrap()).unwrap()
    )
}

fn import(p: &mut Profile, file: &Path) {
    p.import_bundle(file).unwrap();
}

fn run_case(ops_a: &[Op], ops_b: &[Op]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let d = |n: &str| tmp.path().join(n);
    let mut a = Profile::init(&d("a"), "Ani", NIP_A).unwrap();
    let doc = a
        .new_document(&NewDocInput {
            title: "Nota bersama".into(),
            body: base_body(),
            ..Default::default()
        })
        .unwrap();
    let task = a
        .add_task(&NewTaskInput {
            title: "Tugas bersama".into(),
            ..Default::default()
        })
        .unwrap();
    a.export_bundle(&d("base.bundle")).unwrap();
    let mut others: Vec<Profile> = ["b", "c", "e"]
        .iter()
        .map(|n| {
            let mut p = Profile::init(&d(n), n, NIP_B).unwrap();
            import(&mut p, &d("base.bundle"));
            p
        })
        .collect();
    let mut e = others.pop().unwrap();
    let mut c = others.pop().unwrap();
    let mut b = others.pop().unwrap();

    let side_a = apply(&mut a, &doc, &task, 'A', ops_a);
    let side_b = apply(&mut b, &doc, &task, 'B', ops_b);
    a.export_bundle(&d("a.bundle")).unwrap();
    b.export_bundle(&d("b.bundle")).unwrap();

    // Each side imports the other's; two bystanders import both, in opposite orders; and a
    // repeated import changes nothing.
    import(&mut a, &d("b.bundle"));
    import(&mut b, &d("a.bundle"));
    import(&mut c, &d("a.bundle"));
    import(&mut c, &d("b.bundle"));
    import(&mut e, &d("b.bundle"));
    import(&mut e, &d("a.bundle"));
    import(&mut e, &d("a.bundle"));

    let want = seen(&a, &doc, &task);
    prop_assert_eq!(&want, &seen(&b, &doc, &task));
    prop_assert_eq!(&want, &seen(&c, &doc, &task));
    prop_assert_eq!(&want, &seen(&e, &doc, &task));

    let body = a.show_document(&doc).unwrap().body;
    for t in side_a.tokens.iter().chain(&side_b.tokens) {
        prop_assert!(
            body.contains(t.as_str()),
            "token {} lost from {:?}",
            t,
            body
        );
    }
    let deleted: Vec<&String> = side_a.deleted.iter().chain(&side_b.deleted).collect();
    for w in 0..24 {
        let w = format!("kata{w:02}");
        let present = body.contains(&w);
        prop_assert_eq!(present, !deleted.contains(&&w), "word {} in {:?}", w, body);
    }
    let comments: Vec<String> = a
        .show_task(&task)
        .unwrap()
        .comments
        .into_iter()
        .map(|c| c.text.as_str().to_owned())
        .collect();
    for t in side_a.comments.iter().chain(&side_b.comments) {
        prop_assert!(comments.contains(t), "comment {} lost", t);
    }
    for p in [&a, &b, &c, &e] {
        prop_assert!(p.store().check_derived().unwrap().is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_offline_edits_converge_without_loss(
        ops_a in prop::collection::vec(op(), 0..12),
        ops_b in prop::collection::vec(op(), 0..12),
    ) {
        run_case(&ops_a, &ops_b)?;
    }
}
