//! Trusted time: RFC 3161 time-stamp requests, responses and offline token verification.
//!
//! The sealed manifest's digest (SHA-256 of its canonical JSON) is sent to a time-stamping
//! authority (TSA) as the message imprint of a `TimeStampReq`; the TSA's token (a CMS
//! `ContentInfo` holding `SignedData` over a `TSTInfo`) is stored byte for byte as
//! `hecha/timestamp.tsr`. [`verify_token`] checks it years later with nothing online.
//!
//! This module knows no HTTP: `hecha-server` posts [`TimestampRequest::der`] and hands the
//! reply to [`accept_response`].
//!
//! Parsing uses the RustCrypto `x509-tsp`, `cms` and `x509-cert` types, with three lax
//! local structures where their strict decoders would refuse real tokens: `TSTInfo`
//! (`der` 0.7's `GeneralizedTime` has no fractional seconds, which many TSAs emit), the
//! `SignedData` sets (`SetOfVec` refuses a certificate listed twice, which `openssl ts`
//! does when `certs` repeats the signer, and silently re-sorts signed attributes, which
//! would change the bytes the signature covers) and `TimeStampResp`'s `PKIStatusInfo`
//! (`cmpv2`'s failure-info flags are CMP's, not RFC 3161's).
//!
//! What [`verify_token`] checks, in order, each failure being one [`TimestampError`]:
//! 1. the token is a `ContentInfo` of `id-signedData` whose `eContentType` is
//!    `id-ct-TSTInfo` and whose content decodes as `TSTInfo` version 1;
//! 2. the message imprint's algorithm is SHA-256 and its hash equals the manifest digest;
//!    when a request is given, the nonce is the request's;
//! 3. there is exactly one `SignerInfo`, its digest algorithm is SHA-256, and the signer's
//!    certificate is in the token (identified by issuer and serial, or by subject key id);
//! 4. that certificate's `extendedKeyUsage` is present, critical and exactly
//!    `id-kp-timeStamping`, and `genTime` falls within its validity;
//! 5. the signed attributes hold `contentType` = `id-ct-TSTInfo` and `messageDigest` =
//!    SHA-256 of the encapsulated `TSTInfo` bytes; a `signingCertificateV2` attribute, when
//!    present with SHA-256, names the signer's certificate;
//! 6. the signature over the DER of the signed attributes (tagged as `SET OF`) verifies
//!    with the certificate's key: ECDSA P-256 with SHA-256 or RSA PKCS#1 v1.5 with SHA-256;
//! 7. with trust anchors, the signer's certificate is an anchor or chains to one through
//!    certificates in the token (each signature verified, intermediates must be CAs);
//!    without anchors the TSA is reported by subject and marked not pinned.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{Any, BitString, Int, ObjectIdentifier, OctetString, Utf8StringRef};
use der::{Decode, DecodeValue, Encode, EncodeValue, FixedTag, Header, Length, Reader, Sequence};
use der::{Tag, Tagged, Writer};
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_tsp::{Accuracy, MessageImprint, TimeStampReq, TspVersion};

use super::hash::{parse_sha256_hex, sha256};

// ───────────────────────────── object identifiers ─────────────────────────────

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_CE_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ID_PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// DER `DigestInfo` prefix for SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// How deep a chain from the TSA certificate to a trust anchor may be.
const MAX_CHAIN_DEPTH: usize = 8;

// ───────────────────────────── errors ─────────────────────────────

