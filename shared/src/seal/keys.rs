//! Ed25519 signing keys, public JWKs, the keyring directory and the key history.
//!
//! - A key is one PKCS#8 PEM file ([`Ed25519Key`]); its `kid` is the RFC 7638 JWK
//!   thumbprint (SHA-256, base64url without padding) of its public JWK.
//! - A keyring ([`Keyring`]) is a directory: one `<kid>.pem` per key (mode 0600), the
//!   index `keyring.toml` naming the active kid and the retired ones with their retirement
//!   time, and `key-history.json`. Only the active key signs; a retired key still verifies
//!   what it signed before its retirement.
//! - The key history ([`KeyHistory`], `hecha/key-history.json` in a bundle) introduces
//!   each key by a statement signed by its predecessor (the first key signs its own), and
//!   records retirements, so a verifier walks offline from the first (or a trusted) key to
//!   the signer and learns when each key was allowed to sign.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::canonical::{CanonicalError, canonical_sha256, to_canonical_json};
use super::events::GENESIS_PREV;
use super::sign::{BundleSigner, SignerError};
use super::{b64url, b64url_decode};

/// Why a key or a keyring cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no randomness available to generate a key: {0}")]
    Random(String),
    #[error("{path}: not an Ed25519 PKCS#8 PEM private key ({problem})")]
    BadPem { path: String, problem: String },
    #[error("{path} already exists; refusing to overwrite a key")]
    Exists { path: PathBuf },
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
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
    #[error("signing failed: {0}")]
    Signer(#[from] SignerError),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("key history: {0}")]
    History(#[from] KeyHistoryError),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A public key as a JSON Web Key: Ed25519 (`kty: OKP`, RFC 8037) for bundle keys, P-256
/// (`kty: EC`) for device keys. `kid` is the RFC 7638 thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    pub kid: String,
    /// RFC 7517 §4.2 `use`: [`REHEARSAL_KEY_USE`] on the keys of a rehearsal keyring, absent
    /// on official bundle keys and device keys. Not part of the thumbprint; authenticated by
    /// the key-history statement that introduces the key.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

/// The JWK `use` of a key that signs rehearsal bundles only.
pub const REHEARSAL_KEY_USE: &str = "hecha-rehearsal";

/// What a bundle key may sign: official records, or rehearsals (预检) only. A rehearsal key
/// lives in its own keyring with its own history, so a verifier pinning the authority's
/// history never reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurpose {
    #[default]
    Official,
    Rehearsal,
}

impl KeyPurpose {
    /// The purpose a JWK's `use` declares (absent: official).
    pub fn of(jwk: &PublicJwk) -> Result<Self, JwkError> {
        match jwk.key_use.as_deref() {
            None => Ok(Self::Official),
            Some(REHEARSAL_KEY_USE) => Ok(Self::Rehearsal),
            Some(other) => Err(JwkError::Malformed {
                kid: jwk.kid.clone(),
                problem: format!("unknown key use {other:?}"),
            }),
        }
    }

    /// The mode of the bundles this purpose signs.
    pub fn mode(self) -> crate::model::Mode {
        match self {
            Self::Official => crate::model::Mode::Official,
            Self::Rehearsal => crate::model::Mode::Rehearsal,
        }
    }

    /// The purpose that signs bundles of `mode`.
    pub fn for_mode(mode: crate::model::Mode) -> Self {
        match mode {
            crate::model::Mode::Official => Self::Official,
            crate::model::Mode::Rehearsal => Self::Rehearsal,
        }
    }
}

/// Why a JWK is not a usable public key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwkError {
    #[error("JWK {kid:?}: unsupported key type {kty}/{crv} (expected OKP/Ed25519 or EC/P-256)")]
    Unsupported {
        kid: String,
        kty: String,
        crv: String,
    },
    #[error("JWK {kid:?}: {problem}")]
    Malformed { kid: String, problem: String },
    #[error("JWK kid {kid:?} is not its RFC 7638 thumbprint {thumbprint}")]
    KidNotThumbprint { kid: String, thumbprint: String },
}

