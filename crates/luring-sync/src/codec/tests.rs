use proptest::prelude::*;

use super::*;
use crate::compact::{CompactChange, DepRef};
use crate::messages::*;
use crate::RefusalCode;

fn class() -> impl Strategy<Value = Class> {
    prop_oneof![
        Just(Class::Approval),
        Just(Class::Task),
        Just(Class::Document)
    ]
}

fn change() -> impl Strategy<Value = Change> {
    (
        "[a-z0-9-]{1,20}",
        class(),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(entity, class, bytes)| Change {
            entity,
            class,
            bytes,
        })
}

fn dep() -> impl Strategy<Value = DepRef> {
    prop_oneof![
        any::<u32>().prop_map(DepRef::Earlier),
        any::<[u8; 4]>().prop_map(DepRef::Prefix),
        any::<[u8; 32]>().prop_map(DepRef::Full),
    ]
}

fn compact_change() -> impl Strategy<Value = CompactChange> {
    (
        "[a-z]-[0-9a-z]{12}",
        any::<[u8; 4]>(),
        prop::collection::vec(dep(), 0..3),
        any::<(i64, u64, i64)>(),
        prop::collection::vec(any::<u8>(), 0..10),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 16), 0..2),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(
            |(
                entity,
                checksum,
                deps,
                (seq_delta, start_op, time_delta),
                message,
                other_actors,
                ops,
            )| {
                CompactChange {
                    entity,
                    class: Class::Document,
                    checksum,
                    deps,
                    seq_delta,
                    start_op,
                    time_delta,
                    message,
                    other_actors,
                    ops,
                }
            },
        )
}

fn request() -> impl Strategy<Value = SyncRequest> {
    (
        any::<[u64; 3]>(),
        prop::collection::vec(change(), 0..8),
        prop::collection::vec(compact_change(), 0..4),
        any::<u32>(),
    )
        .prop_map(|(c, push, compact, byte_budget)| SyncRequest {
            cursor: Cursor(c),
            push,
            compact,
            byte_budget,
            want_numbers: byte_budget % 2 == 0,
        })
}

fn response() -> impl Strategy<Value = SyncResponse> {
    (
        prop::collection::vec(any::<u8>(), 0..5),
        prop::collection::vec(
            (
                any::<[u8; 32]>(),
                "[a-z-]{1,10}",
                0..RefusalCode::ALL.len(),
                ".{0,40}",
            ),
            0..3,
        ),
        prop::collection::vec(change(), 0..8),
        any::<[u64; 3]>(),
        any::<bool>(),
        any::<(u64, u64)>(),
        prop::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(
            |(acked, rej, pull, c, more, (items, bytes), resend_full)| SyncResponse {
                resend_full,
                request: [3; 8],
                acked,
                rejected: rej
                    .into_iter()
                    .map(|(hash, entity, code, reason)| Rejection {
                        hash,
                        entity,
                        code: RefusalCode::ALL[code],
                        reason,
                    })
                    .collect(),
                pull,
                cursor: Cursor(c),
                more,
                lease: more.then(|| Lease {
                    unit: "BAPPEDA".into(),
                    year: 2026,
                    start: 11,
                    end: 21,
                }),
                remaining: Backlog { items, bytes },
            },
        )
}

proptest! {
    #[test]
    fn requests_round_trip(r in request()) {
        prop_assert_eq!(decode_request(&encode_request(&r), Limits::default()).unwrap(), r);
    }

    #[test]
    fn responses_round_trip(r in response()) {
        prop_assert_eq!(decode_response(&encode_response(&r), Limits::default()).unwrap(), r);
    }

    /// Any damage to a real message is refused or decodes to some message; never a panic.
    #[test]
    fn damaged_messages_never_panic(r in request(), at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut b = encode_request(&r);
        let i = at.index(b.len());
        b[i] = byte;
        let _ = decode_request(&b, Limits::default());
        let _ = decode_request(&b[..cut.index(b.len())], Limits::default());
        let _ = decode_response(&b, Limits::default());
    }
}

/// At least 100,000 arbitrary inputs through both decoders: no panic, and garbage is an
/// error. A fixed seed keeps the run deterministic; 2 × 50,000 cases.
#[test]
fn decoders_survive_100k_arbitrary_inputs() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 50_000,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let input = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        // Well-formed header, random body: reaches zstd and postcard.
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|mut v| {
            v.splice(0..0, [PROTOCOL_VERSION, 1]);
            v
        }),
        // Valid zstd of random bytes: reaches postcard with arbitrary lengths.
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|v| {
            let mut out = vec![PROTOCOL_VERSION, 1];
            out.extend(zstd::bulk::compress(&v, 1).unwrap());
            out
        }),
    ];
    let accepted = std::cell::Cell::new(0u32);
    runner
        .run(&input, |bytes| {
            if decode_request(&bytes, Limits::default()).is_ok() {
                accepted.set(accepted.get() + 1);
            }
            let _ = decode_response(&bytes, Limits::default());
            Ok(())
        })
        .unwrap();
    // Random bytes are almost never a valid request.
    let accepted = accepted.get();
    assert!(
        accepted < 5_000,
        "{accepted} random inputs decoded as requests"
    );
}

