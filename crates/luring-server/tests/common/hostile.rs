//! A hostile client, built from our own crates: it speaks the real protocol but sends what
//! the real client never would (other people's keys, weak keys, forged or replayed login
//! proofs, records only the server may make, impossible times). Only tests have it.

use automerge::ActorId;
use ed25519_dalek::{Signer, SigningKey};
use luring_model::{ApprovalRequest, Record};
use luring_sync::login::{ChallengeResponse, LoginRequest};
use luring_sync::{Change, Class, Cursor, SyncRequest, SyncResponse};
use serde_json::Value;

use super::Luring;

/// A fresh challenge from the server.
pub fn challenge(url: &str) -> String {
    let r = super::http()
        .post(format!("{url}/v1/login/challenge"))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json::<ChallengeResponse>().unwrap().challenge
}

/// What an honest device would send to log in with `key` and `actor`.
pub fn honest_login(
    url: &str,
    nip: &str,
    password: &str,
    key: &SigningKey,
    actor: &str,
) -> LoginRequest {
    let device_key = hex::encode(key.verifying_key().as_bytes());
    let challenge = challenge(url);
    let proof = key.sign(&luring_model::login_proof_bytes(
        &challenge,
        nip,
        &device_key,
        actor,
    ));
    LoginRequest {
        nip: nip.into(),
        password: password.into(),
        device_key,
        actor: actor.into(),
        challenge,
        proof: hex::encode(proof.to_bytes()),
    }
}

/// Posts a login as given; the status and the JSON answer.
pub fn login_raw(url: &str, req: &LoginRequest) -> (u16, Value) {
    let r = super::http()
        .post(format!("{url}/v1/login"))
        .json(req)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// A logged-in hostile device: its token and certificate.
pub struct Device {
    pub token: String,
    pub key: SigningKey,
    pub cert: luring_model::DeviceCert,
}

/// Logs in honestly with a new key (the hostile part comes after).
pub fn device(url: &str, nip: &str, password: &str) -> Device {
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let actor = luring_model::device_actor(key.verifying_key().as_bytes());
    let (status, body) = login_raw(url, &honest_login(url, nip, password, &key, &actor));
    assert_eq!(status, 200, "{body}");
    Device {
        token: body["token"].as_str().unwrap().to_owned(),
        cert: serde_json::from_value(body["certificate"].clone()).unwrap(),
        key,
    }
}

/// Posts one sync request with `token`; the server's decoded answer (which must be 200).
pub fn sync_as(url: &str, token: &str, req: &SyncRequest) -> SyncResponse {
    let resp = super::http()
        .post(format!("{url}/v1/sync"))
        .bearer_auth(token)
        .body(luring_sync::encode_request(req))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    luring_sync::decode_response(&resp.bytes().unwrap(), luring_sync::Limits::default()).unwrap()
}

/// Pushes approval records; the server's answer.
pub fn push_records(url: &str, token: &str, records: &[(String, Vec<u8>)]) -> SyncResponse {
    let req = SyncRequest {
        cursor: Cursor::default(),
        compact: vec![],
        push: records
            .iter()
            .map(|(entity, bytes)| Change {
                entity: entity.clone(),
                class: Class::Approval,
                bytes: bytes.clone(),
            })
            .collect(),
        byte_budget: 1 << 16,
        want_numbers: false,
    };
    sync_as(url, token, &req)
}

/// Now, as the records' times are written.
pub fn now() -> String {
    luring_model::Timestamp::now().into_string()
}

/// The Automerge actor of `l`'s device (a change made with it is that device's own).
pub fn actor(l: &Luring) -> ActorId {
    luring_client::Profile::open(&l.dir)
        .unwrap()
        .store()
        .actor()
        .clone()
}

/// The approval request `req` as `l`'s store holds it.
pub fn stored_request(l: &Luring, req: &str) -> ApprovalRequest {
    let p = luring_client::Profile::open(&l.dir).unwrap();
    for r in p.store().records_of(req).unwrap() {
        if let Record::Request(q) = serde_json::from_slice(&r.bytes).unwrap() {
            return q;
        }
    }
    panic!("no request {req}")
}

/// The reason the first pushed record was refused (`None` if it was accepted).
pub fn refusal(resp: &SyncResponse) -> Option<String> {
    if resp.is_acked(0) {
        None
    } else {
        Some(
            resp.rejected
                .first()
                .map_or("deferred".to_owned(), |x| x.reason.clone()),
        )
    }
}

/// The identity point: a small-order ("weak") Ed25519 key, and the constant signature that
/// lax verification accepts for it on any message.
pub fn weak_key_and_constant_signature() -> (String, String) {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut sig = [0u8; 64];
    sig[0] = 1;
    (hex::encode(identity), hex::encode(sig))
}
