//! One module per subcommand. Each `run` returns the process exit code.

pub mod bundle;
pub mod check;
pub mod exif;
pub mod import;
pub mod init;
pub mod key;
pub mod labels;
pub mod log;
pub mod profiles;
pub mod proof;
pub mod qr;
pub mod server;

use hecha_core::i18n::Message;
use hecha_core::model::Lang;

/// Prints a message on stdout, Chinese first, then English.
pub fn say(message: &Message) {
    for lang in [Lang::Zh, Lang::En] {
        println!("{}", message.render(lang));
    }
}

/// Prints a message on stderr, Chinese first, then English.
pub fn complain(message: &Message) {
    for lang in [Lang::Zh, Lang::En] {
        eprintln!("{}", message.render(lang));
    }
}
