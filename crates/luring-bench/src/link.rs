//! `luring-bench link --profile edge|vsat|3g|flaky`: Luring's sync timed over an emulated
//! 3T link (issue 13), because loopback says nothing about a village office on EDGE or a
//! VSAT dish.
//!
//! Each scenario gets a server of its own ([`served`]: the real server over HTTP or HTTPS on
//! 127.0.0.1) and real client profiles ([`luring_client::Profile`]). Everything before the
//! measured sync — logins, the held work, a colleague's history — goes straight to the
//! server; only the measured sync goes through a fresh [`Link`] with the profile (seeded),
//! so a blackout schedule starts with the measurement and the cuts are the same each run.
//!
//! - **day**: a device holding `--held` tasks and 5 documents, synced; then a day of work
//!   offline ([`sync_day::work_with`]: 50 task edits; 20 passages of about 100 characters
//!   inserted into each document); then one sync, login already done.
//! - **first-sync**: a colleague's device puts the unit's history (`--tasks`, `--documents`)
//!   on the server ([`unit_history`]); a new device of the measured person logs in, then
//!   pulls it all.
//! - **attachment**: a document with a 2 MB attachment (seeded random bytes, so nothing
//!   compresses) is synced straight to the server; the link carries its bytes: up from the
//!   device that attached it (`attach-up`), then down to a colleague's device of the same
//!   unit that opens it (`attach-down`, [`Profile::fetch_attachment`]).

use std::path::Path;
use std::time::{Duration, Instant};

use luring_netsim::Profile as LinkProfile;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use crate::edit_log::EditLog;
use crate::link_report::{LinkInfo, Report, Scenario};
use crate::report::Machine;
use crate::site::{Over, Site};
use crate::sync_day::{self, DocEdits};
use crate::{unit_history, BoxResult};

/// Size of the attachment issue 13 asks to time.
pub const ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;

/// Bytes per chunk and chunks per manifest page of the attachment routes
/// (`luring_sync::attachments::{CHUNK_SIZE, MANIFEST_PAGE}`), to count the requests a
/// transfer needs when nothing fails.
pub const CHUNK_BYTES: u64 = 16 * 1024;
const CHUNKS_PER_PAGE: u64 = 512;
/// Bytes of a chunk's manifest entry (`luring_sync::attachments::ENTRY_LEN`).
pub const MANIFEST_ENTRY_BYTES: u64 = 32;
/// Requests in flight at once for one attachment (`luring_client`'s `PARALLEL`).
const IN_FLIGHT: u64 = 4;

/// Requests of a clean upload or download of `size` bytes: the status (or start), the
/// manifest pages, the chunks.
pub fn attachment_requests(size: u64) -> u64 {
    let chunks = size.div_ceil(CHUNK_BYTES);
    1 + chunks.div_ceil(CHUNKS_PER_PAGE) + chunks
}

/// Which scenarios to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    All,
    Day,
    FirstSync,
    Attachment,
}

/// What to run.
pub struct Plan {
    pub profile: LinkProfile,
    pub https: bool,
    pub held: usize,
    pub tasks: usize,
    pub documents: usize,
    pub seed: u64,
    pub give_up: Duration,
    pub only: Only,
}

impl Plan {
    fn over(&self) -> Over {
        Over {
            profile: self.profile.clone(),
            give_up: self.give_up,
        }
    }
}

/// Wait between a failed sync and the next attempt. Shorter than the app's backoff
/// (1 s, doubling), so that the figures show the link and the protocol, not the policy.
pub const RETRY_PAUSE: Duration = Duration::from_millis(200);

fn day(root: &Path, plan: &Plan, setup: &mut Duration) -> BoxResult<Scenario> {
    let t0 = Instant::now();
    let site = Site::start(root.join("day"), plan.https)?;
    eprintln!(
        "day: {} held tasks and {} documents, synced straight to the server",
        plan.held,
        sync_day::DOCUMENTS
    );
    let mut p = site.login("device", sync_day::NIP)?;
    let held = sync_day::hold(&mut p, plan.seed, plan.held)?;
    let r = p.sync()?;
    if !r.rejected.is_empty() || p.store().stats()?.outbox != 0 {
        anyhow::bail!("the held work did not reach the server");
    }
    let mut log = EditLog::default();
    sync_day::work_with(&mut p, plan.seed, &held, DocEdits::DAY, &mut log)?;
    let changes = p.store().stats()?.outbox;
    *setup += t0.elapsed();
    eprintln!("day: {changes} changes; syncing over {}", plan.profile.name);
    let m = site.measure(&mut p, &plan.over())?;
    if m.finished && p.store().stats()?.outbox != 0 {
        anyhow::bail!("the day's sync finished with changes left in the outbox");
    }
    let what = format!(
        "{} task edits on {} held tasks, {} passages of ~{} characters into each of {} \
         documents: {changes} changes",
        sync_day::TASK_EDITS,
        plan.held,
        sync_day::PASSAGES_PER_DOC,
        sync_day::PASSAGE_CHARS,
        sync_day::DOCUMENTS
    );
    Ok(Scenario::new("day", what, m, &plan.profile, plan.https))
}

