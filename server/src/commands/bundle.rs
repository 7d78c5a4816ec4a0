//! `hecha seal`, `hecha verify` and `hecha prove`: sealed bundles from the command line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Utc;
use hecha_core::bundle::bagit::{BagError, BagZip, ReadLimits};
use hecha_core::bundle::export::{
    BlobSource, JWS_PATH, KEY_HISTORY_PATH, MANIFEST_PATH, PROFILE_PATH, bag_info_for, write_bundle,
};
use hecha_core::bundle::proof::ProofStatement;
use hecha_core::bundle::seal::{SealRequest, seal_bundle};
use hecha_core::bundle::trust::TrustAnchors;
use hecha_core::bundle::verify::{VerifyOptions, VerifyReport, mode_word, verify_bundle};
use hecha_core::i18n::Message;
use hecha_core::model::{EvidenceItem, Mode};
use hecha_core::msg;
use hecha_core::rehearsal::load_folder;
use hecha_core::rules::{RuleProfile, evaluate};
use hecha_core::seal::events::EventLog;
use hecha_core::seal::format_time;
use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::manifest::{Manifest, item_digest};
use hecha_core::seal::timestamp::TsaTrustAnchors;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::doing;
use super::{complain, lang, say, words};
use crate::{EXIT_PROBLEMS, EXIT_USAGE};

/// A progress bar on stderr when it is a terminal; invisible otherwise.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

#[derive(clap::Args)]
pub struct SealArgs {
    /// The rehearsal folder (the one `hecha check` reads).
    pub dir: PathBuf,
    /// Ed25519 private key (PKCS#8 PEM, as `hecha key generate` writes it).
    #[arg(long)]
    pub key: PathBuf,
    /// Built-in profile instead of the folder's.
    #[arg(long, conflicts_with = "profile_file")]
    pub profile: Option<String>,
    /// A profile TOML file.
    #[arg(long)]
    pub profile_file: Option<PathBuf>,
    /// Where to write the bundle (a BagIt zip).
    #[arg(long)]
    pub out: PathBuf,
    /// RFC 3161 time-stamping authority URL: the manifest digest is time-stamped and the
    /// token stored as hecha/timestamp.tsr. A TSA failure fails the seal.
    #[arg(long)]
    pub tsa: Option<String>,
    /// Seconds to wait for the TSA.
    #[arg(long, default_value_t = 30)]
    pub tsa_timeout: u64,
}

/// The folder's files, by item id.
struct FolderBlobs(BTreeMap<String, PathBuf>);

impl BlobSource for FolderBlobs {
    fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        match self.0.get(&item.id) {
            Some(path) => Ok(Some(Box::new(BufReader::new(File::open(path)?)))),
            None => Ok(None),
        }
    }
}

