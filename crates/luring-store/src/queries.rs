//! Reads served from the query tables alone — never from automerge — so lists and search
//! stay fast with a hundred thousand tasks.

use rusqlite::{params_from_iter, Connection, Row};
use serde::Serialize;

use crate::error::Result;

/// A task as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskRow {
    pub id: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::TaskStatus"))]
    pub status: String,
    pub due: Option<String>,
    pub assignees: Vec<String>,
    pub unit: Option<String>,
    /// Who gave the task (pemberi tugas), when known.
    pub created_by: Option<String>,
}

/// Which tasks to list. Results are sorted by due date (tasks without one last), then id.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub status: Option<String>,
    pub assignee: Option<String>,
    /// Only tasks this NIP made (gave).
    pub created_by: Option<String>,
    /// Words the title, description, checklist or comments contain (ignoring case).
    pub text: Option<String>,
    /// Only tasks this NIP owns: assigned to them, or made by them with no assignee (a note
    /// to oneself is one's own task).
    pub owner: Option<String>,
    /// Only unfinished tasks (any status but `selesai`).
    pub open_only: bool,
    /// Only tasks due on or after this day (`YYYY-MM-DD`); tasks without a due date drop out.
    pub due_from: Option<String>,
    /// Only tasks due on or before this day (`YYYY-MM-DD`); tasks without a due date drop out.
    pub due_to: Option<String>,
    pub limit: Option<u32>,
    pub offset: u32,
}

/// A document as listed or found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocRow {
    pub id: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::DocKind"))]
    pub kind: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(as = "luring_model::Classification"))]
    pub classification: String,
    pub letter_number: Option<String>,
    pub content_hash: String,
    /// Who made it, when known.
    pub created_by: Option<String>,
    /// For search results: a short excerpt around the match.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub snippet: Option<String>,
}

/// Counts shown by `luring status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub tasks: i64,
    pub documents: i64,
    pub outbox: i64,
    /// The items (tasks, documents, approval records) those changes belong to.
    pub outbox_items: i64,
    /// Local changes the server refused.
    pub refused: i64,
}

/// The WHERE clause (with its leading " WHERE ", or empty) and its arguments for `f`.
fn task_conditions(f: &TaskFilter) -> (String, Vec<String>) {
    let mut args: Vec<String> = Vec::new();
    let mut conds: Vec<&str> = Vec::new();
    if let Some(s) = &f.status {
        conds.push("t.status = ?");
        args.push(s.clone());
    }
    if let Some(n) = &f.assignee {
        conds.push("t.id IN (SELECT task_id FROM task_assignees WHERE nip = ?)");
        args.push(n.clone());
    }
    if let Some(n) = &f.created_by {
        conds.push("t.created_by = ?");
        args.push(n.clone());
    }
    if let Some(n) = &f.owner {
        conds.push(
            "(t.id IN (SELECT task_id FROM task_assignees WHERE nip = ?)
              OR (t.created_by = ? AND NOT EXISTS
                  (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id)))",
        );
        args.push(n.clone());
        args.push(n.clone());
    }
    if f.open_only {
        conds.push("t.status <> 'selesai'");
    }
    if let Some(d) = &f.due_from {
        conds.push("t.due >= ?");
        args.push(d.clone());
    }
    if let Some(d) = &f.due_to {
        conds.push("t.due <= ?");
        args.push(d.clone());
    }
    if let Some(q) = f.text.as_deref().map(|q| q.trim().to_lowercase()) {
        if !q.is_empty() {
            conds.push("instr(t.search, ?) > 0");
            args.push(q);
        }
    }
    if conds.is_empty() {
        return (String::new(), args);
    }
    (format!(" WHERE {}", conds.join(" AND ")), args)
}

/// The columns [`task_row`] reads, first in a query over `tasks t`.
pub(crate) const TASK_ROW_COLUMNS: &str = "t.id, t.title, t.status, t.due, t.unit,
    (SELECT group_concat(nip, ',') FROM task_assignees ta WHERE ta.task_id = t.id),
    t.created_by";

