//! End to end, with real `luring` processes: two civil servants edit the same naskah dinas
//! and the same task offline, then exchange bundle files (a USB stick) in either order.
//! Both must end byte-for-byte identical in `doc show --json`, and nothing either of them
//! wrote may be lost.

use std::path::Path;

use luring_testkit::{Luring, ANI, BUDI};

/// Replaces the body of `doc` in `l`'s profile with `body`, as `doc edit --body-file`.
fn write_body(l: &Luring, root: &Path, doc: &str, body: &str) {
    let f = root.join(format!(
        "{}.txt",
        l.dir.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&f, body).unwrap();
    l.ok(&["doc", "edit", doc, "--body-file", f.to_str().unwrap()]);
}

fn export(l: &Luring, file: &Path) {
    l.ok(&["bundle", "export", "--out", file.to_str().unwrap()]);
}

fn import(l: &Luring, file: &Path) {
    l.ok(&["bundle", "import", file.to_str().unwrap()]);
}

const BODY: &str = "Yth. Kepala Bappeda,\n\nBersama ini kami sampaikan rencana kunjungan ke Desa Sukamaju.\n\nDemikian untuk menjadi perhatian.\n";

fn scenario(a_imports_first: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ani = Luring::init(root, "ani", ANI.0);
    let budi = Luring::init(root, "budi", BUDI.0);

    let base = root.join("base.body");
    std::fs::write(&base, BODY).unwrap();
    let doc = ani.id(&[
        "doc",
        "new",
        "--title",
        "Nota dinas kunjungan",
        "--kind",
        "nota-dinas",
        "--body-file",
        base.to_str().unwrap(),
        "--json",
    ]);
    let task = ani.id(&[
        "task",
        "add",
        "Siapkan kunjungan desa",
        "--due",
        "2026-12-05",
        "--json",
    ]);
    export(&ani, &root.join("base.bundle"));
    import(&budi, &root.join("base.bundle"));

    // Offline, at the same time: Ani rewrites the opening, Budi the closing.
    write_body(
        &ani,
        root,
        &doc,
        &BODY.replace("Yth. Kepala Bappeda,", "Yth. Kepala Bappeda Kabupaten,"),
    );
    write_body(
        &budi,
        root,
        &doc,
        &BODY.replace(
            "Demikian untuk menjadi perhatian.",
            "Demikian, atas perhatiannya kami ucapkan terima kasih.",
        ),
    );
    ani.ok(&["task", "set", &task, "--status", "dikerjakan"]);
    ani.ok(&["task", "comment", &task, "Transport sudah dipesan"]);
    budi.ok(&["task", "set", &task, "--due", "2026-12-06"]);
    budi.ok(&["task", "comment", &task, "Surat tugas menyusul"]);

    let (fa, fb) = (root.join("ani.bundle"), root.join("budi.bundle"));
    if a_imports_first {
        export(&budi, &fb);
        import(&ani, &fb);
        export(&ani, &fa); // already merged
        import(&budi, &fa);
    } else {
        export(&ani, &fa);
        import(&budi, &fa);
        export(&budi, &fb); // already merged
        import(&ani, &fb);
    }
    // Importing again changes nothing.
    import(&ani, &fb);

    let show_a = ani.ok(&["doc", "show", &doc, "--json"]);
    let show_b = budi.ok(&["doc", "show", &doc, "--json"]);
    assert_eq!(show_a, show_b, "the two replicas differ");
    let body = serde_json::from_str::<serde_json::Value>(&show_a).unwrap()["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        body,
        "Yth. Kepala Bappeda Kabupaten,\n\nBersama ini kami sampaikan rencana kunjungan ke Desa Sukamaju.\n\nDemikian, atas perhatiannya kami ucapkan terima kasih.\n"
    );

    let task_a = ani.ok(&["task", "show", &task, "--json"]);
    assert_eq!(task_a, budi.ok(&["task", "show", &task, "--json"]));
    let t: serde_json::Value = serde_json::from_str(&task_a).unwrap();
    assert_eq!(t["status"], "dikerjakan");
    assert_eq!(t["due"], "2026-12-06");
    let comments: Vec<&str> = t["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert!(
        comments.contains(&"Transport sudah dipesan"),
        "{comments:?}"
    );
    assert!(comments.contains(&"Surat tugas menyusul"), "{comments:?}");
    assert_eq!(
        ani.ok(&["task", "list", "--json"]),
        budi.ok(&["task", "list", "--json"])
    );
}

#[test]
fn offline_edits_merge_when_ani_imports_first() {
    scenario(true);
}

#[test]
fn offline_edits_merge_when_budi_imports_first() {
    scenario(false);
}
