//! A bundle key: the Ed25519 private key ([`Ed25519Key`], one PKCS#8 PEM file), its public
//! JWK ([`PublicJwk`], also the form of device keys), a JWK Set ([`Jwks`]), what a key may
//! sign ([`KeyPurpose`]), and the [`BundleSigner`] trait every signing key implements.
//!
//! A key's `kid` is the RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of its
//! public JWK. The trait lives here, not beside the JWS in `sign`, because the key history
//! signs its statements with it too: `sign` and `key_history` both depend on this module,
//! and this module on neither.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::canonical::to_canonical_json;
use super::{b64url, b64url_decode};

/// Why a key cannot be made, read or written (and a keyring's files: `keyring` reports their
/// access through this too).
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
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Something that holds an Ed25519 bundle-signing key and signs bytes with it.
///
/// Implemented by [`Ed25519Key`] (a software key, e.g. from a keyring); implement it for an
/// HSM or a remote KMS.
pub trait BundleSigner {
    /// The key's id: the RFC 7638 thumbprint of its public JWK.
    fn kid(&self) -> &str;
    /// The Ed25519 signature (RFC 8032) of `message`.
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], SignerError>;
}

/// Why a signer could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    #[error("the signing key is not available: {0}")]
    Unavailable(String),
    #[error("the signer refused: {0}")]
    Refused(String),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.1: the Ed25519 test key.
    const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /// RFC 8037 Appendix A.3: its thumbprint.
    const RFC8037_KID: &str = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    fn rfc8037_key() -> Ed25519Key {
        let d: [u8; 32] = b64url_decode(RFC8037_D).unwrap().try_into().unwrap();
        Ed25519Key::from_secret_bytes(&d)
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
}
