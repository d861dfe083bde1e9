//! `luring-bench sync`: what one sync costs after a day of offline work.
//!
//! A device holds `--held` tasks and [`DOCUMENTS`] naskah dinas of about 2 KB, all created
//! and synced before the day starts, so the server already has them and the device's
//! outbox is empty. During the day, offline, the person makes [`TASK_EDITS`] task edits
//! (status and title changes, a few comments, spread over up to [`EDITED_TASKS`] tasks) and
//! rewrites one paragraph in each document; then the device syncs once.
//!
//! Everything runs in-process through the same code the app and the agency server run:
//! [`Profile`] on the device side, [`InProcessServer`] (real storage and sync logic, no HTTP)
//! on the server side, joined by a [`Transport`] that passes the message bodies across.
//! Byte counts are therefore message bodies as they would travel in the HTTP request and
//! response; HTTP headers (and TLS) are not counted.
//!
//! The content and the plan of the day come from a seeded generator, in separate streams
//! so that the edited tasks, the documents and the day's edits are the same whatever
//! `--held` is; only the unchanged tasks differ. Entity ids, the device's automerge actor
//! and change timestamps are random or clock-based, as in the app, so sizes can differ by
//! a few bytes between runs; the edits themselves do not.

use std::collections::BTreeSet;
use std::time::Instant;

use luring_client::{
    ClientError, NewDocInput, NewTaskInput, Profile, SyncReport, TaskChanges, Transport,
};
use luring_crdt::EntityKind;
use luring_model::{DocKind, Nip, TaskStatus};
use luring_server::db::{DeviceRow, UserRow};
use luring_server::in_process::InProcessServer;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::report::Machine;
use crate::{corpus, BoxResult};

/// The person whose device is measured.
pub const NIP: &str = "198703122010011002";
pub const NAME: &str = "Ani Lestari";
pub const UNIT: &str = "BIDANG-A";

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
/// zstd level of the sync codec (`luring_sync::codec`), used for the reference size.
pub const ZSTD_LEVEL: i32 = 3;

/// Targets from the sync issue.
pub const TARGET_ROUND_TRIPS: usize = 1;
pub const TARGET_WIRE_TO_ZSTD: f64 = 1.3;

/// What to run.
pub struct Plan {
    pub held: usize,
    pub seed: u64,
}

/// One sync as the client counted it.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub bytes_up: usize,
    pub bytes_down: usize,
    pub round_trips: usize,
    pub pushed: usize,
    pub pulled: usize,
    pub rejected: usize,
    /// Wall time of `Profile::sync_with`, in-process (no network).
    pub ms: f64,
    /// Of which inside the server's handler (decode, apply, gather, encode, commit).
    pub server_ms: f64,
}

