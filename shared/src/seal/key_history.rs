//! The key history (`hecha/key-history.json` in a bundle, `key-history.json` in a keyring):
//! each key is introduced by a statement signed by its predecessor (the first key signs its
//! own), and retirements are recorded, so a verifier walks offline from the first (or a
//! trusted) key to the signer and learns when each key was allowed to sign ([`KeyChain`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::canonical::{CanonicalError, canonical_sha256, to_canonical_json};
use super::events::GENESIS_PREV;
use super::key::{BundleSigner, Jwks, KeyPurpose, PublicJwk, SignerError, verify_ed25519};
use super::{b64url, b64url_decode, format_time};

/// Schema id of `key-history.json`.
pub const KEY_HISTORY_SCHEMA: &str = "hecha.key-history/v1";

/// What a statement does to its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyAction {
    /// The key may sign bundles from `at` on (until its successor's introduction or its
    /// retirement).
    Introduce,
    /// The key signs nothing from `at` on.
    Retire,
}

/// What a history entry states; its canonical JSON is what is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyStatement {
    /// From 1.
    pub seq: u64,
    pub action: KeyAction,
    /// The key introduced or retired.
    pub key: PublicJwk,
    /// RFC 3339.
    pub at: String,
    /// SHA-256 (hex) of the previous entry's canonical JSON, or 64 zeros for the first.
    pub prev: String,
}

/// A statement and the signature over its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyHistoryEntry {
    pub statement: KeyStatement,
    /// Kid of the signing key: the key itself for the first introduction and for a
    /// retirement, the predecessor (the latest introduced key) for a later introduction.
    pub signer: String,
    /// Ed25519 signature, base64url without padding, over the statement's canonical JSON.
    pub signature: String,
}

/// The signer's key history (`hecha/key-history.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyHistory {
    pub schema: String,
    pub entries: Vec<KeyHistoryEntry>,
}

impl Default for KeyHistory {
    fn default() -> Self {
        Self {
            schema: KEY_HISTORY_SCHEMA.into(),
            entries: Vec::new(),
        }
    }
}

/// Where a key history is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyHistoryError {
    #[error("key history schema is {0:?}, expected {KEY_HISTORY_SCHEMA:?}")]
    Schema(String),
    #[error("key history is empty")]
    Empty,
    #[error(
        "entry {position}: seq is {found}, expected {expected} (an entry was dropped or reordered)"
    )]
    Seq {
        position: usize,
        expected: u64,
        found: u64,
    },
    #[error("entry {seq}: prev does not match the previous entry (the history was cut or spliced)")]
    Prev { seq: u64 },
    #[error("entry {seq}: {problem}")]
    BadKey { seq: u64, problem: String },
    #[error("entry {seq}: time {at:?} is not RFC 3339 or goes back before the previous entry")]
    Time { seq: u64, at: String },
    #[error("entry {seq}: must be signed by {expected}, is signed by {found}")]
    WrongSigner {
        seq: u64,
        expected: String,
        found: String,
    },
    #[error(
        "entry {seq}: the signature by {signer} does not verify (the statement was altered or forged)"
    )]
    BadSignature { seq: u64, signer: String },
    #[error("entry {seq}: {problem}")]
    Sequence { seq: u64, problem: String },
    #[error("key {0} is not in the key history")]
    UnknownSigner(String),
    #[error("key {kid} signed at {signed_at}, before its introduction at {introduced_at}")]
    SignedBeforeIntroduction {
        kid: String,
        signed_at: String,
        introduced_at: String,
    },
    #[error("key {kid} signed at {signed_at}, after its retirement at {retired_at}")]
    SignedAfterRetirement {
        kid: String,
        signed_at: String,
        retired_at: String,
    },
    #[error("signing time {0:?} is not RFC 3339")]
    BadSigningTime(String),
}

/// Why a statement could not be added to a key history (nothing was added).
#[derive(Debug, thiserror::Error)]
pub enum KeyStatementError {
    #[error("signing failed: {0}")]
    Signer(#[from] SignerError),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("key history: {0}")]
    History(#[from] KeyHistoryError),
}

/// One key of a verified history and when it may sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPeriod {
    pub jwk: PublicJwk,
    pub introduced_at: String,
    /// When a successor was introduced or the key was retired, whichever came first.
    pub retired_at: Option<String>,
}

/// A verified key history: the keys in order, each with its signing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChain {
    keys: Vec<KeyPeriod>,
}

fn parse_time(at: &str) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::parse_from_rfc3339(at).ok()
}

