use luring_model::{EntityId, Nip, TaskPatch, TaskStatus};

use super::*;
use crate::tasks::{NewTaskInput, TaskQuery};

const ANI: &str = "198703122010011002";
const BUDI: &str = "199001012015012001";

/// A task written straight into the store, as a sync or an older client could bring it:
/// made by `by`, assigned to `to` (possibly nobody).
fn stored(p: &mut Profile, title: &str, due: Option<&str>, by: &str, to: &[&str]) -> String {
    let id = crate::ids::new_id("t");
    let mut t = NewTaskInput {
        title: title.into(),
        due: due.map(Into::into),
        ..Default::default()
    }
    .to_new_task(EntityId::parse(&id).unwrap(), &Nip::parse(by).unwrap())
    .unwrap();
    t.assignees = to.iter().map(|n| Nip::parse(n).unwrap()).collect();
    p.store_mut().create_tasks(&[t]).unwrap();
    id
}

fn titles(rows: &[TaskRow]) -> Vec<&str> {
    rows.iter().map(|r| r.title.as_str()).collect()
}

/// Wednesday 2 December 2026: the week runs to Sunday the 6th.
const TODAY: &str = "2026-12-02";

fn day() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn buckets_count_everything_and_list_only_the_first_few() {
    let dir = day();
    let mut p = Profile::init(dir.path(), "Ani Lestari", ANI).unwrap();
    for d in 20..=24 {
        stored(
            &mut p,
            &format!("Lewat {d}"),
            Some(&format!("2026-11-{d}")),
            ANI,
            &[ANI],
        );
    }
    let done = stored(&mut p, "Lewat selesai", Some("2026-11-19"), ANI, &[ANI]);
    p.store_mut()
        .update_task(&done, |d| {
            luring_crdt::patch_task(
                d,
                &TaskPatch {
                    status: Some(TaskStatus::Selesai),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    stored(&mut p, "Hari ini", Some(TODAY), ANI, &[ANI]);
    stored(&mut p, "Minggu", Some("2026-12-06"), ANI, &[ANI]);
    stored(&mut p, "Kamis", Some("2026-12-03"), ANI, &[ANI]);
    stored(&mut p, "Senin depan", Some("2026-12-07"), ANI, &[ANI]);
    stored(&mut p, "Tanpa tenggat", None, ANI, &[ANI]);

    let v = p.beranda(Some(TODAY), 3).unwrap();
    assert_eq!(v.today, TODAY);
    assert_eq!(v.overdue.count, 5, "the finished one is not overdue");
    assert_eq!(
        titles(&v.overdue.first),
        ["Lewat 20", "Lewat 21", "Lewat 22"]
    );
    assert_eq!(v.due_today.count, 1);
    assert_eq!(titles(&v.due_today.first), ["Hari ini"]);
    assert_eq!(v.this_week.count, 2);
    assert_eq!(titles(&v.this_week.first), ["Kamis", "Minggu"]);
    assert_eq!(v.later, 2, "next Monday and the one with no due date");

    // "Lihat semua": the whole bucket, by the same rule.
    let all = p
        .query_tasks(&TaskQuery {
            due: Some(DueBucket::Overdue),
            today: Some(TODAY.into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].title, "Lewat 24");
    // On a Sunday, the week is over: nothing is left in it but today.
    let sunday = p.beranda(Some("2026-12-06"), 3).unwrap();
    assert_eq!(sunday.this_week.count, 0);
    assert_eq!(titles(&sunday.due_today.first), ["Minggu"]);
    assert!(
        p.beranda(Some("06/12/2026"), 3).is_err(),
        "a day is YYYY-MM-DD"
    );
}

/// A task I made with nobody assigned is mine; one someone else made with nobody assigned,
/// or one I gave to someone else, is not.
#[test]
fn a_task_i_made_without_an_assignee_counts_as_mine() {
    let dir = day();
    let mut p = Profile::init(dir.path(), "Ani Lestari", ANI).unwrap();
    stored(&mut p, "Catatan saya", Some(TODAY), ANI, &[]);
    stored(&mut p, "Catatan Budi", Some(TODAY), BUDI, &[]);
    stored(&mut p, "Untuk Budi", Some(TODAY), ANI, &[BUDI]);
    stored(&mut p, "Dari Budi", Some(TODAY), BUDI, &[ANI]);

    let v = p.beranda(Some(TODAY), 10).unwrap();
    assert_eq!(v.due_today.count, 2);
    assert_eq!(titles(&v.due_today.first).len(), 2);
    let mut got = titles(&v.due_today.first);
    got.sort();
    assert_eq!(got, ["Catatan saya", "Dari Budi"]);

    // Tugas's "only mine" filter follows the same rule.
    let mut mine: Vec<String> = p
        .query_tasks(&TaskQuery {
            mine: true,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect();
    mine.sort();
    assert_eq!(mine, ["Catatan saya", "Dari Budi"]);
}
