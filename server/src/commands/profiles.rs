//! `hecha profiles [ID]` and `hecha schema`.

use hecha_core::rules::{BUILTIN_PROFILES, RuleProfile};

#[derive(clap::Args)]
pub struct ProfilesArgs {
    /// Print this profile's TOML instead of listing them.
    pub id: Option<String>,
}

pub fn run(args: &ProfilesArgs) -> anyhow::Result<u8> {
    match &args.id {
        Some(id) => print!("{}", RuleProfile::builtin(id)?.source()),
        None => {
            for (id, _) in BUILTIN_PROFILES {
                let p = RuleProfile::builtin(id)?;
                println!("{id}\t{}\t{}\tsha256:{}", p.name.zh, p.name.en, p.sha256());
            }
        }
    }
    Ok(0)
}

pub fn print_schema() -> anyhow::Result<u8> {
    println!(
        "{}",
        serde_json::to_string_pretty(&hecha_core::schema::model_schema())?
    );
    Ok(0)
}
