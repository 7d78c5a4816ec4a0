//! `hecha log …`: audit a server's seal log (format §19) from the outside.
//!
//! - `tree-head --server URL [--trust FILE] [--out FILE]`: fetches the latest signed tree
//!   head, checks its signature and prints it (or writes it, to keep for later).
//! - `audit --server URL [--trust FILE]`: reads every entry, recomputes the tree to the
//!   signed head's root, and checks that no seal is dated before a seal logged ahead of it
//!   (by more than the format's time tolerance) nor after the head: a backdated seal shows.
//! - `consistency OLD NEW [--server URL | --proof FILE] [--trust FILE]`: both heads are
//!   signed by pinned keys (allowed to sign at their timestamps) and NEW's tree extends
//!   OLD's — the log was neither truncated nor forked in between.
//!
//! Without `--trust`, the server's published key history (`--server`) judges the heads and
//! the command says they are not pinned (as `hecha verify` does without `--trust`). Exit 0
//! valid, 1 invalid, inconsistent or signed by a key outside `--trust`, 2 usage or
//! unreachable.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use hecha_core::bundle::trust::TrustAnchors;
use hecha_core::i18n::Message;
use hecha_core::msg;
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::log::{TreeHead, parse_path, verify_consistency};

use super::doing;
use super::{complain, say, words};
use crate::EXIT_PROBLEMS;

#[derive(clap::Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

#[derive(clap::Subcommand)]
pub enum LogCommand {
    /// Fetch and check the latest signed tree head of a server's seal log.
    TreeHead {
        /// The server's base URL (https://hecha.example.org).
        #[arg(long)]
        server: String,
        /// Trust anchors: the authority's key history (or bare keys). Without: the
        /// server's published history, not pinned.
        #[arg(long)]
        trust: Vec<PathBuf>,
        /// Write the tree head (JSON) to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Read the whole log from a server and check it: the entries give the signed tree
    /// head's root, and no seal is dated before one logged ahead of it (backdating).
    Audit {
        /// The server's base URL.
        #[arg(long)]
        server: String,
        /// Trust anchors: the authority's key history (or bare keys). Without: the
        /// server's published history, not pinned.
        #[arg(long)]
        trust: Vec<PathBuf>,
    },
    /// Check that two signed tree heads belong to one log that never forked.
    Consistency {
        /// The older tree head (as `hecha log tree-head` writes it, or the bare JWS).
        old: PathBuf,
        /// The newer tree head.
        new: PathBuf,
        /// Ask this server for the consistency proof.
        #[arg(long, conflicts_with = "proof", required_unless_present = "proof")]
        server: Option<String>,
        /// A consistency proof file (`{first, second, proof}`, as the server serves it).
        #[arg(long)]
        proof: Option<PathBuf>,
        /// Trust anchors: the authority's key history (or bare keys).
        #[arg(long)]
        trust: Vec<PathBuf>,
    },
}

/// The HTTP side: a small blocking GET of JSON.
fn get_json(url: &str) -> anyhow::Result<serde_json::Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut res = agent
        .get(url)
        .call()
        .with_context(|| words(&msg!("cli-get-failed", url = url.to_string())))?;
    let status = res.status().as_u16();
    let body = res
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .with_context(|| words(&msg!("cli-get-reply", url = url.to_string())))?;
    if status != 200 {
        bail!(words(&msg!(
            "cli-get-status",
            url = url.to_string(),
            status = status.to_string(),
            body = body
        )));
    }
    serde_json::from_str(&body)
        .with_context(|| words(&msg!("cli-get-not-json", url = url.to_string())))
}

fn base(server: &str) -> &str {
    server.trim_end_matches('/')
}

/// The anchors that judge the heads: `--trust`, else the server's published history.
fn anchors(trust: &[PathBuf], server: Option<&str>) -> anyhow::Result<(TrustAnchors, bool)> {
    if !trust.is_empty() {
        return Ok((super::bundle::read_trust(trust)?, true));
    }
    let Some(server) = server else {
        bail!(words(&msg!("cli-log-needs-trust")));
    };
    let url = format!("{}/.well-known/hecha-key-history.json", base(server));
    let history: KeyHistory = serde_json::from_value(get_json(&url)?)
        .with_context(|| words(&msg!("cli-not-key-history", url = url.to_string())))?;
    let mut anchors = TrustAnchors::default();
    anchors
        .add_history(history)
        .with_context(|| words(&msg!("cli-key-history-of", url = url.to_string())))?;
    Ok((anchors, false))
}

/// The JWS of a tree-head file: the `tree_head_jws` member of a JSON document, or the file
/// itself.
fn read_head(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(doing("cli-cannot-read", path))?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(trimmed).with_context(doing("cli-not-json", path))?;
        return v["tree_head_jws"]
            .as_str()
            .map(str::to_owned)
            .with_context(doing("cli-no-tree-head", path));
    }
    Ok(trimmed.to_owned())
}

