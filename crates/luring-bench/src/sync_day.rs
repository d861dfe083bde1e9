//! `luring-bench sync`: what one sync costs after a day of offline work, beside the day's
//! information content (issue 14).
//!
//! A device holds `--held` tasks and [`DOCUMENTS`] naskah dinas of about 2 KB, all created
//! and synced before the day starts, so the server already has them and the device's
//! outbox is empty. During the day, offline, the person makes [`TASK_EDITS`] task edits
//! (status and title changes, a few comments, spread over up to [`EDITED_TASKS`] tasks) and
//! inserts [`PASSAGES_PER_DOC`] passages of about [`PASSAGE_CHARS`] characters into each
//! document, each edit saved on its own (its own automerge change, as the app saves); then
//! the device syncs once.
//!
//! The server is the real one (`luring_server::launch` on 127.0.0.1, [`Site`]) and the
//! device a real [`Profile`] with its HTTP transport; the sync goes through an emulated
//! link with no limits ([`luring_netsim::Profile::unlimited`]) only to count the bytes
//! that cross: HTTP headers and framing included. Beside them, the day's **information
//! limit** ([`EditLog`]): zstd -19 of a JSON-lines log of the edits.
//!
//! The content and the plan of the day come from a seeded generator, in separate streams
//! so that the edited tasks, the documents and the day's edits are the same whatever
//! `--held` is; only the unchanged tasks differ. Entity ids, the device's automerge actor,
//! the token and change timestamps are random or clock-based, as in the app, so sizes can
//! differ by a few bytes between runs; the edits themselves do not.

use std::collections::BTreeSet;

use luring_client::{NewDocInput, NewTaskInput, Profile, TaskChanges};
use luring_model::{DocKind, Nip, TaskStatus};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::edit_log::EditLog;
use crate::report::Machine;
use crate::site::{Over, Site};
use crate::wire::Measured;
use crate::{corpus, BoxResult};

/// The person whose device is measured.
pub const NIP: &str = "198703122010011002";

/// Documents held (and each edited once during the day).
pub const DOCUMENTS: usize = 5;
/// Task edits during the day.
pub const TASK_EDITS: usize = 50;
/// Distinct tasks the task edits are spread over (fewer when fewer are held).
pub const EDITED_TASKS: usize = 40;
/// Of the task edits: status changes, title changes and comments.
pub const STATUS_CHANGES: usize = 25;
pub const TITLE_CHANGES: usize = 20;
pub const COMMENTS: usize = TASK_EDITS - STATUS_CHANGES - TITLE_CHANGES;
/// Document bodies are drawn between these sizes (bytes).
const BODY_BYTES: (usize, usize) = (1900, 2100);
/// Passages inserted into each document during the day, and their length (issue 14's day,
/// also issue 13's `luring-bench link`).
pub const PASSAGES_PER_DOC: usize = 20;
pub const PASSAGE_CHARS: usize = 100;
/// zstd level of the sync codec (`luring_sync::codec`), used for the reference size.
pub const ZSTD_LEVEL: i32 = 3;

/// Targets from the sync issues: one round trip, and the day within 1.5 times its
/// information limit (bytes up and down, HTTP included).
pub const TARGET_ROUND_TRIPS: u64 = 1;
pub const TARGET_WIRE_TO_LIMIT: f64 = 1.5;

/// What to run.
pub struct Plan {
    pub held: usize,
    pub seed: u64,
}

/// One sync as the link counted it.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// Bytes that crossed, HTTP included.
    pub bytes_up: u64,
    pub bytes_down: u64,
    /// HTTP requests, each one round trip.
    pub round_trips: u64,
    pub pushed: usize,
    pub pulled: usize,
    /// Wall time over loopback.
    pub ms: f64,
}

impl Exchange {
    fn new(m: &Measured) -> Self {
        Self {
            bytes_up: m.bytes_up,
            bytes_down: m.bytes_down,
            round_trips: m.requests,
            pushed: m.pushed,
            pulled: m.pulled,
            ms: r3(m.wall_s * 1000.0),
        }
    }
}

