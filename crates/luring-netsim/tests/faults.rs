//! The link's faults: byte-budget cuts (exact, counted over both directions, seeded and
//! reproducible), blackouts that reset open connections and refuse new ones, an
//! unreachable upstream, and stopping.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::sleep;
use std::time::{Duration, Instant};

use luring_netsim::{Blackout, Link, Profile};

mod common;
use common::*;

const MS: Duration = Duration::from_millis(1);

#[test]
fn exactly_n_bytes_pass_before_the_reset() {
    for n in [1, 1_000, 10_000, 65_536] {
        let link = Link::start(source(200_000), Profile::unlimited().cut_after_bytes(n)).unwrap();
        let mut s = TcpStream::connect(link.addr()).unwrap();
        let (got, reset) = read_until_end(&mut s);
        assert!(reset, "a cut is a reset, not a clean close");
        assert_eq!(got.len() as u64, n);
        assert!(got.iter().enumerate().all(|(i, b)| *b == pattern(i)));
        let stats = link.stop();
        assert_eq!(
            (stats.bytes_down, stats.cuts, stats.blackout_cuts),
            (n, 1, 0)
        );
    }
}

#[test]
fn a_cut_counts_both_directions() {
    let link = Link::start(echo(), Profile::unlimited().cut_after_bytes(5_000)).unwrap();
    let mut s = TcpStream::connect(link.addr()).unwrap();
    // 3,000 bytes up leave 2,000 for the echo down.
    s.write_all(&[1; 3_000]).unwrap();
    let (got, reset) = read_until_end(&mut s);
    assert!(reset);
    assert_eq!(got.len(), 2_000);
    let stats = link.stop();
    assert_eq!((stats.bytes_up, stats.bytes_down), (3_000, 2_000));
}

/// The cut points of the first `connections` connections through a 3g-like link cut
/// after 100 B–64 KB, seeded with `seed`.
fn flaky_cuts(seed: u64, connections: usize) -> Vec<usize> {
    let profile = Profile::by_name("flaky")
        .unwrap()
        .bandwidth(50_000_000, 50_000_000) // the cuts are under test, not the speed
        .round_trip_split(Duration::ZERO)
        .seed(seed);
    let link = Link::start(source(100_000), profile).unwrap();
    let cuts: Vec<usize> = (0..connections)
        .map(|_| {
            let mut s = TcpStream::connect(link.addr()).unwrap();
            let (got, reset) = read_until_end(&mut s);
            assert!(reset);
            got.len()
        })
        .collect();
    let stats = link.stop();
    assert_eq!(stats.cuts, connections as u64);
    assert_eq!(stats.bytes_down, cuts.iter().sum::<usize>() as u64);
    cuts
}

#[test]
fn random_cuts_are_in_range_and_reproducible() {
    let a = flaky_cuts(42, 6);
    assert!(a.iter().all(|n| (100..=65_536).contains(n)), "{a:?}");
    assert_eq!(a, flaky_cuts(42, 6), "the same seed cuts at the same bytes");
    assert_ne!(a, flaky_cuts(43, 6));
}

#[test]
fn a_blackout_resets_open_connections_and_refuses_new_ones() {
    // Up 0–300 ms, down 300–700 ms, up again from 700 ms.
    let schedule = Blackout::every(1_000 * MS, 400 * MS).starting_at(300 * MS);
    let t0 = Instant::now(); // no later than the link's clock starts
    let link = Link::start(echo(), Profile::unlimited().blackout(schedule)).unwrap();

    // A conversation that is busy when the link goes down.
    let mut s = TcpStream::connect(link.addr()).unwrap();
    let cut_at = loop {
        let alive = s.write_all(b"halo").is_ok() && {
            let mut back = [0; 4];
            s.read_exact(&mut back).is_ok()
        };
        if !alive {
            break t0.elapsed();
        }
        assert!(t0.elapsed() < 600 * MS, "still talking in the blackout");
        sleep(10 * MS);
    };
    println!("cut {cut_at:?} after the start (blackout from 300 ms)");
    // Late by at most a timer tick and a busy machine's scheduling.
    assert!(cut_at >= 300 * MS && cut_at < 400 * MS, "{cut_at:?}");

    // A new connection in the blackout is reset at once.
    sleep((500 * MS).saturating_sub(t0.elapsed()));
    let mut refused = TcpStream::connect(link.addr()).unwrap();
    let (got, reset) = read_until_end(&mut refused);
    assert!(reset && got.is_empty());

    // After it, the link carries again.
    sleep((750 * MS).saturating_sub(t0.elapsed()));
    let mut s = TcpStream::connect(link.addr()).unwrap();
    s.write_all(b"lagi").unwrap();
    let mut back = [0; 4];
    s.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"lagi");

    let stats = link.stats();
    assert_eq!(
        (
            stats.connections,
            stats.cuts,
            stats.blackout_cuts,
            stats.refused,
            stats.open
        ),
        (2, 1, 1, 1, 1)
    );
}

#[test]
fn an_unreachable_server_resets_the_client() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let link = Link::start(closed, Profile::unlimited()).unwrap();
    let mut s = TcpStream::connect(link.addr()).unwrap();
    let (got, reset) = read_until_end(&mut s);
    assert!(reset && got.is_empty());
    assert_eq!(link.stop().upstream_failures, 1);
}

#[test]
fn stopping_ends_every_connection() {
    let link = Link::start(echo(), Profile::unlimited()).unwrap();
    let mut s = TcpStream::connect(link.addr()).unwrap();
    s.write_all(b"x").unwrap();
    let mut back = [0; 1];
    s.read_exact(&mut back).unwrap();
    assert_eq!(link.stats().open, 1);
    let addr = link.addr();
    let stats = link.stop();
    assert_eq!((stats.open, stats.bytes_up, stats.bytes_down), (0, 1, 1));
    let (got, _) = read_until_end(&mut s);
    assert!(got.is_empty());
    assert!(TcpStream::connect(addr).is_err(), "nobody listens any more");
}

#[test]
fn unusable_profiles_are_refused_with_a_reason() {
    let err = Link::start(echo(), Profile::unlimited().bandwidth(0, 1)).unwrap_err();
    assert!(err.to_string().contains("down bandwidth is 0"), "{err}");
    let err = Profile::by_name("2g").unwrap_err();
    assert!(err.to_string().contains("edge, vsat, 3g, flaky"), "{err}");
}

#[tokio::test]
async fn async_code_can_start_use_and_drop_a_link() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let link = Link::start(echo(), Profile::by_name("3g").unwrap()).unwrap();
    let mut s = tokio::net::TcpStream::connect(link.addr()).await.unwrap();
    s.write_all(b"apa kabar").await.unwrap();
    let mut back = [0; 9];
    s.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"apa kabar");
    drop(link); // inside a runtime: must neither panic nor hang
}
