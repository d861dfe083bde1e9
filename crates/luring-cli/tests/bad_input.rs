//! Bad input of every kind, fed to the real `luring` binary.
//!
//! Every refusal must: exit non-zero (normally, not by a signal), print nothing on stdout,
//! print exactly ONE non-empty line on stderr starting with `luring: ` that names the
//! problem, never mention a panic or a backtrace, and leave the profile's store exactly as
//! it was (`status --json`, `task list --json`, `doc list --json` and the fixture's task and
//! document, all compared before and after).
//!
//! Each family also has a positive control, so a binary that refused everything would fail.
//! Table-driven tests run every case and then report all failing cases by name.

// `&args![...]` is used as a slice on purpose: one macro serves both slices and tables.
#![allow(clippy::useless_vec)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_luring");
const NIP_ANI: &str = "198703122010011002";
const NIP_BUDI: &str = "199001012015031001";
const NIP_CITRA: &str = "198512252009022003";

// ---------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------

/// Arguments as `OsString`s from any mix of `&str`, `String`, `Path`/`PathBuf` and
/// `OsString` (so a case can carry paths and non-UTF-8 bytes).
macro_rules! args {
    ($($x:expr),* $(,)?) => {
        vec![$(OsString::from(AsRef::<OsStr>::as_ref(&$x))),*]
    };
}

