//! `hecha check DIR`: a rehearsal (预检) from a folder. Prints the findings as a table, or
//! one JSON document with `--json`. Exit 0 when no finding is fail or missing, 1 otherwise,
//! 2 when the folder or the profile cannot be read.

use super::doing;
use super::words;
use std::path::PathBuf;

use anyhow::Context;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use hecha_core::capture::pii::PersonHasher;
use hecha_core::i18n::Message;
use hecha_core::model::{Finding, Lang, Mode};
use hecha_core::msg;
use hecha_core::rehearsal::load_folder;
use hecha_core::rehearsal::on_the_day::OnTheDay;
use hecha_core::rules::{RuleProfile, evaluate, finding_sources, summarize};

use crate::EXIT_PROBLEMS;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Folder holding inspection.toml and the files it names.
    pub dir: PathBuf,
    /// Built-in profile to use instead of the one the folder names.
    #[arg(long, conflicts_with = "profile_file")]
    pub profile: Option<String>,
    /// A profile TOML file (an operator's own).
    #[arg(long)]
    pub profile_file: Option<PathBuf>,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Under the table, quote the sentences of the sources each rule rests on.
    #[arg(long, conflicts_with = "json")]
    pub sources: bool,
}

/// The profile chosen by the flags, else the one the inspection names.
pub fn choose_profile(
    profile: Option<&str>,
    file: Option<&PathBuf>,
    named: &str,
) -> anyhow::Result<RuleProfile> {
    if let Some(path) = file {
        let text =
            std::fs::read_to_string(path).with_context(doing("cli-cannot-read-profile", path))?;
        return Ok(RuleProfile::from_toml(&text)?);
    }
    Ok(RuleProfile::builtin(profile.unwrap_or(named))?)
}

/// A person-hash key for this run only: duplicates are spotted within the rehearsal, and
/// the hashes it prints cannot be reversed by anyone without the key.
pub fn ephemeral_hasher() -> anyhow::Result<PersonHasher> {
    random_hasher("rehearsal-ephemeral")
}

/// A person-hash key made at random and kept nowhere, named `key_id`.
pub fn random_hasher(key_id: &str) -> anyhow::Result<PersonHasher> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| anyhow::anyhow!(words(&msg!("cli-no-randomness", problem = e.to_string()))))?;
    Ok(PersonHasher::new(key_id, &key)?)
}

pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let hasher = ephemeral_hasher()?;
    let rehearsal = load_folder(&args.dir, &hasher)?;
    let profile = choose_profile(
        args.profile.as_deref(),
        args.profile_file.as_ref(),
        &rehearsal.inspection.profile,
    )?;
    profile.check_scope(&rehearsal.inspection)?;
    let findings = evaluate(&profile, &rehearsal.inspection, &rehearsal.evidence);
    let summary = summarize(&findings);
    // A rehearsal settles nothing the visit gathers or counts again on its own day.
    let on_the_day = match rehearsal.inspection.mode {
        Mode::Rehearsal => OnTheDay::of(&findings),
        Mode::Official => OnTheDay::default(),
    };
    if args.json {
        let doc = serde_json::json!({
            "inspection_id": rehearsal.inspection.id,
            "mode": rehearsal.inspection.mode,
            "profile": profile.id,
            "profile_sha256": profile.sha256(),
            "engine_version": hecha_core::ENGINE_VERSION,
            "as_of": rehearsal.inspection.as_of().to_rfc3339(),
            "summary": summary,
            "findings": findings,
            "rechecked_on_the_day": on_the_day.ids(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_table(
            &rehearsal.inspection.company.name,
            &profile,
            &findings,
            super::lang(),
        );
        println!("{}", summary.text().get(super::lang()));
        if args.sources {
            print_sources(&profile, &findings, super::lang());
        }
        for line in on_the_day.lines(super::lang()) {
            println!("{line}");
        }
    }
    Ok(if summary.ready { 0 } else { EXIT_PROBLEMS })
}

fn print_table(company: &str, profile: &RuleProfile, findings: &[Finding], lang: Lang) {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if std::env::var_os("COLUMNS").is_none()
        && !std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        table.set_width(160);
    }
    table.set_header(
        [
            msg!("cli-col-status"),
            msg!("cli-col-rule"),
            msg!("cli-col-title"),
            msg!("cli-col-why"),
        ]
        .map(|m| m.render(lang)),
    );
    for f in findings {
        table.add_row([
            f.status.label().get(lang),
            f.rule_id.as_str(),
            f.title.get(lang),
            f.message.get(lang),
        ]);
    }
    println!("{company} — {}", profile.name.get(lang));
    println!("{table}");
}

/// Each rule, then the sources it rests on, one citation a line: the words as written in
/// Chinese, the English rendering in English.
fn print_sources(profile: &RuleProfile, findings: &[Finding], lang: Lang) {
    println!("\n{}", Message::new("source-heading").render(lang));
    for f in findings {
        println!("{} {}", f.rule_id, f.title.get(lang));
        for source in finding_sources(f, Some(profile)) {
            println!("  {}", source.line(lang));
        }
    }
}
