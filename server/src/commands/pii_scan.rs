//! `hecha pii-scan`: lists where full ID numbers remain in the configured database and blob
//! store (sealed bundles cannot change, ids are not rewritten). Exit 1 when any is found,
//! 0 when clean; the number itself is never printed, only its masked form.

use hecha_server::startup;

use super::server::ConfigArgs;

#[derive(clap::Args, Debug)]
pub struct PiiScanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// One JSON document instead of lines.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &PiiScanArgs) -> anyhow::Result<u8> {
    let settings = args.config.load(None)?;
    let json = args.json;
    actix_web::rt::System::new().block_on(async move {
        let state = startup::prepare(settings).await?;
        let found = hecha_server::pii_scan::run(&state).await?;
        if json {
            println!(
                "{}",
                serde_json::json!({ "clean": found.is_empty(), "findings": found })
            );
        } else {
            for f in &found {
                println!("{} {} {}: {}", f.source, f.at, f.path, f.masked);
            }
            eprintln!("{} place(s) hold a full ID number", found.len());
        }
        Ok(if found.is_empty() {
            0
        } else {
            crate::EXIT_PROBLEMS
        })
    })
}
