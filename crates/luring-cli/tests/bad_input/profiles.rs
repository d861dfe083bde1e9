//! Profiles that are missing, doubled, damaged or not given, and `LURING_PROFILE`.

use super::*;

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
            failures.extend(failure(&format!("[{case} on {}]", dir.display()), &p));
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
        failures.extend(failure(&format!("[{case} with no profile]"), &p));
    }
    report(failures);
}

#[test]
fn control_the_profile_variable_is_honoured() {
    let fx = Fx::new();
    let out = Command::new(luring_bin())
        .args(["status", "--json"])
        .current_dir(&fx.root)
        .env("LURING_PROFILE", &fx.luring.dir)
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
    let out = Command::new(luring_bin())
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
        args!["--profile", fx.luring.dir, "status",],
        args!["status", "--profile", fx.luring.dir,],
    ] {
        let out = Command::new(luring_bin())
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
        failures.extend(failure(&format!("[{case} on a damaged db]"), &p));
    }
    report(failures);
}
