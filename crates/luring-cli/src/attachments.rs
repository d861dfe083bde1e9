//! The attachment commands (`doc attach`, `doc attachments`, `doc fetch`), the "hemat
//! data" setting, and the attachment step after `luring sync`: printing and progress
//! around `luring-client`'s attachment transfer, kept apart from `commands.rs` so each
//! concern reads on its own.

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use luring_client::{AttachmentView, Profile, SyncReport, TransferProgress, TransferReport};
use serde_json::json;

use crate::args::{AttachCmd, OnOff, SettingsCmd};
use crate::output;

/// A progress line on standard error, rewritten in place (standard output stays clean for
/// `--json`).
fn progress_line() -> impl FnMut(TransferProgress<'_>) {
    let mut last_pct = u64::MAX;
    move |p: TransferProgress<'_>| {
        let pct = (p.done * 100).checked_div(p.total).unwrap_or(100);
        if pct == last_pct {
            return;
        }
        last_pct = pct;
        let what = if p.upload { "Mengunggah" } else { "Mengunduh" };
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r{what} lampiran {}…: {} / {} KB ({pct}%)",
            &p.hash[..12.min(p.hash.len())],
            p.done / 1000,
            p.total / 1000
        );
        if p.done >= p.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

fn list(views: &[AttachmentView]) {
    if views.is_empty() {
        println!("(no attachments)");
    }
    for v in views {
        let size = if v.bytes > 0 {
            format!("{} KB", v.bytes.div_ceil(1000))
        } else {
            "-".into()
        };
        println!("{}  {:>10}  {}", v.hash, size, v.name);
    }
}

fn transfer_summary(r: &TransferReport) {
    if !r.uploaded.is_empty() || !r.downloaded.is_empty() {
        println!(
            "attachments: {} uploaded, {} downloaded ({} bytes up, {} down, {} sent again)",
            r.uploaded.len(),
            r.downloaded.len(),
            r.bytes_up,
            r.bytes_down,
            r.resent_bytes
        );
    }
    for w in &r.waiting {
        println!(
            "attachment {} waits: {}",
            &w.hash[..12.min(w.hash.len())],
            w.reason
        );
    }
}

pub fn run(p: &mut Profile, cmd: AttachCmd) -> anyhow::Result<()> {
    match cmd {
        AttachCmd::Attach { id, file, json } => {
            let l = p.attach_file(&id, &file)?;
            output::show(json.json, l.as_slice(), list);
        }
        AttachCmd::Attachments { id, json } => {
            let l = p.list_attachments(&id)?;
            output::show(json.json, l.as_slice(), list);
        }
        AttachCmd::Fetch {
            id,
            hash,
            out,
            json,
        } => fetch(p, &id, &hash, out, json.json)?,
    }
    Ok(())
}

fn fetch(
    p: &mut Profile,
    id: &str,
    hash: &str,
    out: Option<PathBuf>,
    json_wanted: bool,
) -> anyhow::Result<()> {
    let mut progress = progress_line();
    let (view, report) = p.fetch_attachment(id, hash, out.as_deref(), &mut progress)?;
    if json_wanted {
        output::json(&json!({ "attachment": view, "transfer": report }));
    } else {
        match &out {
            Some(o) => println!(
                "{} ({} bytes) written to {}",
                view.name,
                view.bytes,
                o.display()
            ),
            None => println!("{} ({} bytes) is on this device", view.name, view.bytes),
        }
    }
    Ok(())
}

pub fn settings(p: &mut Profile, cmd: SettingsCmd) -> anyhow::Result<()> {
    match cmd {
        SettingsCmd::HematData { value: Some(v) } => {
            p.set_hemat_data(matches!(v, OnOff::On))?;
            println!("{}", hemat_sentence(p.hemat_data()?));
        }
        SettingsCmd::HematData { value: None } | SettingsCmd::Show => {
            println!("{}", hemat_sentence(p.hemat_data()?));
        }
    }
    Ok(())
}

fn hemat_sentence(on: bool) -> &'static str {
    if on {
        "hemat data: on (a colleague's attachment downloads only when you open it)"
    } else {
        "hemat data: off (colleagues' attachments download after every sync)"
    }
}

/// `luring sync`: the sync rounds are done (`r`); now the attachments travel.
pub fn after_sync(p: &mut Profile, r: &SyncReport, json_wanted: bool) -> anyhow::Result<()> {
    let mut progress = progress_line();
    match p.transfer_attachments(&mut progress) {
        Ok(a) => {
            if json_wanted {
                let mut v = serde_json::to_value(r)?;
                v["attachments"] = serde_json::to_value(&a)?;
                output::json(&v);
            } else {
                output::sync_report(r);
                transfer_summary(&a);
            }
            Ok(())
        }
        Err(e) => {
            output::show(json_wanted, r, output::sync_report);
            bail!(
                "changes are synced, but the attachments did not finish ({e}); run `luring sync` again to resume"
            )
        }
    }
}