impl PublicJwk {
    /// The JWK of an Ed25519 public key, with its thumbprint as kid.
    pub fn ed25519(public: &[u8; 32]) -> Self {
        let mut jwk = Self {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: b64url(public),
            y: None,
            kid: String::new(),
            key_use: None,
        };
        jwk.kid = jwk.thumbprint();
        jwk
    }

    /// The JWK of a P-256 public key from its affine coordinates, with its thumbprint as kid.
    pub fn p256(x: &[u8; 32], y: &[u8; 32]) -> Self {
        let mut jwk = Self {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: b64url(x),
            y: Some(b64url(y)),
            kid: String::new(),
            key_use: None,
        };
        jwk.kid = jwk.thumbprint();
        jwk
    }

    /// This key declared for `purpose` (the JWK `use` member set or removed).
    pub fn with_purpose(mut self, purpose: KeyPurpose) -> Self {
        self.key_use = match purpose {
            KeyPurpose::Official => None,
            KeyPurpose::Rehearsal => Some(REHEARSAL_KEY_USE.into()),
        };
        self
    }

    /// RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, no
    /// whitespace, base64url without padding.
    pub fn thumbprint(&self) -> String {
        // The required members of OKP (RFC 8037 §2) and EC (RFC 7638 §3.2) keys; their
        // values are base64url / ASCII names, so this is exactly the canonical form.
        let json = match &self.y {
            Some(y) => serde_json::json!({"crv": self.crv, "kty": self.kty, "x": self.x, "y": y}),
            None => serde_json::json!({"crv": self.crv, "kty": self.kty, "x": self.x}),
        };
        let bytes = to_canonical_json(&json).unwrap_or_default();
        b64url(&super::hash::sha256(&bytes))
    }

    /// The raw 32-byte Ed25519 public key, checking the kid.
    pub fn ed25519_bytes(&self) -> Result<[u8; 32], JwkError> {
        if self.kty != "OKP" || self.crv != "Ed25519" || self.y.is_some() {
            return Err(JwkError::Unsupported {
                kid: self.kid.clone(),
                kty: self.kty.clone(),
                crv: self.crv.clone(),
            });
        }
        self.check_kid()?;
        decode32(&self.kid, "x", &self.x)
    }

    /// The P-256 affine coordinates, checking the kid.
    pub fn p256_coordinates(&self) -> Result<([u8; 32], [u8; 32]), JwkError> {
        let y = match (&self.y, self.kty.as_str(), self.crv.as_str()) {
            (Some(y), "EC", "P-256") => y,
            _ => {
                return Err(JwkError::Unsupported {
                    kid: self.kid.clone(),
                    kty: self.kty.clone(),
                    crv: self.crv.clone(),
                });
            }
        };
        self.check_kid()?;
        Ok((
            decode32(&self.kid, "x", &self.x)?,
            decode32(&self.kid, "y", y)?,
        ))
    }

    /// Refuses a JWK whose kid is not its thumbprint (a kid naming another key).
    pub fn check_kid(&self) -> Result<(), JwkError> {
        let thumbprint = self.thumbprint();
        if self.kid != thumbprint {
            return Err(JwkError::KidNotThumbprint {
                kid: self.kid.clone(),
                thumbprint,
            });
        }
        Ok(())
    }
}

fn decode32(kid: &str, member: &str, text: &str) -> Result<[u8; 32], JwkError> {
    b64url_decode(text)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| JwkError::Malformed {
            kid: kid.to_owned(),
            problem: format!("{member} is not 32 bytes of base64url"),
        })
}

/// A JWK Set (RFC 7517 §5): `hecha/jwks.json` holds the signer's keys and the devices'.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<PublicJwk>,
}

impl Jwks {
    /// The key with this kid.
    pub fn find(&self, kid: &str) -> Option<&PublicJwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    /// Adds a key unless one with its kid is there.
    pub fn insert(&mut self, jwk: PublicJwk) {
        if self.find(&jwk.kid).is_none() {
            self.keys.push(jwk);
        }
    }
}

