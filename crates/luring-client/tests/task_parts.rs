//! Checklist, dispositions and attachments through the profile, as the Tugas and Naskah
//! screens use them: each edit lands in the outbox, merges across profiles, and bad input
//! is a clear error that changes nothing.

use std::path::Path;

use luring_client::{
    ClientError, NewDocInput, NewTaskInput, Profile, ATTACHMENTS_DIR, ATTACHMENT_MAX_BYTES,
    NOT_DOWNLOADED,
};

const ANI: &str = "198703122010011002";
const BUDI: &str = "199001012015031001";
const SITI: &str = "198211032008012004";

fn profile(root: &Path, name: &str, nip: &str) -> Profile {
    Profile::init(&root.join(name), name, nip).unwrap()
}

fn pending(p: &Profile) -> i64 {
    p.status().unwrap().pending_changes
}

/// Copies every entity of `from` into `to` by bundle, as two offline devices would.
fn exchange(from: &Profile, to: &mut Profile, tmp: &Path) {
    let f = tmp.join("x.bundle");
    from.export_bundle(&f).unwrap();
    to.import_bundle(&f).unwrap();
}

#[test]
fn checklist_items_are_added_ticked_and_merge_across_profiles() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let mut siti = profile(tmp.path(), "siti", SITI);
    let id = ani
        .add_task(&NewTaskInput {
            title: "Rekap Musrenbang".into(),
            ..Default::default()
        })
        .unwrap();
    let before = pending(&ani);
    let t = ani
        .add_checklist_item(&id, "Kumpulkan usulan desa")
        .unwrap();
    assert_eq!(pending(&ani), before + 1);
    let k1 = t.checklist.last().unwrap().id.clone();
    assert!(!t.checklist[0].done);
    let k2 = ani
        .add_checklist_item(&id, "Rekap per kecamatan")
        .unwrap()
        .checklist
        .last()
        .unwrap()
        .id
        .clone();
    assert_ne!(k1, k2);
    exchange(&ani, &mut siti, tmp.path());

    // Offline on both sides: Ani ticks k1, Siti ticks k2 and adds an item.
    ani.set_checklist_item(&id, &k1, true).unwrap();
    siti.set_checklist_item(&id, &k2, true).unwrap();
    siti.add_checklist_item(&id, "Kirim ke Kabid").unwrap();
    exchange(&siti, &mut ani, tmp.path());
    exchange(&ani, &mut siti, tmp.path());
    let (a, s) = (ani.show_task(&id).unwrap(), siti.show_task(&id).unwrap());
    assert_eq!(a, s);
    assert_eq!(a.checklist.len(), 3);
    assert!(a.checklist.iter().find(|i| i.id == k1).unwrap().done);
    assert!(a.checklist.iter().find(|i| i.id == k2).unwrap().done);

    let t = ani.set_checklist_item(&id, &k1, false).unwrap();
    assert!(!t.checklist.iter().find(|i| i.id == k1).unwrap().done);
    assert!(ani.store().check_derived().unwrap().is_empty());
}

#[test]
fn bad_checklist_input_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let id = ani
        .add_task(&NewTaskInput {
            title: "Rekap".into(),
            ..Default::default()
        })
        .unwrap();
    let before = pending(&ani);
    let e = ani.add_checklist_item(&id, "   ").unwrap_err();
    assert_eq!(e.code(), "invalid", "{e}");
    assert!(ani.add_checklist_item(&id, &"x".repeat(2001)).is_err());
    let e = ani.set_checklist_item(&id, "k-tidakada", true).unwrap_err();
    assert!(
        matches!(&e, ClientError::NotFound { kind: "checklist item", id } if id == "k-tidakada"),
        "{e}"
    );
    assert_eq!(
        ani.add_checklist_item("t-tidakada", "Satu")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(pending(&ani), before);
    assert!(ani.show_task(&id).unwrap().checklist.is_empty());
}

#[test]
fn a_disposition_comes_from_this_profile_and_assigns_the_recipient() {
    let tmp = tempfile::tempdir().unwrap();
    let mut siti = profile(tmp.path(), "siti", SITI);
    let id = siti
        .add_task(&NewTaskInput {
            title: "Telaah usulan".into(),
            assignees: vec![ANI.into()],
            ..Default::default()
        })
        .unwrap();
    let t = siti
        .add_disposition(&id, BUDI, "Bantu Ani merekap data")
        .unwrap();
    assert_eq!(t.dispositions.len(), 1);
    let d = &t.dispositions[0];
    assert_eq!((d.from.as_str(), d.to.as_str()), (SITI, BUDI));
    assert_eq!(d.instruction.as_str(), "Bantu Ani merekap data");
    assert_eq!(t.assignees, [ANI, BUDI]);

    let e = siti.add_disposition(&id, "12345", "Tolong").unwrap_err();
    assert_eq!(e.code(), "invalid");
    let e = siti.add_disposition(&id, BUDI, " ").unwrap_err();
    assert!(e.to_string().contains("the instruction"), "{e}");
    assert!(siti.add_disposition(&id, BUDI, &"x".repeat(2001)).is_err());
    assert_eq!(siti.show_task(&id).unwrap().dispositions.len(), 1);
}

