//! How one applied change is judged: the merged entity read by the model, the unit it may
//! live in, the text limits, and [`crate::rules`] and [`super::numbering`] comparing it
//! with the entity before the change.

use automerge::AutoCommit;
use luring_crdt::EntityKind;
use luring_model::RefusalCode as C;
use luring_sync::Class;

use super::SyncContext;
use crate::access::may_access;
use crate::db::{EntityRow, SyncTx};
use crate::error::Result;
use crate::rules::Refused;

/// An entity as the model reads it, for comparing before and after a change.
pub(super) enum Model {
    Task(luring_model::Task),
    Document(luring_model::Document),
}

impl Model {
    fn task(&self) -> Option<&luring_model::Task> {
        match self {
            Self::Task(t) => Some(t),
            Self::Document(_) => None,
        }
    }

    fn document(&self) -> Option<&luring_model::Document> {
        match self {
            Self::Document(d) => Some(d),
            Self::Task(_) => None,
        }
    }
}

/// Checks the merged entity against the model's rules; returns its unit field, assignees
/// and the model read.
pub(super) fn validate(
    doc: &AutoCommit,
    id: &str,
    class: Class,
) -> std::result::Result<(Option<String>, Vec<String>, Model), Refused> {
    let invalid = |e: String| Refused::new(C::NotValid, e);
    let kind = luring_crdt::entity_kind(doc).map_err(|e| invalid(e.to_string()))?;
    if Some(kind) != class.entity_kind() {
        return Err(invalid(format!(
            "the change turns a {:?} into a {}",
            class,
            kind.as_str()
        )));
    }
    let (inner_id, unit, assignees, model) = match kind {
        EntityKind::Task => {
            let t = luring_crdt::read_task(doc).map_err(|e| invalid(e.to_string()))?;
            (
                t.id.to_string(),
                t.unit.clone(),
                t.assignees.iter().map(|n| n.to_string()).collect(),
                Model::Task(t),
            )
        }
        EntityKind::Document => {
            let d = luring_crdt::read_document(doc).map_err(|e| invalid(e.to_string()))?;
            (d.id.to_string(), d.unit.clone(), vec![], Model::Document(d))
        }
    };
    if inner_id != id {
        return Err(invalid(format!(
            "the change holds the data of '{inner_id}'"
        )));
    }
    Ok((unit, assignees, model))
}

/// Checks the long text fields against what a person may type ([`crate::limits::text_ok`]):
/// the model's reader lets merges pass the limit, so without this one change could carry
/// megabytes of description to everyone in the unit.
fn text_limits(before: Option<&Model>, after: &Model) -> std::result::Result<(), Refused> {
    let chars = |t: &luring_model::Text| t.as_str().chars().count();
    let (what, limit, now, was) = match after {
        Model::Task(a) => (
            "the description",
            luring_model::DESCRIPTION_MAX_CHARS,
            chars(&a.description),
            before
                .and_then(Model::task)
                .map_or(0, |b| chars(&b.description)),
        ),
        Model::Document(a) => (
            "the document body",
            luring_model::BODY_MAX_CHARS,
            chars(&a.body),
            before
                .and_then(Model::document)
                .map_or(0, |b| chars(&b.body)),
        ),
    };
    if crate::limits::text_ok(now, was, limit) {
        Ok(())
    } else {
        Err(Refused::new(
            C::TextTooLong,
            format!(
                "{what} would have {now} characters; at most {limit} may be typed \
                 (attach long text as a file)"
            ),
        ))
    }
}

/// What the rules say about one applied change.
pub(super) enum Verdict {
    Accept(Vec<String>),
    Refuse(Refused),
    /// A letter number on a document not approved yet, on the first pass: its final
    /// decision may be later in the same push, so the change waits for the second pass.
    AwaitApproval,
}

