//! What the end-to-end tests share (the server's scenario tests and the desktop's WebDriver
//! tests): a real `luring-server` process on loopback, killed on drop; `luring` CLI
//! profiles driven as processes; and the people of the demo agency (`admin seed-demo`).
//!
//! Binaries are taken from `LURING_BIN_DIR`, else from the cargo target folder the running
//! test binary lives in (`target/debug/deps/..` → `target/debug`), so a test uses the
//! binaries built with it; `cargo test --workspace` builds them all.

pub mod tls;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Demo people: (NIP, password). Units as `admin seed-demo` makes them.
pub const ANI: (&str, &str) = ("198703122010011002", "ani-lestari-2026"); // staff, BAPPEDA.PEM
pub const BUDI: (&str, &str) = ("199001012015031001", "budi-santoso-2026"); // staff, BAPPEDA.PEM.DATA
pub const SITI: (&str, &str) = ("198211032008012004", "kabid-pem-2026"); // supervisor, BAPPEDA.PEM
pub const MARIA: (&str, &str) = ("198912202014022001", "maria-ndun-2026"); // staff, BAPPEDA.EKO
pub const HENDRA: (&str, &str) = ("197805122005011003", "kepala-bappeda-2026"); // supervisor, BAPPEDA

/// The path of a workspace binary (`luring`, `luring-server`, `luring-desktop`).
pub fn bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("LURING_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().expect("the test knows its own path");
            let deps = exe.parent().expect("a test binary lives in a folder");
            deps.parent().unwrap_or(deps).to_owned()
        });
    let p = dir.join(name);
    assert!(
        p.is_file(),
        "{} is missing: build the workspace's binaries first (`cargo test --workspace` does)",
        p.display()
    );
    p
}

/// The `luring` CLI.
pub fn luring_bin() -> PathBuf {
    bin("luring")
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (up to 30 s) until something accepts TCP connections on `port`.
pub fn wait_port(port: u16, what: &str) {
    let end = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < end, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `luring-server --data DATA admin ARGS…`; fails the test if the command fails.
pub fn admin(data: &Path, args: &[&str]) {
    let out = Command::new(bin("luring-server"))
        .args(["--data", data.to_str().unwrap(), "admin"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `admin seed-demo`: the agency, its units and people.
pub fn seed(data: &Path) {
    admin(data, &["seed-demo"]);
}

/// A running server, killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl Server {
    /// Starts a server on `listen` (e.g. `127.0.0.1:0`) once it says where it listens.
    pub fn start(data: &Path, listen: &str) -> Self {
        Self::start_with(data, listen, &[])
    }

    /// Like [`Server::start`], with more `luring-server` flags (e.g. `--tls-cert`,
    /// `--header-timeout-secs`). `url` is then `https://…` when the server serves TLS.
    pub fn start_with(data: &Path, listen: &str, args: &[&str]) -> Self {
        let mut child = Command::new(bin("luring-server"))
            .args(["--data", data.to_str().unwrap(), "--listen", listen])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the server said {line:?}"))
            .to_owned();
        Self {
            child,
            url,
            data: data.to_owned(),
        }
    }

    /// The demo agency (seeded into `data`), served on a free port.
    pub fn seeded(data: &Path) -> Self {
        seed(data);
        Self::start(data, "127.0.0.1:0")
    }

    /// The server process's id (e.g. to read its memory from `/proc/PID/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap()
    }

    /// SIGTERM, as a service manager stops it; waits up to `within` for it to exit.
    #[cfg(unix)]
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
        let end = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < end,
                "the server did not stop within {within:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, as a power cut would; returns the data folder and port to start it again.
    pub fn kill(mut self) -> (PathBuf, String) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        (self.data.clone(), self.port().to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `luring` CLI profile, driven as a process.
pub struct Luring {
    pub dir: PathBuf,
}

impl Luring {
    pub fn run_in(&self, args: &[&str], stdin: &str) -> std::process::Output {
        let mut child = Command::new(luring_bin())
            .arg("--profile")
            .arg(&self.dir)
            .args(args)
            .env_remove("LURING_PROFILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs with `stdin` and returns standard output; fails the test if the command fails.
    pub fn ok_with(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run_in(args, stdin);
        assert!(
            out.status.success(),
            "luring {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with(args, "")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Logs in `root/name` (creating the profile) as `who`.
    pub fn login(root: &Path, name: &str, server: &Server, who: (&str, &str)) -> Self {
        let l = Self {
            dir: root.join(name),
        };
        let out = l.try_login(&server.url, who, &[]);
        assert!(
            out.status.success(),
            "luring login: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        l
    }

    /// `luring login --server URL --nip … --password-stdin ARGS…` (e.g. `--ca-file F`),
    /// whatever its outcome.
    pub fn try_login(&self, url: &str, who: (&str, &str), args: &[&str]) -> std::process::Output {
        let mut all = vec!["login", "--server", url, "--nip", who.0, "--password-stdin"];
        all.extend_from_slice(args);
        self.run_in(&all, &format!("{}\n", who.1))
    }

    pub fn sync(&self) -> serde_json::Value {
        self.json(&["sync", "--json"])
    }

    pub fn task_titles(&self) -> Vec<String> {
        let v = self.json(&["task", "list", "--json"]);
        let mut t: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect();
        t.sort();
        t
    }

    /// A profile's stored metadata (e.g. `agency_key`), read directly from its store.
    pub fn meta(&self, key: &str) -> String {
        luring_client::Profile::open(&self.dir)
            .unwrap()
            .store()
            .meta(key)
            .unwrap()
            .unwrap_or_else(|| panic!("the profile has no {key}"))
    }
}