#[test]
fn attachments_are_stored_by_hash_with_their_names() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let doc = ani
        .new_document(&NewDocInput {
            title: "Undangan rapat".into(),
            ..Default::default()
        })
        .unwrap();
    let scan = tmp.path().join("undangan.pdf");
    let bytes = b"%PDF-1.4 undangan rapat koordinasi".repeat(100);
    std::fs::write(&scan, &bytes).unwrap();
    let before = pending(&ani);

    let list = ani.attach_file(&doc, &scan).unwrap();
    let hash = blake3::hash(&bytes).to_hex().to_string();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].hash, hash);
    assert_eq!(list[0].name, "undangan.pdf");
    assert_eq!(list[0].bytes, bytes.len() as u64);
    assert_eq!(pending(&ani), before + 1);
    assert_eq!(
        ani.show_document(&doc).unwrap().attachments,
        std::slice::from_ref(&hash)
    );
    let dir = ani.dir().join(ATTACHMENTS_DIR);
    assert_eq!(std::fs::read(dir.join(&hash)).unwrap(), bytes);
    // Attaching the same bytes again adds nothing, and no temporary file is left behind.
    let copy = tmp.path().join("salinan.pdf");
    std::fs::write(&copy, &bytes).unwrap();
    assert_eq!(ani.attach_file(&doc, &copy).unwrap().len(), 1);
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        ani.list_attachments(&doc).unwrap(),
        ani.attach_file(&doc, &copy).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&ani.list_attachments(&doc).unwrap()[0]).unwrap()["bytes"],
        bytes.len()
    );
}

#[test]
fn attachments_from_another_device_are_listed_as_not_downloaded() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let mut siti = profile(tmp.path(), "siti", SITI);
    let doc = ani
        .new_document(&NewDocInput {
            title: "Laporan".into(),
            ..Default::default()
        })
        .unwrap();
    let f = tmp.path().join("tabel.xlsx");
    std::fs::write(&f, b"tabel").unwrap();
    let hash = ani.attach_file(&doc, &f).unwrap()[0].hash.clone();
    exchange(&ani, &mut siti, tmp.path());
    let l = siti.list_attachments(&doc).unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!(
        (l[0].hash.as_str(), l[0].name.as_str(), l[0].bytes),
        (hash.as_str(), NOT_DOWNLOADED, 0)
    );
}

