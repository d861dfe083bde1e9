//! The accept loop: HTTP/1.1, over TLS when the server holds a certificate, with bounds so
//! that slow or idle clients cannot use up the server.
//!
//! A client that opens a connection and never finishes its request head (a "slowloris"), or
//! trickles its body, would otherwise hold a file descriptor and a task forever; a few
//! hundred of them exhaust the process. So: a TLS handshake and a request head must be
//! complete within `header_timeout`, a body may not pause longer than `body_timeout`
//! between chunks, and at most `max_connections` are open at once (the next waits in the
//! kernel's backlog until one closes). On SIGTERM or Ctrl-C the loop stops accepting and
//! lets requests in flight finish, for a bounded time.
//!
//! Both timeouts are about progress, not total duration, where size is unbounded: the head
//! is a few hundred bytes (at EDGE's 50 kbit/s well under a second), and the body's timeout
//! restarts with every chunk that arrives, so a 4 MB push that takes 11 minutes over EDGE
//! is never cut while bytes keep coming. Answers are written with no time limit (a slow
//! download is not an attack on the server's memory: the answer is already built).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::Service;

/// How long requests in flight may take to finish once shutdown has begun.
const DRAIN: Duration = Duration::from_secs(10);

/// The bounds on each connection and on their number.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A TLS handshake plus a request's head (line and headers) must arrive within this.
    pub header_timeout: Duration,
    /// A request body may not pause longer than this between chunks.
    pub body_timeout: Duration,
    /// Connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(20),
            body_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// How the server listens: over TLS or not, and within which bounds.
#[derive(Clone, Default)]
pub struct Options {
    /// Serve HTTPS with this acceptor; plain HTTP when `None`.
    pub tls: Option<TlsAcceptor>,
    pub limits: Limits,
}

/// Why the certificate or key given to `--tls-cert` / `--tls-key` cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {reason}", path = .path.display())]
    Cert { path: PathBuf, reason: String },
    #[error("the TLS certificate file {path} holds no certificate (-----BEGIN CERTIFICATE-----)", path = .path.display())]
    NoCert { path: PathBuf },
    #[error("cannot read the TLS private key {path}: {reason} (a PEM private key is expected)", path = .path.display())]
    Key { path: PathBuf, reason: String },
    #[error("the TLS certificate and key cannot be used together: {0}")]
    Config(String),
}

/// A TLS acceptor from a PEM certificate chain (leaf first) and its PEM private key, with
/// the same rustls provider (ring) as the client.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| TlsError::Cert {
            path: cert.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCert {
            path: cert.to_owned(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.to_owned(),
        reason: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Resolves on SIGTERM (service managers, `docker stop`) or Ctrl-C.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains for a bounded time.
///
/// Handlers can read the peer's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait for some to close.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            match tls {
                None => connection(stream, peer, router, limits, watcher).await,
                Some(acceptor) => {
                    match tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => connection(stream, peer, router, limits, watcher).await,
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after {DRAIN:?} were cut at shutdown");
    }
    Ok(())
}

async fn connection<S>(
    stream: S,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(|body| {
            axum::body::Body::new(tower_http::timeout::TimeoutBody::new(
                limits.body_timeout,
                body,
            ))
        });
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut router = router.clone();
        async move {
            let resp: Result<_, Infallible> = router.call(req).await;
            resp
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::debug!("connection from {peer} ended: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn handlers_see_the_peer_address_and_shutdown_stops_the_loop() {
        let router = Router::new().route(
            "/peer",
            axum::routing::get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                peer.to_string()
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, router, None, Limits::default(), async {
            let _ = stopped.await;
        }));
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let me = s.local_addr().unwrap();
        s.write_all(b"GET /peer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with(&me.to_string()), "{answer}");
        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("the loop stops on shutdown")
            .unwrap()
            .unwrap();
    }

    /// A slow link: the body takes three times `body_timeout` in all, but no gap between
    /// chunks is that long, so it is read whole; a pause longer than it is cut.
    #[tokio::test]
    async fn a_body_that_keeps_coming_is_never_cut_however_long_it_takes() {
        let router = Router::new().route(
            "/echo",
            axum::routing::post(|body: axum::body::Bytes| async move { body.len().to_string() }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = Limits {
            body_timeout: Duration::from_millis(300),
            ..Limits::default()
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, router, None, limits, async {
            let _ = stopped.await;
        }));
        let send = |gap: Duration, chunks: usize| async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                chunks * 100
            );
            s.write_all(head.as_bytes()).await.unwrap();
            for _ in 0..chunks {
                tokio::time::sleep(gap).await;
                if s.write_all(&[b'x'; 100]).await.is_err() {
                    break;
                }
            }
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer).await;
            answer
        };
        let slow = send(Duration::from_millis(100), 9).await;
        assert!(
            slow.starts_with("HTTP/1.1 200") && slow.ends_with("900"),
            "{slow}"
        );
        let stalled = send(Duration::from_millis(900), 2).await;
        assert!(!stalled.starts_with("HTTP/1.1 200"), "{stalled}");
        stop.send(()).unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    }
}
