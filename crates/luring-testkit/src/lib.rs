//! What the end-to-end tests share (the server's scenario tests and the desktop's WebDriver
//! tests): a real `luring-server` process on loopback, killed on drop; `luring` CLI
//! profiles driven as processes; and the people of the demo agency (`admin seed-demo`).
//! The CLI's own tests (`luring-cli/tests`) run `luring` through the same runner.
//!
//! Binaries are taken from `LURING_BIN_DIR`, else from the cargo target folder the running
//! test binary lives in (`target/debug/deps/..` → `target/debug`), so a test uses the
//! binaries built with it; `cargo test --workspace` builds them all.

pub mod tls;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use luring_server::demo::USERS;

/// Demo people as (NIP, password), taken from the list `admin seed-demo` seeds.
pub const ANI: (&str, &str) = demo_login("Ani Lestari"); // staff, BAPPEDA.PEM
pub const BUDI: (&str, &str) = demo_login("Budi Santoso"); // staff, BAPPEDA.PEM.DATA
pub const SITI: (&str, &str) = demo_login("Siti Rahmawati"); // supervisor, BAPPEDA.PEM
pub const MARIA: (&str, &str) = demo_login("Maria Goreti Ndun"); // staff, BAPPEDA.EKO
pub const HENDRA: (&str, &str) = demo_login("Dr. Hendra Wijaya"); // supervisor, BAPPEDA

/// The (NIP, password) of the demo user whose name starts with `name`; a name that matches
/// nobody fails the build.
const fn demo_login(name: &str) -> (&'static str, &'static str) {
    let mut i = 0;
    while i < USERS.len() {
        if starts_with(USERS[i].name.as_bytes(), name.as_bytes()) {
            return (USERS[i].nip, USERS[i].password);
        }
        i += 1;
    }
    panic!("no demo user has that name")
}

const fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    if s.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if s[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

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

/// `luring` with `LURING_PROFILE` removed, so a developer's own profile never leaks into a
/// test; add `--profile`, arguments, a working folder or environment as the test needs.
pub fn luring_command() -> Command {
    let mut cmd = Command::new(luring_bin());
    cmd.env_remove("LURING_PROFILE");
    cmd
}

/// Runs `cmd` to its end, feeding it `stdin` (or no standard input at all) and capturing
/// its standard output and error. The program may exit before it reads its input (e.g. when
/// it refuses its arguments); the broken pipe is then no error.
pub fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().expect("the program starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().expect("the program ends")
}

/// The files under `dir` (recursively) whose bytes contain `needle`, e.g. to show that a
/// secret never reaches the disk in the clear.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = vec![];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
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

/// A temporary folder, and the demo agency served from its `server` subfolder on a free
/// port (see [`Server::seeded`]); the folder goes when the first value is dropped.
pub fn demo_agency() -> (tempfile::TempDir, Server) {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::seeded(&tmp.path().join("server"));
    (tmp, server)
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
    /// `luring --profile DIR` (see [`luring_command`]), ready for arguments.
    pub fn command(&self) -> Command {
        let mut cmd = luring_command();
        cmd.arg("--profile").arg(&self.dir);
        cmd
    }

    /// Runs `luring --profile DIR ARGS…` with `stdin`, whatever its outcome.
    pub fn run_in(&self, args: &[&str], stdin: &str) -> Output {
        run(self.command().args(args), Some(stdin.as_bytes()))
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

    /// The `id` a `… --json` command (e.g. `task add`, `doc new`) printed.
    pub fn id(&self, args: &[&str]) -> String {
        let v = self.json(args);
        v["id"]
            .as_str()
            .unwrap_or_else(|| panic!("luring {args:?} printed no id: {v}"))
            .to_owned()
    }

    /// `luring doc new --title TITLE --body-file F --json` with `body` written to F (a file
    /// beside the profile); the new document's id.
    pub fn new_doc(&self, title: &str, body: &str) -> String {
        let f = self.dir.with_extension("body.txt");
        std::fs::write(&f, body).unwrap();
        self.id(&[
            "doc",
            "new",
            "--title",
            title,
            "--body-file",
            f.to_str().unwrap(),
            "--json",
        ])
    }

    /// Creates an offline profile `root/name` (`luring init`) for `name` with `nip`.
    pub fn init(root: &Path, name: &str, nip: &str) -> Self {
        let l = Self {
            dir: root.join(name),
        };
        l.ok(&["init", "--name", name, "--nip", nip]);
        l
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
    pub fn try_login(&self, url: &str, who: (&str, &str), args: &[&str]) -> Output {
        let mut all = vec!["login", "--server", url, "--nip", who.0, "--password-stdin"];
        all.extend_from_slice(args);
        self.run_in(&all, &format!("{}\n", who.1))
    }

    /// Like [`Luring::try_login`] with `--passphrase-stdin`: `passphrase` (for the profile's
    /// sealed signing key) goes on the line after the password.
    pub fn try_login_sealed(&self, url: &str, who: (&str, &str), passphrase: &str) -> Output {
        self.run_in(
            &[
                "login",
                "--server",
                url,
                "--nip",
                who.0,
                "--password-stdin",
                "--passphrase-stdin",
            ],
            &format!("{}\n{passphrase}\n", who.1),
        )
    }

    /// `luring key set-passphrase`: seals this profile's signing key under `pass`.
    pub fn set_passphrase(&self, pass: &str) {
        self.ok_with(
            &["key", "set-passphrase", "--passphrase-stdin"],
            &format!("{pass}\n"),
        );
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
