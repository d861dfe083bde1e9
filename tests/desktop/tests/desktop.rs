//! The desktop app driven through WebDriver, as a person would use it: the real window
//! (tauri-driver + WebKitWebDriver under Xvfb), the real agency server and the real CLI as
//! processes. Run by `scripts/test-desktop.sh`; each test starts its own driver and server.

use std::time::Duration;

use fantoccini::key::Key;
use luring_desktop_e2e::{Driver, WAIT};
use luring_testkit::tls::Ca;
use luring_testkit::{demo_agency, seed, Luring, Server, ANI, MARIA, SITI};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The main story: a staff member drafts and asks for approval in the app; her
/// supervisor approves on his own device while the server is down; once the server is back
/// and both have synced, the staff member's open window shows `Disetujui` by itself.
#[tokio::test(flavor = "multi_thread")]
async fn approval_signed_while_server_is_down_appears_without_reload() {
    let (root, server) = demo_agency();
    let driver = Driver::start();
    let app = driver.launch(&root.path().join("ani")).await;

    // First run: connect to the agency and log in; skip the passphrase (staff need not sign).
    app.el("#choose-login").await;
    app.screenshot("01-mulai").await;
    app.log_in(&server.url, (ANI.0, "salah-ketik")).await;
    app.wait_text("form .error", "kata sandi salah", WAIT).await;
    app.type_into("#login-password", ANI.1).await;
    app.click("#login-submit").await;
    app.el("#passphrase").await;
    app.screenshot("02-frasa-sandi").await;
    app.click("#passphrase-skip").await;
    app.el("#app-main").await;
    app.wait_online("Tersambung").await;

    // A task.
    app.nav("tugas").await;
    app.add_task("Siapkan bahan rapat RPJMD").await;
    app.screenshot("04-tugas").await;

    // A document, typed into the editor, and a request for the supervisor's approval.
    app.nav("naskah").await;
    app.type_into("#doc-new-title", "Nota dinas rapat koordinasi")
        .await;
    app.click("#doc-new-submit").await;
    let editor = app.el("#doc-editor").await;
    let doc_id = editor
        .attr("data-doc-id")
        .await
        .unwrap()
        .expect("the editor names its document");
    editor
        .send_keys("Rapat koordinasi dilaksanakan hari Senin pukul 09.00 WITA.")
        .await
        .unwrap();
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    app.type_into("#approval-chain", SITI.0).await;
    app.click("#approval-request").await;
    app.screenshot("05-naskah-editor").await;
    // The loop sends local changes within seconds while online.
    app.wait_attr(
        "[data-testid=\"pending\"]",
        "data-count",
        "0",
        Duration::from_secs(40),
    )
    .await;

    // The supervisor's device (the CLI) receives the request and the document.
    let siti = Luring::login(root.path(), "siti", &server, SITI);
    siti.set_passphrase("kunci-siti-rahasia");
    siti.ok(&["sync"]);
    let waiting = siti.json(&["approval", "list", "--json"]);
    let request = waiting["waiting_for_me"][0].clone();
    assert_eq!(request["document_id"], doc_id.as_str(), "{waiting}");
    let request_id = request["id"].as_str().unwrap().to_owned();

    // The staff member's window lists the document as waiting.
    app.nav("naskah").await;
    let row_status = format!("[data-doc-id=\"{doc_id}\"] [data-testid=\"doc-approval\"]");
    app.wait_text(&row_status, "Sedang diajukan", WAIT).await;

    // The server goes down; the supervisor approves offline, with his passphrase.
    let (data, port) = server.kill();
    let out = siti.ok_with(
        &[
            "approval",
            "sign",
            &request_id,
            "--approve",
            "--note",
            "Setuju, lanjutkan.",
            "--passphrase-stdin",
            "--json",
        ],
        "kunci-siti-rahasia\n",
    );
    let signed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(signed["status"], "disetujui");
    app.wait_text(
        "[data-testid=\"online\"]",
        "Tidak tersambung",
        Duration::from_secs(30),
    )
    .await;
    assert!(
        app.wait_text(&row_status, "Sedang diajukan", WAIT)
            .await
            .contains("Sedang diajukan"),
        "nothing may change while the server is down"
    );

    // The server returns; the supervisor syncs; the staff member's window — untouched
    // since, no reload — turns to Disetujui when its own loop syncs.
    let server = Server::start(&data, &format!("127.0.0.1:{port}"));
    siti.ok(&["sync"]);
    app.wait_text(&row_status, "Disetujui", Duration::from_secs(60))
        .await;
    app.wait_online("Tersambung").await;
    app.screenshot("06-naskah-disetujui").await;

    // The other screens, for people to look at.
    app.nav("persetujuan").await;
    app.el(&format!("[data-approval-id=\"{request_id}\"]"))
        .await;
    app.click(&format!("[data-approval-id=\"{request_id}\"]"))
        .await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    app.screenshot("07-persetujuan").await;
    app.nav("beranda").await;
    app.screenshot("03-beranda").await;
    app.nav("pengaturan").await;
    app.wait_text("#app-main", ANI.0, WAIT).await;
    app.screenshot("08-pengaturan").await;
    app.close().await;
    drop(server);
}

