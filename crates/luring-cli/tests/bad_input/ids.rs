//! Unknown, malformed and wrong-kind entity ids, and NIPs that are not 18 ASCII digits.

use super::*;

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
        failures.extend(failure(&format!("[init --nip {nip:?}]"), &p));
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
    failures.extend(failure("[init --name \"   \"]", &p));
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
    fx.refuse_each(&cases, "NIP");
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