/// Why a time-stamp request cannot be made, a response is refused or a token does not
/// verify. Each variant is one problem a verifier prints on one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("timestamp: the digest to time-stamp is not 64 lowercase hex characters")]
    BadDigest,
    #[error("timestamp: no randomness for the nonce: {0}")]
    Random(String),
    #[error("timestamp: malformed DER in the {what}: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("timestamp: the TSA refused the request: status {status}{}{}",
        fmt_fail_info(.fail_info), fmt_text(.text))]
    Rejected {
        /// The PKIStatus name (`rejection`, `waiting`, …).
        status: String,
        /// The RFC 3161 failure-info bit names (`badAlg`, `systemFailure`, …).
        fail_info: Vec<String>,
        /// The TSA's free text, when it sent any.
        text: Option<String>,
    },
    #[error("timestamp: the TSA granted the request but sent no token")]
    NoToken,
    #[error("timestamp: the token is not a CMS SignedData (content type {0})")]
    NotSignedData(String),
    #[error("timestamp: the token does not hold a TSTInfo (eContentType {0})")]
    NotTstInfo(String),
    #[error("timestamp: the message imprint uses {0}, not SHA-256")]
    ImprintAlgorithm(String),
    #[error("timestamp: imprint mismatch: the token time-stamps {found}, not {expected}")]
    ImprintMismatch { expected: String, found: String },
    #[error("timestamp: nonce mismatch: the request sent {expected}, the token carries {found}")]
    NonceMismatch { expected: String, found: String },
    #[error("timestamp: the token has {0} signers, expected exactly one")]
    SignerCount(usize),
    #[error("timestamp: the TSA's certificate is not in the token (was certReq honoured?)")]
    SignerCertificateMissing,
    #[error("timestamp: wrong extended key usage on the TSA certificate ({subject}): {reason}")]
    WrongEku { subject: String, reason: String },
    #[error("timestamp: the TSA certificate ({subject}) is not valid at genTime {gen_time}")]
    CertificateNotValid { subject: String, gen_time: String },
    #[error("timestamp: signed attribute {0} is missing or malformed")]
    MissingSignedAttribute(&'static str),
    #[error("timestamp: the signed contentType attribute is {0}, not id-ct-TSTInfo")]
    ContentTypeMismatch(String),
    #[error(
        "timestamp: messageDigest mismatch: the signed attributes do not match the TSTInfo (altered?)"
    )]
    MessageDigestMismatch,
    #[error("timestamp: the signingCertificateV2 attribute does not name the signer's certificate")]
    SigningCertificateMismatch,
    #[error(
        "timestamp: bad signature: the TSA's signature over the signed attributes does not verify"
    )]
    BadSignature,
    #[error("timestamp: unsupported TSA signature algorithm: {0}")]
    UnsupportedAlgorithm(String),
    #[error("timestamp: untrusted TSA: {subject} does not chain to a pinned trust anchor")]
    UntrustedTsa { subject: String },
    #[error("timestamp: unreadable trust anchor: {0}")]
    BadTrustAnchor(String),
}

fn fmt_fail_info(fail_info: &[String]) -> String {
    if fail_info.is_empty() {
        String::new()
    } else {
        format!(", failInfo {}", fail_info.join(","))
    }
}

fn fmt_text(text: &Option<String>) -> String {
    match text {
        Some(t) => format!(", text \"{t}\""),
        None => String::new(),
    }
}

fn malformed(what: &'static str) -> impl FnOnce(der::Error) -> TimestampError {
    move |e| TimestampError::Malformed {
        what,
        detail: e.to_string(),
    }
}

// ───────────────────────────── request ─────────────────────────────

/// A DER `TimeStampReq` (RFC 3161 §2.4.1) for a SHA-256 message imprint, with a random
/// 64-bit nonce and `certReq = TRUE`, no policy and no extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampRequest {
    digest: [u8; 32],
    nonce: Int,
    der: Vec<u8>,
}

impl TimestampRequest {
    /// A request for `digest_hex` (the manifest digest, lowercase hex SHA-256).
    pub fn new(digest_hex: &str) -> Result<Self, TimestampError> {
        let digest = parse_sha256_hex(digest_hex).ok_or(TimestampError::BadDigest)?;
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| TimestampError::Random(e.to_string()))?;
        Self::with_nonce(&digest, nonce)
    }

    /// A request with a chosen nonce (tests; a real request uses [`Self::new`]). The
    /// nonce's top bits are adjusted so that it is a positive INTEGER of exactly 8 bytes.
    pub fn with_nonce(digest: &[u8; 32], mut nonce: [u8; 8]) -> Result<Self, TimestampError> {
        nonce[0] = (nonce[0] & 0x7f) | 0x40;
        let nonce = Int::new(&nonce).map_err(malformed("request nonce"))?;
        let req = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: MessageImprint {
                hash_algorithm: sha256_algorithm(),
                hashed_message: OctetString::new(digest.to_vec())
                    .map_err(malformed("request imprint"))?,
            },
            req_policy: None,
            nonce: Some(nonce.clone()),
            cert_req: true,
            extensions: None,
        };
        let der = req.to_der().map_err(malformed("request"))?;
        Ok(Self {
            digest: *digest,
            nonce,
            der,
        })
    }

    /// The DER bytes to POST as `application/timestamp-query`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The time-stamped digest.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The nonce, hex of its INTEGER content bytes.
    pub fn nonce_hex(&self) -> String {
        hex::encode(self.nonce.as_bytes())
    }
}

