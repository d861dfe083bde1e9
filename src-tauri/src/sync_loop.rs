//! The background sync: tries the server at start, after local changes (a few seconds
//! later, so a burst of typing is one exchange), on "Sinkronkan sekarang", and every
//! interval; backs off with jitter while the server cannot be reached. Waits are measured
//! against the wall clock in short slices, so after a laptop wakes from sleep (when a
//! monotonic timer would still be counting) the next try comes within seconds.
//!
//! It has its own connection to the profile's SQLite file, so a sync over a slow link never
//! blocks the window's edits, and every round of a sync is one transaction: stopping at
//! any moment loses nothing, and a first sync cut midway resumes where it stopped.
//!
//! Each sync's byte budget comes from the measured link ([`LinkMeter`]: the bytes of the
//! last round trips ÷ their time, × a 3-second target round), and a cut round is retried
//! twice with half the budget before the loop's backoff takes over. After each round
//! trip the window gets the progress: items received of the server's estimate.
//!
//! While nothing can be reached, each wait slice checks whether the server listens again
//! (a TCP connection, no bytes): when it does, the loop syncs at once, so the status bar
//! does not say "Tidak tersambung" for minutes after the link came back.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use luring_client::{
    Backoff, ClientError, ErrorCode, HttpTransport, LinkMeter, Profile, SyncOptions, SyncPhase,
    SyncProgress, SyncSettings, Transport,
};
use rand::Rng;
use serde::Serialize;
use tauri::{AppHandle, Emitter};

use crate::error::CmdError;

pub const SYNC_EVENT: &str = "luring://sync";
pub const CHANGED_EVENT: &str = "luring://changed";

/// What the status bar shows.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct SyncState {
    pub phase: SyncPhase,
    pub online: Option<bool>,
    pub pending_changes: i64,
    /// What the status bar counts: tasks, documents and approval records waiting to be sent.
    pub pending_items: i64,
    pub last_sync: Option<String>,
    /// Why the last sync failed, in the window's one error shape (it translates `code`).
    pub error: Option<CmdError>,
    pub next_try_secs: Option<u64>,
    pub progress: Option<Progress>,
    pub rejected: Vec<luring_client::Refusal>,
}

impl SyncState {
    /// The profile's own counts: what waits, what was refused, the last successful sync.
    fn take_status(&mut self, st: luring_client::StatusView) {
        self.pending_changes = st.pending_changes;
        self.pending_items = st.pending_items;
        self.rejected = st.rejected;
        self.last_sync = st.last_sync;
    }
}

/// What has crossed the link so far in the sync under way (updated after each round trip).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Progress {
    pub round_trips: usize,
    pub bytes_up: usize,
    pub bytes_down: usize,
    /// Changes and approval records received so far in this sync.
    pub items_received: u64,
    /// The server's estimate of what still waits (0 when nothing does): with
    /// `items_received`, what "Mengunduh 1.234 dari 10.000" shows.
    pub items_remaining: u64,
    /// Round trips cut and tried again.
    pub retried: usize,
    /// The byte budget of each round, from the measured link.
    pub budget_bytes: Option<u32>,
}

impl Progress {
    fn from_sync(p: &SyncProgress, budget_bytes: Option<u32>) -> Self {
        Self {
            round_trips: p.round_trips,
            bytes_up: p.bytes_up,
            bytes_down: p.bytes_down,
            items_received: p.items_received,
            items_remaining: p.items_remaining,
            retried: p.retried,
            budget_bytes,
        }
    }
}

/// How long the "is the server back?" connection may take.
const PROBE_WAIT: Duration = Duration::from_secs(2);

/// Round trips a background sync retries in a row, with half the budget each time, before
/// the loop's backoff takes over.
const RETRIES: u32 = 2;

enum Wake {
    Now,
    LocalChange,
    Account,
}

pub struct SyncLoop {
    tx: Mutex<Sender<Wake>>,
    state: Arc<Mutex<SyncState>>,
}

struct Timing {
    /// The interval and the backoff's cap: the client's, shared with `luring sync --watch`.
    sync: SyncSettings,
    /// How long after a local change the loop waits for more before syncing.
    settle: Duration,
}

