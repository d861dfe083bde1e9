//! # luring-store
//!
//! The local store of one profile: a single SQLite file (WAL, `synchronous = FULL`, so a
//! commit survives a power cut) holding
//! - every task and document as an automerge document: a compacted snapshot plus the
//!   changes made since (table `entities`, `changes`);
//! - query tables derived from those documents in the same transaction (`tasks`,
//!   `task_assignees`, `documents`, and the FTS5 index `docs_fts`), so listing and search
//!   never load automerge, and can always be rebuilt from the documents;
//! - the outbox: hashes of changes made here that nobody has acknowledged yet; a run of
//!   them that never left the device is folded into one change before a sync
//!   ([`Store::fold_outbox`], see `fold.rs` for when that is safe);
//! - profile metadata (`meta`);
//! - what arrived from the server since the person last looked (`arrivals`, see
//!   [`Store::mark_news_seen`]);
//! - the local names of attached files (`attachment_names`, see [`AttachmentName`]).
//!
//! Every write is one immediate transaction: the automerge change, the derived rows and the
//! outbox entry commit together or not at all. [`Store::check_derived`] recomputes the
//! query tables from the documents and reports any difference; the crash tests use it.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

mod arrivals;
mod attachments;
pub mod bundle;
mod derive;
mod entity;
mod error;
mod fold;
mod heal;
pub mod keys;
mod last_loaded;
mod meta;
pub mod migrations;
mod queries;
pub mod records;
mod remote;
mod store;

pub use arrivals::{RequestArrival, TaskArrival, TaskArrivals};
pub use attachments::AttachmentName;
pub use bundle::{BundleError, ImportSummary};
pub use error::{Result, StoreError};
pub use fold::Folded;
pub use meta::{Link, MetaKey, Session};
pub use queries::{DocRow, Stats, TaskFilter, TaskRow};
pub use remote::{Applied, InChange, InRecord, InRefusal, OutChange, Refusal};
pub use store::Store;
