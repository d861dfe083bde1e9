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
//!
//! One test binary, one file per concern: `tasks` (titles, dates, statuses, comments),
//! `ids` (entity ids and NIPs), `profiles`, `docs` (kinds, classifications, body files),
//! `bundles` and `syntax` (what clap refuses). The runner, the refusal checks and the
//! fixture profile they share are here; `luring` itself runs through `luring_testkit`.

// `&args![...]` is used as a slice on purpose: one macro serves both slices and tables.
#![allow(clippy::useless_vec)]

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use luring_testkit::{luring_bin, luring_command, run, Luring, ANI, BUDI};
use serde_json::Value;
use tempfile::TempDir;

const NIP_ANI: &str = ANI.0;
const NIP_BUDI: &str = BUDI.0;
/// Nobody in the demo agency: a NIP only assigned to.
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

/// Runs `cmd` in `cwd` with backtraces on (so a panic would show in its output),
/// optionally feeding `stdin`.
fn run_at(cmd: &mut Command, cwd: &Path, stdin: Option<&[u8]>) -> Output {
    run(cmd.current_dir(cwd).env("RUST_BACKTRACE", "1"), stdin)
}

/// Runs `luring ARGS…` in `cwd` (with LURING_PROFILE removed), optionally feeding `stdin`.
fn run_in(cwd: &Path, args: &[OsString], stdin: Option<&[u8]>) -> Output {
    run_at(luring_command().args(args), cwd, stdin)
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

/// `header` followed by one indented line per problem; nothing when there is no problem.
fn failure(header: &str, problems: &[String]) -> Option<String> {
    (!problems.is_empty()).then(|| format!("{header}\n  - {}", problems.join("\n  - ")))
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
    luring: Luring,
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
        let luring = Luring {
            dir: root.join("profile"),
        };
        let mut fx = Self {
            _tmp: tmp,
            root,
            luring,
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
        run_at(self.luring.command().args(args), &self.root, stdin)
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
        let shown: Vec<String> = args
            .iter()
            .map(|s| format!("{:?}", s.to_string_lossy()))
            .collect();
        failure(
            &format!("[{case}] luring --profile P {}", shown.join(" ")),
            &p,
        )
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

    /// Runs bad cases whose messages must all contain one of `words`, and reports every
    /// failure by name.
    fn refuse_each(&self, cases: &[(String, Vec<OsString>)], words: &str) {
        report(
            cases
                .iter()
                .filter_map(|(case, args)| self.refuse(case, args, words))
                .collect(),
        );
    }
}

// ---------------------------------------------------------------------------------------
// The tests, by concern (after `args!`, which they use)
// ---------------------------------------------------------------------------------------

mod bundles;
mod docs;
mod ids;
mod profiles;
mod syntax;
mod tasks;
