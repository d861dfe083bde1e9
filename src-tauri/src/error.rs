//! The one error shape the window receives: a stable code to translate and the client's
//! English sentence, never a panic or a stack. A refused value also says which rule it
//! broke (`invalid`), so the window can say it in Indonesian instead of showing English.

use luring_client::{ClientError, ErrorCode};
use luring_model::ValidationDetail;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "AppError")]
pub struct CmdError {
    pub code: ErrorCode,
    pub message: String,
    /// For `code: "invalid"`: the rule and the values its sentence names.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub invalid: Option<ValidationDetail>,
}

impl From<ClientError> for CmdError {
    fn from(e: ClientError) -> Self {
        let invalid = match &e {
            ClientError::Invalid(v) => Some(v.detail()),
            _ => None,
        };
        Self {
            code: e.kind(),
            message: e.to_string(),
            invalid,
        }
    }
}

impl CmdError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            invalid: None,
        }
    }
}

pub type CmdResult<T> = Result<T, CmdError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI (ui/src/api.ts `AppError`) reads exactly these fields.
    #[test]
    fn a_client_error_crosses_as_code_and_message() {
        let e = CmdError::from(ClientError::NotLoggedIn);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "not_logged_in");
        assert_eq!(json["message"], ClientError::NotLoggedIn.to_string());
        assert_eq!(json.as_object().unwrap().len(), 2);
    }

    /// A refused value carries its rule and numbers, so the window's sentence is its own.
    #[test]
    fn a_refused_value_says_which_rule_and_its_numbers() {
        let e = CmdError::from(ClientError::Invalid(
            luring_model::ValidationError::TitleTooLong(250),
        ));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "invalid");
        assert_eq!(json["invalid"]["reason"], "title_too_long");
        assert_eq!(json["invalid"]["len"], 250);
        assert_eq!(json["invalid"]["max"], 200);
    }
}
