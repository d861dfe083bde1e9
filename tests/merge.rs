//! End to end, with real `luring` processes: two civil servants edit the same naskah dinas
//! and the same task offline, then exchange bundle files (a USB stick) in either order.
//! Both must end byte-for-byte identical in `doc show --json`, and nothing either of them
//! wrote may be lost.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_luring");

struct Person {
    dir: PathBuf,
}

impl Person {
    fn new(root: &Path, name: &str, nip: &str) -> Self {
        let p = Self {
            dir: root.join(name),
        };
        p.run(&["init", "--name", name, "--nip", nip]);
        p
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .arg("--profile")
            .arg(&self.dir)
            .args(args)
            .env_remove("LURING_PROFILE")
            .output()
            .expect("luring runs");
        assert!(
            out.status.success(),
            "luring {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn id(&self, args: &[&str]) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.run(args)).unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    fn write_body(&self, root: &Path, doc: &str, body: &str) {
        let f = root.join(format!(
            "{}.txt",
            self.dir.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&f, body).unwrap();
        self.run(&["doc", "edit", doc, "--body-file", f.to_str().unwrap()]);
    }

    fn export(&self, file: &Path) {
        self.run(&["bundle", "export", "--out", file.to_str().unwrap()]);
    }

    fn import(&self, file: &Path) {
        self.run(&["bundle", "import", file.to_str().unwrap()]);
    }
}

const BODY: &str = "Yth. Kepala Bappeda,\n\nBersama ini kami sampaikan rencana kunjungan ke Desa Sukamaju.\n\nDemikian untuk menjadi perhatian.\n";

fn scenario(a_imports_first: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ani = Person::new(root, "ani", "198703122010011002");
    let budi = Person::new(root, "budi", "199001012015031001");

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
    ani.export(&root.join("base.bundle"));
    budi.import(&root.join("base.bundle"));

    // Offline, at the same time: Ani rewrites the opening, Budi the closing.
    ani.write_body(
        root,
        &doc,
        &BODY.replace("Yth. Kepala Bappeda,", "Yth. Kepala Bappeda Kabupaten,"),
    );
    budi.write_body(
        root,
        &doc,
        &BODY.replace(
            "Demikian untuk menjadi perhatian.",
            "Demikian, atas perhatiannya kami ucapkan terima kasih.",
        ),
    );
    ani.run(&["task", "set", &task, "--status", "dikerjakan"]);
    ani.run(&["task", "comment", &task, "Transport sudah dipesan"]);
    budi.run(&["task", "set", &task, "--due", "2026-12-06"]);
    budi.run(&["task", "comment", &task, "Surat tugas menyusul"]);

    let (fa, fb) = (root.join("ani.bundle"), root.join("budi.bundle"));
    if a_imports_first {
        budi.export(&fb);
        ani.import(&fb);
        ani.export(&fa); // already merged
        budi.import(&fa);
    } else {
        ani.export(&fa);
        budi.import(&fa);
        budi.export(&fb); // already merged
        ani.import(&fb);
    }
    // Importing again changes nothing.
    ani.import(&fb);

    let show_a = ani.run(&["doc", "show", &doc, "--json"]);
    let show_b = budi.run(&["doc", "show", &doc, "--json"]);
    assert_eq!(show_a, show_b, "the two replicas differ");
    let body = serde_json::from_str::<serde_json::Value>(&show_a).unwrap()["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        body,
        "Yth. Kepala Bappeda Kabupaten,\n\nBersama ini kami sampaikan rencana kunjungan ke Desa Sukamaju.\n\nDemikian, atas perhatiannya kami ucapkan terima kasih.\n"
    );

    let task_a = ani.run(&["task", "show", &task, "--json"]);
    assert_eq!(task_a, budi.run(&["task", "show", &task, "--json"]));
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
        ani.run(&["task", "list", "--json"]),
        budi.run(&["task", "list", "--json"])
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
