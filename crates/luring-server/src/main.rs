//! `luring-server`: serve, or administer the data folder. Serving is reading the
//! [`Settings`] and calling [`luring_server::launch`]; the server itself is the library.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use luring_server::attachments::AttachmentStore;
use luring_server::db::{sqlite::SqliteDb, Database};
use luring_server::{admin, agency, demo, files, AppState, Settings};

#[derive(Parser)]
#[command(name = "luring-server", version, about = "The Luring agency server")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Administration.
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Create the agency and its Ed25519 root key.
    Init {
        #[arg(long)]
        agency: String,
    },
    /// Add a unit (Dinas, Bidang, Seksi…).
    AddUnit {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<String>,
    },
    /// Add a person; the password is read from standard input.
    AddUser {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        role: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Create a demo agency's units and people, and print their logins.
    SeedDemo,
    /// Revoke a device: its tokens stop working.
    RevokeDevice { device_id: String },
}

/// Opens the database after making the data folder private (0700, files 0600; each
/// repair is reported on standard error).
fn open_db(data: &Path) -> anyhow::Result<SqliteDb> {
    for fixed in files::make_private(data)? {
        eprintln!("luring-server: {fixed}");
    }
    files::create_private_file(&data.join("server.db"))?;
    SqliteDb::open(&data.join("server.db"))
        .with_context(|| format!("cannot open the database in {}", data.display()))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("luring-server: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let db = open_db(&cli.settings.data)?;
    match cli.command {
        None => run_server(db, &cli.settings),
        Some(Cmd::Admin(a)) => administer(&db, &cli.settings.data, a),
    }
}

fn administer(db: &SqliteDb, data: &Path, a: Admin) -> anyhow::Result<()> {
    match a {
        Admin::Init { agency } => {
            let key = admin::init(db, data, &agency)?;
            println!("Agency '{agency}' created; root public key {key}");
        }
        Admin::AddUnit { code, name, parent } => {
            admin::add_unit(db, &code, &name, parent.as_deref())?;
            println!("Unit {code} added");
        }
        Admin::AddUser {
            nip,
            name,
            unit,
            role,
            ..
        } => {
            let mut pw = String::new();
            std::io::stdin()
                .read_to_string(&mut pw)
                .context("cannot read the password from standard input")?;
            let pw = pw.trim_end_matches(['\n', '\r']);
            admin::add_user(db, &nip, &name, &unit, &role, pw)?;
            println!("User {nip} added to {unit} as {role}");
        }
        Admin::SeedDemo => {
            if db.agency()?.is_none() {
                admin::init(db, data, "Bappeda Kabupaten Sukamaju")?;
            }
            demo::seed(db)?;
            println!("Demo agency seeded. Logins (NIP / password / role / unit):");
            for u in demo::USERS {
                println!(
                    "  {}  {}  {}  {}  ({})",
                    u.nip, u.password, u.role, u.unit, u.name
                );
            }
        }
        Admin::RevokeDevice { device_id } => {
            admin::revoke_device(db, &device_id)?;
            println!("Device {device_id} revoked");
        }
    }
    Ok(())
}

fn run_server(db: SqliteDb, settings: &Settings) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let data = &settings.data;
    let Some(agency_row) = db.agency()? else {
        bail!(
            "the agency is not initialised: run `luring-server --data {} admin init --agency NAME`",
            data.display()
        );
    };
    let key = agency::load_key(data)?;
    let options = settings.serve_options()?;
    let attachments =
        AttachmentStore::open(&data.join("attachments"), settings.attachment_limits())
            .with_context(|| format!("cannot open the attachment folder in {}", data.display()))?;
    let state = AppState::new(db, key, agency_row).with_attachments(attachments);
    let listen = settings.listen;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let scheme = if options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        println!("listening on {scheme}://{addr}");
        use std::io::Write;
        std::io::stdout().flush().ok();
        luring_server::launch(state, options, listener, luring_server::shutdown_signal()).await?;
        Ok(())
    })
}
