//! One sync round trip, with no HTTP: apply what the device pushed, then gather what it
//! may read after its cursor.
//!
//! No one device may hold the others up: the request is cut to its first part
//! ([`crate::limits`]), every change is parsed and checked for what needs no stored state
//! before the database is touched, and a big push is applied in short transactions with
//! other syncs let in between. A request cut at any point leaves each change either stored
//! or not, never half of one, and a retry is answered the same way (changes are known by
//! hash: a stored one is acknowledged again).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Change as AmChange};
use luring_crdt::EntityKind;
use luring_sync::{Change, Class, Cursor, Rejection, SyncRequest, SyncResponse};

use crate::access::{may_access, Subject, UnitTree};
use crate::approvals::REQUEST_PREFIX;
use crate::db::{Database, DeviceRow, EntityRow, SyncTx};
use crate::error::Result;

/// Smallest and largest byte budget honoured, whatever the device asks for.
pub const BUDGET_RANGE: (u32, u32) = (4 << 10, 8 << 20);

/// Parses a pushed automerge change, refusing compressed chunks: devices send changes
/// uncompressed (`Change::raw_bytes`), and automerge inflates compressed chunks with no
/// size limit, so a few hundred bytes could cost gigabytes.
pub(crate) fn parse_change(bytes: &[u8]) -> std::result::Result<AmChange, String> {
    const CHANGE_CHUNK: u8 = 1;
    if bytes.len() < 9 || bytes[8] != CHANGE_CHUNK {
        return Err("not an uncompressed automerge change".into());
    }
    AmChange::from_bytes(bytes.to_vec()).map_err(|e| e.to_string())
}

/// Changes after an entity's snapshot before it is rewritten.
pub const SNAPSHOT_EVERY: usize = 64;

/// Loads an entity's merged document: its snapshot plus the logged changes after it.
/// Returns the document and how many changes were replayed on top of the snapshot.
pub(crate) fn load_doc(tx: &mut dyn SyncTx, row: &EntityRow) -> Result<(AutoCommit, usize)> {
    if row.snapshot.is_empty() {
        return Ok((AutoCommit::new(), 0));
    }
    let damaged = |e: automerge::AutomergeError| {
        crate::ServerError::Invalid(format!("stored entity {} is damaged: {e}", row.id))
    };
    let mut doc = AutoCommit::load(&row.snapshot).map_err(damaged)?;
    let tail = tx.entity_log_after(&row.id, row.snapshot_seq)?;
    let n = tail.len();
    let changes = tail
        .into_iter()
        .map(|r| AmChange::from_bytes(r.bytes))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            crate::ServerError::Invalid(format!("stored change of {} is damaged: {e}", row.id))
        })?;
    doc.apply_changes(changes).map_err(damaged)?;
    Ok((doc, n))
}

/// Letter numbers leased per block.
pub const LEASE_BLOCK: u32 = 10;

/// Who is syncing.
pub struct SyncContext<'a> {
    pub device: &'a DeviceRow,
    pub subject: Subject,
    pub tree: &'a UnitTree,
    /// The agency's root key, which every decision's certificate must chain to.
    pub agency: ed25519_dalek::VerifyingKey,
    /// The same key's secret half: it signs the receipt of every accepted record.
    pub signer: &'a ed25519_dalek::SigningKey,
    /// The server's clock at the start of this sync (receipt times).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Why raw request bytes got no answer.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// The request is not a valid message: the client's fault (HTTP 400).
    #[error("{0}")]
    BadMessage(String),
    /// The server failed (HTTP 500); the request had no effect.
    #[error(transparent)]
    Internal(#[from] crate::ServerError),
}

