//! Login and sync from the device's side: plan a request from the outbox, send it, apply
//! the answer atomically, repeat while the server says there is more.
//!
//! The transport is a trait so that tests can put faults (cuts, lost answers, duplicates)
//! between client and server without sockets; [`HttpTransport`] (in `transport.rs`) is the
//! real one.

use luring_crdt::EntityKind;
use luring_store::InChange;
use luring_sync::login::{ChallengeResponse, LoginRequest, LoginResponse};
use luring_sync::{Change, Class, Cursor, Limits, SyncRequest};
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::profile::Profile;
use crate::transport::{self, HttpTransport, LoginOptions, CA_FILE};

/// Bytes of outbox changes sent per request.
pub const PUSH_BYTES: usize = 512 << 10;
/// Bytes of pulled changes asked for per response.
pub const PULL_BUDGET: u32 = 1 << 20;

/// Profile metadata: the last sync number sent.
const SYNC_NUMBER: &str = "sync_number";
/// Profile metadata: set when the server found another copy of this profile; the next
/// login makes a new device key (and so a new actor).
const NEW_IDENTITY: &str = "new_identity";

/// One request–response exchange with the server.
pub trait Transport {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>>;
    /// The device's sync number for the next request, by which the server tells a copied
    /// or restored profile from the original. Transports that do not carry it ignore it.
    fn set_sync_number(&mut self, _n: u64) {}
}

/// What a sync did, as `luring sync --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// Local changes the server now holds.
    pub pushed: usize,
    /// Changes received that were new here.
    pub pulled: usize,
    pub bytes_up: usize,
    pub bytes_down: usize,
    pub round_trips: usize,
    /// Local changes refused this time, with reasons.
    pub rejected: Vec<luring_store::Refusal>,
}

fn class_of(k: EntityKind) -> Class {
    match k {
        EntityKind::Task => Class::Task,
        EntityKind::Document => Class::Document,
    }
}

