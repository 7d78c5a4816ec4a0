//! `hecha-core`: the one library shared by the phone, the server and the CLI.
//!
//! It knows the evidence model, how to read EXIF and QR codes from photos, how to parse a
//! social-insurance certificate's payload, and the rule profiles and their engine. It
//! knows nothing of HTTP, SQL, S3 or UniFFI.

pub mod bundle;
pub mod capture;
pub mod html;
pub mod i18n;
pub mod labels;
pub mod model;
pub mod rehearsal;
pub mod rules;
pub mod schema;
pub mod seal;

/// Version of the rules engine, recorded with every evaluation so findings can be
/// recomputed by the same logic later. The `+rules.N` part is bumped whenever the same
/// facts and profile give other findings as data (status, evidence, measures, messages
/// and their arguments): `shared/tests/findings_golden.rs` fails until it is. Rewording
/// the catalogue changes no data and needs no bump. `+rules.2`: findings sealed as
/// catalogue messages. `+rules.3`: a photo backing a rule counts only when it holds up
/// (`[photo] backing_photo_outside`); photo reasons carry their numbers, likely causes
/// and what to do; an item whose folder file was not found (`missing_file`) leaves the
/// rules it names at best missing. `+rules.4`: a finding that is not a pass ends with what
/// to do (`rules::remedies`); a seat is named by its label's number, not its tag; insurance
/// whose last paid month is too long before the inspection does not count
/// (`staff.si_months` `max_months_since_last_paid`). `+rules.5`: verdicts read anew from
/// the sources — a property certificate proves ownership only in the company's name, a
/// lease needs the landlord's certificate and the operating site's address; any third
/// party's machine room or cloud seats host the system; a new system shows its retention
/// setting; `staff.si_qualified` (the same people local, specialist and insured long
/// enough) and `staff.agents` (a renewal counts people, not seats); the articles of
/// association in Suzhou; decision deadlines in their source's calendar; and the carrier and client
/// agreements, the bad-record list and the annual inspection records of a renewal (000),
/// Suzhou's ICP access provider and policies (004, 003), foreign control in a pilot area of
/// 002 needs review.
pub const ENGINE_VERSION: &str = concat!("hecha-core/", env!("CARGO_PKG_VERSION"), "+rules.5");
