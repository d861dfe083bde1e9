//! Beranda for one day (issue 15 item 5) in the real window at 1366×768: with 5,000 tasks
//! it shows each bucket's count and first few tasks, stays one screen (nothing to scroll),
//! and "lihat semua" opens Tugas on that bucket. It prints how long Beranda took to show
//! (docs/BENCHMARKS.md quotes it); the test checks the layout, not the time.

use std::time::{Duration, Instant};

use chrono::{Days, Local};
use luring_client::{NewTaskInput, Profile};
use luring_desktop_e2e::{App, Driver, WAIT};
use luring_testkit::{demo_agency, Luring, ANI, SITI};

use super::tempdir;

const NIP: &str = "198703122010011002";

/// One screen at 1366×768: neither the main area nor the page scrolls, either way.
async fn assert_one_screen(app: &App) {
    let layout = app
        .c
        .execute(
            "const m = document.querySelector('#app-main'), d = document.documentElement;
             return [m.scrollHeight, m.clientHeight, d.scrollHeight, window.innerHeight,
                     d.scrollWidth, window.innerWidth, m.scrollWidth, m.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let n: Vec<u64> = layout
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as u64)
        .collect();
    // The app's window on a 1366×768 screen (Xvfb) has a 1280×720 page.
    assert!(
        n[5] >= 1280 && n[3] >= 700,
        "the window is smaller than on a 1366×768 screen: {n:?}"
    );
    assert!(n[0] <= n[1], "Beranda scrolls: {} px in {} px", n[0], n[1]);
    assert!(n[2] <= n[3], "the page scrolls: {} px in {} px", n[2], n[3]);
    assert!(n[4] <= n[5], "the page scrolls sideways: {n:?}");
    assert!(n[6] <= n[7], "Beranda scrolls sideways: {n:?}");
}

/// How many elements `css` matches in the window.
async fn count(app: &App, css: &str) -> u64 {
    let css = serde_json::to_string(css).unwrap();
    app.c
        .execute(
            &format!("return document.querySelectorAll({css}).length"),
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// 5,000 tasks of mine due over the 60 days around today (half of them overdue), with
/// titles long enough to need cutting.
fn busy_profile(p: &mut Profile) {
    let today = Local::now().date_naive();
    let inputs: Vec<NewTaskInput> = (0..5000u64)
        .map(|i| {
            let day = (today - Days::new(30)) + Days::new(i % 60);
            NewTaskInput {
                title: format!(
                    "Tugas {} – verifikasi data penerima bantuan sosial Desa Oelnasi dan sekitarnya",
                    i + 1
                ),
                due: Some(day.format("%Y-%m-%d").to_string()),
                ..Default::default()
            }
        })
        .collect();
    p.add_tasks(&inputs).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn beranda_with_5000_tasks_fits_one_screen() {
    let root = tempdir();
    let ani = Luring::init(root.path(), "ani", NIP);
    let expected = {
        let mut p = Profile::open(&ani.dir).unwrap();
        busy_profile(&mut p);
        p.beranda(None, 3).unwrap()
    };
    assert!(expected.overdue.count > 2000 && expected.due_today.count > 50);

    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.wait_attr(
        "[data-bucket=\"overdue\"]",
        "data-count",
        &expected.overdue.count.to_string(),
        WAIT,
    )
    .await;

    // Each bucket: the client's count, and no more than its first three rows.
    for (bucket, v) in [
        ("overdue", &expected.overdue),
        ("today", &expected.due_today),
        ("this_week", &expected.this_week),
    ] {
        app.wait_attr(
            &format!("[data-bucket=\"{bucket}\"]"),
            "data-count",
            &v.count.to_string(),
            WAIT,
        )
        .await;
        let rows = app
            .c
            .execute(
                &format!(
                    "return document.querySelectorAll('[data-bucket=\"{bucket}\"] [data-home-task-id]').length"
                ),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(rows.as_u64(), Some(v.first.len() as u64), "{bucket}");
    }

    assert_one_screen(&app).await;
    app.screenshot("30-beranda-5000-tugas").await;

    // How long Beranda takes to show with 5,000 tasks, timed inside the page from the click
    // until its first overdue row is in the DOM (measured, not asserted).
    let mut times = Vec::new();
    for _ in 0..5 {
        app.nav("naskah").await;
        app.el("#doc-new-title").await;
        let ms = app
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const t = performance.now();
                 document.querySelector('button[data-nav=\"beranda\"]').click();
                 (function poll() {
                   if (document.querySelector('[data-bucket=\"overdue\"] [data-home-task-id]')) done(performance.now() - t);
                   else requestAnimationFrame(poll);
                 })();",
                vec![],
            )
            .await
            .unwrap();
        times.push(ms.as_f64().unwrap());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "BENCH beranda-5000: median {:.0} ms, min {:.0} ms, max {:.0} ms (click to first rows, in the page)",
        times[2], times[0], times[4]
    );

    // "Lihat semua" opens Tugas on that bucket alone.
    app.click("[data-see-all=\"today\"]").await;
    app.wait_attr("[data-testid=\"due-filter\"]", "data-due", "today", WAIT)
        .await;
    let deadline = Instant::now() + WAIT;
    loop {
        let shown = app
            .c
            .execute(
                "return document.querySelectorAll('[data-task-id]').length",
                vec![],
            )
            .await
            .unwrap();
        if shown.as_u64() == Some(expected.due_today.count) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Tugas shows {shown} tasks, not today's {}",
            expected.due_today.count
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;
}

/// A supervisor's Beranda with every card full (her third column: tasks she gave, her
/// drafts, decisions she made; news, waiting approvals) and 5,000 tasks of her own is still
/// one screen at 1366×768. Built with the real server and CLI, then measured offline (the
/// server is gone, so the window pushes nothing while it is measured).
#[tokio::test(flavor = "multi_thread")]
async fn a_supervisors_beranda_with_full_cards_fits_one_screen() {
    let (root, server) = demo_agency();
    let pass = "kunci-siti-rahasia";
    let siti = Luring::login(root.path(), "siti", &server, SITI);
    siti.set_passphrase(pass);
    siti.ok(&["sync"]);
    // Ani asks for six approvals and gives her a task; Siti decides four, two wait.
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let requests: Vec<String> = (1..=6)
        .map(|i| {
            let doc = ani.new_doc(
                &format!(
                    "Nota dinas {i} tentang rapat koordinasi penanganan stunting tingkat kabupaten"
                ),
                "Isi.\n",
            );
            ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"])
        })
        .collect();
    ani.ok(&[
        "task",
        "add",
        "Mohon arahan rencana kerja triwulan IV",
        "--assignee",
        SITI.0,
    ]);
    ani.ok(&["sync"]);
    siti.ok(&["sync"]);
    for r in &requests[..4] {
        let args = [
            "approval",
            "sign",
            r,
            "--approve",
            "--note",
            "Setuju.",
            "--passphrase-stdin",
        ];
        siti.ok_with(&args, &format!("{pass}\n"));
    }
    for i in 1..=5 {
        siti.new_doc(
            &format!("Konsep surat edaran {i} tentang jam kerja pegawai selama bekerja dari rumah"),
            "Isi.\n",
        );
    }
    drop(server);
    let expected = {
        let mut p = Profile::open(&siti.dir).unwrap();
        busy_profile(&mut p);
        let given: Vec<NewTaskInput> = (0..200)
            .map(|i| NewTaskInput {
                title: format!(
                    "Tugas untuk Ani {i} – susun laporan capaian kinerja bulanan bidang"
                ),
                assignees: vec![ANI.0.into()],
                ..Default::default()
            })
            .collect();
        p.add_tasks(&given).unwrap();
        p.beranda(None, 3).unwrap()
    };
    assert!(
        expected.news.waiting == 2 && expected.news.total() >= 2,
        "{:?}",
        expected.news
    );

    let driver = Driver::start();
    let app = driver.launch(&siti.dir).await;
    app.el("#app-main").await;
    app.wait_attr(
        "[data-bucket=\"overdue\"]",
        "data-count",
        &expected.overdue.count.to_string(),
        WAIT,
    )
    .await;
    app.wait_attr(
        "[data-testid=\"home-news\"]",
        "data-count",
        &expected.news.total().to_string(),
        WAIT,
    )
    .await;
    // Every card holds its first three and a "lihat semua".
    app.wait_text("[data-see-all=\"home-decided\"]", "Lihat semua (4)", WAIT)
        .await;
    app.wait_text("[data-see-all=\"home-drafts\"]", "Lihat semua (5)", WAIT)
        .await;
    app.wait_text("[data-see-all=\"home-given\"]", "Lihat semua (200)", WAIT)
        .await;
    for (css, n) in [
        ("[data-home-decided-id]", 3),
        ("[data-home-doc-id]", 3),
        ("[data-home-given-id]", 3),
        ("[data-home-approval-id]", 2),
        ("[data-home-news-id]", expected.news.first.len() as u64),
    ] {
        assert_eq!(count(&app, css).await, n, "{css}");
    }
    let heights = app
        .c
        .execute(
            "return [...document.querySelectorAll('.home-grid > *')].map((e) => e.getBoundingClientRect().height)",
            vec![],
        )
        .await
        .unwrap();
    println!("beranda columns (px): {heights}");
    app.screenshot("32-beranda-atasan-penuh").await;
    assert_one_screen(&app).await;
    app.close().await;
}
