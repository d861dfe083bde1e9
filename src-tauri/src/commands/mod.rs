//! The window's commands, one file per screen's needs. Each is a few lines: parse the
//! window's arguments, call `luring-client`, return its view. No rules live here.

pub mod account;
pub mod approvals;
pub mod documents;
pub mod sync;
pub mod tasks;
