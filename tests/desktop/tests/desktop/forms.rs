//! Nothing typed is dropped, errors say what to do, and the status bar tells the truth
//! (issue 15 items 3, 4, 7), in the real window.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use luring_desktop_e2e::{Driver, WAIT};
use luring_testkit::{demo_agency, free_port, Luring, Server, ANI};

use super::tempdir;

const NIP: &str = "198703122010011002";

/// The ids of the task rows shown, in order.
async fn row_ids(app: &luring_desktop_e2e::App) -> Vec<String> {
    let mut ids = Vec::new();
    for e in app
        .c
        .find_all(Locator::Css("[data-task-id]"))
        .await
        .unwrap()
    {
        ids.push(e.attr("data-task-id").await.unwrap().unwrap_or_default());
    }
    ids
}

/// A status chosen in a task's detail and another task clicked at once keeps the status
/// (no "Simpan perubahan" exists any more); a due date typed as "05122026" is 5 December
/// 2026; a half-typed one refuses to submit and says why. An offline profile's status bar
/// says it has no server, never that its changes were sent.
#[tokio::test(flavor = "multi_thread")]
async fn nothing_typed_in_tasks_is_dropped() {
    let root = tempdir();
    let ani = Luring::init(root.path(), "ani", NIP);
    let a = ani.id(&["task", "add", "Rekap data desa", "--json"]);
    let b = ani.id(&["task", "add", "Susun jadwal piket", "--json"]);

    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.wait_text(
        "[data-testid=\"online\"]",
        "Belum tersambung ke server",
        WAIT,
    )
    .await;
    let bar = app.el("#status-bar").await.text().await.unwrap();
    assert!(!bar.contains("terkirim"), "{bar}");

    app.nav("tugas").await;
    app.click(&format!("[data-task-id=\"{a}\"]")).await;
    app.el(&format!("[data-detail-task-id=\"{a}\"]")).await;
    app.click("#task-edit-status option[value=\"dikerjakan\"]")
        .await;
    // At once, another task: the change must not be lost.
    app.click(&format!("[data-task-id=\"{b}\"]")).await;
    app.el(&format!("[data-detail-task-id=\"{b}\"]")).await;
    let mut status = String::new();
    for _ in 0..50 {
        status = ani.json(&["task", "show", &a, "--json"])["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if status == "dikerjakan" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        status, "dikerjakan",
        "the status changed in the window was lost"
    );
    app.click(&format!("[data-task-id=\"{a}\"]")).await;
    app.wait_attr("#task-edit-status", "value", "dikerjakan", WAIT)
        .await;

    // Escape leaves the field (the typed title stays), a second closes the detail and
    // the focus lands on the task's row.
    app.click("#task-edit-title").await;
    app.wait_focus("task-edit-title").await;
    app.press(&char::from(Key::Escape).to_string()).await;
    app.wait_focus("task-detail").await;
    app.press(&char::from(Key::Escape).to_string()).await;
    app.wait_text(".detail-pane", "Pilih tugas", WAIT).await;
    let focused = app.c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("data-task-id").await.unwrap().as_deref(),
        Some(a.as_str())
    );

    // A due date typed as digits.
    let before = row_ids(&app).await.len();
    app.type_into("#task-new-title", "Laporan akhir tahun")
        .await;
    app.type_into("#task-new-due", "05122026").await;
    app.click("#task-new-submit").await;
    app.wait_text("#app-main", "Laporan akhir tahun", WAIT)
        .await;
    let tasks = ani.json(&["task", "list", "--json"]);
    let made = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Laporan akhir tahun")
        .expect("the task was made");
    assert_eq!(made["due"].as_str().map(|d| &d[..10]), Some("2026-12-05"));
    app.wait_text("#app-main", "5 Des 2026", WAIT).await;
    app.screenshot("20-tugas-tanggal").await;

    // Half a date: nothing is made, and the form says why.
    app.type_into("#task-new-title", "Tanggal setengah").await;
    app.type_into("#task-new-due", "0512").await;
    app.click("#task-new-submit").await;
    app.wait_text("form .error", "Tanggal belum lengkap", WAIT)
        .await;
    app.wait_focus("task-new-due").await;
    assert_eq!(row_ids(&app).await.len(), before + 1);
    assert!(!ani.task_titles().contains(&"Tanggal setengah".to_owned()));
    app.close().await;
}

/// Answers every connection with `answer`, as a web server that is not Luring would.
fn not_luring_server(answer: &'static str) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer.as_bytes());
        }
    });
    url
}

/// Accepts connections and never answers.
fn silent_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    url
}