/// Everything one run measured. Sizes in bytes.
#[derive(Debug, Serialize)]
pub struct Report {
    pub held_tasks: usize,
    pub documents: usize,
    pub seed: u64,
    pub status_changes: usize,
    pub title_changes: usize,
    pub comments: usize,
    pub passages: usize,
    /// Tasks and documents with at least one change during the day.
    pub edited_entities: usize,
    /// Edits made (lines of the edit log) and automerge changes in the outbox just before
    /// the sync (the sync folds them first: `pushed` is how many went out).
    pub edits: usize,
    pub changes: usize,
    /// The day's sync on the wire, HTTP included.
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub round_trips: u64,
    pub pushed: usize,
    pub pulled: usize,
    pub sync_ms: f64,
    /// zstd -19 of the JSON-lines log of the day's edits, and the log itself.
    pub info_limit_bytes: usize,
    pub edit_log_bytes: usize,
    /// (bytes up + bytes down) / information limit.
    pub ratio_wire_to_limit: f64,
    /// The limit with the protocol's zstd dictionary, and the ratio to it: like for like,
    /// since the dictionary knows the generated text's vocabulary.
    pub info_limit_with_dictionary_bytes: usize,
    pub ratio_wire_to_limit_with_dictionary: f64,
    /// Sum of the raw automerge change bytes in the outbox, and zstd (level 3) of them
    /// concatenated: what sending the changes whole would cost.
    pub raw_changes_bytes: usize,
    pub raw_changes_zstd_bytes: usize,
    /// The sync that brought the held entities to the server before the day.
    pub setup: Exchange,
    /// A second sync right after the day's, with nothing new on either side.
    pub idle: Exchange,
    pub targets_met: bool,
    pub machine: Machine,
}

