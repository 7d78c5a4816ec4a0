//! What a verifier pins (`hecha verify --trust`), and what a bundle's signer is judged by.
//!
//! The trust anchor is the authority's **key history** as it publishes it
//! (`/.well-known/hecha-key-history.json`, `hecha key export-history`), never the copy
//! inside a bundle: the bundle's copy must be a prefix of the pinned one, and the signer's
//! signing period is read from the pinned one. So a retired key that signs a new bundle and
//! ships only the part of the history before its retirement is caught. Bare keys (a JWKS,
//! a JWK, a PEM) pin *who* may sign but not *when*: with them, retirement cannot be checked,
//! and the verifier says so.

use ed25519_dalek::pkcs8::DecodePublicKey;

use crate::i18n::Message;
use crate::msg;
use crate::seal::key::{Ed25519Key, Jwks, PublicJwk};
use crate::seal::key_history::{KEY_HISTORY_SCHEMA, KeyChain, KeyHistory, KeyHistoryError};
use crate::seal::log::{TreeHead, verify_tree_head, verify_tree_head_with};
use crate::seal::sign::bundle_jws_kid;

/// Why a trust file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("the key history does not verify: {0}")]
    History(#[from] KeyHistoryError),
    #[error("not a key history, a JWKS, a JWK or an Ed25519 PEM key: {0}")]
    Unrecognised(String),
}

/// The pinned anchors.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    histories: Vec<(KeyHistory, KeyChain)>,
    keys: Vec<PublicJwk>,
}

/// How the signer of one bundle fares against the anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustJudgement {
    /// Reached from a pinned key or history, and (with a history) inside its signing period.
    pub pinned: bool,
    /// Whether retirement was checked (a pinned history); `false` with bare keys only.
    pub retirement_checked: bool,
    /// Problems, as (code, message).
    pub problems: Vec<(&'static str, Message)>,
}

impl TrustAnchors {
    pub fn is_empty(&self) -> bool {
        self.histories.is_empty() && self.keys.is_empty()
    }

    /// Pins a key history (it must verify from its first key).
    pub fn add_history(&mut self, history: KeyHistory) -> Result<(), TrustError> {
        let chain = history.verify()?;
        self.histories.push((history, chain));
        Ok(())
    }

    /// Pins a bare key.
    pub fn add_key(&mut self, jwk: PublicJwk) {
        self.keys.push(jwk);
    }