pub fn seal(args: &SealArgs) -> anyhow::Result<u8> {
    let key = Ed25519Key::read_pem_file(&args.key)?;
    let hasher = super::check::ephemeral_hasher()?;
    let folder = load_folder(&args.dir, &hasher)?;
    let profile = super::check::choose_profile(
        args.profile.as_deref(),
        args.profile_file.as_ref(),
        &folder.inspection.profile,
    )?;
    profile.check_scope(&folder.inspection)?;
    let now = Utc::now();
    let at = format_time(now);
    // A folder has no recorded history: the log says what was sealed, item by item.
    let mut events = EventLog::new();
    events.append(
        &at,
        "hecha-cli",
        "inspection.loaded",
        serde_json::json!({ "inspection": folder.inspection.id, "mode": folder.inspection.mode }),
    )?;
    for item in &folder.evidence {
        events.append(
            &at,
            "hecha-cli",
            "evidence.added",
            serde_json::json!({ "item": item.id, "digest": item_digest(item)? }),
        )?;
    }
    // A folder's key signs for the folder's mode: a rehearsal history never reaches an
    // official one (format §6).
    let mut history = KeyHistory::default();
    let jwk = key
        .public_jwk()
        .clone()
        .with_purpose(KeyPurpose::for_mode(folder.inspection.mode));
    history.introduce(&jwk, &key, now)?;
    let tsa = args.tsa.as_deref().map(|url| {
        let timeout = std::time::Duration::from_secs(args.tsa_timeout);
        move |digest: &str| {
            crate::tsa::request_timestamp(url, digest, timeout).map_err(|e| format!("{e:#}"))
        }
    });
    let bundle = seal_bundle(
        SealRequest {
            inspection: &folder.inspection,
            evidence: &folder.evidence,
            device_signatures: BTreeMap::new(),
            profile,
            events,
            key_history: history,
            device_keys: Jwks::default(),
            sealed_at: now,
            previous_manifest_sha256: None,
        },
        &key,
        tsa.as_ref()
            .map(|f| f as &dyn Fn(&str) -> Result<Vec<u8>, String>),
    )?;
    let total: u64 = folder
        .evidence
        .iter()
        .filter_map(|i| i.blob.as_ref())
        .map(|b| b.size)
        .sum();
    let bar = progress_bar(total, &words(&msg!("cli-progress-sealing")));
    let blobs = FolderBlobs(folder.files.iter().cloned().collect());
    let info = bag_info_for(&bundle.manifest, &now.format("%Y-%m-%d").to_string())?;
    // Write beside the target and rename: a failed seal leaves no half-written bundle.
    let tmp = args.out.with_extension("zip.partial");
    let file = File::create(&tmp).with_context(doing("cli-cannot-create", &tmp))?;
    let written = write_bundle(BufWriter::new(file), &bundle, &blobs, &info, &mut |n| {
        bar.inc(n)
    });
    bar.finish_and_clear();
    match written {
        Ok(w) => {
            w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&tmp, &args.out)?;
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    }
    let digest = bundle.manifest.digest()?;
    say(&msg!(
        "cli-sealed",
        inspection = &folder.inspection.id,
        mode = mode_word(bundle.manifest.mode),
        file = args.out.display().to_string()
    ));
    print_fields(&[
        (msg!("cli-label-manifest-sha256"), digest),
        (
            msg!("cli-label-merkle-root"),
            bundle.manifest.merkle_root.clone(),
        ),
        (msg!("cli-label-signer-kid"), key.kid().to_owned()),
    ]);
    Ok(0)
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The bundle zip.
    pub bundle: PathBuf,
    /// Trust anchors: the authority's key history (`hecha key export-history`, or
    /// /.well-known/hecha-key-history.json) — the one that also checks retirement —, or
    /// bare keys: a JWKS or JWK JSON file, or an Ed25519 PEM (public or private).
    #[arg(long)]
    pub trust: Vec<PathBuf>,
    /// Fail unless the bundle is an official record signed by a trusted key (needs --trust).
    #[arg(long)]
    pub require_official: bool,
    /// Fail unless an RFC 3161 time-stamp dates the seal (else the time is the signer's claim).
    #[arg(long)]
    pub require_timestamp: bool,
    /// Certificates (PEM or DER) the time-stamping authority must chain to.
    #[arg(long)]
    pub tsa_trust: Vec<PathBuf>,
    /// Fail unless the bundle carries a seal-log proof that holds (a server's export): a
    /// bundle sealed offline is in no log, so nothing shows it was not backdated.
    #[arg(long)]
    pub require_log: bool,
    /// Fail when this engine judges the findings otherwise, even if another engine version
    /// sealed them (by default that is a note: the rules were corrected since).
    #[arg(long)]
    pub strict_findings: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads the trust anchors of `--trust` files.
pub fn read_trust(paths: &[PathBuf]) -> anyhow::Result<TrustAnchors> {
    let mut anchors = TrustAnchors::default();
    for path in paths {
        let bytes = std::fs::read(path).with_context(doing("cli-cannot-read-trust", path))?;
        anchors
            .add_file(&bytes)
            .with_context(doing("cli-trust-file", path))?;
    }
    Ok(anchors)
}

pub fn verify(args: &VerifyArgs) -> anyhow::Result<u8> {
    if args.require_official && args.trust.is_empty() {
        // Anyone can seal a bundle labelled official with a key of their own: official
        // means signed by the authority, which only a pinned anchor says.
        anyhow::bail!(words(&msg!("verify-official-needs-trust")));
    }
    let trust = read_trust(&args.trust)?;
    let file = File::open(&args.bundle).with_context(doing("cli-cannot-read", &args.bundle))?;
    let total = file.metadata()?.len();
    let bar = progress_bar(
        total.saturating_mul(2),
        &words(&msg!("cli-progress-verifying")),
    );
    let mut tsa_anchors = TsaTrustAnchors::none();
    for path in &args.tsa_trust {
        let bytes = std::fs::read(path).with_context(doing("cli-cannot-read", path))?;
        tsa_anchors
            .add(&bytes)
            .with_context(doing("cli-not-a-certificate", path))?;
    }
    let options = VerifyOptions {
        trust,
        require_official: args.require_official,
        require_timestamp: args.require_timestamp,
        tsa_anchors,
        require_log: args.require_log,
        strict_findings: args.strict_findings,
    };
    let result = verify_bundle(BufReader::new(file), &options, &mut |n| bar.inc(n));
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(e @ (BagError::Io(_) | BagError::Zip(_) | BagError::NotAZip)) => {
            complain(&msg!(
                "verify-unreadable",
                path = args.bundle.display().to_string(),
                reason = e.to_string()
            ));
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            // Refused before reading any content: a malicious or malformed archive.
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": false,
                        "refused": e.to_string(),
                        "message": msg!(
                            "verify-refused",
                            path = args.bundle.display().to_string(),
                            reason = e.to_string()
                        )
                        .text(),
                    })
                );
            } else {
                say(&msg!(
                    "verify-refused",
                    path = args.bundle.display().to_string(),
                    reason = e.to_string()
                ));
            }
            return Ok(EXIT_PROBLEMS);
        }
    };
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["ok"] = serde_json::Value::Bool(report.ok());
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_report(&args.bundle, &report, !args.trust.is_empty());
    }
    Ok(if report.ok() { 0 } else { EXIT_PROBLEMS })
}

