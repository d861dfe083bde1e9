//! # luring-client
//!
//! The application service of Luring: everything a user does with one profile — tasks,
//! naskah dinas, offline exchange by bundle — as plain function calls. The `luring` CLI and
//! the desktop shell are thin layers over [`Profile`], so both behave the same.
//!
//! Inputs arrive as the strings a person typed and are validated here, once, with the
//! model's rules; every failure is a [`ClientError`] whose message is one sentence saying
//! what to do, and whose [`ClientError::code`] lets a UI show its own translation.
//!
//! ```no_run
//! # fn main() -> Result<(), luring_client::ClientError> {
//! use luring_client::{NewTaskInput, Profile};
//! let mut p = Profile::init("/tmp/ani".as_ref(), "Ani Lestari", "198703122010011002")?;
//! let id = p.add_task(&NewTaskInput { title: "Susun laporan".into(), due: Some("2026-12-01".into()), ..Default::default() })?;
//! p.set_task(&id, &luring_client::TaskChanges { status: Some("dikerjakan".into()), ..Default::default() })?;
//! # Ok(()) }
//! ```

#![warn(clippy::unwrap_used)]

mod account;
pub mod approvals;
mod attachment_open;
pub mod attachment_transfer;
mod attachments;
mod beranda;
mod bundles;
mod doc_status;
mod documents;
mod error;
mod error_code;
pub mod evidence;
mod evidence_file;
pub mod fs;
mod ids;
mod keys;
mod link_budget;
mod login;
mod numbers;
pub mod private_files;
mod profile;
mod reachability;
pub mod retry;
mod revisions;
mod sync;
mod sync_phase;
mod tasks;
mod transport;
mod views;

pub use account::AccountView;
pub use attachment_open::{safe_file_name, VIEW_DIR};
pub use attachment_transfer::{TransferProgress, TransferReport, WaitingAttachment, TRANSFERS_DIR};
pub use attachments::{AttachmentView, ATTACHMENTS_DIR, ATTACHMENT_MAX_BYTES, NOT_DOWNLOADED};
pub use beranda::{BerandaView, BucketView, DueBucket, NewsItem, NewsKind, NewsView};
pub use doc_status::DocStatusView;
pub use documents::{BodySplice, DocListRow, DocumentChanges, NewDocInput};
pub use error::{AttachmentRefusal, ClientError, Result};
pub use error_code::ErrorCode;
pub use evidence_file::file_name_part;
pub use link_budget::{LinkMeter, TARGET_ROUND};
pub use login::{LoginCancel, LOGIN_WAIT};
pub use luring_store::{DocRow, ImportSummary, Refusal, TaskRow};
pub use profile::{Profile, DB_FILE};
pub use reachability::server_listens;
pub use retry::{Backoff, SyncSettings};
pub use sync::{SyncOptions, SyncProgress, SyncReport, Transport, MIN_BUDGET};
pub use sync_phase::SyncPhase;
pub use tasks::{NewTaskInput, TaskChanges, TaskQuery};
pub use transport::{check_server_url, HttpTransport, LoginOptions, CA_FILE};
pub use views::{CommentView, DocView, ExportSummary, StatusView, TaskView};
