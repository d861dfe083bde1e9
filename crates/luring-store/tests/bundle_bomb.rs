//! A zstd "bomb" in a bundle: a file of a hundred kilobytes that would unpack to 4 GiB is
//! refused with a clear error after unpacking a few megabytes, and the import's memory
//! stays bounded. (One test in this file, so the process's memory is this test's alone.)

use luring_store::bundle::{BundleError, FORMAT_VERSION, MAGIC};
use luring_store::{Store, StoreError};

/// A zstd frame of `blocks` RLE blocks of 128 KiB of zeros each: 4 bytes per block.
fn rle_bomb(blocks: usize) -> Vec<u8> {
    let mut f = vec![0x28, 0xB5, 0x2F, 0xFD]; // magic
    f.push(0x00); // no content size, no checksum, a window descriptor follows
    f.push(0x38); // window of 2^(10+7) = 128 KiB
    for i in 0..blocks {
        let last = u32::from(i + 1 == blocks);
        let header = (128 * 1024u32) << 3 | 1 << 1 | last; // RLE block of 128 KiB
        f.extend_from_slice(&header.to_le_bytes()[..3]);
        f.push(0);
    }
    f
}

fn as_bundle(packed: &[u8]) -> Vec<u8> {
    let mut b = MAGIC.to_vec();
    b.push(FORMAT_VERSION);
    b.extend_from_slice(blake3::hash(packed).as_bytes());
    b.extend_from_slice(packed);
    b
}

/// The process's peak resident memory so far, in KiB (Linux).
fn peak_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_bundle_bomb_is_refused_with_bounded_memory() {
    // Check the bomb is one: the first block really unpacks.
    let small = zstd::decode_all(rle_bomb(2).as_slice()).unwrap();
    assert_eq!(small.len(), 256 * 1024);

    let packed = rle_bomb(32 * 1024); // 4 GiB unpacked
    let bytes = as_bundle(&packed);
    assert!(bytes.len() < 200 * 1024);
    let mut s = Store::open_in_memory().unwrap();
    let before = peak_kib();
    let started = std::time::Instant::now();
    let err = s.import_bundle(&bytes).unwrap_err();
    assert!(
        matches!(err, StoreError::Bundle(BundleError::TooLarge { .. })),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("unpacks to more than") && msg.contains("not made by Luring"),
        "{msg}"
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "refused early, not after unpacking"
    );
    if let (Some(before), Some(after)) = (before, peak_kib()) {
        let grew_mib = (after.saturating_sub(before)) / 1024;
        assert!(grew_mib < 64, "the import took {grew_mib} MiB");
    }
    assert_eq!(s.stats().unwrap().tasks, 0);
}
