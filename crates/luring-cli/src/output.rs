//! Printing: JSON for scripts, short aligned lines for people.

use luring_client::{DocRow, DocView, SyncReport, TaskRow, TaskView};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(v: &T) {
    // Serialising our own view types cannot fail; a failure would be a bug.
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("views serialise")
    );
}

/// Prints `v` as JSON when asked, else for people with `human`.
pub fn show<T: Serialize + ?Sized>(json_wanted: bool, v: &T, human: impl Fn(&T)) {
    if json_wanted {
        json(v);
    } else {
        human(v);
    }
}

pub fn task_rows(rows: &[TaskRow]) {
    if rows.is_empty() {
        println!("(no tasks)");
    }
    for t in rows {
        println!(
            "{:<14}  {:<10}  {:<10}  {}",
            t.id,
            t.status,
            t.due.as_deref().unwrap_or("-"),
            t.title
        );
    }
}

pub fn task(t: &TaskView) {
    println!("{}  [{}]  {}", t.id, t.status, t.title);
    if let Some(d) = &t.due {
        println!("due: {d}");
    }
    if !t.assignees.is_empty() {
        println!("assignees: {}", t.assignees.join(", "));
    }
    if !t.description.is_empty() {
        println!("\n{}", t.description);
    }
    for c in &t.comments {
        println!("- {} ({}): {}", c.author_name, c.at, c.text.as_str());
    }
}

pub fn doc_rows(rows: &[DocRow]) {
    if rows.is_empty() {
        println!("(no documents)");
    }
    for d in rows {
        println!("{:<14}  {:<10}  {}", d.id, d.kind, d.title);
        if let Some(s) = &d.snippet {
            println!("{:<14}  {}", "", s.replace('\n', " "));
        }
    }
}

pub fn doc(d: &DocView) {
    println!("{}  [{}]  {}", d.id, d.kind, d.title);
    if let Some(n) = &d.letter_number {
        println!("nomor: {n}");
    }
    println!("content hash: {}\n", d.content_hash);
    println!("{}", d.body);
}

pub fn sync_report(r: &SyncReport) {
    println!(
        "sent {} changes, received {} ({} bytes up, {} down, {} round trips)",
        r.pushed, r.pulled, r.bytes_up, r.bytes_down, r.round_trips
    );
    for x in &r.rejected {
        println!("refused by the server ({}): {}", x.entity, x.reason);
    }
}
