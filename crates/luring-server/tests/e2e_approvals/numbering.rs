//! Three devices of one supervisor approve and number letters offline from leased blocks;
//! no number is ever given twice.

use super::*;

#[test]
fn three_devices_numbering_offline_never_clash() {
    let (tmp, server) = demo_agency();
    let root = tmp.path();
    let ani = Luring::login(root, "ani", &server, ANI);
    // Three devices of the same supervisor, so all three number in one unit's register.
    let devices: Vec<Luring> = (0..3)
        .map(|i| Luring::login(root, &format!("siti{i}"), &server, SITI))
        .collect();
    for d in &devices {
        d.set_passphrase(PASS_SITI);
    }
    // Device 0 gets more documents than one leased block holds.
    let shares = [12usize, 4, 4];
    let mut work: Vec<Vec<(String, String)>> = vec![];
    for (k, n) in shares.iter().enumerate() {
        let mut mine = vec![];
        for i in 0..*n {
            let doc = ani.new_doc(&format!("Nota {k}-{i}"), &format!("Nota {k}-{i}.\n"));
            let req = ani.id(&["approval", "request", &doc, "--chain", SITI.0, "--json"]);
            mine.push((doc, req));
        }
        work.push(mine);
    }
    ani.sync();
    for d in &devices {
        d.sync();
    }

    // No signal anywhere: each device approves its share and numbers from its own block.
    let (data, port) = server.kill();
    let mut numbers = vec![];
    for (d, mine) in devices.iter().zip(&work) {
        for (doc, req) in mine {
            approve(d, req, PASS_SITI);
            if let Some(n) = d.json(&["doc", "show", doc, "--json"])["letter_number"].as_str() {
                numbers.push(n.to_owned());
            }
        }
    }
    assert_eq!(
        numbers.len(),
        18,
        "a block holds 10: device 0 waits for 2 numbers"
    );
    let distinct: std::collections::BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(
        distinct.len(),
        numbers.len(),
        "a number was given twice: {numbers:?}"
    );

    // Back online: the waiting documents are numbered from a new block; all reach Ani.
    let _server = Server::start(&data, &format!("127.0.0.1:{port}"));
    for d in &devices {
        d.sync();
    }
    devices[0].sync();
    ani.sync();
    let mut all = vec![];
    for (doc, _) in work.iter().flatten() {
        let n = ani.json(&["doc", "show", doc, "--json"])["letter_number"]
            .as_str()
            .map(str::to_owned);
        all.push(n.unwrap_or_else(|| panic!("{doc} has no number after syncing")));
    }
    let distinct: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 20, "{all:?}");
    assert!(all.iter().all(|n| n.contains("/BAPPEDA.PEM/")), "{all:?}");
}
