//! The pull half of a sync: what the device may read after its cursor, within its byte
//! budget; entities it was never sent come with their history so far.

use std::collections::{HashMap, HashSet};

use luring_sync::{Backlog, Change, Class, Cursor, SyncResponse};

use super::SyncContext;
use crate::access::may_access;
use crate::db::SyncTx;
use crate::error::Result;

/// Smallest and largest byte budget honoured, whatever the device asks for.
pub const BUDGET_RANGE: (u32, u32) = (4 << 10, 8 << 20);

pub(super) fn pull(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    cursor: Cursor,
    budget: u32,
    resp: &mut SyncResponse,
) -> Result<()> {
    let budget = budget.clamp(BUDGET_RANGE.0, BUDGET_RANGE.1) as usize;
    let mut used = 0usize;
    let mut next = cursor;
    let mut visible: HashMap<String, bool> = HashMap::new();
    let mut sent_whole: HashSet<String> = HashSet::new();
    // Entities too big for any answer (stored before the caps): never let them block.
    let mut held: HashSet<String> = HashSet::new();
    let mut scanned = 0usize;
    'classes: for class in Class::BY_PRIORITY {
        loop {
            let rows = tx.log_after(class, next.get(class), 256)?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                if scanned >= crate::limits::PULL_SCAN_MAX {
                    resp.more = true;
                    break 'classes;
                }
                scanned += 1;
                let may = match visible.get(&row.entity) {
                    Some(v) => *v,
                    None => {
                        let v = match tx.entity(&row.entity)? {
                            Some(e) => may_access(ctx.tree, &ctx.subject, &e.unit, &e.assignees),
                            None => false,
                        };
                        visible.insert(row.entity.clone(), v);
                        if !v {
                            tx.forget_known(&ctx.device.id, &row.entity)?;
                        }
                        v
                    }
                };
                if may && !held.contains(&row.entity) {
                    // A device that was never sent this entity (or may not have received
                    // it: its cursor is behind the response that carried it) gets its
                    // history up to this change; otherwise just this change. Its later
                    // changes come one by one as the scan reaches them, in this answer or
                    // a later one, so none crosses twice.
                    let whole = !sent_whole.contains(&row.entity)
                        && match tx.known(&ctx.device.id, &row.entity)? {
                            None => true,
                            Some(at) => at > cursor.get(class),
                        };
                    if whole {
                        let bytes = tx.entity_bytes(&row.entity)?;
                        if bytes > crate::limits::DELIVERY_MAX_BYTES {
                            tracing::warn!(entity = %row.entity, bytes, "entity too big to deliver; held back");
                            held.insert(row.entity.clone());
                            next.set(class, row.seq);
                            continue;
                        }
                    }
                    let batch = if whole {
                        let mut log = tx.entity_log(&row.entity)?;
                        log.retain(|r| r.seq <= row.seq);
                        log
                    } else if row.device == ctx.device.id {
                        vec![]
                    } else {
                        vec![row.clone()]
                    };
                    let size: usize = batch
                        .iter()
                        .map(|r| r.bytes.len() + r.entity.len() + 8)
                        .sum();
                    if used > 0 && used + size > budget {
                        resp.more = true;
                        break 'classes;
                    }
                    used += size;
                    resp.pull.extend(batch.into_iter().map(|r| Change {
                        entity: r.entity,
                        class: r.class,
                        bytes: r.bytes,
                    }));
                    if whole {
                        sent_whole.insert(row.entity.clone());
                    }
                }
                next.set(class, row.seq);
            }
        }
    }
    compact_whole(&mut resp.pull, &sent_whole);
    for entity in &sent_whole {
        let class = tx.entity(entity)?.map_or(Class::Document, |e| e.class);
        tx.set_known(&ctx.device.id, entity, next.get(class))?;
    }
    resp.cursor = next;
    if resp.more {
        resp.remaining = backlog(tx, ctx, next, &mut visible)?;
    }
    Ok(())
}

/// The changes of each entity sent whole in this answer (its history so far and what
/// followed it in the answer: a prefix of its log) as one saved automerge document, when
/// that is smaller than the changes one by one (an entity edited many times). The document
/// holds every change (automerge keeps history), so the device ends with the same heads
/// either way; the columns the changes share cross once.
fn compact_whole(pull: &mut Vec<Change>, whole: &HashSet<String>) {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in pull.iter().enumerate() {
        if whole.contains(&c.entity) {
            groups.entry(c.entity.as_str()).or_default().push(i);
        }
    }
    let mut replace: Vec<(usize, Vec<u8>, Vec<usize>)> = Vec::new();
    for at in groups.into_values().filter(|at| at.len() > 1) {
        let Ok(changes) = at
            .iter()
            .map(|&i| automerge::Change::from_bytes(pull[i].bytes.clone()))
            .collect::<std::result::Result<Vec<_>, _>>()
        else {
            continue;
        };
        let mut doc = automerge::AutoCommit::new();
        if doc.apply_changes(changes).is_err() {
            continue;
        }
        let saved = doc.save_nocompress();
        let sum: usize = at.iter().map(|&i| pull[i].bytes.len()).sum();
        if saved.len() < sum {
            replace.push((at[0], saved, at[1..].to_vec()));
        }
    }
    let mut drop = HashSet::new();
    for (first, saved, rest) in replace {
        pull[first].bytes = saved;
        drop.extend(rest);
    }
    *pull = std::mem::take(pull)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, c)| c)
        .collect();
}

/// An estimate of what still waits after `cursor` for this device: the log rows (and
/// bytes) of entities it may read, counting an entity it was never sent as its rows after
/// the cursor only. Computed only when an answer is cut short (`more`), for the device's
/// progress display; it never decides what is sent.
fn backlog(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    cursor: Cursor,
    visible: &mut HashMap<String, bool>,
) -> Result<Backlog> {
    let mut left = Backlog::default();
    for class in Class::BY_PRIORITY {
        for row in tx.backlog_after(class, cursor.get(class))? {
            let may = *visible
                .entry(row.entity)
                .or_insert_with(|| may_access(ctx.tree, &ctx.subject, &row.unit, &row.assignees));
            if may {
                left.items += row.rows;
                left.bytes += row.bytes;
            }
        }
    }
    Ok(left)
}
