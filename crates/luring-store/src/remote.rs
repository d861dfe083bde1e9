//! What sync needs from the store: the outbox as raw changes, and applying a server's
//! answer — pulled changes, acknowledgements, refusals and the new cursor — in one
//! transaction, so a cut between "received" and "stored" loses nothing and a retry is
//! harmless.

use std::collections::BTreeMap;

use automerge::{AutoCommit, Change, ChangeHash};
use luring_crdt::EntityKind;
use luring_model::{RecordKind, RefusalCode, Timestamp};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::arrivals::Logger;
use crate::entity;
use crate::error::{Result, StoreError};
use crate::store::Store;

/// A local change waiting to be sent.
#[derive(Debug, Clone)]
pub struct OutChange {
    pub entity: String,
    pub kind: EntityKind,
    pub hash: [u8; 32],
    pub bytes: Vec<u8>,
}

/// Applies pulled changes and saved documents (see [`Store::apply_remote`]) to `doc`, in
/// order, runs of changes together.
fn apply_pulled(doc: &mut AutoCommit, pulled: &[&InChange]) -> Result<()> {
    const DOCUMENT_CHUNK: u8 = 0;
    let damaged = |p: &InChange, e: String| StoreError::Damaged {
        id: p.entity.clone(),
        reason: format!("the server sent a damaged change: {e}"),
    };
    let mut run = Vec::new();
    for p in pulled {
        if p.bytes.get(8) == Some(&DOCUMENT_CHUNK) {
            doc.apply_changes(std::mem::take(&mut run))
                .map_err(|e| damaged(p, e.to_string()))?;
            doc.load_incremental(&p.bytes)
                .map_err(|e| damaged(p, e.to_string()))?;
        } else {
            run.push(Change::from_bytes(p.bytes.clone()).map_err(|e| damaged(p, e.to_string()))?);
        }
    }
    if let Some(last) = pulled.last() {
        doc.apply_changes(run)
            .map_err(|e| damaged(last, e.to_string()))?;
    }
    Ok(())
}

/// A change pulled from the server.
#[derive(Debug, Clone)]
pub struct InChange {
    pub entity: String,
    pub kind: EntityKind,
    pub bytes: Vec<u8>,
}

/// An approval record pulled from the server.
#[derive(Debug, Clone)]
pub struct InRecord {
    pub request_id: String,
    pub kind: RecordKind,
    pub bytes: Vec<u8>,
}

/// A local change the server refused, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refusal {
    pub entity: String,
    pub hash: String,
    /// What a UI says, in its own language ([`RefusalCode::Unknown`] for a refusal an
    /// older Luring filed, or a code a newer server sent).
    pub code: RefusalCode,
    /// The server's English sentence (logs, the CLI, a tooltip).
    pub reason: String,
    pub at: String,
}

/// A refusal in a server's answer, as [`Store::apply_remote`] files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InRefusal {
    pub hash: [u8; 32],
    pub entity: String,
    pub code: RefusalCode,
    pub reason: String,
}

/// What applying a server answer did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Changes that were new here.
    pub new_changes: usize,
    pub acked: usize,
    pub refused: usize,
}

impl Store {
    /// Outbox changes, most urgent class first (tasks, then documents, whose bodies are the
    /// bulk on a thin link) and in the order they were made within a class (so each
    /// entity's changes keep their causal order), up to about `max_bytes` (at least one).
    pub fn outbox(&self, max_bytes: usize) -> Result<Vec<OutChange>> {
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT o.entity_id, e.kind, o.hash FROM outbox o JOIN entities e ON e.id = o.entity_id
             ORDER BY CASE e.kind WHEN 'document' THEN 1 ELSE 0 END, o.seq",
        )?;
        let rows: Vec<(String, String, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut docs: BTreeMap<String, AutoCommit> = BTreeMap::new();
        let mut out = Vec::new();
        let mut used = 0;
        for (id, kind, hash) in rows {
            let kind = entity::stored_kind(&id, &kind)?;
            if used >= max_bytes && !out.is_empty() {
                break;
            }
            let hash: [u8; 32] = hash.try_into().map_err(|_| StoreError::Damaged {
                id: id.clone(),
                reason: "outbox hash is not 32 bytes".into(),
            })?;
            // Most outbox changes are still in the appended-changes table; only those folded
            // into a snapshot by compaction need their document loaded.
            let appended: Option<Vec<u8>> = conn
                .prepare_cached("SELECT bytes FROM changes WHERE entity_id = ?1 AND hash = ?2")?
                .query_row(rusqlite::params![id, hash.as_slice()], |r| r.get(0))
                .optional()?;
            let bytes = match appended {
                Some(b) => b,
                None => {
                    if !docs.contains_key(&id) {
                        let doc = entity::load(conn, &id, kind, self.actor())?;
                        docs.insert(id.clone(), doc);
                    }
                    let doc = docs.get_mut(&id).expect("just inserted");
                    let Some(change) = doc.get_change_by_hash(&ChangeHash(hash)) else {
                        return Err(StoreError::Damaged {
                            id,
                            reason: "a change in the outbox is missing from its document".into(),
                        });
                    };
                    change.raw_bytes().to_vec()
                }
            };
            used += bytes.len();
            out.push(OutChange {
                entity: id,
                kind,
                hash,
                bytes,
            });
        }
        Ok(out)
    }

