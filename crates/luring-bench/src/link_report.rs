//! What `luring-bench link` prints: each measured sync beside its physical limit — the
//! time an ideal protocol would need to move the same useful bytes over the same link,
//! `bytes ÷ bandwidth + round trips × RTT` — as a table or one JSON object.
//!
//! The limit counts the bytes of the requests that succeeded (the wire bytes minus the
//! re-sent ones, framing included) at the profile's bandwidth each way, and one round trip
//! per successful request plus the round trips a single connection costs to open (TCP's
//! handshake, and TLS's over HTTPS). A measured time near the limit leaves nothing to gain
//! but by sending fewer bytes or fewer requests; far above it, the time goes elsewhere
//! (cuts and restarts, blackouts, CPU, waits).

use luring_netsim::{CutAfter, Profile};
use serde::Serialize;

use crate::report::Machine;
use crate::wire::Measured;

/// The link as a report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkInfo {
    pub profile: String,
    pub down_bits_per_second: Option<u64>,
    pub up_bits_per_second: Option<u64>,
    pub round_trip_ms: u64,
    pub faults: String,
    pub seed: u64,
    /// `http` or `https`.
    pub scheme: String,
}

impl LinkInfo {
    pub fn new(p: &Profile, https: bool) -> Self {
        let mut faults = Vec::new();
        if let Some(b) = p.blackout {
            faults.push(format!(
                "link down {:.0} s every {:.0} s",
                b.down_for.as_secs_f64(),
                b.every.as_secs_f64()
            ));
        }
        match p.cut_after {
            Some(CutAfter::Bytes(n)) => faults.push(format!("each connection cut after {n} B")),
            Some(CutAfter::BytesBetween { min, max }) => faults.push(format!(
                "each connection cut after a random {min} B-{max} B"
            )),
            None => {}
        }
        Self {
            profile: p.name.clone(),
            down_bits_per_second: p.down.bits_per_second,
            up_bits_per_second: p.up.bits_per_second,
            round_trip_ms: p.round_trip().as_millis() as u64,
            faults: if faults.is_empty() {
                "none".into()
            } else {
                faults.join(", ")
            },
            seed: p.seed,
            scheme: if https { "https" } else { "http" }.into(),
        }
    }
}

/// The physical limit of a sync that moved `up` and `down` useful bytes in `round_trips`
/// sequential round trips, in seconds.
pub fn physical_limit(p: &Profile, up: u64, down: u64, round_trips: u64) -> f64 {
    let serial = |bytes: u64, bps: Option<u64>| bps.map_or(0.0, |b| bytes as f64 * 8.0 / b as f64);
    serial(up, p.up.bits_per_second)
        + serial(down, p.down.bits_per_second)
        + round_trips as f64 * p.round_trip().as_secs_f64()
}

/// Round trips a fresh connection costs before its first request: TCP, and TLS 1.3.
pub fn handshake_round_trips(https: bool) -> u64 {
    if https {
        2
    } else {
        1
    }
}

/// One measured sync and its limit.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub what: String,
    #[serde(flatten)]
    pub measured: Measured,
    /// Bytes of the requests that succeeded (wire bytes minus re-sent).
    pub useful_up: u64,
    pub useful_down: u64,
    /// Round trips of the limit: successful requests (one, pipelined) plus one
    /// connection's handshakes.
    pub limit_round_trips: u64,
    /// The physical limit; `None` when the sync did not finish (what a finished one would
    /// have moved is not known).
    pub limit_s: Option<f64>,
    /// Measured wall time ÷ limit.
    pub times_limit: Option<f64>,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Scenario {
    pub fn new(name: &str, what: String, m: Measured, p: &Profile, https: bool) -> Self {
        Self::limited(name, what, m, p, https, false)
    }

    /// A scenario whose client keeps enough requests in flight that the link never waits
    /// for a round trip (an attachment's chunks): the limit counts one round trip, not one
    /// per request.
    pub fn pipelined(name: &str, what: String, m: Measured, p: &Profile, https: bool) -> Self {
        Self::limited(name, what, m, p, https, true)
    }

    fn limited(
        name: &str,
        what: String,
        m: Measured,
        p: &Profile,
        https: bool,
        pipelined: bool,
    ) -> Self {
        let useful_up = m.bytes_up.saturating_sub(m.resent_up);
        let useful_down = m.bytes_down.saturating_sub(m.resent_down);
        let ok = m.requests - m.failed_requests;
        let limit_round_trips =
            if pipelined { ok.min(1) } else { ok } + handshake_round_trips(https);
        let limit_s = physical_limit(p, useful_up, useful_down, limit_round_trips);
        let finished = m.finished;
        Self {
            name: name.into(),
            what,
            times_limit: finished.then(|| r3(m.wall_s / limit_s)),
            measured: Measured {
                wall_s: r3(m.wall_s),
                in_requests_s: r3(m.in_requests_s),
                paused_s: r3(m.paused_s),
                ..m
            },
            useful_up,
            useful_down,
            limit_round_trips,
            limit_s: finished.then(|| r3(limit_s)),
        }
    }
}

/// Everything one `luring-bench link` run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    pub link: LinkInfo,
    pub scenarios: Vec<Scenario>,
    /// Seconds spent preparing (logins, the held work, the unit's history), not measured.
    pub setup_s: f64,
    pub machine: Machine,
}

fn kbit(bps: Option<u64>) -> String {
    bps.map_or_else(|| "unlimited".into(), |b| format!("{}", b / 1000))
}

