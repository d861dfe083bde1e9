//! What clap refuses: unknown subcommands and flags, non-UTF-8 arguments, missing required
//! arguments; `--help` and `--version` as controls.

use super::*;

#[test]
fn unknown_subcommands_and_flags_are_refused_in_one_line() {
    let fx = Fx::new();
    let t = fx.task.clone();
    fx.refuse_all(&[
        ("unknown subcommand", args!["frobnicate"], "frobnicate"),
        ("misspelt subcommand", args!["statsu"], "statsu"),
        (
            "unknown task subcommand",
            args!["task", "delete", &t],
            "delete",
        ),
        ("unknown doc subcommand", args!["doc", "sign"], "sign"),
        (
            "unknown global flag",
            args!["--frobnicate", "status"],
            "--frobnicate",
        ),
        (
            "unknown subcommand flag",
            args!["task", "list", "--frobnicate"],
            "--frobnicate",
        ),
        ("short flag", args!["status", "-x"], "-x"),
        (
            "--limit not a number",
            args!["task", "list", "--limit", "abc"],
            "--limit",
        ),
        (
            "--limit negative",
            args!["task", "list", "--limit=-1"],
            "--limit",
        ),
        (
            "--limit too large",
            args!["task", "list", "--limit", "99999999999"],
            "--limit",
        ),
        (
            "--due without a value",
            args!["task", "add", "Rapat", "--due"],
            "--due",
        ),
        (
            "extra positional argument",
            args!["task", "add", "Rapat", "Lagi"],
            "Lagi",
        ),
        (
            "--json given a value",
            args!["status", "--json=yes"],
            "--json",
        ),
        (
            "--json twice",
            args!["status", "--json", "--json"],
            "--json",
        ),
    ]);
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_refused_in_one_line() {
    use std::os::unix::ffi::OsStringExt;
    let fx = Fx::new();
    let bad = OsString::from_vec(b"Rapat \xff\xfe".to_vec());
    let t = fx.task.clone();
    fx.refuse_all(&[
        (
            "non-UTF-8 task title",
            vec!["task".into(), "add".into(), bad.clone()],
            "UTF-8",
        ),
        (
            "non-UTF-8 comment",
            vec!["task".into(), "comment".into(), t.into(), bad.clone()],
            "UTF-8",
        ),
        (
            "non-UTF-8 search",
            vec!["doc".into(), "search".into(), bad],
            "UTF-8",
        ),
    ]);
}

/// Regression: clap's "the following required arguments were not provided:" used to be cut
/// to its first line, so the message never said WHICH argument was missing.
#[test]
fn a_missing_required_argument_is_named() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures: Vec<String> = [
        ("task add without a title", args!["task", "add"], "TITLE"),
        (
            "task comment without text",
            args!["task", "comment", &t],
            "TEXT",
        ),
        ("task show without an id", args!["task", "show"], "<ID>"),
        ("doc new without --title", args!["doc", "new"], "--title"),
        (
            "doc edit without --body-file",
            args!["doc", "edit", &fx.doc],
            "--body-file",
        ),
        (
            "bundle export without --out",
            args!["bundle", "export"],
            "--out",
        ),
    ]
    .iter()
    .filter_map(|(case, args, word)| fx.refuse(case, args, word))
    .collect();
    let dir = tmp.path().join("p");
    let out = run_in(
        tmp.path(),
        &args!["--profile", dir, "init", "--name", "Ani",],
        None,
    );
    let p = refusal_problems(&out, "--nip");
    failures.extend(failure("[init without --nip]", &p));
    if dir.exists() {
        failures.push("[init without --nip] created the profile folder".to_owned());
    }
    report(failures);
}

#[test]
fn control_help_and_version_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(tmp.path(), &args!["--help"], None);
    let s = assert_ok("luring --help", &out);
    assert!(s.contains("Usage"), "{s}");
    let out = run_in(tmp.path(), &args!["--version"], None);
    let s = assert_ok("luring --version", &out);
    assert!(s.starts_with("luring "), "{s}");
    let out = run_in(tmp.path(), &args!["task", "add", "--help"], None);
    assert!(assert_ok("luring task add --help", &out).contains("--due"));
}
