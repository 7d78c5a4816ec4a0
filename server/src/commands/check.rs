//! `hecha check DIR` (in progress).
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CheckArgs {
    pub dir: PathBuf,
}

pub fn run(_args: &CheckArgs) -> anyhow::Result<u8> {
    anyhow::bail!("not yet implemented")
}
