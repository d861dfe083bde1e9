//! # luring-crdt
//!
//! Every task and document is one automerge document. This crate fixes their layout —
//! which keys exist and which merge rule each one follows — and converts between that
//! layout and the model's types. The client's store and the agency server both use it,
//! so they read the same bytes the same way and apply the same validation to a merged
//! result.
//!
//! Layout choices that decide how concurrent edits merge:
//! - titles, status, due dates are scalar registers: concurrent sets pick one winner,
//!   deterministically on every replica;
//! - descriptions and document bodies are automerge Text, edited with
//!   [`update_text`] (a character difference aligned to words) or, from the desktop
//!   editor, as the splices typed ([`splice_text_checked`]), so that only what the person
//!   did is written and concurrent edits to different parts both survive (see
//!   [`text_splice`]);
//! - assignees are a map keyed by NIP (a set: concurrent adds both stay);
//! - comments, checklists and dispositions are lists of maps (concurrent appends both stay);
//!   a comment's text is never overwritten: its author's edits are appended to its `edits`
//!   list (see [`edit_comment`]), so the history stays and the server can check authorship;
//!   a checklist item's `done` is a register in its own map (see [`set_checklist_item`]);
//! - a document's attachments are a list of BLAKE3 hashes (see [`add_attachment`]).
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

mod document_doc;
mod error;
mod read;
mod task_doc;
mod task_parts;
pub mod text_splice;

pub use document_doc::{
    add_attachment, new_document, read_document, set_letter_number, update_document, DocumentEdit,
    NewDocument,
};
pub use error::{CrdtError, Result};
/// Kept here for the crates that named it `luring_crdt::EntityKind`; it is the model's.
pub use luring_model::EntityKind;
pub use read::entity_kind;
pub use task_doc::{add_comment, edit_comment, new_task, patch_task, read_task, NewTask};
pub use task_parts::{add_checklist_item, add_disposition, set_checklist_item};
pub use text_splice::{splice_text_checked, update_text, Splice};

/// Version of the layout written into every document under `"schema"`.
pub const SCHEMA_VERSION: i64 = 1;
