//! Shared helpers of the end-to-end tests: a real `luring-server` process on loopback
//! (killed on drop) and `luring` CLI profiles driven as processes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const SERVER: &str = env!("CARGO_BIN_EXE_luring-server");

pub fn luring_bin() -> PathBuf {
    let p = Path::new(SERVER).with_file_name("luring");
    assert!(
        p.exists(),
        "{} is missing: build it with `cargo build -p luring-cli` (cargo test --workspace does)",
        p.display()
    );
    p
}

pub const ANI: (&str, &str) = ("198703122010011002", "ani-lestari-2026"); // staff, BAPPEDA.PEM
pub const BUDI: (&str, &str) = ("199001012015031001", "budi-santoso-2026"); // staff, BAPPEDA.PEM.DATA
pub const SITI: (&str, &str) = ("198211032008012004", "kabid-pem-2026"); // supervisor, BAPPEDA.PEM
pub const MARIA: (&str, &str) = ("198912202014022001", "maria-ndun-2026"); // staff, BAPPEDA.EKO
pub const HENDRA: (&str, &str) = ("197805122005011003", "kepala-bappeda-2026"); // supervisor, BAPPEDA

/// A running server, killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl Server {
    pub fn start(data: &Path, listen: &str) -> Self {
        let mut child = Command::new(SERVER)
            .args(["--data", data.to_str().unwrap(), "--listen", listen])
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
            .expect("server prints its address")
            .to_owned();
        Self {
            child,
            url,
            data: data.to_owned(),
        }
    }

    pub fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap()
    }

    pub fn kill(mut self) -> (PathBuf, String) {
        self.child.kill().unwrap(); // SIGKILL
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

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run_in(args, "");
        assert!(
            out.status.success(),
            "luring {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn login(root: &Path, name: &str, server: &Server, who: (&str, &str)) -> Self {
        let l = Self {
            dir: root.join(name),
        };
        let out = l.run_in(
            &[
                "login",
                "--server",
                &server.url,
                "--nip",
                who.0,
                "--password-stdin",
            ],
            &format!("{}\n", who.1),
        );
        assert!(
            out.status.success(),
            "login {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        l
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

    pub fn meta(&self, key: &str) -> String {
        luring_client::Profile::open(&self.dir)
            .unwrap()
            .store()
            .meta(key)
            .unwrap()
            .unwrap()
    }
}

pub fn seed(data: &Path) {
    let out = Command::new(SERVER)
        .args(["--data", data.to_str().unwrap(), "admin", "seed-demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn post(url: &str, token: Option<&str>, body: Vec<u8>) -> (u16, String) {
    let c = reqwest::blocking::Client::new();
    let mut r = c.post(format!("{url}/v1/sync")).body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap_or_default())
}

pub fn health(url: &str) -> u16 {
    reqwest::blocking::get(format!("{url}/v1/health"))
        .unwrap()
        .status()
        .as_u16()
}