impl SyncLoop {
    pub fn start(dir: PathBuf, app: AppHandle) -> Arc<Self> {
        let (tx, rx) = mpsc::channel();
        let state = Arc::new(Mutex::new(SyncState::default()));
        let timing = Timing {
            sync: SyncSettings::from_env(),
            settle: Duration::from_secs(2),
        };
        let worker = Worker {
            dir,
            app,
            state: state.clone(),
            profile: None,
            timing,
            meter: Arc::new(Mutex::new(LinkMeter::default())),
        };
        std::thread::Builder::new()
            .name("luring-sync".into())
            .spawn(move || worker.run(rx))
            .expect("the sync thread starts");
        Arc::new(Self {
            tx: Mutex::new(tx),
            state,
        })
    }

    pub fn state(&self) -> SyncState {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn send(&self, w: Wake) {
        let _ = self.tx.lock().unwrap_or_else(|p| p.into_inner()).send(w);
    }

    /// "Sinkronkan sekarang".
    pub fn now(&self) {
        self.send(Wake::Now)
    }

    /// Something was written locally: sync soon.
    pub fn local_change(&self) {
        self.send(Wake::LocalChange)
    }

    /// The profile was created or logged in: reopen it and sync.
    pub fn account_changed(&self) {
        self.send(Wake::Account)
    }
}

struct Worker {
    dir: PathBuf,
    app: AppHandle,
    state: Arc<Mutex<SyncState>>,
    profile: Option<Profile>,
    timing: Timing,
    /// The link as measured by past round trips: it picks each sync's budget.
    meter: Arc<Mutex<LinkMeter>>,
}

/// Measures each round trip for the [`LinkMeter`].
struct Measured {
    inner: HttpTransport,
    meter: Arc<Mutex<LinkMeter>>,
}

impl Transport for Measured {
    fn set_sync_number(&mut self, n: u64) {
        self.inner.set_sync_number(n);
    }

    fn expect_down(&mut self, bytes: u64) {
        self.inner.expect_down(bytes);
    }

