//! # luring-server
//!
//! The agency server. It keeps the agency's units, people and devices, certifies device
//! keys with the agency's root key, and answers `POST /v1/sync`: it applies pushed
//! automerge changes only after checking that the pushing device wrote them (actor), that
//! its user may write the entity (unit rules), that the merged entity still obeys the
//! model's rules, and that the change keeps authorship and official fields intact
//! ([`rules`], [`numbering`]); and it returns, in the same response, what the user may read.
//!
//! Storage is the [`db::Database`] trait, chosen once in `main` (SQLite, embedded, by
//! default); everything after is generic. The sync logic ([`sync_service`]) takes a
//! decoded request and returns a response, with no HTTP in it.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

pub mod access;
pub mod admin;
pub mod agency;
pub mod approvals;
pub mod auth;
pub mod challenge;
pub mod copies;
pub mod db;
pub mod demo;
pub mod error;
pub mod files;
pub mod http;
pub mod limits;
pub mod local;
pub mod login_guard;
pub mod numbering;
pub mod rules;
pub mod serve;
pub mod sync_service;
pub mod throttle;

pub use error::{Result, ServerError};