/// Decodes a request, handles it for `device` of `user`, encodes the answer. The HTTP
/// handler is this plus headers; tests and benchmarks call it directly.
pub fn handle_bytes<D: Database>(
    db: &D,
    signer: &ed25519_dalek::SigningKey,
    device: &DeviceRow,
    user: &crate::db::UserRow,
    body: &[u8],
    limits: luring_sync::Limits,
) -> std::result::Result<(Vec<u8>, SyncResponse), HandleError> {
    let req = luring_sync::decode_request(body, limits)
        .map_err(|e| HandleError::BadMessage(e.to_string()))?;
    let tree = UnitTree::new(
        db.units()
            .map_err(crate::ServerError::from)?
            .into_iter()
            .map(|u| (u.code, u.parent)),
    );
    let agency = db
        .agency()
        .map_err(crate::ServerError::from)?
        .and_then(|a| luring_model::keys::public_key_from_hex(&a.public_key).ok())
        .ok_or(crate::ServerError::NoAgency)?;
    if signer.verifying_key() != agency {
        return Err(HandleError::Internal(crate::ServerError::Invalid(
            "the agency key file does not match the agency in the database".into(),
        )));
    }
    let role: luring_model::Role = user
        .role
        .parse()
        .map_err(|e: luring_model::ValidationError| crate::ServerError::Invalid(e.to_string()))?;
    let ctx = SyncContext {
        device,
        subject: Subject {
            nip: user.nip.clone(),
            unit: user.unit.clone(),
            role,
        },
        tree: &tree,
        agency,
        signer,
        now: chrono::Utc::now(),
    };
    let mut resp = handle(db, &ctx, req)?;
    resp.request = luring_sync::request_digest(body);
    Ok((luring_sync::encode_response(&resp), resp))
}

/// Longest one push holds the database before other syncs get their turn.
pub const PUSH_SLICE: Duration = Duration::from_millis(40);

/// Handles one request.
pub fn handle<D: Database>(
    db: &D,
    ctx: &SyncContext<'_>,
    req: SyncRequest,
) -> Result<SyncResponse> {
    let mut resp = SyncResponse::default();
    let (entities, records) = prepare(ctx, crate::limits::first_part(req.push));
    let waiting = push_entities(db, ctx, entities, &mut resp)?;
    db.sync_tx(|tx| {
        // Records after the documents they refer to (which may arrive in the same push).
        for (pos, c) in &records {
            crate::approvals::push_record(tx, ctx, *pos, c, &mut resp)?;
        }
        // A document numbered by its last approver arrives with that approver's decision:
        // its number is judged again once the decision is stored.
        for (entity, group) in &waiting {
            push_entity(tx, ctx, entity, group, true, &mut resp)?;
        }
        pull(tx, ctx, req.cursor, req.byte_budget, &mut resp)?;
        if req.want_numbers {
            // At most a block per request, within the device's bounds: if this answer is
            // lost the block is skipped (a gap in the register), never handed out twice.
            resp.lease = crate::numbering::grant(tx, ctx)?;
        }
        Ok(())
    })?;
    Ok(resp)
}

/// A pushed change of a task or document, parsed before the database is touched.
#[derive(Clone)]
pub(crate) struct Pushed {
    /// Position in the request (acknowledgements are by position).
    pos: usize,
    change: Change,
    /// The parsed change, or why it is not one.
    parsed: std::result::Result<AmChange, String>,
    /// A refusal decided without stored state (too big, another device's change); it
    /// applies unless the server already holds the change.
    refusal: Option<String>,
}

/// One entity's pushed changes, in the device's order.
type Group = (String, Vec<Pushed>);

