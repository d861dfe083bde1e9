//! Issue 15 item 6: evidence is saved where the person chooses, through the system's real
//! save dialog (GTK, driven with `xdotool`), under a sensible default name, and verifies;
//! an attachment opens with the system's viewer under its own name; the letter number of
//! an approved letter stands on its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use luring_desktop_e2e::{Driver, WAIT};
use luring_testkit::{demo_agency, Luring, ANI, SITI};

use super::tempdir;

const PASS_SITI: &str = "tanda tangan siti 2026";
/// The save dialog's title (ui/src/i18n/id.ts `apv.exportTitle`).
const SAVE_TITLE: &str = "Simpan bukti persetujuan";

/// `luring verify FILE --agency-key KEY` with no profile: whether it passed, and its report.
fn verify(evidence: &Path, agency_key: &str) -> (bool, String) {
    let out = std::process::Command::new(luring_testkit::luring_bin())
        .args([
            "verify",
            evidence.to_str().unwrap(),
            "--agency-key",
            agency_key,
        ])
        .env_remove("LURING_PROFILE")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Files directly in `dir`, by name, but hidden ones (GTK and WebKit keep their settings
/// and caches in the home folder's `.config`, `.cache`, `.local`).
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// Ani's letter, approved by Siti (her CLI, synced), with its number and the server's
/// receipts on Ani's device. The staff member's window exports the evidence three times:
/// cancelled (nothing written, nothing alarming said), to a path typed into the dialog
/// (the file verifies), and by pressing Return on what the dialog offers (the default name
/// in the person's home folder). The letter number shows on its own in Persetujuan and in
/// the editor.
#[tokio::test(flavor = "multi_thread")]
async fn evidence_is_saved_where_the_person_chooses_in_the_system_dialog() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let siti = Luring::login(root.path(), "siti", &server, SITI);
    siti.set_passphrase(PASS_SITI);
    let doc = ani.new_doc(
        "Nota dinas rapat evaluasi",
        "Rapat evaluasi program dilaksanakan hari Kamis.\n",
    );
    let request = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.ok(&["sync"]);
    siti.ok(&["sync"]);
    siti.ok_with(
        &[
            "approval",
            "sign",
            &request,
            "--approve",
            "--note",
            "Setuju.",
            "--passphrase-stdin",
        ],
        &format!("{PASS_SITI}\n"),
    );
    siti.ok(&["sync"]);
    ani.ok(&["sync"]);
    let number = ani.json(&["doc", "show", &doc, "--json"])["letter_number"]
        .as_str()
        .expect("the approved letter has a number on Ani's device")
        .to_owned();

    // The window's home folder is the test's: the dialog starts there (no Documents
    // folder in it), and nothing is written to the real one.
    let home = root.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let driver = Driver::start_with(&[
        ("HOME", home.to_str().unwrap()),
        ("XDG_CONFIG_HOME", home.join(".config").to_str().unwrap()),
    ]);
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.nav("persetujuan").await;
    app.click(&format!("[data-approval-id=\"{request}\"]"))
        .await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    app.wait_text("[data-testid=\"approval-letter-number\"]", &number, WAIT)
        .await;
    let before: Vec<String> = names_in(&home);

    // Cancelled: nothing is written and nothing alarming is said.
    app.open_dialog("#evidence-export", SAVE_TITLE)
        .await
        .cancel();
    // The button is enabled again once the export has ended.
    app.el("#evidence-export:not([disabled])").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(names_in(&home), before, "a cancelled export wrote a file");
    assert_eq!(
        app.el("[data-testid=\"evidence-path\"]")
            .await
            .text()
            .await
            .unwrap(),
        ""
    );
    assert!(
        app.c
            .find(fantoccini::Locator::Css("#evidence-error"))
            .await
            .is_err(),
        "cancelling the dialog showed an error"
    );

    // A whole path typed into the dialog's name field: the file is there and verifies.
    let out_dir = root.path().join("flashdisk");
    std::fs::create_dir_all(&out_dir).unwrap();
    let chosen = out_dir.join("bukti rapat evaluasi.json");
    let dialog = app.open_dialog("#evidence-export", SAVE_TITLE).await;
    dialog.type_name(chosen.to_str().unwrap());
    dialog.accept();
    app.wait_text(
        "[data-testid=\"evidence-path\"]",
        &format!("Bukti disimpan di: {}", chosen.display()),
        WAIT,
    )
    .await;
    let agency_key = ani.meta("agency_key");
    let (ok, report) = verify(&chosen, &agency_key);
    assert!(ok, "the saved evidence does not verify:\n{report}");
    assert!(!report.contains("GAGAL"), "{report}");
    assert_eq!(
        names_in(&out_dir),
        ["bukti rapat evaluasi.json"],
        "a temporary file was left"
    );

    // Return on what the dialog offers: the default name, in the home folder.
    let today = chrono::Local::now().date_naive();
    app.open_dialog("#evidence-export", SAVE_TITLE)
        .await
        .accept();
    let shown = app
        .wait_text(
            "[data-testid=\"evidence-path\"]",
            "bukti-persetujuan-",
            WAIT,
        )
        .await;
    app.screenshot("15-bukti-disimpan").await;
    let later = chrono::Local::now().date_naive();
    // "011/BAPPEDA.PEM/2026" as a file name: every separator a dash.
    let safe_number: String = number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let expected: Vec<PathBuf> = [today, later]
        .iter()
        .map(|d| {
            home.join(format!(
                "bukti-persetujuan-{safe_number}-{}.json",
                d.format("%Y-%m-%d")
            ))
        })
        .collect();
    let saved = expected
        .iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no {expected:?}; the home folder has {:?}", names_in(&home)));
    assert!(shown.contains(&saved.display().to_string()), "{shown}");
    let (ok, report) = verify(saved, &agency_key);
    assert!(
        ok,
        "the evidence saved under the default name does not verify:\n{report}"
    );

    // The editor's header and approval card show the number on its own too.
    app.nav("naskah").await;
    app.click(&format!("[data-doc-id=\"{doc}\"]")).await;
    app.wait_text("[data-testid=\"editor-letter-number\"]", &number, WAIT)
        .await;
    app.wait_text("[data-testid=\"doc-letter-number\"]", &number, WAIT)
        .await;
    app.close().await;
    drop(server);
}

/// "Buka" on an attachment hands the system's viewer a copy with the original's name and
/// bytes. The viewer (`xdg-open`) is the operating system's, not our software, so the test
/// puts a recording stand-in first on the app's PATH: it copies the file it is given into
/// a folder the test reads.
#[tokio::test(flavor = "multi_thread")]
async fn an_attachment_opens_in_the_systems_viewer_under_its_own_name() {
    let root = tempdir();
    let ani = Luring::init(root.path(), "ani", ANI.0);
    let doc = ani.new_doc("Undangan rapat RT", "Terlampir undangan.\n");
    let original: Vec<u8> = (0..20_000u32)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    let scan = root.path().join("undangan rapat RT.pdf");
    std::fs::write(&scan, &original).unwrap();
    ani.ok(&["doc", "attach", &doc, scan.to_str().unwrap()]);

    let bin = root.path().join("bin");
    let opened = root.path().join("opened");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&opened).unwrap();
    let viewer = bin.join("xdg-open");
    std::fs::write(
        &viewer,
        format!(
            "#!/bin/sh\n# Stands in for the system's viewer: records what it was asked to open.\n\
             cp -- \"$1\" '{}/'\n",
            opened.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let driver = Driver::start_with(&[("PATH", &path)]);
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&format!("[data-doc-id=\"{doc}\"]")).await;
    app.wait_text(".attachments", "undangan rapat RT.pdf", WAIT)
        .await;
    app.click("[data-testid=\"attachment-open\"]").await;
    app.wait_text(
        "[data-testid=\"attachment-opened\"]",
        "undangan rapat RT.pdf dibuka",
        WAIT,
    )
    .await;
    let copy = opened.join("undangan rapat RT.pdf");
    let end = std::time::Instant::now() + WAIT;
    while !copy.is_file() {
        assert!(
            std::time::Instant::now() < end,
            "the viewer was not given the file (it has {:?})",
            names_in(&opened)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The copy may still be being written by `cp`: wait for the whole length.
    let end = std::time::Instant::now() + WAIT;
    while std::fs::metadata(&copy).unwrap().len() < original.len() as u64 {
        assert!(std::time::Instant::now() < end, "the copy never grew whole");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(names_in(&opened), ["undangan rapat RT.pdf"]);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        original,
        "the viewer got other bytes"
    );
    app.close().await;
}
