//! The agency server `luring-bench link` measures against: the real server
//! ([`luring_server::launch`], the same router and accept loop as the binary) serving the
//! demo agency, with its attachment folder, over HTTP — or HTTPS with a certificate from a
//! throw-away agency CA — on a 127.0.0.1:0 listener, on a tokio runtime in a thread of its
//! own, so that the blocking client profiles and the link emulator can sit in front of it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use luring_server::attachments::{AttachmentLimits, AttachmentStore};
use luring_server::db::{AgencyRow, Database};
use luring_server::{launch, AppState, SqliteDb};
use tokio::sync::oneshot;

use crate::BoxResult;

/// A running server; stopped when dropped.
pub struct Served {
    pub addr: SocketAddr,
    /// The agency CA's PEM when serving HTTPS.
    pub ca: Option<PathBuf>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Served {
    /// Creates the demo agency (units and people of `luring-server admin seed-demo`) in
    /// `dir` and serves it; over HTTPS if `https`.
    pub fn start(dir: &Path, https: bool) -> BoxResult<Served> {
        let db = SqliteDb::open(&dir.join("server.db"))?;
        let key = ed25519_dalek_key();
        let agency = AgencyRow {
            name: "Bappeda Uji".into(),
            public_key: hex_key(&key),
        };
        db.create_agency(&agency)?;
        luring_server::demo::seed(&db)?;
        let files = AttachmentStore::open(&dir.join("attachments"), AttachmentLimits::default())?;
        let state = AppState::new(db, key, agency).with_attachments(files);

        let mut options = luring_server::serve::Options::default();
        let ca = if https {
            let ca = luring_testkit::tls::Ca::new(dir, "bench");
            let (cert, key) = ca.server_cert(dir, "server", &["127.0.0.1", "localhost"], false);
            options.tls = Some(luring_server::serve::tls_acceptor(&cert, &key)?);
            Some(ca.pem)
        } else {
            None
        };

        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        eprintln!("luring-bench: the server's runtime failed: {e}");
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("luring-bench: the server cannot listen: {e}");
                            return;
                        }
                    };
                    let shutdown = async {
                        let _ = stopped.await;
                    };
                    if let Err(e) = launch(state, options, listener, shutdown).await {
                        eprintln!("luring-bench: the server stopped: {e}");
                    }
                });
            })?;
        Ok(Served {
            addr,
            ca,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The URL for a client that talks to `addr` (the server itself or a link in front).
    pub fn url_via(&self, addr: SocketAddr) -> String {
        let scheme = if self.ca.is_some() { "https" } else { "http" };
        format!("{scheme}://{addr}")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The password of one of the served agency's (demo) people.
pub fn password(nip: &str) -> BoxResult<&'static str> {
    luring_server::demo::USERS
        .iter()
        .find(|u| u.nip == nip)
        .map(|u| u.password)
        .ok_or_else(|| anyhow::anyhow!("{nip} is not one of the demo agency's people"))
}

fn ed25519_dalek_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>())
}

fn hex_key(key: &ed25519_dalek::SigningKey) -> String {
    key.verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