/// Arguments as `OsString`s.
fn a<S: AsRef<OsStr>>(items: &[S]) -> Vec<OsString> {
    items.iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Runs `luring` in `cwd` with LURING_PROFILE removed, optionally feeding `stdin`.
fn run_in(cwd: &Path, args: &[OsString], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("LURING_PROFILE")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().expect("the luring binary starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // The binary may refuse before reading; a broken pipe here is fine.
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().expect("the luring binary ends")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Everything wrong with `out` as a refusal whose message should contain one of the
/// `|`-separated words (case-insensitive). Empty when the refusal is as it should be.
fn refusal_problems(out: &Output, words: &str) -> Vec<String> {
    let mut p = Vec::new();
    let stderr = text(&out.stderr);
    let stdout = text(&out.stdout);
    match out.status.code() {
        None => p.push(format!("ended by a signal ({:?})", out.status)),
        Some(0) => p.push("exit code 0: the bad input was ACCEPTED".to_owned()),
        Some(_) => {}
    }
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        if stderr.contains(bad) || stdout.contains(bad) {
            p.push(format!("output mentions {bad:?}"));
        }
    }
    let lines: Vec<&str> = stderr.lines().collect();
    if lines.len() != 1 {
        p.push(format!(
            "stderr has {} lines, expected exactly 1",
            lines.len()
        ));
    }
    if !stderr.starts_with("luring: ") {
        p.push("stderr does not start with `luring: `".to_owned());
    } else if stderr["luring: ".len()..].trim().is_empty() {
        p.push("the message after `luring: ` is empty".to_owned());
    }
    let low = stderr.to_lowercase();
    if !words.split('|').any(|w| low.contains(&w.to_lowercase())) {
        p.push(format!("message does not contain {words:?}"));
    }
    if !stdout.is_empty() {
        p.push(format!("stdout is not empty: {stdout:?}"));
    }
    if !p.is_empty() {
        p.push(format!("stderr was: {stderr:?}"));
        p.push(format!("exit status: {:?}", out.status));
    }
    p
}

/// Panics with every failing case, by name.
fn report(failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "{} case(s) failed:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

/// Asserts that `out` succeeded and returns its stdout.
fn assert_ok(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what}: expected success, got {:?}; stderr: {}",
        out.status,
        text(&out.stderr)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.is_empty(),
        "{what}: succeeded but wrote to stderr: {stderr}"
    );
    text(&out.stdout)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

// ---------------------------------------------------------------------------------------
// A profile with one task and one document
// ---------------------------------------------------------------------------------------

struct Fx {
    _tmp: TempDir,
    root: PathBuf,
    profile: PathBuf,
    task: String,
    doc: String,
}

impl Fx {
    fn new() -> Self {
        Self::named("Ani Lestari", NIP_ANI, "Susun laporan triwulan")
    }

    fn named(name: &str, nip: &str, task_title: &str) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().to_owned();
        let profile = root.join("profile");
        let mut fx = Self {
            _tmp: tmp,
            root,
            profile,
            task: String::new(),
            doc: String::new(),
        };
        fx.ok(&["init", "--name", name, "--nip", nip]);
        fx.task = fx
            .ok(&[
                "task",
                "add",
                task_title,
                "--due",
                "2026-12-01",
                "--assignee",
                NIP_BUDI,
            ])
            .trim()
            .to_owned();
        fx.ok(&["task", "comment", &fx.task.clone(), "Mohon dicek"]);
        let body = fx.file(
            "body.txt",
            "Dengan hormat,\nrapat koordinasi pukul 09.00.\n".as_bytes(),
        );
        fx.doc = fx
            .ok(&args![
                "doc",
                "new",
                "--title",
                "Nota dinas rapat",
                "--body-file",
                body,
            ])
            .trim()
            .to_owned();
        assert!(fx.task.starts_with("t-"), "task id: {}", fx.task);
        assert!(fx.doc.starts_with("d-"), "doc id: {}", fx.doc);
        fx
    }

    /// `luring --profile PROFILE ARGS...`
    fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        self.run_stdin(args, None)
    }

    fn run_stdin<S: AsRef<OsStr>>(&self, args: &[S], stdin: Option<&[u8]>) -> Output {
        let mut all = args!["--profile", self.profile];
        all.extend(a(args));
        run_in(&self.root, &all, stdin)
    }

    fn ok<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        let shown: Vec<String> = args
            .iter()
            .map(|s| s.as_ref().to_string_lossy().into_owned())
            .collect();
        assert_ok(&format!("luring {}", shown.join(" ")), &self.run(args))
    }

    /// Writes a file under the fixture's root and returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.root.join(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }

    fn status(&self) -> Value {
        json(&self.ok(&["status", "--json"]))
    }

    fn task_list(&self) -> Value {
        json(&self.ok(&["task", "list", "--json"]))
    }

    /// Everything a refusal must leave alone.
    fn snapshot(&self) -> String {
        [
            self.ok(&["status", "--json"]),
            self.ok(&["task", "list", "--json"]),
            self.ok(&["doc", "list", "--json"]),
            self.ok(&["task", "show", "--json", &self.task]),
            self.ok(&["doc", "show", "--json", &self.doc]),
        ]
        .join("\n")
    }

    /// Runs one bad case; returns a description of what went wrong, if anything.
    fn refuse(&self, case: &str, args: &[OsString], words: &str) -> Option<String> {
        self.refuse_stdin(case, args, None, words)
    }

    fn refuse_stdin(
        &self,
        case: &str,
        args: &[OsString],
        stdin: Option<&[u8]>,
        words: &str,
    ) -> Option<String> {
        let before = self.snapshot();
        let out = self.run_stdin(args, stdin);
        let mut p = refusal_problems(&out, words);
        let after = self.snapshot();
        if before != after {
            p.push(format!(
                "the store CHANGED\n--- before ---\n{before}\n--- after ---\n{after}"
            ));
        }
        if p.is_empty() {
            None
        } else {
            let shown: Vec<String> = args
                .iter()
                .map(|s| format!("{:?}", s.to_string_lossy()))
                .collect();
            Some(format!(
                "[{case}] luring --profile P {}\n  - {}",
                shown.join(" "),
                p.join("\n  - ")
            ))
        }
    }

    /// Runs a table of bad cases and reports every failure by name.
    fn refuse_all(&self, cases: &[(&str, Vec<OsString>, &str)]) {
        report(
            cases
                .iter()
                .filter_map(|(case, args, words)| self.refuse(case, args, words))
                .collect(),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Titles
// ---------------------------------------------------------------------------------------

#[test]
fn bad_titles_are_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let long = "a".repeat(201);
    let long_wide = "é".repeat(201);
    fx.refuse_all(&[
        ("task add: empty title", args!["task", "add", ""], "title"),
        (
            "task add: whitespace-only title",
            args!["task", "add", "   \t  "],
            "title",
        ),
        (
            "task add: 201-character title",
            args!["task", "add", &long],
            "title|201",
        ),
        (
            "task add: 201 two-byte characters",
            args!["task", "add", &long_wide],
            "title|201",
        ),
        (
            "task set: empty title",
            args!["task", "set", &t, "--title", ""],
            "title",
        ),
        (
            "task set: whitespace-only title",
            args!["task", "set", &t, "--title", "  \n "],
            "title",
        ),
        (
            "task set: 201-character title",
            args!["task", "set", &t, "--title", &long],
            "title|201",
        ),
        (
            "doc new: empty title",
            args!["doc", "new", "--title", ""],
            "title",
        ),
        (
            "doc new: whitespace-only title",
            args!["doc", "new", "--title", "    "],
            "title",
        ),
        (
            "doc new: 201-character title",
            args!["doc", "new", "--title", &long],
            "title|201",
        ),
    ]);
}

#[test]
fn control_titles_of_exactly_200_characters_are_accepted() {
    let fx = Fx::new();
    for title in [
        "a".repeat(200),
        "é".repeat(200),
        format!("  {}  ", "b".repeat(200)),
    ] {
        let id = fx.ok(&["task", "add", &title]).trim().to_owned();
        let shown = json(&fx.ok(&["task", "show", "--json", &id]));
        assert_eq!(shown["title"], title.trim(), "task title stored as typed");
    }
    let t = fx.task.clone();
    let title = "c".repeat(200);
    let v = json(&fx.ok(&["task", "set", &t, "--title", &title, "--json"]));
    assert_eq!(v["title"], title.as_str());
    let id = fx
        .ok(&["doc", "new", "--title", &"d".repeat(200)])
        .trim()
        .to_owned();
    let d = json(&fx.ok(&["doc", "show", "--json", &id]));
    assert_eq!(d["title"], "d".repeat(200));
    assert_eq!(fx.status()["tasks"], 4);
    assert_eq!(fx.status()["documents"], 2);
}

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

const BAD_DATES: &[&str] = &[
    "2026-02-30",
    "2026-2-3",
    "31-12-2026",
    "besok",
    "2026-13-01",
    "2026/12/01",
    "2026-12-01T00:00",
    " 2026-12-01",
];

#[test]
fn bad_dates_are_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let mut cases = Vec::new();
    for d in BAD_DATES {
        cases.push((
            format!("task add --due {d:?}"),
            args!["task", "add", "Rapat", &format!("--due={d}")],
        ));
        cases.push((
            format!("task set --due {d:?}"),
            args!["task", "set", &t, &format!("--due={d}")],
        ));
    }
    report(
        cases
            .iter()
            .filter_map(|(case, args)| fx.refuse(case, args, "date"))
            .collect(),
    );
}

