//! `luring sync --watch`: sync whenever the server is reachable, backing off exponentially
//! with jitter while it is not (the client's one policy, [`luring_client::Backoff`]), until
//! the process is stopped or an error that waiting will not mend
//! ([`luring_client::ClientError::is_transient`]). Each sync is one transaction, so
//! stopping at any moment loses nothing.

use std::time::Duration;

use anyhow::bail;
use luring_client::{Backoff, ClientError, Profile, SyncOptions, SyncReport, SyncSettings};
use rand::Rng;

use crate::output;
use crate::progress::Bar;

/// How each sync runs: `luring sync`'s options.
pub struct How {
    pub budget_bytes: Option<u32>,
    pub retries: u32,
    pub json: bool,
}

/// One sync with the progress bar on stderr.
pub fn sync_once(p: &mut Profile, how: &How) -> luring_client::Result<SyncReport> {
    let mut bar = Bar::new(how.json);
    let mut observe = |progress: &luring_client::SyncProgress| bar.update(progress);
    let r = p.sync_opts(SyncOptions {
        budget_bytes: how.budget_bytes,
        retries: how.retries,
        observer: Some(&mut observe),
    });
    bar.finish();
    r
}

pub fn run(p: &mut Profile, interval: u64, how: &How) -> anyhow::Result<()> {
    let json = how.json;
    let mut backoff = Backoff::new(SyncSettings::from_env().max_backoff);
    loop {
        match sync_once(p, how) {
            Ok(r) => {
                output::show(json, &r, output::sync_report);
                backoff.reset();
                std::thread::sleep(Duration::from_secs(interval.max(1)));
            }
            Err(e) if e.is_transient() => {
                let wait = backoff.next(rand::rng().random());
                eprintln!("luring: {e}; retrying in {} s", wait.as_secs());
                std::thread::sleep(wait);
            }
            // A refusal of the login itself (revoked device) is said in the server's words.
            Err(ClientError::Server {
                status: 401,
                message,
            }) => bail!(message),
            Err(e) => return Err(e.into()),
        }
    }
}
