//! A supervisor signs while the server is down, the requester sees `disetujui` after both
//! sync, anyone verifies the evidence offline, and no private key is ever on disk in clear.

use serde_json::Value;

use super::*;

#[test]
fn a_supervisor_signs_offline_and_anyone_verifies() {
    let w = world();
    let doc = new_doc(
        &w,
        "Dengan hormat, kami mohon izin perjalanan dinas ke Desa Sukamaju.\n",
    );
    let req = request(&w, &doc, &format!("{},{}", SITI.0, HENDRA.0));
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();
    assert_eq!(
        w.siti.json(&["approval", "list", "--json"])["waiting_for_me"][0]["id"],
        req.as_str()
    );

    // The server goes away; Siti signs with no network at all. A wrong passphrase signs nothing.
    let (data, port) = w.server.kill();
    let out = sign(&w.siti, &req, "bukan sandi saya", "--approve");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("passphrase"));
    assert!(
        w.siti.json(&["approval", "show", &req, "--json"])["decisions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let out = sign(&w.siti, &req, PASS_SITI, "--approve");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "menunggu");
    assert_eq!(shown["next_approver"], HENDRA.0);

    // The server returns; both sync; the head of the agency signs; the requester sees it.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    assert_eq!(w.siti.sync()["pushed"], 1);
    w.hendra.sync();
    approve(&w.hendra, &req, PASS_HENDRA);
    w.hendra.sync();
    w.ani.sync();
    let shown = w.ani.json(&["approval", "show", &req, "--json"]);
    assert_eq!(shown["status"], "disetujui", "{shown}");
    assert_eq!(shown["decisions"].as_array().unwrap().len(), 2);

    // A third party verifies the evidence with nothing but the file and the agency key.
    let ev = export_evidence(&w.ani, &req, w.root.join("bukti.json"));
    let (ok, report) = verify(&w.agency_key, &ev);
    assert!(ok, "{report}");
    assert_eq!(report["status"], "disetujui");
    assert_eq!(report["checks"].as_array().unwrap().len(), 8);
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["pass"] == true));

    // The private keys are in no file unencrypted: not in the profiles, not on the server.
    for (l, pass) in [(&w.siti, PASS_SITI), (&w.hendra, PASS_HENDRA)] {
        let secret = luring_client::Profile::open(&l.dir)
            .unwrap()
            .unlock_signing_key(pass)
            .unwrap()
            .to_bytes();
        assert_eq!(files_containing(&w.root, &secret), Vec::<String>::new());
        assert_eq!(
            files_containing(&w.root, hex::encode(secret).as_bytes()),
            Vec::<String>::new()
        );
    }
}
