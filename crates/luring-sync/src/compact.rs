//! A device's own automerge changes on the wire without what the server can compute.
//!
//! An automerge change chunk is `magic(4) checksum(4) type(1) len(uleb) body`, and its
//! body starts with its dependencies (32-byte hashes), its actor, seq, start op, time,
//! message and other actors before the columns of operations. On a 2G link those
//! hashes, the actor and the magic bytes are most of a small change and no compressor
//! shrinks them. A [`CompactChange`] sends instead:
//!
//! - no actor: a device pushes only its own changes (the server refuses any other), so
//!   the actor is the one the authenticated device registered at login;
//! - each dependency as a reference ([`DepRef`]): to a change earlier in the same message
//!   (a few bits), or the first [`PREFIX`] bytes of a hash the server holds, or, when the
//!   device cannot be sure the server holds it, the whole hash;
//! - no magic, type or length (rebuilt), seq and time as differences from the previous
//!   compact change of the message;
//! - the checksum (the first 4 bytes of the change's hash), which the receiver compares
//!   with the hash of what it rebuilt. A prefix that matched the wrong change, or any
//!   other mistake, shows as a mismatch and the change is asked for again in full
//!   ([`crate::SyncResponse::resend_full`]); nothing wrong is ever stored.
//!
//! The columns of operations travel as they are, so the rebuilt chunk is byte for byte
//! the original: the same hash, so what the server stores, acknowledges and signs is
//! unchanged. Bundles (the USB exchange) keep full changes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::messages::{ChangeHash, Class};

/// Bytes of a hash that name a dependency the server already holds.
pub const PREFIX: usize = 4;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHANGE_CHUNK: u8 = 1;

/// How a compact change names one of its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepRef {
    /// The change `n` places before this one among the message's changes (1 = the
    /// previous one), whose hash the receiver computes from what it rebuilt.
    Earlier(u32),
    /// A change the server holds, by the first bytes of its hash; resolved among the
    /// changes of the same entity.
    Prefix([u8; PREFIX]),
    /// A hash in full.
    Full(ChangeHash),
}

/// One automerge change of the pushing device, without what the server can rebuild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactChange {
    pub entity: String,
    pub class: Class,
    /// The first 4 bytes of the change's hash (the chunk's own checksum).
    pub checksum: [u8; 4],
    pub deps: Vec<DepRef>,
    /// Sequence number minus that of the message's previous compact change (itself for
    /// the first one).
    pub seq_delta: i64,
    pub start_op: u64,
    /// Time minus that of the message's previous compact change (itself for the first).
    pub time_delta: i64,
    /// The change's message, raw (empty: none).
    pub message: Vec<u8>,
    /// Other actors whose operations this change refers to.
    pub other_actors: Vec<Vec<u8>>,
    /// The columns of operations and any extra bytes, exactly as in the change.
    pub ops: Vec<u8>,
}

/// Why bytes are not a change this module can take apart, or a compact change cannot be
/// rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompactError {
    #[error("not an uncompressed automerge change")]
    NotAChange,
    #[error("the change is cut short")]
    Truncated,
    #[error("the change was made by another actor")]
    OtherActor,
    #[error("dependency {0} names no earlier change of the message")]
    BadEarlier(u32),
    #[error("a dependency is not known here")]
    UnknownDependency,
    #[error("the rebuilt change does not match its checksum")]
    Mismatch,
}

/// The parts of a change chunk's body, borrowed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    pub checksum: [u8; 4],
    pub deps: Vec<ChangeHash>,
    pub actor: &'a [u8],
    pub seq: u64,
    pub start_op: u64,
    pub time: i64,
    pub message: &'a [u8],
    pub other_actors: Vec<&'a [u8]>,
    pub ops: &'a [u8],
}

/// A cursor over bytes that fails with [`CompactError::Truncated`] instead of panicking.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CompactError> {
        if self.0.len() < n {
            return Err(CompactError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn uleb(&mut self) -> Result<u64, CompactError> {
        leb128::read::unsigned(&mut self.0).map_err(|_| CompactError::Truncated)
    }
    fn sleb(&mut self) -> Result<i64, CompactError> {
        leb128::read::signed(&mut self.0).map_err(|_| CompactError::Truncated)
    }
    fn len_prefixed(&mut self) -> Result<&'a [u8], CompactError> {
        let n = self.uleb()?;
        self.take(usize::try_from(n).map_err(|_| CompactError::Truncated)?)
    }
    /// A count of items that each take at least `min` bytes, refused if the rest is too
    /// short to hold them (no allocation from a lying count).
    fn count(&mut self, min: usize) -> Result<usize, CompactError> {
        let n = usize::try_from(self.uleb()?).map_err(|_| CompactError::Truncated)?;
        if n.saturating_mul(min) > self.0.len() {
            return Err(CompactError::Truncated);
        }
        Ok(n)
    }
}