/// Every character typed into the editor survives the app being killed (no chance to save
/// on exit) and comes back after a restart.
#[tokio::test(flavor = "multi_thread")]
async fn editor_keeps_every_character_when_the_app_is_killed() {
    let root = tempdir();
    let profile = root.path().join("maria");
    let driver = Driver::start();
    let app = driver.launch(&profile).await;
    app.click("#choose-offline").await;
    app.type_into("#offline-name", "Maria Ndun").await;
    app.type_into("#offline-nip", MARIA.0).await;
    app.click("#offline-submit").await;
    app.el("#app-main").await;

    app.nav("naskah").await;
    app.type_into("#doc-new-title", "Laporan kunjungan desa")
        .await;
    app.click("#doc-new-submit").await;
    let editor = app.el("#doc-editor").await;
    let doc_id = editor.attr("data-doc-id").await.unwrap().unwrap();
    let lines = [
        "Kunjungan ke Desa Oelnasi, Kupang: 14 keluarga terdata.",
        "Catatan — sinyal hanya ada di balai desa; anggaran Rp 1.500.000,-.",
    ];
    // Typed as a person does: a line, the Enter key, the next line.
    editor.send_keys(lines[0]).await.unwrap();
    editor
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    editor.send_keys(lines[1]).await.unwrap();
    let text = lines.join("\n");
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    app.kill_process();
    // WebKitWebDriver serves one session at a time and still counts the dead one: a new
    // driver, as a person would simply start the app again.
    drop(driver);
    let driver = Driver::start();
    let app = driver.launch(&profile).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&format!("[data-doc-id=\"{doc_id}\"]")).await;
    let editor = app.el("#doc-editor").await;
    let body = editor.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(body, text, "the editor lost characters across a kill");

    // A scan attached by its path (the "Pilih berkas" button opens the system's chooser,
    // which WebDriver cannot drive; both end in the same command).
    let scan = root.path().join("daftar-hadir.pdf");
    std::fs::write(&scan, b"%PDF-1.4 daftar hadir warga").unwrap();
    app.el("#doc-attach-choose").await;
    app.type_into("#doc-attach-path", scan.to_str().unwrap())
        .await;
    app.click("#doc-attach-submit").await;
    app.wait_text(".attachments", "daftar-hadir.pdf", WAIT)
        .await;

    // The offline profile connects to the agency later, from Pengaturan; the document
    // written offline goes out.
    let server = Server::seeded(&root.path().join("server"));
    app.nav("pengaturan").await;
    app.type_into("#login-server", &server.url).await;
    app.type_into("#login-password", MARIA.1).await;
    app.click("#login-submit").await;
    app.wait_text("#set-server", &server.url, WAIT).await;
    app.wait_online("Tersambung").await;
    app.wait_attr("[data-testid=\"pending\"]", "data-count", "0", WAIT)
        .await;
    app.close().await;
    let other = Luring::login(root.path(), "maria-cli", &server, MARIA);
    other.ok(&["sync"]);
    assert_eq!(
        other.json(&["doc", "show", &doc_id, "--json"])["body"],
        text
    );
}

