//! The bundle keyrings (official records, rehearsals), held in memory and reloaded when
//! they change on disk.
//!
//! Operators rotate and retire keys with `hecha key …` on the keyring directory the
//! replicas share, while the servers run. A keyring kept from startup would go on signing
//! with a key retired meanwhile, which a verifier refuses; re-reading it on every request
//! would put blocking file reads inside async handlers. So each keyring is read once and
//! kept with a fingerprint of its directory (modification time and length of the index and
//! of the key history, which every rotation and retirement rewrite); every use compares the
//! fingerprint (two async `metadata` calls) and, only when it changed, re-reads the keyring
//! on a blocking thread and swaps it in. A keyring that cannot be re-read is an error, never
//! a reason to keep signing with the old one.
//!
//! The command line and the token keys are synchronous and read a directory directly, with
//! [`exists`] and [`open_or_create`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;
use hecha_core::seal::key::{Ed25519Key, Jwks, KeyPurpose};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::keyring::{KEYRING_HISTORY, KEYRING_INDEX, Keyring, KeyringError};
use tokio::sync::RwLock;

use crate::service::{ServiceError, ServiceResult};
use crate::settings::Settings;

/// Whether `dir` holds a keyring (its index).
pub fn exists(dir: &Path) -> bool {
    dir.join(KEYRING_INDEX).exists()
}

/// Opens the keyring in `dir`, creating it with one new key for `purpose` when there is
/// none. Opening migrates key files written as PKCS#8 v2 to v1, in place.
pub fn open_or_create(dir: &Path, purpose: KeyPurpose) -> anyhow::Result<Keyring> {
    if exists(dir) {
        open_for(dir, purpose)
    } else {
        Ok(Keyring::create_for(dir, purpose, chrono::Utc::now())?)
    }
}

/// Opens the keyring in `dir`, refusing one whose keys sign another purpose.
fn open_for(dir: &Path, purpose: KeyPurpose) -> anyhow::Result<Keyring> {
    let ring = Keyring::open(dir)?;
    anyhow::ensure!(
        ring.purpose() == purpose,
        "keyring {} holds {:?} keys, expected {purpose:?} keys",
        dir.display(),
        ring.purpose()
    );
    Ok(ring)
}

/// The server's two bundle keyrings.
pub struct BundleKeyrings {
    official: CachedKeyring,
    rehearsal: CachedKeyring,
}

impl BundleKeyrings {
    /// Opens both keyrings of `settings`, creating each on first start.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let open = |purpose| CachedKeyring::open(settings.keyring_for(purpose), purpose);
        Ok(Self {
            official: open(KeyPurpose::Official)
                .await
                .context("bundle-signing keyring")?,
            rehearsal: open(KeyPurpose::Rehearsal)
                .await
                .context("rehearsal-signing keyring")?,
        })
    }

    /// The keyring whose keys sign `purpose` bundles, as it is on disk now.
    pub async fn current(&self, purpose: KeyPurpose) -> ServiceResult<Arc<LoadedKeyring>> {
        match purpose {
            KeyPurpose::Official => &self.official,
            KeyPurpose::Rehearsal => &self.rehearsal,
        }
        .current()
        .await
        .map_err(ServiceError::internal)
    }

    /// The official keyring (seals, seat tags, the seal log, the published keys).
    pub async fn official(&self) -> ServiceResult<Arc<LoadedKeyring>> {
        self.current(KeyPurpose::Official).await
    }
}

/// A keyring as read at one moment: its history, its public keys and its active key.
pub struct LoadedKeyring {
    ring: Keyring,
    jwks: Jwks,
    signer: Option<Arc<Ed25519Key>>,
    fingerprint: Fingerprint,
}

impl LoadedKeyring {
    /// Reads the keyring in `dir`; `fingerprint` is the directory's, taken before reading
    /// (a change made while reading then shows as a different fingerprint next time).
    fn read(dir: &Path, purpose: KeyPurpose, fingerprint: Fingerprint) -> anyhow::Result<Self> {
        let ring = open_for(dir, purpose)?;
        let jwks = ring.jwks()?;
        let signer = match ring.active_signer() {
            Ok(key) => Some(Arc::new(key)),
            Err(KeyringError::NoActiveKey) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Self {
            ring,
            jwks,
            signer,
            fingerprint,
        })
    }

    /// The key history (what every bundle carries, what auditors pin).
    pub fn history(&self) -> &KeyHistory {
        self.ring.history()
    }

    /// Every public key of the history, retired ones included.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// The kid of the key that signs, if any.
    pub fn active_kid(&self) -> Option<&str> {
        self.ring.active_kid()
    }

    /// The active key, to sign with ([`KeyringError::NoActiveKey`] when the last one was
    /// retired).
    pub fn active_signer(&self) -> Result<Arc<Ed25519Key>, KeyringError> {
        self.signer.clone().ok_or(KeyringError::NoActiveKey)
    }
}

/// One keyring directory and what was last read from it.
struct CachedKeyring {
    dir: PathBuf,
    purpose: KeyPurpose,
    loaded: RwLock<Arc<LoadedKeyring>>,
}

impl CachedKeyring {
    /// Creates the keyring when missing, then reads it.
    async fn open(dir: PathBuf, purpose: KeyPurpose) -> anyhow::Result<Self> {
        let at = dir.clone();
        tokio::task::spawn_blocking(move || open_or_create(&at, purpose)).await??;
        let fingerprint = Fingerprint::of(&dir).await?;
        let loaded = load(&dir, purpose, fingerprint).await?;
        Ok(Self {
            dir,
            purpose,
            loaded: RwLock::new(Arc::new(loaded)),
        })
    }

