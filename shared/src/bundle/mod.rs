//! The bundle's human side: the self-contained HTML report and redacted derivatives.

pub mod bagit;
pub mod report;
pub mod thumbnail;