    /// Reads one trust file: a key history (`hecha.key-history/v1`), a JWKS, a JWK, or an
    /// Ed25519 PEM key (public, or private — its public half is pinned).
    pub fn add_file(&mut self, bytes: &[u8]) -> Result<(), TrustError> {
        let text = String::from_utf8_lossy(bytes);
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            let value: serde_json::Value = serde_json::from_str(trimmed)
                .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
            if value.get("schema").and_then(|s| s.as_str()) == Some(KEY_HISTORY_SCHEMA) {
                let history: KeyHistory = serde_json::from_value(value)
                    .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
                return self.add_history(history);
            }
            if value.get("keys").is_some() {
                let jwks: Jwks = serde_json::from_value(value)
                    .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
                self.keys.extend(jwks.keys);
                return Ok(());
            }
            let jwk: PublicJwk = serde_json::from_value(value)
                .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
            self.keys.push(jwk);
            return Ok(());
        }
        if trimmed.contains("PRIVATE KEY") {
            let key = Ed25519Key::from_pkcs8_pem(trimmed)
                .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
            self.keys.push(key.public_jwk().clone());
            return Ok(());
        }
        let key = ed25519_dalek::VerifyingKey::from_public_key_pem(trimmed)
            .map_err(|e| TrustError::Unrecognised(e.to_string()))?;
        self.keys.push(PublicJwk::ed25519(key.as_bytes()));
        Ok(())
    }

    /// Checks a seal-log tree head (format §19) against the anchors alone: with a pinned key
    /// history, its signer must be a key of it allowed to sign at the head's timestamp, and
    /// the head must name that history's log; with bare keys, its signer must be one of them
    /// (retirement and the log id cannot be checked). Returns the head, the signer's kid and
    /// whether retirement was checked.
    pub fn verify_tree_head(&self, token: &str) -> Result<(TreeHead, String, bool), Message> {
        let kid = bundle_jws_kid(token)
            .map_err(|e| msg!("verify-tree-head-unreadable", detail = e.to_string()))?;
        let mut problem = None;
        for (_, chain) in &self.histories {
            if !chain.keys().iter().any(|k| k.jwk.kid == kid) {
                continue;
            }
            match verify_tree_head(token, chain) {
                Ok((head, kid)) => return Ok((head, kid, true)),
                Err(e) => problem = Some(msg!("verify-trust-key-period", detail = e.to_string())),
            }
        }
        if let Some(problem) = problem {
            return Err(problem);
        }
        let keys: Vec<PublicJwk> = self
            .keys
            .iter()
            .filter(|k| k.thumbprint() == kid)
            .map(|k| PublicJwk {
                kid: kid.clone(),
                ..k.clone()
            })
            .collect();
        if keys.is_empty() {
            return Err(msg!("verify-tree-head-not-pinned", kid = kid));
        }
        verify_tree_head_with(token, &Jwks { keys })
            .map(|(head, kid)| (head, kid, false))
            .map_err(|e| msg!("verify-tree-head-bad", detail = e.to_string()))
    }

    /// Judges the signer `signer` of a bundle whose own key history is `bundle_history`
    /// (already verified as `bundle_chain`), at the bundle's trusted time `at` (the
    /// time-stamp's genTime, or the signer's `sealed_at` when there is none).
    pub fn judge(
        &self,
        bundle_history: &KeyHistory,
        bundle_chain: &KeyChain,
        signer: &str,
        at: &str,
    ) -> TrustJudgement {
        let mut problems = Vec::new();
        // Against a pinned history: the bundle's copy is a prefix of it and the signer's
        // period comes from the pinned (complete) one.
        let mut history_problem = None;
        for (history, chain) in &self.histories {
            // Another authority's history says nothing about this bundle (it starts from
            // another first key); one that starts from the same key binds it.
            if history.entries.first() != bundle_history.entries.first() {
                continue;
            }
            if !bundle_history.is_prefix_of(history) {
                history_problem = Some((
                    "signature.untrusted",
                    if history.is_prefix_of(bundle_history) {
                        msg!("verify-trust-history-ahead")
                    } else {
                        msg!("verify-trust-history-forked")
                    },
                ));
                continue;
            }
            match chain.key_at(signer, at) {
                Ok(_) => {
                    return TrustJudgement {
                        pinned: true,
                        retirement_checked: true,
                        problems,
                    };
                }
                Err(e) => {
                    history_problem = Some((
                        "signature.key_period",
                        msg!("verify-trust-key-period", detail = e.to_string()),
                    ));
                }
            }
        }
        // Bare keys: the signer, or a key of the bundle's history that introduced it.
        let kids: Vec<String> = self.keys.iter().map(PublicJwk::thumbprint).collect();
        let refs: Vec<&str> = kids.iter().map(String::as_str).collect();
        if history_problem.is_none() && bundle_chain.is_reached_from(&refs, signer) {
            return TrustJudgement {
                pinned: true,
                retirement_checked: false,
                problems,
            };
        }
        match history_problem {
            Some(p) => problems.push(p),
            None => problems.push((
                "signature.untrusted",
                msg!("verify-trust-not-reached", kid = signer),
            )),
        }
        TrustJudgement {
            pinned: false,
            retirement_checked: !self.histories.is_empty(),
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_tree_head_is_judged_by_the_anchors_alone() {
        use crate::seal::key::KeyPurpose;
        use crate::seal::log::TreeHead;
        let key = Ed25519Key::from_secret_bytes(&[6; 32]);
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let head = TreeHead::of(&[[7; 32]], key.kid(), "2026-02-01T00:00:00Z");
        let sth = head.sign(&key).unwrap();
        // A pinned official history: retirement checked.
        let mut official = KeyHistory::default();
        official.introduce(key.public_jwk(), &key, at).unwrap();
        let mut anchors = TrustAnchors::default();
        anchors.add_history(official).unwrap();
        let (got, kid, checked) = anchors.verify_tree_head(&sth).unwrap();
        assert_eq!(
            (got, kid.as_str(), checked),
            (head.clone(), key.kid(), true)
        );
        // A bare key: who, not when.
        let mut bare = TrustAnchors::default();
        bare.add_key(key.public_jwk().clone());
        assert!(!bare.verify_tree_head(&sth).unwrap().2);
        // Another key pinned: refused.
        let mut other = TrustAnchors::default();
        other.add_key(Ed25519Key::from_secret_bytes(&[8; 32]).public_jwk().clone());
        assert!(other.verify_tree_head(&sth).is_err());
        // The same key pinned as a rehearsal history signs no tree head.
        let mut rehearsal = KeyHistory::default();
        rehearsal
            .introduce(
                &key.public_jwk().clone().with_purpose(KeyPurpose::Rehearsal),
                &key,
                at,
            )
            .unwrap();
        let mut anchors = TrustAnchors::default();
        anchors.add_history(rehearsal).unwrap();
        assert!(anchors.verify_tree_head(&sth).is_err());
    }

    #[test]
    fn a_trust_file_is_read_by_what_it_is() {
        let key = Ed25519Key::from_secret_bytes(&[5; 32]);
        let mut history = KeyHistory::default();
        history
            .introduce(
                key.public_jwk(),
                &key,
                Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            )
            .unwrap();
        let mut anchors = TrustAnchors::default();
        anchors
            .add_file(serde_json::to_string(&history).unwrap().as_bytes())
            .unwrap();
        assert_eq!((anchors.histories.len(), anchors.keys.len()), (1, 0));
        let jwks = serde_json::json!({"keys": [key.public_jwk()]}).to_string();
        anchors.add_file(jwks.as_bytes()).unwrap();
        anchors
            .add_file(serde_json::to_string(key.public_jwk()).unwrap().as_bytes())
            .unwrap();
        anchors
            .add_file(key.to_pkcs8_pem().unwrap().as_bytes())
            .unwrap();
        assert_eq!(anchors.keys.len(), 3);
        assert!(anchors.keys.iter().all(|k| k.kid == key.kid()));
        assert!(anchors.add_file(b"not a key").is_err());
        // A history that does not verify is refused, not half-trusted.
        let mut broken = history.clone();
        broken.entries[0].signature = "AAAA".into();
        assert!(matches!(
            anchors.add_file(serde_json::to_string(&broken).unwrap().as_bytes()),
            Err(TrustError::History(_))
        ));
    }
}
