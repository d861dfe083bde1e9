use automerge::legacy::OpType;
use automerge::{ActorId, ObjType, ROOT};
use proptest::prelude::*;

use super::*;

fn text_doc(s: &str) -> (AutoCommit, ObjId) {
    let mut d = AutoCommit::new();
    let t = d.put_object(ROOT, "t", ObjType::Text).unwrap();
    d.splice_text(&t, 0, 0, s).unwrap();
    d.commit();
    (d, t)
}

/// (characters inserted, characters deleted) by the last change of `d`.
fn last_change(d: &mut AutoCommit) -> (String, usize) {
    d.commit();
    let ch = d.get_last_local_change().expect("a change").decode();
    let mut inserted = String::new();
    let mut deleted = 0;
    for op in ch.operations {
        match op.action {
            OpType::Put(automerge::ScalarValue::Str(s)) if op.insert => inserted.push_str(&s),
            OpType::Delete => deleted += 1,
            other => panic!("unexpected op {other:?}"),
        }
    }
    (inserted, deleted)
}

fn splice(pos: usize, delete: usize, insert: &str) -> Splice {
    Splice {
        pos,
        delete,
        insert: insert.into(),
    }
}

#[test]
fn result_equals_the_new_text() {
    let long_old: String = (0..3000).map(|i| format!("baris {i} isi\n")).collect();
    let long_new = long_old.replace("baris 17 isi", "baris tujuh belas") + "penutup";
    let cases = [
        ("", "halo dunia"),
        ("halo dunia", ""),
        ("rapa", "rapat"),
        (
            "Rapat hari Senin, pukul 09.00",
            "Rapat hari Selasa pukul 10.00 di aula",
        ),
        ("satu\ndua\ntiga", "satu\ntiga\nempat"),
        ("ééé ñ 😀 x", "éé ñ😀 y x"),
        (long_old.as_str(), long_new.as_str()),
        (long_old.as_str(), "seluruhnya baru"),
    ];
    for (old, new) in cases {
        let (mut d, t) = text_doc(old);
        update_text(&mut d, &t, new).unwrap();
        assert_eq!(d.text(&t).unwrap(), new, "{old:?} -> {new:?}");
    }
}

#[test]
fn typing_in_the_middle_of_a_word_inserts_only_what_was_typed() {
    // The word diff of old deleted "kunjungan" and typed it again around the space.
    let (mut d, t) = text_doc("rencana kunjungan ke desa");
    update_text(&mut d, &t, "rencana kunju ngan ke desa").unwrap();
    assert_eq!(last_change(&mut d), (" ".to_owned(), 0));
    update_text(&mut d, &t, "rencana kunju[catatan] ngan ke desa").unwrap();
    assert_eq!(last_change(&mut d), ("[catatan]".to_owned(), 0));
}

#[test]
fn a_deleted_word_goes_whole() {
    let (mut a, t) = text_doc("kata04 kata05 kata06 ");
    let mut b = AutoCommit::load(&a.save())
        .unwrap()
        .with_actor(ActorId::random());
    update_text(&mut a, &t, "kata04 kata06 ").unwrap();
    assert_eq!(last_change(&mut a), (String::new(), 7));
    // Whole: a concurrent insertion right before "kata06" tears no word.
    update_text(&mut b, &t, "kata04 kata05 [B] kata06 ").unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(a.text(&t).unwrap(), "kata04 [B] kata06 ");
}

#[test]
fn neighbouring_edits_keep_words_whole() {
    let (mut a, t) = text_doc("kata08 kata09 kata10 ");
    let mut b = AutoCommit::load(&a.save())
        .unwrap()
        .with_actor(ActorId::random());
    update_text(&mut a, &t, "kata08 kata09 [A0] kata10 ").unwrap();
    update_text(&mut b, &t, "kata08 kata10 ").unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(a.text(&t).unwrap(), "kata08 [A0] kata10 ");
}