/// Applies [`crate::rules`] and [`super::numbering`] to a change that turned `before` (the
/// model read before it; `None` for a new entity) into `after`.
pub(super) fn judge(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    row: &EntityRow,
    filed: bool,
    before: Option<&Model>,
    after: &AutoCommit,
    final_pass: bool,
) -> Result<(Verdict, Option<Model>)> {
    let (unit, assignees, model) = match validate(after, &row.id, row.class) {
        Ok(v) => v,
        Err(e) => return Ok((Verdict::Refuse(e), None)),
    };
    let writable = |u: &str| ctx.tree.contains(u) && may_access(ctx.tree, &ctx.subject, u, &[]);
    match &unit {
        // An entity stays in the unit the server first filed it under.
        Some(u) if filed && &row.unit != u => {
            let r = Refused::new(
                C::UnitFixed,
                format!("an entity cannot be moved to unit '{u}'"),
            );
            return Ok((Verdict::Refuse(r), None));
        }
        // A new entity is created only in a unit its author may write.
        Some(u) if !filed && !writable(u) => {
            let below = matches!(
                ctx.subject.role,
                luring_model::Role::Supervisor | luring_model::Role::Admin
            );
            let r = Refused::new(
                C::OtherUnit,
                format!(
                    "you may not create an entity in unit '{u}': you can write only in your own \
                     unit{}",
                    if below { " and the units below it" } else { "" }
                ),
            );
            return Ok((Verdict::Refuse(r), None));
        }
        _ => {}
    }
    if let Err(r) = text_limits(before, &model) {
        return Ok((Verdict::Refuse(r), None));
    }
    // A submitted or approved letter's content is frozen (the letter number, outside the
    // content hash, is still given by its rule below).
    if let (Some(Model::Document(b)), Model::Document(a), true) = (before, &model, filed) {
        let was = b.content_hash().to_string();
        if a.content_hash().to_string() != was {
            let status = super::frozen::document(tx, ctx, &row.id, &row.unit, &was)?;
            if status.is_frozen() {
                return Ok((Verdict::Refuse(super::frozen::refusal(status)), None));
            }
        }
    }
    let nip = ctx.subject.nip.as_str();
    let creators = match (&model, before) {
        (Model::Task(a), b) => (
            b.and_then(Model::task).map(|b| b.created_by.as_ref()),
            a.created_by.as_ref(),
        ),
        (Model::Document(a), b) => (
            b.and_then(Model::document).map(|b| b.created_by.as_ref()),
            a.created_by.as_ref(),
        ),
    };
    if let Err(r) = crate::rules::check_created_by(creators.0, creators.1, nip) {
        return Ok((Verdict::Refuse(r), None));
    }
    let outcome = match &model {
        Model::Task(a) => crate::rules::check_task(before.and_then(Model::task), a, nip)
            .map(|_| crate::rules::Outcome::Plain),
        Model::Document(a) => crate::rules::check_document(before.and_then(Model::document), a),
    };
    let verdict = match outcome {
        Err(reason) => Verdict::Refuse(reason),
        Ok(crate::rules::Outcome::Plain) => Verdict::Accept(assignees),
        Ok(crate::rules::Outcome::SetsLetterNumber(n)) => {
            // Only documents carry letter numbers; the content hash is what was approved.
            let hash = match &model {
                Model::Document(d) => d.content_hash().to_string(),
                Model::Task(_) => String::new(),
            };
            let doc_unit = match (&unit, filed) {
                (_, true) => row.unit.clone(),
                (Some(u), false) => u.clone(),
                (None, false) => ctx.subject.unit.clone(),
            };
            match super::numbering::accept(tx, ctx, &row.id, &doc_unit, &hash, &n)? {
                Ok(()) => Verdict::Accept(assignees),
                Err(super::numbering::Refusal::NotApproved) if !final_pass => {
                    Verdict::AwaitApproval
                }
                Err(r) => Verdict::Refuse(r.refused()),
            }
        }
    };
    Ok((verdict, Some(model)))
}