    /// The keyring, re-read first when its directory changed since it was last read.
    async fn current(&self) -> anyhow::Result<Arc<LoadedKeyring>> {
        let now = Fingerprint::of(&self.dir).await?;
        {
            let loaded = self.loaded.read().await;
            if loaded.fingerprint == now {
                return Ok(loaded.clone());
            }
        }
        let mut loaded = self.loaded.write().await;
        // Another request may have re-read it while this one waited.
        if loaded.fingerprint != now {
            *loaded = Arc::new(load(&self.dir, self.purpose, now).await?);
            tracing::info!(
                keyring = %self.dir.display(),
                active = loaded.active_kid().unwrap_or("none"),
                "keyring changed on disk: reloaded"
            );
        }
        Ok(loaded.clone())
    }
}

/// [`LoadedKeyring::read`] on a blocking thread.
async fn load(
    dir: &Path,
    purpose: KeyPurpose,
    fingerprint: Fingerprint,
) -> anyhow::Result<LoadedKeyring> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || LoadedKeyring::read(&dir, purpose, fingerprint)).await?
}

/// What changes when a keyring is rotated or a key retired: both files are rewritten
/// (a new file renamed over the old), and the history only grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    index: FileStamp,
    history: FileStamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl Fingerprint {
    async fn of(dir: &Path) -> std::io::Result<Self> {
        let (index, history) = tokio::join!(
            FileStamp::of(dir.join(KEYRING_INDEX)),
            FileStamp::of(dir.join(KEYRING_HISTORY))
        );
        Ok(Self {
            index: index?,
            history: history?,
        })
    }
}

impl FileStamp {
    async fn of(path: PathBuf) -> std::io::Result<Self> {
        let meta = tokio::fs::metadata(&path).await?;
        Ok(Self {
            modified: meta.modified().ok(),
            len: meta.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    async fn official(dir: &Path) -> CachedKeyring {
        CachedKeyring::open(dir.to_owned(), KeyPurpose::Official)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn an_unchanged_keyring_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = official(dir.path()).await;
        let first = cache.current().await.unwrap();
        let again = cache.current().await.unwrap();
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[tokio::test]
    async fn a_rotation_on_disk_is_used_by_the_next_call() {
        let dir = tempfile::tempdir().unwrap();
        let cache = official(dir.path()).await;
        let before = cache.current().await.unwrap();
        let old = before.active_kid().unwrap().to_owned();

        let new = Keyring::open(dir.path())
            .unwrap()
            .rotate(chrono::Utc::now())
            .unwrap();
        let after = cache.current().await.unwrap();
        assert_ne!(old, new);
        assert_eq!(after.active_kid(), Some(new.as_str()));
        assert_eq!(after.active_signer().unwrap().kid(), new);
        assert!(after.jwks().find(&old).is_some() && after.jwks().find(&new).is_some());
        assert_eq!(after.history().entries.len(), 2);
        // What was handed out before stays as it was read.
        assert_eq!(before.active_kid(), Some(old.as_str()));
    }

    #[tokio::test]
    async fn a_retirement_on_disk_stops_the_signing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = official(dir.path()).await;
        let kid = cache
            .current()
            .await
            .unwrap()
            .active_kid()
            .unwrap()
            .to_owned();
        Keyring::open(dir.path())
            .unwrap()
            .retire(&kid, chrono::Utc::now())
            .unwrap();
        let after = cache.current().await.unwrap();
        assert!(matches!(
            after.active_signer(),
            Err(KeyringError::NoActiveKey)
        ));
        assert_eq!(after.active_kid(), None);
    }

    #[tokio::test]
    async fn a_keyring_that_cannot_be_read_again_is_an_error_not_the_old_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = official(dir.path()).await;
        cache.current().await.unwrap();
        let index = dir.path().join(KEYRING_INDEX);
        let text = std::fs::read_to_string(&index).unwrap();
        std::fs::write(&index, format!("{text}\nunknown = 1\n")).unwrap();
        assert!(cache.current().await.is_err());
        // Repaired: read again.
        std::fs::write(&index, text).unwrap();
        cache.current().await.unwrap();
    }

    #[tokio::test]
    async fn a_keyring_of_the_other_purpose_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        Keyring::create_for(dir.path(), KeyPurpose::Rehearsal, chrono::Utc::now()).unwrap();
        assert!(
            CachedKeyring::open(dir.path().to_owned(), KeyPurpose::Official)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn the_fingerprint_follows_each_file() {
        let dir = tempfile::tempdir().unwrap();
        Keyring::create(dir.path(), chrono::Utc::now()).unwrap();
        let before = Fingerprint::of(dir.path()).await.unwrap();
        assert_eq!(Fingerprint::of(dir.path()).await.unwrap(), before);
        let history = dir.path().join(KEYRING_HISTORY);
        let text = std::fs::read_to_string(&history).unwrap();
        std::fs::write(&history, format!("{text} ")).unwrap();
        let after = Fingerprint::of(dir.path()).await.unwrap();
        assert_ne!(after, before);
        assert_eq!(after.index, before.index);
        assert!(Fingerprint::of(&dir.path().join("missing")).await.is_err());
    }
}
