//! The server as a library: `launch` serves in-process on port 0 and stops when its
//! shutdown future resolves, letting a request already in flight get its answer while new
//! connections are refused. Raw TCP, so the test controls exactly when the request ends.

use std::time::Duration;

use luring_server::db::{AgencyRow, Database};
use luring_server::{launch, AppState, SqliteDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn state(dir: &std::path::Path) -> AppState<SqliteDb> {
    let db = SqliteDb::open(&dir.join("server.db")).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let agency = AgencyRow {
        name: "Dinas Uji".into(),
        public_key: hex::encode(key.verifying_key().as_bytes()),
    };
    db.create_agency(&agency).unwrap();
    AppState::new(db, key, agency)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_at_shutdown_is_answered_and_new_connections_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(launch(
        state(tmp.path()),
        Default::default(),
        listener,
        async {
            let _ = stopped.await;
        },
    ));

    // A login whose body has only half arrived: the handler is waiting for the rest.
    let body = b"not json at all";
    let mut inflight = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    inflight.write_all(head.as_bytes()).await.unwrap();
    inflight.write_all(&body[..4]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    stop.send(()).unwrap();
    // The listener closes: a new connection is refused.
    let refused = async {
        loop {
            if TcpStream::connect(addr).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), refused)
        .await
        .expect("new connections are refused after shutdown");

    // The request in flight still gets its (ordinary) answer.
    inflight.write_all(&body[4..]).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), inflight.read_to_string(&mut answer))
        .await
        .expect("the request in flight is answered")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer
            .contains(r#"{"code":"bad_request","message":"the login request is not valid JSON"}"#),
        "{answer}"
    );

    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("launch returns once the request in flight is done")
        .unwrap()
        .unwrap();
}
