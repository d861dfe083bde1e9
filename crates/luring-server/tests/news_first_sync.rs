//! "Baru sejak terakhir Anda lihat" across a profile's life, with the real server and CLI:
//! a profile made offline takes a colleague's bundle from a flash disk, then logs in. Its
//! first sync with the server brings everything the server holds for her; that was already
//! hers, so it is the start of her news, not news. What arrives after it is new.
//!
//! Needs the `luring` binary beside `luring-server` (`cargo build -p luring-cli`).

use luring_client::Profile;

mod common;
use common::*;

fn news_total(l: &Luring) -> u64 {
    Profile::open(&l.dir).unwrap().news(3).unwrap().total()
}

#[test]
fn a_profile_made_offline_starts_its_news_at_its_first_sync() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let siti = Luring::login(root, "siti", &server, SITI);
    for title in [
        "Rekap data stunting",
        "Laporan Musrenbang",
        "Verifikasi data desa",
    ] {
        siti.ok(&["task", "add", title, "--assignee", ANI.0]);
    }
    siti.sync();

    // Ani works offline; Siti's bundle comes on a flash disk. A profile without a server
    // starts its news with its first bundle, so that bundle is not news.
    let ani = Luring::init(root, "ani", ANI.0);
    let bundle = root.join("dari-siti.bundle");
    siti.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    ani.ok(&["bundle", "import", bundle.to_str().unwrap()]);
    assert_eq!(news_total(&ani), 0);
    // Meanwhile the server gets more of her history than the bundle carried.
    for title in ["Rapat koordinasi posyandu", "Data penerima BLT"] {
        siti.ok(&["task", "add", title, "--assignee", ANI.0]);
    }
    siti.sync();

    // She logs in on the same profile; the first sync pulls the server's history for her.
    let ani = Luring::login(root, "ani", &server, ANI);
    ani.sync();
    assert_eq!(news_total(&ani), 0, "the first sync's history is not news");

    // From now on, what Siti gives her is new.
    siti.ok(&[
        "task",
        "add",
        "Tugas baru sesudah masuk",
        "--assignee",
        ANI.0,
    ]);
    siti.sync();
    ani.sync();
    let v = Profile::open(&ani.dir).unwrap().news(3).unwrap();
    assert_eq!(v.assigned, 1, "{v:?}");
    assert_eq!(v.first[0].title, "Tugas baru sesudah masuk");
}
