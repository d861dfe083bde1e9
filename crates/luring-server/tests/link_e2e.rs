//! Real processes over an emulated 3T link: the `luring` CLI logs in and syncs with a real
//! `luring-server` through `luring-netsim`'s `3g` profile (2 / 1 Mbit/s, 200 ms round
//! trip), and a colleague receives the work through the same link. Shows the emulator
//! carries the real protocol and counts its bytes; timings over the link are the
//! benchmarks' business (`luring-bench link`), not this test's.
//!
//! Needs the `luring` binary beside `luring-server` (`cargo build -p luring-cli`).

use std::net::SocketAddr;
use std::time::Instant;

use luring_netsim::{Link, Profile};

mod common;
use common::*;

#[test]
fn a_cli_sync_over_3g_succeeds_and_the_link_counts_it() {
    let (tmp, server) = demo_agency();
    let upstream: SocketAddr = server
        .url
        .strip_prefix("http://")
        .expect("the server serves plain HTTP here")
        .parse()
        .unwrap();
    let link = Link::start(upstream, Profile::by_name("3g").unwrap()).unwrap();
    let rtt = link.profile().round_trip();
    let url = format!("http://{}", link.addr());

    let ani = Luring {
        dir: tmp.path().join("ani"),
    };
    let out = ani.try_login(&url, ANI, &[]);
    assert!(
        out.status.success(),
        "login over 3g: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ani.ok(&["task", "add", "Laporan dana desa dari Distrik Mbua"]);

    let before = link.stats();
    let t0 = Instant::now();
    let r = ani.sync();
    let took = t0.elapsed();
    assert_eq!(r["pushed"], 1, "{r}");
    let after = link.stats();
    println!("sync over 3g: {took:?}, {r}, link {after:?}");
    assert!(
        after.connections > before.connections,
        "the sync went through the link"
    );
    assert!(after.bytes_up > before.bytes_up && after.bytes_down > before.bytes_down);
    // At least the TCP handshake and one request/response round trip.
    assert!(took >= 2 * rtt, "{took:?} is faster than the link allows");

    let siti = Luring {
        dir: tmp.path().join("siti"),
    };
    assert!(siti.try_login(&url, SITI, &[]).status.success());
    siti.sync();
    assert!(siti
        .task_titles()
        .contains(&"Laporan dana desa dari Distrik Mbua".to_owned()));

    let stats = link.stop();
    assert_eq!(
        (stats.cuts, stats.refused, stats.upstream_failures),
        (0, 0, 0)
    );
}
