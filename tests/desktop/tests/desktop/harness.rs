//! The test harness's own recovery: CI once lost a run because WebKitWebDriver died as a
//! test began (tauri-driver then answers a new session with a closed connection, whatever
//! the retries). Killing it here reproduces exactly that answer; the window must still open.

use luring_desktop_e2e::Driver;
use luring_testkit::{demo_agency, Luring, ANI};

#[tokio::test(flavor = "multi_thread")]
async fn a_session_opens_after_webkitwebdriver_died() {
    let (root, server) = demo_agency();
    let ani = Luring::login(root.path(), "ani", &server, ANI);
    let driver = Driver::start();
    let group = driver.process_group().to_string();
    let st = std::process::Command::new("pkill")
        .args(["-KILL", "--pgroup", &group, "WebKitWebDriver"])
        .status()
        .unwrap();
    assert!(st.success(), "this driver's WebKitWebDriver was running");
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.close().await;
}
