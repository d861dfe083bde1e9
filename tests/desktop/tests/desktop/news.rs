//! "Baru sejak terakhir Anda lihat" (issue 15 item 5) between two people, with the real
//! server: the supervisor gives a task and syncs; the staff member's window, with its own
//! sync loop, shows it under "Baru" with its count; her own work is not news; it opens the
//! task; "Tandai sudah dilihat" clears it, and it stays cleared after a restart.

use std::time::Duration;

use luring_desktop_e2e::{Driver, WAIT};
use luring_testkit::{demo_agency, Luring, ANI, SITI};

const NEWS: &str = "[data-testid=\"home-news\"]";

#[tokio::test(flavor = "multi_thread")]
async fn a_task_the_supervisor_gives_is_new_on_beranda_until_marked_seen() {
    let (root, server) = demo_agency();
    // Ani's device has caught up once: from now on, what arrives is news.
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    ani.ok(&["sync"]);
    let siti = Luring::login(root.path(), "siti", &server, SITI);
    siti.ok(&["sync"]);
    let title = "Rekap data penerima bantuan Desa Oelnasi";
    let task = siti.id(&["task", "add", title, "--assignee", ANI.0, "--json"]);
    siti.ok(&["sync"]);

    // Ani's window syncs by itself and Beranda shows the task under "Baru", counted.
    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.wait_attr(NEWS, "data-count", "1", Duration::from_secs(60))
        .await;
    app.wait_text(NEWS, "Baru sejak terakhir Anda lihat", WAIT)
        .await;
    app.wait_text(&format!("{NEWS} [data-testid=\"news-count\"]"), "1", WAIT)
        .await;
    let row = format!("[data-home-news-id=\"{task}\"]");
    app.wait_text(&row, title, WAIT).await;
    app.wait_attr(&row, "data-news-kind", "assigned", WAIT)
        .await;
    app.wait_text(&row, "Tugas baru", WAIT).await;
    app.wait_text(NEWS, "Tugas baru: 1", WAIT).await;
    app.screenshot("31-beranda-baru").await;

    // What she does herself is never new: a task of her own, sent to the server.
    app.nav("tugas").await;
    app.add_task("Catatan saya sendiri").await;
    app.wait_attr(
        "[data-testid=\"pending\"]",
        "data-count",
        "0",
        Duration::from_secs(40),
    )
    .await;
    app.nav("beranda").await;
    app.wait_text(&row, title, WAIT).await;
    app.wait_attr(NEWS, "data-count", "1", WAIT).await;

    // The row opens the task.
    app.click(&row).await;
    app.wait_attr(
        &format!("[data-task-id=\"{task}\"]"),
        "aria-current",
        "true",
        WAIT,
    )
    .await;

    // Marked seen: gone.
    app.nav("beranda").await;
    app.click("#news-seen").await;
    app.wait_attr(NEWS, "data-count", "0", WAIT).await;
    app.wait_text(NEWS, "Tidak ada yang baru.", WAIT).await;
    app.close().await;
    drop(driver);

    // And still gone after a restart (the marker is in her profile's store).
    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.wait_attr("[data-bucket=\"overdue\"]", "data-count", "0", WAIT)
        .await;
    app.wait_attr(NEWS, "data-count", "0", WAIT).await;
    app.wait_text(NEWS, "Tidak ada yang baru.", WAIT).await;
    app.close().await;
    drop(server);
}
