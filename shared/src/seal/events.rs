//! The hash-chained event log: every change to an inspection is an event whose hash
//! covers the previous event's hash, so a dropped, reordered or edited event breaks the
//! chain where it happened. The bundle carries the whole log as `hecha/events.jsonl`; the
//! manifest records its head.
//!
//! `hash` = lowercase hex SHA-256 of the canonical JSON (RFC 8785) of the event without
//! its `hash` member; `prev` is the previous event's `hash`, or [`GENESIS_PREV`] for the
//! first event; `seq` counts from 1.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use super::canonical::{CanonicalError, canonical_sha256, to_canonical_json};

/// `prev` of the first event: 64 zeros.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When the server recorded it: an RFC 3339 timestamp, kept as written so the hash
    /// never depends on how a library re-formats times.
    pub at: String,
    /// Who did it (user id, `system`, a device id).
    pub actor: String,
    /// What happened, e.g. `inspection.created`, `evidence.added`, `inspection.sealed`.
    pub kind: String,
    /// The details; no floats (canonical JSON refuses them).
    pub data: serde_json::Value,
    /// Hash of the previous event, or [`GENESIS_PREV`].
    pub prev: String,
    /// SHA-256 of this event's canonical JSON without `hash`.
    pub hash: String,
}

/// The members an event's hash covers.
#[derive(Serialize)]
struct Unhashed<'a> {
    seq: u64,
    at: &'a str,
    actor: &'a str,
    kind: &'a str,
    data: &'a serde_json::Value,
    prev: &'a str,
}

impl Event {
    /// The event that follows `prev` (the first event when `None`), hashed. A server
    /// appending to a log kept in a database row by row uses this with the last row.
    pub fn following(
        prev: Option<&Event>,
        at: &str,
        actor: &str,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<Event, EventLogError> {
        chrono::DateTime::parse_from_rfc3339(at)
            .map_err(|_| EventLogError::BadTime(at.to_owned()))?;
        let mut event = Event {
            seq: prev.map_or(1, |p| p.seq + 1),
            at: at.to_owned(),
            actor: actor.to_owned(),
            kind: kind.to_owned(),
            data,
            prev: prev.map_or_else(|| GENESIS_PREV.to_owned(), |p| p.hash.clone()),
            hash: String::new(),
        };
        event.hash = event.compute_hash()?;
        Ok(event)
    }

    /// The hash this event should carry.
    pub fn compute_hash(&self) -> Result<String, CanonicalError> {
        canonical_sha256(&Unhashed {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            kind: &self.kind,
            data: &self.data,
            prev: &self.prev,
        })
    }
}

/// Why an event cannot be appended or a log cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum EventLogError {
    #[error("event time {0:?} is not an RFC 3339 timestamp")]
    BadTime(String),
    #[error("event data has no canonical form: {0}")]
    Canonical(#[from] CanonicalError),
    #[error("events.jsonl line {line}: {message}")]
    Parse { line: usize, message: String },
    #[error("cannot read or write the event log: {0}")]
    Io(#[from] std::io::Error),
}

/// Where and how a chain is broken. Every break is reported, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "event at position {position} has seq {found}, expected {expected} (an event was dropped, inserted or reordered)"
    )]
    Seq {
        position: usize,
        expected: u64,
        found: u64,
    },
    #[error(
        "event {seq}: prev is {found}, but the event before it hashes to {expected} (the chain is broken before it)"
    )]
    Prev {
        seq: u64,
        expected: String,
        found: String,
    },
    #[error(
        "event {seq}: its content hashes to {computed}, not to its recorded hash {recorded} (the event was edited)"
    )]
    Hash {
        seq: u64,
        computed: String,
        recorded: String,
    },
    #[error("event {seq}: {problem}")]
    Malformed { seq: u64, problem: String },
}

/// An append-only log, as the server or a rehearsal builds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventLog {
    events: Vec<Event>,
}

