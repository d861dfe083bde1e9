//! Who may change which part of a record, judged by comparing an entity before and after
//! each pushed change. Access rules ([`crate::access`]) say who may write an entity at
//! all; these say what a writer may do inside it, so that a colleague with a modified
//! client cannot speak in another's name or rewrite the official record:
//!
//! - a new comment's `author` and a new disposition's `from` are the pushing user;
//! - a comment's original text, author and time never change; only its author may add
//!   versions (its `edits` list, whose earlier versions stay) or remove it;
//! - dispositions are append-only: no one rewrites or removes a past step;
//! - `created_at` and a revision's `revision_of` are set once, at creation;
//! - `created_by` (the pemberi tugas of a task, the author of a document) is the pushing
//!   user when the entity is made, and never changes;
//! - a document's letter number is set once and never changed or removed; whether it may
//!   be set at all is the numbering rule's question ([`crate::sync_service::numbering`]), so a newly set
//!   number is handed back to the caller.
//!
//! The functions are pure (model values in, a [`Refused`] out) so that every rule is tested
//! without a database; the server applies them to each change in push order.

use luring_model::{Comment, CommentEdit, Disposition, Document, Nip, RefusalCode as C, Task};

/// Why a change is refused: the code a device's UI says in its own language, and the
/// server's English sentence (kept for logs and the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: C,
    pub reason: String,
}

