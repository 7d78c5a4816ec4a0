//! The `hecha` command: the server and the offline tools.
//!
//! Exit codes everywhere: 0 success, 1 the check found problems, 2 usage or unreadable input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
use hecha_server::tsa;

#[derive(Parser)]
#[command(
    name = "hecha",
    version,
    about = "核查 — evidence of on-site license inspections, checked, sealed and verifiable"
)]
struct Cli {
    /// Language of what is printed for a person: zh or en. Default: HECHA_LANG, else the
    /// locale (LC_ALL, LC_MESSAGES, LANG): English for en*, Chinese otherwise.
    #[arg(long, global = true)]
    lang: Option<hecha_core::model::Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (HTTP API). With no configuration: SQLite and blobs in ./hecha-data.
    Serve(commands::server::ServeArgs),
    /// Run the database migrations and exit.
    Migrate(commands::server::ConfigArgs),
    /// Administration: create admins.
    Admin(commands::server::AdminArgs),
    /// Write a sealed inspection's BagIt zip from the server's database and store.
    Export(commands::server::ExportArgs),
    /// Delete blobs no row refers to and expired resumable uploads.
    Gc(commands::server::GcArgs),
    /// List where full ID numbers remain in the database and stored bundles (exit 1 when any).
    PiiScan(commands::server::PiiScanArgs),
    /// Print the EXIF facts of photos, one JSON line per file.
    Exif {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Decode every QR code in photos, one JSON line per file.
    Qr {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rehearse an inspection from a folder holding inspection.toml and its files.
    Check(commands::check::CheckArgs),
    /// Print a rehearsal folder's seat labels (A4 HTML: QR code, seat number, company),
    /// each tag signed with the local key.
    Labels(commands::labels::LabelsArgs),
    /// Start a rehearsal folder: inspection.toml listing every piece of evidence a profile asks for.
    Init(commands::init::InitArgs),
    /// Append staff and seats from spreadsheets (CSV or XLSX, Chinese headers) to a rehearsal folder.
    Import(commands::import::ImportArgs),
    /// Print the JSON Schema of the evidence model.
    Schema,
    /// List the shipped rule profiles, or print one.
    Profiles(commands::profiles::ProfilesArgs),
    /// Manage Ed25519 bundle-signing keys and keyrings.
    Key(commands::key::KeyArgs),
    /// Seal a rehearsal folder into a signed BagIt bundle with a local key.
    Seal(commands::bundle::SealArgs),
    /// Verify a sealed bundle offline (exit 0 intact, 1 invalid or untrusted, 2 unreadable).
    Verify(commands::bundle::VerifyArgs),
    /// Print the Merkle inclusion proof of one item of a bundle.
    Prove(commands::bundle::ProveArgs),
    /// Check an item's Merkle inclusion proof against a bundle's signed statement (exit 0 valid, 1 invalid).
    VerifyProof(commands::proof::VerifyProofArgs),
    /// Audit a server's seal log: fetch tree heads, check that two belong to one log.
    Log(commands::log::LogArgs),
    /// Print the findings this engine re-computes from a bundle (exit 1 when they differ from the sealed ones).
    Findings(commands::bundle::FindingsArgs),
}

/// Exit code: the check found problems.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: usage error or unreadable input.
pub const EXIT_USAGE: u8 = 2;

/// Exit code of a command whose reader went away (`hecha check … | head`): what a Unix tool
/// killed by SIGPIPE reports (128 + 13), without a message.
const EXIT_PIPE_CLOSED: i32 = 141;

/// `println!` panics when stdout is a pipe its reader closed. That is not a failure of the
/// command: stop quietly, as `cat` or `grep` do. Any other panic keeps its report. (SIGPIPE
/// stays ignored, so the server and the HTTP clients get write errors on sockets, not a
/// silent death.)
fn quiet_on_closed_stdout() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(EXIT_PIPE_CLOSED);
        }
        report(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    commands::set_lang(cli.lang.unwrap_or_else(commands::lang_from_env));
    init_tracing(if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    });
    let result = match cli.command {
        Command::Serve(args) => commands::server::serve(&args),
        Command::Migrate(args) => commands::server::migrate(&args),
        // A failed operation's message in this run's language.
        Command::Admin(args) => commands::server::admin(&args, commands::lang()),
        Command::Export(args) => commands::server::export(&args, commands::lang()),
        Command::Gc(args) => commands::server::gc(&args),
        Command::PiiScan(args) => commands::server::pii_scan(&args),
        Command::Exif { files } => commands::exif::run(&files),
        Command::Qr { files } => commands::qr::run(&files),
        Command::Check(args) => commands::check::run(&args),
        Command::Labels(args) => commands::labels::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Import(args) => commands::import::run(&args),
        Command::Schema => commands::profiles::print_schema(),
        Command::Profiles(args) => commands::profiles::run(&args),
        Command::Key(args) => commands::key::run(&args),
        Command::Seal(args) => commands::bundle::seal(&args),
        Command::Verify(args) => commands::bundle::verify(&args),
        Command::Prove(args) => commands::bundle::prove(&args),
        Command::VerifyProof(args) => commands::proof::run(&args),
        Command::Findings(args) => commands::bundle::findings(&args),
        Command::Log(args) => commands::log::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hecha: {}", commands::describe(&e));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn init_tracing(default: &str) {
    hecha_server::telemetry::init(default);
}