fn first_sync(root: &Path, plan: &Plan, setup: &mut Duration) -> BoxResult<Scenario> {
    let t0 = Instant::now();
    let site = Site::start(root.join("first-sync"), plan.https)?;
    eprintln!(
        "first-sync: a colleague puts {} tasks and {} documents on the server",
        plan.tasks, plan.documents
    );
    let seeded = unit_history::seed(
        &site.dir.join("colleague"),
        &site.direct(),
        &site.opts,
        plan.tasks,
        plan.documents,
        plan.seed,
    )?;
    eprintln!("first-sync: history written in {:.1} s", seeded.seconds);
    let mut p = site.login("new-device", sync_day::NIP)?;
    *setup += t0.elapsed();
    eprintln!(
        "first-sync: a new device pulls it over {}",
        plan.profile.name
    );
    let m = site.measure(&mut p, &plan.over())?;
    let st = p.store().stats()?;
    if m.finished && (st.tasks as usize, st.documents as usize) != (plan.tasks, plan.documents) {
        anyhow::bail!(
            "the new device holds {} tasks and {} documents after its first sync, not {} and {}",
            st.tasks,
            st.documents,
            plan.tasks,
            plan.documents
        );
    }
    let what = format!(
        "a new device pulls the unit's history, {} tasks and {} documents (holds {} and {} \
         after)",
        seeded.tasks, seeded.documents, st.tasks, st.documents
    );
    Ok(Scenario::new(
        "first-sync",
        what,
        m,
        &plan.profile,
        plan.https,
    ))
}

fn attachment(root: &Path, plan: &Plan, setup: &mut Duration) -> BoxResult<Vec<Scenario>> {
    let t0 = Instant::now();
    let site = Site::start(root.join("attachment"), plan.https)?;
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let mut bytes = vec![0u8; ATTACHMENT_BYTES];
    rng.fill_bytes(&mut bytes);
    let file = site.dir.join("scan.bin");
    std::fs::write(&file, &bytes)?;
    let mut ani = site.login("device", sync_day::NIP)?;
    let doc = ani.new_document(&sync_day::new_doc(&mut rng))?;
    let hash = ani.attach_file(&doc, &file)?[0].hash.clone();
    ani.sync()?;
    let mut siti = site.login("colleague", unit_history::AUTHOR_NIP)?;
    siti.sync()?;
    *setup += t0.elapsed();
    let size = ATTACHMENT_BYTES as u64;
    eprintln!(
        "attachment: {} MB up and down over {}",
        ATTACHMENT_BYTES >> 20,
        plan.profile.name
    );
    let up = site.transfer(&mut ani, &plan.over(), true, size, |p| {
        p.upload_attachments(&mut |_| {})
    })?;
    let down = site.transfer(&mut siti, &plan.over(), false, size, |p| {
        p.fetch_attachment(&doc, &hash, None, &mut |_| {})
            .map(|(_, r)| r)
    })?;
    let got = siti.dir().join(luring_client::ATTACHMENTS_DIR).join(&hash);
    if down.finished && std::fs::read(&got)? != bytes {
        anyhow::bail!("the colleague's copy of the attachment differs from the file attached");
    }
    let what = |dir| {
        format!(
            "{} B of random bytes {dir}, in chunks of {CHUNK_BYTES} B, {IN_FLIGHT} requests in flight",
            size
        )
    };
    Ok(vec![
        Scenario::pipelined(
            "attach-up",
            what("uploaded by the device that attached them"),
            up,
            &plan.profile,
            plan.https,
        ),
        Scenario::pipelined(
            "attach-down",
            what("fetched by a colleague's device"),
            down,
            &plan.profile,
            plan.https,
        ),
    ])
}

pub fn run(plan: &Plan) -> BoxResult<Report> {
    let tmp = tempfile::Builder::new()
        .prefix("luring-bench-link-")
        .tempdir()?;
    let mut setup = Duration::ZERO;
    let mut scenarios = Vec::new();
    if matches!(plan.only, Only::All | Only::Day) {
        scenarios.push(day(tmp.path(), plan, &mut setup)?);
    }
    if matches!(plan.only, Only::All | Only::FirstSync) {
        scenarios.push(first_sync(tmp.path(), plan, &mut setup)?);
    }
    if matches!(plan.only, Only::All | Only::Attachment) {
        scenarios.extend(attachment(tmp.path(), plan, &mut setup)?);
    }
    Ok(Report {
        link: LinkInfo::new(&plan.profile, plan.https),
        scenarios,
        setup_s: (setup.as_secs_f64() * 10.0).round() / 10.0,
        machine: Machine::probe(rusqlite_version()),
    })
}

fn rusqlite_version() -> String {
    luring_store::Store::open_in_memory()
        .ok()
        .and_then(|s| {
            s.connection()
                .query_row("SELECT sqlite_version()", [], |r| r.get(0))
                .ok()
        })
        .unwrap_or_else(|| "unknown".into())
}