/// Parses and checks what needs no stored state, outside any lock: groups task and
/// document changes by entity (in first-seen order, keeping the device's causal order
/// within each) and sets the approval records aside.
fn prepare(ctx: &SyncContext<'_>, changes: Vec<Change>) -> (Vec<Group>, Vec<(usize, Change)>) {
    let mut order: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut records = Vec::new();
    for (pos, change) in changes.into_iter().enumerate() {
        if change.class == Class::Approval {
            records.push((pos, change));
            continue;
        }
        let cap = crate::limits::entity_cap(change.class);
        let parsed = parse_change(&change.bytes);
        let refusal = match &parsed {
            _ if change.bytes.len() as u64 > cap => Some(format!(
                "the change is {} and a {} may hold at most {}; attach long text as a file",
                crate::limits::size(change.bytes.len() as u64),
                crate::limits::class_name(change.class),
                crate::limits::size(cap),
            )),
            Ok(p) if p.actor_id().to_hex_string() != ctx.device.actor => {
                Some("the change was not made by this device (forged author)".into())
            }
            _ => None,
        };
        let i = *index.entry(change.entity.clone()).or_insert_with(|| {
            order.push((change.entity.clone(), Vec::new()));
            order.len() - 1
        });
        order[i].1.push(Pushed {
            pos,
            change,
            parsed,
            refusal,
        });
    }
    (order, records)
}

/// Applies each entity's changes, in transactions of at most about [`PUSH_SLICE`] each
/// so that other devices' syncs run in between. Returns the entities whose letter number
/// waits for an approval record of the same push.
fn push_entities<D: Database>(
    db: &D,
    ctx: &SyncContext<'_>,
    groups: Vec<Group>,
    resp: &mut SyncResponse,
) -> Result<Vec<Group>> {
    let mut waiting = Vec::new();
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        db.sync_tx(|tx| {
            let start = Instant::now();
            for (entity, group) in groups.by_ref() {
                if push_entity(tx, ctx, &entity, &group, false, resp)? {
                    waiting.push((entity, group));
                }
                if start.elapsed() >= PUSH_SLICE {
                    break;
                }
            }
            Ok(())
        })?;
    }
    Ok(waiting)
}

pub(crate) fn reject(
    resp: &mut SyncResponse,
    hash: [u8; 32],
    entity: &str,
    reason: impl Into<String>,
) {
    resp.rejected.push(Rejection {
        hash,
        entity: entity.to_owned(),
        reason: reason.into(),
    });
}

fn class_kind(c: Class) -> Option<EntityKind> {
    match c {
        Class::Task => Some(EntityKind::Task),
        Class::Document => Some(EntityKind::Document),
        Class::Approval => None,
    }
}

/// An entity as the model reads it, for comparing before and after a change.
enum Model {
    Task(luring_model::Task),
    Document(luring_model::Document),
}

impl Model {
    fn task(&self) -> Option<&luring_model::Task> {
        match self {
            Self::Task(t) => Some(t),
            Self::Document(_) => None,
        }
    }

    fn document(&self) -> Option<&luring_model::Document> {
        match self {
            Self::Document(d) => Some(d),
            Self::Task(_) => None,
        }
    }
}

/// Checks the merged entity against the model's rules; returns its unit field, assignees
/// and the model read.
fn validate(
    doc: &AutoCommit,
    id: &str,
    class: Class,
) -> std::result::Result<(Option<String>, Vec<String>, Model), String> {
    let kind = luring_crdt::entity_kind(doc).map_err(|e| e.to_string())?;
    if Some(kind) != class_kind(class) {
        return Err(format!(
            "the change turns a {:?} into a {}",
            class,
            kind.as_str()
        ));
    }
    let (inner_id, unit, assignees, model) = match kind {
        EntityKind::Task => {
            let t = luring_crdt::read_task(doc).map_err(|e| e.to_string())?;
            (
                t.id.to_string(),
                t.unit.clone(),
                t.assignees.iter().map(|n| n.to_string()).collect(),
                Model::Task(t),
            )
        }
        EntityKind::Document => {
            let d = luring_crdt::read_document(doc).map_err(|e| e.to_string())?;
            (d.id.to_string(), d.unit.clone(), vec![], Model::Document(d))
        }
    };
    if inner_id != id {
        return Err(format!("the change holds the data of '{inner_id}'"));
    }
    Ok((unit, assignees, model))
}