#[test]
fn control_valid_dates_are_accepted_and_empty_due_clears() {
    let fx = Fx::new();
    let id = fx
        .ok(&["task", "add", "Rapat", "--due", "2028-02-29"])
        .trim()
        .to_owned();
    assert_eq!(
        json(&fx.ok(&["task", "show", "--json", &id]))["due"],
        "2028-02-29"
    );
    let v = json(&fx.ok(&["task", "set", &id, "--due", "2026-12-31", "--json"]));
    assert_eq!(v["due"], "2026-12-31");
    let v = json(&fx.ok(&["task", "set", &id, "--due", "", "--json"]));
    assert!(v["due"].is_null(), "--due \"\" clears: {v}");
}

mod date_property {
    use super::*;
    use proptest::prelude::*;

    /// Whether `s` has the one accepted spelling, YYYY-MM-DD (validity is checked later).
    fn looks_like_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    }

    /// `luring --profile DIR ARGS...` in `cwd`.
    fn run_p(cwd: &Path, dir: &Path, rest: &[&str]) -> Output {
        let mut all = args!["--profile", dir];
        all.extend(a(rest));
        run_in(cwd, &all, None)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn any_non_date_is_refused_by_task_add(due in "[0-9a-z /.:-]{0,14}") {
            prop_assume!(!looks_like_date(&due));
            // A fresh minimal profile per case costs a few milliseconds; shared state
            // between cases would hide bugs.
            let tmp = tempfile::tempdir().unwrap();
            let (cwd, p) = (tmp.path(), tmp.path().join("p"));
            assert_ok("init", &run_p(cwd, &p, &["init", "--name", "Ani", "--nip", NIP_ANI]));
            let out = run_p(cwd, &p, &["task", "add", "Rapat", &format!("--due={due}")]);
            let problems = refusal_problems(&out, "date");
            prop_assert!(problems.is_empty(), "--due={:?}: {:?}", due, problems);
            let st = json(&assert_ok("status", &run_p(cwd, &p, &["status", "--json"])));
            prop_assert_eq!(&st["tasks"], 0);
            prop_assert_eq!(&st["pending_changes"], 0);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Statuses
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_statuses_are_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let mut cases = Vec::new();
    for s in ["done", "Selesai", "SELESAI", "", " baru", "in-progress"] {
        cases.push((
            format!("task set --status {s:?}"),
            args!["task", "set", &t, &format!("--status={s}")],
        ));
        cases.push((
            format!("task list --status {s:?}"),
            args!["task", "list", &format!("--status={s}")],
        ));
    }
    report(
        cases
            .iter()
            .filter_map(|(case, args)| fx.refuse(case, args, "status"))
            .collect(),
    );
}

#[test]
fn control_every_known_status_is_accepted() {
    let fx = Fx::new();
    let t = fx.task.clone();
    for s in ["dikerjakan", "menunggu", "selesai", "baru"] {
        let v = json(&fx.ok(&["task", "set", &t, "--status", s, "--json"]));
        assert_eq!(v["status"], s);
        let rows = json(&fx.ok(&["task", "list", "--status", s, "--json"]));
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "list --status {s}");
    }
    let rows = json(&fx.ok(&["task", "list", "--status", "selesai", "--json"]));
    assert_eq!(rows, serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------
// Ids: unknown, malformed, wrong kind
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_ids_are_refused() {
    let fx = Fx::new();
    let body = fx.file("new-body.txt", b"isi baru");
    let nt = "t-zzzzzzzzzzzz";
    let nd = "d-zzzzzzzzzzzz";
    fx.refuse_all(&[
        (
            "task set: unknown task",
            args!["task", "set", nt, "--status", "selesai"],
            "no task",
        ),
        (
            "task comment: unknown task",
            args!["task", "comment", nt, "halo"],
            "no task",
        ),
        (
            "task show: unknown task",
            args!["task", "show", nt],
            "no task",
        ),
        (
            "doc edit: unknown document",
            args!["doc", "edit", nd, "--body-file", body,],
            "no document",
        ),
        (
            "doc show: unknown document",
            args!["doc", "show", nd],
            "no document",
        ),
        // An id that could never exist must not reach the database.
        (
            "task show: malformed id",
            args!["task", "show", "../etc"],
            "id",
        ),
        ("task show: empty id", args!["task", "show", ""], "id"),
        (
            "task set: malformed id",
            args!["task", "set", "t x", "--status", "baru"],
            "id",
        ),
        (
            "doc show: malformed id",
            args!["doc", "show", "d/../../x"],
            "id",
        ),
        (
            "doc show: 65-character id",
            args!["doc", "show", &format!("d-{}", "a".repeat(63))],
            "id",
        ),
    ]);
}

#[test]
fn ids_of_the_wrong_kind_are_refused() {
    let fx = Fx::new();
    let body = fx.file("new-body.txt", b"isi baru");
    let (t, d) = (fx.task.clone(), fx.doc.clone());
    fx.refuse_all(&[
        (
            "doc show with a task id",
            args!["doc", "show", &t],
            "not a document",
        ),
        (
            "doc edit with a task id",
            args!["doc", "edit", &t, "--body-file", body,],
            "not a document",
        ),
        (
            "task show with a document id",
            args!["task", "show", &d],
            "not a task",
        ),
        (
            "task set with a document id",
            args!["task", "set", &d, "--status", "selesai"],
            "not a task",
        ),
        (
            "task comment with a document id",
            args!["task", "comment", &d, "halo"],
            "not a task",
        ),
    ]);
}

#[test]
fn control_known_ids_work() {
    let fx = Fx::new();
    let body = fx.file("new-body.txt", "Isi yang diperbarui.".as_bytes());
    let v = json(&fx.ok(&["task", "show", "--json", &fx.task]));
    assert_eq!(v["id"], fx.task.as_str());
    assert_eq!(v["comments"].as_array().map(Vec::len), Some(1));
    let v = json(&fx.ok(&args![
        "doc",
        "edit",
        &fx.doc,
        "--body-file",
        body,
        "--json",
    ]));
    assert_eq!(v["body"], "Isi yang diperbarui.");
    let v = json(&fx.ok(&["doc", "show", "--json", &fx.doc]));
    assert_eq!(v["body"], "Isi yang diperbarui.");
}

// ---------------------------------------------------------------------------------------
// NIPs
// ---------------------------------------------------------------------------------------

const BAD_NIPS: &[&str] = &[
    "19870312201001100",   // 17 digits
    "1987031220100110021", // 19 digits
    "19870312201001100a",  // a letter
    "ABCDEFGHIJKLMNOPQR",  // letters only
    "1987-0312-2010-0110", // separators
    "",
    "١٩٨٧٠٣١٢٢٠١٠٠١١٠٠٢", // Arabic-Indic digits are not ASCII digits
];

#[test]
fn bad_nips_on_init_are_refused_and_create_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, nip) in BAD_NIPS.iter().enumerate() {
        let dir = tmp.path().join(format!("p{i}"));
        let out = run_in(
            tmp.path(),
            &args![
                "--profile",
                dir,
                "init",
                "--name",
                "Ani",
                &format!("--nip={nip}"),
            ],
            None,
        );
        let mut p = refusal_problems(&out, "NIP");
        if dir.exists() {
            p.push(format!("the refused init created {}", dir.display()));
        }
        if !p.is_empty() {
            failures.push(format!("[init --nip {nip:?}]\n  - {}", p.join("\n  - ")));
        }
    }
    // A blank name is refused too, before anything is created.
    let dir = tmp.path().join("blank-name");
    let out = run_in(
        tmp.path(),
        &args!["--profile", dir, "init", "--name", "   ", "--nip", NIP_ANI,],
        None,
    );
    let mut p = refusal_problems(&out, "name");
    if dir.exists() {
        p.push(format!("the refused init created {}", dir.display()));
    }
    if !p.is_empty() {
        failures.push(format!("[init --name \"   \"]\n  - {}", p.join("\n  - ")));
    }
    report(failures);
}

