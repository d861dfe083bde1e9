//! Logging in: the device proves it holds its key by signing the server's challenge, the
//! server certifies the key and its actor and returns a token, and the profile keeps the
//! [`luring_store::Session`]. Kept apart from `sync.rs`: a login speaks JSON over two
//! requests and may create the profile; a sync speaks the binary protocol to an open one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use luring_store::{MetaKey, Session};
use luring_sync::login::{ChallengeResponse, ErrorBody, LoginRequest, LoginResponse};

use crate::error::{ClientError, Result};
use crate::profile::Profile;
use crate::transport::{self, LoginOptions, CA_FILE};

/// How long each login request waits for the server's answer: a login is two small
/// requests (a TLS handshake and a few hundred bytes take seconds even over EDGE or a
/// satellite link), so a server silent for this long is not coming, and a person at the
/// first run must not watch "Sedang masuk…" for two minutes. `LURING_LOGIN_WAIT_SECS` changes it
/// (the desktop tests shorten it).
pub const LOGIN_WAIT: Duration = Duration::from_secs(30);

fn login_wait() -> Duration {
    std::env::var("LURING_LOGIN_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&s: &u64| s > 0)
        .map_or(LOGIN_WAIT, Duration::from_secs)
}

/// Stops a login under way ("Batal"): the login returns [`ClientError::Cancelled`] within
/// a tenth of a second and keeps nothing, even if the server answers later.
#[derive(Debug, Clone, Default)]
pub struct LoginCancel(Arc<AtomicBool>);

impl LoginCancel {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(ClientError::Cancelled);
        }
        Ok(())
    }
}

/// What each login request is given: the person's "Batal" and the wait for an answer.
struct Step {
    cancel: LoginCancel,
    wait: Duration,
}

/// `POST {server}{path}` with an optional JSON body; the answer's body when it succeeded,
/// else the server's refusal. The two login steps share it.
///
/// The request runs on a thread of its own so that a cancel is heard at once: a blocking
/// HTTP call cannot be interrupted, so it is left to end by its own timeout, its answer
/// unread.
fn post_json(
    client: &reqwest::blocking::Client,
    server: &str,
    path: &str,
    json: Option<Vec<u8>>,
    step: &Step,
) -> Result<Vec<u8>> {
    let (cancel, wait) = (&step.cancel, step.wait);
    cancel.check()?;
    let mut req = client.post(format!("{server}{path}")).timeout(wait);
    if let Some(body) = json {
        req = req.header("content-type", "application/json").body(body);
    }
    let (tx, rx) = mpsc::channel();
    let server_owned = server.to_owned();
    std::thread::Builder::new()
        .name("luring-login".into())
        .spawn(move || {
            let r = req.send().and_then(|resp| {
                let status = resp.status();
                resp.bytes().map(|b| (status, b))
            });
            let _ = tx.send(r);
        })
        .map_err(|e| ClientError::Network(format!("cannot start the login: {e}")))?;
    let answer = loop {
        cancel.check()?;
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => break r,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(ClientError::Network(
                    "the login stopped unexpectedly".into(),
                ))
            }
        }
    };
    let (status, bytes) = answer.map_err(|e| {
        if e.is_timeout() {
            ClientError::NoAnswer {
                server: server_owned.clone(),
                secs: wait.as_secs(),
            }
        } else {
            transport::network(&server_owned, e)
        }
    })?;
    cancel.check()?;
    if !status.is_success() {
        return Err(refusal(server, status, &bytes, wait));
    }
    Ok(bytes.to_vec())
}

/// A failed answer to a login step. A Luring server always refuses with its JSON error
/// body; anything else (a web site's 404, a bare 501, a router's page) is not Luring,
/// except a gateway's "the server behind me is down or slow" (502–504).
fn refusal(server: &str, status: reqwest::StatusCode, body: &[u8], wait: Duration) -> ClientError {
    if serde_json::from_slice::<ErrorBody>(body).is_ok() {
        return transport::server_error(status, body);
    }
    match status.as_u16() {
        502..=504 => ClientError::NoAnswer {
            server: server.to_owned(),
            secs: wait.as_secs(),
        },
        _ => ClientError::NotLuring {
            server: server.to_owned(),
            what: format!("it answered {status}"),
        },
    }
}

