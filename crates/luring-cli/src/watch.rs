//! `luring sync --watch`: sync whenever the server is reachable, backing off exponentially
//! (with jitter, up to five minutes) while it is not, until the process is stopped. Each
//! sync is one transaction, so stopping at any moment loses nothing.

use std::time::Duration;

use luring_client::{ClientError, Profile};
use rand::Rng;

use crate::commands::CliResult;
use crate::output;

const MAX_BACKOFF: Duration = Duration::from_secs(300);

pub fn run(p: &mut Profile, interval: u64, json: bool) -> CliResult {
    let mut backoff = Duration::from_secs(1);
    loop {
        match p.sync() {
            Ok(r) => {
                output::show(json, &r, output::sync_report);
                backoff = Duration::from_secs(1);
                std::thread::sleep(Duration::from_secs(interval.max(1)));
            }
            // Unreachable or failing server: wait and retry. A refusal of the login itself
            // (revoked device) will not mend by waiting.
            Err(ClientError::Server {
                status: 401,
                message,
            }) => return Err(message),
            Err(e @ (ClientError::Network(_) | ClientError::Server { .. })) => {
                let jitter = rand::rng().random_range(0..=backoff.as_millis() as u64 / 4);
                let wait = backoff + Duration::from_millis(jitter);
                eprintln!("luring: {e}; retrying in {} s", wait.as_secs());
                std::thread::sleep(wait);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