fn sha256_algorithm() -> spki::AlgorithmIdentifier<Any> {
    spki::AlgorithmIdentifier {
        oid: ID_SHA256,
        parameters: Some(Any::null()),
    }
}

// ───────────────────────────── response ─────────────────────────────

/// `PKIStatusInfo`, read loosely (see the module documentation).
#[derive(Clone, Debug, Sequence)]
struct StatusInfo<'a> {
    status: u32,
    #[asn1(optional = "true")]
    status_string: Option<Vec<Utf8StringRef<'a>>>,
    #[asn1(optional = "true")]
    fail_info: Option<BitString>,
}

/// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }`
#[derive(Clone, Debug, Sequence)]
struct TimeStampResp<'a> {
    status: StatusInfo<'a>,
    #[asn1(optional = "true")]
    time_stamp_token: Option<Any>,
}

fn status_name(status: u32) -> String {
    match status {
        0 => "granted".into(),
        1 => "grantedWithMods".into(),
        2 => "rejection".into(),
        3 => "waiting".into(),
        4 => "revocationWarning".into(),
        5 => "revocationNotification".into(),
        n => format!("unknown ({n})"),
    }
}

/// RFC 3161 §2.4.2 `PKIFailureInfo` bit names.
fn fail_info_names(bits: &BitString) -> Vec<String> {
    let mut names = Vec::new();
    for (i, set) in bits.bits().enumerate() {
        if !set {
            continue;
        }
        names.push(match i {
            0 => "badAlg".into(),
            2 => "badRequest".into(),
            5 => "badDataFormat".into(),
            14 => "timeNotAvailable".into(),
            15 => "unacceptedPolicy".into(),
            16 => "unacceptedExtension".into(),
            17 => "addInfoNotAvailable".into(),
            25 => "systemFailure".into(),
            n => format!("bit{n}"),
        });
    }
    names
}

/// Reads a DER `TimeStampResp` and returns its token (the `ContentInfo` DER, to store as
/// `hecha/timestamp.tsr`), or [`TimestampError::Rejected`] with the PKIStatus and
/// failure info when the status is neither granted nor grantedWithMods.
///
/// This does not verify the token: [`accept_response`] does both.
pub fn parse_response(response: &[u8]) -> Result<Vec<u8>, TimestampError> {
    let resp = TimeStampResp::from_der(response).map_err(malformed("TimeStampResp"))?;
    if resp.status.status > 1 {
        let text = resp.status.status_string.as_ref().map(|texts| {
            texts
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        });
        return Err(TimestampError::Rejected {
            status: status_name(resp.status.status),
            fail_info: resp
                .status
                .fail_info
                .as_ref()
                .map(fail_info_names)
                .unwrap_or_default(),
            text,
        });
    }
    let token = resp.time_stamp_token.ok_or(TimestampError::NoToken)?;
    token.to_der().map_err(malformed("TimeStampResp token"))
}

/// Reads a TSA's reply to `request`: the status must be granted, and the token must verify
/// for the request's digest and nonce. Returns the token bytes and what it says. The TSA
/// is not pinned here (`anchors` may be empty); `hecha verify` pins it.
pub fn accept_response(
    request: &TimestampRequest,
    response: &[u8],
    anchors: &TsaTrustAnchors,
) -> Result<(Vec<u8>, TimestampInfo), TimestampError> {
    let token = parse_response(response)?;
    let info = verify(
        &token,
        request.digest(),
        Some(request.nonce.as_bytes()),
        anchors,
    )?;
    Ok((token, info))
}

// ───────────────────────────── trust anchors ─────────────────────────────

/// Certificates a TSA must chain to (`hecha verify --tsa-trust FILE`).
#[derive(Debug, Clone, Default)]
pub struct TsaTrustAnchors {
    certs: Vec<Certificate>,
}

