//! `luring-bench`: measures Luring's local store at the size of a busy office, because
//! the foundation promises (open < 1 s, list p99 < 10 ms, search p99 < 20 ms, durable
//! write p99 < 5 ms with 100,000 tasks) only mean something when checked on a real file
//! on a real disk, through the same public API the app uses.
//!
//! `luring-bench local --tasks 100000 [--documents 1000] [--samples N] [--dir DIR] [--json]`
//! fills a fresh store ([`fill`]), closes it, then measures a cold open, task lists,
//! full-text search and durable edits ([`measure`]) and prints a [`report`].
//!
//! `luring-bench sync [--held 60] [--seed N] [--json]` measures what one sync costs after
//! a day of offline work on a device holding `--held` tasks, beside the day's information
//! content ([`sync_day`]).
//!
//! `luring-bench link --profile edge|vsat|3g|flaky [--tasks N] [--documents N] [--json]`
//! times a day's sync and a new device's first sync through an emulated 3T link, beside
//! the link's physical limit ([`link`]).

mod beranda;
mod corpus;
mod edit_log;
mod fill;
mod link;
mod link_report;
mod measure;
mod report;
mod saves;
mod served;
mod site;
mod sync_day;
mod train_dict;
mod unit_history;
mod wire;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Errors end here, printed as one line with their causes (`{:#}`).
pub type BoxResult<T> = anyhow::Result<T>;

/// Name of the database file, as in a profile folder.
const DB_FILE: &str = "luring.db";

#[derive(Debug, Parser)]
#[command(
    name = "luring-bench",
    version,
    about = "Benchmarks of Luring's local store and sync"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fill a fresh local store, then time open, list, search and durable writes.
    Local(LocalArgs),
    /// A day of offline work on one device, then one sync with the real server over HTTP:
    /// bytes on the wire (headers included), round trips, and the day's information limit.
    Sync(SyncArgs),
    /// A day's sync and a new device's first sync over an emulated 3T link (real server,
    /// real clients, HTTP through the link emulator): time, bytes, requests, re-sent bytes,
    /// beside the physical limit.
    Link(LinkArgs),
    /// Train the sync protocol's zstd dictionary on generated days of work.
    TrainDict(TrainArgs),
    /// Time Beranda's view (counts and the first few per bucket) with N tasks of mine.
    Beranda(BerandaArgs),
    /// Time one editor save (a typed key) while the device holds N approval requests.
    Saves(SavesArgs),
}

#[derive(Debug, Args)]
struct SavesArgs {
    /// Approval requests held on the device when saves are timed (for other letters).
    #[arg(long, value_delimiter = ',', default_value = "0,300,1000,3000")]
    requests: Vec<u64>,
    /// Saves timed at each count.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    samples: u64,
}

#[derive(Debug, Args)]
struct BerandaArgs {
    /// Unfinished tasks of mine, due over the 60 days around the day measured.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    tasks: u64,
    /// Timed runs of each query.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    samples: u64,
}

#[derive(Debug, Args)]
struct TrainArgs {
    /// Where to write the dictionary.
    #[arg(long, default_value = "crates/luring-sync/dict/luring-1.zdict")]
    out: PathBuf,
    /// Generated days of work to take samples from.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..=1000))]
    days: u64,
    /// Largest dictionary, in bytes.
    #[arg(long, default_value_t = 16_384)]
    size: usize,
}

