//! Fills a fresh store through the store's own public write path
//! ([`Store::create_tasks`] / [`Store::create_documents`]), in batches of one transaction
//! each, so the database on disk holds exactly what a real profile of that size would:
//! automerge snapshots, outbox rows, derived query tables and the FTS index.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use luring_crdt::{NewDocument, NewTask};
use luring_model::{Classification, DocKind, Document, EntityId, Nip, Task, TaskStatus, Title};
use luring_store::Store;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::corpus;
use crate::BoxResult;

/// How big a store to make.
pub struct Plan {
    pub tasks: usize,
    pub documents: usize,
    pub batch: usize,
    pub seed: u64,
}

/// What the measurements need to know about the filled store.
pub struct Filled {
    /// Status of each task, by index (`t-000001` is index 0), to make real edits later.
    pub statuses: Vec<TaskStatus>,
    pub seconds: f64,
}

/// Size of the pool of assignees; a real unit has a few hundred people.
const NIP_POOL: usize = 300;

pub fn task_id(i: usize) -> String {
    format!("t-{:06}", i + 1)
}

fn doc_id(i: usize) -> String {
    format!("d-{:06}", i + 1)
}

fn created_at(rng: &mut StdRng) -> String {
    format!(
        "{}T{:02}:{:02}:00Z",
        corpus::date_in_year(rng),
        rng.random_range(0..24),
        rng.random_range(0..60)
    )
}

fn new_task(rng: &mut StdRng, i: usize, pool: &[Nip]) -> BoxResult<NewTask> {
    let mut assignees: Vec<Nip> = match rng.random_range(0..3) {
        0 => vec![],
        n => pool.choose_multiple(rng, n).cloned().collect(),
    };
    assignees.sort();
    Ok(NewTask {
        id: EntityId::parse(&task_id(i))?,
        title: Title::parse(&corpus::task_title(rng))?,
        description: Task::description(&corpus::task_description(rng))?,
        status: *TaskStatus::ALL.choose(rng).expect("four statuses"),
        // About one task in six has no due date.
        due: (!rng.random_bool(1.0 / 6.0)).then(|| corpus::date_in_year(rng)),
        assignees,
        unit: None,
        created_at: created_at(rng),
        created_by: None,
    })
}

fn new_document(rng: &mut StdRng, i: usize) -> BoxResult<NewDocument> {
    Ok(NewDocument {
        id: EntityId::parse(&doc_id(i))?,
        kind: *DocKind::ALL.choose(rng).expect("document kinds"),
        title: Title::parse(&corpus::doc_title(rng))?,
        body: Document::body(&corpus::doc_body(rng, 1000, 2800))?,
        classification: *Classification::ALL.choose(rng).expect("classifications"),
        unit: None,
        revision_of: None,
        created_at: created_at(rng),
        created_by: None,
    })
}

/// Progress on stderr: one updating line on a terminal, a line per tenth in a log.
fn progress(what: &str, prev: usize, done: usize, total: usize, start: Instant) {
    let line = format!(
        "fill: {what} {done}/{total} ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let _ = write!(err, "\r{line}   ");
        if done == total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    } else if done == total || done * 10 / total != prev * 10 / total {
        let _ = writeln!(err, "{line}");
    }
}

/// Creates the store at `path` (which must not exist yet) and fills it.
pub fn fill(path: &Path, plan: &Plan) -> BoxResult<Filled> {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let pool: Vec<Nip> = (0..NIP_POOL).map(|_| corpus::nip(&mut rng)).collect();
    let mut store = Store::open(path)?;
    let mut statuses = Vec::with_capacity(plan.tasks);
    let mut i = 0;
    while i < plan.tasks {
        let end = (i + plan.batch).min(plan.tasks);
        let batch = (i..end)
            .map(|k| new_task(&mut rng, k, &pool))
            .collect::<BoxResult<Vec<_>>>()?;
        statuses.extend(batch.iter().map(|t| t.status));
        store.create_tasks(&batch)?;
        progress("tasks", i, end, plan.tasks, start);
        i = end;
    }
    let mut i = 0;
    while i < plan.documents {
        let end = (i + plan.batch).min(plan.documents);
        let batch = (i..end)
            .map(|k| new_document(&mut rng, k))
            .collect::<BoxResult<Vec<_>>>()?;
        store.create_documents(&batch)?;
        progress("documents", i, end, plan.documents, start);
        i = end;
    }
    // Closing the last connection checkpoints the WAL into the database file.
    drop(store);
    Ok(Filled {
        statuses,
        seconds: start.elapsed().as_secs_f64(),
    })
}