impl TsaTrustAnchors {
    /// No anchors: tokens verify, the TSA is reported and marked not pinned.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads one DER certificate or any number of PEM `CERTIFICATE` blocks.
    pub fn parse(bytes: &[u8]) -> Result<Self, TimestampError> {
        let mut anchors = Self::default();
        anchors.add(bytes)?;
        Ok(anchors)
    }

    /// Adds the certificates in `bytes` (one DER certificate or PEM blocks).
    pub fn add(&mut self, bytes: &[u8]) -> Result<(), TimestampError> {
        if bytes.first() == Some(&0x30) {
            let cert = Certificate::from_der(bytes)
                .map_err(|e| TimestampError::BadTrustAnchor(e.to_string()))?;
            self.certs.push(cert);
            return Ok(());
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            TimestampError::BadTrustAnchor("neither DER nor PEM certificates".into())
        })?;
        let certs = pem_certificates(text)?;
        if certs.is_empty() {
            return Err(TimestampError::BadTrustAnchor(
                "no PEM CERTIFICATE block found".into(),
            ));
        }
        self.certs.extend(certs);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.certs.len()
    }
}

fn pem_certificates(text: &str) -> Result<Vec<Certificate>, TimestampError> {
    use base64::Engine;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut certs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let end = after
            .find(END)
            .ok_or_else(|| TimestampError::BadTrustAnchor("unterminated PEM block".into()))?;
        let b64: String = after[..end]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| TimestampError::BadTrustAnchor(format!("PEM base64: {e}")))?;
        certs.push(
            Certificate::from_der(&der)
                .map_err(|e| TimestampError::BadTrustAnchor(e.to_string()))?,
        );
        rest = &after[end + END.len()..];
    }
    Ok(certs)
}

// ───────────────────────────── token structures ─────────────────────────────

/// A `SET OF` read in the order given, duplicates allowed; re-encodes the same bytes.
#[derive(Clone, Debug)]
struct LaxSet<T>(Vec<T>);

impl<'a, T: Decode<'a>> DecodeValue<'a> for LaxSet<T> {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_nested(header.length, |reader| {
            let mut items = Vec::new();
            while !reader.is_finished() {
                items.push(T::decode(reader)?);
            }
            Ok(Self(items))
        })
    }
}

impl<T: Encode> EncodeValue for LaxSet<T> {
    fn value_len(&self) -> der::Result<Length> {
        self.0
            .iter()
            .try_fold(Length::ZERO, |len, item| len + item.encoded_len()?)
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.0.iter().try_for_each(|item| item.encode(writer))
    }
}

impl<T> FixedTag for LaxSet<T> {
    const TAG: Tag = Tag::Set;
}

/// RFC 5652 `SignedData`, with lax sets.
#[derive(Clone, Debug, Sequence)]
struct SignedData {
    version: CmsVersion,
    digest_algorithms: LaxSet<AlgorithmIdentifierOwned>,
    encap_content_info: EncapsulatedContentInfo,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    certificates: Option<LaxSet<CertificateChoices>>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    crls: Option<LaxSet<Any>>,
    signer_infos: LaxSet<SignerInfo>,
}

/// RFC 5652 `SignerInfo`, with its signed attributes kept in the order signed.
#[derive(Clone, Debug, Sequence)]
struct SignerInfo {
    version: CmsVersion,
    sid: SignerIdentifier,
    digest_alg: AlgorithmIdentifierOwned,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    signed_attrs: Option<LaxSet<Attribute>>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: OctetString,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    unsigned_attrs: Option<LaxSet<Any>>,
}

/// RFC 3161 `TSTInfo`; `genTime` kept raw so fractional seconds are accepted.
#[derive(Clone, Debug, Sequence)]
struct TstInfo {
    version: TspVersion,
    policy: ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: Int,
    gen_time: Any,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<Any>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<x509_cert::ext::Extensions>,
}

/// RFC 5035 `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … }`
#[derive(Clone, Debug, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING,
/// issuerSerial IssuerSerial OPTIONAL }`
#[derive(Clone, Debug, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

// ───────────────────────────── verification ─────────────────────────────

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampInfo {
    /// The TSA's `genTime`, RFC 3339 UTC (fractional seconds when the TSA gave them).
    pub gen_time: String,
    /// The token's serial number, lowercase hex of the INTEGER's content bytes.
    pub serial: String,
    /// The TSA certificate's subject (RFC 4514 string).
    pub tsa_subject: String,
    /// The TSA policy under which the token was issued (dotted OID).
    pub policy: String,
    /// Whether the TSA certificate chains to a given trust anchor. False when no anchor
    /// was given: the token is intact but anyone could have made such a TSA.
    pub pinned: bool,
}