#[test]
fn bad_nips_as_assignee_are_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let mut cases = Vec::new();
    for nip in BAD_NIPS {
        cases.push((
            format!("task add --assignee {nip:?}"),
            args!["task", "add", "Rapat", &format!("--assignee={nip}")],
        ));
        cases.push((
            format!("task set --assignee {nip:?}"),
            args!["task", "set", &t, &format!("--assignee={nip}")],
        ));
        cases.push((
            format!("task list --assignee {nip:?}"),
            args!["task", "list", &format!("--assignee={nip}")],
        ));
    }
    // One good assignee does not carry a bad one through.
    cases.push((
        "task add with one good and one bad assignee".to_owned(),
        args![
            "task",
            "add",
            "Rapat",
            "--assignee",
            NIP_CITRA,
            "--assignee",
            "12345",
        ],
    ));
    report(
        cases
            .iter()
            .filter_map(|(case, args)| fx.refuse(case, args, "NIP"))
            .collect(),
    );
}

#[test]
fn control_valid_nips_are_accepted() {
    let fx = Fx::new();
    let id = fx
        .ok(&["task", "add", "Rapat", "--assignee", NIP_CITRA])
        .trim()
        .to_owned();
    let v = json(&fx.ok(&["task", "set", &id, "--assignee", NIP_BUDI, "--json"]));
    let mut who: Vec<String> = v["assignees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    who.sort();
    let mut want = vec![NIP_BUDI.to_owned(), NIP_CITRA.to_owned()];
    want.sort();
    assert_eq!(who, want);
    let rows = json(&fx.ok(&["task", "list", "--assignee", NIP_CITRA, "--json"]));
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(fx.status()["nip"], NIP_ANI);
}

// ---------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------

#[test]
fn init_twice_is_refused_and_the_first_profile_is_intact() {
    let fx = Fx::new();
    fx.refuse_all(&[
        (
            "second init, other person",
            args!["init", "--name", "Budi Santoso", "--nip", NIP_BUDI],
            "already exists",
        ),
        (
            "second init, same person",
            args!["init", "--name", "Ani Lestari", "--nip", NIP_ANI],
            "already exists",
        ),
    ]);
    let st = fx.status();
    assert_eq!(st["name"], "Ani Lestari");
    assert_eq!(st["nip"], NIP_ANI);
    assert_eq!(st["tasks"], 1);
    assert_eq!(st["documents"], 1);
}

/// Commands that need an existing profile, with the files they would touch.
fn profile_commands(root: &Path) -> Vec<(&'static str, Vec<OsString>)> {
    let some_file = root.join("some.txt");
    std::fs::write(&some_file, "teks").unwrap();
    let out = root.join("out.bundle");
    vec![
        ("status", args!["status"]),
        ("status --json", args!["status", "--json"]),
        ("task add", args!["task", "add", "Rapat"]),
        ("task list", args!["task", "list"]),
        ("task show", args!["task", "show", "t-zzzzzzzzzzzz"]),
        (
            "task set",
            args!["task", "set", "t-zzzzzzzzzzzz", "--status", "baru"],
        ),
        (
            "task comment",
            args!["task", "comment", "t-zzzzzzzzzzzz", "x"],
        ),
        ("doc new", args!["doc", "new", "--title", "Nota"]),
        ("doc list", args!["doc", "list"]),
        ("doc search", args!["doc", "search", "rapat"]),
        ("doc show", args!["doc", "show", "d-zzzzzzzzzzzz"]),
        (
            "doc edit",
            args!["doc", "edit", "d-zzzzzzzzzzzz", "--body-file", some_file,],
        ),
        ("bundle export", args!["bundle", "export", "--out", out,]),
        ("bundle import", args!["bundle", "import", some_file,]),
    ]
}

#[test]
fn commands_on_a_folder_without_a_profile_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let empty = root.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let missing = root.join("missing");
    let a_file = root.join("a-file");
    std::fs::write(&a_file, "bukan profil").unwrap();
    let mut failures = Vec::new();
    for dir in [&empty, &missing, &a_file] {
        for (case, args) in profile_commands(root) {
            let mut all = args!["--profile", dir];
            all.extend(args);
            let out = run_in(root, &all, None);
            let mut p = refusal_problems(&out, "no profile");
            if empty.read_dir().unwrap().next().is_some() {
                p.push("files appeared in the empty folder".to_owned());
            }
            if missing.exists() {
                p.push("the missing folder was created".to_owned());
            }
            if std::fs::read(&a_file).unwrap() != b"bukan profil" {
                p.push("the plain file was changed".to_owned());
            }
            if root.join("out.bundle").exists() {
                p.push("a bundle was written".to_owned());
            }
            if !p.is_empty() {
                failures.push(format!(
                    "[{case} on {}]\n  - {}",
                    dir.display(),
                    p.join("\n  - ")
                ));
            }
        }
    }
    report(failures);
}

