//! Rule profiles (TOML data) and the engine that evaluates them.
//!
//! Thresholds live in the profiles, never in code: the seeds disagree, and every rule
//! quotes the sentence of the source it rests on (`sources`). Evaluation is a pure function
//! of the inspection, its evidence and the profile, as of the inspection window's end; it
//! returns a finding for every rule and never stops at the first failure.

mod company;
mod conduct;
mod context;
mod engine;
mod license;
mod outcome;
mod photos;
mod profile;
mod remedies;
mod room;
mod seats;
mod site;
mod sources;
mod staff;
mod system;

pub use engine::{Recheck, Summary, evaluate, recheck, rule_ids, summarize};
pub use profile::{
    BACKING_BEFORE_ITS_KEY, BUILTIN_PROFILES, PHOTO_BEFORE_ITS_TABLE, ProfileError, RuleProfile,
    RuleSpec, SIGN_OFFS_BEFORE_THEIR_TABLE,
};
pub use sources::{Citation, Cited, KNOWN_SOURCES, Source, SourceText, finding_sources};
