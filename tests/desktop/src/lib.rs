//! Helpers of the desktop end-to-end tests: tauri-driver (which starts WebKitWebDriver,
//! which starts the real app) and a few waits that poll the app's DOM, killed on drop. The
//! agency server and the `luring` CLI come from `luring-testkit`, as in the server's tests.
//!
//! The binaries come from the workspace's `target/debug` (or `LURING_BIN_DIR`); the test
//! command builds them first. Screenshots go to `LURING_SCREENSHOTS` (default
//! `docs/screenshots`).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use luring_testkit::{bin, free_port, wait_port};

/// tauri-driver on its own ports, killed on drop (which also ends its WebKitWebDriver).
pub struct Driver {
    env: Vec<(String, String)>,
    running: Mutex<Option<Running>>,
}

/// One tauri-driver process group (tauri-driver, its WebKitWebDriver and the app).
struct Running {
    child: Child,
    port: u16,
}

impl Running {
    fn start(env: &[(String, String)]) -> Self {
        let port = free_port();
        let native = free_port();
        let tauri_driver = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| "tauri-driver".into());
        let child = Command::new(tauri_driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            // Its own process group, so that drop ends WebKitWebDriver and the app with it
            // (killing tauri-driver alone leaves them running).
            .process_group(0)
            // Short waits so a test sees the loop retry within seconds.
            .env("LURING_SYNC_INTERVAL_SECS", "2")
            .env("LURING_SYNC_MAX_BACKOFF_SECS", "2")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver starts (cargo install tauri-driver --version '^2' --locked)");
        // tauri-driver accepts before WebKitWebDriver listens: wait for both.
        wait_port(port, "tauri-driver");
        wait_port(native, "WebKitWebDriver");
        Self { child, port }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The whole group: tauri-driver, WebKitWebDriver and the app they started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many times [`Driver::launch`] starts tauri-driver afresh before giving up.
const DRIVER_STARTS: usize = 3;

impl Driver {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// As [`Driver::start`], with more environment for the app (it overrides the short
    /// sync waits set here, e.g. a long backoff to see what ends it).
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let running = Mutex::new(Some(Running::start(&env)));
        Self { env, running }
    }

    /// The process group of today's tauri-driver (its WebKitWebDriver and app are in it).
    pub fn process_group(&self) -> u32 {
        let running = self.running.lock().unwrap();
        running.as_ref().map_or(0, |r| r.child.id())
    }

    /// Starts the app on `profile` and opens a WebDriver session to its window.
    ///
    /// WebKitWebDriver sometimes dies while it starts the app on a loaded machine (CI saw
    /// tauri-driver answer a new session with a closed connection, five times in a row: the
    /// native driver behind it was gone). Retrying the request cannot help then, so a failed
    /// session start ends the whole process group and starts tauri-driver afresh, saying so
    /// on stderr; a test fails only when every start fails.
    pub async fn launch(&self, profile: &Path) -> App {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": bin("luring-desktop"),
                "args": ["--profile", profile],
            }),
        );
        caps.insert("browserName".into(), "wry".into());
        let mut failures = Vec::new();
        for attempt in 1..=DRIVER_STARTS {
            let port = self.running.lock().unwrap().as_ref().map_or(0, |r| r.port);
            let began = Instant::now();
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    return App {
                        c,
                        profile: profile.to_owned(),
                    }
                }
                Err(e) => {
                    eprintln!(
                        "WebDriver session {attempt}/{DRIVER_STARTS} failed after {:.1} s: {e:?}; \
                         starting tauri-driver again",
                        began.elapsed().as_secs_f64()
                    );
                    failures.push(format!("{e:?}"));
                    let mut running = self.running.lock().unwrap();
                    // The old group goes first: its app may still hold the profile.
                    drop(running.take());
                    *running = Some(Running::start(&self.env));
                }
            }
        }
        panic!("no WebDriver session in {DRIVER_STARTS} starts of tauri-driver: {failures:?}");
    }
}

