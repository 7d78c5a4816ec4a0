//! What the server keeps on disk is private: the SQLite database and its WAL hold
//! person-hash keys, webhook secrets and password hashes, the keyrings hold signing keys,
//! the blob directory and the spool hold evidence. Directories are created 0700 and files
//! 0600 (owner only), and an installation from before is brought there at start: every
//! command that opens the server's state (`serve`, `migrate`, `admin`, `export`, `gc`,
//! `pii-scan`) calls [`secure_data_dir`] first. SQLite creates its `-wal` and `-shm` files
//! with the database file's mode, so a database created 0600 keeps them 0600.

use std::io;
use std::path::{Path, PathBuf};

use crate::settings::Settings;

/// Creates `dir` (and missing parents) owner-only, and makes it owner-only if it exists.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Makes an existing file owner-only (a missing one is not an error).
pub fn private_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// The file of a `sqlite://PATH?…` URL.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The data directory, its subdirectories and the SQLite database owner-only, created so
/// when missing.
pub fn secure_data_dir(settings: &Settings) -> io::Result<()> {
    private_dir(&settings.data_dir)?;
    for dir in [
        settings.spool_dir(),
        settings.blob_dir(),
        settings.data_dir.join("keys"),
    ] {
        if dir.starts_with(&settings.data_dir) {
            private_dir(&dir)?;
        }
    }
    if let Some(db) = sqlite_path(&settings.database_url()) {
        if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            private_dir(parent)?;
        }
        #[cfg(unix)]
        if !db.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            // Created here, empty and 0600, before SQLite opens it with the umask's mode.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&db)?;
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = db.clone().into_os_string();
            p.push(suffix);
            private_file(Path::new(&p))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/hecha/hecha.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/hecha/hecha.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://db/hecha"), None);
    }
}
