//! Beranda for one day: my unfinished tasks in three buckets (Lewat tenggat, Hari ini,
//! Minggu ini) as counts plus the first few of each, so the screen stays one screen and
//! one quick query whether a person has 5 tasks or 5,000. "Lihat semua" lists a whole
//! bucket through [`crate::TaskQuery::due`], with the same rule.
//!
//! Mine means what [`luring_store::TaskFilter::owner`] says: assigned to me, or made by me
//! with no assignee (a note to oneself is one's own task, also when it came from an older
//! client that left the assignee list empty).
//!
//! Beside the buckets, what is new since I last looked ([`news`]).

use chrono::{Datelike, Days};
use luring_model::Date;
use luring_store::{TaskFilter, TaskRow};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::profile::Profile;

pub mod news;
pub use news::{NewsItem, NewsKind, NewsView};

/// One of Beranda's task buckets, counted from a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DueBucket {
    /// Due before today (Lewat tenggat).
    Overdue,
    /// Due today (Hari ini).
    Today,
    /// Due after today, up to this week's Sunday (Minggu ini).
    ThisWeek,
}

/// A bucket as Beranda shows it: how many, and the first few by due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BucketView {
    pub count: u64,
    pub first: Vec<TaskRow>,
}

/// `luring-client`'s view of one day: never more rows than asked for per bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BerandaView {
    /// The day the buckets are counted from (`YYYY-MM-DD`).
    pub today: String,
    pub overdue: BucketView,
    pub due_today: BucketView,
    pub this_week: BucketView,
    /// My other unfinished tasks: due after this week, or with no due date.
    pub later: u64,
    /// What arrived for me since I last marked it seen ("Baru sejak terakhir Anda lihat").
    pub news: NewsView,
}

/// The day the window means by "today": its own local date when it sends one (the
/// person's time zone, WIB/WITA/WIT), else this machine's.
pub(crate) fn today_or_local(today: Option<&str>) -> Result<Date> {
    match today {
        Some(d) => Ok(Date::parse(d)?),
        None => Ok(Date::from_naive(chrono::Local::now().date_naive())),
    }
}

/// The inclusive due-date range of `bucket` seen from `today` (`None`: open end).
fn range(bucket: DueBucket, today: Date) -> (Option<String>, Option<String>) {
    let d = today.naive();
    let day = |n: chrono::NaiveDate| Some(Date::from_naive(n).to_string());
    match bucket {
        DueBucket::Overdue => (None, d.pred_opt().and_then(day)),
        DueBucket::Today => (day(d), day(d)),
        DueBucket::ThisWeek => {
            let to_sunday = 6 - u64::from(d.weekday().num_days_from_monday());
            (
                d.succ_opt().and_then(day),
                d.checked_add_days(Days::new(to_sunday)).and_then(day),
            )
        }
    }
}

/// My unfinished tasks in `bucket` seen from `today` (no limit).
pub(crate) fn bucket_filter(nip: &str, bucket: DueBucket, today: Date) -> TaskFilter {
    let (due_from, due_to) = range(bucket, today);
    TaskFilter {
        owner: Some(nip.to_owned()),
        open_only: true,
        due_from,
        due_to,
        ..Default::default()
    }
}

impl Profile {
    /// Beranda's tasks for `today` (the window's local date; `None`: this machine's):
    /// each bucket's count and its first `first` tasks, soonest due first; and what is new
    /// since I last looked, with its newest `first` items ([`Profile::news`]).
    pub fn beranda(&self, today: Option<&str>, first: u32) -> Result<BerandaView> {
        let today = today_or_local(today)?;
        let bucket = |b: DueBucket| -> Result<BucketView> {
            let f = bucket_filter(self.nip(), b, today);
            let count = self.store().count_tasks(&f)?;
            let first = self.store().list_tasks(&TaskFilter {
                limit: Some(first),
                ..f
            })?;
            Ok(BucketView { count, first })
        };
        let mine = TaskFilter {
            owner: Some(self.nip().to_owned()),
            open_only: true,
            ..Default::default()
        };
        let overdue = bucket(DueBucket::Overdue)?;
        let due_today = bucket(DueBucket::Today)?;
        let this_week = bucket(DueBucket::ThisWeek)?;
        let all = self.store().count_tasks(&mine)?;
        let later = all.saturating_sub(overdue.count + due_today.count + this_week.count);
        Ok(BerandaView {
            today: today.to_string(),
            overdue,
            due_today,
            this_week,
            later,
            news: self.news(first)?,
        })
    }
}

#[cfg(test)]
mod tests;