impl KeyHistory {
    /// The SHA-256 of an entry's canonical JSON (what the next entry's `prev` names).
    fn entry_hash(entry: &KeyHistoryEntry) -> Result<String, CanonicalError> {
        canonical_sha256(entry)
    }

    fn next_statement(
        &self,
        action: KeyAction,
        key: &PublicJwk,
        at: DateTime<Utc>,
    ) -> Result<KeyStatement, KeyStatementError> {
        let prev = match self.entries.last() {
            Some(e) => Self::entry_hash(e)?,
            None => GENESIS_PREV.to_owned(),
        };
        Ok(KeyStatement {
            seq: self.entries.len() as u64 + 1,
            action,
            key: key.clone(),
            at: format_time(at),
            prev,
        })
    }

    fn push_signed(
        &mut self,
        statement: KeyStatement,
        signer: &dyn BundleSigner,
    ) -> Result<(), KeyStatementError> {
        let signature = signer.sign(&to_canonical_json(&statement)?)?;
        self.entries.push(KeyHistoryEntry {
            statement,
            signer: signer.kid().to_owned(),
            signature: b64url(&signature),
        });
        // Never write a history that does not verify (a signer with the wrong kid, time
        // going backwards, …).
        if let Err(e) = self.verify() {
            self.entries.pop();
            return Err(e.into());
        }
        Ok(())
    }

    /// Introduces `key`, signed by `signer`: the key itself for the first entry, the latest
    /// introduced key afterwards (which is then retired as of `at`).
    pub fn introduce(
        &mut self,
        key: &PublicJwk,
        signer: &dyn BundleSigner,
        at: DateTime<Utc>,
    ) -> Result<(), KeyStatementError> {
        let statement = self.next_statement(KeyAction::Introduce, key, at)?;
        self.push_signed(statement, signer)
    }

    /// Retires the latest key (signed by itself): it signs nothing from `at` on.
    pub fn retire(
        &mut self,
        key: &dyn BundleSigner,
        jwk: &PublicJwk,
        at: DateTime<Utc>,
    ) -> Result<(), KeyStatementError> {
        let statement = self.next_statement(KeyAction::Retire, jwk, at)?;
        self.push_signed(statement, key)
    }

    /// Checks every link from the first key; returns the keys with their signing periods.
    pub fn verify(&self) -> Result<KeyChain, KeyHistoryError> {
        if self.schema != KEY_HISTORY_SCHEMA {
            return Err(KeyHistoryError::Schema(self.schema.clone()));
        }
        if self.entries.is_empty() {
            return Err(KeyHistoryError::Empty);
        }
        let mut keys: Vec<KeyPeriod> = Vec::new();
        let mut prev = GENESIS_PREV.to_owned();
        let mut last_time: Option<DateTime<chrono::FixedOffset>> = None;
        for (position, entry) in self.entries.iter().enumerate() {
            let st = &entry.statement;
            let seq = st.seq;
            if seq != position as u64 + 1 {
                return Err(KeyHistoryError::Seq {
                    position,
                    expected: position as u64 + 1,
                    found: seq,
                });
            }
            if st.prev != prev {
                return Err(KeyHistoryError::Prev { seq });
            }
            let public = st
                .key
                .ed25519_bytes()
                .map_err(|e| KeyHistoryError::BadKey {
                    seq,
                    problem: e.to_string(),
                })?;
            let at = parse_time(&st.at)
                .filter(|t| last_time.is_none_or(|last| *t >= last))
                .ok_or_else(|| KeyHistoryError::Time {
                    seq,
                    at: st.at.clone(),
                })?;
            last_time = Some(at);
            // Who must sign this statement.
            let latest = keys.last();
            let expected_signer = match (st.action, latest) {
                (KeyAction::Introduce, None) | (KeyAction::Retire, _) => st.key.kid.clone(),
                (KeyAction::Introduce, Some(latest)) => latest.jwk.kid.clone(),
            };
            if entry.signer != expected_signer {
                return Err(KeyHistoryError::WrongSigner {
                    seq,
                    expected: expected_signer,
                    found: entry.signer.clone(),
                });
            }
            let signer_public = if entry.signer == st.key.kid {
                public
            } else {
                latest
                    .map(|k| k.jwk.ed25519_bytes())
                    .transpose()
                    .map_err(|e| KeyHistoryError::BadKey {
                        seq,
                        problem: e.to_string(),
                    })?
                    .ok_or(KeyHistoryError::Sequence {
                        seq,
                        problem: "no predecessor".into(),
                    })?
            };
            let message = to_canonical_json(st).map_err(|e| KeyHistoryError::BadKey {
                seq,
                problem: e.to_string(),
            })?;
            let signature_ok = b64url_decode(&entry.signature)
                .is_some_and(|sig| verify_ed25519(&signer_public, &message, &sig));
            if !signature_ok {
                return Err(KeyHistoryError::BadSignature {
                    seq,
                    signer: entry.signer.clone(),
                });
            }
            // One history signs for one purpose: an official history never introduces a
            // rehearsal key, nor a rehearsal history an official one.
            let purpose = KeyPurpose::of(&st.key).map_err(|e| KeyHistoryError::BadKey {
                seq,
                problem: e.to_string(),
            })?;
            if let Some(first) = keys.first()
                && KeyPurpose::of(&first.jwk).ok() != Some(purpose)
            {
                return Err(KeyHistoryError::Sequence {
                    seq,
                    problem: format!(
                        "key {} is declared for {purpose:?} bundles in a history of {:?} keys",
                        st.key.kid,
                        KeyPurpose::of(&first.jwk).unwrap_or_default()
                    ),
                });
            }
            match st.action {
                KeyAction::Introduce => {
                    if keys.iter().any(|k| k.jwk.kid == st.key.kid) {
                        return Err(KeyHistoryError::Sequence {
                            seq,
                            problem: format!("key {} is introduced twice", st.key.kid),
                        });
                    }
                    if let Some(latest) = keys.last_mut()
                        && latest.retired_at.is_none()
                    {
                        latest.retired_at = Some(st.at.clone());
                    }
                    keys.push(KeyPeriod {
                        jwk: st.key.clone(),
                        introduced_at: st.at.clone(),
                        retired_at: None,
                    });
                }
                KeyAction::Retire => {
                    let Some(latest) = keys.last_mut().filter(|k| k.jwk.kid == st.key.kid) else {
                        return Err(KeyHistoryError::Sequence {
                            seq,
                            problem: format!(
                                "key {} is retired but is not the latest key (only the latest key can be retired; earlier ones were retired by their successor)",
                                st.key.kid
                            ),
                        });
                    };
                    if latest.retired_at.is_some() {
                        return Err(KeyHistoryError::Sequence {
                            seq,
                            problem: format!("key {} is retired twice", st.key.kid),
                        });
                    }
                    latest.retired_at = Some(st.at.clone());
                }
            }
            prev = Self::entry_hash(entry).map_err(|e| KeyHistoryError::BadKey {
                seq,
                problem: e.to_string(),
            })?;
        }
        Ok(KeyChain { keys })
    }
}

