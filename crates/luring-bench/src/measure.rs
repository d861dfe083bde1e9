//! The four measurements: a cold open, a first page of tasks, a full-text search and one
//! durable edit. Each times only the store call (with [`Instant`]) and keeps every sample,
//! so percentiles are exact nearest-rank values, never estimates. The first call of each
//! kind after the cold open is reported on its own: it is what a person sees right after
//! starting the app, and it is the one that reads from disk.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use luring_model::{TaskPatch, TaskStatus};
use luring_store::{Store, TaskFilter};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::fill::task_id;
use crate::words::SEARCH_QUERIES;
use crate::BoxResult;

/// Summary of one kind of operation, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub first: f64,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// Nearest-rank percentile of sorted samples: the smallest value with at least `p`% of
/// the samples at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median and 99th percentile (nearest rank) of unsorted samples.
pub fn p50_p99(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    (percentile(&samples, 50.0), percentile(&samples, 99.0))
}

fn summarise(first: f64, mut samples: Vec<f64>) -> Latency {
    samples.sort_by(f64::total_cmp);
    Latency {
        first,
        p50: percentile(&samples, 50.0),
        p99: percentile(&samples, 99.0),
        max: samples.last().copied().unwrap_or(f64::NAN),
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The database file and its WAL / shared-memory companions, those that exist.
pub fn db_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.is_file())
        .collect()
}

/// Flushes the store's files and asks the kernel to forget its page cache (needs root).
/// Returns whether the cache was dropped.
fn drop_page_cache(db: &Path) -> bool {
    for f in db_files(db) {
        if let Ok(file) = File::open(&f) {
            let _ = file.sync_all();
        }
    }
    std::fs::write("/proc/sys/vm/drop_caches", "1\n").is_ok()
}

/// Opens the store after dropping the page cache; returns it, the time and whether the
/// cache really was dropped.
pub fn cold_open(db: &Path) -> BoxResult<(Store, f64, bool)> {
    let cold = drop_page_cache(db);
    let t = Instant::now();
    let store = Store::open(db)?;
    Ok((store, ms(t), cold))
}

/// First page (50) of tasks of one status, by due date; the status rotates.
pub fn list(store: &Store, samples: usize) -> BoxResult<(Latency, f64)> {
    let mut times = Vec::with_capacity(samples);
    let mut first = 0.0;
    let mut rows = 0usize;
    for i in 0..=samples {
        let f = TaskFilter {
            status: Some(TaskStatus::ALL[i % 4].to_string()),
            limit: Some(50),
            ..Default::default()
        };
        let t = Instant::now();
        let page = store.list_tasks(&f)?;
        let dt = ms(t);
        if i == 0 {
            first = dt;
        } else {
            times.push(dt);
            rows += page.len();
        }
    }
    Ok((summarise(first, times), rows as f64 / samples as f64))
}

/// Full-text search for words that occur in the bodies, 50 results; the query rotates.
/// Also returns the mean number of results, to show the queries really match.
pub fn search(store: &Store, samples: usize) -> BoxResult<(Latency, f64)> {
    let mut times = Vec::with_capacity(samples);
    let mut first = 0.0;
    let mut hits = 0usize;
    for i in 0..=samples {
        let q = SEARCH_QUERIES[i % SEARCH_QUERIES.len()];
        let t = Instant::now();
        let found = store.search_documents(q, 50)?;
        let dt = ms(t);
        if i == 0 {
            first = dt;
        } else {
            times.push(dt);
            hits += found.len();
        }
    }
    Ok((summarise(first, times), hits as f64 / samples as f64))
}

/// Changes the status of a random task to a different one, durably (one immediate
/// transaction, WAL with `synchronous = FULL`).
pub fn write(
    store: &mut Store,
    statuses: &mut [TaskStatus],
    samples: usize,
    seed: u64,
) -> BoxResult<Latency> {
    // A stream of its own, so the edits do not repeat the fill's random choices.
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    let mut times = Vec::with_capacity(samples);
    let mut first = 0.0;
    for i in 0..=samples {
        let k = rng.random_range(0..statuses.len());
        let now = statuses[k];
        let others: Vec<TaskStatus> = TaskStatus::ALL.into_iter().filter(|s| *s != now).collect();
        let next = others[rng.random_range(0..others.len())];
        let patch = TaskPatch {
            status: Some(next),
            ..Default::default()
        };
        let id = task_id(k);
        let t = Instant::now();
        let task = store.update_task(&id, |d| luring_crdt::patch_task(d, &patch))?;
        let dt = ms(t);
        if task.status != next {
            return Err(anyhow::anyhow!("task {id} did not take its new status"));
        }
        statuses[k] = next;
        if i == 0 {
            first = dt;
        } else {
            times.push(dt);
        }
    }
    Ok(summarise(first, times))
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 50.0), 50.0);
        assert_eq!(percentile(&xs, 99.0), 99.0);
        assert_eq!(percentile(&xs, 100.0), 100.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 99.0), 10.0);
        assert!(percentile(&[], 50.0).is_nan());
    }
}