/// The system's file dialog (GTK's, not our software): found by its title with `xdotool`
/// and driven with the keyboard as a person would, since WebDriver sees only the web view.
/// `xdotool` comes from `scripts/setup.sh`; it needs the test's X display (Xvfb).
pub struct SystemDialog {
    window: String,
}

impl SystemDialog {
    /// The visible window titled exactly `title`, given the keyboard, if there is one now.
    fn find(title: &str) -> Option<Self> {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
            .output()
            .expect("xdotool runs (scripts/setup.sh installs it)");
        let found = String::from_utf8_lossy(&out.stdout);
        let window = found.split_whitespace().last()?;
        let dialog = Self {
            window: window.to_owned(),
        };
        // No window manager under Xvfb: focus it directly (no "activate").
        dialog.xdotool(&["windowfocus", "--sync", window]);
        // GTK puts the focus in the name field once the dialog is mapped.
        std::thread::sleep(Duration::from_millis(500));
        Some(dialog)
    }

    fn xdotool(&self, args: &[&str]) {
        let st = Command::new("xdotool").args(args).status().unwrap();
        assert!(st.success(), "xdotool {args:?} failed");
    }

    /// Replaces the name field's text with `text` (a file name or a whole path).
    pub fn type_name(&self, text: &str) {
        self.xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        self.xdotool(&["type", "--delay", "20", text]);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Return: the dialog's default button (Simpan / Buka).
    pub fn accept(self) {
        self.xdotool(&["key", "Return"]);
        self.gone();
    }

    /// Escape: the dialog closes and nothing is chosen.
    pub fn cancel(self) {
        self.xdotool(&["key", "Escape"]);
        self.gone();
    }

    fn gone(&self) {
        let end = Instant::now() + WAIT;
        while Command::new("xdotool")
            .args(["getwindowname", &self.window])
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && is_viewable(&self.window)
        {
            assert!(Instant::now() < end, "the dialog did not close");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Whether X window `id` is still mapped (GTK may keep a closed dialog's window unmapped).
fn is_viewable(id: &str) -> bool {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "."])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .any(|w| w == id)
        })
        .unwrap_or(false)
}

/// The app's window, through WebDriver.
pub struct App {
    pub c: Client,
    pub profile: PathBuf,
}

pub const WAIT: Duration = Duration::from_secs(20);

/// How long [`App::open_dialog`] waits for a dialog after a click on a button that is not
/// busy before it takes the click as lost.
pub const DIALOG_CLICK_WAIT: Duration = Duration::from_secs(10);

impl App {
    pub async fn el(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.el(css).await.click().await.unwrap();
    }

