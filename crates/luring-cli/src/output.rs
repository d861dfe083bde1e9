//! Printing: JSON for scripts, short aligned lines for people.

use luring_client::approvals::{ApprovalLists, ApprovalView};
use luring_client::evidence::Verification;
use luring_client::{DocListRow, DocView, SyncReport, TaskRow, TaskView};
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
        match &c.edited_at {
            Some(e) => println!("- {} ({}, edited {e}): {}", c.author_name, c.at, c.text),
            None => println!("- {} ({}): {}", c.author_name, c.at, c.text),
        }
    }
}

pub fn doc_rows(rows: &[DocListRow]) {
    if rows.is_empty() {
        println!("(no documents)");
    }
    for r in rows {
        let d = &r.row;
        println!(
            "{:<14}  {:<10}  {:<10}  {}",
            d.id, d.kind, r.status, d.title
        );
        if let Some(s) = &d.snippet {
            println!("{:<14}  {}", "", s.replace('\n', " "));
        }
    }
}

pub fn doc(d: &DocView) {
    println!("{}  [{}]  {}", d.id, d.kind, d.title);
    if let Some(s) = &d.status {
        println!("status: {}", s.status);
        if let Some(old) = &s.revision_of {
            println!("revisi dari: {old}");
        }
    }
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
        println!(
            "refused by the server ({}, {}): {}",
            x.entity, x.code, x.reason
        );
    }
}

pub fn approval(a: &ApprovalView) {
    println!("{}  [{}]  document {}", a.id, a.status, a.document_id);
    println!("content hash: {}", a.content_hash);
    for (i, nip) in a.chain.iter().enumerate() {
        let d = a.decisions.iter().find(|d| d.level as usize == i);
        match d {
            Some(d) => println!(
                "  {}. {} {} — {} ({}) {}",
                i + 1,
                nip,
                d.name,
                d.verdict,
                d.decided_at,
                d.note
            ),
            None if a.next_approver.as_deref() == Some(nip.as_str()) => {
                println!("  {}. {} — waiting", i + 1, nip)
            }
            None => println!("  {}. {}", i + 1, nip),
        }
    }
    for r in &a.refused {
        println!(
            "  not counted: level {} by {} ({}): {}",
            r.level, r.approver, r.code, r.reason
        );
    }
}

pub fn approval_lists(l: &ApprovalLists) {
    println!("Waiting for me:");
    if l.waiting_for_me.is_empty() {
        println!("  (none)");
    }
    for a in &l.waiting_for_me {
        println!(
            "  {}  document {}  from {}",
            a.id, a.document_id, a.requester
        );
    }
    println!("Asked by me:");
    if l.requested_by_me.is_empty() {
        println!("  (none)");
    }
    for a in &l.requested_by_me {
        println!("  {}  [{}]  document {}", a.id, a.status, a.document_id);
    }
}

pub fn verification(v: &Verification) {
    println!(
        "document {}  status {}  content hash {}",
        v.document_id, v.status, v.content_hash
    );
    println!("agency key: {}", v.agency_key_source);
    for c in &v.checks {
        println!(
            "[{}] {} ({})",
            if c.pass { "LULUS" } else { "GAGAL" },
            c.condition,
            c.law
        );
        println!("       {}", c.detail);
    }
}