/// Verifies a stored token (`hecha/timestamp.tsr`) offline against the manifest digest
/// (lowercase hex). See the module documentation for every check.
pub fn verify_token(
    token: &[u8],
    digest_hex: &str,
    anchors: &TsaTrustAnchors,
) -> Result<TimestampInfo, TimestampError> {
    let digest = parse_sha256_hex(digest_hex).ok_or(TimestampError::BadDigest)?;
    verify(token, &digest, None, anchors)
}

/// [`verify_token`] for a fresh token, also checking the request's nonce.
pub fn verify_token_for_request(
    token: &[u8],
    request: &TimestampRequest,
    anchors: &TsaTrustAnchors,
) -> Result<TimestampInfo, TimestampError> {
    verify(
        token,
        request.digest(),
        Some(request.nonce.as_bytes()),
        anchors,
    )
}

fn verify(
    token: &[u8],
    digest: &[u8; 32],
    nonce: Option<&[u8]>,
    anchors: &TsaTrustAnchors,
) -> Result<TimestampInfo, TimestampError> {
    // 1. ContentInfo → SignedData → TSTInfo.
    let content_info = ContentInfo::from_der(token).map_err(malformed("token ContentInfo"))?;
    if content_info.content_type != ID_SIGNED_DATA {
        return Err(TimestampError::NotSignedData(
            content_info.content_type.to_string(),
        ));
    }
    let signed: SignedData = content_info
        .content
        .decode_as()
        .map_err(malformed("token SignedData"))?;
    let encap = &signed.encap_content_info;
    if encap.econtent_type != ID_CT_TST_INFO {
        return Err(TimestampError::NotTstInfo(encap.econtent_type.to_string()));
    }
    let econtent = encap
        .econtent
        .as_ref()
        .ok_or_else(|| TimestampError::NotTstInfo("(no eContent)".into()))?;
    let tst_octets: OctetString = econtent.decode_as().map_err(malformed("eContent"))?;
    let tst_der = tst_octets.as_bytes();
    let tst = TstInfo::from_der(tst_der).map_err(malformed("TSTInfo"))?;
    let gen_time = parse_generalized_time(&tst.gen_time)?;

    // 2. The imprint and the nonce.
    let imprint = &tst.message_imprint;
    if imprint.hash_algorithm.oid != ID_SHA256 {
        return Err(TimestampError::ImprintAlgorithm(
            imprint.hash_algorithm.oid.to_string(),
        ));
    }
    if imprint.hashed_message.as_bytes() != digest.as_slice() {
        return Err(TimestampError::ImprintMismatch {
            expected: hex::encode(digest),
            found: hex::encode(imprint.hashed_message.as_bytes()),
        });
    }
    if let Some(expected) = nonce {
        let found = tst.nonce.as_ref().map(|n| n.as_bytes());
        if found != Some(expected) {
            return Err(TimestampError::NonceMismatch {
                expected: hex::encode(expected),
                found: found.map_or_else(|| "none".to_string(), hex::encode),
            });
        }
    }

    // 3. One signer, SHA-256, its certificate in the token; the unsigned CMS framing
    //    exactly as RFC 5652 fixes it for this content, so no byte of it is free.
    let [signer] = signed.signer_infos.0.as_slice() else {
        return Err(TimestampError::SignerCount(signed.signer_infos.0.len()));
    };
    if !is_sha256(&signer.digest_alg) {
        return Err(TimestampError::UnsupportedAlgorithm(format!(
            "digest {}",
            signer.digest_alg.oid
        )));
    }
    check_framing(&signed, signer)?;
    let certs: Vec<&Certificate> = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(cert) => Some(cert),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let cert = certs
        .iter()
        .copied()
        .find(|c| identifies(&signer.sid, c))
        .ok_or(TimestampError::SignerCertificateMissing)?;
    let subject = cert.tbs_certificate.subject.to_string();

    // 4. The certificate: timeStamping only, critical; valid at genTime.
    check_eku(cert, &subject)?;
    if !valid_at(cert, gen_time) {
        return Err(TimestampError::CertificateNotValid {
            subject,
            gen_time: format_gen_time(gen_time),
        });
    }

    // 5. Signed attributes.
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or(TimestampError::MissingSignedAttribute("signedAttrs"))?;
    let content_type: ObjectIdentifier = single_attr(attrs, ID_CONTENT_TYPE)
        .and_then(|v| v.decode_as().ok())
        .ok_or(TimestampError::MissingSignedAttribute("contentType"))?;
    if content_type != ID_CT_TST_INFO {
        return Err(TimestampError::ContentTypeMismatch(
            content_type.to_string(),
        ));
    }
    let message_digest: OctetString = single_attr(attrs, ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as().ok())
        .ok_or(TimestampError::MissingSignedAttribute("messageDigest"))?;
    if message_digest.as_bytes() != sha256(tst_der).as_slice() {
        return Err(TimestampError::MessageDigestMismatch);
    }
    if let Some(value) = single_attr(attrs, ID_SIGNING_CERTIFICATE_V2) {
        check_signing_certificate_v2(value, cert)?;
    }

    // 6. The signature over the signed attributes, DER-encoded as a SET OF.
    let signed_attrs_der = attrs.to_der().map_err(malformed("signed attributes"))?;
    verify_signature(
        &cert.tbs_certificate.subject_public_key_info,
        &signer.signature_algorithm,
        &signed_attrs_der,
        signer.signature.as_bytes(),
    )?;

    // 7. Trust.
    let pinned = if anchors.is_empty() {
        false
    } else if chains_to_anchor(cert, &certs, anchors, gen_time) {
        true
    } else {
        return Err(TimestampError::UntrustedTsa { subject });
    };

    Ok(TimestampInfo {
        gen_time: format_gen_time(gen_time),
        serial: hex::encode(tst.serial_number.as_bytes()),
        tsa_subject: subject,
        policy: tst.policy.to_string(),
        pinned,
    })
}

