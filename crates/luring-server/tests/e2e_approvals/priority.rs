//! Approvals before document text, under a byte budget, both ways: a supervisor's decision
//! waiting behind 200 KB of her own document text reaches the server in the first round of
//! a sync whose budget is smaller than the text, and a colleague pulling with the same
//! budget gets the decision in his first round, before the text. One round is what a
//! short window of signal on a 2G link carries; the transport here is cut after it.

use luring_client::{ClientError, HttpTransport, Profile, SyncOptions, Transport};

use super::*;

const BUDGET: u32 = 32 << 10;

/// Carries one round trip, then the link is gone.
struct OneRound {
    inner: HttpTransport,
    used: bool,
}

impl Transport for OneRound {
    fn set_sync_number(&mut self, n: u64) {
        self.inner.set_sync_number(n);
    }
    fn expect_down(&mut self, bytes: u64) {
        self.inner.expect_down(bytes);
    }
    fn round_trip(&mut self, body: Vec<u8>) -> luring_client::Result<Vec<u8>> {
        if std::mem::replace(&mut self.used, true) {
            return Err(ClientError::Network("the link is gone".into()));
        }
        self.inner.round_trip(body)
    }
}

/// Exactly one round of `l`'s sync with the test's budget.
fn one_round(l: &Luring) {
    let mut p = Profile::open(&l.dir).unwrap();
    let mut t = OneRound {
        inner: p.transport().unwrap(),
        used: false,
    };
    let r = p.sync_with_options(
        &mut t,
        SyncOptions {
            budget_bytes: Some(BUDGET),
            ..Default::default()
        },
    );
    assert!(r.is_err(), "one round was enough for everything: {r:?}");
}

fn doc_titles(l: &Luring) -> String {
    l.json(&["doc", "list", "--json"]).to_string()
}

#[test]
fn a_decision_goes_before_200_kb_of_document_text_both_ways() {
    let w = world();
    let doc = new_doc(&w, "Mohon izin perjalanan dinas ke Distrik Mbua.\n");
    let req = request(&w, &doc, SITI.0);
    w.ani.sync();
    w.siti.sync();
    w.hendra.sync();

    // Offline, Siti writes 200 KB of a report, then approves Ani's request.
    let text: String = (0..200_000 / 64)
        .map(|i| {
            format!(
                "{:063x}\n",
                u128::from(i as u32).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )
        })
        .collect();
    assert!(text.len() >= 200_000 && BUDGET < 200_000);
    let f = w.root.join("laporan.txt");
    std::fs::write(&f, &text).unwrap();
    w.siti.id(&[
        "doc",
        "new",
        "--title",
        "Laporan tahunan",
        "--body-file",
        f.to_str().unwrap(),
        "--json",
    ]);
    approve(&w.siti, &req, PASS_SITI);

    // Push: one round carries the decision; the text waits for the next.
    one_round(&w.siti);
    let siti = w.siti.json(&["status", "--json"]);
    assert!(siti["pending_items"].as_i64().unwrap() >= 1, "{siti}");
    w.ani.sync();
    let shown = w.ani.json(&["approval", "show", &req, "--json"]);
    assert_eq!(shown["status"], "disetujui", "{shown}");
    assert!(!doc_titles(&w.ani).contains("Laporan tahunan"));

    // Pull: the text reaches the server; Hendra's one round brings the decision first.
    w.siti.sync();
    one_round(&w.hendra);
    let shown = w.hendra.json(&["approval", "show", &req, "--json"]);
    assert_eq!(shown["status"], "disetujui", "{shown}");
    assert!(!doc_titles(&w.hendra).contains("Laporan tahunan"));
    // …and the text in the rounds after.
    w.hendra.sync();
    assert!(doc_titles(&w.hendra).contains("Laporan tahunan"));
}
