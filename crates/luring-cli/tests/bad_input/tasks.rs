//! Bad task input: titles (of documents too), due dates, statuses, comments, descriptions,
//! and a `task set` with nothing to change.

use super::*;

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
    fx.refuse_each(&cases, "date");
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
        let l = Luring {
            dir: dir.to_owned(),
        };
        run_at(l.command().args(rest), cwd, None)
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
    fx.refuse_each(&cases, "status");
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
