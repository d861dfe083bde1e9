//! Writing a new version of a text as the splices a person made.
//!
//! Only the difference is written, so concurrent edits elsewhere in the text survive a
//! merge; and the difference should be what the person did, so that nothing they left
//! alone is deleted and typed again (bytes on a thin link, and a concurrent edit inside
//! re-typed text would be lost or doubled). Two ways in:
//!
//! - [`splice_text_checked`]: the desktop editor knows each splice from its input events
//!   (position, deleted, inserted), so it sends those, with the text it expects; they are
//!   written as they are when they turn the stored text into that text, and otherwise
//!   (the editor's idea of the text and the stored one disagree) the whole-text
//!   difference is written instead.
//! - [`update_text`]: only the new text is known (the CLI's `doc edit`, a heal): the
//!   difference is taken by characters (diff-match-patch, the `dissimilar` crate) with its
//!   semantic clean-up, which slides each edit to word boundaries where the text allows
//!   and absorbs one-letter coincidences inside rewritten passages. A pure insertion or
//!   deletion stays exactly that — typing in the middle of a word inserts only the typed
//!   characters — and a deleted word is deleted whole, so a concurrent insertion next to
//!   it does not tear a neighbouring word.
//!
//! Very long differing middles (a whole rewritten letter) are first matched by lines, so
//! the character diff never runs on more than [`CHAR_DIFF_LIMIT`] characters at once.

use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ReadDoc};
use dissimilar::Chunk;
use similar::{Algorithm, DiffOp};

use crate::error::Result;

/// Most characters (old + new) the character diff is run on in one piece; beyond it the
/// texts are matched by lines first (the diff's cost grows with length × difference).
pub const CHAR_DIFF_LIMIT: usize = 20_000;

/// Most splices applied one by one from one call; a longer batch is written as the
/// whole-text difference (the result is the same text).
pub const MAX_SPLICES: usize = 512;

/// One edit as an editor saw it: at `pos`, `delete` units removed, then `insert` typed.
/// Positions and lengths count UTF-16 code units, as a browser's text area does; each
/// splice applies to the text as the previous ones left it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Splice {
    pub pos: usize,
    pub delete: usize,
    pub insert: String,
}

/// Replaces the content of the text object `obj` with `new`, writing only the difference
/// (see the module documentation).
pub fn update_text(doc: &mut AutoCommit, obj: &ObjId, new: &str) -> Result<()> {
    let old = doc.text(obj)?;
    if old == new {
        return Ok(());
    }
    let mut w = Writer { doc, obj, pos: 0 };
    if old.chars().count() + new.chars().count() <= CHAR_DIFF_LIMIT {
        return w.chars(&old, new);
    }
    let old_l: Vec<&str> = old.split_inclusive('\n').collect();
    let new_l: Vec<&str> = new.split_inclusive('\n').collect();
    let deadline = Instant::now() + Duration::from_secs(2);
    let ops =
        similar::capture_diff_slices_deadline(Algorithm::Myers, &old_l, &new_l, Some(deadline));
    for op in &ops {
        let was: String = old_l[op.old_range()].concat();
        let now: String = new_l[op.new_range()].concat();
        match op {
            DiffOp::Equal { .. } => w.pos += was.chars().count(),
            _ if was.chars().count() + now.chars().count() <= CHAR_DIFF_LIMIT => {
                w.chars(&was, &now)?
            }
            _ => w.replace(was.chars().count(), &now)?,
        }
    }
    Ok(())
}

/// Applies `splices` to the text object `obj` when they turn its content into `expected`,
/// and returns `true`; otherwise (or for an implausibly long batch) writes the difference
/// between the content and `expected` as [`update_text`] does, and returns `false`.
/// Either way the text ends as `expected`.
pub fn splice_text_checked(
    doc: &mut AutoCommit,
    obj: &ObjId,
    splices: &[Splice],
    expected: &str,
) -> Result<bool> {
    let old = doc.text(obj)?;
    let planned = (splices.len() <= MAX_SPLICES)
        .then(|| in_chars(&old, splices))
        .flatten()
        .filter(|(text, _)| text == expected);
    let Some((_, steps)) = planned else {
        update_text(doc, obj, expected)?;
        return Ok(false);
    };
    for (pos, delete, insert) in steps {
        doc.splice_text(obj, pos, delete as isize, insert)?;
    }
    Ok(true)
}

/// A splice in Unicode code points (automerge's positions): at, deleted, inserted.
type CharSplice<'a> = (usize, usize, &'a str);

/// The text `splices` make of `text`, and the splices in Unicode code points; `None` when
/// one does not fit the text (past its end, or inside a character's UTF-16 surrogate
/// pair).
fn in_chars<'a>(text: &str, splices: &'a [Splice]) -> Option<(String, Vec<CharSplice<'a>>)> {
    let mut text = text.to_owned();
    let mut steps = Vec::with_capacity(splices.len());
    for s in splices
        .iter()
        .filter(|s| s.delete > 0 || !s.insert.is_empty())
    {
        let start = utf16_to_byte(&text, s.pos)?;
        let end = start + utf16_to_byte(&text[start..], s.delete)?;
        let pos = text[..start].chars().count();
        let delete = text[start..end].chars().count();
        text.replace_range(start..end, &s.insert);
        steps.push((pos, delete, s.insert.as_str()));
    }
    Some((text, steps))
}

