//! Writing a new version of a text as splices of its difference from the old one.
//!
//! Only the difference is written, so concurrent edits elsewhere in the text survive a
//! merge. *Which* difference matters too: "kata09 kata10" → "kata09 [x] kata10" can be
//! written as an insertion before `k` or inside `kata`, and a character-level diff may
//! pick the split that, merged with someone's concurrent deletion of a neighbouring word,
//! tears a word in two. So the difference is taken between words and whitespace runs,
//! and refined to characters only where one word became another (typing, a typo fix),
//! which keeps as-you-type saves as small insertions.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ReadDoc};
use similar::{Algorithm, DiffOp, TextDiff};

use crate::error::Result;

/// Splits into words and the whitespace between them; each piece is a diff token.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_ws: Option<bool> = None;
    for (i, c) in s.char_indices() {
        let ws = c.is_whitespace();
        if prev_ws.is_some_and(|p| p != ws) {
            out.push(&s[start..i]);
            start = i;
        }
        prev_ws = Some(ws);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn chars(pieces: &[&str]) -> usize {
    pieces.iter().map(|p| p.chars().count()).sum()
}

/// Replaces the content of the text object `obj` with `new`, writing only the difference.
pub fn update_text(doc: &mut AutoCommit, obj: &ObjId, new: &str) -> Result<()> {
    let old = doc.text(obj)?;
    if old == new {
        return Ok(());
    }
    let (old_t, new_t) = (tokens(&old), tokens(new));
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_t, &new_t);
    // Position in the automerge text, in Unicode code points, as edited so far.
    let mut pos = 0usize;
    for op in ops {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                pos += chars(&old_t[old_index..old_index + len])
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                let n = chars(&old_t[old_index..old_index + old_len]);
                doc.splice_text(obj, pos, n as isize, "")?;
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                let s: String = new_t[new_index..new_index + new_len].concat();
                doc.splice_text(obj, pos, 0, &s)?;
                pos += s.chars().count();
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let was: String = old_t[old_index..old_index + old_len].concat();
                let now: String = new_t[new_index..new_index + new_len].concat();
                if old_len == 1 && new_len == 1 {
                    pos = splice_chars(doc, obj, pos, &was, &now)?;
                } else {
                    doc.splice_text(obj, pos, was.chars().count() as isize, &now)?;
                    pos += now.chars().count();
                }
            }
        }
    }
    Ok(())
}

/// One word became another: write the character-level difference.
fn splice_chars(
    doc: &mut AutoCommit,
    obj: &ObjId,
    mut pos: usize,
    was: &str,
    now: &str,
) -> Result<usize> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_chars(was, now);
    let new_c: Vec<char> = now.chars().collect();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { len, .. } => pos += len,
            DiffOp::Delete { old_len, .. } => {
                doc.splice_text(obj, pos, old_len as isize, "")?;
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                let s: String = new_c[new_index..new_index + new_len].iter().collect();
                doc.splice_text(obj, pos, 0, &s)?;
                pos += new_len;
            }
            DiffOp::Replace {
                old_len,
                new_index,
                new_len,
                ..
            } => {
                let s: String = new_c[new_index..new_index + new_len].iter().collect();
                doc.splice_text(obj, pos, old_len as isize, &s)?;
                pos += new_len;
            }
        }
    }
    Ok(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{ActorId, ObjType, ROOT};

    fn text_doc(s: &str) -> (AutoCommit, ObjId) {
        let mut d = AutoCommit::new();
        let t = d.put_object(ROOT, "t", ObjType::Text).unwrap();
        d.splice_text(&t, 0, 0, s).unwrap();
        (d, t)
    }

    #[test]
    fn tokens_alternate_words_and_spaces() {
        assert_eq!(tokens("a  bc\nd"), ["a", "  ", "bc", "\n", "d"]);
        assert_eq!(tokens(""), Vec::<&str>::new());
        assert_eq!(tokens(" é"), [" ", "é"]);
    }

    #[test]
    fn result_equals_the_new_text() {
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
        ];
        for (old, new) in cases {
            let (mut d, t) = text_doc(old);
            update_text(&mut d, &t, new).unwrap();
            assert_eq!(d.text(&t).unwrap(), new, "{old:?} -> {new:?}");
        }
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
        let merged = a.text(&t).unwrap();
        assert!(
            merged.contains("[A0]") && merged.contains("kata10"),
            "{merged:?}"
        );
        assert!(!merged.contains("kata09"), "{merged:?}");
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
}
