//! `luring-bench train-dict`: trains the sync protocol's zstd dictionary
//! (`crates/luring-sync/dict/`) on the messages of generated days of work.
//!
//! Each day is the `sync` benchmark's day ([`sync_day`]) with its own seed, none of them the
//! benchmark's default (so the measured day is never a training sample): the device's
//! setup sync, its day's sync, and a second device of the same person pulling everything.
//! Every request and answer is recorded, decoded, and its uncompressed body kept as a
//! sample. The text comes from the same generator as the benchmark's (Indonesian office
//! vocabulary), so the dictionary knows that vocabulary; `docs/BENCHMARKS.md` reports how
//! much of the gain that is.

use std::path::Path;

use luring_client::{HttpTransport, Profile, SyncOptions, Transport};

use crate::edit_log::EditLog;
use crate::site::Site;
use crate::sync_day::{self, DocEdits};
use crate::BoxResult;

/// What to train.
pub struct Plan {
    pub days: u64,
    pub size: usize,
    pub out: std::path::PathBuf,
}

/// Seeds of the training days: far from the benchmark's default (20,261,123).
const FIRST_SEED: u64 = 1_000;

/// A transport that keeps every request and answer body it carried.
struct Recorder {
    inner: HttpTransport,
    bodies: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Transport for Recorder {
    fn set_sync_number(&mut self, n: u64) {
        self.inner.set_sync_number(n);
    }

    fn round_trip(&mut self, body: Vec<u8>) -> luring_client::Result<Vec<u8>> {
        let answer = self.inner.round_trip(body.clone())?;
        self.bodies.push((body, answer.clone()));
        Ok(answer)
    }
}

/// Syncs `p` directly with the site's server, recording its messages as samples.
fn record(site: &Site, p: &mut Profile, samples: &mut Vec<Vec<u8>>) -> BoxResult<()> {
    let token = p
        .store()
        .link()?
        .ok_or_else(|| anyhow::anyhow!("the profile is not logged in"))?
        .token;
    let mut t = Recorder {
        inner: HttpTransport::new(&site.direct(), &token, None, false)?,
        bodies: Vec::new(),
    };
    p.sync_with_options(&mut t, SyncOptions::default())?;
    let limits = luring_sync::Limits::default();
    for (req, resp) in t.bodies {
        samples.push(luring_sync::codec::raw(&luring_sync::decode_request(
            &req, limits,
        )?));
        samples.push(luring_sync::codec::raw(&luring_sync::decode_response(
            &resp, limits,
        )?));
    }
    Ok(())
}

fn day(root: &Path, seed: u64, samples: &mut Vec<Vec<u8>>) -> BoxResult<()> {
    let site = Site::start(root.join(format!("day-{seed}")), false)?;
    let mut p = site.login("device", sync_day::NIP)?;
    let held = sync_day::hold(&mut p, seed, 60)?;
    record(&site, &mut p, samples)?;
    sync_day::work_with(&mut p, seed, &held, DocEdits::DAY, &mut EditLog::default())?;
    record(&site, &mut p, samples)?;
    let mut other = site.login("other-device", sync_day::NIP)?;
    record(&site, &mut other, samples)?;
    Ok(())
}

pub fn run(plan: &Plan) -> BoxResult<()> {
    let tmp = tempfile::Builder::new()
        .prefix("luring-bench-train-")
        .tempdir()?;
    let mut samples = Vec::new();
    for d in 0..plan.days {
        eprintln!("day {} of {}", d + 1, plan.days);
        day(tmp.path(), FIRST_SEED + d, &mut samples)?;
    }
    samples.retain(|s| s.len() > 16);
    let bytes: usize = samples.iter().map(Vec::len).sum();
    let dict = zstd::dict::from_samples(&samples, plan.size)?;
    std::fs::write(&plan.out, &dict)?;
    eprintln!(
        "{} samples, {bytes} bytes; dictionary of {} bytes written to {} (blake3 {})",
        samples.len(),
        dict.len(),
        plan.out.display(),
        blake3::hash(&dict).to_hex()
    );
    Ok(())
}