/// SHA-256, its parameters absent or NULL (RFC 5754 §2).
fn is_sha256(alg: &AlgorithmIdentifierOwned) -> bool {
    alg.oid == ID_SHA256 && alg.parameters.as_ref().is_none_or(|p| p.tag() == Tag::Null)
}

/// RFC 5652 §5.1, §5.3: SignedData version 3 (the content is not id-data), SignerInfo
/// version 1 with an issuer-and-serial sid or 3 with a subject-key-id sid, and the
/// signer's digest algorithm listed in `digestAlgorithms`.
fn check_framing(signed: &SignedData, signer: &SignerInfo) -> Result<(), TimestampError> {
    let framing = |detail: &str| TimestampError::Malformed {
        what: "SignedData",
        detail: detail.to_string(),
    };
    if signed.version != CmsVersion::V3 {
        return Err(framing("version is not 3"));
    }
    let expected = match signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(_) => CmsVersion::V1,
        SignerIdentifier::SubjectKeyIdentifier(_) => CmsVersion::V3,
    };
    if signer.version != expected {
        return Err(framing("SignerInfo version does not match its sid"));
    }
    if !signed
        .digest_algorithms
        .0
        .iter()
        .any(|alg| alg == &signer.digest_alg)
    {
        return Err(framing(
            "digestAlgorithms does not list the signer's SHA-256",
        ));
    }
    Ok(())
}

fn format_gen_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `YYYYMMDDHHMMSS[.f…]Z` (RFC 3161 §2.4.2: UTC, no trailing zeros in the fraction).
fn parse_generalized_time(value: &Any) -> Result<DateTime<Utc>, TimestampError> {
    let bad = |detail: &str| TimestampError::Malformed {
        what: "TSTInfo genTime",
        detail: detail.to_string(),
    };
    if value.tag() != Tag::GeneralizedTime {
        return Err(bad("not a GeneralizedTime"));
    }
    let text = std::str::from_utf8(value.value()).map_err(|_| bad("not ASCII"))?;
    let body = text
        .strip_suffix('Z')
        .ok_or_else(|| bad("not UTC (no Z)"))?;
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("not YYYYMMDDHHMMSS"));
    }
    let num = |range: std::ops::Range<usize>| -> u32 {
        whole
            .get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX)
    };
    let year = i32::try_from(num(0..4)).map_err(|_| bad("year"))?;
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let digits: u32 = f.parse().map_err(|_| bad("fraction"))?;
            digits * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return Err(bad("fraction")),
    };
    NaiveDate::from_ymd_opt(year, num(4..6), num(6..8))
        .and_then(|d| d.and_hms_nano_opt(num(8..10), num(10..12), num(12..14), nanos))
        .map(|t| t.and_utc())
        .ok_or_else(|| bad("no such date"))
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer,
            serial_number,
        }) => {
            &cert.tbs_certificate.issuer == issuer
                && &cert.tbs_certificate.serial_number == serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => extension(cert, ID_CE_SUBJECT_KEY_ID)
            .and_then(|(_, value)| SubjectKeyIdentifier::from_der(value).ok())
            .is_some_and(|found| found.0.as_bytes() == ski.0.as_bytes()),
    }
}

