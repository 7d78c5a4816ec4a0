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

use std::sync::OnceLock;

use hecha_core::i18n::Message;
use hecha_core::model::Lang;

/// The language of this run, chosen once by `main` (`--lang`, else the locale).
static LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this run; the first call wins.
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// A failed command's error for a person: a folder's or a profile's in this run's language,
/// any other as its chain says.
pub fn describe(e: &anyhow::Error) -> String {
    if let Some(folder) = e.downcast_ref::<hecha_core::rehearsal::RehearsalError>() {
        return folder.message().render(lang());
    }
    if let Some(profile) = e.downcast_ref::<hecha_core::rules::ProfileError>() {
        return profile.message().render(lang());
    }
    format!("{e:#}")
}

/// What a command was doing with a file, as an error's context: the catalogue message `id`
/// naming `path`, in this run's language.
pub fn doing<'a>(id: &'static str, path: &'a std::path::Path) -> impl FnOnce() -> String + 'a {
    move || words(&Message::new(id).arg("path", path.display().to_string()))
}

/// The language a person reads this run's output in (Chinese unless chosen otherwise).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// The language the environment asks for: `HECHA_LANG`, else the POSIX locale (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`, the first one set and not empty). English for `en…`; Chinese
/// for anything else (`zh_CN.UTF-8`, `C`, `POSIX`, nothing at all).
pub fn lang_from_env() -> Lang {
    ["HECHA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .map_or(Lang::Zh, |value| lang_of_locale(&value))
}

/// `en_US.UTF-8`, `en`, `en-GB` → English; every other locale → Chinese.
fn lang_of_locale(locale: &str) -> Lang {
    if locale.to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// A message in this run's language.
pub fn words(message: &Message) -> String {
    message.render(lang())
}

/// Prints a message on stdout in this run's language.
pub fn say(message: &Message) {
    println!("{}", words(message));
}

/// Prints a message on stderr in this run's language.
pub fn complain(message: &Message) {
    eprintln!("{}", words(message));
}
