//! Logging in: the device proves it holds its key by signing the server's challenge, the
//! server certifies the key and its actor and returns a token, and the profile keeps the
//! [`luring_store::Session`]. Kept apart from `sync.rs`: a login speaks JSON over two
//! requests and may create the profile; a sync speaks the binary protocol to an open one.

use luring_store::{MetaKey, Session};
use luring_sync::login::{ChallengeResponse, LoginRequest, LoginResponse};

use crate::error::{ClientError, Result};
use crate::profile::Profile;
use crate::transport::{self, LoginOptions, CA_FILE};

/// `POST {server}{path}` with an optional JSON body; the answer's body when it succeeded,
/// else the server's refusal. The two login steps share it.
fn post_json(
    client: &reqwest::blocking::Client,
    server: &str,
    path: &str,
    json: Option<Vec<u8>>,
) -> Result<Vec<u8>> {
    let mut req = client.post(format!("{server}{path}"));
    if let Some(body) = json {
        req = req.header("content-type", "application/json").body(body);
    }
    let resp = req.send().map_err(|e| transport::network(server, e))?;
    let status = resp.status();
    let bytes = resp.bytes().map_err(|e| transport::network(server, e))?;
    if !status.is_success() {
        return Err(transport::server_error(status, &bytes));
    }
    Ok(bytes.to_vec())
}

/// A one-time challenge from the server, to sign as proof of holding the device key.
fn login_challenge(client: &reqwest::blocking::Client, server: &str) -> Result<String> {
    let bytes = post_json(client, server, "/v1/login/challenge", None)?;
    serde_json::from_slice::<ChallengeResponse>(&bytes)
        .map(|c| c.challenge)
        .map_err(|_| {
            ClientError::BadAnswer("the server's login challenge is not understood".into())
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
        let challenge = login_challenge(&client, server)?;
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
        let bytes = post_json(&client, server, "/v1/login", Some(body))?;
        let login: LoginResponse = serde_json::from_slice(&bytes).map_err(|_| {
            ClientError::BadAnswer("the server's answer to the login is not understood".into())
        })?;
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