/// An Ed25519 private key (software). Its `Debug` never shows the secret.
pub struct Ed25519Key {
    signing: SigningKey,
    jwk: PublicJwk,
}

impl std::fmt::Debug for Ed25519Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Key")
            .field("kid", &self.jwk.kid)
            .finish_non_exhaustive()
    }
}

impl Ed25519Key {
    /// A new random key (OS randomness).
    pub fn generate() -> Result<Self, KeyError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self::from_secret_bytes(&secret))
    }

    /// The key with this 32-byte secret (RFC 8032 seed). For tests and fixed examples.
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(secret);
        let jwk = PublicJwk::ed25519(signing.verifying_key().as_bytes());
        Self { signing, jwk }
    }

    /// Reads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let signing = SigningKey::from_pkcs8_pem(pem).map_err(|e| KeyError::BadPem {
            path: "<pem>".into(),
            problem: e.to_string(),
        })?;
        let jwk = PublicJwk::ed25519(signing.verifying_key().as_bytes());
        Ok(Self { signing, jwk })
    }

    /// The private key as PKCS#8 v1 (RFC 5208 `PrivateKeyInfo`, no public key member):
    /// the form OpenSSL (`openssl pkey`) and pyca/cryptography load. ed25519-dalek's own
    /// encoding is v2 (RFC 5958, with the public key), which they refuse.
    fn v1_keypair(&self) -> KeypairBytes {
        KeypairBytes {
            secret_key: self.signing.to_bytes(),
            public_key: None,
        }
    }

    /// The PKCS#8 v1 PEM of the private key.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.v1_keypair()
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map_err(|e| KeyError::BadPem {
                path: "<pem>".into(),
                problem: e.to_string(),
            })
    }

    /// The PKCS#8 v1 DER of the private key (what `jsonwebtoken::EncodingKey::from_ed_der`
    /// takes).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let doc = self
            .v1_keypair()
            .to_pkcs8_der()
            .map_err(|e| KeyError::BadPem {
                path: "<der>".into(),
                problem: e.to_string(),
            })?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Reads a PEM key file.
    pub fn read_pem_file(path: &Path) -> Result<Self, KeyError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io_err(path))?);
        Self::from_pkcs8_pem(&text).map_err(|e| match e {
            KeyError::BadPem { problem, .. } => KeyError::BadPem {
                path: path.display().to_string(),
                problem,
            },
            other => other,
        })
    }

    /// Whether a PEM private key is PKCS#8 v1 (`false` for v2 and for anything unreadable).
    pub fn pem_is_v1(pem: &str) -> bool {
        use ed25519_dalek::pkcs8::{PrivateKeyInfo, SecretDocument};
        // v2 (RFC 5958 OneAsymmetricKey) is v1 plus the `publicKey` member.
        SecretDocument::from_pem(pem)
            .ok()
            .and_then(|(_, doc)| {
                PrivateKeyInfo::try_from(doc.as_bytes())
                    .ok()
                    .map(|info| info.public_key.is_none())
            })
            .unwrap_or(false)
    }

    /// Rewrites a key file written as PKCS#8 v2 (what earlier versions wrote) as v1, in
    /// place (a temporary file, 0600, then renamed). Returns whether it was rewritten.
    pub fn migrate_pem_file(path: &Path) -> Result<bool, KeyError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io_err(path))?);
        if Self::pem_is_v1(&text) {
            return Ok(false);
        }
        let key = Self::read_pem_file(path)?;
        let tmp = path.with_extension("pem.tmp");
        let _ = std::fs::remove_file(&tmp);
        key.write_pem_file(&tmp)?;
        std::fs::rename(&tmp, path).map_err(io_err(path))?;
        Ok(true)
    }

    /// Writes the PEM to a new file, readable by its owner only (0600); never overwrites.
    pub fn write_pem_file(&self, path: &Path) -> Result<(), KeyError> {
        let pem = self.to_pkcs8_pem()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::Exists {
                    path: path.to_owned(),
                }
            } else {
                KeyError::Io {
                    path: path.to_owned(),
                    source: e,
                }
            }
        })?;
        file.write_all(pem.as_bytes()).map_err(io_err(path))?;
        file.sync_all().map_err(io_err(path))
    }

    pub fn kid(&self) -> &str {
        &self.jwk.kid
    }

    pub fn public_jwk(&self) -> &PublicJwk {
        &self.jwk
    }

    /// The raw 32-byte public key (what `jsonwebtoken::DecodingKey::from_ed_der` takes).
    pub fn public_bytes(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }
}