#[test]
fn commands_without_profile_option_or_variable_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let mut cmds = profile_commands(root);
    cmds.push(("init", args!["init", "--name", "Ani", "--nip", NIP_ANI]));
    let mut failures = Vec::new();
    for (case, args) in cmds {
        let out = run_in(root, &args, None); // run_in removes LURING_PROFILE
        let mut p = refusal_problems(&out, "--profile");
        let leftovers: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "some.txt")
            .collect();
        if !leftovers.is_empty() {
            p.push(format!(
                "files appeared in the working folder: {leftovers:?}"
            ));
        }
        if !p.is_empty() {
            failures.push(format!(
                "[{case} with no profile]\n  - {}",
                p.join("\n  - ")
            ));
        }
    }
    report(failures);
}

#[test]
fn control_the_profile_variable_is_honoured() {
    let fx = Fx::new();
    let out = Command::new(BIN)
        .args(["status", "--json"])
        .current_dir(&fx.root)
        .env("LURING_PROFILE", &fx.profile)
        .output()
        .unwrap();
    let v = json(&assert_ok("LURING_PROFILE=P luring status --json", &out));
    assert_eq!(v["nip"], NIP_ANI);
}

/// Regression: with `LURING_PROFILE=""` in the environment (e.g. `export LURING_PROFILE=`
/// in a shell profile), an explicit `--profile DIR` used to be refused with "a value is
/// required for '--profile <DIR>' but none was supplied".
#[test]
fn an_empty_profile_variable_does_not_block_an_explicit_profile() {
    let fx = Fx::new();
    // Without --profile, an empty variable is simply "no profile": one clear line.
    let out = Command::new(BIN)
        .args(["status"])
        .current_dir(&fx.root)
        .env("LURING_PROFILE", "")
        .output()
        .unwrap();
    report(
        refusal_problems(&out, "profile")
            .into_iter()
            .map(|p| format!("[LURING_PROFILE=\"\" luring status] {p}"))
            .collect(),
    );
    let mut failures = Vec::new();
    for args in [
        args!["--profile", fx.profile, "status",],
        args!["status", "--profile", fx.profile,],
    ] {
        let out = Command::new(BIN)
            .args(&args)
            .current_dir(&fx.root)
            .env("LURING_PROFILE", "")
            .output()
            .unwrap();
        if !out.status.success() {
            failures.push(format!(
                "[LURING_PROFILE=\"\" luring {}] refused: {}",
                args.iter()
                    .map(|s| s.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(" "),
                text(&out.stderr).trim()
            ));
        }
    }
    report(failures);
}

#[test]
fn a_damaged_database_is_refused_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir(&dir).unwrap();
    let junk = b"this is not an SQLite database, just some text\n".repeat(100);
    std::fs::write(dir.join("luring.db"), &junk).unwrap();
    let mut failures = Vec::new();
    for (case, args) in profile_commands(tmp.path()) {
        let mut all = args!["--profile", dir];
        all.extend(args);
        let out = run_in(tmp.path(), &all, None);
        let mut p = refusal_problems(&out, "database");
        if std::fs::read(dir.join("luring.db")).unwrap() != junk {
            p.push("the damaged file was overwritten".to_owned());
        }
        if !p.is_empty() {
            failures.push(format!(
                "[{case} on a damaged db]\n  - {}",
                p.join("\n  - ")
            ));
        }
    }
    report(failures);
}