#[test]
fn typing_at_the_end_of_a_word_is_an_insertion() {
    let (mut a, t) = text_doc("rapa besok");
    let mut b = AutoCommit::load(&a.save())
        .unwrap()
        .with_actor(ActorId::random());
    update_text(&mut a, &t, "rapat besok").unwrap();
    update_text(&mut b, &t, "rapa besok pagi").unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(a.text(&t).unwrap(), "rapat besok pagi");
}

#[test]
fn splices_that_fit_are_written_as_typed() {
    // "aa" → "aaa": a diff cannot know which "a" was typed; the splice does.
    let (mut d, t) = text_doc("Rapat aa");
    let used = splice_text_checked(
        &mut d,
        &t,
        &[splice(7, 0, "a"), splice(0, 5, "Rapat besok")],
        "Rapat besok aaa",
    )
    .unwrap();
    assert!(used);
    assert_eq!(d.text(&t).unwrap(), "Rapat besok aaa");
    // Replacing "Rapat" by "Rapat besok" as typed: deleted and inserted, as the person did.
    assert_eq!(last_change(&mut d), ("aRapat besok".to_owned(), 5));
}

#[test]
fn splices_count_utf16_units() {
    let (mut d, t) = text_doc("😀a");
    assert!(splice_text_checked(&mut d, &t, &[splice(2, 0, "b")], "😀ba").unwrap());
    assert_eq!(last_change(&mut d), ("b".to_owned(), 0));
    // Inside the emoji's surrogate pair: not a position of this text.
    assert!(!splice_text_checked(&mut d, &t, &[splice(1, 0, "x")], "😀bac").unwrap());
    assert_eq!(d.text(&t).unwrap(), "😀bac");
}

#[test]
fn splices_that_do_not_fit_fall_back_to_the_difference() {
    let (mut d, t) = text_doc("isi surat");
    // Past the end.
    assert!(!splice_text_checked(&mut d, &t, &[splice(40, 0, "x")], "isi surat x").unwrap());
    assert_eq!(d.text(&t).unwrap(), "isi surat x");
    // The editor's idea of the text is stale: the splice fits, but not the result.
    assert!(!splice_text_checked(&mut d, &t, &[splice(0, 0, "A ")], "A isi surat").unwrap());
    assert_eq!(d.text(&t).unwrap(), "A isi surat");
    // Too many splices for one call.
    let many = vec![splice(0, 0, ""); MAX_SPLICES + 1];
    assert!(!splice_text_checked(&mut d, &t, &many, "B").unwrap());
    assert_eq!(d.text(&t).unwrap(), "B");
}

fn sorted(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().collect();
    v.sort();
    v
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ab é😀\n]{0,40}").unwrap()
}

proptest! {
    #[test]
    fn any_new_text_is_reached(old in text(), new in text()) {
        let (mut d, t) = text_doc(&old);
        update_text(&mut d, &t, &new).unwrap();
        prop_assert_eq!(d.text(&t).unwrap(), new);
    }

    /// What a person typed or cut is all the change holds, wherever it was.
    #[test]
    fn an_insertion_or_a_deletion_is_only_that(old in text(), at in any::<prop::sample::Index>(), typed in text()) {
        let chars: Vec<char> = old.chars().collect();
        let at = at.index(chars.len() + 1);
        let head: String = chars[..at].iter().collect();
        let tail: String = chars[at..].iter().collect();
        let (mut d, t) = text_doc(&old);
        update_text(&mut d, &t, &format!("{head}{typed}{tail}")).unwrap();
        if !typed.is_empty() {
            // The same characters, maybe slid along equal ones ("ab|ab" for "|abab").
            let (inserted, deleted) = last_change(&mut d);
            prop_assert_eq!((sorted(&inserted), deleted), (sorted(&typed), 0));
        }
        update_text(&mut d, &t, &tail).unwrap();
        if !head.is_empty() || !typed.is_empty() {
            prop_assert_eq!(last_change(&mut d), (String::new(), head.chars().count() + typed.chars().count()));
        }
    }
}
