//! The bundle's human side: the self-contained HTML report and redacted derivatives.

pub mod addendum;
pub mod bagit;
pub mod export;
pub mod proof;
pub mod report;
pub mod seal;
pub mod seal_log;
pub mod thumbnail;
pub mod trust;
pub mod verify;
pub mod zipread;
