//! `luring-bench beranda`: how long luring-client's Beranda view takes with a busy
//! profile (N unfinished tasks of mine spread over the 60 days around today), beside the
//! old way of listing all my tasks for the window to sort, and how many bytes of JSON
//! each hands the window; then again with unseen news ("Baru sejak terakhir Anda lihat":
//! tasks a colleague assigned to me and commented on, pulled as a sync applies them).

use std::time::Instant;

use chrono::{Days, NaiveDate};
use luring_client::{NewTaskInput, Profile, TaskQuery};
use luring_store::{InChange, MetaKey, Store};

use crate::measure::p50_p99;
use crate::BoxResult;

pub struct Plan {
    pub tasks: u64,
    pub samples: u64,
}

fn time<T>(samples: u64, mut f: impl FnMut() -> BoxResult<T>) -> BoxResult<(f64, f64, T)> {
    let mut last = f()?;
    let mut times = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        last = f()?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (p50, p99) = p50_p99(times);
    Ok((p50, p99, last))
}

pub fn run(plan: &Plan) -> BoxResult<()> {
    let dir = tempfile::tempdir()?;
    let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002")?;
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).ok_or_else(|| anyhow::anyhow!("date"))?;
    let inputs: Vec<NewTaskInput> = (0..plan.tasks)
        .map(|i| NewTaskInput {
            title: format!(
                "Tugas {} – verifikasi data penerima bantuan sosial desa",
                i + 1
            ),
            due: Some(((today - Days::new(30)) + Days::new(i % 60)).to_string()),
            ..Default::default()
        })
        .collect();
    p.add_tasks(&inputs)?;
    let day = today.to_string();
    let (v50, v99, view) = time(plan.samples, || Ok(p.beranda(Some(&day), 3)?))?;
    let view_bytes = serde_json::to_vec(&view)?.len();
    let all = TaskQuery {
        mine: true,
        ..Default::default()
    };
    let (a50, a99, rows) = time(plan.samples, || Ok(p.query_tasks(&all)?))?;
    let all_bytes = serde_json::to_vec(&rows)?.len();
    println!("tasks of mine (unfinished): {}", plan.tasks);
    println!(
        "beranda view (3 counts + first 3 of each): p50 {v50:.2} ms, p99 {v99:.2} ms, {view_bytes} bytes of JSON"
    );
    println!(
        "all my tasks (the old Beranda's list):     p50 {a50:.2} ms, p99 {a99:.2} ms, {all_bytes} bytes of JSON, {} rows",
        rows.len()
    );

    // Unseen news: a colleague assigns me `NEWS` tasks, then comments on each; both
    // pulled after my first complete sync (the seen marker).
    const NEWS: usize = 100;
    let other_dir = tempfile::tempdir()?;
    let mut budi = Profile::init(other_dir.path(), "Budi Santoso", "199001012015012001")?;
    // A second connection to my profile's file stands in for the sync that applies them.
    let mut mine = Store::open(&dir.path().join(luring_client::DB_FILE))?;
    let pull = |from: &Profile, to: &mut Store| -> BoxResult<()> {
        let changes: Vec<InChange> = (from.store().outbox(usize::MAX)?.into_iter())
            .map(|c| InChange {
                entity: c.entity,
                kind: c.kind,
                bytes: c.bytes,
            })
            .collect();
        to.apply_remote(&changes, &[], &[], &[], &[])?;
        Ok(())
    };
    mine.apply_remote(&[], &[], &[], &[], &[(MetaKey::NewsSeen, "0".into())])?;
    let given: Vec<NewTaskInput> = (0..NEWS)
        .map(|i| NewTaskInput {
            title: format!("Tugas dari Budi {i}"),
            assignees: vec!["198703122010011002".into()],
            ..Default::default()
        })
        .collect();
    let ids = budi.add_tasks(&given)?;
    pull(&budi, &mut mine)?;
    for id in &ids {
        budi.comment_task(id, "Mohon dicek.")?;
    }
    pull(&budi, &mut mine)?;
    let (n50, n99, news) = time(plan.samples, || Ok(p.news(3)?))?;
    let (w50, w99, view) = time(plan.samples, || Ok(p.beranda(Some(&day), 3)?))?;
    println!(
        "news alone ({} assigned, {} commented, unseen):  p50 {n50:.2} ms, p99 {n99:.2} ms",
        news.assigned, news.comments
    );
    println!(
        "beranda view with that news:               p50 {w50:.2} ms, p99 {w99:.2} ms, {} bytes of JSON",
        serde_json::to_vec(&view)?.len()
    );
    Ok(())
}
