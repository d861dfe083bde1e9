//! The command line, exactly as documented in the README.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "luring",
    version,
    about = "Luring: tasks, official documents and approvals that work offline"
)]
pub struct Cli {
    /// Profile folder (one per person and device); default: the LURING_PROFILE variable.
    #[arg(long, global = true, value_name = "DIR")]
    pub profile: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a local, offline profile.
    Init {
        #[arg(long)]
        name: String,
        /// 18-digit NIP.
        #[arg(long)]
        nip: String,
    },
    /// Tasks (tugas).
    #[command(subcommand)]
    Task(TaskCmd),
    /// Official documents (naskah dinas).
    #[command(subcommand)]
    Doc(DocCmd),
    /// Exchange changes by file, with no network.
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Counts of tasks and documents, and changes waiting to be sent.
    Status(Json),
    /// Log in to the agency server (creates the profile if needed).
    Login {
        #[arg(long, value_name = "URL")]
        server: String,
        #[arg(long)]
        nip: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Also read the signing passphrase, on the line after the password: a device
        /// whose key is already sealed proves with it that the key is its own.
        #[arg(long)]
        passphrase_stdin: bool,
        /// The agency's certificate authority (PEM), when the server's certificate is signed
        /// by it rather than a public authority; kept in the profile for later syncs.
        #[arg(long, value_name = "FILE")]
        ca_file: Option<PathBuf>,
        /// Allow plain http:// to a host that is not this computer (lab networks only: the
        /// password and token cross the network unencrypted).
        #[arg(long)]
        allow_insecure_http: bool,
    },
    /// The device's signing key.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Approvals (persetujuan): ask, decide offline, show, export evidence.
    #[command(subcommand)]
    Approval(ApprovalCmd),
    /// Check an evidence file offline against the agency's public key.
    Verify {
        file: PathBuf,
        /// The agency's Ed25519 public key (hex), obtained independently of the file.
        #[arg(long, value_name = "KEY")]
        agency_key: Option<String>,
        /// Accept a chain still waiting for approvers (a partial chain); a rejected or
        /// stale one still fails.
        #[arg(long)]
        allow_pending: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Profile settings ("hemat data").
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Send local changes and receive new ones.
    Sync {
        /// Keep syncing whenever the server is reachable, until stopped.
        #[arg(long)]
        watch: bool,
        /// Seconds between syncs with --watch.
        #[arg(long, default_value_t = 30)]
        interval: u64,
        /// Most bytes per round trip each way (at least 4096): approvals and decisions go
        /// first, then tasks, then document text; the rest waits for the next round.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        budget_bytes: Option<u32>,
        /// Round trips that may fail in a row (a cut link) before the sync gives up; each
        /// retry resumes where the last stored round ended, with half the round's bytes. On
        /// a link cut every few KB give more (`--retries 8` takes a 1 MB round down to the
        /// 4 KB floor); the default keeps a sync with no network short (about 2 s).
        #[arg(long, value_name = "N", default_value_t = 2)]
        retries: u32,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Args)]
pub struct Json {
    /// Print JSON with stable field names.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Add a task.
    Add {
        title: String,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// NIP of a person to assign (repeatable).
        #[arg(long)]
        assignee: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        json: Json,
    },
    /// List tasks, soonest due first.
    List {
        /// baru, dikerjakan, menunggu or selesai.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long)]
        limit: Option<u32>,
        /// Only the tasks I gave to someone else (pemberi tugas: me).
        #[arg(long, conflicts_with_all = ["assignee", "limit"])]
        given_by_me: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Show one task with its comments.
    Show {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Change a task's status, title or due date (`--due ""` clears it).
    Set {
        id: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        due: Option<String>,
        /// NIP of a person to add as assignee (repeatable).
        #[arg(long)]
        assignee: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Comment on a task.
    Comment {
        id: String,
        text: String,
        #[command(flatten)]
        json: Json,
    },
    /// Edit one of your own comments (the earlier text stays in its history).
    EditComment {
        id: String,
        comment_id: String,
        text: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocCmd {
    /// Create a document.
    New {
        #[arg(long)]
        title: String,
        /// nota-dinas (default), surat, laporan, memo or lainnya.
        #[arg(long)]
        kind: Option<String>,
        /// biasa (default), terbatas or rahasia.
        #[arg(long)]
        classification: Option<String>,
        /// UTF-8 text file with the body; `-` reads standard input.
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
    /// Replace a document's body with a file's text (only the difference is recorded).
    Edit {
        id: String,
        #[arg(long, value_name = "FILE")]
        body_file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// Show one document.
    Show {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Make a revision of an approved letter: a new draft with its text, needing a request
    /// of its own (the approved letter, its number and its evidence stay as they are).
    Revise {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// List documents, newest first.
    List {
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Full-text search over titles and bodies.
    Search {
        query: String,
        #[command(flatten)]
        json: Json,
    },
    #[command(flatten)]
    Attachment(AttachCmd),
}

/// A document's attachments (lampiran).
#[derive(Debug, Subcommand)]
pub enum AttachCmd {
    /// Attach a file (up to 25 MB) to a document; it is uploaded at the next sync.
    Attach {
        id: String,
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// A document's attachments; "(belum diunduh)" when not on this device yet.
    Attachments {
        id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Download an attachment if needed (progress on standard error), and copy it out.
    Fetch {
        id: String,
        hash: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Show the settings.
    Show,
    /// "Hemat data": on (the default), a colleague's attachment downloads only when
    /// opened; off, attachments download after every sync.
    HematData { value: Option<OnOff> },
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write every task and document to a file.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// Merge a bundle file; a damaged or foreign file changes nothing.
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Seal the device's signing key under a passphrase, asked at every signature.
    SetPassphrase {
        /// Read the passphrase from standard input.
        #[arg(long, required = true)]
        passphrase_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApprovalCmd {
    /// Ask the people in the chain, in order, to approve a document as it is now.
    Request {
        doc_id: String,
        /// Approvers' NIPs, first level first, separated by commas.
        #[arg(long, value_delimiter = ',', required = true)]
        chain: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// What waits for me, and what I asked for.
    List(Json),
    /// Approve or reject at my level, signing offline with my device key.
    Sign {
        request_id: String,
        #[arg(long, conflicts_with = "reject")]
        approve: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long, default_value = "")]
        note: String,
        /// Read the signing passphrase from standard input.
        #[arg(long, required = true)]
        passphrase_stdin: bool,
        #[command(flatten)]
        json: Json,
    },
    /// A request, its status and its decisions.
    Show {
        request_id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Withdraw my request while it still waits: the document becomes editable again.
    Withdraw {
        request_id: String,
        #[command(flatten)]
        json: Json,
    },
    /// Write the self-contained evidence bundle of a request.
    Export {
        request_id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}
