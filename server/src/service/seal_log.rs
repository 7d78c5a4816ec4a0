//! The seal log in the database (format §19): an append-only RFC 6962 log of every official
//! seal and every change of the official key history, its tree heads signed by the bundle
//! keyring. Appends run inside the caller's transaction (the seal's), so a seal and its log
//! entry commit together; the leaf index is `max(seq) + 1` under a primary key, so replicas
//! sharing the database that race for one index fail one insert, which retries.
//!
//! A tree head or a proof is computed from every leaf hash, read in one query: fine up to
//! about 10^5 leaves (a few MB read and as many SHA-256 per request), as the docs say.

use chrono::Utc;
use hecha_core::bundle::seal_log::SealLogProof;
use hecha_core::msg;
use hecha_core::seal::format_time;
use hecha_core::seal::key_history::KeyHistory;
use hecha_core::seal::log::{LogEntry, TreeHead, consistency_proof, inclusion_path, log_id_of};
use hecha_core::seal::merkle::Hash32;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::db::entities::seal_log;
use crate::service::{ServiceError, ServiceResult};
use crate::state::AppState;

/// How often an append retries after losing a race for a leaf index to another replica.
const APPEND_ATTEMPTS: usize = 8;

/// A signed tree head as the API serves it: the signed claims, and the JWS that signs them
/// (the only part a verifier trusts).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedTreeHead {
    pub tree_size: u64,
    /// RFC 6962 Merkle tree head, lowercase hex.
    pub root_hash: String,
    /// RFC 3339 UTC: when the head was signed.
    pub timestamp: String,
    /// The log's id: the kid of the first key of the official key history.
    pub log_id: String,
    /// Compact JWS (`typ: hecha-sth+jwt`) over `{log_id, root_hash, timestamp, tree_size}`.
    pub tree_head_jws: String,
}

/// A page of the log's entries, in order: what an auditor reads to recompute the tree and
/// check what was logged (each seal's digest and time, each key-history change).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogEntries {
    /// The index of the first entry given.
    pub start: u64,
    /// The log's size when read.
    pub tree_size: u64,
    /// The entries from `start` on (the leaf of each is SHA-256(0x00 ‖ its canonical JSON)).
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<LogEntry>,
}

/// The most entries one page gives.
pub const MAX_ENTRIES_PAGE: u64 = 1000;

/// An RFC 6962 consistency proof between two tree sizes of the log.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    pub first: u64,
    pub second: u64,
    /// `PROOF(first, D[second])`, lowercase hex nodes.
    pub proof: Vec<String>,
}