/// Label-value lines, the values aligned after the longest label (in display width, so
/// Chinese labels line up too).
fn print_fields(fields: &[(Message, String)]) {
    let labels: Vec<String> = fields.iter().map(|(label, _)| words(label)).collect();
    let width = labels.iter().map(|l| display_width(l)).max().unwrap_or(0);
    for (label, (_, value)) in labels.iter().zip(fields) {
        let pad = width - display_width(label);
        println!("{label}{}  {value}", " ".repeat(pad));
    }
}

/// Columns a text takes in a terminal (a Chinese character takes two).
fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

fn print_report(path: &Path, r: &VerifyReport, trust_given: bool) {
    let mut fields = vec![(msg!("verify-label-bundle"), path.display().to_string())];
    if let Some(schema) = &r.schema {
        fields.push((msg!("verify-label-format"), schema.clone()));
    }
    if let Some(id) = &r.inspection_id {
        fields.push((msg!("verify-label-inspection"), id.clone()));
    }
    match r.mode {
        Some(Mode::Official) => fields.push((
            msg!("verify-label-mode"),
            words(&msg!("verify-mode-official")),
        )),
        Some(Mode::Rehearsal) => fields.push((
            msg!("verify-label-mode"),
            words(&msg!("verify-mode-rehearsal")),
        )),
        None => {}
    }
    if let Some(kid) = &r.signer_kid {
        let pin = match (trust_given, r.signer_pinned, r.retirement_checked) {
            (_, Some(true), Some(true)) => "verify-pin-history",
            (_, Some(true), _) => "verify-pin-key",
            (true, _, _) => "verify-pin-untrusted",
            (false, _, _) => "verify-pin-none",
        };
        fields.push((
            msg!("verify-label-signer"),
            words(&msg!("verify-signer", kid = kid, pin = Message::new(pin))),
        ));
    }
    if let Some(at) = &r.sealed_at {
        fields.push((msg!("verify-label-sealed-at"), at.clone()));
    }
    if let Some(d) = &r.manifest_sha256 {
        fields.push((msg!("verify-label-manifest"), format!("sha256:{d}")));
    }
    if let Some(root) = &r.merkle_root {
        fields.push((msg!("verify-label-merkle-root"), root.clone()));
    }
    fields.push((
        msg!("verify-label-items"),
        words(&msg!("verify-counts", items = r.items, events = r.events)),
    ));
    let stamp = match &r.timestamp {
        Some(t) => msg!(
            "verify-timestamp",
            time = &t.gen_time,
            tsa = &t.tsa_subject,
            pin = Message::new(if t.pinned {
                "verify-tsa-pinned"
            } else {
                "verify-tsa-unpinned"
            })
        ),
        None if r.timestamped => msg!("verify-timestamp-invalid"),
        None => msg!("verify-timestamp-none"),
    };
    fields.push((msg!("verify-label-timestamp"), words(&stamp)));
    if let Some(log) = &r.log {
        let pin = match log.pinned {
            Some(true) => "verify-log-signer-pinned",
            _ => "verify-log-signer-unpinned",
        };
        fields.push((
            msg!("verify-label-log"),
            words(&msg!(
                "verify-log",
                leaf = log.leaf_index,
                size = log.tree_size,
                time = &log.tree_head_time,
                pin = Message::new(pin)
            )),
        ));
    }
    for n in &r.notes {
        fields.push((
            msg!("verify-label-note"),
            format!("[{}] {}", n.code, words(&n.says)),
        ));
    }
    print_fields(&fields);
    if r.ok() {
        say(&Message::new(if r.signer_pinned == Some(true) {
            "verify-ok-trusted"
        } else {
            "verify-ok"
        }));
    } else {
        say(&msg!("verify-invalid", n = r.problems.len()));
        for p in &r.problems {
            println!("  [{}] {}", p.code, words(&p.says));
        }
    }
}

