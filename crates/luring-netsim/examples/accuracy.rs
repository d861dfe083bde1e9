//! Measures the link emulator against its model for the DESIGN.md profiles and prints a
//! Markdown table for docs/BENCHMARKS.md ("Link emulator accuracy"):
//!
//! ```text
//! cargo run --release -p luring-netsim --example accuracy [-- edge vsat 3g]
//! ```
//!
//! Per profile (blackouts off, so that no cut lands in a measurement), three runs each of:
//! a download of ~2 s of bytes on a new connection (the server speaks first), an upload of
//! ~2 s of bytes answered by 8 bytes, and ten 32-byte ping-pongs on an open connection.
//! "Expected" is the physical limit the link models: bytes × 8 / bandwidth, plus the
//! one-way delays, plus TCP's handshake (one round trip; the server's first byte half a
//! round trip later).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use luring_netsim::{Link, Profile};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let names: Vec<String> = std::env::args().skip(1).collect();
    let names = if names.is_empty() {
        vec!["edge".into(), "vsat".into(), "3g".into()]
    } else {
        names
    };
    println!("| profile | measurement | expected | measured (3 runs) | error |");
    println!("|---|---|---|---|---|");
    for name in names {
        let p = Profile::by_name(&name)?.no_blackout();
        let rtt = p.round_trip();
        let bps = |d: luring_netsim::Direction| d.bits_per_second.unwrap_or(u64::MAX);

        let down_bytes = bps(p.down) / 4; // 2 s of serialization
        let link = Link::start(common::source(down_bytes as usize), p.clone())?;
        let expected = 2 * rtt + Profile::transfer_time(p.down, down_bytes) - p.down.delay;
        let runs = timed_runs(3, || {
            let mut s = TcpStream::connect(link.addr())?;
            let (got, _) = common::read_until_end(&mut s);
            check(got.len() as u64 == down_bytes, "short download")
        })?;
        row(
            &name,
            &format!("download {:.1} KB, new connection", down_bytes as f64 / 1e3),
            expected,
            &runs,
        );

        let up_bytes = bps(p.up) / 4;
        let link = Link::start(common::counter(), p.clone())?;
        let expected =
            rtt + Profile::transfer_time(p.up, up_bytes) + Profile::transfer_time(p.down, 8);
        let runs = timed_runs(3, || {
            let mut s = TcpStream::connect(link.addr())?;
            s.write_all(&vec![1; up_bytes as usize])?;
            s.shutdown(Shutdown::Write)?;
            let mut answer = [0; 8];
            s.read_exact(&mut answer)?;
            check(u64::from_be_bytes(answer) == up_bytes, "short upload")
        })?;
        row(
            &name,
            &format!(
                "upload {:.1} KB + 8 B answer, new connection",
                up_bytes as f64 / 1e3
            ),
            expected,
            &runs,
        );

        let link = Link::start(common::echo(), p.clone())?;
        let mut s = TcpStream::connect(link.addr())?;
        s.set_nodelay(true)?;
        let expected = Profile::transfer_time(p.up, 32) + Profile::transfer_time(p.down, 32);
        let mut ping = || -> Result<(), Box<dyn std::error::Error>> {
            s.write_all(&[9; 32])?;
            let mut back = [0; 32];
            s.read_exact(&mut back)?;
            Ok(())
        };
        ping()?; // pays the handshake
        let pings = timed_runs(10, ping)?;
        row(
            &name,
            "32 B ping-pong (10, open connection)",
            expected,
            &pings,
        );
    }
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    if ok {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn timed_runs(
    n: usize,
    mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>,
) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f()?;
            Ok(t0.elapsed())
        })
        .collect()
}

fn row(profile: &str, what: &str, expected: Duration, runs: &[Duration]) {
    let errs: Vec<f64> = runs
        .iter()
        .map(|r| common::error_pct(*r, expected))
        .collect();
    let (lo, hi) = errs
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), e| (lo.min(*e), hi.max(*e)));
    let ms = |d: &Duration| format!("{:.0}", d.as_secs_f64() * 1e3);
    let measured = if runs.len() <= 3 {
        runs.iter().map(ms).collect::<Vec<_>>().join(" / ") + " ms"
    } else {
        let mean = runs.iter().sum::<Duration>() / runs.len() as u32;
        format!(
            "mean {} ms, {}–{} ms",
            ms(&mean),
            ms(runs.iter().min().unwrap_or(&mean)),
            ms(runs.iter().max().unwrap_or(&mean))
        )
    };
    println!(
        "| {profile} | {what} | {} ms | {measured} | {lo:+.1}% … {hi:+.1}% |",
        ms(&expected)
    );
}
