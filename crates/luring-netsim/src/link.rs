//! The running link: a listener on 127.0.0.1:0 whose connections are relayed to the
//! upstream server, on a tokio runtime of its own in a thread of its own, so that
//! synchronous tests (a blocking HTTP client, a CLI process) can use it as well as async
//! ones. Stopping (or dropping) ends the thread and every connection with it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use rand::{rngs::StdRng, SeedableRng};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::time::{sleep_until, Instant};

use crate::bottleneck::Bottleneck;
use crate::connection::{relay, reset, Shared};
use crate::stats::Counters;
use crate::{Blackout, Profile, Result, Stats};

/// An emulated link in front of one upstream server. Connect to [`Link::addr`] instead
/// of the server.
#[derive(Debug)]
pub struct Link {
    addr: SocketAddr,
    profile: Profile,
    counters: Arc<Counters>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Link {
    /// Starts a link to `upstream` with `profile`, listening on 127.0.0.1 on a free port.
    /// The link's clock (blackout schedule) starts now.
    pub fn start(upstream: SocketAddr, profile: Profile) -> Result<Link> {
        profile.check()?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let shared = Arc::new(Shared {
            up: Bottleneck::new(profile.up.bits_per_second),
            down: Bottleneck::new(profile.down.bits_per_second),
            profile: profile.clone(),
            counters: counters.clone(),
            link_down: watch::Sender::new(false),
        });
        let (stop, stopped) = oneshot::channel();
        let started_at = Instant::now();
        // The runtime is built, run and dropped in its own thread only: dropping a runtime
        // inside another one panics, and callers may well be async tests.
        let (ready, is_ready) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(format!("netsim-{}", profile.name))
            .spawn(move || {
                let started = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .and_then(|rt| {
                        let l = {
                            let _in_runtime = rt.enter();
                            TcpListener::from_std(listener)?
                        };
                        Ok((rt, l))
                    });
                match started {
                    Ok((rt, listener)) => {
                        let _ = ready.send(Ok(()));
                        rt.block_on(serve(listener, upstream, shared, started_at, stopped));
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                }
            })?;
        match is_ready.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                return Err(std::io::Error::other("the link's thread ended while starting").into())
            }
        }
        Ok(Link {
            addr,
            profile,
            counters,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The profile the link emulates.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The counters so far; the link keeps running.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// Ends the link and every connection through it; returns the final counters.
    pub fn stop(mut self) -> Stats {
        self.shut_down();
        self.stats()
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread only awaits; a panic in it would be a bug of this crate, and
            // there is nothing better to do with it while stopping.
            let _ = thread.join();
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Accepts until stopped. Returning drops the runtime (in the caller), which ends every
/// connection task and closes its sockets.
async fn serve(
    listener: TcpListener,
    upstream: SocketAddr,
    shared: Arc<Shared>,
    start: Instant,
    mut stopped: oneshot::Receiver<()>,
) {
    if let Some(schedule) = shared.profile.blackout {
        tokio::spawn(blackouts(schedule, start, shared.clone()));
    }
    let mut rng = StdRng::seed_from_u64(shared.profile.seed);
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            a = listener.accept() => a,
        };
        let client = match accepted {
            Ok((client, _)) => client,
            Err(e) => {
                // Per-connection failures (e.g. the client already gone); keep serving.
                tracing::debug!("link emulator: accept failed: {e}");
                continue;
            }
        };
        if *shared.link_down.borrow() {
            reset(&client);
            Counters::add(&shared.counters.refused, 1);
            continue;
        }
        Counters::add(&shared.counters.connections, 1);
        let cut_after = shared.profile.cut_after.map(|c| c.draw(&mut rng));
        tokio::spawn(relay(
            client,
            upstream,
            Instant::now(),
            cut_after,
            shared.clone(),
        ));
    }
}

/// Raises and lowers the link-down flag on the schedule, for as long as the link runs.
async fn blackouts(schedule: Blackout, start: Instant, shared: Arc<Shared>) {
    loop {
        let (down, next) = schedule.state_at(start.elapsed());
        shared.link_down.send_replace(down);
        sleep_until(start + next).await;
    }
}