/// Takes an uncompressed change chunk (`Change::raw_bytes`) apart.
pub fn parts(chunk: &[u8]) -> Result<Parts<'_>, CompactError> {
    let mut r = Reader(chunk);
    if r.take(4)? != MAGIC {
        return Err(CompactError::NotAChange);
    }
    let mut checksum = [0; 4];
    checksum.copy_from_slice(r.take(4)?);
    if r.take(1)? != [CHANGE_CHUNK] {
        return Err(CompactError::NotAChange);
    }
    let len = usize::try_from(r.uleb()?).map_err(|_| CompactError::Truncated)?;
    if r.0.len() != len {
        return Err(CompactError::Truncated);
    }
    let n = r.count(32)?;
    let mut deps = Vec::with_capacity(n);
    for _ in 0..n {
        let mut h = [0; 32];
        h.copy_from_slice(r.take(32)?);
        deps.push(h);
    }
    let actor = r.len_prefixed()?;
    let seq = r.uleb()?;
    let start_op = r.uleb()?;
    let time = r.sleb()?;
    let message = r.len_prefixed()?;
    let n = r.count(1)?;
    let mut other_actors = Vec::with_capacity(n);
    for _ in 0..n {
        other_actors.push(r.len_prefixed()?);
    }
    Ok(Parts {
        checksum,
        deps,
        actor,
        seq,
        start_op,
        time,
        message,
        other_actors,
        ops: r.0,
    })
}

fn uleb(out: &mut Vec<u8>, v: u64) {
    // Writing to a Vec cannot fail.
    let _ = leb128::write::unsigned(out, v);
}

/// The chunk of the change with these parts (its checksum is computed, not taken from
/// `p`), and its hash.
pub fn chunk(p: &Parts<'_>) -> (Vec<u8>, ChangeHash) {
    let mut body = Vec::with_capacity(64 + p.deps.len() * 32 + p.ops.len());
    uleb(&mut body, p.deps.len() as u64);
    for d in &p.deps {
        body.extend_from_slice(d);
    }
    uleb(&mut body, p.actor.len() as u64);
    body.extend_from_slice(p.actor);
    uleb(&mut body, p.seq);
    uleb(&mut body, p.start_op);
    let _ = leb128::write::signed(&mut body, p.time);
    uleb(&mut body, p.message.len() as u64);
    body.extend_from_slice(p.message);
    uleb(&mut body, p.other_actors.len() as u64);
    for a in &p.other_actors {
        uleb(&mut body, a.len() as u64);
        body.extend_from_slice(a);
    }
    body.extend_from_slice(p.ops);
    let mut head = vec![CHANGE_CHUNK];
    uleb(&mut head, body.len() as u64);
    let hash: ChangeHash = Sha256::new()
        .chain_update(&head)
        .chain_update(&body)
        .finalize()
        .into();
    let mut out = Vec::with_capacity(8 + head.len() + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&hash[..4]);
    out.extend_from_slice(&head);
    out.extend_from_slice(&body);
    (out, hash)
}

/// The hash of an uncompressed change chunk, computed as automerge does.
pub fn hash_of(chunk: &[u8]) -> Result<ChangeHash, CompactError> {
    Ok(self::chunk(&parts(chunk)?).1)
}

/// Builds the compact changes of one message, in order.
pub struct Compactor<'a> {
    actor: &'a [u8],
    /// (seq, time) of the message's previous compact change.
    prev: (u64, i64),
    /// Hashes of the message's compact changes so far, in order.
    sent: Vec<ChangeHash>,
}

impl<'a> Compactor<'a> {
    /// For a device whose automerge actor is `actor`.
    pub fn new(actor: &'a [u8]) -> Self {
        Self {
            actor,
            prev: (0, 0),
            sent: Vec::new(),
        }
    }