/// The stored operations since `heads` of entity `id` in the app's profile: the
/// characters inserted, each with the character it follows (None: the text's start), and
/// how many were deleted. The app may be running: SQLite (WAL) lets this read beside it.
fn typed_since(
    profile: &std::path::Path,
    id: &str,
    heads: &[automerge::ChangeHash],
) -> (Vec<(String, Option<String>)>, usize) {
    use automerge::legacy::{ElementId, Key, OpType};
    let store = luring_store::Store::open(&profile.join("luring.db")).unwrap();
    let mut doc = store.entity_doc(id).unwrap();
    let (mut inserted, mut deleted) = (vec![], 0);
    for ch in doc.get_changes(heads) {
        for op in ch.decode().operations {
            match (op.action, op.key) {
                (OpType::Put(automerge::ScalarValue::Str(s)), Key::Seq(after)) if op.insert => {
                    let after = match after {
                        ElementId::Head => None,
                        ElementId::Id(o) => Some(format!("{}@{}", o.counter(), o.actor())),
                    };
                    inserted.push((s.to_string(), after));
                }
                (OpType::Delete, _) => deleted += 1,
                (other, _) => panic!("the editor stored more than typing: {other:?}"),
            }
        }
    }
    (inserted, deleted)
}

/// The heads of entity `id` and the element id of each character of its body.
fn body_elements(profile: &std::path::Path, id: &str) -> (Vec<automerge::ChangeHash>, Vec<String>) {
    use automerge::ReadDoc;
    let store = luring_store::Store::open(&profile.join("luring.db")).unwrap();
    let mut doc = store.entity_doc(id).unwrap();
    let body = doc.get(automerge::ROOT, "body").unwrap().unwrap().1;
    let ids = (0..doc.length(&body))
        .map(|i| doc.get(&body, i).unwrap().unwrap().1.to_string())
        .collect();
    (doc.get_heads(), ids)
}

/// Typing in the middle of a word stores only the typed characters, where they were typed:
/// the editor sends the splice read from the input (caret included), not a whole-body diff.
#[tokio::test(flavor = "multi_thread")]
async fn typing_in_the_middle_of_a_word_stores_only_the_typed_characters() {
    let root = tempdir();
    let profile = root.path().join("ani");
    let driver = Driver::start();
    let app = driver.launch(&profile).await;
    app.click("#choose-offline").await;
    app.type_into("#offline-name", "Ani Lestari").await;
    app.type_into("#offline-nip", ANI.0).await;
    app.click("#offline-submit").await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.type_into("#doc-new-title", "Nota kunjungan").await;
    app.click("#doc-new-submit").await;
    let editor = app.el("#doc-editor").await;
    let doc_id = editor.attr("data-doc-id").await.unwrap().unwrap();
    editor.send_keys("Rencana kunjungan aa").await.unwrap();
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    let caret = |at: usize| {
        format!("const a = document.querySelector('#doc-editor'); a.focus(); a.setSelectionRange({at}, {at});")
    };

    // Into "kunjungan", after "kunju": a space and a letter.
    let (heads, _) = body_elements(&profile, &doc_id);
    app.c.execute(&caret(13), vec![]).await.unwrap();
    app.press(" x").await;
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    let (inserted, deleted) = typed_since(&profile, &doc_id, &heads);
    let text: String = inserted.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!((text.as_str(), deleted), (" x", 0), "kunjungan was retyped");

    // Between the two a's of "aa": after the first one, as typed (a diff would guess).
    let (heads, elements) = body_elements(&profile, &doc_id);
    let first_a = elements[elements.len() - 2].clone();
    app.c.execute(&caret(21), vec![]).await.unwrap();
    app.press("a").await;
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    let (inserted, deleted) = typed_since(&profile, &doc_id, &heads);
    assert_eq!(inserted, [("a".to_owned(), Some(first_a))]);
    assert_eq!(deleted, 0);
    assert_eq!(
        editor.prop("value").await.unwrap().unwrap_or_default(),
        "Rencana kunju xngan aaa"
    );
    app.close().await;
}

/// With the agency server unreachable from the first second, the app opens at once, says it
/// is offline, and work goes on; when the server appears, the waiting change goes out.
#[tokio::test(flavor = "multi_thread")]
async fn starts_and_works_with_the_server_unreachable() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let (data, port) = server.kill();

    let driver = Driver::start();
    let started = std::time::Instant::now();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.wait_online("Tidak tersambung").await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the window took {:?} to be usable offline",
        started.elapsed()
    );
    // By keyboard: Alt+2 opens Tugas and puts the focus on its heading.
    let (alt, release) = (char::from(Key::Alt), char::from(Key::Null));
    app.press(&format!("{alt}2{release}")).await;
    app.el("button[data-nav=\"tugas\"][aria-current=\"page\"]")
        .await;
    app.wait_focus("tasks-h").await;
    app.add_task("Input data SDGs desa").await;
    app.wait_attr("[data-testid=\"pending\"]", "data-count", "1", WAIT)
        .await;
    app.screenshot("09-tidak-tersambung").await;

    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    app.wait_attr(
        "[data-testid=\"pending\"]",
        "data-count",
        "0",
        Duration::from_secs(30),
    )
    .await;
    app.wait_online("Tersambung").await;
    app.close().await;
    assert_eq!(
        ani.json(&["task", "list", "--json"])[0]["title"],
        "Input data SDGs desa"
    );
}

