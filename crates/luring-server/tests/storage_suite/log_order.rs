//! The log order rule under concurrent writers, written once against [`Database`]: many
//! threads push (append in transactions that take a while, some of which roll back) while
//! readers pull by cursor, as devices do. Every reader must end up having seen every
//! committed log entry of each class exactly once, in order: a reader that moved its
//! cursor past a sequence number that committed later would miss it. A backend passes
//! handles to one store (several, if it can be opened more than once, like two server
//! processes on one database).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use luring_server::db::{Database, LogRow};
use luring_server::ServerError;
use luring_sync::Class;

/// How much work the check does.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub writers: usize,
    /// Transactions per writer.
    pub pushes: usize,
    pub readers: usize,
}

/// What a reader saw: `(seq, hash)` per class, in the order it saw them.
type Seen = BTreeMap<Class, Vec<(u64, [u8; 32])>>;

/// What one reader returns: what it saw, and how much of it while writers were writing.
struct Reader {
    seen: Seen,
    while_writing: usize,
}

/// Runs writers and readers over `handles` (round-robin) and checks what readers saw.
pub fn run<D: Database>(handles: &[Arc<D>], load: Load) {
    let writing = AtomicUsize::new(load.writers);
    let committed = AtomicUsize::new(0);
    let readers: Vec<Reader> = std::thread::scope(|s| {
        for w in 0..load.writers {
            let db = &handles[w % handles.len()];
            let (writing, committed) = (&writing, &committed);
            s.spawn(move || {
                for p in 0..load.pushes {
                    if push(&**db, w, p) {
                        committed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                writing.fetch_sub(1, Ordering::Release);
            });
        }
        let readers: Vec<_> = (0..load.readers)
            .map(|r| {
                let db = &handles[(r + 1) % handles.len()];
                let writing = &writing;
                s.spawn(move || read(&**db, writing))
            })
            .collect();
        readers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(committed.load(Ordering::Relaxed) > 0, "nothing committed");
    // Otherwise the check would have shown nothing about concurrent writers.
    assert!(
        readers.iter().any(|r| r.while_writing > 0),
        "no reader saw anything while writers were writing"
    );
    // The whole log, read once every writer is done.
    let all: Seen = Class::BY_PRIORITY
        .into_iter()
        .map(|class| {
            let rows: Vec<LogRow> = handles[0]
                .sync_tx(|t| Ok(t.log_after(class, 0, usize::MAX >> 1)?))
                .unwrap();
            (class, rows.iter().map(|r| (r.seq, r.hash)).collect())
        })
        .collect();
    let total: usize = all.values().map(Vec::len).sum();
    assert!(total > 0);
    for (r, Reader { seen, .. }) in readers.iter().enumerate() {
        for class in Class::BY_PRIORITY {
            let got = seen.get(&class).map_or(&[][..], Vec::as_slice);
            let want = &all[&class][..];
            if got != want {
                let missing: Vec<u64> = want
                    .iter()
                    .filter(|e| !got.contains(e))
                    .map(|e| e.0)
                    .collect();
                panic!(
                    "reader {r}, {class:?}: saw {} of {} entries; missing sequence numbers \
                     {missing:?} (a reader moved past them before they committed)",
                    got.len(),
                    want.len()
                );
            }
        }
    }
}

/// Writer `w`'s push number `p`: one to three changes of mixed classes, slowly, in one
/// transaction; every fifth gives up and rolls back. Returns whether it committed.
fn push<D: Database>(db: &D, w: usize, p: usize) -> bool {
    let changes = 1 + (w + p) % 3;
    let give_up = p % 5 == 4;
    let r = db.sync_tx(|t| {
        for i in 0..changes {
            let class = Class::BY_PRIORITY[(w * 7 + p * 3 + i) % 3];
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(w as u64).to_le_bytes());
            hash[8..16].copy_from_slice(&(p as u64).to_le_bytes());
            hash[16..24].copy_from_slice(&(i as u64).to_le_bytes());
            t.append(&format!("e-{w}-{}", p % 4), class, &hash, b"change", "dev")?;
            // A sequence number is given out and the transaction is still open: the
            // window in which a reader must not see a higher one.
            std::thread::sleep(Duration::from_micros(300));
        }
        if give_up {
            return Err(ServerError::Invalid("the push gave up".into()));
        }
        Ok(())
    });
    match r {
        Ok(()) => true,
        Err(ServerError::Invalid(_)) if give_up => false,
        Err(e) => panic!("push {w}/{p} failed: {e}"),
    }
}

/// Pulls by cursor, as a device does, until the writers are done and nothing is left.
fn read<D: Database>(db: &D, writing: &AtomicUsize) -> Reader {
    let mut cursor: BTreeMap<Class, u64> = Class::BY_PRIORITY.map(|c| (c, 0)).into();
    let mut seen = Seen::new();
    let mut while_writing = 0;
    loop {
        // Read after checking: a pass that starts once every writer is done sees all.
        let done = writing.load(Ordering::Acquire) == 0;
        let mut got = 0;
        for class in Class::BY_PRIORITY {
            let after = cursor[&class];
            let rows = db.sync_tx(|t| Ok(t.log_after(class, after, 16)?)).unwrap();
            for row in rows {
                assert_eq!(row.class, class);
                assert!(
                    row.seq > cursor[&class],
                    "{class:?}: {} after {}",
                    row.seq,
                    cursor[&class]
                );
                cursor.insert(class, row.seq);
                seen.entry(class).or_default().push((row.seq, row.hash));
                got += 1;
            }
        }
        if done && got == 0 {
            return Reader {
                seen,
                while_writing,
            };
        }
        if !done {
            while_writing += got;
        }
        if got == 0 {
            std::thread::yield_now();
        }
    }
}