/// The first run tells apart a wrong address, a web server that is not Luring, a server
/// that never answers (a bounded wait, and Batal stops it at once) and no connection.
#[tokio::test(flavor = "multi_thread")]
async fn first_run_says_what_is_wrong_with_the_server() {
    let root = tempdir();
    let driver = Driver::start_with(&[("LURING_LOGIN_WAIT_SECS", "4")]);
    let app = driver.launch(&root.path().join("ani")).await;
    app.el("#choose-login").await;

    app.log_in("luring.bappeda.go.id", ANI).await;
    app.wait_text("#first-run form .error", "Alamat server salah", WAIT)
        .await;
    app.wait_focus("login-server").await;

    let web = not_luring_server(
        "HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    );
    app.log_in(&web, ANI).await;
    app.wait_text("#first-run form .error", "bukan server Luring", WAIT)
        .await;
    let text = app.el("#first-run").await.text().await.unwrap();
    assert!(!text.contains("501"), "{text}");
    app.screenshot("21-bukan-server-luring").await;

    let closed = format!("http://127.0.0.1:{}", free_port());
    app.log_in(&closed, ANI).await;
    app.wait_text("#first-run form .error", "Tidak ada sinyal", WAIT)
        .await;

    // A silent server: Batal stops the login at once, and the form is usable again.
    let silent = silent_server();
    app.log_in(&silent, ANI).await;
    app.click("#login-cancel").await;
    app.wait_text(
        "#first-run form .error",
        "Masuk dibatalkan",
        Duration::from_secs(3),
    )
    .await;
    app.wait_attr("#login-submit", "aria-busy", "false", WAIT)
        .await;
    // Left to wait, it gives up after its bound with its own sentence.
    app.click("#login-submit").await;
    app.el("#login-cancel").await;
    app.wait_text(
        "#first-run form .error",
        "Server tidak menjawab",
        Duration::from_secs(15),
    )
    .await;
    app.screenshot("22-server-tidak-menjawab").await;
    app.close().await;
    // Nothing of those logins was kept.
    assert!(
        luring_client_has_no_session(&root.path().join("ani")),
        "a cancelled or failed login left a session"
    );
}

fn luring_client_has_no_session(dir: &std::path::Path) -> bool {
    match luring_client::Profile::open(dir) {
        Ok(p) => p.account().map(|a| a.server.is_none()).unwrap_or(true),
        Err(_) => true,
    }
}

/// After an outage with a long backoff, the bar counts down each second; "Sinkronkan
/// sekarang" with the server down says it failed; and once the server is back the window
/// syncs within seconds, not at the end of its backoff.
#[tokio::test(flavor = "multi_thread")]
async fn the_status_bar_counts_down_and_syncs_when_the_server_is_back() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    ani.ok(&["task", "add", "Dikirim setelah pemadaman"]);
    let (data, port) = server.kill();

    let driver = Driver::start_with(&[
        ("LURING_SYNC_INTERVAL_SECS", "300"),
        ("LURING_SYNC_MAX_BACKOFF_SECS", "300"),
    ]);
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    // Tried and failed (not merely "not tried yet"), and no sync under way.
    app.wait_attr("[data-testid=\"online\"]", "data-online", "false", WAIT)
        .await;
    app.wait_attr("#sync-now", "aria-busy", "false", WAIT).await;

    // "Sinkronkan sekarang" with the server down: the bar says the retry failed.
    app.click("#sync-now").await;
    app.wait_text("[data-testid=\"sync-outcome\"]", "Sinkronisasi gagal", WAIT)
        .await;
    app.screenshot("23-sinkron-gagal").await;

    // The countdown moves.
    // The bar re-renders every second: an element read just as it is replaced is stale,
    // which reads as 0 here (the loops below read again).
    let seconds = || async {
        app.el("[data-testid=\"next-try\"]")
            .await
            .attr("data-seconds")
            .await
            .ok()
            .flatten()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // The backoff doubles from 1 s; wait for a long one, so that what ends it is the
    // server coming back, not the backoff running out.
    let end = std::time::Instant::now() + Duration::from_secs(90);
    let mut first = seconds().await;
    while first < 25 && std::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(300)).await;
        first = seconds().await;
    }
    assert!(first >= 25, "the backoff never grew: {first} s");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut later = seconds().await;
    for _ in 0..5 {
        if later > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        later = seconds().await;
    }
    assert!(
        later < first,
        "the countdown did not move: {first} then {later}"
    );
    app.screenshot("24-hitung-mundur").await;

    // Back: synced within seconds, though the backoff had many seconds left.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    let back = std::time::Instant::now();
    app.wait_attr(
        "[data-testid=\"pending\"]",
        "data-count",
        "0",
        Duration::from_secs(later.saturating_sub(3)),
    )
    .await;
    assert!(
        back.elapsed() < Duration::from_secs(later.saturating_sub(3)),
        "synced only after the backoff ({:?}, {later} s were left)",
        back.elapsed()
    );
    app.wait_online("Tersambung").await;
    app.close().await;
}