// ---------------------------------------------------------------------------------------
// Documents: kinds, classifications, body files
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_document_kinds_and_classifications_are_refused() {
    let fx = Fx::new();
    fx.refuse_all(&[
        (
            "doc new --kind bogus",
            args!["doc", "new", "--title", "Nota", "--kind", "bogus"],
            "document kind",
        ),
        (
            "doc new --kind \"nota dinas\"",
            args!["doc", "new", "--title", "Nota", "--kind", "nota dinas"],
            "document kind",
        ),
        (
            "doc new --kind \"\"",
            args!["doc", "new", "--title", "Nota", "--kind="],
            "document kind",
        ),
        (
            "doc list --kind bogus",
            args!["doc", "list", "--kind", "bogus"],
            "document kind",
        ),
        (
            "doc new --classification top-secret",
            args![
                "doc",
                "new",
                "--title",
                "Nota",
                "--classification",
                "top-secret",
            ],
            "classification",
        ),
    ]);
}

#[test]
fn control_known_document_kinds_are_accepted() {
    let fx = Fx::new();
    for kind in ["nota-dinas", "surat", "laporan", "memo", "lainnya"] {
        let id = fx
            .ok(&[
                "doc",
                "new",
                "--title",
                "Dokumen",
                "--kind",
                kind,
                "--classification",
                "terbatas",
            ])
            .trim()
            .to_owned();
        let v = json(&fx.ok(&["doc", "show", "--json", &id]));
        assert_eq!(v["kind"], kind);
        assert_eq!(v["classification"], "terbatas");
        let rows = json(&fx.ok(&["doc", "list", "--kind", kind, "--json"]));
        assert!(
            !rows.as_array().unwrap().is_empty(),
            "doc list --kind {kind}"
        );
    }
}

#[test]
fn unreadable_body_files_are_refused() {
    let fx = Fx::new();
    let missing = fx.root.join("no-such-file.txt");
    let folder = fx.root.join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    // Latin-1 "Surat edaran tentang cuti bersama" with an e-acute: valid Latin-1, not UTF-8.
    let latin1 = fx.file(
        "latin1.txt",
        b"Surat edaran caf\xe9 \xff\xfe tentang cuti\n",
    );
    let d = fx.doc.clone();
    let mut failures = Vec::new();
    for (what, path, words) in [
        ("missing file", &missing, "does not exist"),
        ("a directory", &folder, "folder|directory"),
        ("a non-UTF-8 file", &latin1, "UTF-8"),
    ] {
        let new = args!["doc", "new", "--title", "Nota", "--body-file", path,];
        let edit = args!["doc", "edit", &d, "--body-file", path,];
        failures.extend(fx.refuse(&format!("doc new, body file is {what}"), &new, words));
        failures.extend(fx.refuse(&format!("doc edit, body file is {what}"), &edit, words));
    }
    let bytes: &[u8] = b"Surat \xc3\x28 rusak\n"; // an invalid UTF-8 sequence
    failures.extend(fx.refuse_stdin(
        "doc new, non-UTF-8 standard input",
        &args!["doc", "new", "--title", "Nota", "--body-file", "-"],
        Some(bytes),
        "UTF-8",
    ));
    failures.extend(fx.refuse_stdin(
        "doc edit, non-UTF-8 standard input",
        &args!["doc", "edit", &d, "--body-file", "-"],
        Some(bytes),
        "UTF-8",
    ));
    report(failures);
}