/// Checks the long text fields against what a person may type ([`crate::limits::text_ok`]):
/// the model's reader lets merges pass the limit, so without this one change could carry
/// megabytes of description to everyone in the unit.
fn text_limits(before: Option<&Model>, after: &Model) -> std::result::Result<(), String> {
    let chars = |t: &luring_model::Text| t.as_str().chars().count();
    let (what, limit, now, was) = match after {
        Model::Task(a) => (
            "the description",
            luring_model::DESCRIPTION_MAX_CHARS,
            chars(&a.description),
            before
                .and_then(Model::task)
                .map_or(0, |b| chars(&b.description)),
        ),
        Model::Document(a) => (
            "the document body",
            luring_model::BODY_MAX_CHARS,
            chars(&a.body),
            before
                .and_then(Model::document)
                .map_or(0, |b| chars(&b.body)),
        ),
    };
    if crate::limits::text_ok(now, was, limit) {
        Ok(())
    } else {
        Err(format!(
            "{what} would have {now} characters; at most {limit} may be typed \
             (attach long text as a file)"
        ))
    }
}

/// What the rules say about one applied change.
enum Verdict {
    Accept(Vec<String>),
    Refuse(String),
    /// A letter number on a document not approved yet, on the first pass: its final
    /// decision may be later in the same push, so the change waits for the second pass.
    AwaitApproval,
}

/// Applies [`crate::rules`] and [`crate::numbering`] to a change that turned `before` (the
/// model read before it; `None` for a new entity) into `after`.
fn judge(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    row: &EntityRow,
    filed: bool,
    before: Option<&Model>,
    after: &AutoCommit,
    final_pass: bool,
) -> Result<(Verdict, Option<Model>)> {
    let (unit, assignees, model) = match validate(after, &row.id, row.class) {
        Ok(v) => v,
        Err(e) => return Ok((Verdict::Refuse(e), None)),
    };
    let writable = |u: &str| ctx.tree.contains(u) && may_access(ctx.tree, &ctx.subject, u, &[]);
    match &unit {
        // An entity stays in the unit the server first filed it under.
        Some(u) if filed && &row.unit != u => {
            let r = format!("an entity cannot be moved to unit '{u}'");
            return Ok((Verdict::Refuse(r), None));
        }
        // A new entity is created only in a unit its author may write.
        Some(u) if !filed && !writable(u) => {
            let below = matches!(
                ctx.subject.role,
                luring_model::Role::Supervisor | luring_model::Role::Admin
            );
            let r = format!(
                "you may not create an entity in unit '{u}': you can write only in your own unit{}",
                if below { " and the units below it" } else { "" }
            );
            return Ok((Verdict::Refuse(r), None));
        }
        _ => {}
    }
    if let Err(r) = text_limits(before, &model) {
        return Ok((Verdict::Refuse(r), None));
    }
    let nip = ctx.subject.nip.as_str();
    let outcome = match &model {
        Model::Task(a) => crate::rules::check_task(before.and_then(Model::task), a, nip)
            .map(|_| crate::rules::Outcome::Plain),
        Model::Document(a) => crate::rules::check_document(before.and_then(Model::document), a),
    };
    let verdict = match outcome {
        Err(reason) => Verdict::Refuse(reason),
        Ok(crate::rules::Outcome::Plain) => Verdict::Accept(assignees),
        Ok(crate::rules::Outcome::SetsLetterNumber(n)) => {
            // Only documents carry letter numbers; the content hash is what was approved.
            let hash = match &model {
                Model::Document(d) => d.content_hash().to_string(),
                Model::Task(_) => String::new(),
            };
            let doc_unit = match (&unit, filed) {
                (_, true) => row.unit.clone(),
                (Some(u), false) => u.clone(),
                (None, false) => ctx.subject.unit.clone(),
            };
            match crate::numbering::accept(tx, ctx, &row.id, &doc_unit, &hash, &n)? {
                Ok(()) => Verdict::Accept(assignees),
                Err(crate::numbering::Refusal::NotApproved) if !final_pass => {
                    Verdict::AwaitApproval
                }
                Err(r) => Verdict::Refuse(r.reason()),
            }
        }
    };
    Ok((verdict, Some(model)))
}

