//! Typing into a 30-page letter at a steady 10 characters a second (issue 15 item 8): every
//! key shows and is stored, in order, where it was typed, and the store keeps only the
//! typed characters (not 84 KB retyped per save). The page records, for each input, how
//! long until the next paint, and how long after the last key the saves caught up; the test prints those
//! figures (docs/BENCHMARKS.md quotes them) and asserts what was typed, not the time.

use std::time::{Duration, Instant};

use luring_client::{NewDocInput, Profile};
use luring_desktop_e2e::{Driver, WAIT};
use luring_testkit::Luring;

use super::{body_elements, tempdir, typed_since};

const NIP: &str = "198703122010011002";

/// About 30 printed pages: 30 × 40 lines of ~70 characters, numbered so that no two lines
/// are alike (a diff cannot "find" the typed text elsewhere).
fn thirty_pages() -> String {
    let mut s = String::new();
    for page in 1..=30 {
        for line in 1..=40 {
            s.push_str(&format!(
                "Hal. {page:02} baris {line:02}: pendataan keluarga penerima manfaat Desa Oelnasi, Kupang.\n"
            ));
        }
    }
    s
}

/// Nearest-rank percentile of sorted `v`.
fn pct(v: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[i.clamp(1, v.len()) - 1]
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_ten_characters_a_second_into_thirty_pages_keeps_every_key() {
    let root = tempdir();
    let ani = Luring::init(root.path(), "ani", NIP);
    let body = thirty_pages();
    let doc_id = {
        let mut p = Profile::open(&ani.dir).unwrap();
        p.new_document(&NewDocInput {
            title: "Laporan pendataan 30 halaman".into(),
            body: body.clone(),
            ..Default::default()
        })
        .unwrap()
    };
    assert!(body.len() > 80_000, "not 30 pages: {} bytes", body.len());

    let driver = Driver::start();
    let app = driver.launch(&ani.dir).await;
    app.el("#app-main").await;
    app.nav("naskah").await;
    app.click(&format!("[data-doc-id=\"{doc_id}\"]")).await;
    let editor = app.el("#doc-editor").await;
    let shown = editor.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(
        shown.len(),
        body.len(),
        "the editor did not load the whole letter"
    );

    // The caret at the start of page 15, and a recorder in the page: when each input came,
    // when the next frame was painted after it, and when the save state went back to saved.
    let at = body.find("Hal. 15 baris 01").unwrap();
    let at_chars = body[..at].chars().count();
    app.c
        .execute(
            &format!(
                "const a = document.querySelector('#doc-editor');
                 a.focus(); a.setSelectionRange({at_chars}, {at_chars});
                 window.__typing = {{ input: [], paint: [], saved: [] }};
                 a.addEventListener('input', () => {{
                   const t = performance.now();
                   window.__typing.input.push(t);
                   requestAnimationFrame(() => window.__typing.paint.push(performance.now() - t));
                 }});
                 const s = document.querySelector('[data-testid=\"save-state\"]');
                 new MutationObserver(() => {{
                   if (s.getAttribute('data-state') === 'saved') window.__typing.saved.push(performance.now());
                 }}).observe(s, {{ attributes: true, attributeFilter: ['data-state'] }});"
            ),
            vec![],
        )
        .await
        .unwrap();
    let (heads, _) = body_elements(&ani.dir, &doc_id);

    // A sentence typed one key every 100 ms, as a steady typist does.
    let typed = "Tambahan: warga meminta jadwal posyandu dipindah ke Sabtu pagi. ";
    let start = Instant::now();
    let mut behind = Duration::ZERO;
    for (i, ch) in typed.chars().enumerate() {
        let due = start + Duration::from_millis(100 * i as u64);
        let now = Instant::now();
        if now < due {
            tokio::time::sleep(due - now).await;
        } else {
            behind = behind.max(now - due);
        }
        editor.send_keys(&ch.to_string()).await.unwrap();
    }
    app.wait_attr("[data-testid=\"save-state\"]", "data-state", "saved", WAIT)
        .await;

    // What the window shows and what the store holds: the sentence at the caret, once.
    let want = format!("{}{typed}{}", &body[..at], &body[at..]);
    let value = editor.prop("value").await.unwrap().unwrap_or_default();
    assert!(value == want, "the editor lost or moved keys while typing");
    let stored = Profile::open(&ani.dir)
        .unwrap()
        .show_document(&doc_id)
        .unwrap()
        .body;
    assert!(stored == want, "the store does not hold what was typed");
    let (inserted, deleted) = typed_since(&ani.dir, &doc_id, &heads);
    let text: String = inserted.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        (text.as_str(), deleted),
        (typed, 0),
        "the saves stored more than the typed keys"
    );

    // Measured, not asserted: input to paint, and input to the end of the save after it.
    let rec = app
        .c
        .execute("return window.__typing", vec![])
        .await
        .unwrap();
    let nums = |k: &str| -> Vec<f64> {
        rec[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (inputs, mut paint, saved) = (nums("input"), nums("paint"), nums("saved"));
    assert_eq!(
        inputs.len(),
        typed.chars().count(),
        "an input event per key"
    );
    // The saver keeps one save in flight and sends the newest text when it returns, so the
    // state stays "saving" while keys come; how far the saves lag shows at the last key.
    let last_to_saved = saved.last().unwrap() - inputs.last().unwrap();
    let saves = {
        let store = luring_store::Store::open(&ani.dir.join("luring.db")).unwrap();
        store.entity_doc(&doc_id).unwrap().get_changes(&heads).len()
    };
    paint.sort_by(f64::total_cmp);
    println!(
        "BENCH typing-30-pages: {} keys at 10/s into {} KB; key to paint p50 {:.0} ms p95 {:.0} ms max {:.0} ms; last key to saved {:.0} ms; {} saves stored; most behind schedule {} ms",
        inputs.len(),
        body.len() / 1024,
        pct(&paint, 50.0),
        pct(&paint, 95.0),
        pct(&paint, 100.0),
        last_to_saved,
        saves,
        behind.as_millis()
    );
    app.screenshot("33-naskah-30-halaman").await;
    app.close().await;
}
