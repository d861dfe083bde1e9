//! The one error shape the window receives: a stable code to translate and the client's
//! English sentence, never a panic or a stack.

use luring_client::ClientError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "AppError")]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI (ui/src/api.ts `AppError`) reads exactly these two fields.
    #[test]
    fn a_client_error_crosses_as_code_and_message() {
        let e = CmdError::from(ClientError::NotLoggedIn);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "not_logged_in");
        assert_eq!(json["message"], ClientError::NotLoggedIn.to_string());
        assert_eq!(json.as_object().unwrap().len(), 2);
    }
}