impl Exchange {
    fn new(r: &SyncReport, ms: f64, server_ms: f64) -> Self {
        Self {
            bytes_up: r.bytes_up,
            bytes_down: r.bytes_down,
            round_trips: r.round_trips,
            pushed: r.pushed,
            pulled: r.pulled,
            rejected: r.rejected.len(),
            ms: r3(ms),
            server_ms: r3(server_ms),
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
    pub document_edits: usize,
    /// Tasks and documents with at least one change during the day.
    pub edited_entities: usize,
    /// automerge changes in the outbox just before the sync.
    pub changes: usize,
    /// The day's sync, as `SyncReport` counts it (message bodies only).
    pub bytes_up: usize,
    pub bytes_down: usize,
    pub round_trips: usize,
    pub pushed: usize,
    pub pulled: usize,
    pub rejected: usize,
    pub sync_ms: f64,
    pub server_ms: f64,
    /// Sum of the raw automerge change bytes in the outbox.
    pub raw_changes_bytes: usize,
    /// Of which changes to tasks and to documents.
    pub raw_task_changes_bytes: usize,
    pub raw_document_changes_bytes: usize,
    /// zstd (level 3) of those changes concatenated: the floor a generic encoding reaches.
    pub raw_changes_zstd_bytes: usize,
    pub ratio_wire_to_zstd: f64,
    /// Every edited entity as a whole saved automerge document (`AutoCommit::save`),
    /// summed: what "upload whole documents" would send.
    pub full_docs_bytes: usize,
    /// zstd (level 3) of those documents concatenated.
    pub full_docs_zstd_bytes: usize,
    /// `Store::export_bundle` of the whole profile (every entity, zstd level 9): what the
    /// offline exchange by file carries.
    pub full_bundle_bytes: usize,
    /// The sync that brought the held entities to the server before the day.
    pub setup: Exchange,
    /// A second sync right after the day's, with nothing new on either side.
    pub idle: Exchange,
    pub targets_met: bool,
    pub machine: Machine,
}

/// Passes message bodies to an in-process server, as the HTTP handler would.
struct InProcess<'a> {
    server: &'a InProcessServer,
    device: DeviceRow,
    user: UserRow,
    /// Time spent inside the server since the last reset.
    server_time: std::time::Duration,
}

impl Transport for InProcess<'_> {
    fn round_trip(&mut self, body: Vec<u8>) -> luring_client::Result<Vec<u8>> {
        let start = Instant::now();
        let answer = self
            .server
            .handle(&self.device, &self.user, &body)
            .map_err(|e| ClientError::Network(format!("the in-process server failed: {e}")));
        self.server_time += start.elapsed();
        answer
    }
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

fn synced(p: &mut Profile, t: &mut InProcess<'_>, what: &str) -> BoxResult<Exchange> {
    t.server_time = std::time::Duration::ZERO;
    let start = Instant::now();
    let r = p.sync_with(t)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let server_ms = t.server_time.as_secs_f64() * 1000.0;
    if !r.rejected.is_empty() {
        return Err(anyhow::anyhow!(
            "{what}: the server refused {} changes, first: {}",
            r.rejected.len(),
            r.rejected[0].reason
        ));
    }
    let left = p.store().stats()?.outbox;
    if left != 0 {
        return Err(anyhow::anyhow!(
            "{what}: {left} changes are still in the outbox"
        ));
    }
    Ok(Exchange::new(&r, ms, server_ms))
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

/// One paragraph of `body` (not the last, which carries the closing line) rewritten.
fn rewrite_paragraph(rng: &mut StdRng, body: &str) -> String {
    let mut paragraphs: Vec<String> = body.split("\n\n").map(str::to_owned).collect();
    let editable = paragraphs.len().saturating_sub(1).max(1);
    let i = rng.random_range(0..editable);
    let sentences = paragraphs[i].matches(". ").count() + 1;
    paragraphs[i] = corpus::paragraph(rng, sentences.clamp(2, 4));
    paragraphs.join("\n\n")
}

/// What the day does to the held documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocEdits {
    /// One paragraph of each document rewritten (`luring-bench sync`).
    RewriteParagraph,
    /// `per_doc` passages of about `chars` characters inserted into each document, spread
    /// over the day (issue 13's day, `luring-bench link`).
    Passages { per_doc: usize, chars: usize },
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
/// closing line).
fn insert_passage(rng: &mut StdRng, body: &str, text: &str) -> String {
    let mut paragraphs: Vec<String> = body.split("\n\n").map(str::to_owned).collect();
    let editable = paragraphs.len().saturating_sub(1).max(1);
    let i = rng.random_range(0..editable);
    paragraphs[i].push(' ');
    paragraphs[i].push_str(text);
    paragraphs.join("\n\n")
}

/// The day: task edits in a shuffled order with a document edit after every tenth, all
/// offline.
fn work(p: &mut Profile, seed: u64, held: &Held) -> BoxResult<()> {
    work_with(p, seed, held, DocEdits::RewriteParagraph)
}

/// The day with the given document edits: the task edits are the same; a rewrite comes
/// after every tenth task edit, passages are spread evenly between the task edits, each
/// document in turn.
pub fn work_with(p: &mut Profile, seed: u64, held: &Held, doc_edits: DocEdits) -> BoxResult<()> {
    let rng = &mut stream(seed, DAY);
    let docs = &held.docs;
    let mut kinds: Vec<TaskEdit> = std::iter::repeat_n(TaskEdit::Status, STATUS_CHANGES)
        .chain(std::iter::repeat_n(TaskEdit::Title, TITLE_CHANGES))
        .chain(std::iter::repeat_n(TaskEdit::Comment, COMMENTS))
        .collect();
    kinds.shuffle(rng);
    let mut targets: Vec<&String> = held.edited.iter().collect();
    targets.shuffle(rng);
    let doc_every = TASK_EDITS / DOCUMENTS;
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
            }
            TaskEdit::Title => {
                p.set_task(
                    id,
                    &TaskChanges {
                        title: Some(corpus::task_title(rng)),
                        ..Default::default()
                    },
                )?;
            }
            TaskEdit::Comment => {
                p.comment_task(id, &corpus::comment(rng))?;
            }
        }
        match doc_edits {
            DocEdits::RewriteParagraph => {
                if (i + 1) % doc_every == 0 {
                    let d = &docs[(i / doc_every) % docs.len()];
                    let body = rewrite_paragraph(rng, &p.show_document(d)?.body);
                    p.set_document_body(d, &body)?;
                }
            }
            DocEdits::Passages { per_doc, chars } => {
                let total = per_doc * docs.len();
                for k in i * total / TASK_EDITS..(i + 1) * total / TASK_EDITS {
                    let d = &docs[k % docs.len()];
                    let text = passage(rng, chars);
                    let body = insert_passage(rng, &p.show_document(d)?.body, &text);
                    p.set_document_body(d, &body)?;
                }
            }
        }
    }
    Ok(())
}

