//! The UI's TypeScript types (`ui/src/bindings.ts`), generated from the Rust types the
//! window receives and sends, so the two cannot drift apart as the hand-copied ones did.
//!
//! A test, not a build step: it fails when the checked-in file differs from what the Rust
//! types say (CI runs it), and rewrites the file when run with `UPDATE_BINDINGS=1`:
//!
//! ```text
//! UPDATE_BINDINGS=1 cargo test -p luring-desktop bindings
//! ```

use std::path::PathBuf;

use ts_rs::{Config, TS};

/// Where the file lives, from this crate's folder.
fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// `export type X = …;` with X's doc comment, for each type.
macro_rules! declare {
    ($cfg:expr, $($t:ty),* $(,)?) => {{
        let mut out = String::new();
        $(
            if let Some(docs) = <$t as TS>::docs() {
                out.push_str(&docs);
            }
            out.push_str("export ");
            out.push_str(&<$t as TS>::decl($cfg));
            out.push_str("\n\n");
        )*
        out
    }};
}

/// The whole file.
fn generate() -> String {
    // Counts and sizes are JSON numbers (none comes near 2^53).
    let cfg = Config::new().with_large_int("number");
    let body = declare!(
        &cfg,
        // The model's spellings.
        luring_model::Text,
        luring_model::Nip,
        luring_model::TaskStatus,
        luring_model::DocKind,
        luring_model::Classification,
        luring_model::ApprovalStatus,
        luring_model::DocStatus,
        luring_model::Verdict,
        luring_model::Role,
        luring_model::ChecklistItem,
        luring_model::CommentEdit,
        luring_model::Disposition,
        luring_model::ValidationReason,
        luring_model::ValidationDetail,
        luring_model::RefusalCode,
        // What the client hands out.
        luring_client::TaskRow,
        luring_client::BucketView,
        luring_client::NewsKind,
        luring_client::NewsItem,
        luring_client::NewsView,
        luring_client::BerandaView,
        luring_client::DocRow,
        luring_client::DocListRow,
        luring_client::DocStatusView,
        luring_client::Refusal,
        luring_client::AccountView,
        luring_client::TaskView,
        luring_client::CommentView,
        luring_client::DocView,
        luring_client::AttachmentView,
        luring_client::approvals::DecisionView,
        luring_client::approvals::RefusedDecision,
        luring_client::approvals::ApprovalView,
        luring_client::approvals::ApprovalLists,
        luring_client::SyncReport,
        luring_client::SyncPhase,
        // What the window sends.
        luring_client::DueBucket,
        luring_client::TaskQuery,
        luring_client::NewTaskInput,
        luring_client::TaskChanges,
        luring_client::NewDocInput,
        luring_client::DocumentChanges,
        luring_client::BodySplice,
        luring_client::ErrorCode,
        // The shell's own.
        crate::error::CmdError,
        crate::settings::Settings,
        crate::commands::account::AppState,
        crate::sync_loop::Progress,
        crate::sync_loop::SyncState,
    );
    let lists = format!(
        "/** Every error code the window can receive (the UI's test checks each has a sentence). */\n\
         export const ERROR_CODES: ErrorCode[] = {};\n\n\
         /** Every rule a refused value can break (`AppError.invalid.reason`). */\n\
         export const VALIDATION_REASONS: ValidationReason[] = {};\n\n\
         /** Every reason the server can give for refusing a change (`Refusal.code`). */\n\
         export const REFUSAL_CODES: RefusalCode[] = {};\n",
        json_list(luring_client::ErrorCode::ALL),
        json_list(luring_model::ValidationReason::ALL),
        json_list(luring_model::RefusalCode::ALL),
    );
    format!(
        "// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit.\n\
         // After changing a type, run `UPDATE_BINDINGS=1 cargo test -p luring-desktop bindings`.\n\n\
         {}\n\n{}",
        body.trim_end(),
        lists
    )
}

/// `["a", "b"]`: the values as the window receives them.
fn json_list<T: serde::Serialize>(all: &[T]) -> String {
    serde_json::to_string(all).expect("the codes serialise")
}

/// The members of a TypeScript union of strings (`"a" | "b"`), as ts-rs declares an enum.
fn union_members(decl: &str) -> std::collections::BTreeSet<String> {
    let rhs = decl.split_once('=').map_or("", |(_, r)| r);
    rhs.trim()
        .trim_end_matches(';')
        .split('|')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The lists the UI's test walks are the whole types: a code added to the enum and not to
/// its `ALL` fails here (and a code without a sentence then fails the UI's test).
#[test]
fn the_error_lists_hold_every_code_and_reason() {
    let cfg = Config::new();
    let listed = |json: String| -> std::collections::BTreeSet<String> {
        serde_json::from_str::<Vec<String>>(&json)
            .expect("a list of strings")
            .into_iter()
            .collect()
    };
    assert_eq!(
        listed(json_list(luring_client::ErrorCode::ALL)),
        union_members(&<luring_client::ErrorCode as TS>::decl(&cfg))
    );
    assert_eq!(
        listed(json_list(luring_model::ValidationReason::ALL)),
        union_members(&<luring_model::ValidationReason as TS>::decl(&cfg))
    );
    assert_eq!(
        listed(json_list(luring_model::RefusalCode::ALL)),
        union_members(&<luring_model::RefusalCode as TS>::decl(&cfg))
    );
    assert_eq!(
        luring_model::RefusalCode::ALL.len(),
        union_members(&<luring_model::RefusalCode as TS>::decl(&cfg)).len()
    );
    assert_eq!(
        luring_client::ErrorCode::ALL.len(),
        union_members(&<luring_client::ErrorCode as TS>::decl(&cfg)).len()
    );
}

#[test]
fn bindings_ts_is_current() {
    let want = generate();
    let path = bindings_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).expect("ui/src/bindings.ts is writable");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p luring-desktop bindings` and commit it"
    );
}
