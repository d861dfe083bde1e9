//! `luring-bench saves`: what one editor save costs as the device's approval history grows.
//! A save checks that the letter is not frozen and answers with its status, both of which
//! read the letter's approval requests; this times `set_document_body` (the editor's
//! save, `splice_document_body`, without splices), one typed key appended at a time, on a
//! device holding N requests for other letters, to show that the save no longer grows with
//! them. Beside it, the two lists
//! Beranda also loads whole (every approval request, every document with its status),
//! which do grow with the history.

use luring_client::{NewDocInput, Profile};
use luring_store::MetaKey;

use crate::measure::p50_p99;
use crate::BoxResult;

/// Timed runs of each whole list.
const LISTS: usize = 10;

pub struct Plan {
    /// Request counts to measure at, ascending.
    pub requests: Vec<u64>,
    pub samples: u64,
}

pub fn run(plan: &Plan) -> BoxResult<()> {
    let dir = tempfile::tempdir()?;
    let mut p = Profile::init(dir.path(), "Ani Lestari", "198703122010011002")?;
    // Requests need the agency's key on the device (a login stores it); any key will do
    // here, nothing is sent.
    p.store().put(MetaKey::AgencyKey, &"11".repeat(32))?;
    let supervisor = ["198211032008012004".to_owned()];
    let mut held = 0;
    println!(
        "requests held | save p50 | save p99 | list_approvals p50 | list_documents p50 \
         (ms; {} saves, {LISTS} lists)",
        plan.samples
    );
    for &n in &plan.requests {
        while held < n {
            let doc = p.new_document(&NewDocInput {
                title: format!("Nota dinas {held} tentang rapat koordinasi"),
                body: "Dengan hormat, mohon persetujuan.".into(),
                ..Default::default()
            })?;
            p.request_approval(&doc, &supervisor)?;
            held += 1;
        }
        let doc = p.new_document(&NewDocInput {
            title: format!("Konsep yang diketik ({n})"),
            ..Default::default()
        })?;
        let mut body = String::new();
        let mut times = Vec::new();
        for k in 0..plan.samples {
            body.push(char::from(b'a' + (k % 26) as u8));
            let t = std::time::Instant::now();
            p.set_document_body(&doc, &body)?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (p50, p99) = p50_p99(times);
        let timed = |f: &mut dyn FnMut() -> BoxResult<()>| -> BoxResult<f64> {
            let mut v = Vec::new();
            for _ in 0..LISTS {
                let t = std::time::Instant::now();
                f()?;
                v.push(t.elapsed().as_secs_f64() * 1e3);
            }
            Ok(p50_p99(v).0)
        };
        let approvals = timed(&mut || {
            p.list_approvals()?;
            Ok(())
        })?;
        let documents = timed(&mut || {
            p.list_documents(None)?;
            Ok(())
        })?;
        println!("{n:>13} | {p50:>8.2} | {p99:>8.2} | {approvals:>18.2} | {documents:>18.2}");
    }
    Ok(())
}