#[test]
fn control_body_files_and_standard_input_are_read() {
    let fx = Fx::new();
    let f = fx.file("ok.txt", "Yth. Kepala Dinas — mohon hadir. 🙏\n".as_bytes());
    let id = fx
        .ok(&args![
            "doc",
            "new",
            "--title",
            "Undangan",
            "--body-file",
            f,
        ])
        .trim()
        .to_owned();
    let v = json(&fx.ok(&["doc", "show", "--json", &id]));
    assert_eq!(v["body"], "Yth. Kepala Dinas — mohon hadir. 🙏\n");
    let out = fx.run_stdin(
        &["doc", "edit", &id, "--body-file", "-", "--json"],
        Some("Isi dari stdin.".as_bytes()),
    );
    let v = json(&assert_ok("doc edit --body-file -", &out));
    assert_eq!(v["body"], "Isi dari stdin.");
}

// ---------------------------------------------------------------------------------------
// Comments, descriptions and empty changes
// ---------------------------------------------------------------------------------------

#[test]
fn empty_and_oversized_comments_and_descriptions_are_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    fx.refuse_all(&[
        ("empty comment", args!["task", "comment", &t, ""], "comment"),
        (
            "whitespace-only comment",
            args!["task", "comment", &t, " \n\t "],
            "comment",
        ),
        (
            "2001-character comment",
            args!["task", "comment", &t, &"k".repeat(2001)],
            "comment",
        ),
        (
            "20001-character description",
            args!["task", "add", "Rapat", "--description", &"x".repeat(20_001)],
            "description",
        ),
    ]);
}

#[test]
fn task_set_with_nothing_to_change_is_refused() {
    let fx = Fx::new();
    let t = fx.task.clone();
    fx.refuse_all(&[
        ("task set ID", args!["task", "set", &t], "nothing to change"),
        (
            "task set ID --json",
            args!["task", "set", &t, "--json"],
            "nothing to change",
        ),
    ]);
}

#[test]
fn control_comments_and_changes_are_accepted() {
    let fx = Fx::new();
    let t = fx.task.clone();
    let v = json(&fx.ok(&["task", "comment", &t, &"k".repeat(2000), "--json"]));
    assert_eq!(v["comments"].as_array().map(Vec::len), Some(2));
    let v = json(&fx.ok(&["task", "set", &t, "--status", "selesai", "--json"]));
    assert_eq!(v["status"], "selesai");
    fx.ok(&["task", "add", "Rapat", "--description", &"x".repeat(20_000)]);
}

// ---------------------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------------------

/// A profile "Budi" with its own task, and a bundle exported by a different profile "Ani".
struct BundleFx {
    importer: Fx,
    _source: Fx,
    source_task: String,
    bundle: Vec<u8>,
}

fn bundle_fx() -> BundleFx {
    let source = Fx::new();
    let importer = Fx::named("Budi Santoso", NIP_BUDI, "Tugas milik Budi");
    let out = source.root.join("ani.bundle");
    source.ok(&args!["bundle", "export", "--out", out,]);
    let bundle = std::fs::read(&out).expect("exported bundle");
    assert!(bundle.len() > 100, "bundle is {} bytes", bundle.len());
    BundleFx {
        source_task: source.task.clone(),
        importer,
        _source: source,
        bundle,
    }
}

fn import(path: &Path) -> Vec<OsString> {
    args!["bundle", "import", path]
}