/// The (critical, DER value) of a certificate extension.
fn extension(cert: &Certificate, oid: ObjectIdentifier) -> Option<(bool, &[u8])> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| (e.critical, e.extn_value.as_bytes()))
}

fn check_eku(cert: &Certificate, subject: &str) -> Result<(), TimestampError> {
    let wrong = |reason: &str| TimestampError::WrongEku {
        subject: subject.to_string(),
        reason: reason.to_string(),
    };
    let (critical, value) =
        extension(cert, ID_CE_EXT_KEY_USAGE).ok_or_else(|| wrong("no extendedKeyUsage"))?;
    if !critical {
        return Err(wrong("extendedKeyUsage is not critical"));
    }
    let eku =
        ExtendedKeyUsage::from_der(value).map_err(|_| wrong("unreadable extendedKeyUsage"))?;
    if eku.0 != [ID_KP_TIME_STAMPING] {
        let list: Vec<String> = eku.0.iter().map(|o| o.to_string()).collect();
        return Err(wrong(&format!(
            "{} instead of exactly id-kp-timeStamping",
            list.join(",")
        )));
    }
    Ok(())
}

fn valid_at(cert: &Certificate, at: DateTime<Utc>) -> bool {
    let validity = &cert.tbs_certificate.validity;
    let Ok(at) = u64::try_from(at.timestamp()) else {
        return false;
    };
    let not_before = validity.not_before.to_unix_duration().as_secs();
    let not_after = validity.not_after.to_unix_duration().as_secs();
    not_before <= at && at <= not_after
}

fn single_attr(attrs: &LaxSet<Attribute>, oid: ObjectIdentifier) -> Option<&Any> {
    let mut found = attrs.0.iter().filter(|a| a.oid == oid);
    let attr = found.next()?;
    if found.next().is_some() || attr.values.len() != 1 {
        return None;
    }
    attr.values.get(0)
}

fn check_signing_certificate_v2(value: &Any, cert: &Certificate) -> Result<(), TimestampError> {
    let parsed: SigningCertificateV2 = value
        .decode_as()
        .map_err(|_| TimestampError::MissingSignedAttribute("signingCertificateV2"))?;
    let Some(first) = parsed.certs.first() else {
        return Err(TimestampError::MissingSignedAttribute(
            "signingCertificateV2",
        ));
    };
    let alg = first.hash_algorithm.as_ref().map_or(ID_SHA256, |a| a.oid);
    if alg != ID_SHA256 {
        // Another hash: nothing this verifier can compare; the signature still binds the
        // attribute, and the signer is identified by issuer and serial.
        return Ok(());
    }
    let cert_der = cert.to_der().map_err(malformed("TSA certificate"))?;
    if first.cert_hash.as_bytes() != sha256(&cert_der).as_slice() {
        return Err(TimestampError::SigningCertificateMismatch);
    }
    Ok(())
}

