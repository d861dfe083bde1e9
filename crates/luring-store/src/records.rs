//! Approval records: immutable facts (requests, signed decisions) kept exactly as they were
//! made or received, so a signature can always be checked against the original bytes. They
//! have their own outbox: they travel ahead of everything else.

use luring_model::{RecordKind, Timestamp};
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::store::Store;

/// One stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub hash: [u8; 32],
    pub request_id: String,
    pub kind: RecordKind,
    pub bytes: Vec<u8>,
}

/// The identity of a record: BLAKE3 of its bytes (as the server names it).
pub fn record_hash(bytes: &[u8]) -> [u8; 32] {
    luring_model::Record::id_of(bytes)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecord> {
    let h: Vec<u8> = r.get(0)?;
    Ok(StoredRecord {
        hash: h.try_into().unwrap_or([0; 32]),
        request_id: r.get(1)?,
        kind: r
            .get::<_, String>(2)?
            .parse()
            .map_err(|e: luring_model::KindError| {
                rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
        bytes: r.get(3)?,
    })
}

pub(crate) fn insert(
    c: &rusqlite::Connection,
    request_id: &str,
    kind: RecordKind,
    bytes: &[u8],
) -> Result<bool> {
    let at = Timestamp::now().into_string();
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO records(hash, request_id, kind, bytes, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![record_hash(bytes).as_slice(), request_id, kind.as_str(), bytes, at])?;
    Ok(n > 0)
}

/// A document's requests, by the index on the column migration 14 added.
const REQUESTS_FOR_DOCUMENT: &str =
    "SELECT request_id FROM records WHERE kind = ?1 AND document_id = ?2
       AND hash NOT IN (SELECT hash FROM refusals)
     ORDER BY received_at DESC, request_id";

impl Store {
    /// Stores a record made here and queues it to be sent.
    pub fn add_local_record(
        &mut self,
        request_id: &str,
        kind: RecordKind,
        bytes: &[u8],
    ) -> Result<()> {
        self.write_tx(|c| {
            insert(c, request_id, kind, bytes)?;
            c.prepare_cached("INSERT OR IGNORE INTO record_outbox(hash) VALUES (?1)")?
                .execute([record_hash(bytes).as_slice()])?;
            Ok(())
        })
    }

    /// Every record of one request, the request first. A record the server refused
    /// (this device's, e.g. a second request or a withdrawal that came too late) is left
    /// out: it counts nowhere else, so it must not count here either.
    pub fn records_of(&self, request_id: &str) -> Result<Vec<StoredRecord>> {
        let mut s = self.connection().prepare_cached(
            "SELECT hash, request_id, kind, bytes FROM records WHERE request_id = ?1
               AND hash NOT IN (SELECT hash FROM refusals)
             ORDER BY kind <> ?2, received_at, hash",
        )?;
        let rows = s.query_map([request_id, RecordKind::Request.as_str()], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of every known request.
    pub fn request_ids(&self) -> Result<Vec<String>> {
        let mut s = self.connection().prepare_cached(
            "SELECT request_id FROM records WHERE kind = ?1
               AND hash NOT IN (SELECT hash FROM refusals)
             ORDER BY received_at DESC, request_id",
        )?;
        let rows = s.query_map([RecordKind::Request.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of the requests for one document, newest first (as [`Store::request_ids`]).
    pub fn request_ids_for_document(&self, document_id: &str) -> Result<Vec<String>> {
        let mut s = self.connection().prepare_cached(REQUESTS_FOR_DOCUMENT)?;
        let rows = s.query_map([RecordKind::Request.as_str(), document_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether a request is known here.
    pub fn has_request(&self, request_id: &str) -> Result<bool> {
        Ok(self
            .connection()
            .prepare_cached("SELECT 1 FROM records WHERE request_id = ?1 AND kind = ?2")?
            .query_row([request_id, RecordKind::Request.as_str()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records waiting to be sent, oldest first.
    pub fn record_outbox(&self) -> Result<Vec<StoredRecord>> {
        let mut s = self.connection().prepare_cached(
            "SELECT r.hash, r.request_id, r.kind, r.bytes FROM record_outbox o JOIN records r ON r.hash = o.hash ORDER BY o.seq",
        )?;
        let rows = s.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_filed_by_kind_the_request_first() {
        let mut s = Store::open_in_memory().unwrap();
        s.add_local_record("a-1", RecordKind::Decision, b"{\"d\":1}")
            .unwrap();
        s.add_local_record("a-1", RecordKind::Request, b"{\"r\":1}")
            .unwrap();
        let kinds: Vec<RecordKind> = s
            .records_of("a-1")
            .unwrap()
            .iter()
            .map(|r| r.kind)
            .collect();
        assert_eq!(kinds, [RecordKind::Request, RecordKind::Decision]);
        assert_eq!(s.request_ids().unwrap(), ["a-1"]);
        assert!(s.has_request("a-1").unwrap());
        assert!(!s.has_request("a-2").unwrap());
        assert_eq!(s.record_outbox().unwrap().len(), 2);
        let stored: String = s
            .connection()
            .query_row(
                "SELECT kind FROM records WHERE request_id = 'a-1' ORDER BY kind LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, "decision");
    }

    /// A request's bytes as a device files them (only the fields the index reads matter).
    fn request_for(doc: &str, n: u8) -> Vec<u8> {
        format!(r#"{{"record":"request","body":{{"document_id":"{doc}","n":{n}}}}}"#).into_bytes()
    }

    #[test]
    fn a_documents_requests_are_found_by_its_id_also_for_records_filed_before_the_index() {
        // Filed under schema 13, before the column existed: migration 14 must see them.
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrations::migrate_to(&mut c, 13).unwrap();
        insert(&c, "a-lama", RecordKind::Request, &request_for("d-1", 0)).unwrap();
        insert(&c, "a-rusak", RecordKind::Request, b"\xff not json").unwrap();
        crate::migrations::migrate_to(&mut c, 14).unwrap();
        let for_doc = |c: &rusqlite::Connection, doc: &str| -> Vec<String> {
            let mut s = c
                .prepare("SELECT request_id FROM records WHERE kind = 'request' AND document_id = ?1 ORDER BY request_id")
                .unwrap();
            s.query_map([doc], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        assert_eq!(for_doc(&c, "d-1"), ["a-lama"]);

        let mut s = Store::open_in_memory().unwrap();
        s.add_local_record("a-1", RecordKind::Request, &request_for("d-1", 1))
            .unwrap();
        s.add_local_record("a-2", RecordKind::Request, &request_for("d-2", 2))
            .unwrap();
        s.add_local_record("a-3", RecordKind::Request, &request_for("d-1", 3))
            .unwrap();
        // A decision naming the document (a forged field) is not a request of it.
        s.add_local_record("a-2", RecordKind::Decision, &request_for("d-1", 4))
            .unwrap();
        s.add_local_record("a-4", RecordKind::Request, b"not json")
            .unwrap();
        let mut d1 = s.request_ids_for_document("d-1").unwrap();
        d1.sort();
        assert_eq!(d1, ["a-1", "a-3"]);
        assert_eq!(s.request_ids_for_document("d-2").unwrap(), ["a-2"]);
        assert!(s.request_ids_for_document("d-9").unwrap().is_empty());
        assert_eq!(s.request_ids().unwrap().len(), 4);
        // The lookup itself, as bound, uses the index, not a scan of every record.
        let mut explain = s
            .connection()
            .prepare(&format!("EXPLAIN QUERY PLAN {REQUESTS_FOR_DOCUMENT}"))
            .unwrap();
        let plan: Vec<String> = explain
            .query_map([RecordKind::Request.as_str(), "d-1"], |r| r.get(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            plan.iter().any(|l| l.contains("records_by_document")),
            "{plan:?}"
        );
    }
}