    /// Clicks the button `css` that opens the system dialog titled `title`, and waits for
    /// the dialog. It normally shows within a second; CI once saw none for 20 s after the
    /// click (the button was not busy). So while the button is busy (disabled: its action
    /// is under way) this waits on, and when it is not and no dialog came within
    /// [`DIALOG_CLICK_WAIT`], the click was lost and is made again, saying so on stderr; a
    /// busy button is never clicked twice, so two dialogs never open.
    pub async fn open_dialog(&self, css: &str, title: &str) -> SystemDialog {
        let began = Instant::now();
        loop {
            self.click(css).await;
            let clicked = Instant::now();
            loop {
                if let Some(dialog) = SystemDialog::find(title) {
                    eprintln!(
                        "dialog {title:?} appeared after {:.1} s",
                        began.elapsed().as_secs_f64()
                    );
                    return dialog;
                }
                let busy = self.el(css).await.attr("disabled").await.unwrap().is_some();
                if !busy && clicked.elapsed() > DIALOG_CLICK_WAIT {
                    break;
                }
                assert!(
                    began.elapsed() < 3 * WAIT,
                    "no window titled {title:?} appeared after clicking {css} (the window says: {:?})",
                    self.el("body").await.text().await.unwrap_or_default()
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            eprintln!(
                "no dialog {title:?} {DIALOG_CLICK_WAIT:?} after clicking {css}: clicking again"
            );
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.el(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// First run, "connect to the agency": fills the login form with `url` and `who` (NIP,
    /// password) and submits it.
    pub async fn log_in(&self, url: &str, who: (&str, &str)) {
        self.click("#choose-login").await;
        self.type_into("#login-server", url).await;
        self.type_into("#login-nip", who.0).await;
        self.type_into("#login-password", who.1).await;
        self.click("#login-submit").await;
    }

    /// After login, seals the signing key under `pass` (typed twice) and waits for the app.
    pub async fn choose_passphrase(&self, pass: &str) {
        self.type_into("#passphrase", pass).await;
        self.type_into("#passphrase-again", pass).await;
        self.click("#passphrase-submit").await;
        self.el("#app-main").await;
    }

    /// Waits until the status bar's link state reads `want` (`Tersambung`, `Tidak tersambung`).
    pub async fn wait_online(&self, want: &str) {
        self.wait_text("[data-testid=\"online\"]", want, WAIT).await;
    }

    /// On the Tugas screen: adds a task titled `title` and waits until it is listed.
    pub async fn add_task(&self, title: &str) {
        self.type_into("#task-new-title", title).await;
        self.click("#task-new-submit").await;
        self.wait_text("#app-main", title, WAIT).await;
    }

    pub async fn nav(&self, screen: &str) {
        self.click(&format!("button[data-nav=\"{screen}\"]")).await;
    }

    /// Waits until `css` exists and its text contains `want`; returns the text.
    pub async fn wait_text(&self, css: &str, want: &str, within: Duration) -> String {
        let end = Instant::now() + within;
        let mut seen = String::new();
        while Instant::now() < end {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                if let Ok(t) = e.text().await {
                    if t.contains(want) {
                        return t;
                    }
                    seen = t;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} never showed {want:?} within {within:?} (last: {seen:?})");
    }

    /// Waits until `css` has attribute `attr` equal to `want`.
    pub async fn wait_attr(&self, css: &str, attr: &str, want: &str, within: Duration) {
        let end = Instant::now() + within;
        let mut seen = None;
        while Instant::now() < end {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                seen = e.attr(attr).await.ok().flatten();
                if seen.as_deref() == Some(want) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css}[{attr}] never became {want:?} within {within:?} (last: {seen:?})");
    }

    /// Presses keys on whatever has focus, as a person at the keyboard would (WebDriver
    /// key codes such as `Key::Alt` stay held until `Key::Null`).
    pub async fn press(&self, keys: &str) {
        let focused = self.c.active_element().await.expect("something has focus");
        focused.send_keys(keys).await.unwrap();
    }

    /// Waits until the focused element has the id `want`.
    pub async fn wait_focus(&self, want: &str) {
        let end = Instant::now() + WAIT;
        let mut seen = String::new();
        while Instant::now() < end {
            if let Ok(e) = self.c.active_element().await {
                seen = e.attr("id").await.ok().flatten().unwrap_or_default();
                if seen == want {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the focus never reached #{want} (last: #{seen})");
    }

    /// Writes a screenshot of the window for people to look at.
    pub async fn screenshot(&self, name: &str) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let dir = std::env::var_os("LURING_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
            });
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.c.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// SIGKILLs the app's process, as a power cut or a crash would (no chance to save).
    pub fn kill_process(self) {
        let pattern = format!("luring-desktop --profile {}", self.profile.display());
        let out = Command::new("pkill")
            .args(["-KILL", "-f", &pattern])
            .status()
            .unwrap();
        assert!(out.success(), "no app process matched {pattern}");
        // The session is dead with its app; dropping the client just closes the socket.
        std::mem::forget(self.c);
    }

    pub async fn close(self) {
        let _ = self.c.close().await;
    }
}
