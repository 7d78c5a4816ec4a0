//! Seat tags: the QR code stuck on a physical agent seat. The server signs the pair
//! (inspection id, seat id) with its bundle-signing key, so a phone offline can tell a
//! tag of this inspection from a photocopy made for another, and a dial test names the
//! tag it was made at.
//!
//! Format: `hecha-seat:v1:<kid>:<inspection-id>:<seat-id>:<signature>` where the signature
//! is Ed25519 over everything before the last `:`, base64url without padding.

use super::key::{BundleSigner, Jwks};
use super::{b64url, b64url_decode};

pub const SEAT_TAG_PREFIX: &str = "hecha-seat:v1:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatTagError {
    #[error("not a hecha seat tag")]
    NotATag,
    #[error("seat id must be 1–64 characters without ':' or control characters")]
    BadSeatId,
    #[error("seat tag signed by unknown key {0}")]
    UnknownKey(String),
    #[error("seat tag signature is invalid")]
    BadSignature,
    #[error("seat tag is for another inspection")]
    OtherInspection,
    #[error("signing failed: {0}")]
    Sign(String),
}

/// A verified tag's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatTag {
    pub kid: String,
    pub inspection_id: String,
    pub seat_id: String,
}

pub fn valid_seat_id(seat_id: &str) -> bool {
    !seat_id.is_empty()
        && seat_id.chars().count() <= 64
        && !seat_id.contains(':')
        && !seat_id.chars().any(char::is_control)
}

/// Signs a seat tag.
pub fn sign_seat_tag(
    signer: &dyn BundleSigner,
    inspection_id: &str,
    seat_id: &str,
) -> Result<String, SeatTagError> {
    if !valid_seat_id(seat_id) || inspection_id.contains(':') {
        return Err(SeatTagError::BadSeatId);
    }
    let body = format!(
        "{SEAT_TAG_PREFIX}{}:{inspection_id}:{seat_id}",
        signer.kid()
    );
    let sig = signer
        .sign(body.as_bytes())
        .map_err(|e| SeatTagError::Sign(e.to_string()))?;
    Ok(format!("{body}:{}", b64url(&sig)))
}

/// A tag's parts and its signature, read without checking anything: to print a tag or
/// group by seat, never to trust it ([`verify_seat_tag`] does that).
pub fn read_seat_tag_unverified(tag: &str) -> Option<(SeatTag, &str)> {
    let rest = tag.strip_prefix(SEAT_TAG_PREFIX)?;
    let (body_rest, sig) = rest.rsplit_once(':')?;
    let mut parts = body_rest.splitn(3, ':');
    let (Some(kid), Some(insp), Some(seat)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some((
        SeatTag {
            kid: kid.to_owned(),
            inspection_id: insp.to_owned(),
            seat_id: seat.to_owned(),
        },
        sig,
    ))
}

/// How a person knows a seat: the number on its label (the seat id a tag carries), never
/// the 130-character tag; a text that is not one of hecha's tags is shown as written.
/// Unverified: for showing, never for trusting.
pub fn seat_number(tag: &str) -> String {
    match read_seat_tag_unverified(tag) {
        Some((parts, _)) => parts.seat_id,
        None => tag.to_owned(),
    }
}

/// Verifies a tag against the signer's public keys and the inspection it must belong to.
pub fn verify_seat_tag(
    tag: &str,
    keys: &Jwks,
    inspection_id: &str,
) -> Result<SeatTag, SeatTagError> {
    let (parts, sig) = read_seat_tag_unverified(tag).ok_or(SeatTagError::NotATag)?;
    let kid = parts.kid.as_str();
    let jwk = keys
        .find(kid)
        .ok_or_else(|| SeatTagError::UnknownKey(kid.to_owned()))?;
    let public = jwk
        .ed25519_bytes()
        .map_err(|_| SeatTagError::BadSignature)?;
    let sig: [u8; 64] = b64url_decode(sig)
        .and_then(|s| s.try_into().ok())
        .ok_or(SeatTagError::BadSignature)?;
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| SeatTagError::BadSignature)?;
    let body_len = tag.len() - sig_len(tag);
    key.verify_strict(
        &tag.as_bytes()[..body_len],
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .map_err(|_| SeatTagError::BadSignature)?;
    if parts.inspection_id != inspection_id {
        return Err(SeatTagError::OtherInspection);
    }
    Ok(parts)
}

/// Length of `:<signature>` at the end of a tag.
fn sig_len(tag: &str) -> usize {
    tag.rsplit_once(':').map_or(0, |(_, s)| s.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::key::{Ed25519Key, Jwks};

    #[test]
    fn a_tag_verifies_for_its_inspection_only() {
        let key = Ed25519Key::from_secret_bytes(&[7u8; 32]);
        let mut jwks = Jwks::default();
        jwks.insert(key.public_jwk().clone());
        let tag = sign_seat_tag(&key, "insp-1", "A-01").unwrap();
        let t = verify_seat_tag(&tag, &jwks, "insp-1").unwrap();
        assert_eq!(t.seat_id, "A-01");
        assert_eq!(
            verify_seat_tag(&tag, &jwks, "insp-2"),
            Err(SeatTagError::OtherInspection)
        );
        let forged = tag.replace(":A-01:", ":A-02:");
        assert_eq!(
            verify_seat_tag(&forged, &jwks, "insp-1"),
            Err(SeatTagError::BadSignature)
        );
        assert_eq!(
            verify_seat_tag("seat A-01", &jwks, "insp-1"),
            Err(SeatTagError::NotATag)
        );
        assert_eq!(
            sign_seat_tag(&key, "insp-1", "A:01"),
            Err(SeatTagError::BadSeatId)
        );
    }
}
