//! The zstd dictionary of the sync protocol: trained on Luring's own messages
//! (`luring-bench train-dict`), shipped inside the app, named by [`ID`] in every message.
//!
//! A new dictionary gets a new id and the decoder keeps the old ones it must still read;
//! the file's BLAKE3 hash is pinned in a test so that it cannot change under the same id.

use std::io::Read;
use std::sync::OnceLock;

use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// The id of the dictionary this side writes with (the third byte of a message).
pub const ID: u8 = 1;
/// The dictionary itself.
pub const BYTES: &[u8] = include_bytes!("../dict/luring-1.zdict");
/// zstd level of messages up to 64 KB (before compression), and of bigger ones.
pub const SMALL_LEVEL: i32 = 19;
pub const BIG_LEVEL: i32 = 3;

fn encoder(small: bool) -> &'static EncoderDictionary<'static> {
    static SMALL: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    static BIG: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    let (cell, level) = if small {
        (&SMALL, SMALL_LEVEL)
    } else {
        (&BIG, BIG_LEVEL)
    };
    cell.get_or_init(|| EncoderDictionary::copy(BYTES, level))
}

fn prepared_decoder() -> &'static DecoderDictionary<'static> {
    static D: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| DecoderDictionary::copy(BYTES))
}

/// `raw` compressed with the dictionary, at the level for a `small` message, without the
/// frame's checksum and dictionary id (the message names its dictionary).
pub fn compress(raw: &[u8], small: bool) -> Vec<u8> {
    use zstd::zstd_safe::CParameter;
    let go = || -> std::io::Result<Vec<u8>> {
        let mut c = zstd::bulk::Compressor::with_prepared_dictionary(encoder(small))?;
        c.set_parameter(CParameter::ChecksumFlag(false))?;
        c.set_parameter(CParameter::DictIdFlag(false))?;
        c.compress(raw)
    };
    // Compressing into a growable buffer fails only on allocation failure.
    go().expect("zstd compresses any input")
}

/// A reader of what [`compress`] wrote.
pub fn decoder(packed: &[u8]) -> std::io::Result<impl Read + '_> {
    zstd::stream::read::Decoder::with_prepared_dictionary(packed, prepared_decoder())
}