    fn round_trip(&mut self, body: Vec<u8>) -> luring_client::Result<Vec<u8>> {
        let up = body.len();
        let t0 = Instant::now();
        let r = self.inner.round_trip(body);
        if let Ok(answer) = &r {
            self.meter
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .record(up + answer.len(), t0.elapsed());
        }
        r
    }
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Wake>) {
        let mut backoff = Backoff::new(self.timing.sync.max_backoff);
        let mut due = SystemTime::now();
        loop {
            // Wait until `due` (wall clock), in slices, or until woken.
            let mut woken = false;
            loop {
                let left = due
                    .duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO);
                if left.is_zero() {
                    break;
                }
                match rx.recv_timeout(left.min(Duration::from_secs(5))) {
                    Ok(Wake::Now) => {
                        woken = true;
                        break;
                    }
                    Ok(Wake::Account) => {
                        self.profile = None;
                        woken = true;
                        break;
                    }
                    Ok(Wake::LocalChange) => {
                        self.refresh_pending();
                        let soon = SystemTime::now() + self.timing.settle;
                        // Offline, the backoff decides; online, a change goes out soon.
                        if self.current().online != Some(false) && soon < due {
                            due = soon;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if self.server_is_back() {
                            woken = true;
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if woken {
                backoff.reset();
            }
            let wait = match self.sync_once() {
                Outcome::Synced => {
                    backoff.reset();
                    self.timing.sync.interval
                }
                Outcome::Failed => {
                    let wait = backoff.next(rand::rng().random());
                    self.update(|s| s.next_try_secs = Some(wait.as_secs().max(1)));
                    wait
                }
                Outcome::Idle => self.timing.sync.interval,
            };
            due = SystemTime::now() + wait;
        }
    }

    /// After a sync that could reach nothing, whether the server now listens: then the loop
    /// tries at once rather than sleeping out its backoff (checked every wait slice, 5 s).
    /// Not after a server's failure (a 5xx): its listening says nothing new.
    fn server_is_back(&self) -> bool {
        let unreachable = {
            let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            s.online == Some(false)
                && s.error
                    .as_ref()
                    .is_some_and(|e| e.code == ErrorCode::Network)
        };
        unreachable
            && self
                .profile
                .as_ref()
                .and_then(|p| p.server_listens(PROBE_WAIT).ok())
                .unwrap_or(false)
    }

    fn current(&self) -> SyncState {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, f: impl FnOnce(&mut SyncState)) {
        let snapshot = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut s);
            s.clone()
        };
        let _ = self.app.emit(SYNC_EVENT, snapshot);
    }

    fn refresh_pending(&mut self) {
        if self.profile.is_none() {
            self.profile = Profile::open(&self.dir).ok();
        }
        let Some(p) = &self.profile else { return };
        if let Ok(st) = p.status() {
            self.update(|s| s.take_status(st));
        }
    }

    fn sync_once(&mut self) -> Outcome {
        self.refresh_pending();
        let Some(mut p) = self.profile.take() else {
            self.update(|s| s.phase = SyncPhase::NotLoggedIn);
            return Outcome::Idle;
        };
        let outcome = self.sync_profile(&mut p);
        self.profile = Some(p);
        outcome
    }

    fn sync_profile(&self, p: &mut Profile) -> Outcome {
        let transport = match p.transport() {
            Ok(t) => t,
            // A profile made offline: "Belum tersambung ke server", nothing to retry.
            Err(ClientError::NotLoggedIn) => {
                self.update(|s| {
                    s.phase = SyncPhase::NotLoggedIn;
                    s.online = None;
                    s.error = None;
                });
                return Outcome::Idle;
            }
            // A copied profile, a bad address kept: the person must act; the bar says why.
            Err(e) => {
                self.update(|s| {
                    s.phase = SyncPhase::Error;
                    s.error = Some(CmdError::from(e));
                });
                return Outcome::Idle;
            }
        };
        self.update(|s| {
            s.phase = SyncPhase::Syncing;
            s.progress = Some(Progress::default());
            s.next_try_secs = None;
        });
        let budget = self
            .meter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .budget();
        let app = self.app.clone();
        let state = self.state.clone();
        let mut on_trip = move |progress: &SyncProgress| {
            let snapshot = {
                let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
                s.progress = Some(Progress::from_sync(progress, budget));
                s.clone()
            };
            let _ = app.emit(SYNC_EVENT, snapshot);
        };
        let mut measured = Measured {
            inner: transport,
            meter: self.meter.clone(),
        };
        let result = p.sync_with_options(
            &mut measured,
            SyncOptions {
                budget_bytes: budget,
                retries: RETRIES,
                observer: Some(&mut on_trip),
            },
        );
        let status = p.status().ok();
        match result {
            Ok(report) => {
                self.update(|s| {
                    s.phase = SyncPhase::Idle;
                    s.online = Some(true);
                    s.error = None;
                    s.progress = None;
                    if let Some(st) = status {
                        s.take_status(st);
                    }
                });
                if report.pulled > 0 || !report.rejected.is_empty() {
                    let _ = self.app.emit(CHANGED_EVENT, ());
                }
                Outcome::Synced
            }
            Err(e) => {
                // A server that cannot be reached (or is failing) is "offline"; one that
                // answered with a refusal or "slow down" is online, and the window says why.
                // Either way the loop tries again after the backoff: a window does not give up.
                let throttled = e.code() == "throttled";
                let (phase, online) = if e.is_transient() && !throttled {
                    (SyncPhase::Offline, Some(false))
                } else {
                    (SyncPhase::Error, Some(true))
                };
                self.update(|s| {
                    s.phase = phase;
                    s.online = online;
                    s.error = Some(CmdError::from(e));
                    s.progress = None;
                    if let Some(st) = status {
                        s.take_status(st);
                    }
                });
                Outcome::Failed
            }
        }
    }
}

enum Outcome {
    Synced,
    /// Unreachable, refused or failed: try again after the backoff.
    Failed,
    Idle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_first_sees_idle_and_phases_as_their_words() {
        let json = |s: &SyncState| serde_json::to_value(s).unwrap()["phase"].clone();
        assert_eq!(json(&SyncState::default()), "idle");
        let s = SyncState {
            phase: SyncPhase::NotLoggedIn,
            ..Default::default()
        };
        assert_eq!(json(&s), "not_logged_in");
    }
}