/// Applies one entity's pushed changes in order. On the first pass a letter number that
/// waits for an approval in the same push leaves that change and those after it unjudged;
/// returns whether that happened (the caller then runs a final pass after the records).
fn push_entity(
    tx: &mut dyn SyncTx,
    ctx: &SyncContext<'_>,
    entity: &str,
    group: &[Pushed],
    final_pass: bool,
    resp: &mut SyncResponse,
) -> Result<bool> {
    let existing = tx.entity(entity)?;
    let class = group[0].change.class;
    let refuse_all = |resp: &mut SyncResponse, reason: &str| {
        for p in group {
            let hash = p.parsed.as_ref().map(|c| c.hash().0).unwrap_or_default();
            reject(resp, hash, entity, reason);
        }
    };
    let mut row = match existing {
        Some(row) => {
            if !may_access(ctx.tree, &ctx.subject, &row.unit, &row.assignees) {
                refuse_all(
                    resp,
                    "you may not change this entity: it belongs to another unit",
                );
                return Ok(false);
            }
            if row.class != class {
                // Stored before request ids had their own prefix: refuse, never load one
                // kind of entity as another.
                refuse_all(
                    resp,
                    &format!(
                        "the id '{entity}' is already used by {}; this {} needs a new id",
                        match row.class {
                            Class::Approval => "an approval request",
                            Class::Task => "a task",
                            Class::Document => "a document",
                        },
                        crate::limits::class_name(class),
                    ),
                );
                return Ok(false);
            }
            row
        }
        None if entity.starts_with(REQUEST_PREFIX) => {
            refuse_all(
                resp,
                &format!(
                    "ids starting with '{REQUEST_PREFIX}' belong to approval requests; \
                     this {} needs a new id",
                    crate::limits::class_name(class)
                ),
            );
            return Ok(false);
        }
        None => EntityRow {
            id: entity.to_owned(),
            class,
            unit: ctx.subject.unit.clone(),
            assignees: vec![],
            snapshot: Vec::new(),
            snapshot_seq: 0,
        },
    };
    let is_new = row.snapshot.is_empty();
    // Whether the entity has been filed under its unit (its first change accepted).
    let mut filed = !is_new;
    let (mut doc, mut tail) = load_doc(tx, &row)?;
    let cap = crate::limits::entity_cap(row.class);
    let mut size = if is_new { 0 } else { tx.entity_bytes(entity)? };
    // The model as the rules compare it; read lazily, once per accepted change.
    let mut before: Option<Model> = None;
    if filed {
        before = validate(&doc, entity, row.class).ok().map(|(_, _, m)| m);
    }
    let mut last_seq = row.snapshot_seq;
    let mut accepted = 0;
    let mut broken = false;
    let mut awaiting = false;
    // Set once a change depends on changes the server does not have yet (e.g. a colleague's
    // change that reached this device by bundle): it and what follows stay in the device's
    // outbox, neither acknowledged nor refused, until the missing changes arrive.
    let mut deferred = false;
    for p in group {
        let (pos, c) = (p.pos, &p.change);
        let parsed = match &p.parsed {
            Ok(p) => p.clone(),
            Err(e) => {
                reject(resp, [0; 32], entity, format!("not a valid change: {e}"));
                continue;
            }
        };
        let hash = parsed.hash().0;
        if tx.has_change(&hash)? {
            resp.ack(pos);
            continue;
        }
        if deferred {
            continue;
        }
        if broken {
            reject(resp, hash, entity, "depends on a change the server refused");
            continue;
        }
        if c.class != row.class {
            reject(
                resp,
                hash,
                entity,
                "the change names the wrong kind of entity",
            );
            broken = true;
            continue;
        }
        if let Some(reason) = &p.refusal {
            reject(resp, hash, entity, reason.clone());
            broken = true;
            continue;
        }
        if size + c.bytes.len() as u64 > cap {
            let what = crate::limits::class_name(row.class);
            reject(
                resp,
                hash,
                entity,
                format!(
                    "the {what} would grow past {}, the most a {what} may hold with its \
                     history; start a new {what} or attach long text as a file",
                    crate::limits::size(cap)
                ),
            );
            broken = true;
            continue;
        }
        let heads = doc.get_heads();
        if let Err(e) = doc.apply_changes([parsed]) {
            reject(
                resp,
                hash,
                entity,
                format!("the change cannot be applied: {e}"),
            );
            broken = true;
            doc = doc
                .fork_at(&heads)
                .map_err(|e| crate::ServerError::Invalid(e.to_string()))?;
            continue;
        }
        let applied = doc
            .get_change_by_hash(&automerge::ChangeHash(hash))
            .is_some();
        if !applied {
            deferred = true;
            doc = doc
                .fork_at(&heads)
                .map_err(|e| crate::ServerError::Invalid(e.to_string()))?;
            continue;
        }
        let (verdict, model) = judge(tx, ctx, &row, filed, before.as_ref(), &doc, final_pass)?;
        match verdict {
            Verdict::Accept(assignees) => {
                last_seq = tx.append(entity, row.class, &hash, &c.bytes, &ctx.device.id)?;
                tail += 1;
                size += c.bytes.len() as u64;
                row.assignees = assignees;
                if !filed {
                    // A new entity is filed under its own unit field (checked above to be
                    // one its author may write), else under the author's unit.
                    if let Ok((Some(u), _, _)) = validate(&doc, entity, row.class) {
                        row.unit = u;
                    }
                    filed = true;
                }
                before = model;
                resp.ack(pos);
                accepted += 1;
            }
            Verdict::AwaitApproval => {
                awaiting = true;
                deferred = true;
                doc = doc
                    .fork_at(&heads)
                    .map_err(|e| crate::ServerError::Invalid(e.to_string()))?;
            }
            Verdict::Refuse(reason) => {
                reject(resp, hash, entity, reason);
                broken = true;
                doc = doc
                    .fork_at(&heads)
                    .map_err(|e| crate::ServerError::Invalid(e.to_string()))?;
            }
        }
    }
    if accepted > 0 {
        // The log holds every change; the snapshot is only a shortcut for loading, so it
        // is rewritten every few changes rather than on every push.
        if is_new || tail > SNAPSHOT_EVERY {
            row.snapshot = doc.save();
            row.snapshot_seq = last_seq;
        }
        tx.put_entity(&row)?;
        // The device holds this entity's history only if it made the entity. Writing on
        // top of an existing one proves nothing: it may have only what a bundle carried,
        // so with no `known` row the pull below sends it the whole history.
        if is_new && tx.known(&ctx.device.id, entity)?.is_none() {
            tx.set_known(&ctx.device.id, entity, 0)?;
        }
    }
    Ok(awaiting)
}

fn pull(
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
                if may && !sent_whole.contains(&row.entity) && !held.contains(&row.entity) {
                    // A device that was never sent this entity (or may not have received
                    // it: its cursor is behind the response that carried it) gets the
                    // whole history; otherwise just this change.
                    let whole = match tx.known(&ctx.device.id, &row.entity)? {
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
                        tx.entity_log(&row.entity)?
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
    for entity in &sent_whole {
        let class = tx.entity(entity)?.map_or(Class::Document, |e| e.class);
        tx.set_known(&ctx.device.id, entity, next.get(class))?;
    }
    resp.cursor = next;
    Ok(())
}
