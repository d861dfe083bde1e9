//! The login exchange (JSON over `POST /v1/login`): rare, small, and easiest to debug as
//! text, unlike the binary sync messages.

use serde::{Deserialize, Serialize};

/// Device → server. The device key and actor were made on the device; the server binds
/// them to the person in a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub nip: String,
    pub password: String,
    /// Ed25519 public key, hex.
    pub device_key: String,
    /// automerge actor id, hex.
    pub actor: String,
    /// The challenge from `POST /v1/login/challenge` (hex). Empty from clients older than
    /// proof of possession; the server then asks for an update.
    #[serde(default)]
    pub challenge: String,
    /// Ed25519 signature (hex) by the device key over
    /// `luring_model::login_proof_bytes(challenge, nip, device_key, actor)`: the device
    /// holds the key it asks to have certified.
    #[serde(default)]
    pub proof: String,
}

/// Server → device: a one-time challenge for the next login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    pub challenge: String,
}

/// The person, as the server knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub role: String,
}

/// Server → device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Bearer token for `/v1/sync`; the server keeps only its hash.
    pub token: String,
    pub device_id: String,
    /// The device certificate (JSON of `luring_model::DeviceCert`).
    pub certificate: serde_json::Value,
    pub agency_name: String,
    /// The agency's root public key, hex.
    pub agency_key: String,
    pub account: Account,
}

/// The body of every JSON error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}
