//! Folding unsent changes before a sync (luring-store `fold.rs`), end to end with a real
//! server and `luring` processes: what was exported in a bundle keeps its changes, what
//! was typed afterwards goes as one change, and a colleague who gets both the bundle and
//! the sync — in either order — sees every word once.
//!
//! The `luring` binary is taken from beside `luring-server` in the target folder (build
//! it with `cargo build -p luring-cli` first, or this tests a stale CLI).

mod common;
use common::*;

fn edit(l: &Luring, doc: &str, body: &str) {
    let f = l.dir.with_extension("edit.txt");
    std::fs::write(&f, body).unwrap();
    l.ok(&["doc", "edit", doc, "--body-file", f.to_str().unwrap()]);
}

fn body(l: &Luring, doc: &str) -> String {
    l.json(&["doc", "show", doc, "--json"])["body"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn scenario(bundle_first: bool) {
    let (tmp, server) = demo_agency();
    let ani = Luring::login(tmp.path(), "ani", &server, ANI);
    let siti = Luring::login(tmp.path(), "siti", &server, SITI);
    let mut text = String::from("Yth. Kepala Bappeda,");
    let doc = ani.new_doc("Nota dinas kunjungan", &text);
    for part in [" bersama ini", " kami sampaikan"] {
        text.push_str(part);
        edit(&ani, &doc, &text);
    }
    // On a USB stick to the supervisor: the three changes so far.
    let bundle = tmp.path().join("ani.bundle");
    ani.ok(&["bundle", "export", "--out", bundle.to_str().unwrap()]);
    // Typed afterwards, keystroke by keystroke, and synced: these four fold into one.
    for part in [" rencana", " kunjungan", " ke Desa", " Sukamaju."] {
        text.push_str(part);
        edit(&ani, &doc, &text);
    }
    assert_eq!(
        ani.json(&["status", "--json"])["pending_changes"],
        7,
        "every keystroke is kept on disk"
    );
    let r = ani.sync();
    assert_eq!(
        r["pushed"], 4,
        "3 exported changes as they were + 1 folded: {r}"
    );
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");

    let import = || siti.ok(&["bundle", "import", bundle.to_str().unwrap()]);
    if bundle_first {
        import();
        siti.sync();
    } else {
        siti.sync();
        import();
    }
    assert_eq!(body(&siti, &doc), text, "text lost or doubled");
    assert_eq!(body(&ani, &doc), text);
    // And Siti's edit still merges for both.
    edit(&siti, &doc, &text.replace("Yth.", "Yth. Bapak"));
    siti.sync();
    ani.sync();
    assert_eq!(body(&ani, &doc), text.replace("Yth.", "Yth. Bapak"));
}

#[test]
fn exported_then_folded_work_reaches_a_colleague_once_bundle_first() {
    scenario(true);
}

#[test]
fn exported_then_folded_work_reaches_a_colleague_once_sync_first() {
    scenario(false);
}
