//! A unit's history on the server, for `luring-bench link`'s first sync of a new device:
//! a colleague (Siti, supervisor of the unit) creates `tasks` tasks and `documents` naskah
//! dinas on her own device and pushes them straight to the server, not through the link.
//!
//! The content comes from the `sync` benchmark's generator ([`sync_day::new_task`],
//! [`sync_day::new_doc`]) and is written the way `Profile::add_task` and
//! `Profile::new_document` write it (status baru, the writer as assignee when none is
//! given, classified biasa), but in transactions of [`BATCH`] items instead of one each: the
//! server receives exactly what a colleague's device would have sent, in a fraction of the
//! time. Ids are drawn from the seed, so two runs create the same entities.

use std::path::Path;
use std::time::Instant;

use luring_client::{LoginOptions, NewDocInput, NewTaskInput, Profile, DB_FILE};
use luring_crdt::{NewDocument, NewTask};
use luring_model::{EntityId, Nip};
use luring_store::Store;
use rand::rngs::StdRng;
use rand::Rng;

use crate::{corpus, sync_day, BoxResult};

/// Items per transaction on the colleague's device.
const BATCH: usize = 1000;
/// The random stream of the history (apart from the day's streams of `sync_day`).
const HISTORY: u64 = 6;
/// Characters of entity ids, as `luring_client`'s ids use them.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The colleague whose device wrote the history: a demo person of the same unit as the
/// measured one.
pub const AUTHOR_NIP: &str = "198211032008012004";

/// What was put on the server.
pub struct Seeded {
    pub tasks: usize,
    pub documents: usize,
    pub seconds: f64,
}

fn entity_id(rng: &mut StdRng, prefix: &str) -> BoxResult<EntityId> {
    let mut n: u64 = rng.random();
    let mut s = format!("{prefix}-");
    for _ in 0..12 {
        s.push(ALPHABET[(n & 31) as usize] as char);
        n >>= 5;
    }
    Ok(EntityId::parse(&s)?)
}

fn task(rng: &mut StdRng, input: NewTaskInput, author: &Nip) -> BoxResult<NewTask> {
    Ok(input.to_new_task(entity_id(rng, "t")?, author)?)
}

fn document(rng: &mut StdRng, input: NewDocInput) -> BoxResult<NewDocument> {
    Ok(input.to_new_document(entity_id(rng, "d")?)?)
}

/// Logs the colleague in at `url` (the server itself), writes the history in her profile
/// at `dir` and syncs it to the server.
pub fn seed(
    dir: &Path,
    url: &str,
    opts: &LoginOptions,
    tasks: usize,
    documents: usize,
    seed: u64,
) -> BoxResult<Seeded> {
    let start = Instant::now();
    let password = crate::served::password(AUTHOR_NIP)?;
    drop(Profile::login(dir, url, AUTHOR_NIP, password, opts)?);
    let author = Nip::parse(AUTHOR_NIP)?;
    let rng = &mut sync_day::stream(seed, HISTORY);
    let colleagues: Vec<Nip> = (0..20)
        .map(|_| corpus::nip(rng))
        .chain([author.clone()])
        .collect();
    {
        // The profile's own store, with the actor the login bound to the device key.
        let mut store = Store::open(&dir.join(DB_FILE))?;
        let mut done = 0;
        while done < tasks {
            let n = BATCH.min(tasks - done);
            let batch = (0..n)
                .map(|_| {
                    let input = sync_day::new_task(rng, &colleagues);
                    task(rng, input, &author)
                })
                .collect::<BoxResult<Vec<_>>>()?;
            store.create_tasks(&batch)?;
            done += n;
        }
        let mut done = 0;
        while done < documents {
            let n = BATCH.min(documents - done);
            let batch = (0..n)
                .map(|_| {
                    let input = sync_day::new_doc(rng);
                    document(rng, input)
                })
                .collect::<BoxResult<Vec<_>>>()?;
            store.create_documents(&batch)?;
            done += n;
        }
    }
    let mut p = Profile::open(dir)?;
    let r = p.sync()?;
    if !r.rejected.is_empty() {
        anyhow::bail!(
            "the server refused {} changes of the unit's history, first: {}",
            r.rejected.len(),
            r.rejected[0].reason
        );
    }
    let left = p.store().stats()?.outbox;
    if left != 0 {
        anyhow::bail!("{left} changes of the unit's history are still in the outbox");
    }
    Ok(Seeded {
        tasks,
        documents,
        seconds: start.elapsed().as_secs_f64(),
    })
}