pub fn run(plan: &Plan) -> BoxResult<Report> {
    let tmp = tempfile::Builder::new()
        .prefix("luring-bench-sync-")
        .tempdir()?;
    let server = InProcessServer::create(&tmp.path().join("server.db"))?;
    let mut profile = Profile::init(&tmp.path().join("device"), NAME, NIP)?;
    let actor = profile.store().actor().to_hex_string();
    let (device, user) = server.add_device(NIP, UNIT, "staff", &actor)?;
    let mut t = InProcess {
        server: &server,
        device,
        user,
        server_time: std::time::Duration::ZERO,
    };

    eprintln!(
        "setup: {} tasks and {DOCUMENTS} documents, then a first sync",
        plan.held
    );
    let held = hold(&mut profile, plan.seed, plan.held)?;
    let setup = synced(&mut profile, &mut t, "setup sync")?;

    eprintln!("day: {TASK_EDITS} task edits and {DOCUMENTS} document edits, offline");
    work(&mut profile, plan.seed, &held)?;

    let out = profile.store().outbox(usize::MAX)?;
    let raw: Vec<u8> = out.iter().flat_map(|c| c.bytes.iter().copied()).collect();
    let raw_task_changes_bytes: usize = out
        .iter()
        .filter(|c| c.kind == EntityKind::Task)
        .map(|c| c.bytes.len())
        .sum();
    let edited: BTreeSet<&str> = out.iter().map(|c| c.entity.as_str()).collect();
    let mut full = Vec::new();
    let mut full_docs_bytes = 0;
    for id in &edited {
        let saved = profile.store().entity_doc(id)?.save();
        full_docs_bytes += saved.len();
        full.extend_from_slice(&saved);
    }
    let full_bundle_bytes = profile.store().export_bundle(NIP)?.len();

    eprintln!("sync: {} changes of {} entities", out.len(), edited.len());
    let day = synced(&mut profile, &mut t, "the day's sync")?;
    if day.pushed != out.len() {
        return Err(anyhow::anyhow!(
            "the server acknowledged {} of {} changes",
            day.pushed,
            out.len()
        ));
    }
    let idle = synced(&mut profile, &mut t, "idle sync")?;

    let raw_changes_zstd_bytes = zstd_len(&raw)?;
    let ratio = day.bytes_up as f64 / raw_changes_zstd_bytes as f64;
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
        document_edits: DOCUMENTS,
        edited_entities: edited.len(),
        changes: out.len(),
        bytes_up: day.bytes_up,
        bytes_down: day.bytes_down,
        round_trips: day.round_trips,
        pushed: day.pushed,
        pulled: day.pulled,
        rejected: day.rejected,
        sync_ms: day.ms,
        server_ms: day.server_ms,
        raw_changes_bytes: raw.len(),
        raw_task_changes_bytes,
        raw_document_changes_bytes: raw.len() - raw_task_changes_bytes,
        raw_changes_zstd_bytes,
        ratio_wire_to_zstd: r3(ratio),
        full_docs_bytes,
        full_docs_zstd_bytes: zstd_len(&full)?,
        full_bundle_bytes,
        targets_met: day.round_trips <= TARGET_ROUND_TRIPS && ratio <= TARGET_WIRE_TO_ZSTD,
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
             day: {} status changes, {} title changes, {} comments, {} document edits \
             -> {} changes of {} entities\n\n",
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
            self.document_edits,
            self.changes,
            self.edited_entities,
        );
        s.push_str(&format!(
            "round trips            {:>9}   target <= {TARGET_ROUND_TRIPS}  {}\n",
            self.round_trips,
            ok(self.round_trips <= TARGET_ROUND_TRIPS)
        ));
        s.push_str(&format!(
            "bytes up               {:>9}   ({:.3} x zstd of raw changes; target <= {TARGET_WIRE_TO_ZSTD})  {}\n",
            self.bytes_up,
            self.ratio_wire_to_zstd,
            ok(self.ratio_wire_to_zstd <= TARGET_WIRE_TO_ZSTD)
        ));
        for (name, v) in [
            ("bytes down", self.bytes_down),
            ("raw changes", self.raw_changes_bytes),
            ("raw changes, zstd", self.raw_changes_zstd_bytes),
            ("full documents", self.full_docs_bytes),
            ("full documents, zstd", self.full_docs_zstd_bytes),
            ("whole bundle", self.full_bundle_bytes),
        ] {
            s.push_str(&format!("{name:<22} {v:>9}\n"));
        }
        s.push_str(&format!(
            "sync time              {:>9.1} ms (in-process, no network; {:.1} ms in the server)\n\n",
            self.sync_ms, self.server_ms
        ));
        for (name, e) in [("setup sync", &self.setup), ("idle sync", &self.idle)] {
            s.push_str(&format!(
                "{name}: {} up, {} down, {} round trips, {} pushed, {} pulled, {:.1} ms ({:.1} in the server)\n",
                e.bytes_up, e.bytes_down, e.round_trips, e.pushed, e.pulled, e.ms, e.server_ms
            ));
        }
        s.push_str("(bytes are message bodies; HTTP headers are not counted)\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_day_syncs_in_one_round_trip() {
        let r = run(&Plan { held: 5, seed: 7 }).expect("the run completes");
        assert_eq!(r.round_trips, 1);
        assert_eq!(r.rejected, 0);
        assert_eq!(r.pulled, 0);
        // 50 task edits over 5 tasks and one edit per document, one change each.
        assert_eq!(r.changes, TASK_EDITS + DOCUMENTS);
        assert_eq!(r.pushed, r.changes);
        assert_eq!(r.edited_entities, 5 + DOCUMENTS);
        assert!(r.raw_changes_zstd_bytes < r.raw_changes_bytes);
        assert!(r.bytes_up > r.raw_changes_zstd_bytes / 2);
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
        let new = insert_passage(&mut rng, &body, "Sisipan uji.");
        assert_eq!(new.len(), body.len() + " Sisipan uji.".len());
        assert_eq!(body.rsplit("\n\n").next(), new.rsplit("\n\n").next());
    }

    #[test]
    fn a_rewritten_paragraph_changes_only_that_paragraph() {
        let mut rng = StdRng::seed_from_u64(3);
        let body = corpus::doc_body(&mut rng, BODY_BYTES.0, BODY_BYTES.1);
        let new = rewrite_paragraph(&mut rng, &body);
        let (old_p, new_p): (Vec<&str>, Vec<&str>) =
            (body.split("\n\n").collect(), new.split("\n\n").collect());
        assert_eq!(old_p.len(), new_p.len());
        let differ = old_p.iter().zip(&new_p).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 1);
        assert_eq!(old_p.last(), new_p.last());
    }
}
