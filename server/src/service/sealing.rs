//! Sealing and export on the server: the core seals (`seal_bundle`) and writes the bag
//! (`write_bundle`); this module gathers the inputs from the database and the store, keeps
//! the sealed documents in the store, and streams exports.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek};

use chrono::Utc;
use hecha_core::bundle::addendum::Addendum;
use hecha_core::bundle::export::{BlobSource, SealedBundle, bag_info_for, write_bundle};
use hecha_core::bundle::seal::{SealError, SealRequest, seal_bundle, sign_off_problems};
use hecha_core::model::EvidenceItem;
use hecha_core::msg;
use hecha_core::rules::RuleProfile;
use hecha_core::seal::events::EventLog;
use hecha_core::seal::format_time;
use hecha_core::seal::key::{Jwks, KeyPurpose, PublicJwk};
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::log::LogEntry;
use hecha_core::seal::manifest::{DeviceSignature, Manifest};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::entities::{InspectionMode, InspectionStatus, ReviewStatus, device, inspection};
use crate::service::inspection::{
    append_event, event_log, evidence_rows, insert_event, load_profile, load_visible, parse_body,
    parse_item,
};
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::store::{blob_key, bundle_key};

/// What the store keeps of a sealed inspection (`bundles/<id>/<manifest-sha256>.json`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredBundle {
    pub schema: String,
    /// The canonical manifest (JCS), as signed.
    pub manifest: String,
    pub jws: String,
    pub jwks: Jwks,
    pub key_history: KeyHistory,
    pub events_jsonl: String,
    pub profile_toml: String,
    /// RFC 3161 token, base64.
    pub timestamp: Option<String>,
}

pub const STORED_BUNDLE_SCHEMA: &str = "hecha.stored-bundle/v1";

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SealOutcome {
    pub inspection_id: String,
    pub manifest_sha256: String,
    pub merkle_root: String,
    pub sealed_at: String,
    pub items: usize,
    pub signer_kid: String,
}