impl Refused {
    pub fn new(code: C, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// A refusal with `code` and the sentence `reason`, as an `Err`.
fn no<T>(code: C, reason: impl Into<String>) -> Result<T, Refused> {
    Err(Refused::new(code, reason))
}

/// What a change that passed the rules asks of the numbering rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing official was set.
    Plain,
    /// The change gives the document this letter number (not set before).
    SetsLetterNumber(String),
}

/// Checks a change to a task made by the user with NIP `nip`; `before` is `None` for a
/// new task.
pub fn check_task(before: Option<&Task>, after: &Task, nip: &str) -> Result<(), Refused> {
    let empty = Task {
        comments: vec![],
        dispositions: vec![],
        ..after.clone()
    };
    let before = match before {
        Some(b) => {
            if b.created_at != after.created_at {
                return no(
                    C::FieldFixed,
                    "a task's creation time is set once and cannot be changed",
                );
            }
            b
        }
        None => &empty,
    };
    check_comments(&before.comments, &after.comments, nip)?;
    check_dispositions(&before.dispositions, &after.dispositions, nip)
}

/// Checks a change to a document; `before` is `None` for a new document.
pub fn check_document(before: Option<&Document>, after: &Document) -> Result<Outcome, Refused> {
    let old_number = match before {
        Some(b) => {
            if b.created_at != after.created_at {
                return no(
                    C::FieldFixed,
                    "a document's creation time is set once and cannot be changed",
                );
            }
            if b.revision_of != after.revision_of {
                return no(
                    C::FieldFixed,
                    "the letter a revision revises is set once, at creation, and cannot be changed",
                );
            }
            b.letter_number.as_deref()
        }
        None => None,
    };
    match (old_number, after.letter_number.as_deref()) {
        (None, None) => Ok(Outcome::Plain),
        (None, Some(n)) => Ok(Outcome::SetsLetterNumber(n.to_owned())),
        (Some(a), Some(b)) if a == b => Ok(Outcome::Plain),
        (Some(a), _) => no(
            C::NumberFixed,
            format!(
                "the document already has letter number {a}: an official number is given once \
                 and cannot be changed or removed"
            ),
        ),
    }
}

/// Who made an entity (`created_by`) is the user who pushed its creation, and it never
/// changes after. `before` is `None` for a new entity, else the creator it had.
pub fn check_created_by(
    before: Option<Option<&Nip>>,
    after: Option<&Nip>,
    nip: &str,
) -> Result<(), Refused> {
    match (before, after) {
        (None, Some(by)) if by.as_str() != nip => no(
            C::NotYourName,
            format!("a new entity can only be made in your own name, not in {by}'s"),
        ),
        (Some(was), now) if was != now => no(
            C::FieldFixed,
            "who made an entity is set once, at creation, and cannot be changed",
        ),
        _ => Ok(()),
    }
}

fn is_author(c: &Comment, nip: &str) -> bool {
    c.author.as_ref().is_some_and(|a| a.as_str() == nip)
}

fn shown_author(c: &Comment) -> String {
    match (&c.author, c.author_name.is_empty()) {
        (Some(n), false) => format!("{} ({n})", c.author_name),
        (Some(n), true) => n.to_string(),
        (None, false) => c.author_name.clone(),
        (None, true) => "an unnamed author".into(),
    }
}

/// The parts of a comment that never change once written.
fn same_original(a: &Comment, b: &Comment) -> bool {
    a.id == b.id
        && a.author == b.author
        && a.author_name == b.author_name
        && a.at == b.at
        && a.text == b.text
}

/// Removes every item of `kept` from `all` (as a multiset); `false` if one is missing.
/// Lists merged from concurrent appends keep their items but may order them differently
/// from either writer, so presence is compared, not position.
fn remove_all<T: PartialEq>(all: &mut Vec<&T>, kept: &[T]) -> bool {
    for k in kept {
        match all.iter().position(|x| *x == k) {
            Some(i) => {
                all.remove(i);
            }
            None => return false,
        }
    }
    true
}

fn check_comments(before: &[Comment], after: &[Comment], nip: &str) -> Result<(), Refused> {
    let mut unmatched: Vec<&Comment> = after.iter().collect();
    for b in before {
        let Some(i) = unmatched.iter().position(|a| same_original(a, b)) else {
            let still_there = after.iter().any(|a| a.id == b.id);
            if still_there {
                return no(
                    C::NotYourComment,
                    format!(
                    "the comment by {} cannot be rewritten: what a comment first said is kept, \
                     and only its author can add an edited version",
                    shown_author(b)
                ),
                );
            }
            if is_author(b, nip) {
                continue; // an author may withdraw their own comment
            }
            return no(
                C::NotYourComment,
                format!(
                    "the comment by {} cannot be deleted: only its author may remove it",
                    shown_author(b)
                ),
            );
        };
        let a = unmatched.remove(i);
        let mut new_edits: Vec<&CommentEdit> = a.edits.iter().collect();
        if !remove_all(&mut new_edits, &b.edits) {
            return no(
                C::NotYourComment,
                format!(
                    "the edit history of the comment by {} cannot be rewritten",
                    shown_author(b)
                ),
            );
        }
        if !new_edits.is_empty() && !is_author(b, nip) {
            return no(
                C::NotYourComment,
                format!(
                    "only its author can edit the comment by {}",
                    shown_author(b)
                ),
            );
        }
    }
    for a in unmatched {
        // Edits find a comment by its id, so a copy of a colleague's id would take her
        // edits (and be refused with them).
        if before.iter().any(|b| b.id == a.id) {
            return no(
                C::IdTaken,
                format!(
                    "a new comment cannot take the id '{}' of an existing comment",
                    a.id
                ),
            );
        }
        if !is_author(a, nip) {
            return no(
                C::NotYourName,
                format!(
                    "a comment can only be written in your own name (it names {} as author)",
                    shown_author(a)
                ),
            );
        }
    }
    Ok(())
}

fn check_dispositions(
    before: &[Disposition],
    after: &[Disposition],
    nip: &str,
) -> Result<(), Refused> {
    let mut added: Vec<&Disposition> = after.iter().collect();
    if !remove_all(&mut added, before) {
        return no(
            C::DispositionFixed,
            "dispositions cannot be changed or removed: each step of the chain is kept as given",
        );
    }
    for d in added {
        if d.from.as_str() != nip {
            return no(
                C::NotYourName,
                format!(
                    "a disposition can only be given in your own name (it names {} as sender)",
                    d.from
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use luring_model::{Classification, DocKind, EntityId, Nip, TaskStatus, Text, Title};

    use super::*;

    const SITI: &str = "198211032008012004";
    const ANI: &str = "198703122010011002";
    const BUDI: &str = "199001012015031001";

    fn task() -> Task {
        Task {
            id: EntityId::parse("t-1").unwrap(),
            title: Title::parse("Rekap").unwrap(),
            description: Text::default(),
            status: TaskStatus::Baru,
            due: None,
            assignees: vec![],
            checklist: vec![],
            comments: vec![],
            dispositions: vec![],
            unit: Some("BAPPEDA.PEM".into()),
            created_at: "2026-11-23T08:00:00Z".into(),
            created_by: None,
        }
    }

    fn comment(id: &str, nip: &str, text: &str) -> Comment {
        Comment {
            id: id.into(),
            author: Some(Nip::parse(nip).unwrap()),
            author_name: format!("orang {nip}"),
            at: "2026-11-23T09:00:00Z".into(),
            text: Task::comment_text(text).unwrap(),
            edits: vec![],
        }
    }

    fn edit(text: &str) -> CommentEdit {
        CommentEdit {
            at: "2026-11-23T10:00:00Z".into(),
            text: Task::comment_text(text).unwrap(),
        }
    }

    fn disposition(from: &str, to: &str) -> Disposition {
        Disposition {
            from: Nip::parse(from).unwrap(),
            to: Nip::parse(to).unwrap(),
            instruction: Task::comment_text("Segera").unwrap(),
            at: "2026-11-23T09:00:00Z".into(),
        }
    }

    fn with_comments(c: Vec<Comment>) -> Task {
        Task {
            comments: c,
            ..task()
        }
    }

    fn doc(number: Option<&str>) -> Document {
        Document {
            id: EntityId::parse("d-1").unwrap(),
            kind: DocKind::NotaDinas,
            title: Title::parse("Nota").unwrap(),
            body: Text::default(),
            classification: Classification::Biasa,
            attachments: vec![],
            letter_number: number.map(str::to_owned),
            unit: None,
            created_at: "2026-11-23T08:00:00Z".into(),
            revision_of: None,
            created_by: None,
        }
    }

    #[test]
    fn own_comments_pass_and_forged_authors_are_refused() {
        let before = task();
        let mine = with_comments(vec![comment("c-1", ANI, "oke")]);
        assert_eq!(check_task(Some(&before), &mine, ANI), Ok(()));
        let err = check_task(Some(&before), &mine, BUDI).unwrap_err().reason;
        assert!(err.contains("your own name"), "{err}");
        // A new task carrying a forged comment is refused like a change.
        assert!(check_task(None, &mine, BUDI).is_err());
        let mut anonymous = comment("c-2", ANI, "tanpa nama");
        anonymous.author = None;
        assert!(check_task(Some(&before), &with_comments(vec![anonymous]), ANI).is_err());
    }

    #[test]
    fn others_comments_cannot_be_rewritten_edited_or_deleted() {
        let before = with_comments(vec![comment("c-1", SITI, "Segera kirim")]);
        let mut rewritten = before.clone();
        rewritten.comments[0].text = Task::comment_text("Tidak perlu").unwrap();
        let err = check_task(Some(&before), &rewritten, ANI)
            .unwrap_err()
            .reason;
        assert!(err.contains("cannot be rewritten"), "{err}");
        // Not even the author rewrites in place: the original stays.
        assert!(check_task(Some(&before), &rewritten, SITI).is_err());

        let mut edited = before.clone();
        edited.comments[0].edits.push(edit("Tidak perlu"));
        let err = check_task(Some(&before), &edited, ANI).unwrap_err().reason;
        assert!(err.contains("only its author can edit"), "{err}");
        assert_eq!(check_task(Some(&before), &edited, SITI), Ok(()));

        let deleted = task();
        let err = check_task(Some(&before), &deleted, ANI).unwrap_err().reason;
        assert!(err.contains("cannot be deleted"), "{err}");
        assert_eq!(check_task(Some(&before), &deleted, SITI), Ok(()));
    }

    #[test]
    fn edit_history_is_append_only_and_merged_order_does_not_matter() {
        let mut before = with_comments(vec![
            comment("c-1", ANI, "satu"),
            comment("c-2", SITI, "dua"),
        ]);
        before.comments[0].edits.push(edit("satu lagi"));
        let mut dropped = before.clone();
        dropped.comments[0].edits.clear();
        let err = check_task(Some(&before), &dropped, ANI).unwrap_err().reason;
        assert!(err.contains("edit history"), "{err}");
        // A colleague's comment merged in front of an existing one is fine.
        let mut reordered = before.clone();
        reordered.comments.reverse();
        reordered.comments.insert(0, comment("c-3", BUDI, "tiga"));
        assert_eq!(check_task(Some(&before), &reordered, BUDI), Ok(()));
        // A new comment may not borrow an existing comment's id.
        let mut copied = before.clone();
        copied.comments.push(comment("c-2", BUDI, "salinan"));
        let err = check_task(Some(&before), &copied, BUDI).unwrap_err().reason;
        assert!(err.contains("cannot take the id"), "{err}");
    }

    #[test]
    fn dispositions_are_append_only_and_sent_in_ones_own_name() {
        let before = Task {
            dispositions: vec![disposition(SITI, ANI)],
            ..task()
        };
        let mut added = before.clone();
        added.dispositions.push(disposition(ANI, BUDI));
        assert_eq!(check_task(Some(&before), &added, ANI), Ok(()));
        let err = check_task(Some(&before), &added, BUDI).unwrap_err().reason;
        assert!(err.contains("sender"), "{err}");

        let mut rewritten = before.clone();
        rewritten.dispositions[0].to = Nip::parse(BUDI).unwrap();
        let err = check_task(Some(&before), &rewritten, SITI)
            .unwrap_err()
            .reason;
        assert!(err.contains("cannot be changed or removed"), "{err}");
        let removed = task();
        assert!(check_task(Some(&before), &removed, SITI).is_err());
    }

    #[test]
    fn the_creator_is_the_pusher_and_stays() {
        let ani = Nip::parse(ANI).unwrap();
        let siti = Nip::parse(SITI).unwrap();
        assert_eq!(check_created_by(None, Some(&ani), ANI), Ok(()));
        assert_eq!(check_created_by(None, None, ANI), Ok(()));
        let err = check_created_by(None, Some(&siti), ANI).unwrap_err().reason;
        assert!(err.contains("your own name"), "{err}");
        assert_eq!(check_created_by(Some(Some(&ani)), Some(&ani), SITI), Ok(()));
        assert!(check_created_by(Some(Some(&ani)), Some(&siti), SITI).is_err());
        assert!(check_created_by(Some(None), Some(&siti), SITI).is_err());
        assert!(check_created_by(Some(Some(&ani)), None, ANI).is_err());
    }

    #[test]
    fn creation_time_is_fixed() {
        let before = task();
        let after = Task {
            created_at: "2001-01-01T00:00:00Z".into(),
            ..task()
        };
        assert!(check_task(Some(&before), &after, ANI).is_err());
        let d = Document {
            created_at: "2001-01-01T00:00:00Z".into(),
            ..doc(None)
        };
        assert!(check_document(Some(&doc(None)), &d).is_err());
    }

    #[test]
    fn a_letter_number_is_set_once() {
        assert_eq!(
            check_document(Some(&doc(None)), &doc(None)),
            Ok(Outcome::Plain)
        );
        assert_eq!(
            check_document(Some(&doc(None)), &doc(Some("001/BAPPEDA.PEM/2026"))),
            Ok(Outcome::SetsLetterNumber("001/BAPPEDA.PEM/2026".into()))
        );
        assert_eq!(
            check_document(None, &doc(Some("001/BAPPEDA.PEM/2026"))),
            Ok(Outcome::SetsLetterNumber("001/BAPPEDA.PEM/2026".into()))
        );
        let numbered = doc(Some("001/BAPPEDA.PEM/2026"));
        assert_eq!(
            check_document(Some(&numbered), &numbered),
            Ok(Outcome::Plain)
        );
        let err = check_document(Some(&numbered), &doc(Some("002/BAPPEDA.PEM/2026")))
            .unwrap_err()
            .reason;
        assert!(err.contains("already has letter number"), "{err}");
        assert!(check_document(Some(&numbered), &doc(None)).is_err());
    }

    /// Each rule says which one it is, so a device can tell the person in her language.
    #[test]
    fn each_rule_gives_its_code() {
        let code = |r: Result<(), Refused>| r.unwrap_err().code;
        let before = with_comments(vec![comment("c-1", SITI, "Segera kirim")]);
        let mut rewritten = before.clone();
        rewritten.comments[0].text = Task::comment_text("Tidak perlu").unwrap();
        assert_eq!(
            code(check_task(Some(&before), &rewritten, ANI)),
            C::NotYourComment
        );
        let forged = with_comments(vec![comment("c-1", ANI, "oke")]);
        assert_eq!(
            code(check_task(Some(&task()), &forged, BUDI)),
            C::NotYourName
        );
        let copied = with_comments(vec![
            comment("c-1", SITI, "Segera kirim"),
            comment("c-1", BUDI, "salinan"),
        ]);
        assert_eq!(code(check_task(Some(&before), &copied, BUDI)), C::IdTaken);
        let given = Task {
            dispositions: vec![disposition(SITI, ANI)],
            ..task()
        };
        assert_eq!(
            code(check_task(Some(&given), &task(), SITI)),
            C::DispositionFixed
        );
        let later = Task {
            created_at: "2026-11-24T08:00:00Z".into(),
            ..task()
        };
        assert_eq!(code(check_task(Some(&task()), &later, ANI)), C::FieldFixed);
        let numbered = doc(Some("001/BAPPEDA.PEM/2026"));
        let renumbered = check_document(Some(&numbered), &doc(Some("002/BAPPEDA.PEM/2026")));
        assert_eq!(renumbered.unwrap_err().code, C::NumberFixed);
        let siti = Nip::parse(SITI).unwrap();
        assert_eq!(
            code(check_created_by(None, Some(&siti), ANI)),
            C::NotYourName
        );
    }
}