impl Report {
    /// A table for a person.
    pub fn table(&self) -> String {
        let l = &self.link;
        let m = &self.machine;
        let mut s = format!(
            "luring-bench link --profile {}: {} / {} kbit/s down / up, {} ms round trip, \
             faults: {}; seed {}; over {}\n\
             machine: {} CPUs ({}), {} MB RAM, Linux {}, load {:.2}, {}\n\n",
            l.profile,
            kbit(l.down_bits_per_second),
            kbit(l.up_bits_per_second),
            l.round_trip_ms,
            l.faults,
            l.seed,
            l.scheme,
            m.nproc,
            m.cpu,
            m.mem_total_mb,
            m.kernel,
            m.load_avg_1m,
            m.date,
        );
        s.push_str(&format!(
            "{:<13} {:>9} {:>9} {:>7} {:>10} {:>10} {:>9} {:>10} {:>5}\n",
            "", "wall s", "limit s", "x limit", "up B", "down B", "requests", "re-sent B", "cuts"
        ));
        let opt = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        for c in &self.scenarios {
            let m = &c.measured;
            s.push_str(&format!(
                "{:<13} {:>9.2} {:>9} {:>7} {:>10} {:>10} {:>9} {:>10} {:>5}{}\n",
                c.name,
                m.wall_s,
                opt(c.limit_s),
                opt(c.times_limit),
                m.bytes_up,
                m.bytes_down,
                if m.failed_requests > 0 {
                    format!("{}({})", m.requests, m.failed_requests)
                } else {
                    m.requests.to_string()
                },
                m.resent_up + m.resent_down,
                m.cuts + m.refused,
                if m.finished { "" } else { "  NOT FINISHED" },
            ));
        }
        s.push('\n');
        for c in &self.scenarios {
            let m = &c.measured;
            s.push_str(&format!(
                "{}: {}; {} pushed, {} pulled by the attempt that finished; {} attempt(s), {} connection(s); {:.2} s in \
                 requests, {:.2} s paused between attempts, {:.2} s in the client; limit = {} B up + {} B down + {} round \
                 trips\n",
                c.name,
                c.what,
                m.pushed,
                m.pulled,
                m.attempts,
                m.connections,
                m.in_requests_s,
                m.paused_s,
                m.wall_s - m.in_requests_s - m.paused_s,
                c.useful_up,
                c.useful_down,
                c.limit_round_trips
            ));
            if let Some(e) = &m.last_error {
                s.push_str(&format!("  gave up; last error: {e}\n"));
            }
        }
        s.push_str(&format!(
            "(bytes as the link carried them, HTTP framing included; requests in brackets \
             failed; cuts include connections refused while the link was down; setup, not \
             measured: {:.1} s)\n",
            self.setup_s
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_bytes_over_bandwidth_plus_round_trips() {
        let edge = Profile::by_name("edge").unwrap();
        // 50 kbit/s up, 100 kbit/s down, 600 ms: 6,250 B up = 1 s, 12,500 B down = 1 s.
        let t = physical_limit(&edge, 6_250, 12_500, 2);
        assert!((t - 3.2).abs() < 1e-9, "{t}");
        assert_eq!(
            physical_limit(&Profile::unlimited(), 1 << 30, 1 << 30, 5),
            0.0
        );
    }

    #[test]
    fn re_sent_bytes_and_failed_requests_are_left_out_of_the_limit() {
        let p = Profile::by_name("flaky").unwrap();
        let m = Measured {
            finished: true,
            wall_s: 2.0,
            bytes_up: 125_000 + 5_000,
            bytes_down: 250_000 + 7_000,
            requests: 4,
            failed_requests: 2,
            resent_up: 5_000,
            resent_down: 7_000,
            ..Default::default()
        };
        let c = Scenario::new("day", "test".into(), m, &p, false);
        assert_eq!((c.useful_up, c.useful_down), (125_000, 250_000));
        // 2 successful requests + the TCP handshake, 200 ms each; 1 s up, 1 s down.
        assert_eq!(c.limit_round_trips, 3);
        assert_eq!(c.limit_s, Some(2.6));
        assert_eq!(c.times_limit, Some(0.769));
        let https = Scenario::new("day", "test".into(), c.measured.clone(), &p, true);
        assert_eq!(https.limit_round_trips, 4);
        let piped = Scenario::pipelined("up", "test".into(), c.measured.clone(), &p, true);
        assert_eq!(piped.limit_round_trips, 3);
        let unfinished = Measured {
            finished: false,
            ..c.measured.clone()
        };
        let gave_up = Scenario::new("day", "test".into(), unfinished, &p, false);
        assert_eq!((gave_up.limit_s, gave_up.times_limit), (None, None));
        assert!(Report {
            link: LinkInfo::new(&p, false),
            scenarios: vec![gave_up],
            setup_s: 0.0,
            machine: Machine::probe("test".into()),
        }
        .table()
        .contains("NOT FINISHED"));
    }

    #[test]
    fn faults_are_described() {
        let edge = LinkInfo::new(&Profile::by_name("edge").unwrap(), false);
        assert_eq!(edge.faults, "link down 2 s every 30 s");
        assert_eq!(edge.round_trip_ms, 600);
        let flaky = LinkInfo::new(&Profile::by_name("flaky").unwrap(), true);
        assert_eq!(
            flaky.faults,
            "each connection cut after a random 100 B-65536 B"
        );
        assert_eq!(flaky.scheme, "https");
        assert_eq!(
            LinkInfo::new(&Profile::by_name("3g").unwrap(), false).faults,
            "none"
        );
    }
}