/// Seals an inspection. The caller must be its writer (inspector for official, company
/// staff for a rehearsal).
///
/// In three steps, so that no slow I/O holds the inspection's row lock or a pooled
/// connection: the facts are read as of one revision (no lock); the bundle is built,
/// signed, time-stamped (the TSA call may take its whole timeout) and stored; then, under
/// the lock, the seal commits only if the inspection is still at that revision — its
/// `inspection.sealing` event, the status, the seal-log entry and the webhooks in one
/// transaction. Anything written meanwhile (evidence, a seat tag, another seal) makes it
/// a conflict (`seal.changed`): nothing is sealed, and sealing again seals what is there
/// now. The document stored for the lost attempt names a manifest no row refers to.
pub async fn seal(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
) -> ServiceResult<SealOutcome> {
    crate::service::inspection::writer(caller, row)?;
    // `row` was read before everything below: whatever is read after it is at least as new,
    // and a write after it moves the revision the commit checks (a stale row only makes the
    // commit a conflict, never a wrong seal).
    if row.status == InspectionStatus::Sealed {
        return Err(ServiceError::sealed());
    }
    let revision = row.revision;
    let insp = parse_body(row)?;
    let profile = load_profile(&state.settings, &row.profile)?;
    let db = &state.db;
    let ev_rows = evidence_rows(db, &row.id).await?;
    let items = ev_rows
        .iter()
        .map(parse_item)
        .collect::<ServiceResult<Vec<_>>>()?;
    // The sign-offs an official seal needs are checked by the core's one sealing path
    // (`seal_bundle`), here before anything is written.
    if insp.mode == hecha_core::model::Mode::Official {
        let problems = sign_off_problems(&profile, &items);
        if !problems.is_empty() {
            return Err(ServiceError::unprocessable(
                "seal.sign_off_missing",
                sign_offs_message(&problems),
            ));
        }
    }
    // The sealing event, made now and written at the commit: the chain the bundle seals
    // ends with it.
    let mut events = event_log(db, &row.id).await?;
    let sealing = events
        .append(
            &format_time(Utc::now()),
            &caller.user_id,
            "inspection.sealing",
            serde_json::json!({ "items": items.len(), "mode": row.mode }),
        )
        .map_err(ServiceError::internal)?
        .clone();
    let mut device_signatures = BTreeMap::new();
    let mut device_keys = Jwks::default();
    for r in &ev_rows {
        if let Some(sig) = &r.device_signature {
            let sig: DeviceSignature = serde_json::from_str(sig).map_err(ServiceError::internal)?;
            if device_keys.find(&sig.device_id).is_none()
                && let Some(d) = device::Entity::find_by_id(sig.device_id.clone())
                    .one(db)
                    .await?
            {
                let jwk: PublicJwk =
                    serde_json::from_str(&d.public_jwk).map_err(ServiceError::internal)?;
                device_keys.insert(jwk);
            }
            device_signatures.insert(r.item_id.clone(), sig);
        }
    }
    let previous = match &row.supplement_of {
        Some(prev) => inspection::Entity::find_by_id(prev.clone())
            .one(db)
            .await?
            .and_then(|p| p.manifest_sha256),
        None => None,
    };
    // Rehearsals are signed by the rehearsal keyring, official records by the authority's.
    let ring = state
        .keyrings
        .current(KeyPurpose::for_mode(insp.mode))
        .await?;
    let signer = ring.active_signer().map_err(ServiceError::internal)?;
    let history = ring.history().clone();
    let tsa = state.settings.tsa.clone();
    let sealed_at = Utc::now();
    let insp_c = insp.clone();
    let bundle = tokio::task::spawn_blocking(move || {
        let tsa_fn = tsa.as_ref().map(|t| {
            let timeout = std::time::Duration::from_secs(t.timeout_s);
            let url = t.url.clone();
            move |digest: &str| {
                crate::tsa::request_timestamp(&url, digest, timeout).map_err(|e| format!("{e:#}"))
            }
        });
        seal_bundle(
            SealRequest {
                inspection: &insp_c,
                evidence: &items,
                device_signatures,
                profile,
                events,
                key_history: history,
                device_keys,
                sealed_at,
                previous_manifest_sha256: previous,
            },
            &*signer,
            tsa_fn
                .as_ref()
                .map(|f| f as &dyn Fn(&str) -> Result<Vec<u8>, String>),
        )
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(|e| match e {
        SealError::Timestamp(m) => {
            ServiceError::unavailable("seal.timestamp", msg!("error-seal-timestamp", problem = m))
        }
        SealError::SignOffs(problems) => {
            ServiceError::unprocessable("seal.sign_off_missing", sign_offs_message(&problems))
        }
        SealError::EvidencePathCollision {
            first,
            second,
            path,
        } => ServiceError::unprocessable(
            "seal.evidence_path",
            msg!(
                "error-seal-evidence-path",
                first = first,
                second = second,
                path = path
            ),
        ),
        e => ServiceError::internal(e),
    })?;
    let digest = bundle.manifest.digest().map_err(ServiceError::internal)?;
    let doc = stored_document(&bundle)?;
    let retention = state
        .settings
        .s3
        .as_ref()
        .and_then(|s| s.object_lock.as_ref())
        .map(|ol| ol.retention(sealed_at));
    state
        .store
        .put_bytes(
            &bundle_key(&row.id, &digest),
            doc,
            "application/json",
            retention,
        )
        .await?;
    // The commit, under the row lock: only if nothing was written since the facts were
    // read.
    let txn = state.db.begin().await?;
    let res = inspection::Entity::update_many()
        .col_expr(
            inspection::Column::Revision,
            Expr::col(inspection::Column::Revision).add(1),
        )
        .col_expr(inspection::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(
            inspection::Column::Status,
            Expr::value(InspectionStatus::Sealed.to_value()),
        )
        .col_expr(inspection::Column::SealedAt, Expr::value(Some(sealed_at)))
        .col_expr(
            inspection::Column::SealedBy,
            Expr::value(Some(caller.user_id.clone())),
        )
        .col_expr(
            inspection::Column::ManifestSha256,
            Expr::value(Some(digest.clone())),
        )
        .filter(inspection::Column::Id.eq(&row.id))
        .filter(inspection::Column::Revision.eq(revision))
        .filter(inspection::Column::Status.ne(InspectionStatus::Sealed))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        txn.rollback().await?;
        let now = inspection::Entity::find_by_id(row.id.clone())
            .one(&state.db)
            .await?;
        if now.is_some_and(|r| r.status == InspectionStatus::Sealed) {
            return Err(ServiceError::sealed());
        }
        return Err(ServiceError::conflict(
            "seal.changed",
            msg!("error-seal-changed"),
        ));
    }
    insert_event(&txn, &row.id, &sealing).await?;
    // Official seals enter the seal log in the same transaction (format §19), after the
    // key history they are signed under. Rehearsals are never official and stay out.
    if insp.mode == hecha_core::model::Mode::Official {
        crate::service::seal_log::sync_key_history(&txn, ring.history()).await?;
        crate::service::seal_log::append(
            &txn,
            &LogEntry::Manifest {
                manifest_sha256: digest.clone(),
                inspection_id: row.id.clone(),
                sealed_at: bundle.manifest.sealed_at.clone(),
            },
        )
        .await?;
    }
    let payload = webhook_payload(&row.id, "inspection.sealed", &bundle, &digest, None)?;
    crate::service::webhooks::enqueue(&txn, row, "inspection.sealed", &payload).await?;
    txn.commit().await?;
    state
        .metrics
        .seals
        .with_label_values(&[row.mode.to_value().as_str()])
        .inc();
    tracing::info!(inspection = %row.id, manifest = %digest, "inspection sealed");
    Ok(SealOutcome {
        inspection_id: row.id.clone(),
        manifest_sha256: digest,
        merkle_root: bundle.manifest.merkle_root.clone(),
        sealed_at: bundle.manifest.sealed_at.clone(),
        items: bundle.manifest.items.len(),
        signer_kid: signer_kid(&bundle),
    })
}

fn signer_kid(b: &SealedBundle) -> String {
    b.manifest.signer_kid.clone()
}

fn stored_document(b: &SealedBundle) -> ServiceResult<Vec<u8>> {
    use base64::Engine;
    let mut events = Vec::new();
    b.events
        .write_jsonl(&mut events)
        .map_err(ServiceError::internal)?;
    let doc = StoredBundle {
        schema: STORED_BUNDLE_SCHEMA.into(),
        manifest: String::from_utf8(
            b.manifest
                .to_canonical_json()
                .map_err(ServiceError::internal)?,
        )
        .map_err(ServiceError::internal)?,
        jws: b.jws.clone(),
        jwks: b.jwks.clone(),
        key_history: b.key_history.clone(),
        events_jsonl: String::from_utf8(events).map_err(ServiceError::internal)?,
        profile_toml: b.profile.source().to_owned(),
        timestamp: b
            .timestamp
            .as_ref()
            .map(|t| base64::engine::general_purpose::STANDARD.encode(t)),
    };
    serde_json::to_vec(&doc).map_err(ServiceError::internal)
}

/// The webhook body: the same bytes on every attempt (stored with the delivery).
pub fn webhook_payload(
    inspection_id: &str,
    event: &str,
    b: &SealedBundle,
    digest: &str,
    review: Option<serde_json::Value>,
) -> ServiceResult<String> {
    let manifest: serde_json::Value = serde_json::from_slice(
        &b.manifest
            .to_canonical_json()
            .map_err(ServiceError::internal)?,
    )
    .map_err(ServiceError::internal)?;
    let mut body = serde_json::json!({
        "event": event,
        "inspection_id": inspection_id,
        "manifest_sha256": digest,
        "manifest": manifest,
        "jws": b.jws,
    });
    if let Some(r) = review {
        body["review"] = r;
    }
    serde_json::to_string(&body).map_err(ServiceError::internal)
}

/// Why an official inspection cannot be sealed yet: every sign-off problem, listed.
fn sign_offs_message(
    problems: &[hecha_core::bundle::seal::SignOffProblem],
) -> hecha_core::i18n::Message {
    msg!(
        "error-seal-sign-offs",
        problems = problems.iter().map(|p| p.message()).collect::<Vec<_>>()
    )
}

/// A sealed inspection's bundle, read back from the store.
pub async fn load_sealed(state: &AppState, row: &inspection::Model) -> ServiceResult<SealedBundle> {
    use base64::Engine;
    let digest = row
        .manifest_sha256
        .as_deref()
        .filter(|_| row.status == InspectionStatus::Sealed)
        .ok_or_else(|| {
            ServiceError::conflict("inspection.not_sealed", msg!("error-inspection-not-sealed"))
        })?;
    let bytes = state
        .store
        .get_bytes(&bundle_key(&row.id, digest), 256 * 1024 * 1024)
        .await?;
    let doc: StoredBundle = serde_json::from_slice(&bytes).map_err(ServiceError::internal)?;
    let manifest = Manifest::from_json(doc.manifest.as_bytes()).map_err(ServiceError::internal)?;
    if manifest.digest().map_err(ServiceError::internal)? != digest {
        return Err(ServiceError::internal(format!(
            "stored bundle of {} does not match its digest",
            row.id
        )));
    }
    let events = EventLog::read_jsonl(doc.events_jsonl.as_bytes())
        .map_err(ServiceError::internal)?
        .map_err(|b| ServiceError::internal(format!("stored event log broken: {b:?}")))?;
    Ok(SealedBundle {
        manifest,
        jws: doc.jws,
        jwks: doc.jwks,
        key_history: doc.key_history,
        events,
        profile: RuleProfile::from_recorded_toml(&doc.profile_toml)
            .map_err(ServiceError::internal)?,
        timestamp: doc
            .timestamp
            .map(|t| base64::engine::general_purpose::STANDARD.decode(t))
            .transpose()
            .map_err(ServiceError::internal)?,
        addendum: None,
        seal_log: None,
    })
}

/// The sealed bundle as an export carries it today: the key history as the keyring holds
/// it now (the sealed copy is a prefix of it, so a verifier pinning today's history accepts
/// it), and the events recorded after the seal (reviews) as a signed addendum.
async fn with_addendum(
    state: &AppState,
    row: &inspection::Model,
    mut bundle: SealedBundle,
) -> ServiceResult<SealedBundle> {
    let sealed = bundle.manifest.event_log.count as usize;
    let after: Vec<_> = event_log(&state.db, &row.id)
        .await?
        .events()
        .iter()
        .skip(sealed)
        .cloned()
        .collect();
    let ring = state
        .keyrings
        .current(KeyPurpose::for_mode(bundle.manifest.mode))
        .await?;
    if bundle.key_history.is_prefix_of(ring.history()) {
        bundle.key_history = ring.history().clone();
        for k in &ring.jwks().keys {
            bundle.jwks.insert(k.clone());
        }
    }
    if bundle.manifest.mode == hecha_core::model::Mode::Official {
        let digest = bundle.manifest.digest().map_err(ServiceError::internal)?;
        let entry = LogEntry::Manifest {
            manifest_sha256: digest,
            inspection_id: bundle.manifest.inspection.id.clone(),
            sealed_at: bundle.manifest.sealed_at.clone(),
        };
        bundle.seal_log = crate::service::seal_log::proof_for(state, &entry).await?;
        // The tree head may be signed by a key introduced since: the export's history
        // (the keyring's, above) holds it.
    }
    if after.is_empty() {
        return Ok(bundle);
    }
    let signer = ring.active_signer().map_err(|e| {
        ServiceError::conflict(
            "export.no_signing_key",
            msg!("error-export-no-signing-key", problem = e.to_string()),
        )
    })?;
    let digest = bundle.manifest.digest().map_err(ServiceError::internal)?;
    let at = format_time(Utc::now());
    bundle.addendum = Some(
        Addendum::sign(&bundle.manifest, &digest, after, &*signer, &at)
            .map_err(ServiceError::internal)?,
    );
    Ok(bundle)
}

/// Evidence bytes fetched into a scratch directory, for the (blocking) bag writer.
struct ScratchBlobs(std::path::PathBuf);

impl BlobSource for ScratchBlobs {
    fn open(&self, item: &EvidenceItem) -> std::io::Result<Option<Box<dyn Read + '_>>> {
        let Some(b) = &item.blob else { return Ok(None) };
        let path = self.0.join(&b.sha256);
        match std::fs::File::open(&path) {
            Ok(f) => Ok(Some(Box::new(BufReader::new(f)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Writes the BagIt zip of a sealed inspection to an anonymous temporary file (rewound),
/// evidence streamed from the store through a scratch directory.
pub async fn export(
    state: &AppState,
    row: &inspection::Model,
) -> ServiceResult<(std::fs::File, u64)> {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let bundle = with_addendum(state, row, load_sealed(state, row).await?).await?;
    let scratch = tempfile::Builder::new().prefix("export-").tempdir_in({
        let d = state.settings.spool_dir();
        tokio::fs::create_dir_all(&d).await?;
        d
    })?;
    for mi in &bundle.manifest.items {
        let Some(b) = &mi.item.blob else { continue };
        if !crate::store::is_sha256_hex(&b.sha256) {
            continue;
        }
        let dest = scratch.path().join(&b.sha256);
        if tokio::fs::try_exists(&dest).await? {
            continue;
        }
        let mut stream = match state.store.get_stream(&blob_key(&b.sha256)).await {
            Ok(s) => s,
            // An item whose bytes were never kept (a certificate photo): no file in the bag.
            Err(crate::store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let mut f = tokio::fs::File::create(&dest).await?;
        while let Some(chunk) = stream.next().await {
            f.write_all(&chunk?).await?;
        }
        f.flush().await?;
    }
    // The report's thumbnails decode the photos one at a time: the largest one's share of
    // the decode budget, held while the bag is written.
    let largest = bundle
        .manifest
        .items
        .iter()
        .filter_map(|mi| mi.item.blob.as_ref())
        .filter(|b| {
            b.media_type
                .as_deref()
                .is_some_and(|t| t.starts_with("image/"))
        })
        .map(|b| scratch.path().join(&b.sha256))
        .filter(|p| p.exists())
        .map(|p| crate::decode::DecodeBudget::estimate_mb(&p))
        .max()
        .unwrap_or(1);
    let _budget = state.decode_budget.acquire_at_most(largest).await?;
    let scratch_path = scratch.path().to_owned();
    let file = tokio::task::spawn_blocking(move || -> ServiceResult<(std::fs::File, u64)> {
        let out = tempfile::tempfile().map_err(ServiceError::internal)?;
        // The fields derived from the manifest, which the verifier compares with it.
        let info = bag_info_for(&bundle.manifest, &Utc::now().format("%Y-%m-%d").to_string())
            .map_err(ServiceError::internal)?;
        let blobs = ScratchBlobs(scratch_path);
        let w = write_bundle(
            std::io::BufWriter::new(out),
            &bundle,
            &blobs,
            &info,
            &mut |_| {},
        )
        .map_err(ServiceError::internal)?;
        let mut f = w
            .into_inner()
            .map_err(|e| ServiceError::internal(e.into_error()))?;
        let len = f.stream_position().map_err(ServiceError::internal)?;
        f.rewind().map_err(ServiceError::internal)?;
        Ok((f, len))
    })
    .await
    .map_err(ServiceError::internal)??;
    drop(scratch);
    Ok(file)
}

/// Records a review of a sealed inspection as an event (the sealed content never changes)
/// and notifies webhooks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    pub verdict: ReviewStatus,
    #[serde(default)]
    pub comment: String,
}

/// Reviews a sealed official inspection the caller reaches: the review is an event after
/// the seal (an addendum of the bundle), the comment masked.
pub async fn review_inspection(
    state: &AppState,
    caller: &Caller,
    id: &str,
    new: NewReview,
) -> ServiceResult<serde_json::Value> {
    let row = load_visible(&state.db, caller, id).await?;
    caller.require(&[Role::Auditor, Role::Inspector, Role::Admin])?;
    if row.mode != InspectionMode::Official {
        return Err(ServiceError::conflict(
            "review.rehearsal",
            msg!("error-review-rehearsal"),
        ));
    }
    if new.comment.chars().count() > 4000 {
        return Err(ServiceError::unprocessable(
            "review.comment",
            msg!("error-review-comment", max = 4000),
        ));
    }
    let comment = hecha_core::model::personal_ids::mask_text(&new.comment);
    review(state, caller, &row, new.verdict, &comment).await
}

/// Seals an inspection the caller reaches and may write.
pub async fn seal_inspection(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ServiceResult<SealOutcome> {
    let row = load_visible(&state.db, caller, id).await?;
    seal(state, caller, &row).await
}

/// The BagIt zip of a sealed inspection the caller reaches: the inspection's id, the file
/// and its length.
pub async fn export_inspection(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ServiceResult<(String, std::fs::File, u64)> {
    let row = load_visible(&state.db, caller, id).await?;
    let (file, len) = export(state, &row).await?;
    Ok((row.id, file, len))
}

async fn review(
    state: &AppState,
    caller: &Caller,
    row: &inspection::Model,
    verdict: ReviewStatus,
    comment: &str,
) -> ServiceResult<serde_json::Value> {
    if row.status != InspectionStatus::Sealed {
        return Err(ServiceError::conflict(
            "inspection.not_sealed",
            msg!("error-review-not-sealed"),
        ));
    }
    let bundle = load_sealed(state, row).await?;
    let digest = row.manifest_sha256.clone().unwrap_or_default();
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    // Lock the row (PostgreSQL) so concurrent reviews chain one after the other.
    inspection::Entity::update_many()
        .col_expr(
            inspection::Column::ReviewStatus,
            Expr::value(Some(verdict.to_value())),
        )
        .filter(inspection::Column::Id.eq(&row.id))
        .exec(&txn)
        .await?;
    let ev = append_event(
        &txn,
        &row.id,
        &caller.user_id,
        "inspection.reviewed",
        serde_json::json!({ "verdict": verdict, "comment": comment, "manifest_sha256": digest }),
    )
    .await?;
    let review = serde_json::json!({
        "verdict": verdict, "comment": comment, "by": caller.user_id, "at": ev.at, "event_hash": ev.hash,
    });
    let payload = webhook_payload(
        &row.id,
        "inspection.reviewed",
        &bundle,
        &digest,
        Some(review.clone()),
    )?;
    crate::service::webhooks::enqueue(&txn, row, "inspection.reviewed", &payload).await?;
    txn.commit().await?;
    Ok(review)
}
