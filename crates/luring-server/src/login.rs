//! Login as a service beside the sync service ([`crate::sync_service`]), with no HTTP in
//! it: the device proves it holds its key, its person's password is checked, and the
//! device is registered with a certificate the agency signs and a new access token.
//! `http.rs` decodes the request, calls [`login`] and maps a [`LoginError`] to a status.

use std::net::IpAddr;

use luring_model::{DeviceCert, DeviceCertBody, Nip, Role};
use luring_sync::login::{Account, LoginRequest, LoginResponse};

use crate::auth;
use crate::challenge::ChallengeError;
use crate::db::{Conflict, Database, DbError, DeviceRow, UserRow};
use crate::login_guard::Refusal;
use crate::state::AppState;

/// Why a login was refused. Each message is the sentence the person sees; [`Self::code`]
/// is the stable code sent with it.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("{0}")]
    BadNip(String),
    #[error("the device key is refused: {0}")]
    BadDeviceKey(String),
    #[error("{0}")]
    BadActor(&'static str),
    /// Not admitted: throttled, or too many logins at once.
    #[error("{0}")]
    Refused(Refusal),
    /// The app is older than login proofs.
    #[error("this version of Luring is too old to log in: update the app")]
    UpdateRequired,
    #[error("{0}")]
    BadChallenge(ChallengeError),
    #[error("the device did not prove it holds its key (the login proof does not verify)")]
    BadProof,
    /// Wrong NIP or wrong password (which of the two is never said).
    #[error("wrong NIP or password")]
    BadCredentials,
    /// The device is revoked, belongs to another person, or its actor is taken.
    #[error("{0}")]
    DeviceConflict(&'static str),
    /// The server failed; the message is for the log, not for the person.
    #[error("{0}")]
    Internal(String),
}

impl LoginError {
    /// The stable code sent with the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadNip(_) => "bad_nip",
            Self::BadDeviceKey(_) => "bad_device_key",
            Self::BadActor(_) => "bad_actor",
            Self::Refused(r) => r.code(),
            Self::UpdateRequired => "update_required",
            Self::BadChallenge(_) => "bad_challenge",
            Self::BadProof => "bad_proof",
            Self::BadCredentials => "bad_credentials",
            Self::DeviceConflict(_) => "device_conflict",
            Self::Internal(_) => "internal",
        }
    }
}

fn internal(e: impl std::fmt::Display) -> LoginError {
    LoginError::Internal(e.to_string())
}

