//! Letter numbers (nomor surat) given offline. At each sync a device running low asks for a
//! block of its unit's numbers; the server never leases a number twice, so devices
//! numbering at the same time with no signal cannot clash. A document approved while the
//! device has no number left waits, and is numbered at the next sync.

use luring_store::MetaKey;
use luring_sync::Lease;

use crate::error::Result;
use crate::profile::Profile;

/// Ask for a new block when fewer than this many numbers are left.
pub const LOW: u32 = 3;

fn parse<T: serde::de::DeserializeOwned + Default>(s: Option<String>) -> T {
    s.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

impl Profile {
    fn blocks(&self) -> Result<Vec<Lease>> {
        Ok(parse(self.store().get(MetaKey::NumberBlocks)?))
    }

    /// Numbers left in this device's leased blocks.
    pub fn numbers_left(&self) -> Result<u32> {
        Ok(self
            .blocks()?
            .iter()
            .map(|b| b.end.saturating_sub(b.start))
            .sum())
    }

    /// Whether the next sync should ask for a block.
    pub(crate) fn needs_letter_numbers(&self) -> Result<bool> {
        Ok(self.store().has(MetaKey::Server)? && self.numbers_left()? < LOW)
    }

    /// The blocks after adding `lease`, as stored (for an atomic update with a sync).
    pub(crate) fn blocks_with(&self, lease: &Lease) -> Result<String> {
        let mut b = self.blocks()?;
        b.push(lease.clone());
        Ok(serde_json::to_string(&b).expect("leases serialise"))
    }

    fn take_number(&mut self) -> Result<Option<String>> {
        let mut blocks = self.blocks()?;
        blocks.retain(|b| b.start < b.end);
        let Some(b) = blocks.first_mut() else {
            return Ok(None);
        };
        let n = format!("{:03}/{}/{}", b.start, b.unit, b.year);
        b.start += 1;
        self.store().put(
            MetaKey::NumberBlocks,
            &serde_json::to_string(&blocks).expect("leases serialise"),
        )?;
        Ok(Some(n))
    }

    /// Queues a document for a number and numbers every queued document it can.
    pub(crate) fn number_document(&mut self, doc_id: &str) -> Result<()> {
        let mut pending: Vec<String> = parse(self.store().get(MetaKey::NumberPending)?);
        if !pending.iter().any(|d| d == doc_id) {
            pending.push(doc_id.to_owned());
        }
        self.store().put(
            MetaKey::NumberPending,
            &serde_json::to_string(&pending).expect("ids serialise"),
        )?;
        self.assign_pending_letter_numbers()
    }

    /// Numbers queued documents while numbers are left.
    pub(crate) fn assign_pending_letter_numbers(&mut self) -> Result<()> {
        let mut pending: Vec<String> = parse(self.store().get(MetaKey::NumberPending)?);
        while let Some(doc) = pending.first().cloned() {
            if self.store().document(&doc)?.letter_number.is_none() {
                let Some(n) = self.take_number()? else { break };
                self.store_mut()
                    .update_document(&doc, |d| luring_crdt::set_letter_number(d, &n))?;
            }
            pending.remove(0);
            self.store().put(
                MetaKey::NumberPending,
                &serde_json::to_string(&pending).expect("ids serialise"),
            )?;
        }
        Ok(())
    }
}