/// Verifies `signature` over `message` with the key in `spki`.
fn verify_signature(
    spki: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    message: &[u8],
    signature: &[u8],
) -> Result<(), TimestampError> {
    let key_bytes =
        spki.subject_public_key
            .as_bytes()
            .ok_or_else(|| TimestampError::Malformed {
                what: "public key",
                detail: "BIT STRING with unused bits".into(),
            })?;
    let key_alg = spki.algorithm.oid;
    let hash = sha256(message);
    if (algorithm.oid == ECDSA_WITH_SHA256 || algorithm.oid == ID_EC_PUBLIC_KEY)
        && key_alg == ID_EC_PUBLIC_KEY
    {
        let curve: Option<ObjectIdentifier> = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as().ok());
        if curve != Some(ID_PRIME256V1) {
            return Err(TimestampError::UnsupportedAlgorithm(format!(
                "ECDSA on curve {}",
                curve.map_or_else(|| "(unnamed)".to_string(), |c| c.to_string())
            )));
        }
        use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(|_| {
            TimestampError::Malformed {
                what: "public key",
                detail: "not a P-256 point".into(),
            }
        })?;
        let sig = p256::ecdsa::Signature::from_der(signature)
            .map_err(|_| TimestampError::BadSignature)?;
        return key
            .verify_prehash(&hash, &sig)
            .map_err(|_| TimestampError::BadSignature);
    }
    if (algorithm.oid == SHA256_WITH_RSA || algorithm.oid == RSA_ENCRYPTION)
        && key_alg == RSA_ENCRYPTION
    {
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        let key = rsa::RsaPublicKey::from_pkcs1_der(key_bytes).map_err(|e| {
            TimestampError::Malformed {
                what: "RSA public key",
                detail: e.to_string(),
            }
        })?;
        let scheme = rsa::Pkcs1v15Sign {
            hash_len: Some(32),
            prefix: SHA256_DIGEST_INFO_PREFIX.to_vec().into_boxed_slice(),
        };
        return key
            .verify(scheme, &hash, signature)
            .map_err(|_| TimestampError::BadSignature);
    }
    Err(TimestampError::UnsupportedAlgorithm(format!(
        "signature {} with a {} key",
        algorithm.oid, key_alg
    )))
}

/// Whether `cert` is an anchor or chains to one through `pool` (the token's certificates).
fn chains_to_anchor(
    cert: &Certificate,
    pool: &[&Certificate],
    anchors: &TsaTrustAnchors,
    at: DateTime<Utc>,
) -> bool {
    let mut current = cert;
    for _ in 0..MAX_CHAIN_DEPTH {
        if anchors.certs.iter().any(|a| a == current) {
            return true;
        }
        if anchors
            .certs
            .iter()
            .any(|anchor| issued_by(current, anchor))
        {
            return true;
        }
        let next = pool.iter().copied().find(|candidate| {
            *candidate != current
                && is_ca(candidate)
                && valid_at(candidate, at)
                && issued_by(current, candidate)
        });
        match next {
            Some(issuer) => current = issuer,
            None => return false,
        }
    }
    false
}

fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Some(signature) = cert.signature.as_bytes() else {
        return false;
    };
    verify_signature(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm,
        &tbs,
        signature,
    )
    .is_ok()
}

fn is_ca(cert: &Certificate) -> bool {
    extension(cert, ID_CE_BASIC_CONSTRAINTS)
        .and_then(|(_, value)| BasicConstraints::from_der(value).ok())
        .is_some_and(|bc| bc.ca)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn gt(text: &str) -> Result<String, TimestampError> {
        let any = Any::new(Tag::GeneralizedTime, text.as_bytes()).unwrap();
        parse_generalized_time(&any).map(format_gen_time)
    }

    #[test]
    fn gen_time_accepts_fractional_seconds() {
        assert_eq!(gt("20261127061301Z").unwrap(), "2026-11-27T06:13:01Z");
        assert_eq!(gt("20261127061301.5Z").unwrap(), "2026-11-27T06:13:01.500Z");
        assert_eq!(
            gt("20261127061301.123456Z").unwrap(),
            "2026-11-27T06:13:01.123456Z"
        );
        for bad in [
            "20261127061301",
            "20261127061301+0800",
            "2026112706130Z",
            "20261327061301Z",
            "20261127061301.Z",
            "20261127061301.1234567890Z",
            "2026112706130xZ",
        ] {
            assert!(gt(bad).is_err(), "{bad}");
        }
        let utc = Any::new(Tag::UtcTime, b"261127061301Z".as_slice()).unwrap();
        assert!(parse_generalized_time(&utc).is_err());
    }

    #[test]
    fn fail_info_uses_rfc_3161_bit_names() {
        // bits 0 (badAlg) and 25 (systemFailure)
        let bits = BitString::new(6, [0x80, 0x00, 0x00, 0x40]).unwrap();
        assert_eq!(fail_info_names(&bits), ["badAlg", "systemFailure"]);
    }
}