/// A task row from the first columns of a query that starts with [`TASK_ROW_COLUMNS`].
pub(crate) fn task_row(r: &Row<'_>) -> rusqlite::Result<TaskRow> {
    let assignees: Option<String> = r.get(5)?;
    let mut assignees: Vec<String> = assignees
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    assignees.sort();
    Ok(TaskRow {
        id: r.get(0)?,
        title: r.get(1)?,
        status: r.get(2)?,
        due: r.get(3)?,
        unit: r.get(4)?,
        assignees,
        created_by: r.get(6)?,
    })
}

pub(crate) fn list_tasks(conn: &Connection, f: &TaskFilter) -> Result<Vec<TaskRow>> {
    let mut sql = format!("SELECT {TASK_ROW_COLUMNS} FROM tasks t");
    let (conds, args) = task_conditions(f);
    sql.push_str(&conds);
    sql.push_str(" ORDER BY t.due IS NULL, t.due, t.id");
    if let Some(limit) = f.limit {
        sql.push_str(&format!(" LIMIT {limit} OFFSET {}", f.offset));
    } else if f.offset > 0 {
        sql.push_str(&format!(" LIMIT -1 OFFSET {}", f.offset));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), task_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many tasks `f` matches, ignoring its limit and offset (a count, not the rows).
pub(crate) fn count_tasks(conn: &Connection, f: &TaskFilter) -> Result<u64> {
    let (conds, args) = task_conditions(f);
    let mut stmt = conn.prepare_cached(&format!("SELECT count(*) FROM tasks t{conds}"))?;
    let n: i64 = stmt.query_row(params_from_iter(args), |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn doc_row(r: &Row<'_>) -> rusqlite::Result<DocRow> {
    Ok(DocRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        classification: r.get(3)?,
        letter_number: r.get(4)?,
        content_hash: r.get(5)?,
        snippet: r.get(6)?,
        created_by: r.get(7)?,
    })
}

pub(crate) fn list_documents(conn: &Connection, kind: Option<&str>) -> Result<Vec<DocRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, title, classification, letter_number, content_hash, NULL, created_by
         FROM documents
         WHERE ?1 IS NULL OR kind = ?1 ORDER BY created_at DESC, id",
    )?;
    let rows = stmt.query_map([kind], doc_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Turns what a person typed into an FTS5 query: every word must appear (as a prefix),
/// and FTS5's own operators are treated as plain text so no input is a syntax error.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

pub(crate) fn search_documents(conn: &Connection, input: &str, limit: u32) -> Result<Vec<DocRow>> {
    let Some(q) = fts_query(input) else {
        return Ok(vec![]);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.kind, d.title, d.classification, d.letter_number, d.content_hash,
                snippet(docs_fts, 1, '[', ']', '…', 12), d.created_by
         FROM docs_fts JOIN documents d ON d.rowid = docs_fts.rowid
         WHERE docs_fts MATCH ?1 ORDER BY rank LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![q, limit], doc_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn stats(conn: &Connection) -> Result<Stats> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM documents),
                (SELECT count(*) FROM outbox) + (SELECT count(*) FROM record_outbox),
                (SELECT count(*) FROM refusals),
                (SELECT count(DISTINCT entity_id) FROM outbox) + (SELECT count(*) FROM record_outbox)",
        [],
        |r| {
            Ok(Stats {
                tasks: r.get(0)?,
                documents: r.get(1)?,
                outbox: r.get(2)?,
                refused: r.get(3)?,
                outbox_items: r.get(4)?,
            })
        },
    )?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fts_query_neutralises_operators() {
        assert_eq!(
            super::fts_query("rapat AND \"x"),
            Some("\"rapat\"* \"AND\"* \"x\"*".into())
        );
        assert_eq!(super::fts_query("  ** "), None);
    }
}
