//! The one error shape the window receives: a stable code to translate and the client's
//! English sentence, never a panic or a stack.

use luring_client::ClientError;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CmdError {
    pub code: &'static str,
    pub message: String,
}

impl From<ClientError> for CmdError {
    fn from(e: ClientError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl CmdError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

pub type CmdResult<T> = Result<T, CmdError>;