#[test]
fn damaged_or_foreign_bundles_are_refused_and_nothing_is_imported() {
    use rand::{Rng, SeedableRng};

    let bfx = bundle_fx();
    let fx = &bfx.importer;
    let b = &bfx.bundle;
    let n = b.len();

    let mut rng = rand::rngs::StdRng::seed_from_u64(0x4c55_5249_4e47);
    let random: Vec<u8> = (0..4096).map(|_| rng.random::<u8>()).collect();
    assert!(
        !random.starts_with(b"LURING"),
        "seeded bytes look like a bundle"
    );

    let mut flipped = b.clone();
    flipped[n / 2] ^= 0xff;
    let mut flipped_last = b.clone();
    flipped_last[n - 1] ^= 0x01;
    let mut flipped_magic = b.clone();
    flipped_magic[3] ^= 0x20;
    let mut appended = b.clone();
    appended.extend_from_slice(b"\nsampah");
    let mut newer = b.clone();
    newer[b"LURING-BUNDLE\n".len()] = 9;

    let missing = fx.root.join("no-such.bundle");
    let folder = fx.root.join("a-folder.bundle");
    std::fs::create_dir(&folder).unwrap();

    let files: Vec<(&str, PathBuf, &str)> = vec![
        ("missing file", missing, "does not exist"),
        ("a directory", folder, "folder|directory"),
        (
            "random bytes",
            fx.file("random.bundle", &random),
            "not a Luring bundle",
        ),
        (
            "a text file",
            fx.file(
                "notes.txt",
                "Catatan rapat: bawa laptop.\nLURING-BUNDLE\n".as_bytes(),
            ),
            "not a Luring bundle",
        ),
        (
            "an empty file",
            fx.file("empty.bundle", b""),
            "not a Luring bundle",
        ),
        (
            "the magic line only",
            fx.file("magic.bundle", b"LURING-BUNDLE\n"),
            "damaged|incomplete",
        ),
        (
            "a real bundle cut in half",
            fx.file("half.bundle", &b[..n / 2]),
            "damaged|incomplete",
        ),
        (
            "a real bundle missing its last byte",
            fx.file("short.bundle", &b[..n - 1]),
            "damaged|incomplete",
        ),
        (
            "a real bundle with one byte flipped in the middle",
            fx.file("flipped.bundle", &flipped),
            "damaged",
        ),
        (
            "a real bundle with its last byte flipped",
            fx.file("flipped-last.bundle", &flipped_last),
            "damaged",
        ),
        (
            "a real bundle with a flipped magic byte",
            fx.file("flipped-magic.bundle", &flipped_magic),
            "not a Luring bundle",
        ),
        (
            "a real bundle with bytes appended",
            fx.file("appended.bundle", &appended),
            "damaged",
        ),
        (
            "a bundle from a newer format",
            fx.file("newer.bundle", &newer),
            "newer",
        ),
        (
            "the importer's own database file",
            fx.profile.join("luring.db"),
            "not a Luring bundle",
        ),
    ];
    let counts_before = fx.status();
    let mut failures: Vec<String> = files
        .iter()
        .filter_map(|(case, path, words)| fx.refuse(case, &import(path), words))
        .collect();
    let counts_after = fx.status();
    if counts_before != counts_after {
        failures.push(format!(
            "[counts] importer's status changed: {counts_before} -> {counts_after}"
        ));
    }
    let ids: Vec<String> = fx
        .task_list()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    if ids.contains(&bfx.source_task) {
        failures.push("[counts] the source's task appeared after refused imports".to_owned());
    }
    report(failures);
}

#[test]
fn control_a_valid_bundle_from_another_profile_imports() {
    let bfx = bundle_fx();
    let fx = &bfx.importer;
    let path = fx.file("ani.bundle", &bfx.bundle);
    let before = fx.status();
    assert_eq!(before["tasks"], 1);
    let s = json(&fx.ok(&args!["bundle", "import", path, "--json",]));
    assert_eq!(s["created"], 2, "one task and one document are new: {s}");
    let after = fx.status();
    assert_eq!(after["tasks"], 2);
    assert_eq!(after["documents"], 2);
    assert_eq!(
        after["nip"], NIP_BUDI,
        "importing does not change who owns the profile"
    );
    let t = json(&fx.ok(&["task", "show", "--json", &bfx.source_task]));
    assert_eq!(t["title"], "Susun laporan triwulan");
    assert_eq!(t["due"], "2026-12-01");
    // Importing the same file again changes nothing.
    let snap = fx.snapshot();
    let s = json(&fx.ok(&args!["bundle", "import", path, "--json",]));
    assert_eq!(s["created"], 0, "{s}");
    assert_eq!(fx.snapshot(), snap);
}

#[test]
fn bundle_export_to_a_missing_folder_is_refused() {
    let fx = Fx::new();
    let out = fx.root.join("no-such-folder").join("x.bundle");
    if let Some(f) = fx.refuse(
        "bundle export into a missing folder",
        &args!["bundle", "export", "--out", out,],
        "does not exist",
    ) {
        report(vec![f]);
    }
    assert!(!fx.root.join("no-such-folder").exists());
}

/// Regression: `bundle export --out PROFILE/luring.db` used to replace the open database
/// with the bundle, exit 0, and leave every later command failing with "file is not a
/// database".
#[test]
fn bundle_export_over_the_profile_database_is_refused() {
    let fx = Fx::new();
    let before = fx.snapshot();
    let out = fx.run(&args![
        "bundle",
        "export",
        "--out",
        fx.profile.join("luring.db"),
    ]);
    let mut p = refusal_problems(&out, "database|profile");
    let after = fx.run(&["status", "--json"]);
    if !after.status.success() {
        p.push(format!(
            "the profile is DESTROYED: `status` now says {}",
            text(&after.stderr).trim()
        ));
    } else if fx.snapshot() != before {
        p.push("the store changed".to_owned());
    }
    if !p.is_empty() {
        report(vec![format!(
            "[bundle export --out PROFILE/luring.db]\n  - {}",
            p.join("\n  - ")
        )]);
    }
}

// ---------------------------------------------------------------------------------------
// Command-line syntax (clap)
// ---------------------------------------------------------------------------------------

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
    if !p.is_empty() {
        failures.push(format!("[init without --nip]\n  - {}", p.join("\n  - ")));
    }
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