fn describe(head: &TreeHead, kid: &str, retirement_checked: bool, pinned: bool) -> Message {
    let pin = match (pinned, retirement_checked) {
        (true, true) => "cli-log-pin-history",
        (true, false) => "cli-log-pin-key",
        (false, _) => "cli-log-pin-none",
    };
    msg!(
        "cli-log-head",
        size = head.tree_size,
        root = &head.root_hash,
        time = &head.timestamp,
        log = &head.log_id,
        kid = kid,
        pin = Message::new(pin)
    )
}

pub fn run(args: &LogArgs) -> anyhow::Result<u8> {
    match &args.command {
        LogCommand::TreeHead { server, trust, out } => {
            let Some(Fetched {
                doc,
                head,
                kid,
                checked,
                pinned,
            }) = fetch_head(server, trust)?
            else {
                return Ok(EXIT_PROBLEMS);
            };
            let text = serde_json::to_string_pretty(&doc)?;
            match out {
                Some(path) => {
                    std::fs::write(path, text + "\n")
                        .with_context(doing("cli-cannot-write", path))?;
                    say(&msg!(
                        "cli-log-tree-head",
                        head = describe(&head, &kid, checked, pinned)
                    ));
                }
                None => {
                    println!("{text}");
                    complain(&msg!(
                        "cli-log-tree-head",
                        head = describe(&head, &kid, checked, pinned)
                    ));
                }
            }
            Ok(0)
        }
        LogCommand::Audit { server, trust } => audit(server, trust),
        LogCommand::Consistency {
            old,
            new,
            server,
            proof,
            trust,
        } => {
            let (anchors, pinned) = anchors(trust, server.as_deref())?;
            let (old_jws, new_jws) = (read_head(old)?, read_head(new)?);
            let mut heads = Vec::new();
            for (name, jws) in [("OLD", &old_jws), ("NEW", &new_jws)] {
                match anchors.verify_tree_head(jws) {
                    Ok((head, kid, checked)) => {
                        say(&msg!(
                            "cli-log-head-line",
                            name = name,
                            head = describe(&head, &kid, checked, pinned)
                        ));
                        heads.push(head);
                    }
                    Err(e) => {
                        say(&msg!(
                            "cli-tree-head-invalid",
                            name = name,
                            reason = words(&e)
                        ));
                        return Ok(EXIT_PROBLEMS);
                    }
                }
            }
            let (a, b) = (&heads[0], &heads[1]);
            if a.log_id != b.log_id {
                say(&msg!(
                    "cli-log-two-logs",
                    first = &a.log_id,
                    second = &b.log_id
                ));
                return Ok(EXIT_PROBLEMS);
            }
            if a.tree_size > b.tree_size {
                say(&msg!(
                    "cli-log-truncated",
                    newer = b.tree_size,
                    older = a.tree_size
                ));
                return Ok(EXIT_PROBLEMS);
            }
            let nodes: Vec<String> = if a.tree_size == b.tree_size || a.tree_size == 0 {
                Vec::new()
            } else {
                let doc = match (server, proof) {
                    (_, Some(path)) => {
                        let text = std::fs::read_to_string(path)
                            .with_context(doing("cli-cannot-read", path))?;
                        serde_json::from_str(&text).with_context(doing("cli-not-json", path))?
                    }
                    (Some(server), None) => get_json(&format!(
                        "{}/api/v1/log/consistency?first={}&second={}",
                        base(server),
                        a.tree_size,
                        b.tree_size
                    ))?,
                    (None, None) => bail!(words(&msg!("cli-log-needs-source"))),
                };
                if doc["first"].as_u64() != Some(a.tree_size)
                    || doc["second"].as_u64() != Some(b.tree_size)
                {
                    say(&msg!(
                        "cli-log-proof-sizes",
                        first = a.tree_size,
                        second = b.tree_size
                    ));
                    return Ok(EXIT_PROBLEMS);
                }
                serde_json::from_value(doc["proof"].clone())
                    .with_context(|| words(&msg!("cli-proof-nodes")))?
            };
            let checked = (|| {
                let path = parse_path("proof", &nodes)?;
                if a.tree_size == 0 {
                    // Every log extends the empty one.
                    return Ok(());
                }
                verify_consistency(a.tree_size, b.tree_size, &a.root()?, &b.root()?, &path)
            })();
            match checked {
                Ok(()) => {
                    let id = if pinned {
                        "cli-log-consistent"
                    } else {
                        "cli-log-consistent-unpinned"
                    };
                    say(&Message::new(id)
                        .arg("newer", b.tree_size)
                        .arg("older", a.tree_size));
                    Ok(0)
                }
                Err(e) => {
                    say(&msg!("cli-log-inconsistent", reason = e.to_string()));
                    Ok(EXIT_PROBLEMS)
                }
            }
        }
    }
}