impl EventLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// A log read back, after checking its chain.
    pub fn from_events(events: Vec<Event>) -> Result<Self, Vec<ChainBreak>> {
        verify_chain(&events)?;
        Ok(Self { events })
    }

    /// Appends an event; `at` must be RFC 3339.
    pub fn append(
        &mut self,
        at: &str,
        actor: &str,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<&Event, EventLogError> {
        let event = Event::following(self.events.last(), at, actor, kind, data)?;
        let position = self.events.len();
        self.events.push(event);
        Ok(&self.events[position])
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The hash of the last event, or [`GENESIS_PREV`] for an empty log.
    pub fn head(&self) -> String {
        self.events
            .last()
            .map_or_else(|| GENESIS_PREV.to_owned(), |e| e.hash.clone())
    }

    /// Writes the log as JSONL: one canonical JSON event per line, `\n`-terminated.
    pub fn write_jsonl<W: Write>(&self, mut out: W) -> Result<(), EventLogError> {
        for event in &self.events {
            out.write_all(&to_canonical_json(event)?)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Reads JSONL (blank lines ignored) and checks the chain. A parse error is an `Err`;
    /// a broken chain is returned as the breaks, so a verifier can report them all.
    pub fn read_jsonl<R: BufRead>(
        input: R,
    ) -> Result<Result<Self, Vec<ChainBreak>>, EventLogError> {
        Ok(Self::from_events(parse_jsonl(input)?))
    }
}

/// Events of a JSONL text (blank lines ignored), unchecked.
pub fn parse_jsonl<R: BufRead>(input: R) -> Result<Vec<Event>, EventLogError> {
    let mut events = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let event: Event = serde_json::from_str(&line).map_err(|e| EventLogError::Parse {
            line: i + 1,
            message: e.to_string(),
        })?;
        events.push(event);
    }
    Ok(events)
}

/// Checks a chain; `Ok` holds its head (the last hash, or [`GENESIS_PREV`] when empty).
pub fn verify_chain(events: &[Event]) -> Result<String, Vec<ChainBreak>> {
    verify_chain_after(events, 0, GENESIS_PREV)
}

/// Checks events that continue a chain whose last event had `after_seq` and hash
/// `after_hash` (an addendum after the seal). `Ok` holds the new head.
pub fn verify_chain_after(
    events: &[Event],
    after_seq: u64,
    after_hash: &str,
) -> Result<String, Vec<ChainBreak>> {
    let mut breaks = Vec::new();
    let mut previous_hash = after_hash.to_owned();
    for (position, event) in events.iter().enumerate() {
        let expected_seq = after_seq + position as u64 + 1;
        if event.seq != expected_seq {
            breaks.push(ChainBreak::Seq {
                position,
                expected: expected_seq,
                found: event.seq,
            });
        }
        if chrono::DateTime::parse_from_rfc3339(&event.at).is_err() {
            breaks.push(ChainBreak::Malformed {
                seq: event.seq,
                problem: format!("time {:?} is not RFC 3339", event.at),
            });
        }
        if event.prev != previous_hash {
            breaks.push(ChainBreak::Prev {
                seq: event.seq,
                expected: previous_hash.clone(),
                found: event.prev.clone(),
            });
        }
        match event.compute_hash() {
            Ok(computed) if computed == event.hash => {}
            Ok(computed) => breaks.push(ChainBreak::Hash {
                seq: event.seq,
                computed,
                recorded: event.hash.clone(),
            }),
            Err(e) => breaks.push(ChainBreak::Malformed {
                seq: event.seq,
                problem: e.to_string(),
            }),
        }
        previous_hash = event.hash.clone();
    }
    if breaks.is_empty() {
        Ok(previous_hash)
    } else {
        Err(breaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn log(n: usize) -> EventLog {
        let mut log = EventLog::new();
        for i in 0..n {
            log.append(
                &format!("2025-03-0{}T09:00:00+08:00", 1 + i % 9),
                "inspector-1",
                "evidence.added",
                json!({"item_id": format!("p{i}"), "n": i}),
            )
            .unwrap();
        }
        log
    }

    #[test]
    fn a_fresh_log_verifies_and_starts_at_genesis() {
        let log = log(4);
        assert_eq!(log.events()[0].prev, GENESIS_PREV);
        assert_eq!(log.events()[0].seq, 1);
        assert_eq!(verify_chain(log.events()).unwrap(), log.head());
        assert_eq!(verify_chain(&[]).unwrap(), GENESIS_PREV);
    }

    #[test]
    fn jsonl_round_trips() {
        let log = log(3);
        let mut out = Vec::new();
        log.write_jsonl(&mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.ends_with('\n'));
        let back = EventLog::read_jsonl(&out[..]).unwrap().unwrap();
        assert_eq!(back, log);
    }

    #[test]
    fn an_edited_event_is_reported_with_its_seq() {
        let mut events = log(4).events().to_vec();
        events[2].data = json!({"item_id": "forged"});
        let breaks = verify_chain(&events).unwrap_err();
        assert_eq!(breaks.len(), 1);
        assert!(matches!(&breaks[0], ChainBreak::Hash { seq: 3, .. }));
    }

    #[test]
    fn a_dropped_event_is_reported_where_it_was() {
        let mut events = log(4).events().to_vec();
        events.remove(1);
        let breaks = verify_chain(&events).unwrap_err();
        assert!(breaks.contains(&ChainBreak::Seq {
            position: 1,
            expected: 2,
            found: 3
        }));
        assert!(
            breaks
                .iter()
                .any(|b| matches!(b, ChainBreak::Prev { seq: 3, .. }))
        );
    }

    #[test]
    fn reordered_events_are_reported() {
        let mut events = log(4).events().to_vec();
        events.swap(1, 2);
        let breaks = verify_chain(&events).unwrap_err();
        assert!(
            breaks
                .iter()
                .any(|b| matches!(b, ChainBreak::Seq { position: 1, .. }))
        );
        assert!(breaks.iter().any(|b| matches!(b, ChainBreak::Prev { .. })));
    }

    #[test]
    fn a_rehashed_edit_still_breaks_the_next_link() {
        let mut events = log(4).events().to_vec();
        events[1].actor = "someone-else".into();
        events[1].hash = events[1].compute_hash().unwrap();
        let breaks = verify_chain(&events).unwrap_err();
        assert_eq!(breaks.len(), 1);
        assert!(matches!(&breaks[0], ChainBreak::Prev { seq: 3, .. }));
    }

    #[test]
    fn floats_and_bad_times_are_refused_at_append() {
        let mut log = EventLog::new();
        assert!(matches!(
            log.append("2025-03-01T09:00:00+08:00", "a", "k", json!({"x": 1.5})),
            Err(EventLogError::Canonical(_))
        ));
        assert!(matches!(
            log.append("yesterday", "a", "k", json!({})),
            Err(EventLogError::BadTime(_))
        ));
        assert!(log.events().is_empty());
    }

    #[test]
    fn a_garbled_line_is_a_parse_error_with_its_number() {
        let mut out = Vec::new();
        log(2).write_jsonl(&mut out).unwrap();
        out.extend_from_slice(b"{not json\n");
        assert!(matches!(
            EventLog::read_jsonl(&out[..]),
            Err(EventLogError::Parse { line: 3, .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn any_single_byte_change_of_the_jsonl_is_caught(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let log = log(3);
            let mut bytes = Vec::new();
            log.write_jsonl(&mut bytes).unwrap();
            let i = at.index(bytes.len());
            prop_assume!(bytes[i] != byte);
            bytes[i] = byte;
            // Only a change JSON ignores (e.g. whitespace) may survive, and then the
            // events must be identical.
            if let Ok(Ok(back)) = EventLog::read_jsonl(&bytes[..]) {
                prop_assert_eq!(back, log);
            }
        }
    }
}
