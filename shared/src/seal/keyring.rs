//! The keyring directory ([`Keyring`]): one `<kid>.pem` per key (mode 0600), the index
//! [`KEYRING_INDEX`] naming the active kid and the retired ones with their retirement time,
//! and the key history [`KEYRING_HISTORY`]. Only the active key signs; a retired key still
//! verifies what it signed before its retirement. Of the three key modules (`key`,
//! `key_history`, this one), only this one reads and writes a directory.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::format_time;
use super::key::{Ed25519Key, Jwks, KeyError, KeyPurpose, io_err};
use super::key_history::{KeyAction, KeyHistory, KeyHistoryError, KeyStatementError};

/// Why a keyring cannot be opened, created or changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("keyring index {path} is invalid: {problem}")]
    BadIndex { path: PathBuf, problem: String },
    #[error("no key {0:?} in the keyring")]
    UnknownKid(String),
    #[error("key {kid} was retired at {at}; a retired key signs nothing new")]
    Retired { kid: String, at: String },
    #[error("the keyring has no active key (run `hecha key rotate` to make one)")]
    NoActiveKey,
    #[error("key file {path} holds key {found}, the index says {expected}")]
    KidMismatch {
        path: PathBuf,
        expected: String,
        found: String,
    },
    /// A key file, or one of the keyring's files: unreadable, unwritable, already there.
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("key history: {0}")]
    History(#[from] KeyHistoryError),
    #[error(transparent)]
    Statement(#[from] KeyStatementError),
}

/// File name of the keyring index.
pub const KEYRING_INDEX: &str = "keyring.toml";
/// File name of the keyring's key history.
pub const KEYRING_HISTORY: &str = "key-history.json";

/// One key of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyringEntry {
    pub kid: String,
    /// PEM file name, relative to the keyring directory.
    pub file: String,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyringIndex {
    /// What the keyring's keys sign; absent in keyrings written before rehearsal keys had
    /// their own keyring: official.
    #[serde(default)]
    purpose: KeyPurpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active: Option<String>,
    #[serde(default, rename = "key")]
    keys: Vec<KeyringEntry>,
}

/// A keyring directory.
#[derive(Debug)]
pub struct Keyring {
    dir: PathBuf,
    index: KeyringIndex,
    history: KeyHistory,
}

impl Keyring {
    /// Creates an official keyring in `dir` (created if missing) with a first,
    /// self-introduced key.
    pub fn create(dir: &Path, at: DateTime<Utc>) -> Result<Self, KeyringError> {
        Self::create_for(dir, KeyPurpose::Official, at)
    }

    /// Creates a keyring whose keys sign `purpose` bundles only.
    pub fn create_for(
        dir: &Path,
        purpose: KeyPurpose,
        at: DateTime<Utc>,
    ) -> Result<Self, KeyringError> {
        // Owner-only, like the key files in it.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(io_err(dir))?;
        let index_path = dir.join(KEYRING_INDEX);
        if index_path.exists() {
            return Err(KeyError::Exists { path: index_path }.into());
        }
        let mut ring = Self {
            dir: dir.to_owned(),
            index: KeyringIndex {
                purpose,
                ..KeyringIndex::default()
            },
            history: KeyHistory::default(),
        };
        let key = Ed25519Key::generate()?;
        ring.history
            .introduce(&key.public_jwk().clone().with_purpose(purpose), &key, at)?;
        ring.add_key(&key, at)?;
        ring.save()?;
        Ok(ring)
    }

    /// Opens an existing keyring and checks its index against its history. Key files an
    /// earlier version wrote as PKCS#8 v2 are rewritten as v1 in place.
    pub fn open(dir: &Path) -> Result<Self, KeyringError> {
        let index_path = dir.join(KEYRING_INDEX);
        let text = std::fs::read_to_string(&index_path).map_err(io_err(&index_path))?;
        let index: KeyringIndex = toml::from_str(&text).map_err(|e| KeyringError::BadIndex {
            path: index_path.clone(),
            problem: e.message().to_owned(),
        })?;
        let history_path = dir.join(KEYRING_HISTORY);
        let text = std::fs::read_to_string(&history_path).map_err(io_err(&history_path))?;
        let history: KeyHistory =
            serde_json::from_str(&text).map_err(|e| KeyringError::BadIndex {
                path: history_path.clone(),
                problem: e.to_string(),
            })?;
        let chain = history.verify()?;
        let bad = |problem: String| KeyringError::BadIndex {
            path: index_path.clone(),
            problem,
        };
        if let Some(active) = &index.active {
            let entry = index
                .keys
                .iter()
                .find(|k| &k.kid == active)
                .ok_or_else(|| bad(format!("active key {active} is not listed")))?;
            if entry.retired.is_some() {
                return Err(bad(format!("active key {active} is marked retired")));
            }
            if chain
                .keys()
                .last()
                .is_none_or(|k| &k.jwk.kid != active || k.retired_at.is_some())
            {
                return Err(bad(format!(
                    "active key {active} is not the unretired latest key of the history"
                )));
            }
        }
        if chain.purpose() != index.purpose {
            return Err(bad(format!(
                "the index says {:?} keys, the history holds {:?} keys",
                index.purpose,
                chain.purpose()
            )));
        }
        for entry in &index.keys {
            Ed25519Key::migrate_pem_file(&dir.join(&entry.file))?;
        }
        Ok(Self {
            dir: dir.to_owned(),
            index,
            history,
        })
    }

    fn add_key(&mut self, key: &Ed25519Key, at: DateTime<Utc>) -> Result<(), KeyringError> {
        let file = format!("{}.pem", key.kid());
        key.write_pem_file(&self.dir.join(&file))?;
        self.index.keys.push(KeyringEntry {
            kid: key.kid().to_owned(),
            file,
            created: format_time(at),
            retired: None,
        });
        self.index.active = Some(key.kid().to_owned());
        Ok(())
    }

    /// Writes the index and the history (each to a temporary file, then renamed).
    fn save(&self) -> Result<(), KeyringError> {
        let index = toml::to_string_pretty(&self.index).map_err(|e| KeyringError::BadIndex {
            path: self.dir.join(KEYRING_INDEX),
            problem: e.to_string(),
        })?;
        let history =
            serde_json::to_string_pretty(&self.history).map_err(|e| KeyringError::BadIndex {
                path: self.dir.join(KEYRING_HISTORY),
                problem: e.to_string(),
            })?;
        write_atomic(&self.dir.join(KEYRING_HISTORY), history.as_bytes())?;
        write_atomic(&self.dir.join(KEYRING_INDEX), index.as_bytes())
    }

    fn load(&self, kid: &str) -> Result<Ed25519Key, KeyringError> {
        let entry = self.entry(kid)?;
        let path = self.dir.join(&entry.file);
        let key = Ed25519Key::read_pem_file(&path)?;
        if key.kid() != kid {
            return Err(KeyringError::KidMismatch {
                path,
                expected: kid.to_owned(),
                found: key.kid().to_owned(),
            });
        }
        Ok(key)
    }

    fn entry(&self, kid: &str) -> Result<&KeyringEntry, KeyringError> {
        self.index
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .ok_or_else(|| KeyringError::UnknownKid(kid.to_owned()))
    }

    /// The keys, oldest first.
    pub fn list(&self) -> &[KeyringEntry] {
        &self.index.keys
    }

    /// What this keyring's keys sign.
    pub fn purpose(&self) -> KeyPurpose {
        self.index.purpose
    }

    /// The kid of the key that signs, if any.
    pub fn active_kid(&self) -> Option<&str> {
        self.index.active.as_deref()
    }

    /// The active key, to sign with. A retired key is never returned.
    pub fn active_signer(&self) -> Result<Ed25519Key, KeyringError> {
        let kid = self
            .index
            .active
            .as_deref()
            .ok_or(KeyringError::NoActiveKey)?;
        self.load(kid)
    }

    /// The key history (goes into every bundle as `hecha/key-history.json`).
    pub fn history(&self) -> &KeyHistory {
        &self.history
    }

    /// All public keys, for `hecha/jwks.json`.
    pub fn jwks(&self) -> Result<Jwks, KeyringError> {
        Ok(self.history.verify()?.jwks())
    }

    /// Makes a new active key, introduced by the latest key; the previously active key is
    /// retired as of `at`. Returns the new kid.
    pub fn rotate(&mut self, at: DateTime<Utc>) -> Result<String, KeyringError> {
        let latest = self
            .history
            .entries
            .iter()
            .rev()
            .find(|e| e.statement.action == KeyAction::Introduce)
            .map(|e| e.statement.key.kid.clone())
            .ok_or(KeyHistoryError::Empty)?;
        let predecessor = self.load(&latest)?;
        let key = Ed25519Key::generate()?;
        let jwk = key.public_jwk().clone().with_purpose(self.index.purpose);
        self.history.introduce(&jwk, &predecessor, at)?;
        let stamp = format_time(at);
        for entry in &mut self.index.keys {
            if entry.retired.is_none() {
                entry.retired = Some(stamp.clone());
            }
        }
        self.add_key(&key, at)?;
        self.save()?;
        Ok(key.kid().to_owned())
    }

    /// Retires the active key `kid` as of `at`: the keyring then signs nothing until the
    /// next `rotate`. Earlier keys were retired by their successor's introduction.
    pub fn retire(&mut self, kid: &str, at: DateTime<Utc>) -> Result<(), KeyringError> {
        let entry = self.entry(kid)?;
        if let Some(when) = &entry.retired {
            return Err(KeyringError::Retired {
                kid: kid.to_owned(),
                at: when.clone(),
            });
        }
        let key = self.load(kid)?;
        let jwk = key.public_jwk().clone().with_purpose(self.index.purpose);
        self.history.retire(&key, &jwk, at)?;
        let stamp = format_time(at);
        for entry in &mut self.index.keys {
            if entry.kid == kid {
                entry.retired = Some(stamp.clone());
            }
        }
        if self.index.active.as_deref() == Some(kid) {
            self.index.active = None;
        }
        self.save()
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), KeyringError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn keyring_generate_rotate_retire() {
        let dir = tempfile::tempdir().unwrap();
        let ring_dir = dir.path().join("ring");
        let ring = Keyring::create(&ring_dir, t(1)).unwrap();
        let first = ring.active_kid().unwrap().to_owned();
        assert!(matches!(
            Keyring::create(&ring_dir, t(1)),
            Err(KeyringError::Key(KeyError::Exists { .. }))
        ));

        let mut ring = Keyring::open(&ring_dir).unwrap();
        let second = ring.rotate(t(2)).unwrap();
        assert_eq!(ring.active_kid(), Some(second.as_str()));
        assert_eq!(ring.active_signer().unwrap().kid(), second);
        let listed = ring.list();
        assert_eq!(listed[0].retired.as_deref(), Some("2025-03-01T02:00:00Z"));
        assert!(listed[1].retired.is_none());
        assert!(matches!(
            ring.retire(&first, t(3)),
            Err(KeyringError::Retired { .. })
        ));

        ring.retire(&second, t(3)).unwrap();
        assert!(matches!(
            ring.active_signer(),
            Err(KeyringError::NoActiveKey)
        ));
        let ring = Keyring::open(&ring_dir).unwrap();
        let chain = ring.history().verify().unwrap();
        // The retired key still verifies what it signed before, nothing after.
        chain.key_at(&second, "2025-03-01T02:59:59Z").unwrap();
        assert!(chain.key_at(&second, "2025-03-01T03:00:00Z").is_err());

        // A rotation after a retirement is introduced by the retired latest key.
        let mut ring = ring;
        let third = ring.rotate(t(4)).unwrap();
        let chain = Keyring::open(&ring_dir)
            .unwrap()
            .history()
            .verify()
            .unwrap();
        assert!(chain.is_reached_from(&[first.as_str()], &third));
        assert_eq!(ring.jwks().unwrap().keys.len(), 3);
        assert!(matches!(
            ring.retire("nope", t(5)),
            Err(KeyringError::UnknownKid(_))
        ));
    }

    #[test]
    fn a_keyring_whose_index_disagrees_with_its_history_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ring = Keyring::create(dir.path(), t(1)).unwrap();
        let kid = ring.active_kid().unwrap().to_owned();
        let index = dir.path().join(KEYRING_INDEX);
        let text = std::fs::read_to_string(&index).unwrap();
        std::fs::write(&index, text.replace(&kid, "someone-else")).unwrap();
        assert!(matches!(
            Keyring::open(dir.path()),
            Err(KeyringError::BadIndex { .. })
        ));
    }
}
