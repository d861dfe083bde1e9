//! `luring sync --watch`: sync whenever the server is reachable, backing off exponentially
//! with jitter while it is not (the client's one policy, [`luring_client::Backoff`]), until
//! the process is stopped or an error that waiting will not mend
//! ([`luring_client::ClientError::is_transient`]). Each sync is one transaction, so
//! stopping at any moment loses nothing.

use std::time::Duration;

use anyhow::bail;
use luring_client::{Backoff, ClientError, Profile, SyncSettings};
use rand::Rng;

use crate::output;

pub fn run(p: &mut Profile, interval: u64, json: bool) -> anyhow::Result<()> {
    let mut backoff = Backoff::new(SyncSettings::from_env().max_backoff);
    loop {
        match p.sync() {
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