/// The supervisor signs in the app, with the server down: a wrong passphrase signs nothing
/// and says so; the right one approves; once the server is back and has received it (its
/// receipt shows), the exported evidence passes `luring verify` run by anyone, with no
/// profile and no network.
#[tokio::test(flavor = "multi_thread")]
async fn supervisor_signs_in_the_app_and_the_evidence_verifies() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let doc = ani.new_doc(
        "Nota dinas kunjungan lapangan",
        "Mohon persetujuan rencana kunjungan ke Desa Oelnasi.\n",
    );
    let request = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.ok(&["sync"]);

    let driver = Driver::start();
    let siti = root.path().join("siti");
    let app = driver.launch(&siti).await;
    app.log_in(&server.url, SITI).await;
    app.choose_passphrase("kunci siti 2026").await;

    // The request arrives with the first sync; then the server goes away.
    app.nav("persetujuan").await;
    let row = format!("[data-approval-id=\"{request}\"]");
    app.click(&row).await;
    app.wait_text("#approval-detail", "Mohon persetujuan", WAIT)
        .await;
    let (data, port) = server.kill();

    app.type_into("#decision-note", "Setuju, silakan berangkat.")
        .await;
    app.type_into("#decision-passphrase", "kunci yang salah")
        .await;
    app.click("#decision-approve").await;
    app.wait_text("#approval-detail", "Frasa sandi salah", WAIT)
        .await;
    app.wait_text("[data-testid=\"approval-status\"]", "Menunggu", WAIT)
        .await;
    app.screenshot("10-persetujuan-tanda-tangan").await;

    app.type_into("#decision-passphrase", "kunci siti 2026")
        .await;
    app.click("#decision-approve").await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    // Signed offline: the server has not received it, and the window says so.
    app.wait_text(
        "[data-testid=\"decision-anchor\"]",
        "belum diterima server",
        WAIT,
    )
    .await;
    // The server returns; after a sync its signed receipt (the time anchor the evidence
    // needs) shows under the decision.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    app.click("#sync-now").await;
    app.wait_text(
        "[data-testid=\"decision-anchor\"]",
        "· diterima server",
        WAIT,
    )
    .await;
    // Saved where she chooses, in the system's save dialog (desktop/evidence.rs has more).
    let evidence = root.path().join("bukti-kunjungan.json");
    let dialog = app
        .open_dialog("#evidence-export", "Simpan bukti persetujuan")
        .await;
    dialog.type_name(evidence.to_str().unwrap());
    dialog.accept();
    app.wait_text(
        "[data-testid=\"evidence-path\"]",
        &evidence.display().to_string(),
        WAIT,
    )
    .await;
    app.close().await;

    // A third party holds the agency's public key (here: from Ani's profile, not Siti's).
    let agency_key = ani.meta("agency_key");
    let out = std::process::Command::new(luring_testkit::luring_bin())
        .args([
            "verify",
            evidence.to_str().unwrap(),
            "--agency-key",
            &agency_key,
        ])
        .env_remove("LURING_PROFILE")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify failed:\n{report}");
    assert!(!report.contains("GAGAL"), "{report}");
    assert_eq!(report.matches("[LULUS]").count(), 8, "{report}");
    let file = std::fs::read_to_string(&evidence).unwrap();
    assert!(
        file.contains("Setuju, silakan berangkat."),
        "the note is not in the evidence"
    );
}