/// Appends `entry` inside `txn` (retrying on a lost race); returns its leaf index.
pub async fn append(txn: &DatabaseTransaction, entry: &LogEntry) -> ServiceResult<u64> {
    let bytes = entry.to_canonical_json().map_err(ServiceError::internal)?;
    let text = String::from_utf8(bytes).map_err(ServiceError::internal)?;
    let leaf = hex::encode(entry.leaf_hash().map_err(ServiceError::internal)?);
    for _ in 0..APPEND_ATTEMPTS {
        // A savepoint: a failed insert must not abort the whole sealing transaction
        // (PostgreSQL refuses every later statement of an aborted transaction).
        let sp = txn.begin().await?;
        let seq = next_seq(&sp).await?;
        let row = seal_log::Model {
            seq: seq as i64,
            leaf_hash: leaf.clone(),
            entry: text.clone(),
            created_at: Utc::now(),
        };
        match seal_log::Entity::insert(row.into_active_model())
            .exec_without_returning(&sp)
            .await
        {
            Ok(_) => {
                sp.commit().await?;
                return Ok(seq);
            }
            Err(e) if crate::db::is_unique_violation(&e) => {
                sp.rollback().await?;
                // Another writer took the index, or logged this very entry (a key history
                // two replicas saw change at once): then it is in the log already.
                if let Some(row) = seal_log::Entity::find()
                    .filter(seal_log::Column::LeafHash.eq(&leaf))
                    .one(txn)
                    .await?
                {
                    return Ok(row.seq as u64);
                }
                tracing::debug!(seq, "seal log index taken by another writer; retrying");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ServiceError::conflict("log.busy", msg!("error-log-busy")))
}

async fn next_seq<C: ConnectionTrait>(db: &C) -> ServiceResult<u64> {
    let last = seal_log::Entity::find()
        .order_by_desc(seal_log::Column::Seq)
        .one(db)
        .await?;
    Ok(last.map_or(0, |r| r.seq as u64 + 1))
}

/// Appends a key-history entry when the official key history is not the one the log last
/// recorded (a rotation or retirement made with `hecha key` since). Called on every seal and
/// before every tree head, so a change is logged before anything it signs.
pub async fn sync_key_history(
    txn: &DatabaseTransaction,
    history: &KeyHistory,
) -> ServiceResult<()> {
    let current = LogEntry::key_history(history).map_err(ServiceError::internal)?;
    let LogEntry::KeyHistory { history_sha256, .. } = &current else {
        return Ok(());
    };
    // The entry is JCS: `"kind":"key_history"` appears unescaped only as the member itself.
    let last = seal_log::Entity::find()
        .filter(seal_log::Column::Entry.contains(r#""kind":"key_history""#))
        .order_by_desc(seal_log::Column::Seq)
        .one(txn)
        .await?;
    let logged = match last {
        Some(row) => match serde_json::from_str::<LogEntry>(&row.entry) {
            Ok(LogEntry::KeyHistory { history_sha256, .. }) => Some(history_sha256),
            _ => None,
        },
        None => None,
    };
    if logged.as_deref() != Some(history_sha256.as_str()) {
        let seq = append(txn, &current).await?;
        tracing::info!(seq, entries = history.entries.len(), "key history logged");
    }
    Ok(())
}

/// The leaf hashes from leaf 0, checked to be gapless.
async fn leaves<C: ConnectionTrait>(db: &C) -> ServiceResult<Vec<Hash32>> {
    let rows: Vec<(i64, String)> = seal_log::Entity::find()
        .select_only()
        .column(seal_log::Column::Seq)
        .column(seal_log::Column::LeafHash)
        .order_by_asc(seal_log::Column::Seq)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .enumerate()
        .map(|(i, (seq, hash))| {
            if seq != i as i64 {
                return Err(ServiceError::internal(format!(
                    "seal log has a gap: leaf {i} is stored as {seq}"
                )));
            }
            hecha_core::seal::hash::parse_sha256_hex(&hash)
                .ok_or_else(|| ServiceError::internal(format!("seal log leaf {seq} is not a hash")))
        })
        .collect()
}

/// Signs the head of `leaves` with the official keyring's active key. The keyring is checked
/// again after signing: if a rotation happened meanwhile, the head is signed again by the
/// new key, whose period starts at (inclusive) its introduction second — the old key's
/// ends there (exclusive), so a head it signed in that second would not verify.
/// `None` when the keyring has no active key (its last key retired): nothing can sign.
async fn sign_head(state: &AppState, leaves: &[Hash32]) -> ServiceResult<Option<SignedTreeHead>> {
    for _ in 0..3 {
        let ring = state.keyrings.official().await?;
        let chain = ring.history().verify().map_err(ServiceError::internal)?;
        let log_id = log_id_of(&chain)
            .ok_or_else(|| ServiceError::internal("empty official key history"))?
            .to_owned();
        if ring.active_kid().is_none() {
            return Ok(None);
        }
        let signer = ring.active_signer().map_err(ServiceError::internal)?;
        let head = TreeHead::of(leaves, &log_id, &format_time(Utc::now()));
        let jws = head.sign(&*signer).map_err(ServiceError::internal)?;
        let after = state.keyrings.official().await?;
        if after.active_kid() == Some(signer.kid()) {
            return Ok(Some(SignedTreeHead {
                tree_size: head.tree_size,
                root_hash: head.root_hash,
                timestamp: head.timestamp,
                log_id: head.log_id,
                tree_head_jws: jws,
            }));
        }
    }
    Err(ServiceError::conflict(
        "log.rotating",
        msg!("error-log-rotating"),
    ))
}

/// The latest signed tree head (a key-history change not yet logged is logged first).
pub async fn tree_head(state: &AppState) -> ServiceResult<SignedTreeHead> {
    let leaves = synced_leaves(state).await?;
    sign_head(state, &leaves).await?.ok_or_else(|| {
        ServiceError::conflict("log.no_signing_key", msg!("error-log-no-signing-key"))
    })
}

/// Every leaf, after logging a key-history change not yet logged.
async fn synced_leaves(state: &AppState) -> ServiceResult<Vec<Hash32>> {
    let ring = state.keyrings.official().await?;
    let txn = state.db.begin().await?;
    sync_key_history(&txn, ring.history()).await?;
    txn.commit().await?;
    leaves(&state.db).await
}

/// Entries `start..start + count` (at most [`MAX_ENTRIES_PAGE`]), as stored.
pub async fn entries(state: &AppState, start: u64, count: u64) -> ServiceResult<LogEntries> {
    let size = seal_log::Entity::find().count(&state.db).await?;
    if start > size {
        return Err(ServiceError::unprocessable(
            "log.sizes",
            msg!("error-log-start", start = start, size = size),
        ));
    }
    let rows = seal_log::Entity::find()
        .filter(seal_log::Column::Seq.gte(start as i64))
        .order_by_asc(seal_log::Column::Seq)
        .limit(count.clamp(1, MAX_ENTRIES_PAGE))
        .all(&state.db)
        .await?;
    let entries = rows
        .iter()
        .map(|r| serde_json::from_str(&r.entry).map_err(ServiceError::internal))
        .collect::<ServiceResult<Vec<LogEntry>>>()?;
    Ok(LogEntries {
        start,
        tree_size: size,
        entries,
    })
}

/// `PROOF(first, D[second])`; `0 < first ≤ second ≤` the log's size.
pub async fn consistency(
    state: &AppState,
    first: u64,
    second: u64,
) -> ServiceResult<ConsistencyProof> {
    let leaves = leaves(&state.db).await?;
    let size = leaves.len() as u64;
    if first == 0 || first > second || second > size {
        return Err(ServiceError::unprocessable(
            "log.sizes",
            msg!(
                "error-log-sizes",
                size = size,
                first = first,
                second = second
            ),
        ));
    }
    let proof =
        consistency_proof(&leaves[..second as usize], first).map_err(ServiceError::internal)?;
    Ok(ConsistencyProof {
        first,
        second,
        proof: proof.iter().map(hex::encode).collect(),
    })
}

/// The seal-log proof an export of this official seal carries: its leaf, the audit path to
/// the latest tree head and that head. `None` when the seal is not in the log (sealed
/// before the log existed: there is no backfill).
pub async fn proof_for(state: &AppState, entry: &LogEntry) -> ServiceResult<Option<SealLogProof>> {
    let text = String::from_utf8(entry.to_canonical_json().map_err(ServiceError::internal)?)
        .map_err(ServiceError::internal)?;
    let Some(row) = seal_log::Entity::find()
        .filter(seal_log::Column::Entry.eq(text))
        .order_by_asc(seal_log::Column::Seq)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let leaves = synced_leaves(state).await?;
    let index = row.seq as u64;
    let path = inclusion_path(&leaves, index).map_err(ServiceError::internal)?;
    let Some(head) = sign_head(state, &leaves).await? else {
        // A retired keyring still exports what it sealed, without a fresh tree head.
        tracing::warn!("no active bundle key: the export carries no seal-log proof");
        return Ok(None);
    };
    Ok(Some(SealLogProof::new(
        entry.clone(),
        index,
        &path,
        head.tree_head_jws,
    )))
}