/// A colleague's attachment has no name on this device: the viewer's copy is
/// `lampiran-<hash>` with the extension its bytes show, so the system picks an application.
#[test]
fn a_colleagues_attachment_opens_with_the_extension_its_bytes_show() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let mut siti = profile(tmp.path(), "siti", SITI);
    let doc = ani
        .new_document(&NewDocInput {
            title: "Laporan".into(),
            ..Default::default()
        })
        .unwrap();
    // A Windows program, a Linux one and a script: "Buka" must never run them.
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    exe.resize(256, 0);
    exe[0x3c] = 0x80;
    exe.resize(0x80, 0);
    exe.extend_from_slice(b"PE\0\0");
    exe.resize(512, 0);
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0".to_vec();
    elf.resize(128, 0);
    let files: [(&str, &[u8]); 6] = [
        ("surat.pdf", b"%PDF-1.7\n1 0 obj\n"),
        ("foto.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("catatan.txt", b"rapat jam 9"),
        ("setup.exe", &exe),
        ("alat", &elf),
        ("pasang.sh", b"#!/bin/sh\nrm -rf ~\n"),
    ];
    let mut hashes = Vec::new();
    for (name, bytes) in files {
        let f = tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        hashes.push(
            ani.attach_file(&doc, &f)
                .unwrap()
                .last()
                .unwrap()
                .hash
                .clone(),
        );
    }
    exchange(&ani, &mut siti, tmp.path());
    // The bytes arrive as a download puts them: under their hash, no name.
    let theirs = siti.dir().join(ATTACHMENTS_DIR);
    std::fs::create_dir_all(&theirs).unwrap();
    for h in &hashes {
        std::fs::copy(ani.dir().join(ATTACHMENTS_DIR).join(h), theirs.join(h)).unwrap();
    }
    let opened: Vec<String> = hashes
        .iter()
        .map(|h| {
            let out = siti.attachment_for_viewing(&doc, h).unwrap();
            out.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    assert_eq!(opened[0], format!("lampiran-{}.pdf", &hashes[0][..12]));
    assert_eq!(opened[1], format!("lampiran-{}.png", &hashes[1][..12]));
    // Bytes of no known kind keep the bare name rather than a guessed extension, and so do
    // programs and scripts, whatever their bytes say.
    for (i, h) in hashes.iter().enumerate().skip(2) {
        assert_eq!(opened[i], format!("lampiran-{}", &h[..12]), "file {i}");
    }
    let kinds: Vec<_> = hashes[3..]
        .iter()
        .map(|h| {
            infer::get_from_path(theirs.join(h))
                .unwrap()
                .map(|k| k.extension())
        })
        .collect();
    assert_eq!(
        kinds[..2],
        [Some("exe"), Some("elf")],
        "the test's bytes are programs"
    );
    // On Ani's device the file keeps the name it was attached under.
    let own = ani.attachment_for_viewing(&doc, &hashes[0]).unwrap();
    assert_eq!(own.file_name().unwrap(), "surat.pdf");
}

#[test]
fn folders_missing_files_oversized_files_and_wrong_ids_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let doc = ani
        .new_document(&NewDocInput {
            title: "Nota".into(),
            ..Default::default()
        })
        .unwrap();
    let before = pending(&ani);
    let e = ani.attach_file(&doc, tmp.path()).unwrap_err();
    assert!(e.to_string().contains("folder"), "{e}");
    let e = ani
        .attach_file(&doc, &tmp.path().join("tidak-ada.pdf"))
        .unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert_eq!(e.code(), "file");
    let big = tmp.path().join("besar.tif");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(ATTACHMENT_MAX_BYTES + 1)
        .unwrap();
    let e = ani.attach_file(&doc, &big).unwrap_err();
    assert!(e.to_string().contains("at most 25 MB"), "{e}");
    let small = tmp.path().join("kecil.txt");
    std::fs::write(&small, b"isi").unwrap();
    assert_eq!(
        ani.attach_file("d-tidakada", &small).unwrap_err().code(),
        "not_found"
    );
    let task = ani
        .add_task(&NewTaskInput {
            title: "Tugas".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        ani.attach_file(&task, &small).unwrap_err().code(),
        "wrong_kind"
    );
    assert_eq!(pending(&ani), before + 1, "only the task was added");
    assert!(ani.list_attachments(&doc).unwrap().is_empty());
    // Nothing was copied, not even a temporary file.
    let dir = ani.dir().join(ATTACHMENTS_DIR);
    assert!(!dir.exists() || std::fs::read_dir(&dir).unwrap().next().is_none());
}

#[test]
fn find_tasks_matches_titles_ignoring_case_within_the_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let add = |p: &mut Profile, title: &str, assignees: Vec<String>| {
        p.add_task(&NewTaskInput {
            title: title.into(),
            assignees,
            ..Default::default()
        })
        .unwrap()
    };
    add(&mut ani, "Rekap data SDGs Desa", vec![ANI.into()]);
    add(&mut ani, "Rapat koordinasi RPJMD", vec![ANI.into()]);
    add(&mut ani, "Rekap absensi WFH", vec![BUDI.into()]);
    let titles = |rows: Vec<luring_client::TaskRow>| {
        let mut t: Vec<String> = rows.into_iter().map(|r| r.title).collect();
        t.sort();
        t
    };
    assert_eq!(
        titles(ani.find_tasks(None, None, "  REKAP ").unwrap()),
        ["Rekap absensi WFH", "Rekap data SDGs Desa"]
    );
    assert_eq!(
        titles(ani.find_tasks(None, Some(ANI), "rekap").unwrap()),
        ["Rekap data SDGs Desa"]
    );
    assert_eq!(ani.find_tasks(None, None, "").unwrap().len(), 3);
    assert!(ani
        .find_tasks(Some("selesai"), None, "")
        .unwrap()
        .is_empty());
    assert!(matches!(
        ani.find_tasks(Some("hilang"), None, "rekap"),
        Err(ClientError::Invalid(_))
    ));
}

#[test]
fn status_counts_waiting_items_apart_from_their_many_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ani = profile(tmp.path(), "ani", ANI);
    let doc = ani
        .new_document(&NewDocInput {
            title: "Nota dinas".into(),
            body: "Rapat".into(),
            ..Default::default()
        })
        .unwrap();
    // Typed as the editor saves: one change per keystroke burst.
    for body in ["Rapat k", "Rapat koor", "Rapat koordinasi"] {
        ani.set_document_body(&doc, body).unwrap();
    }
    let st = ani.status().unwrap();
    assert!(st.pending_changes >= 4, "{st:?}");
    assert_eq!(st.pending_items, 1, "{st:?}");
    ani.add_task(&NewTaskInput {
        title: "Undangan rapat".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(ani.status().unwrap().pending_items, 2);
}