/// Over HTTPS with the agency's own certificate authority: without the CA file the window
/// says the certificate is not trusted and what to do; with it chosen, the login succeeds,
/// work reaches the server (read back by a colleague's CLI over HTTPS), and an approval the
/// supervisor asks for is signed in the window and comes back approved and received.
#[tokio::test(flavor = "multi_thread")]
async fn a_staff_member_logs_in_over_https_with_the_agency_ca() {
    let root = tempdir();
    let ca = Ca::new(root.path(), "bappeda");
    let (cert, key) = ca.server_cert(root.path(), "server", &["localhost"], false);
    let data = root.path().join("server");
    seed(&data);
    let server = Server::start_with(
        &data,
        "127.0.0.1:0",
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let url = format!("https://localhost:{}", server.port());

    let driver = Driver::start();
    let app = driver.launch(&root.path().join("ani")).await;
    app.log_in(&url, ANI).await;
    app.wait_text("form .error", "otoritas sertifikat sendiri", WAIT)
        .await;
    app.click("details.ca-file summary").await;
    app.type_into("#login-ca-file", ca.pem.to_str().unwrap())
        .await;
    app.click("#login-submit").await;
    app.choose_passphrase("kunci ani 2026").await;
    app.wait_online("Tersambung").await;
    app.nav("tugas").await;
    app.add_task("Rekap absensi lewat HTTPS").await;
    app.click("#sync-now").await;

    // The supervisor, with the same CA, sees the task on the server.
    let siti = Luring {
        dir: root.path().join("siti"),
    };
    let out = siti.try_login(&url, SITI, &["--ca-file", ca.pem.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let end = std::time::Instant::now() + WAIT;
    loop {
        siti.sync();
        if siti
            .task_titles()
            .iter()
            .any(|t| t == "Rekap absensi lewat HTTPS")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < end,
            "the task typed in the window never reached the server over HTTPS"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // An approval over HTTPS: the supervisor asks, in the window Ani signs, and the
    // decision and the server's receipt travel back over the same link.
    let doc = siti.new_doc("Rekap absensi", "Mohon paraf rekap absensi.\n");
    let request = siti.id(&["approval", "request", &doc, "--chain", ANI.0, "--json"]);
    siti.sync();
    app.click("#sync-now").await;
    app.nav("persetujuan").await;
    app.click(&format!("[data-approval-id=\"{request}\"]"))
        .await;
    app.wait_text("#approval-detail", "Mohon paraf", WAIT).await;
    app.type_into("#decision-passphrase", "kunci ani 2026")
        .await;
    app.click("#decision-approve").await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    app.click("#sync-now").await;
    app.wait_text(
        "[data-testid=\"decision-anchor\"]",
        "· diterima server",
        WAIT,
    )
    .await;
    siti.sync();
    assert_eq!(
        siti.json(&["approval", "show", &request, "--json"])["status"],
        "disetujui"
    );
    app.close().await;
}

/// Issue 13: a scan attached in the staff member's window reaches her supervisor's window on
/// another profile. It is attached through the window's path field (the "Pilih berkas"
/// chooser cannot be driven by WebDriver; both end in the same command) and uploaded by the
/// app itself after its next sync. With "hemat data" on (the default) the supervisor's
/// window lists it as not downloaded until "Unduh" is pressed; then it shows its size and
/// the bytes in her profile are the original ones. Names stay on the attaching device, so
/// there it is `lampiran-<hash>`. With "hemat data" unticked in Pengaturan, the next one
/// comes in after a sync by itself. One window at a time (WebKitWebDriver serves one session).
#[tokio::test(flavor = "multi_thread")]
async fn an_attachment_added_on_one_profile_is_opened_on_another() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let doc = ani.new_doc(
        "Undangan musyawarah desa",
        "Terlampir surat undangan yang sudah ditandatangani.\n",
    );
    ani.ok(&["sync"]);
    // 160 KiB, ten 16 KiB chunks, not a repeating pattern.
    let original: Vec<u8> = (0..40_960u32)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    let scan = root.path().join("undangan-musdes.pdf");
    std::fs::write(&scan, &original).unwrap();
    let doc_row = format!("[data-doc-id=\"{doc}\"]");

    // The supervisor's window, before anything is attached: the document, no attachment.
    let siti = root.path().join("siti");
    let driver = Driver::start();
    let app = driver.launch(&siti).await;
    app.log_in(&server.url, SITI).await;
    app.click("#passphrase-skip").await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&doc_row).await;
    app.wait_text(
        "section[aria-labelledby=\"doc-att-h\"]",
        "Belum ada lampiran.",
        WAIT,
    )
    .await;
    app.close().await;
    drop(driver);

    // The staff member attaches it in her window; the app uploads it after its next sync.
    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&doc_row).await;
    app.type_into("#doc-attach-path", scan.to_str().unwrap())
        .await;
    app.click("#doc-attach-submit").await;
    app.wait_text(".attachments", "undangan-musdes.pdf", WAIT)
        .await;
    app.wait_text(".attachments", "160.0 KB", WAIT).await;
    let listed = ani.json(&["doc", "attachments", &doc, "--json"]);
    let hash = listed[0]["hash"].as_str().expect("a hash").to_owned();
    let uploaded = ani
        .dir
        // luring_client::TRANSFERS_DIR: the client's mark of a file the server has whole.
        .join("attachment-transfers")
        .join("uploaded")
        .join(&hash);
    let end = std::time::Instant::now() + Duration::from_secs(60);
    while !uploaded.exists() {
        assert!(
            std::time::Instant::now() < end,
            "the window never uploaded the attachment ({listed})"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.close().await;
    drop(driver);

    // The supervisor's window again: after its sync the attachment is listed, not
    // downloaded (hemat data), with "Unduh"; nothing of it is on her disk yet.
    let driver = Driver::start();
    let app = driver.launch(&siti).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&doc_row).await;
    let item = format!("[data-testid=\"attachment\"][data-hash=\"{hash}\"]");
    app.wait_text(&item, "(belum diunduh)", Duration::from_secs(40))
        .await;
    let fetch = format!("{item} [data-testid=\"attachment-fetch\"]");
    app.wait_text(&fetch, "Unduh", WAIT).await;
    let on_disk = siti.join("attachments").join(&hash);
    assert!(!on_disk.exists(), "downloaded before it was opened");
    app.nav("pengaturan").await;
    let hemat = app.el("[data-testid=\"hemat-data\"]").await;
    assert_eq!(
        hemat.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    app.nav("naskah").await;
    app.click(&doc_row).await;

    // "Unduh": the window shows it downloaded, and the bytes are the original ones.
    app.click(&fetch).await;
    let shown = format!("lampiran-{}", &hash[..12]);
    app.wait_text(&item, &shown, Duration::from_secs(40)).await;
    app.wait_text(&item, "160.0 KB", WAIT).await;
    assert!(
        app.c.find(fantoccini::Locator::Css(&fetch)).await.is_err(),
        "Unduh is still offered after the download"
    );
    app.screenshot("11-lampiran-diunduh").await;
    assert_eq!(
        std::fs::read(&on_disk).expect("the file is in the supervisor's profile"),
        original,
        "the downloaded bytes differ from the original"
    );

    // "Hemat data" unticked in Pengaturan: the next attachment (attached by the staff
    // member's CLI this time) comes in by itself after a sync, with no Unduh pressed.
    app.nav("pengaturan").await;
    // The box is disabled until the stored setting has loaded: click it only then.
    app.wait_attr("[data-testid=\"hemat-data\"]", "data-on", "true", WAIT)
        .await;
    app.click("[data-testid=\"hemat-data\"]").await;
    app.wait_attr("[data-testid=\"hemat-data\"]", "data-on", "false", WAIT)
        .await;
    let second = root.path().join("daftar-hadir.pdf");
    std::fs::write(&second, b"%PDF-1.4 daftar hadir musyawarah desa").unwrap();
    ani.ok(&["doc", "attach", &doc, second.to_str().unwrap()]);
    ani.ok(&["sync"]);
    let listed = ani.json(&["doc", "attachments", &doc, "--json"]);
    let hash2 = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["hash"].as_str().unwrap().to_owned())
        .find(|h| *h != hash)
        .expect("a second attachment");
    app.click("#sync-now").await;
    app.nav("naskah").await;
    app.click(&doc_row).await;
    let item2 = format!("[data-testid=\"attachment\"][data-hash=\"{hash2}\"]");
    app.wait_text(
        &item2,
        &format!("lampiran-{}", &hash2[..12]),
        Duration::from_secs(40),
    )
    .await;
    assert_eq!(
        std::fs::read(siti.join("attachments").join(&hash2)).unwrap(),
        std::fs::read(&second).unwrap()
    );
    app.close().await;
    drop(server);
}

/// A profile that cannot be opened (here: a damaged database file) is reported in plain
/// words; the window does not offer a first run that would work over it.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_profile_is_reported_not_replaced() {
    let root = tempdir();
    let profile = root.path().join("rusak");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(profile.join("luring.db"), b"bukan basis data SQLite").unwrap();
    let driver = Driver::start();
    let app = driver.launch(&profile).await;
    app.wait_text("main .error", "Penyimpanan lokal bermasalah", WAIT)
        .await;
    assert!(
        app.c
            .find(fantoccini::Locator::Css("#choose-offline"))
            .await
            .is_err(),
        "a first run was offered over a damaged profile"
    );
    app.close().await;
    assert_eq!(
        std::fs::read(profile.join("luring.db")).unwrap(),
        b"bukan basis data SQLite",
        "the damaged file was changed"
    );
}

/// Issue 15: a signed letter stays signed. The supervisor approves in her window; her
/// Persetujuan keeps it under "Sudah saya putuskan", and her editor, Naskah and Beranda
/// show it final. In the staff member's window every screen (editor, Naskah, Persetujuan,
/// Beranda) shows the same "Disetujui · No. …", the editor takes no keystroke, and "Buat
/// revisi" opens a new draft that goes out with a new request, while the approved letter's
/// evidence still verifies. One window at a time (WebKitWebDriver serves one session).
#[tokio::test(flavor = "multi_thread")]
async fn an_approved_letter_is_final_everywhere_and_a_revision_gets_its_own_request() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let doc = ani.new_doc(
        "Nota dinas rapat koordinasi",
        "Rapat koordinasi dilaksanakan hari Senin.\n",
    );
    let request = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
    ani.ok(&["sync"]);
    let apv_row = format!("[data-approval-id=\"{request}\"]");
    let doc_row = format!("[data-doc-id=\"{doc}\"]");
    let doc_status = format!("{doc_row} [data-testid=\"doc-approval\"]");

    // The supervisor's window: the letter waits, locked; she approves it.
    let driver = Driver::start();
    let siti = root.path().join("siti");
    let app = driver.launch(&siti).await;
    app.log_in(&server.url, SITI).await;
    app.choose_passphrase("kunci siti 2026").await;
    app.nav("persetujuan").await;
    app.click(&apv_row).await;
    app.wait_text("#approval-detail", "Rapat koordinasi", WAIT)
        .await;
    app.wait_text(
        "[data-testid=\"approval-doc-status\"]",
        "Sedang diajukan",
        WAIT,
    )
    .await;
    app.type_into("#decision-passphrase", "kunci siti 2026")
        .await;
    app.click("#decision-approve").await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    app.click("#sync-now").await;
    app.wait_attr("[data-testid=\"pending\"]", "data-count", "0", WAIT)
        .await;
    // Her own device numbered it: the number shows with the status.
    let final_status = app
        .wait_text(
            "[data-testid=\"approval-doc-status\"]",
            "Disetujui · No. ",
            WAIT,
        )
        .await;
    // The signer's history keeps it after the chain has ended.
    app.click("#apv-tab-decided").await;
    app.wait_text(&apv_row, "Nota dinas rapat koordinasi", WAIT)
        .await;
    app.screenshot("12-persetujuan-sudah-diputuskan").await;
    app.nav("beranda").await;
    app.wait_text(
        &format!("[data-home-decided-id=\"{request}\"]"),
        &final_status,
        WAIT,
    )
    .await;
    app.nav("naskah").await;
    app.wait_text(&doc_status, &final_status, WAIT).await;
    app.close().await;
    drop(driver);

    // The staff member's window: the same status on every screen once it has synced.
    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.wait_text(&doc_status, &final_status, Duration::from_secs(60))
        .await;
    app.click(&doc_row).await;
    app.wait_text("[data-testid=\"doc-approval-status\"]", &final_status, WAIT)
        .await;
    app.wait_text("[data-testid=\"editor-doc-status\"]", &final_status, WAIT)
        .await;
    // The number itself stands on its own in the header and on the approval card.
    let number = final_status
        .split("No. ")
        .nth(1)
        .expect("a number after 'No. '")
        .trim();
    app.wait_text("[data-testid=\"editor-letter-number\"]", number, WAIT)
        .await;
    app.wait_text("[data-testid=\"doc-letter-number\"]", number, WAIT)
        .await;
    let editor = app.el("#doc-editor").await;
    assert!(
        editor.attr("readonly").await.unwrap().is_some(),
        "the approved letter's editor is not read-only"
    );
    app.screenshot("13-naskah-disetujui-final").await;
    editor.send_keys(" diubah").await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        editor.prop("value").await.unwrap().as_deref(),
        Some("Rapat koordinasi dilaksanakan hari Senin.\n"),
        "a keystroke changed the approved letter"
    );
    assert!(
        app.c
            .find(fantoccini::Locator::Css("#approval-request"))
            .await
            .is_err(),
        "an approved letter offers a new request"
    );
    app.nav("persetujuan").await;
    app.click(&apv_row).await;
    app.wait_text("[data-testid=\"approval-status\"]", "Disetujui", WAIT)
        .await;
    app.wait_text("[data-testid=\"approval-doc-status\"]", &final_status, WAIT)
        .await;
    app.nav("beranda").await;
    app.wait_text(
        &format!("[data-home-request-id=\"{request}\"]"),
        &final_status,
        WAIT,
    )
    .await;

    // Buat revisi: a new draft naming the approved letter, edited and sent anew.
    app.nav("naskah").await;
    app.click(&doc_row).await;
    app.click("#doc-revise").await;
    app.el("[data-testid=\"doc-revision-of\"]").await;
    let editor = app.el("#doc-editor").await;
    let revision = editor.attr("data-doc-id").await.unwrap().unwrap();
    assert_ne!(revision, doc);
    assert!(editor.attr("readonly").await.unwrap().is_none());
    app.wait_text("[data-testid=\"doc-approval-status\"]", "Draf", WAIT)
        .await;
    editor
        .send_keys("Rapat dipindah ke hari Selasa.")
        .await
        .unwrap();
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;
    app.type_into("#approval-chain", SITI.0).await;
    app.click("#approval-request").await;
    app.wait_text(
        "[data-testid=\"doc-approval-status\"]",
        "Sedang diajukan",
        WAIT,
    )
    .await;
    app.wait_attr("#doc-editor", "aria-readonly", "true", WAIT)
        .await;
    app.screenshot("14-naskah-revisi-diajukan").await;
    app.wait_attr(
        "[data-testid=\"pending\"]",
        "data-count",
        "0",
        Duration::from_secs(40),
    )
    .await;
    app.nav("naskah").await;
    app.wait_text(&doc_status, &final_status, WAIT).await;
    app.wait_text(
        &format!("[data-doc-id=\"{revision}\"] [data-testid=\"doc-approval\"]"),
        "Sedang diajukan",
        WAIT,
    )
    .await;
    app.close().await;

    // Two requests now: the approved one, and the revision's, waiting for the supervisor.
    let lists = ani.json(&["approval", "list", "--json"]);
    let mine = lists["requested_by_me"].as_array().unwrap();
    assert_eq!(mine.len(), 2, "{lists}");
    let new_request = mine
        .iter()
        .find(|a| a["document_id"] == revision.as_str())
        .unwrap_or_else(|| panic!("no request for the revision: {lists}"));
    assert_eq!(new_request["status"], "menunggu");
    assert_eq!(
        ani.json(&["approval", "show", &request, "--json"])["status"],
        "disetujui"
    );
    // The approved letter's evidence still verifies, by anyone, offline.
    let evidence = root.path().join("bukti-surat-lama.json");
    ani.ok(&[
        "approval",
        "export",
        &request,
        "--out",
        evidence.to_str().unwrap(),
    ]);
    let out = std::process::Command::new(luring_testkit::luring_bin())
        .args([
            "verify",
            evidence.to_str().unwrap(),
            "--agency-key",
            &ani.meta("agency_key"),
        ])
        .env_remove("LURING_PROFILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the old evidence no longer verifies:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(server);
}

// Issue 15 items 3, 4 and 7 (dates, task autosave, first-run errors, status bar).
#[path = "desktop/forms.rs"]
mod forms;

// Issue 15 item 5 (Beranda for one day, 5,000 tasks at 1366×768).
#[path = "desktop/beranda.rs"]
mod beranda;

// Issue 15 item 6 (evidence saved where the person chooses, attachments opened, the number).
#[path = "desktop/evidence.rs"]
mod evidence;

// Issue 15 item 8 (typing in a 30-page letter at 10 characters a second).
#[path = "desktop/typing.rs"]
mod typing;

// Issue 15 item 5's "Baru sejak terakhir Anda lihat", between two people.
#[path = "desktop/news.rs"]
mod news;

// The harness itself: a dead WebKitWebDriver is started again, not a failed test.
#[path = "desktop/harness.rs"]
mod harness;
