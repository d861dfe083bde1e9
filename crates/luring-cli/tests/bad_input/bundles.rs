//! Damaged, foreign or misdirected bundle files, and exports that would overwrite the profile.

use super::*;

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
            fx.luring.dir.join("luring.db"),
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
        fx.luring.dir.join("luring.db"),
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
    report(
        failure("[bundle export --out PROFILE/luring.db]", &p)
            .into_iter()
            .collect(),
    );
}
