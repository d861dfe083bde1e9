//! The signing key: sealed under the passphrase, never on disk in the clear once sealed,
//! and a wrong passphrase unlocks nothing.

use luring_client::Profile;
use luring_store::keys::KdfCost;
use luring_testkit::files_containing;

const CHEAP: KdfCost = KdfCost {
    m_kib: 256,
    t: 1,
    p: 1,
};

#[test]
fn the_key_is_sealed_and_a_wrong_passphrase_unlocks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let mut p = Profile::init(&dir, "Siti", "198211032008012004").unwrap();
    assert!(
        p.unlock_signing_key("apa saja kok").is_err(),
        "unlocked before a passphrase was set"
    );
    let weak = p
        .set_passphrase_with("pendek", CHEAP)
        .expect_err("a short passphrase was accepted");
    // Only a wrong passphrase is reported as one (the window says "Frasa sandi salah").
    assert_eq!(weak.code(), "key", "{weak}");
    p.set_passphrase_with("tanda tangan Siti 2026", CHEAP)
        .unwrap();
    assert!(
        p.set_passphrase_with("yang lain lagi", CHEAP).is_err(),
        "passphrase replaced silently"
    );

    let wrong = p.unlock_signing_key("tanda tangan siti 2026").unwrap_err();
    assert_eq!(wrong.code(), "wrong_passphrase", "{wrong}");
    let key = p.unlock_signing_key("tanda tangan Siti 2026").unwrap();
    let public = p.store().meta("device_public").unwrap().unwrap();
    assert_eq!(hex_of(key.verifying_key().as_bytes()), public);

    // Neither the raw secret nor its hex appears in any file of the profile.
    drop(p);
    let secret = key.to_bytes();
    assert_eq!(files_containing(&dir, &secret), Vec::<String>::new());
    assert_eq!(
        files_containing(&dir, hex_of(&secret).as_bytes()),
        Vec::<String>::new()
    );
    assert!(!dir.join("device.key.pending").exists());
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
