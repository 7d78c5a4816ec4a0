//! `hecha qr FILE...` (in progress).
use std::path::PathBuf;

pub fn run(_files: &[PathBuf]) -> anyhow::Result<u8> {
    anyhow::bail!("not yet implemented")
}
