//! The link's timing against the physical limit: bulk transfers each way take
//! bytes × 8 / bandwidth + one-way delay, and a ping-pong takes the round trip. These
//! fail if pacing or delay drift; each prints its measured error (`--nocapture`).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use luring_netsim::{Link, Profile};

mod common;
use common::*;

const MS: Duration = Duration::from_millis(1);

#[test]
fn a_download_takes_serialization_plus_delay() {
    const BYTES: usize = 200_000;
    let profile = Profile::unlimited()
        .bandwidth(1_000_000, 1_000_000)
        .delays(100 * MS, 100 * MS);
    let link = Link::start(source(BYTES), profile.clone()).unwrap();
    let ((got, reset), took) = timed(|| {
        let mut s = TcpStream::connect(link.addr()).unwrap();
        read_until_end(&mut s)
    });
    assert!(!reset);
    assert_eq!(got.len(), BYTES);
    assert!(got.iter().enumerate().all(|(i, b)| *b == pattern(i)));
    let expected = Profile::transfer_time(profile.down, BYTES as u64); // 1.6 s + 100 ms
    let err = error_pct(took, expected);
    println!("download 200 KB @ 1 Mbit/s + 100 ms: expected {expected:?}, measured {took:?}, error {err:+.2}%");
    assert!(err.abs() < 5.0, "error {err:+.2}%");
    let stats = link.stop();
    assert_eq!(stats.bytes_down, BYTES as u64);
    assert_eq!(stats.bytes_up, 0);
    assert_eq!((stats.connections, stats.open, stats.cuts), (1, 0, 0));
}

#[test]
fn an_upload_takes_serialization_plus_delay() {
    const BYTES: usize = 50_000;
    // Asymmetric, as every profile is: the upload is the slow way.
    let profile = Profile::unlimited()
        .bandwidth(2_000_000, 500_000)
        .delays(150 * MS, 50 * MS);
    let link = Link::start(counter(), profile.clone()).unwrap();
    let (count, took) = timed(|| {
        let mut s = TcpStream::connect(link.addr()).unwrap();
        s.write_all(&vec![7; BYTES]).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let mut answer = [0; 8];
        s.read_exact(&mut answer).unwrap();
        u64::from_be_bytes(answer)
    });
    assert_eq!(count, BYTES as u64);
    // Up the whole file, then the 8-byte answer down.
    let expected =
        Profile::transfer_time(profile.up, BYTES as u64) + Profile::transfer_time(profile.down, 8);
    let err = error_pct(took, expected);
    println!("upload 50 KB @ 0.5 Mbit/s + 50 ms, answer back + 150 ms: expected {expected:?}, measured {took:?}, error {err:+.2}%");
    assert!(err.abs() < 5.0, "error {err:+.2}%");
    // stop() first: a byte is counted just after the receiving socket took it, so the
    // client can see it a moment before the counter does.
    let stats = link.stop();
    assert_eq!((stats.bytes_up, stats.bytes_down), (BYTES as u64, 8));
}

#[test]
fn a_ping_pong_takes_the_round_trip_and_a_new_connection_one_more() {
    let profile = Profile::unlimited()
        .delays(150 * MS, 50 * MS)
        .handshake(true);
    let rtt = profile.round_trip();
    let link = Link::start(echo(), profile).unwrap();
    let mut s = TcpStream::connect(link.addr()).unwrap();
    s.set_nodelay(true).unwrap();
    let mut ping = |i: u8| {
        timed(|| {
            s.write_all(&[i; 32]).unwrap();
            let mut back = [0; 32];
            s.read_exact(&mut back).unwrap();
            assert_eq!(back, [i; 32]);
        })
        .1
    };
    // The first exchange also pays for TCP's handshake.
    let first = ping(0);
    let first_err = first.as_secs_f64() * 1e3 - (2 * rtt).as_secs_f64() * 1e3;
    println!("first exchange on a new connection: expected {:?}, measured {first:?}, error {first_err:+.1} ms", 2 * rtt);
    assert!(first_err.abs() < 30.0, "{first:?}");
    let rounds: Vec<Duration> = (1..=8).map(&mut ping).collect();
    let worst = rounds
        .iter()
        .map(|r| (r.as_secs_f64() - rtt.as_secs_f64()) * 1e3)
        .fold(0.0_f64, |w, e| if e.abs() > w.abs() { e } else { w });
    let mean = rounds.iter().sum::<Duration>() / rounds.len() as u32;
    println!(
        "ping-pong, 200 ms round trip: mean {mean:?} ({:+.2}%), worst error {worst:+.1} ms",
        error_pct(mean, rtt)
    );
    assert!(worst.abs() < 30.0, "{rounds:?}");
    assert!(rounds.iter().all(|r| *r >= rtt), "never faster than light");
}

#[test]
fn connections_share_the_bandwidth_as_on_one_radio_link() {
    const BYTES: usize = 100_000;
    let profile = Profile::unlimited().bandwidth(1_000_000, 1_000_000);
    let link = Link::start(source(BYTES), profile.clone()).unwrap();
    let addr = link.addr();
    let t0 = std::time::Instant::now();
    let downloads: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                let (got, _) = read_until_end(&mut s);
                assert_eq!(got.len(), BYTES);
                t0.elapsed()
            })
        })
        .collect();
    let mut done: Vec<Duration> = downloads.into_iter().map(|d| d.join().unwrap()).collect();
    done.sort();
    // Both together take as long as one of twice the size: 1.6 s, not 0.8 s each.
    let expected = Profile::transfer_time(profile.down, 2 * BYTES as u64);
    let err = error_pct(done[1], expected);
    println!("two 100 KB downloads at once @ 1 Mbit/s: expected both done by {expected:?}, measured {done:?}, error {err:+.2}%");
    assert!(err.abs() < 5.0, "error {err:+.2}%");
    assert!(
        done[0] > expected * 3 / 4,
        "one download had the link to itself first: {done:?}"
    );
}