    /// Applies one server answer atomically, with `meta` updates (e.g. the new cursor).
    ///
    /// A pulled item is one automerge change, or, for an entity this device had never been
    /// sent, a saved automerge document holding its history (smaller than the changes one
    /// by one when the entity was edited many times).
    pub fn apply_remote(
        &mut self,
        pulled: &[InChange],
        records: &[InRecord],
        acked: &[[u8; 32]],
        refused: &[InRefusal],
        meta: &[(crate::MetaKey, String)],
    ) -> Result<Applied> {
        let actor = self.actor().clone();
        self.write_tx(|c| {
            let mut sum = Applied::default();
            let news = Logger::for_answer(c)?;
            let mut by_entity: BTreeMap<&str, (EntityKind, Vec<&InChange>)> = BTreeMap::new();
            for p in pulled {
                by_entity
                    .entry(&p.entity)
                    .or_insert((p.kind, vec![]))
                    .1
                    .push(p);
            }
            for (id, (kind, changes)) in by_entity {
                let exists = entity::kind_of(c, id)?.is_some();
                let mut doc = if exists {
                    entity::load(c, id, kind, &actor)?
                } else {
                    AutoCommit::new().with_actor(actor.clone())
                };
                let before = doc.get_heads();
                // What the task was here, to tell what the pulled changes made new.
                let task_before = if exists {
                    Logger::task_before(news.as_ref(), kind, &doc)
                } else {
                    None
                };
                apply_pulled(&mut doc, &changes)?;
                if exists {
                    sum.new_changes += entity::append(c, id, &mut doc, &before)?.len();
                } else {
                    sum.new_changes += doc.get_changes(&[]).len();
                    entity::insert(c, id, kind, &mut doc)?;
                }
                Logger::put_arrived(news.as_ref(), c, kind, &doc, task_before.as_ref())?;
            }
            for r in records {
                if crate::records::insert(c, &r.request_id, r.kind, &r.bytes)? {
                    sum.new_changes += 1;
                    if let Some(news) = &news {
                        news.record(c, &r.request_id, r.kind, &r.bytes)?;
                    }
                }
            }
            let mut del = c.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
            let mut del_rec = c.prepare_cached("DELETE FROM record_outbox WHERE hash = ?1")?;
            for h in acked {
                sum.acked += del.execute([h.as_slice()])?;
                sum.acked += del_rec.execute([h.as_slice()])?;
            }
            let mut rej = c.prepare_cached(
                "INSERT OR REPLACE INTO refusals(hash, entity_id, code, reason, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let at = Timestamp::now().into_string();
            for r in refused {
                let h = r.hash.as_slice();
                // A refused change will not be accepted by sending it again.
                del.execute([h])?;
                del_rec.execute([h])?;
                rej.execute(params![h, r.entity, r.code.as_str(), r.reason, at])?;
                sum.refused += 1;
            }
            // Each entity with a refused change is rebuilt without it, so that the device
            // converges with the server and the rest of its work can still be sent.
            let healing: std::collections::BTreeSet<&str> =
                refused.iter().map(|r| r.entity.as_str()).collect();
            for entity in healing {
                crate::heal::heal(c, entity, &actor)?;
            }
            for (k, v) in meta {
                crate::meta::set(c, k.as_str(), v)?;
            }
            Ok(sum)
        })
    }

    /// Local changes the server refused, newest first.
    pub fn refusals(&self) -> Result<Vec<Refusal>> {
        let mut stmt = self.connection().prepare(
            "SELECT entity_id, hash, code, reason, at FROM refusals ORDER BY at DESC, entity_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let h: Vec<u8> = r.get(1)?;
            let code: String = r.get(2)?;
            Ok(Refusal {
                entity: r.get(0)?,
                hash: h.iter().map(|b| format!("{b:02x}")).collect(),
                code: RefusalCode::parse(&code),
                reason: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
