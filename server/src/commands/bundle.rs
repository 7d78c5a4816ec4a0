//! `hecha seal`, `hecha verify` and `hecha prove`: sealed bundles from the command line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Utc;
use hecha_core::bundle::bagit::{BagError, BagInfo, BagZip, ReadLimits};
use hecha_core::bundle::export::{BlobSource, MANIFEST_PATH, write_bundle};
use hecha_core::bundle::seal::{SealRequest, seal_bundle};
use hecha_core::bundle::verify::{VerifyOptions, VerifyReport, verify_bundle};
use hecha_core::model::{EvidenceItem, Mode};
use hecha_core::rehearsal::load_folder;
use hecha_core::seal::events::EventLog;
use hecha_core::seal::keys::{Ed25519Key, Jwks, KeyHistory, PublicJwk, format_time};
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
    let mut history = KeyHistory::default();
    history.introduce(key.public_jwk(), &key, now)?;
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
    let info = BagInfo {
        source_organization: folder.inspection.company.name.clone(),
        bagging_date: now.format("%Y-%m-%d").to_string(),
        external_identifier: folder.inspection.id.clone(),
        extra: vec![(
            "Bag-Software-Agent".into(),
            format!("hecha {}", env!("CARGO_PKG_VERSION")),
        )],
    };
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
    /// Trusted signer keys: a JWKS or JWK JSON file, or an Ed25519 PEM (public or private).
    #[arg(long)]
    pub trust: Vec<PathBuf>,
    /// Fail unless the bundle is an official record (rehearsals never are).
    #[arg(long)]
    pub require_official: bool,
    /// Certificates (PEM or DER) the time-stamping authority must chain to.
    #[arg(long)]
    pub tsa_trust: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads trusted keys from a JWKS, a JWK, or an Ed25519 PEM file.
pub fn read_trust(path: &Path) -> anyhow::Result<Vec<PublicJwk>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read trust file {}", path.display()))?;
    if text.trim_start().starts_with('{') {
        if let Ok(jwks) = serde_json::from_str::<Jwks>(&text) {
            return Ok(jwks.keys);
        }
        let jwk: PublicJwk = serde_json::from_str(&text)
            .with_context(|| format!("{} is neither a JWKS nor a JWK", path.display()))?;
        return Ok(vec![jwk]);
    }
    if text.contains("PRIVATE KEY") {
        return Ok(vec![
            Ed25519Key::from_pkcs8_pem(&text)?.public_jwk().clone(),
        ]);
    }
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let key = ed25519_dalek::VerifyingKey::from_public_key_pem(&text)
        .map_err(|e| anyhow::anyhow!("{}: not an Ed25519 public key: {e}", path.display()))?;
    Ok(vec![PublicJwk::ed25519(key.as_bytes())])
}

pub fn verify(args: &VerifyArgs) -> anyhow::Result<u8> {
    let mut trusted = Vec::new();
    for path in &args.trust {
        trusted.extend(read_trust(path)?);
    }
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
        trusted,
        require_official: args.require_official,
        tsa_anchors,
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
    if let Some(id) = &r.inspection_id {
        println!("inspection  {id}");
    }
    match r.mode {
        Some(Mode::Official) => println!("mode        official"),
        Some(Mode::Rehearsal) => println!("mode        REHEARSAL (预检) — not an official record"),
        None => {}
    }
    if let Some(kid) = &r.signer_kid {
        let pin = match (trust_given, r.signer_pinned) {
            (_, Some(true)) => "pinned by --trust",
            (true, _) => "NOT among the trusted keys",
            (false, _) => "not pinned: pass --trust KEY to check who signed",
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
        None => println!("time-stamp  none"),
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
    eprintln!(
        "check it with: hecha verify-proof PROOF.json --root {}",
        manifest.merkle_root
    );
    Ok(0)
}
