//! `hecha key …`: Ed25519 bundle-signing keys.
//!
//! - `generate --out FILE`: one PKCS#8 PEM (mode 0600); prints the kid, then the public JWK.
//! - `rotate --keyring DIR [--rehearsal]`: a new active key introduced by the previous one
//!   (creates the keyring with its first, self-introduced key when DIR has none; with
//!   `--rehearsal`, one whose keys sign rehearsals only).
//! - `list --keyring DIR [--json]`: the keys, which is active, which retired and when.
//! - `retire KID --keyring DIR`: the active key signs nothing from now on.
//! - `export-history --keyring DIR [--out FILE]`: the key history, the anchor to pin.

use super::doing;
use super::words;
use hecha_core::msg;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{Timelike, Utc};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use hecha_core::seal::key::{Ed25519Key, KeyPurpose};
use hecha_core::seal::keyring::Keyring;

#[derive(clap::Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(clap::Subcommand)]
pub enum KeyCommand {
    /// Write a new Ed25519 private key (PKCS#8 PEM, mode 0600); print its kid and public JWK.
    Generate {
        /// The file to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Make a new active key in a keyring, introduced by the previous one (which retires).
    Rotate {
        #[arg(long)]
        keyring: PathBuf,
        /// When DIR has no keyring yet: create one whose keys sign rehearsals only.
        #[arg(long)]
        rehearsal: bool,
    },
    /// List a keyring's keys.
    List {
        #[arg(long)]
        keyring: PathBuf,
        /// One JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Retire the active key: it signs nothing new, and still verifies what it signed.
    Retire {
        /// A kid is base64url: it may begin with `-`, and is still the kid.
        #[arg(allow_hyphen_values = true)]
        kid: String,
        #[arg(long)]
        keyring: PathBuf,
    },
    /// Write the keyring's key history: the trust anchor to publish and pin
    /// (`hecha verify --trust FILE`), the same file as /.well-known/hecha-key-history.json.
    ExportHistory {
        #[arg(long)]
        keyring: PathBuf,
        /// The file to write (stdout when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// When a rotation or retirement takes effect. The key history records whole seconds and a
/// key's period ends at its successor's introduction, exclusive (`KeyChain::key_at`), so
/// whatever the old key signed earlier in the current second — a seal, a seal-log tree
/// head a monitor keeps — would stop verifying if the change were recorded in that second.
/// Wait for the next second to begin and record that one: everything the old key signed
/// before the keyring is written is then inside its period (the server re-reads the keyring
/// after signing a tree head, for the milliseconds between this wake-up and the write).
fn at_next_second() -> chrono::DateTime<Utc> {
    let now = Utc::now();
    let next = now.with_nanosecond(0).unwrap_or(now) + chrono::Duration::seconds(1);
    if let Ok(wait) = (next - now).to_std() {
        std::thread::sleep(wait);
    }
    next
}

pub fn run(args: &KeyArgs) -> anyhow::Result<u8> {
    match &args.command {
        KeyCommand::Generate { out } => {
            let key = Ed25519Key::generate()?;
            key.write_pem_file(out)?;
            println!("{}", key.kid());
            println!("{}", serde_json::to_string(key.public_jwk())?);
        }
        KeyCommand::Rotate { keyring, rehearsal } => {
            if hecha_server::keyrings::exists(keyring) {
                let mut ring = Keyring::open(keyring)?;
                let kid = ring.rotate(at_next_second())?;
                println!("{kid}");
            } else {
                let purpose = if *rehearsal {
                    KeyPurpose::Rehearsal
                } else {
                    KeyPurpose::Official
                };
                let ring = Keyring::create_for(keyring, purpose, Utc::now())
                    .with_context(doing("cli-cannot-create-keyring", keyring))?;
                println!("{}", ring.active_kid().unwrap_or_default());
            }
        }
        KeyCommand::List { keyring, json } => {
            let ring = Keyring::open(keyring)?;
            let active = ring.active_kid();
            if *json {
                let keys: Vec<_> = ring
                    .list()
                    .iter()
                    .map(|k| {
                        serde_json::json!({
                            "kid": k.kid,
                            "created": k.created,
                            "retired": k.retired,
                            "active": Some(k.kid.as_str()) == active,
                        })
                    })
                    .collect();
                let doc = serde_json::json!({"active": active, "keys": keys});
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                let now_active = words(&msg!("cli-key-active"));
                let mut table = Table::new();
                table.load_preset(UTF8_FULL_CONDENSED);
                table.set_header(
                    [
                        "cli-key-col-kid",
                        "cli-key-col-created",
                        "cli-key-col-retired",
                        "cli-key-col-active",
                    ]
                    .map(|id| words(&hecha_core::i18n::Message::new(id))),
                );
                for k in ring.list() {
                    table.add_row([
                        k.kid.as_str(),
                        k.created.as_str(),
                        k.retired.as_deref().unwrap_or(""),
                        if Some(k.kid.as_str()) == active {
                            now_active.as_str()
                        } else {
                            ""
                        },
                    ]);
                }
                println!("{table}");
            }
        }
        KeyCommand::Retire { kid, keyring } => {
            let mut ring = Keyring::open(keyring)?;
            ring.retire(kid, at_next_second())?;
            println!("{}", words(&msg!("cli-key-retired", kid = kid.as_str())));
        }
        KeyCommand::ExportHistory { keyring, out } => {
            let ring = Keyring::open(keyring)?;
            let text = serde_json::to_string_pretty(ring.history())?;
            match out {
                Some(path) => std::fs::write(path, text + "\n")
                    .with_context(doing("cli-cannot-write", path))?,
                None => println!("{text}"),
            }
        }
    }
    Ok(0)
}
