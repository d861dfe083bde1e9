//! The binary encoding: `[version][type][dictionary][zstd(postcard(message))]`.
//!
//! zstd runs with a dictionary trained on Luring's own messages ([`crate::dictionary`]),
//! named by the third byte, because a day's sync is a few kilobytes: too little for zstd to
//! learn the messages' structure within one. Small messages get zstd's strongest level
//! (they are a few milliseconds of work and every byte costs a 2G link 160 ms); big ones, a
//! first sync's megabyte answers, a fast level.
//!
//! The decoder trusts nothing: it checks the version and type bytes, refuses input larger
//! than [`Limits::max_packed`], stops decompressing at [`Limits::max_unpacked`] (a zstd
//! bomb costs nothing), and maps every failure to a [`CodecError`] — never a panic.

use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::dictionary;
use crate::messages::{SyncRequest, SyncResponse};
use crate::PROTOCOL_VERSION;

const TYPE_REQUEST: u8 = 1;
const TYPE_RESPONSE: u8 = 2;
/// Messages up to this size (before compression) get [`dictionary::SMALL_LEVEL`]: a day's
/// sync is about 25 KB; at level 19 64 KB take a few tens of milliseconds.
const SMALL: usize = 64 << 10;

/// Size limits a decoder enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest encoded message accepted.
    pub max_packed: usize,
    /// Largest decompressed message accepted.
    pub max_unpacked: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_packed: 16 << 20,
            max_unpacked: 64 << 20,
        }
    }
}

/// Why bytes could not be decoded as a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("empty message")]
    Empty,
    #[error("protocol version {0} is not supported (this side speaks {PROTOCOL_VERSION}); update Luring")]
    Version(u8),
    #[error("unexpected message type {0}")]
    Type(u8),
    #[error("message too large ({0} bytes)")]
    TooLarge(u64),
    #[error("message is damaged: {0}")]
    Damaged(String),
    #[error("the message was compressed with dictionary {0}, unknown here; update Luring")]
    Dictionary(u8),
}

/// The uncompressed body of a message: what the dictionary is trained on.
pub fn raw<T: Serialize>(msg: &T) -> Vec<u8> {
    // postcard cannot fail on our types (no maps with non-string keys, no unsized data).
    postcard::to_stdvec(msg).expect("messages serialise")
}

fn encode<T: Serialize>(ty: u8, msg: &T) -> Vec<u8> {
    let raw = raw(msg);
    let mut out = vec![PROTOCOL_VERSION, ty, dictionary::ID];
    out.extend_from_slice(&dictionary::compress(&raw, raw.len() <= SMALL));
    out
}

fn decode<T: DeserializeOwned>(ty: u8, bytes: &[u8], limits: Limits) -> Result<T, CodecError> {
    if bytes.len() > limits.max_packed {
        return Err(CodecError::TooLarge(bytes.len() as u64));
    }
    let [version, rest @ ..] = bytes else {
        return Err(CodecError::Empty);
    };
    if *version != PROTOCOL_VERSION {
        return Err(CodecError::Version(*version));
    }
    let [got, dict, packed @ ..] = rest else {
        return Err(CodecError::Empty);
    };
    if *got != ty {
        return Err(CodecError::Type(*got));
    }
    if *dict != dictionary::ID {
        return Err(CodecError::Dictionary(*dict));
    }
    let mut raw = Vec::new();
    let mut dec = dictionary::decoder(packed).map_err(|e| CodecError::Damaged(e.to_string()))?;
    (&mut dec)
        .take(limits.max_unpacked + 1)
        .read_to_end(&mut raw)
        .map_err(|e| CodecError::Damaged(e.to_string()))?;
    if raw.len() as u64 > limits.max_unpacked {
        return Err(CodecError::TooLarge(raw.len() as u64));
    }
    let (msg, rest) =
        postcard::take_from_bytes(&raw).map_err(|e| CodecError::Damaged(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CodecError::Damaged(format!(
            "{} trailing bytes",
            rest.len()
        )));
    }
    Ok(msg)
}

pub fn encode_request(r: &SyncRequest) -> Vec<u8> {
    encode(TYPE_REQUEST, r)
}

pub fn encode_response(r: &SyncResponse) -> Vec<u8> {
    encode(TYPE_RESPONSE, r)
}

pub fn decode_request(bytes: &[u8], limits: Limits) -> Result<SyncRequest, CodecError> {
    decode(TYPE_REQUEST, bytes, limits)
}

pub fn decode_response(bytes: &[u8], limits: Limits) -> Result<SyncResponse, CodecError> {
    decode(TYPE_RESPONSE, bytes, limits)
}

#[cfg(test)]
mod tests;
