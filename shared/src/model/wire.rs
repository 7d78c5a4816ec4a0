//! What the server and the phone send each other, defined once: the assignment a phone
//! takes offline and the evidence item it posts back. The server answers and reads these
//! types; the phone reads and sends them (bundle-format and server.md show the JSON).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EvidenceItem, Inspection, InspectionStatus};
use crate::seal::manifest::DeviceSignature;

/// `GET /api/v1/inspections/{id}/assignment`: what an enrolled device takes offline — the
/// inspection, its profile, the seat tags and the person-hash key. The phone keeps it in
/// its outbox (the key sealed) to reopen the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Assignment {
    pub inspection: Inspection,
    /// `None` only in an assignment a phone kept before it kept the whole assignment.
    #[serde(default)]
    pub status: Option<InspectionStatus>,
    /// The rule profile, TOML, byte for byte.
    pub profile_toml: String,
    #[serde(default)]
    pub seat_tags: Vec<SeatTag>,
    /// For the keyed hash of ID numbers on the phone (the authority's key for an official
    /// inspection, the company's own for a rehearsal).
    pub person_hash_key: PersonHashKey,
    /// Item ids the server already holds (the phone skips them when syncing).
    #[serde(default)]
    pub received_items: Vec<String>,
    /// Server time, to measure the device clock's offset (`None` as for `status`).
    #[serde(default)]
    pub server_time: Option<String>,
}

/// A seat tag the server issued for an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatTag {
    pub seat_id: String,
    /// The signed tag: the text of the QR code stuck on the seat.
    pub tag: String,
    /// Where to fetch the QR code as PNG (empty in an assignment kept by an earlier phone).
    #[serde(default)]
    pub qr_png: String,
}

/// The person-hash key handed to a phone with its assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PersonHashKey {
    pub key_id: String,
    /// Hex. Kept in the device's keystore; it never leaves the app.
    pub key_hex: String,
}

/// `POST /api/v1/inspections/{id}/evidence`: one evidence item, as a phone (or any
/// client) sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidence {
    /// The item in the core's model; its `id` (the client's) makes the call idempotent.
    pub item: EvidenceItem,
    /// For an `si_scan`: the text the phone's QR scanner returned. The server parses and
    /// masks it; the text itself is not stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_text: Option<String>,
    /// For a `sign_off`: the signer's ID number (required of the company's representative
    /// for an official seal). The server checks it, masks it and hashes it with the
    /// authority's person-hash key into the item's `person`; the number is not stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// The capturing device's ES256 signature over the item digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub device_signature: Option<DeviceSignature>,
    /// The device clock minus the server clock, measured by the phone at sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_offset_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn inspection() -> Value {
        crate::model::test_inspection_json("official")
    }

    /// The assignment as the server wrote it with its own struct, before this type.
    fn server_assignment() -> Value {
        let inspection: Inspection = serde_json::from_value(inspection()).unwrap();
        json!({
            "inspection": inspection,
            "status": "in_progress",
            "profile_toml": "id = \"jiangsu-suzhou\"\n",
            "seat_tags": [{
                "seat_id": "A-01",
                "tag": "hecha-seat:v1:k:insp-1:A-01:sig",
                "qr_png": "/api/v1/inspections/insp-1/seat-tags/A-01/qr.png"
            }],
            "person_hash_key": { "key_id": "k1", "key_hex": "11".repeat(32) },
            "received_items": ["ph1"],
            "server_time": "2026-11-23T05:00:00Z"
        })
    }

    #[test]
    fn the_assignment_the_server_sends_reads_and_writes_back_the_same() {
        let json = server_assignment();
        let a: Assignment = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(a.status, Some(InspectionStatus::InProgress));
        assert_eq!(a.seat_tags[0].tag, "hecha-seat:v1:k:insp-1:A-01:sig");
        assert_eq!(a.received_items, vec!["ph1".to_owned()]);
        assert_eq!(serde_json::to_value(&a).unwrap(), json);
    }

    #[test]
    fn an_assignment_a_phone_kept_before_still_reads() {
        // What the phone kept in its outbox with its own struct (the key sealed apart).
        let kept = json!({
            "inspection": inspection(),
            "profile_toml": "id = \"jiangsu-suzhou\"\n",
            "seat_tags": [{ "seat_id": "A-01", "tag": "hecha-seat:v1:k:insp-1:A-01:sig" }],
            "person_hash_key": { "key_id": "k1", "key_hex": "" }
        });
        let a: Assignment = serde_json::from_value(kept).unwrap();
        assert_eq!((a.status, a.server_time), (None, None));
        assert_eq!(a.seat_tags[0].seat_id, "A-01");
        assert!(a.received_items.is_empty());
    }

    fn item() -> EvidenceItem {
        serde_json::from_value(json!({
            "id": "dev1-note-1",
            "kind": "note",
            "text": "机房门禁正常",
            "device_id": "dev1",
            "captured_by": "user-1"
        }))
        .unwrap()
    }

    #[test]
    fn new_evidence_is_the_json_the_phone_built_by_hand() {
        let typed = NewEvidence {
            item: item(),
            qr_text: None,
            id_number: None,
            device_signature: Some(DeviceSignature {
                device_id: "dev1".into(),
                jws: "eyJ.x.y".into(),
            }),
            clock_offset_ms: Some(-1200),
        };
        // The phone's sync sent this object before it sent the type.
        let by_hand = json!({
            "item": item(),
            "device_signature": {"device_id": "dev1", "jws": "eyJ.x.y"},
            "clock_offset_ms": -1200,
        });
        assert_eq!(serde_json::to_value(&typed).unwrap(), by_hand);
        let read: NewEvidence = serde_json::from_value(by_hand).unwrap();
        assert_eq!(read, typed);
    }

    #[test]
    fn new_evidence_reads_what_other_clients_send_and_refuses_unknown_fields() {
        let minimal: NewEvidence = serde_json::from_value(json!({ "item": item() })).unwrap();
        assert_eq!(
            (minimal.device_signature, minimal.clock_offset_ms),
            (None, None)
        );
        let with_text: NewEvidence = serde_json::from_value(
            json!({ "item": item(), "qr_text": "姓名：周明", "id_number": null, "clock_offset_ms": null }),
        )
        .unwrap();
        assert_eq!(with_text.qr_text.as_deref(), Some("姓名：周明"));
        // `server_parsed` was the server's own field, never read from a request.
        for extra in ["server_parsed", "signature"] {
            let err = serde_json::from_value::<NewEvidence>(json!({ "item": item(), extra: true }))
                .unwrap_err();
            assert!(err.to_string().contains("unknown field"), "{err}");
        }
    }
}
