//! One arm per command: parse, call `luring-client`, print.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use luring_client::{LoginOptions, NewDocInput, NewTaskInput, Profile, TaskChanges};
use serde_json::json;

use crate::args::{ApprovalCmd, BundleCmd, Cli, Command, DocCmd, KeyCmd, TaskCmd};
use crate::output;

fn profile_dir(p: &Option<PathBuf>) -> anyhow::Result<&Path> {
    p.as_deref().ok_or_else(|| {
        anyhow!("give the profile folder with --profile DIR or the LURING_PROFILE variable")
    })
}

fn open(p: &Option<PathBuf>) -> anyhow::Result<Profile> {
    let p = Profile::open(profile_dir(p)?)?;
    for fixed in p.access_fixes() {
        eprintln!("luring: {fixed}");
    }
    Ok(p)
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| anyhow!("cannot read the password from standard input: {e}"))?;
    let s = s.trim_end_matches(['\n', '\r']).to_owned();
    if s.is_empty() {
        bail!("the password on standard input is empty");
    }
    Ok(s)
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let mut s = String::new();
    let r = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut s)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut s))
    };
    match r {
        Ok(_) => Ok(s),
        Err(e) => {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "the file does not exist".to_owned(),
                std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                _ if path.is_dir() => "it is a folder, not a file".to_owned(),
                _ => e.to_string(),
            };
            bail!("cannot read {}: {reason}", path.display())
        }
    }
}

