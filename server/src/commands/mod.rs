//! One module per subcommand. Each `run` returns the process exit code.

pub mod bundle;
pub mod check;
pub mod exif;
pub mod key;
pub mod labels;
pub mod log;
pub mod profiles;
pub mod proof;
pub mod qr;
pub mod server;
