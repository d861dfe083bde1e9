//! Synthetic but realistic Indonesian office text: task titles, naskah dinas titles and
//! bodies, NIPs and dates. A store filled with "lorem ipsum" would index a handful of
//! distinct words and make full-text search look faster than it will be in an agency, so
//! the words, their spread and the body lengths follow what civil servants actually write.
//! Everything is drawn from a seeded generator: the same seed gives the same store.

use chrono::{Days, NaiveDate};
use luring_model::{Date, Nip};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use crate::words::{CONTEXTS, DAYS, DOC_KINDS, OBJECTS, PLACES, REQUESTS, TOPICS, UNITS, VERBS};

/// First day of the year over which due dates are spread.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date")
}

/// A day of 2026, uniformly.
pub fn date_in_year(rng: &mut StdRng) -> Date {
    let d = epoch() + Days::new(rng.random_range(0..365));
    Date::from_naive(d)
}

fn spoken_date(rng: &mut StdRng) -> String {
    let d = date_in_year(rng).naive();
    const MONTHS: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs.choose(rng).copied().unwrap_or_default()
}

/// An 18-digit NIP shaped like a real one: birth date, appointment month, sex, serial.
pub fn nip(rng: &mut StdRng) -> Nip {
    let s = format!(
        "{:04}{:02}{:02}{:04}{:02}{}{:03}",
        rng.random_range(1965..2000),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(1990..2024),
        rng.random_range(1..=12),
        rng.random_range(1..=2),
        rng.random_range(1..1000),
    );
    Nip::parse(&s).expect("18 digits")
}

pub fn task_title(rng: &mut StdRng) -> String {
    let (v, o, c) = (pick(rng, VERBS), pick(rng, OBJECTS), pick(rng, CONTEXTS));
    format!("{v} {o} {c}")
}

/// A short description, empty for about a third of tasks (as in real use).
pub fn task_description(rng: &mut StdRng) -> String {
    if rng.random_bool(0.35) {
        return String::new();
    }
    format!(
        "Mohon {} terkait {} di {}. Batas waktu {}.",
        pick(rng, REQUESTS),
        pick(rng, TOPICS),
        pick(rng, PLACES),
        spoken_date(rng)
    )
}

pub fn doc_title(rng: &mut StdRng) -> String {
    let (k, t, p) = (pick(rng, DOC_KINDS), pick(rng, TOPICS), pick(rng, PLACES));
    format!("{k} {} di Kecamatan {p}", capitalise(t))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn sentence(rng: &mut StdRng) -> String {
    match rng.random_range(0..6) {
        0 => format!(
            "Sehubungan dengan {}, bersama ini kami sampaikan bahwa setiap {} diminta {}.",
            pick(rng, TOPICS),
            pick(rng, UNITS),
            pick(rng, REQUESTS)
        ),
        1 => format!(
            "Berdasarkan Peraturan Bupati Nomor {} Tahun {}, {} wajib menyampaikan {} paling lambat tanggal {}.",
            rng.random_range(1..60),
            rng.random_range(2015..2026),
            pick(rng, UNITS),
            pick(rng, OBJECTS),
            spoken_date(rng)
        ),
        2 => format!(
            "Kegiatan tersebut dilaksanakan pada hari {}, {}, pukul {:02}.00 WIB, bertempat di Aula Kantor Kecamatan {}.",
            pick(rng, DAYS),
            spoken_date(rng),
            rng.random_range(8..15),
            pick(rng, PLACES)
        ),
        3 => format!(
            "Realisasi anggaran {} sampai dengan bulan ini mencapai {},{} persen dari pagu yang ditetapkan.",
            pick(rng, CONTEXTS),
            rng.random_range(10..99),
            rng.random_range(0..10)
        ),
        4 => format!(
            "Hasil rapat koordinasi menyepakati bahwa {} perlu diperbaiki sebelum diajukan kepada pimpinan.",
            pick(rng, OBJECTS)
        ),
        _ => format!(
            "Untuk itu dimohon Bapak/Ibu dapat {}, mengingat pentingnya {}.",
            pick(rng, REQUESTS),
            pick(rng, TOPICS)
        ),
    }
}

/// A paragraph of `sentences` office sentences (no trailing blank line).
pub fn paragraph(rng: &mut StdRng, sentences: usize) -> String {
    (0..sentences.max(1))
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short remark on a task, as a colleague would leave it.
pub fn comment(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => format!(
            "Sudah saya koreksi bagian {}, mohon dicek kembali.",
            pick(rng, OBJECTS)
        ),
        1 => format!(
            "Menunggu data dari {} sebelum dilanjutkan.",
            pick(rng, UNITS)
        ),
        2 => format!(
            "Draf sudah dikirim ke pimpinan pada hari {}.",
            pick(rng, DAYS)
        ),
        _ => format!(
            "Mohon {} paling lambat {}.",
            pick(rng, REQUESTS),
            spoken_date(rng)
        ),
    }
}

/// A body of `min..max` bytes (give or take a sentence): paragraphs of office sentences
/// and the customary closing line.
pub fn doc_body(rng: &mut StdRng, min: usize, max: usize) -> String {
    let target = rng.random_range(min..max);
    let closing = "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.";
    let mut body = String::with_capacity(target + 300);
    let mut left_in_paragraph = rng.random_range(2..5);
    while body.len() + closing.len() < target {
        body.push_str(&sentence(rng));
        left_in_paragraph -= 1;
        if left_in_paragraph == 0 {
            body.push_str("\n\n");
            left_in_paragraph = rng.random_range(2..5);
        } else {
            body.push(' ');
        }
    }
    body.push_str(closing);
    body
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn bodies_are_in_range_and_nips_valid() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..50 {
            let b = doc_body(&mut rng, 1000, 2800);
            assert!((1000..3100).contains(&b.len()), "{}", b.len());
            assert_eq!(nip(&mut rng).as_str().len(), 18);
        }
    }
}
