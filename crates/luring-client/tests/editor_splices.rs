//! The desktop editor saves what the person typed as splices: the change stored (and
//! later sent) holds exactly the typed characters, checked on its automerge operations,
//! and a save whose splices do not fit the stored text still ends with the text shown.

use automerge::legacy::OpType;
use automerge::ScalarValue;
use luring_client::{BodySplice, NewDocInput, Profile};

const NIP: &str = "198703122010011002";

fn profile(dir: &std::path::Path) -> (Profile, String) {
    let mut p = Profile::init(dir, "Ani Lestari", NIP).unwrap();
    let id = p
        .new_document(&NewDocInput {
            title: "Nota dinas kunjungan".into(),
            body: "Rencana kunjungan ke Desa Sukamaju.".into(),
            ..Default::default()
        })
        .unwrap();
    (p, id)
}

fn splice(pos: u32, delete: u32, insert: &str) -> BodySplice {
    BodySplice {
        pos,
        delete,
        insert: insert.into(),
    }
}

/// The characters inserted and the number deleted by the changes made since `before`.
fn ops_since(p: &Profile, id: &str, before: &[automerge::ChangeHash]) -> (String, usize) {
    let mut doc = p.store().entity_doc(id).unwrap();
    let (mut inserted, mut deleted) = (String::new(), 0);
    for ch in doc.get_changes(before) {
        for op in ch.decode().operations {
            match op.action {
                OpType::Put(ScalarValue::Str(s)) if op.insert => inserted.push_str(&s),
                OpType::Delete => deleted += 1,
                other => panic!("the change holds more than typing: {other:?}"),
            }
        }
    }
    (inserted, deleted)
}

fn heads(p: &Profile, id: &str) -> Vec<automerge::ChangeHash> {
    p.store().entity_doc(id).unwrap().get_heads()
}

#[test]
fn typing_in_the_middle_of_a_word_inserts_only_the_typed_characters() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, id) = profile(dir.path());
    // "kunjungan" → "kunju-ngan": a space typed mid-word, then a word after it.
    let before = heads(&p, &id);
    let v = p
        .splice_document_body(
            &id,
            &[splice(13, 0, " "), splice(14, 0, "x")],
            "Rencana kunju xngan ke Desa Sukamaju.",
        )
        .unwrap();
    assert_eq!(v.body, "Rencana kunju xngan ke Desa Sukamaju.");
    assert_eq!(ops_since(&p, &id, &before), (" x".to_owned(), 0));

    // Taken back: selected and deleted.
    let before = heads(&p, &id);
    let v = p
        .splice_document_body(
            &id,
            &[splice(13, 2, "")],
            "Rencana kunjungan ke Desa Sukamaju.",
        )
        .unwrap();
    assert_eq!(v.body, "Rencana kunjungan ke Desa Sukamaju.");
    assert_eq!(ops_since(&p, &id, &before), (String::new(), 2));
}

#[test]
fn the_typed_position_is_kept_where_a_diff_would_guess() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, id) = profile(dir.path());
    p.set_document_body(&id, "aa").unwrap();
    // An "a" typed between the two: the stored insertion follows the first "a", where the
    // person placed it (a diff of "aa" → "aaa" can only guess, and guesses the start).
    let before = heads(&p, &id);
    p.splice_document_body(&id, &[splice(1, 0, "a")], "aaa")
        .unwrap();
    let mut doc = p.store().entity_doc(&id).unwrap();
    let change = doc.get_changes(&before)[0].decode();
    let body = automerge::ReadDoc::get(&doc, automerge::ROOT, "body")
        .unwrap()
        .unwrap()
        .1;
    let (_, first) = automerge::ReadDoc::get(&doc, &body, 0).unwrap().unwrap();
    let typed = &change.operations[0];
    let automerge::legacy::Key::Seq(automerge::legacy::ElementId::Id(after)) = &typed.key else {
        panic!(
            "the typed character is not inserted after another: {:?}",
            typed.key
        );
    };
    assert_eq!(
        first.to_string(),
        format!("{}@{}", after.counter(), after.actor()),
        "the typed character must follow the first \"a\""
    );
}

#[test]
fn splices_that_do_not_fit_the_stored_text_still_save_the_text_shown() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, id) = profile(dir.path());
    // The editor believes the body is still "" and sends a splice for it.
    let v = p
        .splice_document_body(&id, &[splice(0, 0, "Halo")], "Halo")
        .unwrap();
    assert_eq!(v.body, "Halo");
    assert_eq!(p.show_document(&id).unwrap().body, "Halo");
    // Splices past the end of the text.
    let v = p
        .splice_document_body(&id, &[splice(99, 0, "!")], "Halo!")
        .unwrap();
    assert_eq!(v.body, "Halo!");
    // The body's rules still apply.
    assert!(p
        .splice_document_body(&id, &[], &"x".repeat(2_000_000))
        .is_err());
}