pub fn run(mut cli: Cli) -> anyhow::Result<()> {
    // Read here rather than by clap, so that an empty variable counts as unset instead of
    // blocking an explicit --profile.
    if cli.profile.is_none() {
        cli.profile = std::env::var_os("LURING_PROFILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
    }
    match cli.command {
        Command::Init { name, nip } => {
            let dir = profile_dir(&cli.profile)?;
            let p = Profile::init(dir, &name, &nip)?;
            println!(
                "Profile for {name} ({}) created in {}",
                p.nip(),
                dir.display()
            );
        }
        Command::Status(j) => {
            let s = open(&cli.profile)?.status()?;
            if j.json {
                output::json(&s);
            } else {
                println!("{} ({})", s.name, s.nip);
                println!("tasks: {}  documents: {}", s.tasks, s.documents);
                println!("changes waiting to be sent: {}", s.pending_changes);
                if let Some(server) = &s.server {
                    println!(
                        "server: {server} (unit {}), last sync: {}",
                        s.unit.as_deref().unwrap_or("-"),
                        s.last_sync.as_deref().unwrap_or("never")
                    );
                }
                for r in &s.rejected {
                    println!(
                        "refused by the server ({}, {}): {}",
                        r.entity, r.code, r.reason
                    );
                }
            }
        }
        Command::Login {
            server,
            nip,
            passphrase_stdin,
            ca_file,
            allow_insecure_http,
            ..
        } => {
            let dir = profile_dir(&cli.profile)?;
            // Said before the password is typed, not after.
            luring_client::check_server_url(&server, allow_insecure_http)?;
            let (password, passphrase) = if passphrase_stdin {
                let all = read_password()?;
                let mut lines = all.lines();
                let password = lines.next().unwrap_or_default().to_owned();
                let passphrase = lines.next().map(str::to_owned).filter(|p| !p.is_empty());
                if passphrase.is_none() {
                    bail!("--passphrase-stdin: give the signing passphrase on the line after the password");
                }
                (password, passphrase)
            } else {
                (read_password()?, None)
            };
            let opts = LoginOptions {
                ca_file,
                allow_insecure_http,
                passphrase,
                ..LoginOptions::default()
            };
            let p = Profile::login(dir, &server, &nip, &password, &opts)?;
            let s = p.status()?;
            println!(
                "Logged in as {} ({}), unit {}",
                s.name,
                s.nip,
                s.unit.as_deref().unwrap_or("-")
            );
        }
        Command::Approval(a) => approval(&cli.profile, a)?,
        Command::Verify {
            file,
            agency_key,
            allow_pending,
            json,
        } => {
            let v =
                luring_client::evidence::verify_file(&file, agency_key.as_deref(), allow_pending)?;
            output::show(json.json, &v, output::verification);
            if !v.all_pass {
                bail!(
                    "verification FAILED: {} of {} conditions not met",
                    v.checks.iter().filter(|c| !c.pass).count(),
                    v.checks.len()
                );
            }
        }
        Command::Key(KeyCmd::SetPassphrase { .. }) => {
            let mut p = open(&cli.profile)?;
            let pass = read_password()?;
            p.set_passphrase(&pass)?;
            println!("Signing passphrase set; it will be asked at every signature");
        }
        Command::Sync {
            watch,
            interval,
            budget_bytes,
            retries,
            json,
        } => {
            let mut p = open(&cli.profile)?;
            let how = crate::watch::How {
                budget_bytes,
                retries,
                json: json.json,
            };
            if watch {
                crate::watch::run(&mut p, interval, &how)?;
            } else {
                let r = crate::watch::sync_once(&mut p, &how)?;
                // Attachments travel after everything else.
                crate::attachments::after_sync(&mut p, &r, json.json)?;
            }
        }
        Command::Task(t) => task(&cli.profile, t)?,
        Command::Doc(DocCmd::Attachment(a)) => {
            crate::attachments::run(&mut open(&cli.profile)?, a)?
        }
        Command::Doc(d) => doc(&cli.profile, d)?,
        Command::Settings(s) => crate::attachments::settings(&mut open(&cli.profile)?, s)?,
        Command::Bundle(b) => bundle(&cli.profile, b)?,
    }
    Ok(())
}

fn task(profile: &Option<PathBuf>, cmd: TaskCmd) -> anyhow::Result<()> {
    let mut p = open(profile)?;
    match cmd {
        TaskCmd::Add {
            title,
            due,
            assignee,
            description,
            json,
        } => {
            let id = p.add_task(&NewTaskInput {
                title,
                description,
                due,
                assignees: assignee,
            })?;
            if json.json {
                output::json(&json!({ "id": id }));
            } else {
                println!("{id}");
            }
        }
        // --assignee and --limit are refused with --given-by-me by the parser.
        TaskCmd::List {
            status,
            given_by_me: true,
            json,
            ..
        } => {
            let rows = p.query_tasks(&luring_client::TaskQuery {
                status,
                given_by_me: true,
                ..Default::default()
            })?;
            output::show(json.json, rows.as_slice(), output::task_rows);
        }
        TaskCmd::List {
            status,
            assignee,
            limit,
            json,
            ..
        } => {
            let rows = p.list_tasks(status.as_deref(), assignee.as_deref(), limit)?;
            output::show(json.json, rows.as_slice(), output::task_rows);
        }
        TaskCmd::Show { id, json } => {
            let t = p.show_task(&id)?;
            output::show(json.json, &t, output::task);
        }
        TaskCmd::Set {
            id,
            status,
            title,
            due,
            assignee,
            json,
        } => {
            let t = p.set_task(
                &id,
                &TaskChanges {
                    title,
                    status,
                    due,
                    add_assignees: assignee,
                    ..Default::default()
                },
            )?;
            if json.json {
                output::json(&t);
            } else {
                println!("Task {} updated: [{}] {}", t.id, t.status, t.title);
            }
        }
        TaskCmd::Comment { id, text, json } => {
            let t = p.comment_task(&id, &text)?;
            if json.json {
                output::json(&t);
            } else {
                println!("Comment added to task {}", t.id);
            }
        }
        TaskCmd::EditComment {
            id,
            comment_id,
            text,
            json,
        } => {
            let t = p.edit_comment(&id, &comment_id, &text)?;
            if json.json {
                output::json(&t);
            } else {
                println!("Comment {comment_id} edited on task {}", t.id);
            }
        }
    }
    Ok(())
}

fn doc(profile: &Option<PathBuf>, cmd: DocCmd) -> anyhow::Result<()> {
    let mut p = open(profile)?;
    match cmd {
        DocCmd::New {
            title,
            kind,
            classification,
            body_file,
            json,
        } => {
            let body = body_file
                .as_deref()
                .map(read_text)
                .transpose()?
                .unwrap_or_default();
            let id = p.new_document(&NewDocInput {
                title,
                kind,
                body,
                classification,
            })?;
            if json.json {
                output::json(&json!({ "id": id }));
            } else {
                println!("{id}");
            }
        }
        DocCmd::Edit {
            id,
            body_file,
            json,
        } => {
            let body = read_text(&body_file)?;
            let d = p.set_document_body(&id, &body)?;
            if json.json {
                output::json(&d);
            } else {
                println!(
                    "Document {} saved ({} characters)",
                    d.id,
                    d.body.chars().count()
                );
            }
        }
        DocCmd::Show { id, json } => {
            let d = p.show_document(&id)?;
            output::show(json.json, &d, output::doc);
        }
        DocCmd::Revise { id, json } => {
            let new = p.revise_document(&id)?;
            if json.json {
                output::json(&json!({ "id": new }));
            } else {
                println!("{new}");
            }
        }
        DocCmd::List { kind, json } => {
            let rows = p.list_documents(kind.as_deref())?;
            output::show(json.json, rows.as_slice(), output::doc_rows);
        }
        DocCmd::Search { query, json } => {
            let rows = p.search_documents(&query)?;
            output::show(json.json, rows.as_slice(), output::doc_rows);
        }
        DocCmd::Attachment(a) => crate::attachments::run(&mut p, a)?,
    }
    Ok(())
}

fn bundle(profile: &Option<PathBuf>, cmd: BundleCmd) -> anyhow::Result<()> {
    match cmd {
        BundleCmd::Export { out, json } => {
            let s = open(profile)?.export_bundle(&out)?;
            if json.json {
                output::json(&s);
            } else {
                println!("Wrote {} ({} bytes)", s.path, s.bytes);
            }
        }
        BundleCmd::Import { file, json } => {
            let s = open(profile)?.import_bundle(&file)?;
            if json.json {
                output::json(&s);
            } else {
                println!(
                    "Imported {}: {} new, {} updated ({} changes)",
                    file.display(),
                    s.created,
                    s.updated,
                    s.changes
                );
            }
        }
    }
    Ok(())
}

fn approval(profile: &Option<PathBuf>, cmd: ApprovalCmd) -> anyhow::Result<()> {
    let mut p = open(profile)?;
    match cmd {
        ApprovalCmd::Request {
            doc_id,
            chain,
            json,
        } => {
            let id = p.request_approval(&doc_id, &chain)?;
            if json.json {
                output::json(&json!({ "id": id }));
            } else {
                println!("{id}");
            }
        }
        ApprovalCmd::List(json) => {
            let l = p.list_approvals()?;
            output::show(json.json, &l, output::approval_lists);
        }
        ApprovalCmd::Sign {
            request_id,
            approve,
            reject,
            note,
            json,
            ..
        } => {
            let verdict = luring_client::approvals::verdict(approve, reject)?;
            let pass = read_password()?;
            let v = p.sign_approval(&request_id, verdict, &note, &pass)?;
            output::show(json.json, &v, output::approval);
        }
        ApprovalCmd::Show { request_id, json } => {
            let v = p.show_approval(&request_id)?;
            output::show(json.json, &v, output::approval);
        }
        ApprovalCmd::Withdraw { request_id, json } => {
            let v = p.withdraw_approval(&request_id)?;
            output::show(json.json, &v, output::approval);
        }
        ApprovalCmd::Export { request_id, out } => {
            p.export_evidence(&request_id, &out)?;
            println!("Evidence written to {}", out.display());
        }
    }
    Ok(())
}
