//! The bundle's human side: the self-contained HTML report and redacted derivatives.

pub mod bagit;
pub mod export;
pub mod report;
pub mod seal;
pub mod thumbnail;
pub mod verify;
pub mod zipread;