/// Logs in the device of `req`, sent from address `from`: checks in the order that costs
/// least first (the request's shape, admission, the device's proof, then the password),
/// and on success registers the device and issues its token and certificate.
pub async fn login<D: Database>(
    st: &AppState<D>,
    from: IpAddr,
    req: LoginRequest,
) -> Result<LoginResponse, LoginError> {
    let nip = Nip::parse(&req.nip).map_err(|e| LoginError::BadNip(e.to_string()))?;
    let device_key = luring_model::keys::public_key_from_hex(&req.device_key)
        .map_err(|e| LoginError::BadDeviceKey(e.to_string()))?;
    let device_key_hex = hex::encode(device_key.as_bytes());
    let actor_ok = (2..=64).contains(&req.actor.len()) && hex::decode(&req.actor).is_ok();
    if !actor_ok {
        return Err(LoginError::BadActor("the actor id is not hex"));
    }
    // Throttle, per-address cap and a bounded wait for one of few argon2 slots, before
    // any blocking work; the slot is held until this login ends.
    let _pass = st
        .logins
        .enter(nip.as_str(), from)
        .await
        .map_err(LoginError::Refused)?;
    // The device proves it holds its key before any password is hashed.
    if req.challenge.is_empty() || req.proof.is_empty() {
        return Err(LoginError::UpdateRequired);
    }
    let nonce = st
        .challenges
        .check(&req.challenge)
        .map_err(LoginError::BadChallenge)?;
    let proof =
        luring_model::login_proof_bytes(&req.challenge, nip.as_str(), &device_key_hex, &req.actor);
    luring_model::keys::verify_hex(&device_key, &proof, &req.proof)
        .map_err(|_| LoginError::BadProof)?;
    st.challenges
        .use_up(nonce)
        .map_err(LoginError::BadChallenge)?;
    // Actors are bound to the device key that made them (issue 11): nobody can claim an
    // actor id they saw in a bundle. Checked after the proof, so the key is the sender's.
    if req.actor != luring_model::device_actor(device_key.as_bytes()) {
        return Err(LoginError::BadActor(
            "the actor id is not the one bound to this device key; update Luring and log in again",
        ));
    }
    let db = st.db.clone();
    let (nip2, password) = (nip.to_string(), req.password.clone());
    let user = tokio::task::spawn_blocking(move || -> crate::Result<Option<UserRow>> {
        let user = db.user(&nip2)?;
        let phc = user
            .as_ref()
            .map_or(auth::dummy_hash(), |u| u.password_hash.as_str());
        let ok = auth::verify_password(&password, phc);
        Ok(user.filter(|_| ok))
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    let Some(user) = user else {
        st.logins.failed(nip.as_str(), from);
        tracing::info!(nip = %nip, "failed login");
        return Err(LoginError::BadCredentials);
    };
    st.logins.succeeded(nip.as_str(), from);
    let role: Role = user.role.parse().map_err(internal)?;
    let device_id = format!(
        "dev-{}",
        &hex::encode(blake3::hash(device_key.as_bytes()).as_bytes())[..16]
    );
    let body = DeviceCertBody {
        agency: st.agency.name.clone(),
        agency_key: st.agency.public_key.clone(),
        device_id: device_id.clone(),
        device_key: device_key_hex.clone(),
        actor: req.actor.clone(),
        nip: nip.clone(),
        name: user.name.clone(),
        unit: user.unit.clone(),
        role,
        issued_at: luring_model::Timestamp::now().into_string(),
    };
    let cert = DeviceCert::sign(body, &st.key);
    let cert_json = serde_json::to_value(&cert).map_err(internal)?;
    let (token, token_hash) = auth::new_token();
    let row = DeviceRow {
        id: device_id.clone(),
        nip: nip.to_string(),
        public_key: device_key_hex.clone(),
        actor: req.actor.clone(),
        cert: cert_json.to_string(),
        revoked: false,
    };
    let db = st.db.clone();
    let stored = tokio::task::spawn_blocking(move || -> crate::Result<Result<(), &'static str>> {
        match db.device(&row.id)? {
            Some(d) if d.revoked => Ok(Err("this device was revoked; make a new profile")),
            Some(d) if d.nip != row.nip => Ok(Err("this device key belongs to another account")),
            // A device registered with a random actor (before actors were bound to keys)
            // takes its bound actor once; its earlier changes stay in the log as they are.
            Some(d) if d.actor != row.actor => {
                db.set_device_actor(&row.id, &row.actor)?;
                Ok(Ok(db.add_token_for(&row.id, &token_hash)?))
            }
            Some(_) => Ok(Ok(db.add_token_for(&row.id, &token_hash)?)),
            None => match db.add_device(&row, &token_hash) {
                Ok(()) => Ok(Ok(())),
                // The actor is already bound to another device (or, in a race, another
                // login registered this device first).
                Err(DbError::Conflict(Conflict::ActorBound | Conflict::DeviceExists)) => {
                    Ok(Err("this actor id is already bound to another device"))
                }
                Err(e) => Err(e.into()),
            },
        }
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    if let Err(msg) = stored {
        return Err(LoginError::DeviceConflict(msg));
    }
    tracing::info!(nip = %nip, device = %device_id, "login");
    Ok(LoginResponse {
        token,
        device_id,
        certificate: cert_json,
        agency_name: st.agency.name.clone(),
        agency_key: st.agency.public_key.clone(),
        account: Account {
            nip: user.nip,
            name: user.name,
            unit: user.unit,
            role: user.role,
        },
    })
}