/// The byte offset in `s` of UTF-16 offset `units`, if it falls on a character boundary.
fn utf16_to_byte(s: &str, units: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen == units {
            return Some(i);
        }
        if seen > units {
            return None;
        }
        seen += c.len_utf16();
    }
    (seen == units).then_some(s.len())
}

/// Writes splices at a moving position (in code points) of one text object.
struct Writer<'a> {
    doc: &'a mut AutoCommit,
    obj: &'a ObjId,
    pos: usize,
}

impl Writer<'_> {
    /// The character difference of `was` → `now`, written where `was` starts.
    fn chars(&mut self, was: &str, now: &str) -> Result<()> {
        let pieces = align_to_words(dissimilar::diff(was, now));
        let mut i = 0;
        while i < pieces.len() {
            match &pieces[i] {
                Piece::Equal(s) => self.pos += s.len(),
                Piece::Delete(d) => {
                    // A deletion followed by an insertion is one replacement.
                    let ins = match pieces.get(i + 1) {
                        Some(Piece::Insert(s)) => {
                            i += 1;
                            s.iter().collect()
                        }
                        _ => String::new(),
                    };
                    self.replace(d.len(), &ins)?;
                }
                Piece::Insert(s) => self.replace(0, &s.iter().collect::<String>())?,
            }
            i += 1;
        }
        Ok(())
    }

    /// `n` characters at the current position become `now`.
    fn replace(&mut self, n: usize, now: &str) -> Result<()> {
        self.doc.splice_text(self.obj, self.pos, n as isize, now)?;
        self.pos += now.chars().count();
        Ok(())
    }
}

/// A piece of a character diff.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Equal(Vec<char>),
    Delete(Vec<char>),
    Insert(Vec<char>),
}

/// How far one edit is slid to find its place.
const MAX_SLIDE: usize = 256;

/// Slides every lone insertion or deletion (one between two unchanged stretches) to the
/// equivalent place where it covers whole words and the whitespace after them, the way
/// a person selects a word: "kata04 |kata05 |kata06", not "kata04| kata05|
/// kata06". Every device's diff then cuts the same way, so one person's deletion of a
/// word and another's insertion before the next word do not glue words together. The
/// text each piece makes is unchanged.
fn align_to_words(chunks: Vec<Chunk<'_>>) -> Vec<Piece> {
    // Unchanged (maybe empty) stretches at both ends, so every edit has two neighbours.
    let mut p = vec![Piece::Equal(vec![])];
    p.extend(chunks.into_iter().map(|c| match c {
        Chunk::Equal(s) => Piece::Equal(s.chars().collect()),
        Chunk::Delete(s) => Piece::Delete(s.chars().collect()),
        Chunk::Insert(s) => Piece::Insert(s.chars().collect()),
    }));
    p.push(Piece::Equal(vec![]));
    for i in 1..p.len() - 1 {
        let (Piece::Equal(before), Piece::Equal(after)) = (&p[i - 1], &p[i + 1]) else {
            continue;
        };
        let (mut before, mut after) = (before.clone(), after.clone());
        let mut edit = match &p[i] {
            Piece::Delete(s) | Piece::Insert(s) if !s.is_empty() => s.clone(),
            _ => continue,
        };
        // All the way left...
        let mut slid = 0;
        while slid < MAX_SLIDE && !before.is_empty() && before.last() == edit.last() {
            let c = before.pop().unwrap_or_default();
            edit.rotate_right(1);
            after.insert(0, c);
            slid += 1;
        }
        // ...then step right, keeping the first best-scored place.
        let mut best = (word_score(&before, &edit, &after), 0);
        let mut k = 0;
        while k < MAX_SLIDE.min(after.len()) && after[k] == edit[k % edit.len()] {
            k += 1;
            let mut e = edit.clone();
            e.rotate_left(k % edit.len());
            let mut b = before.clone();
            b.extend_from_slice(&after[..k]);
            let score = word_score(&b, &e, &after[k..]);
            if score > best.0 {
                best = (score, k);
            }
        }
        let k = best.1;
        before.extend_from_slice(&after[..k]);
        let n = edit.len();
        edit.rotate_left(k % n);
        after.drain(..k);
        p[i - 1] = Piece::Equal(before);
        p[i + 1] = Piece::Equal(after);
        p[i] = match p[i] {
            Piece::Delete(_) => Piece::Delete(edit),
            _ => Piece::Insert(edit),
        };
    }
    p.retain(|x| !matches!(x, Piece::Equal(s) if s.is_empty()));
    p
}

/// How well an edit between `before` and `after` covers whole words and their following
/// whitespace.
fn word_score(before: &[char], edit: &[char], after: &[char]) -> u8 {
    let ws = |c: Option<&char>| c.is_some_and(|c| c.is_whitespace());
    u8::from(before.is_empty() || ws(before.last()))
        + u8::from(!ws(edit.first()))
        + u8::from(ws(edit.last()))
        + u8::from(after.is_empty() || !ws(after.first()))
}

#[cfg(test)]
mod tests;
