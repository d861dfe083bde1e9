//! The result of a run, as one JSON object (stable field names, for CI and for
//! docs/BENCHMARKS.md) or as a table for a person. The machine facts travel with the
//! figures because a latency means nothing without the disk and CPU it was measured on.

use serde::Serialize;

use crate::measure::Latency;

/// Targets from the foundation issue, in milliseconds.
pub const TARGET_OPEN_MS: f64 = 1000.0;
pub const TARGET_LIST_P99_MS: f64 = 10.0;
pub const TARGET_SEARCH_P99_MS: f64 = 20.0;
pub const TARGET_WRITE_P99_MS: f64 = 5.0;

#[derive(Debug, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub mem_total_mb: u64,
    pub kernel: String,
    pub sqlite_version: String,
    pub date: String,
    /// 1-minute load average when the measurements ended: other work skews latencies.
    pub load_avg_1m: f64,
}

impl Machine {
    pub fn probe(sqlite_version: String) -> Self {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map_or_else(|| "unknown".to_owned(), |s| s.trim().to_owned());
        let mem_total_mb = read("/proc/meminfo")
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024);
        Self {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            mem_total_mb,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            sqlite_version,
            date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            load_avg_1m: read("/proc/loadavg")
                .split_whitespace()
                .next()
                .and_then(|l| l.parse().ok())
                .unwrap_or(f64::NAN),
        }
    }
}

/// Everything one run measured. Times in milliseconds unless the name says otherwise.
#[derive(Debug, Serialize)]
pub struct Report {
    pub tasks: usize,
    pub documents: usize,
    pub samples: usize,
    pub seed: u64,
    pub fill_s: f64,
    /// Database file + WAL (+ shared memory, if present) after the fill.
    pub db_bytes: u64,
    pub open_ms: f64,
    /// Whether the OS page cache was dropped before the open.
    pub cold_cache: bool,
    pub list_first_ms: f64,
    pub list_p50_ms: f64,
    pub list_p99_ms: f64,
    pub list_max_ms: f64,
    pub list_rows_mean: f64,
    pub search_first_ms: f64,
    pub search_p50_ms: f64,
    pub search_p99_ms: f64,
    pub search_max_ms: f64,
    pub search_hits_mean: f64,
    pub write_first_ms: f64,
    pub write_p50_ms: f64,
    pub write_p99_ms: f64,
    pub write_max_ms: f64,
    pub targets_met: bool,
    pub machine: Machine,
}

/// What one run did and measured, before it is flattened into a [`Report`].
pub struct Run {
    pub tasks: usize,
    pub documents: usize,
    pub samples: usize,
    pub seed: u64,
    pub fill_s: f64,
    pub db_bytes: u64,
    pub open_ms: f64,
    pub cold_cache: bool,
    pub list: (Latency, f64),
    pub search: (Latency, f64),
    pub write: Latency,
}

/// Rounds to a microsecond (three decimals of a millisecond); finer is noise.
fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Report {
    pub fn new(m: Run, machine: Machine) -> Self {
        let ((list, rows), (search, hits), write) = (m.list, m.search, m.write);
        let targets_met = m.open_ms < TARGET_OPEN_MS
            && list.p99 < TARGET_LIST_P99_MS
            && search.p99 < TARGET_SEARCH_P99_MS
            && write.p99 < TARGET_WRITE_P99_MS;
        Self {
            tasks: m.tasks,
            documents: m.documents,
            samples: m.samples,
            seed: m.seed,
            fill_s: r3(m.fill_s),
            db_bytes: m.db_bytes,
            open_ms: r3(m.open_ms),
            cold_cache: m.cold_cache,
            list_first_ms: r3(list.first),
            list_p50_ms: r3(list.p50),
            list_p99_ms: r3(list.p99),
            list_max_ms: r3(list.max),
            list_rows_mean: r3(rows),
            search_first_ms: r3(search.first),
            search_p50_ms: r3(search.p50),
            search_p99_ms: r3(search.p99),
            search_max_ms: r3(search.max),
            search_hits_mean: r3(hits),
            write_first_ms: r3(write.first),
            write_p50_ms: r3(write.p50),
            write_p99_ms: r3(write.p99),
            write_max_ms: r3(write.max),
            targets_met,
            machine,
        }
    }

    /// A table for a person.
    pub fn table(&self) -> String {
        let m = &self.machine;
        let verdict = |v: f64, target: f64| if v < target { "ok" } else { "MISSED" };
        let row = |name: &str, first: f64, p50: f64, p99: f64, max: f64, target: f64| {
            format!(
                "{name:<8} {first:>9.2} {p50:>9.2} {p99:>9.2} {max:>9.2}   < {target:<6} {}\n",
                verdict(p99, target)
            )
        };
        let mut s = format!(
            "luring-bench local: {} tasks, {} documents, {} samples per measure\n\
             machine: {} CPUs ({}), {} MB RAM, Linux {}, SQLite {}, load {:.2}, {}\n\
             fill: {:.1} s; database + WAL: {:.1} MB\n\n",
            self.tasks,
            self.documents,
            self.samples,
            m.nproc,
            m.cpu,
            m.mem_total_mb,
            m.kernel,
            m.sqlite_version,
            m.load_avg_1m,
            m.date,
            self.fill_s,
            self.db_bytes as f64 / 1e6,
        );
        s.push_str(&format!(
            "open     {:>9.2} ms ({} page cache)   target < {TARGET_OPEN_MS} ms  {}\n\n",
            self.open_ms,
            if self.cold_cache {
                "cold"
            } else {
                "WARM: could not drop"
            },
            verdict(self.open_ms, TARGET_OPEN_MS)
        ));
        s.push_str(&format!(
            "{:<8} {:>9} {:>9} {:>9} {:>9}   p99 target\n",
            "", "first ms", "p50 ms", "p99 ms", "max ms"
        ));
        s.push_str(&row(
            "list",
            self.list_first_ms,
            self.list_p50_ms,
            self.list_p99_ms,
            self.list_max_ms,
            TARGET_LIST_P99_MS,
        ));
        s.push_str(&row(
            "search",
            self.search_first_ms,
            self.search_p50_ms,
            self.search_p99_ms,
            self.search_max_ms,
            TARGET_SEARCH_P99_MS,
        ));
        s.push_str(&row(
            "write",
            self.write_first_ms,
            self.write_p50_ms,
            self.write_p99_ms,
            self.write_max_ms,
            TARGET_WRITE_P99_MS,
        ));
        s.push_str(&format!(
            "\nlist returned {:.1} rows on average; search found {:.1} documents on average\n",
            self.list_rows_mean, self.search_hits_mean
        ));
        s
    }
}
