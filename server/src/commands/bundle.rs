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
use hecha_core::bundle::verify::{VerifyOptions, VerifyReport, verify_bundle};
use hecha_core::model::{EvidenceItem, Lang, Mode};
use hecha_core::rehearsal::load_folder;
use hecha_core::rules::{RuleProfile, evaluate};
use hecha_core::seal::events::EventLog;
use hecha_core::seal::format_time;
use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::manifest::{Manifest, item_digest};
use hecha_core::seal::timestamp::TsaTrustAnchors;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    let bar = progress_bar(total, "sealing");
    let blobs = FolderBlobs(folder.files.iter().cloned().collect());
    let info = bag_info_for(&bundle.manifest, &now.format("%Y-%m-%d").to_string())?;
    // Write beside the target and rename: a failed seal leaves no half-written bundle.
    let tmp = args.out.with_extension("zip.partial");
    let file = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
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
    println!(
        "sealed {} ({:?}) into {}",
        folder.inspection.id,
        bundle.manifest.mode,
        args.out.display()
    );
    println!("manifest sha256 {digest}");
    println!("merkle root     {}", bundle.manifest.merkle_root);
    println!("signer kid      {}", key.kid());
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
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read trust file {}", path.display()))?;
        anchors
            .add_file(&bytes)
            .with_context(|| format!("trust file {}", path.display()))?;
    }
    Ok(anchors)
}

pub fn verify(args: &VerifyArgs) -> anyhow::Result<u8> {
    if args.require_official && args.trust.is_empty() {
        // Anyone can seal a bundle labelled official with a key of their own: official
        // means signed by the authority, which only a pinned anchor says.
        anyhow::bail!(
            "--require-official needs --trust (the authority's key history): without a pinned anchor, anyone's key could have signed"
        );
    }
    let trust = read_trust(&args.trust)?;
    let file = File::open(&args.bundle)
        .with_context(|| format!("cannot read {}", args.bundle.display()))?;
    let total = file.metadata()?.len();
    let bar = progress_bar(total.saturating_mul(2), "verifying");
    let mut tsa_anchors = TsaTrustAnchors::none();
    for path in &args.tsa_trust {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        tsa_anchors
            .add(&bytes)
            .with_context(|| format!("{} is not a certificate", path.display()))?;
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
            eprintln!(
                "hecha verify: {}: cannot read the bundle: {e}",
                args.bundle.display()
            );
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            // Refused before reading any content: a malicious or malformed archive.
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": false, "refused": e.to_string() })
                );
            } else {
                println!("REFUSED {}: {e}", args.bundle.display());
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

fn print_report(path: &Path, r: &VerifyReport, trust_given: bool) {
    println!("bundle      {}", path.display());
    if let Some(schema) = &r.schema {
        println!("format      {schema}");
    }
    if let Some(id) = &r.inspection_id {
        println!("inspection  {id}");
    }
    match r.mode {
        Some(Mode::Official) => println!("mode        official"),
        Some(Mode::Rehearsal) => println!("mode        REHEARSAL (预检) — not an official record"),
        None => {}
    }
    if let Some(kid) = &r.signer_kid {
        let pin = match (trust_given, r.signer_pinned, r.retirement_checked) {
            (_, Some(true), Some(true)) => "pinned by the --trust key history",
            (_, Some(true), _) => "pinned by a --trust key; retirement not checked",
            (true, _, _) => "NOT trusted",
            (false, _, _) => "not pinned: pass --trust HISTORY to check who signed",
        };
        println!("signer      {kid} ({pin})");
    }
    if let Some(at) = &r.sealed_at {
        println!("sealed at   {at}");
    }
    if let Some(d) = &r.manifest_sha256 {
        println!("manifest    sha256:{d}");
    }
    if let Some(root) = &r.merkle_root {
        println!("merkle root {root}");
    }
    println!("items       {}   events {}", r.items, r.events);
    match &r.timestamp {
        Some(t) => println!(
            "time-stamp  {} by {} ({})",
            t.gen_time,
            t.tsa_subject,
            if t.pinned {
                "TSA pinned by --tsa-trust"
            } else {
                "TSA not pinned: pass --tsa-trust CERT"
            }
        ),
        None if r.timestamped => println!("time-stamp  present but not valid"),
        None => println!("time-stamp  none: the sealing time is the signer's claim"),
    }
    if let Some(log) = &r.log {
        println!(
            "seal log    leaf {} of {} (tree head {}, {})",
            log.leaf_index,
            log.tree_size,
            log.tree_head_time,
            match log.pinned {
                Some(true) => "signed by a pinned key",
                _ => "signer not pinned",
            }
        );
    }
    for n in &r.notes {
        println!("note        [{}] {}", n.code, n.message);
    }
    if r.ok() {
        println!(
            "OK: intact{}",
            if r.signer_pinned == Some(true) {
                " and signed by a trusted key"
            } else {
                ""
            }
        );
    } else {
        println!("INVALID: {} problem(s)", r.problems.len());
        for p in &r.problems {
            println!("  [{}] {}", p.code, p.message);
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
    let file = File::open(&args.bundle)
        .with_context(|| format!("cannot read {}", args.bundle.display()))?;
    let mut bag = BagZip::open(BufReader::new(file), ReadLimits::default())?;
    let manifest = Manifest::from_json(&bag.read_small(MANIFEST_PATH, 256 << 20)?)?;
    if !manifest.items.iter().any(|i| i.item.id == args.item_id) {
        bail!("no item {:?} in the bundle", args.item_id);
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
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "check it with: hecha verify-proof PROOF.json --statement {} --trust HISTORY",
            out.display()
        );
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
    /// Language of the table.
    #[arg(long, default_value = "zh")]
    pub lang: Lang,
}

/// `hecha findings BUNDLE`: the findings re-computed by this engine from the bundle's
/// recorded facts and profile, so a verifier that cannot run the engine can compare them
/// with the sealed ones. Exit 0 when they equal the sealed findings as data (rule, status,
/// severity, evidence, measures, sources — not the words), 1 when not.
pub fn findings(args: &FindingsArgs) -> anyhow::Result<u8> {
    let file = File::open(&args.bundle)
        .with_context(|| format!("cannot read {}", args.bundle.display()))?;
    let mut bag = BagZip::open(BufReader::new(file), ReadLimits::default())?;
    let manifest = Manifest::from_json(&bag.read_small(MANIFEST_PATH, 256 << 20)?)?;
    let toml = String::from_utf8(bag.read_small(PROFILE_PATH, 16 << 20)?)
        .context("hecha/profile.toml is not UTF-8")?;
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
                f.status.label().get(args.lang),
                f.words(args.lang)
            );
        }
        println!(
            "{}",
            if same {
                "equal to the sealed findings"
            } else {
                "DIFFERENT from the sealed findings"
            }
        );
    }
    Ok(if same { 0 } else { EXIT_PROBLEMS })
}