impl KeyHistory {
    /// Whether this history is `full` cut after some entry (the same entries, in order, and
    /// maybe fewer): what a bundle's copy must be of the pinned history.
    pub fn is_prefix_of(&self, full: &KeyHistory) -> bool {
        self.schema == full.schema
            && self.entries.len() <= full.entries.len()
            && self.entries.iter().zip(&full.entries).all(|(a, b)| a == b)
    }
}

impl KeyChain {
    /// What the keys of this history sign (every key of one history has the same purpose).
    pub fn purpose(&self) -> KeyPurpose {
        self.keys
            .first()
            .and_then(|k| KeyPurpose::of(&k.jwk).ok())
            .unwrap_or_default()
    }

    /// The keys from the first, each with its period.
    pub fn keys(&self) -> &[KeyPeriod] {
        &self.keys
    }

    /// The public keys as a JWK Set.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.keys.iter().map(|k| k.jwk.clone()).collect(),
        }
    }

    /// The key `kid` if it was allowed to sign at `signed_at` (introduced at or before it,
    /// not retired at or before it).
    pub fn key_at(&self, kid: &str, signed_at: &str) -> Result<&PublicJwk, KeyHistoryError> {
        let period = self
            .keys
            .iter()
            .find(|k| k.jwk.kid == kid)
            .ok_or_else(|| KeyHistoryError::UnknownSigner(kid.to_owned()))?;
        let at = parse_time(signed_at)
            .ok_or_else(|| KeyHistoryError::BadSigningTime(signed_at.to_owned()))?;
        let introduced = parse_time(&period.introduced_at);
        if introduced.is_none_or(|i| at < i) {
            return Err(KeyHistoryError::SignedBeforeIntroduction {
                kid: kid.to_owned(),
                signed_at: signed_at.to_owned(),
                introduced_at: period.introduced_at.clone(),
            });
        }
        if let Some(retired) = &period.retired_at
            && parse_time(retired).is_none_or(|r| at >= r)
        {
            return Err(KeyHistoryError::SignedAfterRetirement {
                kid: kid.to_owned(),
                signed_at: signed_at.to_owned(),
                retired_at: retired.clone(),
            });
        }
        Ok(&period.jwk)
    }

    /// Whether `signer` is reached by walking the history from one of `trusted` (the
    /// trusted key itself or a later key it, or its successors, introduced).
    pub fn is_reached_from(&self, trusted: &[&str], signer: &str) -> bool {
        let Some(signer_at) = self.keys.iter().position(|k| k.jwk.kid == signer) else {
            return false;
        };
        self.keys[..=signer_at]
            .iter()
            .any(|k| trusted.contains(&k.jwk.kid.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::key::Ed25519Key;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, h, 0, 0).unwrap()
    }

    fn three_key_history() -> (KeyHistory, Vec<Ed25519Key>) {
        let keys: Vec<Ed25519Key> = (0..3).map(|_| Ed25519Key::generate().unwrap()).collect();
        let mut h = KeyHistory::default();
        h.introduce(keys[0].public_jwk(), &keys[0], t(1)).unwrap();
        h.introduce(keys[1].public_jwk(), &keys[0], t(2)).unwrap();
        h.introduce(keys[2].public_jwk(), &keys[1], t(3)).unwrap();
        (h, keys)
    }

    #[test]
    fn a_history_walks_from_the_first_key_to_the_signer() {
        let (h, keys) = three_key_history();
        let chain = h.verify().unwrap();
        assert_eq!(chain.keys().len(), 3);
        let at = |hh| format_time(t(hh));
        // Key 1 signed between its introduction (2:00) and its successor's (3:00).
        chain.key_at(keys[1].kid(), "2025-03-01T02:30:00Z").unwrap();
        assert!(matches!(
            chain.key_at(keys[1].kid(), &at(4)),
            Err(KeyHistoryError::SignedAfterRetirement { .. })
        ));
        assert!(matches!(
            chain.key_at(keys[1].kid(), &at(1)),
            Err(KeyHistoryError::SignedBeforeIntroduction { .. })
        ));
        chain.key_at(keys[2].kid(), &at(9)).unwrap();
        assert!(chain.is_reached_from(&[keys[1].kid()], keys[2].kid()));
        assert!(!chain.is_reached_from(&[keys[2].kid()], keys[1].kid()));
        // JSON round trip.
        let json = serde_json::to_string(&h).unwrap();
        let back: KeyHistory = serde_json::from_str(&json).unwrap();
        assert_eq!(back.verify().unwrap(), chain);
    }

    #[test]
    fn introducing_with_the_wrong_predecessor_is_refused_before_it_is_written() {
        let (mut h, keys) = three_key_history();
        let newcomer = Ed25519Key::generate().unwrap();
        let err = h
            .introduce(newcomer.public_jwk(), &keys[0], t(4))
            .unwrap_err();
        assert!(matches!(
            err,
            KeyStatementError::History(KeyHistoryError::WrongSigner { seq: 4, .. })
        ));
        assert_eq!(h.entries.len(), 3);
    }

    #[test]
    fn broken_links_are_reported_precisely() {
        let (h, keys) = three_key_history();
        // An altered statement.
        let mut bad = h.clone();
        bad.entries[1].statement.at = "2025-03-01T02:00:01Z".into();
        assert!(matches!(
            bad.verify(),
            Err(KeyHistoryError::BadSignature { seq: 2, .. })
        ));
        // A dropped entry.
        let mut bad = h.clone();
        bad.entries.remove(1);
        assert!(matches!(
            bad.verify(),
            Err(KeyHistoryError::Seq { position: 1, .. })
        ));
        // A forged introduction: signed by the newcomer itself, not its predecessor.
        let mut bad = h.clone();
        let forger = Ed25519Key::generate().unwrap();
        let mut st = bad.entries[2].statement.clone();
        st.key = forger.public_jwk().clone();
        let sig = forger.sign(&to_canonical_json(&st).unwrap()).unwrap();
        bad.entries[2] = KeyHistoryEntry {
            statement: st.clone(),
            signer: forger.kid().into(),
            signature: b64url(&sig),
        };
        assert!(matches!(
            bad.verify(),
            Err(KeyHistoryError::WrongSigner { seq: 3, .. })
        ));
        // …or claimed to be by the predecessor, with a signature it did not make.
        bad.entries[2].signer = keys[1].kid().into();
        assert!(matches!(
            bad.verify(),
            Err(KeyHistoryError::BadSignature { seq: 3, .. })
        ));
        // A spliced prev.
        let mut bad = h.clone();
        bad.entries[2].statement.prev = GENESIS_PREV.into();
        assert!(matches!(
            bad.verify(),
            Err(KeyHistoryError::Prev { seq: 3 })
        ));
    }
}
