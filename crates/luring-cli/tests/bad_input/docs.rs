//! Documents: unknown kinds and classifications, unreadable or non-UTF-8 body files.

use super::*;

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
