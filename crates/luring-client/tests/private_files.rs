//! Secrets at rest: a profile folder (database with the bearer token, WAL files, key files,
//! attachments) is readable by its owner only, from creation on, and a folder opened to
//! others (copied, restored, made by an older version) is repaired when opened.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use luring_client::{NewDocInput, NewTaskInput, Profile};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn set_mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

/// Every file and folder under `dir` (the folder itself included), with its mode.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    let mut out = vec![(dir.display().to_string(), mode(dir))];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(modes(&p));
        } else {
            out.push((p.display().to_string(), mode(&p)));
        }
    }
    out
}

fn assert_private(dir: &Path) {
    for (path, m) in modes(dir) {
        assert_eq!(m & 0o077, 0, "{path} is open to others: {m:o}");
    }
}

#[test]
fn a_new_profile_is_private_and_an_opened_up_one_is_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ani");
    let mut p = Profile::init(&dir, "Ani Lestari", "198703122010011002").unwrap();
    assert!(p.access_fixes().is_empty());
    p.add_task(&NewTaskInput {
        title: "Rekap".into(),
        ..Default::default()
    })
    .unwrap();
    let doc = p
        .new_document(&NewDocInput {
            title: "Nota".into(),
            body: "isi".into(),
            ..Default::default()
        })
        .unwrap();
    let scan = tmp.path().join("scan.pdf");
    std::fs::write(&scan, b"%PDF-1.4 pindaian").unwrap();
    set_mode(&scan, 0o644);
    p.attach_file(&doc, &scan).unwrap();

    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("luring.db")), 0o600);
    let wal = dir.join("luring.db-wal");
    assert!(wal.exists(), "the database runs in WAL mode");
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(mode(&dir.join("attachments")), 0o700);
    assert_private(&dir);
    drop(p);

    // Opened to everyone, as a copy with the default umask would be.
    set_mode(&dir, 0o755);
    set_mode(&dir.join("luring.db"), 0o644);
    set_mode(&dir.join("attachments"), 0o755);
    let att = std::fs::read_dir(dir.join("attachments"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    set_mode(&att, 0o664);

    let p = Profile::open(&dir).unwrap();
    let fixes = p.access_fixes().to_vec();
    assert_eq!(fixes.len(), 4, "{fixes:?}");
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("luring.db was open to others (mode 644); it is now 600")),
        "{fixes:?}"
    );
    assert_private(&dir);
    assert_eq!(mode(&dir.join("luring.db")), 0o600);
    assert_eq!(mode(&att), 0o600);
    drop(p);
    assert!(Profile::open(&dir).unwrap().access_fixes().is_empty());
}