/// What a person does to one task.
#[derive(Debug, Clone, Copy)]
enum TaskEdit {
    Status,
    Title,
    Comment,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn zstd_len(bytes: &[u8]) -> BoxResult<usize> {
    Ok(zstd::bulk::compress(bytes, ZSTD_LEVEL)?.len())
}

/// `p`'s sync, counted on the link; it must push everything without a refusal.
fn synced(site: &Site, p: &mut Profile, what: &str) -> BoxResult<Exchange> {
    let m = site.measure(
        p,
        &Over {
            profile: luring_netsim::Profile::unlimited(),
            give_up: std::time::Duration::from_secs(60),
        },
    )?;
    if !m.finished || m.failed_requests > 0 {
        return Err(anyhow::anyhow!(
            "{what} did not finish cleanly: {:?}",
            m.last_error
        ));
    }
    let left = p.store().stats()?.outbox;
    if left != 0 {
        return Err(anyhow::anyhow!(
            "{what}: {left} changes are still in the outbox"
        ));
    }
    Ok(Exchange::new(&m))
}

/// An independent generator for one part of the run, derived from the seed, so that the
/// day's work is the same whatever number of tasks is held.
pub fn stream(seed: u64, part: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Random streams of a run.
pub const PLAN: u64 = 1;
const EDITED: u64 = 2;
const UNCHANGED: u64 = 3;
const DOCS: u64 = 4;
const DAY: u64 = 5;

pub fn new_task(rng: &mut StdRng, colleagues: &[Nip]) -> NewTaskInput {
    let assignees = match rng.random_range(0..3) {
        0 => vec![],
        n => colleagues
            .choose_multiple(rng, n)
            .map(|n| n.as_str().to_owned())
            .collect(),
    };
    NewTaskInput {
        title: corpus::task_title(rng),
        description: corpus::task_description(rng),
        due: (!rng.random_bool(1.0 / 6.0)).then(|| corpus::date_in_year(rng).to_string()),
        assignees,
    }
}

/// The held entities, by id.
pub struct Held {
    /// The tasks the day will edit, in creation order.
    pub edited: Vec<String>,
    pub docs: Vec<String>,
}

/// Creates the held tasks and documents on the device. The tasks the day edits sit at
/// positions spread over all held tasks, and their content comes from a stream of its own:
/// with 60 or 1,000 tasks held, the edited tasks and documents are the same.
pub fn hold(p: &mut Profile, seed: u64, held: usize) -> BoxResult<Held> {
    let mut plan = stream(seed, PLAN);
    let colleagues: Vec<Nip> = (0..20)
        .map(|_| corpus::nip(&mut plan))
        .chain([Nip::parse(NIP)?])
        .collect();
    let positions: BTreeSet<usize> =
        rand::seq::index::sample(&mut plan, held, EDITED_TASKS.min(held))
            .into_iter()
            .collect();
    let (mut edited_rng, mut unchanged_rng) = (stream(seed, EDITED), stream(seed, UNCHANGED));
    let mut edited = Vec::with_capacity(positions.len());
    for i in 0..held {
        if positions.contains(&i) {
            edited.push(p.add_task(&new_task(&mut edited_rng, &colleagues))?);
        } else {
            p.add_task(&new_task(&mut unchanged_rng, &colleagues))?;
        }
    }
    let mut rng = stream(seed, DOCS);
    let mut docs = Vec::with_capacity(DOCUMENTS);
    for _ in 0..DOCUMENTS {
        docs.push(p.new_document(&new_doc(&mut rng))?);
    }
    Ok(Held { edited, docs })
}

/// A naskah dinas of about 2 KB, of a random kind, classified biasa.
pub fn new_doc(rng: &mut StdRng) -> NewDocInput {
    NewDocInput {
        title: corpus::doc_title(rng),
        kind: Some(
            DocKind::ALL
                .choose(rng)
                .expect("document kinds")
                .as_str()
                .to_owned(),
        ),
        body: corpus::doc_body(rng, BODY_BYTES.0, BODY_BYTES.1),
        classification: None,
    }
}

/// What the day does to the held documents: `per_doc` passages of about `chars`
/// characters inserted into each, spread over the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocEdits {
    pub per_doc: usize,
    pub chars: usize,
}

impl DocEdits {
    /// Issue 14's day.
    pub const DAY: DocEdits = DocEdits {
        per_doc: PASSAGES_PER_DOC,
        chars: PASSAGE_CHARS,
    };
}

/// A passage of about `chars` characters (whole words, ending with a full stop).
fn passage(rng: &mut StdRng, chars: usize) -> String {
    let mut text = String::new();
    while text.len() < chars {
        text.push_str(&corpus::paragraph(rng, 1));
        text.push(' ');
    }
    let mut cut = text.len().min(chars);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = text[..cut].trim_end();
    let end = head
        .rfind(' ')
        .filter(|&i| i > chars / 2)
        .unwrap_or(head.len());
    format!("{}.", head[..end].trim_end_matches(['.', ',']))
}

/// `text` inserted at the end of one paragraph of `body` (not the last, which carries the
/// closing line), and the character position where it went (after a space).
fn insert_passage(rng: &mut StdRng, body: &str, text: &str) -> (String, usize) {
    let mut paragraphs: Vec<String> = body.split("\n\n").map(str::to_owned).collect();
    let editable = paragraphs.len().saturating_sub(1).max(1);
    let i = rng.random_range(0..editable);
    paragraphs[i].push(' ');
    let at = paragraphs[..=i]
        .iter()
        .map(|p| p.chars().count() + 2)
        .sum::<usize>()
        - 2;
    paragraphs[i].push_str(text);
    (paragraphs.join("\n\n"), at)
}

/// The day, offline: the task edits in a shuffled order, the passages spread evenly
/// between them, each document in turn; every edit is written to `log` as well.
pub fn work_with(
    p: &mut Profile,
    seed: u64,
    held: &Held,
    doc_edits: DocEdits,
    log: &mut EditLog,
) -> BoxResult<()> {
    let rng = &mut stream(seed, DAY);
    let docs = &held.docs;
    let mut kinds: Vec<TaskEdit> = std::iter::repeat_n(TaskEdit::Status, STATUS_CHANGES)
        .chain(std::iter::repeat_n(TaskEdit::Title, TITLE_CHANGES))
        .chain(std::iter::repeat_n(TaskEdit::Comment, COMMENTS))
        .collect();
    kinds.shuffle(rng);
    let mut targets: Vec<&String> = held.edited.iter().collect();
    targets.shuffle(rng);
    for (i, kind) in kinds.into_iter().enumerate() {
        let id = targets[i % targets.len()];
        match kind {
            TaskEdit::Status => {
                let now: TaskStatus = p.show_task(id)?.status.parse()?;
                let next = TaskStatus::ALL
                    .into_iter()
                    .filter(|s| *s != now)
                    .collect::<Vec<_>>()
                    .choose(rng)
                    .copied()
                    .expect("three other statuses");
                p.set_task(
                    id,
                    &TaskChanges {
                        status: Some(next.as_str().to_owned()),
                        ..Default::default()
                    },
                )?;
                log.field(id, "status", next.as_str());
            }
            TaskEdit::Title => {
                let title = corpus::task_title(rng);
                p.set_task(
                    id,
                    &TaskChanges {
                        title: Some(title.clone()),
                        ..Default::default()
                    },
                )?;
                log.field(id, "title", &title);
            }
            TaskEdit::Comment => {
                let text = corpus::comment(rng);
                p.comment_task(id, &text)?;
                log.field(id, "comment", &text);
            }
        }
        let DocEdits { per_doc, chars } = doc_edits;
        let total = per_doc * docs.len();
        for k in i * total / TASK_EDITS..(i + 1) * total / TASK_EDITS {
            let d = &docs[k % docs.len()];
            let text = passage(rng, chars);
            let (body, at) = insert_passage(rng, &p.show_document(d)?.body, &text);
            p.set_document_body(d, &body)?;
            log.insert(d, at, &text);
        }
    }
    Ok(())
}

pub fn run(plan: &Plan) -> BoxResult<Report> {
    let tmp = tempfile::Builder::new()
        .prefix("luring-bench-sync-")
        .tempdir()?;
    let site = Site::start(tmp.path().join("site"), false)?;
    let mut profile = site.login("device", NIP)?;

    eprintln!(
        "setup: {} tasks and {DOCUMENTS} documents, then a first sync",
        plan.held
    );
    let held = hold(&mut profile, plan.seed, plan.held)?;
    let setup = synced(&site, &mut profile, "setup sync")?;

    eprintln!(
        "day: {TASK_EDITS} task edits and {PASSAGES_PER_DOC} passages into each of \
         {DOCUMENTS} documents, offline"
    );
    let mut log = EditLog::default();
    work_with(&mut profile, plan.seed, &held, DocEdits::DAY, &mut log)?;

    let out = profile.store().outbox(usize::MAX)?;
    let raw: Vec<u8> = out.iter().flat_map(|c| c.bytes.iter().copied()).collect();
    let edited: BTreeSet<&str> = out.iter().map(|c| c.entity.as_str()).collect();
    let edited_entities = edited.len();

    eprintln!("sync: {} changes of {edited_entities} entities", out.len());
    let day = synced(&site, &mut profile, "the day's sync")?;
    let idle = synced(&site, &mut profile, "idle sync")?;

    let info_limit_bytes = log.limit_bytes()?;
    let with_dict = log.limit_bytes_with_dictionary()?;
    let wire = (day.bytes_up + day.bytes_down) as f64;
    let ratio = wire / info_limit_bytes as f64;
    let sqlite_version: String =
        profile
            .store()
            .connection()
            .query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    Ok(Report {
        held_tasks: plan.held,
        documents: DOCUMENTS,
        seed: plan.seed,
        status_changes: STATUS_CHANGES,
        title_changes: TITLE_CHANGES,
        comments: COMMENTS,
        passages: PASSAGES_PER_DOC * DOCUMENTS,
        edited_entities,
        edits: log.len(),
        changes: out.len(),
        bytes_up: day.bytes_up,
        bytes_down: day.bytes_down,
        round_trips: day.round_trips,
        pushed: day.pushed,
        pulled: day.pulled,
        sync_ms: day.ms,
        info_limit_bytes,
        edit_log_bytes: log.jsonl().len(),
        ratio_wire_to_limit: r3(ratio),
        info_limit_with_dictionary_bytes: with_dict,
        ratio_wire_to_limit_with_dictionary: r3(wire / with_dict as f64),
        raw_changes_bytes: raw.len(),
        raw_changes_zstd_bytes: zstd_len(&raw)?,
        targets_met: day.round_trips <= TARGET_ROUND_TRIPS && ratio <= TARGET_WIRE_TO_LIMIT,
        setup,
        idle,
        machine: Machine::probe(sqlite_version),
    })
}

impl Report {
    /// A table for a person.
    pub fn table(&self) -> String {
        let m = &self.machine;
        let ok = |met: bool| if met { "ok" } else { "MISSED" };
        let mut s = format!(
            "luring-bench sync: a day of work on a device holding {} tasks and {} documents\n\
             machine: {} CPUs ({}), {} MB RAM, Linux {}, SQLite {}, load {:.2}, {}\n\
             day: {} status changes, {} title changes, {} comments, {} passages \
             -> {} edits, {} changes of {} entities\n\n",
            self.held_tasks,
            self.documents,
            m.nproc,
            m.cpu,
            m.mem_total_mb,
            m.kernel,
            m.sqlite_version,
            m.load_avg_1m,
            m.date,
            self.status_changes,
            self.title_changes,
            self.comments,
            self.passages,
            self.edits,
            self.changes,
            self.edited_entities,
        );
        s.push_str(&format!(
            "round trips            {:>9}   target <= {TARGET_ROUND_TRIPS}  {}\n",
            self.round_trips,
            ok(self.round_trips <= TARGET_ROUND_TRIPS)
        ));
        s.push_str(&format!(
            "bytes up + down        {:>9}   ({} + {}; {:.3} x the information limit; target <= {TARGET_WIRE_TO_LIMIT})  {}\n",
            self.bytes_up + self.bytes_down,
            self.bytes_up,
            self.bytes_down,
            self.ratio_wire_to_limit,
            ok(self.ratio_wire_to_limit <= TARGET_WIRE_TO_LIMIT)
        ));
        s.push_str(&format!(
            "  like for like        {:>9}   x the limit with the protocol's dictionary ({} B)\n",
            self.ratio_wire_to_limit_with_dictionary, self.info_limit_with_dictionary_bytes
        ));
        for (name, v) in [
            ("information limit", self.info_limit_bytes),
            ("edit log (JSON lines)", self.edit_log_bytes),
            ("raw changes", self.raw_changes_bytes),
            ("raw changes, zstd", self.raw_changes_zstd_bytes),
        ] {
            s.push_str(&format!("{name:<22} {v:>9}\n"));
        }
        s.push_str(&format!(
            "sync time              {:>9.1} ms (real HTTP over loopback)\n\n",
            self.sync_ms
        ));
        for (name, e) in [("setup sync", &self.setup), ("idle sync", &self.idle)] {
            s.push_str(&format!(
                "{name}: {} up, {} down, {} round trips, {} pushed, {} pulled, {:.1} ms\n",
                e.bytes_up, e.bytes_down, e.round_trips, e.pushed, e.pulled, e.ms
            ));
        }
        s.push_str("(bytes as they crossed: HTTP headers and framing included)\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_day_syncs_in_one_round_trip_and_counts_its_information() {
        let r = run(&Plan { held: 5, seed: 7 }).expect("the run completes");
        assert_eq!(r.round_trips, 1);
        assert_eq!(r.pulled, 0);
        // 50 task edits over 5 tasks and 20 passages per document, each logged.
        assert_eq!(r.edits, TASK_EDITS + PASSAGES_PER_DOC * DOCUMENTS);
        assert!(r.changes > 0 && r.changes <= r.edits);
        // Every change made went out, the runs of edits to one field folded together
        // (luring-store fold.rs): fewer than were made, at least one per entity.
        assert!(
            r.pushed >= r.edited_entities && r.pushed < r.changes,
            "{} pushed of {} changes",
            r.pushed,
            r.changes
        );
        assert_eq!(r.edited_entities, 5 + DOCUMENTS);
        assert!(r.info_limit_bytes < r.edit_log_bytes);
        // Nothing can carry the day in fewer bytes than its information.
        assert!(r.bytes_up > r.info_limit_bytes as u64);
        assert_eq!(r.idle.pushed, 0);
    }

    #[test]
    fn passages_are_about_the_asked_length_and_land_inside_the_body() {
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..50 {
            let p = passage(&mut rng, 100);
            assert!((50..=101).contains(&p.len()), "{} bytes: {p}", p.len());
            assert!(p.ends_with('.'), "{p}");
        }
        let body = corpus::doc_body(&mut rng, BODY_BYTES.0, BODY_BYTES.1);
        let (new, at) = insert_passage(&mut rng, &body, "Sisipan uji.");
        assert_eq!(new.len(), body.len() + " Sisipan uji.".len());
        let from: String = new.chars().skip(at).take(12).collect();
        assert_eq!(from, "Sisipan uji.");
        assert_eq!(body.rsplit("\n\n").next(), new.rsplit("\n\n").next());
    }
}