impl BundleSigner for Ed25519Key {
    fn kid(&self) -> &str {
        &self.jwk.kid
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        Ok(self.signing.sign(message).to_bytes())
    }
}

/// Verifies an Ed25519 signature strictly (RFC 8032, no malleable or small-order keys).
pub(crate) fn verify_ed25519(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    key.verify_strict(message, &sig).is_ok()
}

/// RFC 3339 UTC, seconds precision: how the keyring and the history write times.
pub fn format_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ───────────────────────────── key history ─────────────────────────────

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
    ) -> Result<KeyStatement, KeyError> {
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
    ) -> Result<(), KeyError> {
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
    ) -> Result<(), KeyError> {
        let statement = self.next_statement(KeyAction::Introduce, key, at)?;
        self.push_signed(statement, signer)
    }

    /// Retires the latest key (signed by itself): it signs nothing from `at` on.
    pub fn retire(
        &mut self,
        key: &dyn BundleSigner,
        jwk: &PublicJwk,
        at: DateTime<Utc>,
    ) -> Result<(), KeyError> {
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

// ───────────────────────────── keyring ─────────────────────────────

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
    pub fn create(dir: &Path, at: DateTime<Utc>) -> Result<Self, KeyError> {
        Self::create_for(dir, KeyPurpose::Official, at)
    }

    /// Creates a keyring whose keys sign `purpose` bundles only.
    pub fn create_for(
        dir: &Path,
        purpose: KeyPurpose,
        at: DateTime<Utc>,
    ) -> Result<Self, KeyError> {
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
            return Err(KeyError::Exists { path: index_path });
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
    pub fn open(dir: &Path) -> Result<Self, KeyError> {
        let index_path = dir.join(KEYRING_INDEX);
        let text = std::fs::read_to_string(&index_path).map_err(io_err(&index_path))?;
        let index: KeyringIndex = toml::from_str(&text).map_err(|e| KeyError::BadIndex {
            path: index_path.clone(),
            problem: e.message().to_owned(),
        })?;
        let history_path = dir.join(KEYRING_HISTORY);
        let text = std::fs::read_to_string(&history_path).map_err(io_err(&history_path))?;
        let history: KeyHistory = serde_json::from_str(&text).map_err(|e| KeyError::BadIndex {
            path: history_path.clone(),
            problem: e.to_string(),
        })?;
        let chain = history.verify()?;
        let bad = |problem: String| KeyError::BadIndex {
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
                .keys
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

    fn add_key(&mut self, key: &Ed25519Key, at: DateTime<Utc>) -> Result<(), KeyError> {
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
    fn save(&self) -> Result<(), KeyError> {
        let index = toml::to_string_pretty(&self.index).map_err(|e| KeyError::BadIndex {
            path: self.dir.join(KEYRING_INDEX),
            problem: e.to_string(),
        })?;
        let history =
            serde_json::to_string_pretty(&self.history).map_err(|e| KeyError::BadIndex {
                path: self.dir.join(KEYRING_HISTORY),
                problem: e.to_string(),
            })?;
        write_atomic(&self.dir.join(KEYRING_HISTORY), history.as_bytes())?;
        write_atomic(&self.dir.join(KEYRING_INDEX), index.as_bytes())
    }

    fn load(&self, kid: &str) -> Result<Ed25519Key, KeyError> {
        let entry = self.entry(kid)?;
        let path = self.dir.join(&entry.file);
        let key = Ed25519Key::read_pem_file(&path)?;
        if key.kid() != kid {
            return Err(KeyError::KidMismatch {
                path,
                expected: kid.to_owned(),
                found: key.kid().to_owned(),
            });
        }
        Ok(key)
    }

    fn entry(&self, kid: &str) -> Result<&KeyringEntry, KeyError> {
        self.index
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .ok_or_else(|| KeyError::UnknownKid(kid.to_owned()))
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
    pub fn active_signer(&self) -> Result<Ed25519Key, KeyError> {
        let kid = self.index.active.as_deref().ok_or(KeyError::NoActiveKey)?;
        self.load(kid)
    }

    /// The key history (goes into every bundle as `hecha/key-history.json`).
    pub fn history(&self) -> &KeyHistory {
        &self.history
    }

    /// All public keys, for `hecha/jwks.json`.
    pub fn jwks(&self) -> Result<Jwks, KeyError> {
        Ok(self.history.verify()?.jwks())
    }

    /// Makes a new active key, introduced by the latest key; the previously active key is
    /// retired as of `at`. Returns the new kid.
    pub fn rotate(&mut self, at: DateTime<Utc>) -> Result<String, KeyError> {
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
    pub fn retire(&mut self, kid: &str, at: DateTime<Utc>) -> Result<(), KeyError> {
        let entry = self.entry(kid)?;
        if let Some(when) = &entry.retired {
            return Err(KeyError::Retired {
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

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 8037 Appendix A.1: the Ed25519 test key.
    const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /// RFC 8037 Appendix A.3: its thumbprint.
    const RFC8037_KID: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    pub(crate) fn rfc8037_key() -> Ed25519Key {
        let d: [u8; 32] = b64url_decode(RFC8037_D).unwrap().try_into().unwrap();
        Ed25519Key::from_secret_bytes(&d)
    }

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn kid_is_the_rfc7638_thumbprint_of_rfc8037() {
        let key = rfc8037_key();
        assert_eq!(key.public_jwk().x, RFC8037_X);
        assert_eq!(key.kid(), RFC8037_KID);
        assert_eq!(
            serde_json::to_string(key.public_jwk()).unwrap(),
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{RFC8037_X}","kid":"{RFC8037_KID}"}}"#)
        );
    }

    #[test]
    fn pem_round_trips_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        let key = Ed25519Key::generate().unwrap();
        key.write_pem_file(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(Ed25519Key::read_pem_file(&path).unwrap().kid(), key.kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(
            key.write_pem_file(&path),
            Err(KeyError::Exists { .. })
        ));
        assert!(format!("{key:?}").contains(key.kid()));
        std::fs::write(dir.path().join("bad.pem"), "nonsense").unwrap();
        assert!(matches!(
            Ed25519Key::read_pem_file(&dir.path().join("bad.pem")),
            Err(KeyError::BadPem { .. })
        ));
    }

    #[test]
    fn a_jwk_whose_kid_names_another_key_is_refused() {
        let mut jwk = rfc8037_key().public_jwk().clone();
        jwk.kid = Ed25519Key::generate().unwrap().kid().to_owned();
        assert!(matches!(
            jwk.ed25519_bytes(),
            Err(JwkError::KidNotThumbprint { .. })
        ));
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
            KeyError::History(KeyHistoryError::WrongSigner { seq: 4, .. })
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

    #[test]
    fn keyring_generate_rotate_retire() {
        let dir = tempfile::tempdir().unwrap();
        let ring_dir = dir.path().join("ring");
        let ring = Keyring::create(&ring_dir, t(1)).unwrap();
        let first = ring.active_kid().unwrap().to_owned();
        assert!(matches!(
            Keyring::create(&ring_dir, t(1)),
            Err(KeyError::Exists { .. })
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
            Err(KeyError::Retired { .. })
        ));

        ring.retire(&second, t(3)).unwrap();
        assert!(matches!(ring.active_signer(), Err(KeyError::NoActiveKey)));
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
            Err(KeyError::UnknownKid(_))
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
            Err(KeyError::BadIndex { .. })
        ));
    }
}