    /// The compact form of `chunk`, or why it must go in full. `server_has(dep)` says
    /// whether the server is known to hold a dependency that is not an earlier compact
    /// change of this message; those it may not hold go as whole hashes.
    pub fn compact(
        &mut self,
        entity: &str,
        class: Class,
        chunk: &[u8],
        server_has: impl Fn(&ChangeHash) -> bool,
    ) -> Result<CompactChange, CompactError> {
        let p = parts(chunk)?;
        if p.actor != self.actor {
            return Err(CompactError::OtherActor);
        }
        let deps = p
            .deps
            .iter()
            .map(|d| match self.sent.iter().rposition(|s| s == d) {
                Some(i) => DepRef::Earlier((self.sent.len() - i) as u32),
                None if server_has(d) => {
                    let mut pre = [0; PREFIX];
                    pre.copy_from_slice(&d[..PREFIX]);
                    DepRef::Prefix(pre)
                }
                None => DepRef::Full(*d),
            })
            .collect();
        let c = CompactChange {
            entity: entity.to_owned(),
            class,
            checksum: p.checksum,
            deps,
            seq_delta: (p.seq as i64).wrapping_sub(self.prev.0 as i64),
            start_op: p.start_op,
            time_delta: p.time.wrapping_sub(self.prev.1),
            message: p.message.to_vec(),
            other_actors: p.other_actors.iter().map(|a| a.to_vec()).collect(),
            ops: p.ops.to_vec(),
        };
        // Checked here, before it is sent: a change that would not rebuild exactly goes in
        // full (automerge may one day write chunks this module does not expect).
        let u = Unpacked::new(&c, self.sent.len(), self.prev);
        let (bytes, hash) = u.rebuild(
            self.actor,
            |i| self.sent.get(i).copied(),
            |pre| p.deps.iter().find(|d| d[..PREFIX] == pre[..]).copied(),
        )?;
        if bytes != chunk {
            return Err(CompactError::Mismatch);
        }
        self.prev = (p.seq, p.time);
        self.sent.push(hash);
        Ok(c)
    }
}

/// A dependency of an [`Unpacked`] change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dep {
    /// The message's compact change at this index.
    Earlier(usize),
    Prefix([u8; PREFIX]),
    Full(ChangeHash),
}

/// A compact change with its place in the message resolved (absolute seq and time,
/// earlier changes by index), ready to be rebuilt once its entity's changes are at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpacked {
    pub entity: String,
    pub class: Class,
    pub checksum: [u8; 4],
    /// A dependency that names no earlier change of the message makes the change
    /// unbuildable ([`CompactError::BadEarlier`]).
    pub deps: Result<Vec<Dep>, CompactError>,
    pub seq: u64,
    pub start_op: u64,
    pub time: i64,
    pub message: Vec<u8>,
    pub other_actors: Vec<Vec<u8>>,
    pub ops: Vec<u8>,
}

impl Unpacked {
    /// `c` as the `index`-th compact change of its message, after one with `prev`
    /// (seq, time).
    fn new(c: &CompactChange, index: usize, prev: (u64, i64)) -> Self {
        let deps = c
            .deps
            .iter()
            .map(|d| match *d {
                DepRef::Earlier(n) => match index.checked_sub(n as usize) {
                    Some(i) if n > 0 => Ok(Dep::Earlier(i)),
                    _ => Err(CompactError::BadEarlier(n)),
                },
                DepRef::Prefix(p) => Ok(Dep::Prefix(p)),
                DepRef::Full(h) => Ok(Dep::Full(h)),
            })
            .collect();
        Self {
            entity: c.entity.clone(),
            class: c.class,
            checksum: c.checksum,
            deps,
            seq: (prev.0 as i64).wrapping_add(c.seq_delta) as u64,
            start_op: c.start_op,
            time: prev.1.wrapping_add(c.time_delta),
            message: c.message.clone(),
            other_actors: c.other_actors.clone(),
            ops: c.ops.clone(),
        }
    }

    /// Every compact change of a message with its place resolved, in order.
    pub fn all(list: &[CompactChange]) -> Vec<Unpacked> {
        let mut prev = (0, 0);
        list.iter()
            .enumerate()
            .map(|(i, c)| {
                let u = Unpacked::new(c, i, prev);
                prev = (u.seq, u.time);
                u
            })
            .collect()
    }

    /// The change's chunk and hash, made by `actor`. `earlier(i)` is the hash of the
    /// message's compact change `i` as rebuilt (`None` if it was not); `prefix(p)` the
    /// change of the same entity the receiver holds whose hash starts with `p`, if exactly
    /// one does. The rebuilt change must match its checksum.
    pub fn rebuild(
        &self,
        actor: &[u8],
        earlier: impl Fn(usize) -> Option<ChangeHash>,
        prefix: impl Fn(&[u8; PREFIX]) -> Option<ChangeHash>,
    ) -> Result<(Vec<u8>, ChangeHash), CompactError> {
        let deps = self
            .deps
            .clone()?
            .iter()
            .map(|d| match d {
                Dep::Earlier(i) => earlier(*i).ok_or(CompactError::UnknownDependency),
                Dep::Prefix(p) => prefix(p).ok_or(CompactError::UnknownDependency),
                Dep::Full(h) => Ok(*h),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (bytes, hash) = chunk(&Parts {
            checksum: self.checksum,
            deps,
            actor,
            seq: self.seq,
            start_op: self.start_op,
            time: self.time,
            message: &self.message,
            other_actors: self.other_actors.iter().map(Vec::as_slice).collect(),
            ops: &self.ops,
        });
        if hash[..4] != self.checksum {
            return Err(CompactError::Mismatch);
        }
        Ok((bytes, hash))
    }
}

#[cfg(test)]
mod tests;