fn parse_cursor(s: Option<String>) -> Cursor {
    let mut c = Cursor::default();
    if let Some(s) = s {
        for (i, v) in s.split(',').take(3).enumerate() {
            c.0[i] = v.parse().unwrap_or(0);
        }
    }
    c
}

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
        .map_err(|_| ClientError::Network("the server's login challenge is not understood".into()))
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
        let new_identity = store.meta(NEW_IDENTITY)?.is_some();
        let was_sealed = store.meta("device_key_sealed")?.is_some();
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
            ClientError::Network("the server's answer to the login is not understood".into())
        })?;
        if let Some(ca) = &opts.ca_file {
            transport::keep_ca(dir, ca)?;
        }
        for (k, v) in [
            ("server", server.clone()),
            (
                "allow_insecure_http",
                if opts.allow_insecure_http { "1" } else { "0" }.to_owned(),
            ),
            ("token", login.token.clone()),
            ("device_id", login.device_id.clone()),
            ("certificate", login.certificate.to_string()),
            ("agency_name", login.agency_name.clone()),
            ("agency_key", login.agency_key.clone()),
            ("unit", login.account.unit.clone()),
            ("role", login.account.role.clone()),
            ("name", login.account.name.clone()),
            ("nip", login.account.nip.clone()),
        ] {
            store.set_meta(k, &v)?;
        }
        if new_identity {
            store.remove_meta(NEW_IDENTITY)?;
        }
        drop(store);
        let mut profile = Profile::open(dir)?;
        if let (true, true, Some(pass)) = (new_identity, was_sealed, opts.passphrase.as_deref()) {
            // The new key is sealed under the same passphrase as the old one was.
            profile.set_passphrase(pass)?;
        }
        Ok(profile)
    }

    /// The HTTP transport to this profile's server, for callers that watch each round trip
    /// (the desktop shows sync progress); [`Profile::sync`] uses the same.
    pub fn transport(&self) -> Result<HttpTransport> {
        // The token is shared with another copy of this profile: no sync until a new login.
        if self.store().meta(NEW_IDENTITY)?.is_some() {
            return Err(ClientError::ProfileCopied);
        }
        let (Some(server), Some(token)) =
            (self.store().meta("server")?, self.store().meta("token")?)
        else {
            return Err(ClientError::NotLoggedIn);
        };
        let ca = self.dir().join(CA_FILE);
        let insecure = self.store().meta("allow_insecure_http")?.as_deref() == Some("1");
        HttpTransport::new(&server, &token, ca.is_file().then_some(&*ca), insecure)
    }

    /// Sends the outbox and receives what is new, over HTTP, until nothing is left.
    pub fn sync(&mut self) -> Result<SyncReport> {
        let mut t = self.transport()?;
        self.sync_with(&mut t)
    }

    /// Sync over any transport (tests inject faults here).
    pub fn sync_with(&mut self, t: &mut dyn Transport) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        self.store_mut().heal_stuck()?;
        // After a new identity (a copied or restored profile), the server's version is
        // pulled before anything is sent, then the work set aside is re-made on top.
        let mut catching_up = self.store().has_set_aside()?;
        for _ in 0..10_000 {
            let cursor = parse_cursor(self.store().meta("cursor")?);
            // Approval records first: on a thin link they are what matters most.
            let (records, out) = if catching_up {
                (vec![], vec![])
            } else {
                (
                    self.store().record_outbox()?,
                    self.store().outbox(PUSH_BYTES)?,
                )
            };
            let pushed_all = (records.len() + out.len()) as i64 >= self.store().stats()?.outbox;
            let sent_hashes: Vec<[u8; 32]> = records
                .iter()
                .map(|r| r.hash)
                .chain(out.iter().map(|c| c.hash))
                .collect();
            let req = SyncRequest {
                cursor,
                push: records
                    .iter()
                    .map(|r| Change {
                        entity: r.request_id.clone(),
                        class: Class::Approval,
                        bytes: r.bytes.clone(),
                    })
                    .chain(out.iter().map(|c| Change {
                        entity: c.entity.clone(),
                        class: class_of(c.kind),
                        bytes: c.bytes.clone(),
                    }))
                    .collect(),
                byte_budget: PULL_BUDGET,
                want_numbers: self.numbers_low()?,
            };
            let body = luring_sync::encode_request(&req);
            let digest = luring_sync::request_digest(&body);
            report.bytes_up += body.len();
            // Raised and stored before sending: a retry never repeats a number, so only a
            // copy of this profile (or an older backup of it) can.
            let n = self.store_mut().next_number(SYNC_NUMBER)?;
            t.set_sync_number(n);
            let answer = match t.round_trip(body) {
                Err(ClientError::ProfileCopied) => {
                    self.store().set_meta(NEW_IDENTITY, "1")?;
                    return Err(ClientError::ProfileCopied);
                }
                r => r?,
            };
            report.bytes_down += answer.len();
            report.round_trips += 1;
            let resp = luring_sync::decode_response(&answer, Limits::default()).map_err(|e| {
                ClientError::Network(format!("the server's answer is damaged: {e}"))
            })?;
            if resp.request != digest {
                // Acknowledgements are by position in the request: an answer to another
                // (delayed) request must not be applied. Nothing is lost by dropping it.
                return Err(ClientError::Network(
                    "the server's answer belongs to another request; try again".into(),
                ));
            }
            let acked: Vec<[u8; 32]> = sent_hashes
                .iter()
                .enumerate()
                .filter(|(i, _)| resp.is_acked(*i))
                .map(|(_, h)| *h)
                .collect();
            let records_in: Vec<luring_store::InRecord> = resp
                .pull
                .iter()
                .filter(|c| c.class == Class::Approval)
                .filter_map(|c| {
                    let kind = serde_json::from_slice::<luring_model::Record>(&c.bytes)
                        .ok()?
                        .kind();
                    Some(luring_store::InRecord {
                        request_id: c.entity.clone(),
                        kind: kind.to_owned(),
                        bytes: c.bytes.clone(),
                    })
                })
                .collect();
            let pulled: Vec<InChange> = resp
                .pull
                .iter()
                .filter_map(|c| {
                    let kind = match c.class {
                        Class::Task => EntityKind::Task,
                        Class::Document => EntityKind::Document,
                        Class::Approval => return None,
                    };
                    Some(InChange {
                        entity: c.entity.clone(),
                        kind,
                        bytes: c.bytes.clone(),
                    })
                })
                .collect();
            let refused: Vec<([u8; 32], String, String)> = resp
                .rejected
                .iter()
                .map(|r| (r.hash, r.entity.clone(), r.reason.clone()))
                .collect();
            let c = resp.cursor.0;
            let mut meta = vec![
                ("cursor", format!("{},{},{}", c[0], c[1], c[2])),
                (
                    "last_sync",
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ),
            ];
            if let Some(lease) = &resp.lease {
                meta.push(("number_blocks", self.blocks_with(lease)?));
            }
            let applied =
                self.store_mut()
                    .apply_remote(&pulled, &records_in, &acked, &refused, &meta)?;
            if resp.lease.is_some() {
                self.number_pending()?;
            }
            report.pushed += applied.acked;
            report.pulled += applied.new_changes;
            for r in &resp.rejected {
                report.rejected.push(luring_store::Refusal {
                    entity: r.entity.clone(),
                    hash: hex::encode(r.hash),
                    reason: r.reason.clone(),
                    at: String::new(),
                });
            }
            if catching_up {
                if !resp.more {
                    self.store_mut().restore_set_aside()?;
                    catching_up = false;
                }
                continue;
            }
            let progress = applied.acked + applied.refused > 0 || !resp.pull.is_empty();
            // A refusal rebuilds its entity and may re-make the person's other edits as a
            // new outbox change (see luring-store `heal.rs`): send it in the same sync.
            let healed = applied.refused > 0;
            if !resp.more && ((pushed_all && !healed) || !progress) {
                break;
            }
        }
        Ok(report)
    }
}
