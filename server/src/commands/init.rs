//! `hecha init DIR --profile ID`: a rehearsal folder's skeleton — `inspection.toml` naming
//! every piece of evidence the profile asks for (commented, zh + en) and the empty folders
//! the files go in. Never overwrites an existing `inspection.toml`.

use super::doing;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use hecha_core::i18n::Message;
use hecha_core::rehearsal::INSPECTION_FILE;
use hecha_core::rehearsal::skeleton::skeleton;

use super::check::choose_profile;
use super::{complain, say};
use crate::EXIT_USAGE;

/// The folders a skeleton's items name their files in.
const FOLDERS: [&str; 4] = ["photos", "documents", "certificates", "media"];

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to create (or an empty one to fill).
    pub dir: PathBuf,
    /// Built-in profile whose evidence the skeleton lists.
    #[arg(
        long,
        conflicts_with = "profile_file",
        required_unless_present = "profile_file"
    )]
    pub profile: Option<String>,
    /// A profile TOML file (an operator's own).
    #[arg(long)]
    pub profile_file: Option<PathBuf>,
}

pub fn run(args: &InitArgs) -> anyhow::Result<u8> {
    let profile = choose_profile(args.profile.as_deref(), args.profile_file.as_ref(), "")?;
    let path = args.dir.join(INSPECTION_FILE);
    let name = args
        .dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("rehearsal");
    let text = skeleton(&profile, name, chrono::Local::now().date_naive());
    std::fs::create_dir_all(&args.dir).with_context(doing("cli-cannot-create", &args.dir))?;
    // create_new: an existing description is never replaced, even by a race.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            complain(&Message::new("init-exists").arg("file", path.display().to_string()));
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            return Err(e).with_context(doing("cli-cannot-create", &path));
        }
    };
    file.write_all(text.as_bytes())
        .with_context(doing("cli-cannot-write", &path))?;
    for folder in FOLDERS {
        let dir = args.dir.join(folder);
        std::fs::create_dir_all(&dir).with_context(doing("cli-cannot-create", &dir))?;
    }
    say(&Message::new("init-written").arg("file", path.display().to_string()));
    Ok(0)
}