#[derive(clap::Args)]
pub struct ProveArgs {
    /// The bundle zip.
    pub bundle: PathBuf,
    /// The evidence item to prove.
    pub item_id: String,
    /// Also write the bundle's signed statement (its JWS and key history) to this file:
    /// `hecha verify-proof` checks the proof against it.
    #[arg(long)]
    pub statement: Option<PathBuf>,
}

pub fn prove(args: &ProveArgs) -> anyhow::Result<u8> {
    let file = File::open(&args.bundle).with_context(doing("cli-cannot-read", &args.bundle))?;
    let mut bag = BagZip::open(BufReader::new(file), ReadLimits::default())?;
    let manifest = Manifest::from_json(&bag.read_small(MANIFEST_PATH, 256 << 20)?)?;
    if !manifest.items.iter().any(|i| i.item.id == args.item_id) {
        bail!(words(&msg!("cli-no-item", item = &args.item_id)));
    }
    let proof = manifest.prove(&args.item_id)?;
    println!("{}", serde_json::to_string_pretty(&proof)?);
    if let Some(out) = &args.statement {
        let jws = String::from_utf8_lossy(&bag.read_small(JWS_PATH, 1 << 20)?)
            .trim()
            .to_owned();
        let history: KeyHistory =
            serde_json::from_slice(&bag.read_small(KEY_HISTORY_PATH, 64 << 20)?)
                .context("hecha/key-history.json")?;
        let statement = ProofStatement::new(jws, history);
        std::fs::write(out, serde_json::to_string_pretty(&statement)?)
            .with_context(doing("cli-cannot-write", out))?;
        complain(&msg!(
            "cli-prove-check-with",
            file = out.display().to_string()
        ));
    }
    Ok(0)
}

#[derive(clap::Args)]
pub struct FindingsArgs {
    /// The bundle zip.
    pub bundle: PathBuf,
    /// One JSON document (the findings as the engine gives them) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `hecha findings BUNDLE`: the findings re-computed by this engine from the bundle's
/// recorded facts and profile, so a verifier that cannot run the engine can compare them
/// with the sealed ones. Exit 0 when they equal the sealed findings as data (rule, status,
/// severity, evidence, measures, sources — not the words), 1 when not.
pub fn findings(args: &FindingsArgs) -> anyhow::Result<u8> {
    let file = File::open(&args.bundle).with_context(doing("cli-cannot-read", &args.bundle))?;
    let mut bag = BagZip::open(BufReader::new(file), ReadLimits::default())?;
    let manifest = Manifest::from_json(&bag.read_small(MANIFEST_PATH, 256 << 20)?)?;
    let toml = String::from_utf8(bag.read_small(PROFILE_PATH, 16 << 20)?)
        .with_context(|| words(&msg!("cli-not-utf8", path = "hecha/profile.toml")))?;
    let profile = RuleProfile::from_recorded_toml(&toml)?;
    let evidence: Vec<EvidenceItem> = manifest.items.iter().map(|i| i.item.clone()).collect();
    let recomputed = evaluate(&profile, &manifest.inspection, &evidence);
    // Compared as data (bundle-format §17): a verdict worded differently is the same.
    let check = manifest.verify_findings(&profile);
    let same = check.is_ok();
    let words_only = check.map(|c| c.words_only).unwrap_or_default();
    if args.json {
        let doc = serde_json::json!({
            "inspection_id": manifest.inspection.id,
            "profile": {"id": profile.id, "sha256": profile.sha256()},
            "engine_version": hecha_core::ENGINE_VERSION,
            "sealed_engine_version": manifest.engine_version,
            "equal_to_sealed": same,
            "sealed_as_words_only": words_only,
            "findings": recomputed,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        // In the reader's language, from this catalogue: when the findings agree as data,
        // these are the sealed verdicts' messages rendered anew.
        for f in &recomputed {
            println!(
                "{:<34} {:<14} {}",
                f.rule_id,
                f.status.label().get(lang()),
                f.words(lang())
            );
        }
        say(&Message::new(if same {
            "cli-findings-equal"
        } else {
            "cli-findings-different"
        }));
    }
    Ok(if same { 0 } else { EXIT_PROBLEMS })
}