#[test]
fn limits_and_headers_are_enforced() {
    let r = SyncRequest {
        cursor: Cursor::default(),
        push: vec![Change {
            entity: "t-1".into(),
            class: Class::Task,
            bytes: vec![0; 100_000],
        }],
        compact: vec![],
        byte_budget: 1 << 20,
        want_numbers: false,
    };
    let b = encode_request(&r);
    assert!(b.len() < 1_000, "zeros compress");
    let tight = Limits {
        max_packed: 1 << 20,
        max_unpacked: 10_000,
    };
    assert!(matches!(
        decode_request(&b, tight),
        Err(CodecError::TooLarge(_))
    ));
    let tiny = Limits {
        max_packed: 10,
        max_unpacked: 1 << 20,
    };
    assert!(matches!(
        decode_request(&b, tiny),
        Err(CodecError::TooLarge(_))
    ));
    let mut v9 = b.clone();
    v9[0] = 9;
    assert_eq!(
        decode_request(&v9, Limits::default()),
        Err(CodecError::Version(9))
    );
    assert_eq!(
        decode_response(&b, Limits::default()),
        Err(CodecError::Type(1))
    );
    assert_eq!(
        decode_request(&[], Limits::default()),
        Err(CodecError::Empty)
    );
}

/// A request from a Luring that speaks an older protocol version (2: before compact
/// changes; 3: before refusal codes) is refused with the sentence that tells its user what
/// to do, not decoded as garbage.
#[test]
fn an_older_version_is_told_to_update_luring() {
    assert_eq!(PROTOCOL_VERSION, 4);
    for version in [2u8, 3] {
        let mut old = encode_request(&SyncRequest {
            byte_budget: 1 << 16,
            ..SyncRequest::default()
        });
        old[0] = version;
        let e = decode_request(&old, Limits::default()).unwrap_err();
        assert_eq!(e, CodecError::Version(version));
        let said = e.to_string();
        assert!(
            said.contains(&format!("version {version}")) && said.contains("update Luring"),
            "{said}"
        );
    }
}

/// A refusal code is sent as its name: one a newer server adds reads as `Unknown` here,
/// and the rest of the answer still decodes (an enum index would fail it all).
#[test]
fn a_refusal_code_from_a_newer_server_reads_as_unknown() {
    let resp = SyncResponse {
        rejected: vec![Rejection {
            hash: [7; 32],
            entity: "t-1".into(),
            code: RefusalCode::FrozenApproved,
            reason: "frozen".into(),
        }],
        more: true,
        ..SyncResponse::default()
    };
    let ours = encode_response(&resp);
    let mut body = postcard::to_stdvec(&resp).unwrap();
    let at = body
        .windows(b"frozen_approved".len())
        .position(|w| w == b"frozen_approved")
        .expect("the code travels as its name");
    // Same length, so postcard's length prefix still fits.
    body.splice(at..at + 15, b"approved_by_bsr".iter().copied());
    let read: SyncResponse = postcard::from_bytes(&body).unwrap();
    assert_eq!(read.rejected[0].code, RefusalCode::Unknown);
    assert_eq!(read.rejected[0].reason, "frozen");
    assert!(read.more);
    assert_eq!(decode_response(&ours, Limits::default()).unwrap(), resp);
}

/// The shipped dictionary cannot change under the same id: a message written with it would
/// be read with another and decode as garbage. Retrain under a new id instead.
#[test]
fn the_dictionary_is_pinned_to_its_id() {
    assert_eq!(crate::dictionary::ID, 1);
    assert_eq!(
        blake3::hash(crate::dictionary::BYTES).to_hex().as_str(),
        "52112968f8a70ac4f3c78c507ffb0d061a2f38e214860d7522fdc95cf356788c"
    );
}

/// A message compressed with a dictionary this side does not have is refused with
/// "update Luring", never decoded with the wrong one.
#[test]
fn an_unknown_dictionary_is_told_to_update_luring() {
    let mut b = encode_request(&SyncRequest::default());
    assert_eq!(b[2], crate::dictionary::ID);
    b[2] = 2;
    let e = decode_request(&b, Limits::default()).unwrap_err();
    assert_eq!(e, CodecError::Dictionary(2));
    assert!(e.to_string().contains("update Luring"));
}

/// A day's worth of compact changes compresses better with the dictionary than without.
#[test]
fn the_dictionary_pays_for_itself_on_a_small_message() {
    let r = SyncRequest {
        push: vec![Change {
            entity: "t-0123456789ab".into(),
            class: Class::Task,
            bytes: b"judul status dikerjakan selesai komentar".to_vec(),
        }],
        ..SyncRequest::default()
    };
    let raw = raw(&r);
    let plain = zstd::bulk::compress(&raw, crate::dictionary::SMALL_LEVEL).unwrap();
    assert!(crate::dictionary::compress(&raw, true).len() < plain.len());
}
