//! The wire types of `hecha_core::model::wire` in the OpenAPI document. Their JSON is the
//! core's serde form, defined once there and read by the phone; their JSON Schema is the
//! core's (`hecha schema`, `$defs`). These names only document them, as the API documents
//! the core's other types (an `Object` whose schema the core publishes): no handler
//! builds one.

use hecha_core::model::wire::{Assignment, NewEvidence, SeatTag};
use utoipa::ToSchema;

/// What an enrolled device takes offline: `inspection`, `status`, `profile_toml` (the rule
/// profile, byte for byte), `seat_tags`, `person_hash_key` (`key_id`, `key_hex`),
/// `received_items` (item ids already held), `server_time`. JSON Schema: `hecha schema`,
/// `$defs.Assignment`.
#[derive(ToSchema)]
#[schema(as = Assignment, value_type = Object)]
pub struct AssignmentSchema(pub Assignment);

/// One evidence item: `item` (the core's model; its id makes the call idempotent), and
/// when they apply `qr_text`, `id_number`, `device_signature` (`device_id`, `jws`),
/// `clock_offset_ms`. JSON Schema: `hecha schema`, `$defs.NewEvidence`.
#[derive(ToSchema)]
#[schema(as = NewEvidence, value_type = Object)]
pub struct NewEvidenceSchema(pub NewEvidence);

/// A signed seat tag: `seat_id`, `tag` (the text of the QR code stuck on the seat),
/// `qr_png` (where to fetch the QR code as PNG). JSON Schema: `hecha schema`,
/// `$defs.SeatTag`.
#[derive(ToSchema)]
#[schema(as = SeatTag, value_type = Object)]
pub struct SeatTagSchema(pub SeatTag);