/// A one-time challenge from the server, to sign as proof of holding the device key.
/// The first thing a login asks, so an answer that is not Luring's shape means the
/// address is not a Luring server.
fn login_challenge(
    client: &reqwest::blocking::Client,
    server: &str,
    step: &Step,
) -> Result<String> {
    let bytes = post_json(client, server, "/v1/login/challenge", None, step)?;
    serde_json::from_slice::<ChallengeResponse>(&bytes)
        .map(|c| c.challenge)
        .map_err(|_| ClientError::NotLuring {
            server: server.to_owned(),
            what: "its answer to a login is not Luring's".into(),
        })
}

impl Profile {
    /// Logs in: the device proves it holds its key (by signing the server's challenge),
    /// the server certifies the key and actor and returns a token. Creates the profile in
    /// `dir` if there is none yet; work made offline is kept.
    ///
    /// The server address is checked before anything is sent (plain http only to this
    /// computer unless `opts.allow_insecure_http`). A CA file given is trusted for this login
    /// and kept in the profile for every later sync; without one, a CA kept by an earlier
    /// login stays trusted.
    pub fn login(
        dir: &std::path::Path,
        server: &str,
        nip: &str,
        password: &str,
        opts: &LoginOptions,
    ) -> Result<Profile> {
        use ed25519_dalek::Signer;
        let server = &transport::check_server_url(server, opts.allow_insecure_http)?;
        let kept_ca = dir.join(CA_FILE);
        let ca = match &opts.ca_file {
            Some(ca) => Some(ca.clone()),
            None => kept_ca.is_file().then_some(kept_ca),
        };
        // Read before the password leaves: a bad CA file is the person's to fix first.
        let client = transport::http_client(ca.as_deref())?;
        let nip = luring_model::Nip::parse(nip)?;
        let mut store = Profile::open_store_for_login(dir, nip.as_str())?;
        let new_identity = store.has(MetaKey::NewIdentity)?;
        let was_sealed = store.has(MetaKey::DeviceKeySealed)?;
        if new_identity {
            crate::keys::forget_device_key(dir, &store)?;
        }
        let key = crate::keys::login_key(dir, &store, opts.passphrase.as_deref())?;
        let device_key = hex::encode(key.verifying_key().as_bytes());
        // The server accepts only the actor bound to the device key. A profile still on a
        // random actor (made before that rule) takes it now, its unsent work re-made.
        let actor = if new_identity {
            // A copy: its unsent work waits aside until the server's version is pulled
            // (the first sync), the other copy may have sent some of it already.
            let (hex_actor, actor) = crate::keys::bound_actor(&key.verifying_key());
            store.set_aside_unsent(&actor)?;
            hex_actor
        } else {
            crate::keys::bind_actor(&mut store, &key.verifying_key())?
        };
        let step = Step {
            cancel: opts.cancel.clone().unwrap_or_default(),
            wait: opts.wait.unwrap_or_else(login_wait),
        };
        let challenge = login_challenge(&client, server, &step)?;
        let proof = key.sign(&luring_model::login_proof_bytes(
            &challenge,
            nip.as_str(),
            &device_key,
            &actor,
        ));
        drop(key);
        let req = LoginRequest {
            nip: nip.to_string(),
            password: password.to_owned(),
            device_key,
            actor,
            challenge,
            proof: hex::encode(proof.to_bytes()),
        };
        let body = serde_json::to_vec(&req).expect("the login request serialises");
        let bytes = post_json(&client, server, "/v1/login", Some(body), &step)?;
        let login: LoginResponse = serde_json::from_slice(&bytes).map_err(|_| {
            ClientError::BadAnswer("the server's answer to the login is not understood".into())
        })?;
        // The last moment a "Batal" is heeded: after it, the login is kept whole.
        step.cancel.check()?;
        if let Some(ca) = &opts.ca_file {
            transport::keep_ca(dir, ca)?;
        }
        store.put_session(&Session {
            server: server.clone(),
            allow_insecure_http: opts.allow_insecure_http,
            token: login.token,
            device_id: login.device_id,
            certificate: login.certificate.to_string(),
            agency_name: login.agency_name,
            agency_key: login.agency_key,
            unit: login.account.unit,
            role: login.account.role,
            name: login.account.name,
            nip: login.account.nip,
        })?;
        if new_identity {
            store.remove(MetaKey::NewIdentity)?;
        }
        drop(store);
        let mut profile = Profile::open(dir)?;
        if let (true, true, Some(pass)) = (new_identity, was_sealed, opts.passphrase.as_deref()) {
            // The new key is sealed under the same passphrase as the old one was.
            profile.set_passphrase(pass)?;
        }
        Ok(profile)
    }
}