#[derive(Debug, Args)]
struct LinkArgs {
    /// The link: edge (100/50 kbit/s, 600 ms), vsat (1/0.5 Mbit/s, 800 ms), 3g (2/1
    /// Mbit/s, 200 ms) or flaky (3g cut after 100 B-64 KB), as in DESIGN.md.
    #[arg(long, value_parser = luring_netsim::PROFILE_NAMES)]
    profile: String,
    /// Tasks of the unit's history the new device pulls in its first sync.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    tasks: u64,
    /// Documents of the unit's history the new device pulls in its first sync.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    documents: u64,
    /// Tasks the day's device holds (the day's 50 edits touch 40 of them).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    held: u64,
    /// Seed of the generated content and of the link's random cuts.
    #[arg(long, default_value_t = 20_261_123)]
    seed: u64,
    /// Serve and sync over HTTPS (a throw-away agency CA) instead of plain HTTP.
    #[arg(long)]
    https: bool,
    /// Stop restarting a sync that has not finished after this many seconds.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    give_up_after: u64,
    /// Run only one scenario: day, first-sync or attachment (2 MB up, then down).
    #[arg(long, value_parser = ["day", "first-sync", "attachment"])]
    only: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SyncArgs {
    /// Tasks the device holds, created and synced before the day; the day's 50 task edits
    /// touch 40 of them (all, if fewer), the rest stay unchanged.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    held: u64,
    /// Seed of the generated content and of the day's edits.
    #[arg(long, default_value_t = 20_261_123)]
    seed: u64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct LocalArgs {
    /// Number of tasks to create.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    tasks: u64,
    /// Number of documents (naskah dinas) to create, with 1-3 KB bodies.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    documents: u64,
    /// Timed runs of each of list, search and write.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    samples: u64,
    /// Entities created per transaction while filling.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch: u64,
    /// Seed of the generated content: the same seed gives the same store.
    #[arg(long, default_value_t = 20_261_123)]
    seed: u64,
    /// Empty folder to create the store in, and keep it (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(e.kind(), DisplayHelp | DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // clap may spread one message over several lines; keep it to one sentence.
            let text = e.render().to_string();
            let words: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let joined = words.join(" ");
            let msg = joined.strip_prefix("error: ").unwrap_or(&joined);
            eprintln!("luring-bench: {msg} (see `luring-bench --help`)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Local(args) => local(&args),
        Command::Sync(args) => sync(&args),
        Command::Link(args) => link(&args),
        Command::Beranda(args) => beranda::run(&beranda::Plan {
            tasks: args.tasks,
            samples: args.samples,
        }),
        Command::Saves(args) => {
            let mut requests = args.requests;
            requests.sort_unstable();
            saves::run(&saves::Plan {
                requests,
                samples: args.samples,
            })
        }
        Command::TrainDict(args) => train_dict::run(&train_dict::Plan {
            days: args.days,
            size: args.size,
            out: args.out,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("luring-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn sync(a: &SyncArgs) -> BoxResult<()> {
    let r = sync_day::run(&sync_day::Plan {
        held: a.held as usize,
        seed: a.seed,
    })?;
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        print!("{}", r.table());
    }
    Ok(())
}

fn link(a: &LinkArgs) -> BoxResult<()> {
    let profile = luring_netsim::Profile::by_name(&a.profile)?.seed(a.seed);
    let r = link::run(&link::Plan {
        profile,
        https: a.https,
        held: a.held as usize,
        tasks: a.tasks as usize,
        documents: a.documents as usize,
        seed: a.seed,
        give_up: std::time::Duration::from_secs(a.give_up_after),
        only: match a.only.as_deref() {
            Some("day") => link::Only::Day,
            Some("attachment") => link::Only::Attachment,
            Some(_) => link::Only::FirstSync,
            None => link::Only::All,
        },
    })?;
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        print!("{}", r.table());
    }
    Ok(())
}

fn local(a: &LocalArgs) -> BoxResult<()> {
    let (tasks, documents, samples) = (a.tasks as usize, a.documents as usize, a.samples as usize);
    // Keep the temporary folder alive until the end; it is removed when dropped.
    let (_tmp, dir) = match &a.dir {
        Some(d) => {
            std::fs::create_dir_all(d)
                .map_err(|e| anyhow::anyhow!("cannot create folder {}: {e}", d.display()))?;
            (None, d.clone())
        }
        None => {
            let t = tempfile::Builder::new().prefix("luring-bench-").tempdir()?;
            let p = t.path().to_owned();
            (Some(t), p)
        }
    };
    let db = dir.join(DB_FILE);
    if !measure::db_files(&db).is_empty() {
        anyhow::bail!(
            "{} already holds a store; give an empty folder so the store is fresh",
            dir.display()
        );
    }
    eprintln!(
        "fill: {tasks} tasks and {documents} documents into {}",
        db.display()
    );
    let mut filled = fill::fill(
        &db,
        &fill::Plan {
            tasks,
            documents,
            batch: a.batch as usize,
            seed: a.seed,
        },
    )?;
    let db_bytes = measure::db_files(&db)
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    eprintln!("measure: cold open, then {samples} lists, searches and writes");
    let (mut store, open_ms, cold_cache) = measure::cold_open(&db)?;
    let list = measure::list(&store, samples)?;
    let search = measure::search(&store, samples)?;
    let write = measure::write(&mut store, &mut filled.statuses, samples, a.seed)?;
    let sqlite_version: String =
        store
            .connection()
            .query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    drop(store);
    let r = report::Report::new(
        report::Run {
            tasks,
            documents,
            samples,
            seed: a.seed,
            fill_s: filled.seconds,
            db_bytes,
            open_ms,
            cold_cache,
            list,
            search,
            write,
        },
        report::Machine::probe(sqlite_version),
    );
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        print!("{}", r.table());
    }
    if a.dir.is_some() {
        eprintln!("store kept at {}", db.display());
    }
    Ok(())
}