/// A server's latest tree head, checked.
struct Fetched {
    doc: serde_json::Value,
    head: TreeHead,
    kid: String,
    /// Whether the signer's retirement was checked (a pinned history).
    checked: bool,
    /// Whether `--trust` judged it (else the server's own history).
    pinned: bool,
}

/// Fetches and checks the latest tree head; `None` (after saying why) when it does not
/// verify.
fn fetch_head(server: &str, trust: &[PathBuf]) -> anyhow::Result<Option<Fetched>> {
    let (anchors, pinned) = anchors(trust, Some(server))?;
    let url = format!("{}/api/v1/log/tree-head", base(server));
    let doc = get_json(&url)?;
    let jws = doc["tree_head_jws"]
        .as_str()
        .with_context(|| words(&msg!("cli-no-tree-head", path = url.to_string())))?;
    match anchors.verify_tree_head(jws) {
        Ok((head, kid, checked)) => Ok(Some(Fetched {
            doc,
            head,
            kid,
            checked,
            pinned,
        })),
        Err(e) => {
            say(&msg!(
                "cli-tree-head-invalid-from",
                url = &url,
                reason = words(&e)
            ));
            Ok(None)
        }
    }
}

/// `hecha log audit`: the whole log read and checked against its signed head.
fn audit(server: &str, trust: &[PathBuf]) -> anyhow::Result<u8> {
    use hecha_core::seal::log::LogEntry;
    let Some(Fetched {
        head,
        kid,
        checked,
        pinned,
        ..
    }) = fetch_head(server, trust)?
    else {
        return Ok(EXIT_PROBLEMS);
    };
    say(&msg!(
        "cli-log-tree-head",
        head = describe(&head, &kid, checked, pinned)
    ));
    let mut entries: Vec<LogEntry> = Vec::new();
    while (entries.len() as u64) < head.tree_size {
        let page = get_json(&format!(
            "{}/api/v1/log/entries?start={}",
            base(server),
            entries.len()
        ))?;
        let got: Vec<LogEntry> = serde_json::from_value(page["entries"].clone())
            .with_context(|| words(&msg!("cli-log-entries")))?;
        if got.is_empty() {
            say(&msg!(
                "cli-log-short",
                given = entries.len(),
                signed = head.tree_size
            ));
            return Ok(EXIT_PROBLEMS);
        }
        entries.extend(got);
    }
    entries.truncate(head.tree_size as usize);
    let leaves = entries
        .iter()
        .map(LogEntry::leaf_hash)
        .collect::<Result<Vec<_>, _>>()?;
    let root = TreeHead::of(&leaves, &head.log_id, &head.timestamp).root_hash;
    if root != head.root_hash {
        say(&msg!(
            "cli-log-root",
            count = entries.len(),
            root = &root,
            signed = &head.root_hash
        ));
        return Ok(EXIT_PROBLEMS);
    }
    // Seals are appended as they are sealed: one dated before a seal logged ahead of it
    // (beyond the tolerance replicas racing may cause) or after the head was backdated or
    // postdated.
    let tolerance = chrono::Duration::seconds(hecha_core::bundle::verify::TIME_TOLERANCE_S);
    let head_time = chrono::DateTime::parse_from_rfc3339(&head.timestamp)
        .with_context(|| words(&msg!("cli-head-timestamp")))?;
    let mut problems = Vec::new();
    let mut latest: Option<(usize, chrono::DateTime<chrono::FixedOffset>)> = None;
    let (mut seals, mut histories) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        match e {
            LogEntry::Manifest {
                sealed_at,
                inspection_id,
                ..
            } => {
                seals += 1;
                let Ok(at) = chrono::DateTime::parse_from_rfc3339(sealed_at) else {
                    problems.push(msg!(
                        "cli-log-bad-time",
                        entry = i,
                        value = format!("{sealed_at:?}")
                    ));
                    continue;
                };
                if let Some((j, before)) = latest
                    && at + tolerance < before
                {
                    problems.push(msg!(
                        "cli-log-before",
                        entry = i,
                        inspection = inspection_id,
                        sealed_at = sealed_at,
                        earlier = j,
                        earlier_at = before.to_rfc3339()
                    ));
                }
                if at > head_time + tolerance {
                    problems.push(msg!(
                        "cli-log-after-head",
                        entry = i,
                        inspection = inspection_id,
                        sealed_at = sealed_at,
                        head_time = &head.timestamp
                    ));
                }
                if latest.is_none_or(|(_, t)| at > t) {
                    latest = Some((i, at));
                }
            }
            LogEntry::KeyHistory { .. } => histories += 1,
        }
    }
    if problems.is_empty() {
        say(&msg!(
            "cli-log-audited",
            count = entries.len(),
            seals = seals,
            histories = histories
        ));
        Ok(0)
    } else {
        for p in &problems {
            say(&msg!("cli-log-backdated", problem = p.clone()));
        }
        Ok(EXIT_PROBLEMS)
    }
}
