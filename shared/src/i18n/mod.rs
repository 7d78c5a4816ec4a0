//! The message catalogue: every sentence hecha says to a person, in Chinese and English.
//!
//! A message is data — an id and its arguments ([`Message`]) — and its words come from the
//! catalogue (Project Fluent files under `shared/src/i18n/{zh,en}/`, compiled in). Findings
//! are sealed as messages, so a later rewording changes how a verdict reads, never what it
//! says; a sealed verdict renders in the reader's language from the catalogue of the day.
//!
//! Rendering never inserts Unicode bidi isolation marks (fluent's default), which would end
//! up in tables and CSV. An argument is a whole number (used for plurals), a text (a name,
//! a date, a decimal), a nested message, or a list of these (joined by the language's list
//! separator).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Lang, Text};

/// One catalogue file: its name and its text in each language.
pub struct Resource {
    pub name: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

macro_rules! resources {
    ($($name:literal),* $(,)?) => {
        &[$(Resource {
            name: $name,
            zh: include_str!(concat!("zh/", $name, ".ftl")),
            en: include_str!(concat!("en/", $name, ".ftl")),
        }),*]
    };
}

/// Every catalogue file, by topic.
pub static RESOURCES: &[Resource] = resources!(
    "common", "photo", "site", "room", "seats", "staff", "system", "company", "license", "conduct",
    "labels", "guide", "import", "input", "verify", "cli", "report", "mobile", "error",
);

/// A sentence as data: a catalogue id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// The catalogue id, e.g. `staff-count`.
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Arg {
    /// A whole number; English plurals select on it.
    Int(i64),
    /// A name, a date, a decimal, an identifier: shown as written.
    Text(String),
    /// A list, joined by the language's separator.
    List(Vec<Arg>),
    /// A nested message, rendered in the same language.
    Msg(Message),
}

impl Message {
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) an argument.
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// The words in one language. An id the catalogue lacks renders as `[id]`; use
    /// [`Message::try_render`] to learn why.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let _ = render_into(self, lang, &mut out, 0);
        out
    }

    /// The words in one language, or what the catalogue lacks (the id, or an argument a
    /// message uses).
    pub fn try_render(&self, lang: Lang) -> Result<String, RenderError> {
        let mut out = String::new();
        render_into(self, lang, &mut out, 0)?;
        Ok(out)
    }

    /// The words in both languages.
    pub fn text(&self) -> Text {
        Text::new(self.render(Lang::Zh), self.render(Lang::En))
    }

    /// The message with every full ID number in its text arguments masked (nested messages
    /// and lists too): for an error that echoes what a caller sent (a parser's message, a
    /// field's value) and is answered or logged.
    pub fn with_full_ids_masked(mut self) -> Self {
        for arg in self.args.values_mut() {
            mask_arg(arg);
        }
        self
    }

    /// Whether this catalogue renders the message and every nested one in both languages.
    pub fn is_known(&self) -> bool {
        self.try_render(Lang::Zh).is_ok() && self.try_render(Lang::En).is_ok()
    }
}

fn mask_arg(arg: &mut Arg) {
    match arg {
        Arg::Int(_) => {}
        Arg::Text(s) => *s = crate::capture::pii::mask_full_ids(s),
        Arg::List(items) => items.iter_mut().for_each(mask_arg),
        Arg::Msg(m) => {
            for a in m.args.values_mut() {
                mask_arg(a);
            }
        }
    }
}

/// Builds a [`Message`]: `msg!("staff-count", n = 3, min = 2)`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Message::new($id)$(.arg(stringify!($name), $value))*
    };
}

/// Several sentences as one text: Chinese run together, English separated by a space.
pub fn render_all(messages: &[Message], lang: Lang) -> String {
    join_sentences(messages.iter().map(|m| m.render(lang)).collect(), lang)
}

/// [`render_all`], or what the catalogue could not render.
pub fn try_render_all(messages: &[Message], lang: Lang) -> Result<String, RenderError> {
    let sentences = messages
        .iter()
        .map(|m| m.try_render(lang))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(join_sentences(sentences, lang))
}

fn join_sentences(sentences: Vec<String>, lang: Lang) -> String {
    let sep = match lang {
        Lang::Zh => "",
        Lang::En => " ",
    };
    sentences
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// [`render_all`] in both languages.
pub fn text_of(messages: &[Message]) -> Text {
    Text::new(
        render_all(messages, Lang::Zh),
        render_all(messages, Lang::En),
    )
}

/// What a catalogue could not render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the catalogue has no message {id:?} in {lang:?}")]
    Unknown { id: String, lang: Lang },
    #[error("message {id:?} in {lang:?}: {problem}")]
    Format {
        id: String,
        lang: Lang,
        problem: String,
    },
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Int(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_arg!(i32, u32, u64, usize);
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<rust_decimal::Decimal> for Arg {
    fn from(v: rust_decimal::Decimal) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<chrono::NaiveDate> for Arg {
    fn from(v: chrono::NaiveDate) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<Message> for Arg {
    fn from(v: Message) -> Self {
        Arg::Msg(v)
    }
}
impl<T: Into<Arg>> From<Vec<T>> for Arg {
    fn from(v: Vec<T>) -> Self {
        Arg::List(v.into_iter().map(Into::into).collect())
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static ZH: OnceLock<Bundle> = OnceLock::new();
    static EN: OnceLock<Bundle> = OnceLock::new();
    let (cell, tag) = match lang {
        Lang::Zh => (&ZH, "zh-CN"),
        Lang::En => (&EN, "en-US"),
    };
    cell.get_or_init(|| {
        // Both tags are constants that parse; a failure would leave the bundle on the
        // root locale (plural rules of "other" only), never a panic.
        let locale = tag.parse().unwrap_or_default();
        let mut bundle = Bundle::new_concurrent(vec![locale]);
        bundle.set_use_isolating(false);
        for r in RESOURCES {
            let source = match lang {
                Lang::Zh => r.zh,
                Lang::En => r.en,
            };
            // The catalogue is compiled in and its tests parse every file: a syntax error
            // or a duplicate id fails them, never a user's run.
            let resource =
                FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
            let _ = bundle.add_resource(resource);
        }
        bundle
    })
}

/// `depth` counts the lists the message sits in: a list inside a list is joined by the
/// inner separator, so `photo-1: no GPS, from the gallery; photo-2: …` reads right.
fn render_into(m: &Message, lang: Lang, out: &mut String, depth: usize) -> Result<(), RenderError> {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(&m.id).and_then(|fm| fm.value()) else {
        out.push('[');
        out.push_str(&m.id);
        out.push(']');
        return Err(RenderError::Unknown {
            id: m.id.clone(),
            lang,
        });
    };
    let mut first_problem = None;
    let mut args = FluentArgs::new();
    for (name, arg) in &m.args {
        let value = match arg {
            Arg::Int(n) => FluentValue::from(*n),
            other => {
                let mut s = String::new();
                if let Err(e) = render_arg(other, lang, &mut s, depth) {
                    first_problem.get_or_insert(e);
                }
                FluentValue::from(s)
            }
        };
        args.set(name.as_str(), value);
    }
    let mut errors = Vec::new();
    out.push_str(&bundle.format_pattern(pattern, Some(&args), &mut errors));
    if let Some(e) = errors.first() {
        first_problem.get_or_insert(RenderError::Format {
            id: m.id.clone(),
            lang,
            problem: e.to_string(),
        });
    }
    match first_problem {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn render_arg(arg: &Arg, lang: Lang, out: &mut String, depth: usize) -> Result<(), RenderError> {
    match arg {
        Arg::Int(n) => {
            out.push_str(&n.to_string());
            Ok(())
        }
        Arg::Text(s) => {
            out.push_str(s);
            Ok(())
        }
        Arg::Msg(m) => render_into(m, lang, out, depth),
        Arg::List(items) => {
            let sep = Message::new(if depth == 0 {
                "list-separator"
            } else {
                "list-separator-inner"
            })
            .render(lang);
            let mut result = Ok(());
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                if let Err(e) = render_arg(item, lang, out, depth + 1)
                    && result.is_ok()
                {
                    result = Err(e);
                }
            }
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_arguments_plurals_lists_and_nested_messages_without_isolation_marks() {
        let reason = msg!(
            "staff-person-months-paid",
            who = "张*",
            months = 1,
            min = 3,
            short = 2
        );
        let m = msg!("staff-not-counted", reasons = vec![reason.clone(), reason]);
        let en = m.render(Lang::En);
        let zh = m.render(Lang::Zh);
        assert!(
            !en.contains('\u{2068}') && !zh.contains('\u{2068}'),
            "{en} {zh}"
        );
        assert!(
            en.contains("张*: 1 month paid, 2 short of the required 3; 张*: 1 month"),
            "{en}"
        );
        assert!(
            zh.contains("张*：连续缴费 1 个月，比要求的 3 个月少 2 个月；张*"),
            "{zh}"
        );
        let two = msg!(
            "staff-person-months-paid",
            who = "李*",
            months = 2,
            min = 3,
            short = 1
        );
        assert!(two.render(Lang::En).contains("2 months paid"), "{two:?}");
    }

    #[test]
    fn an_unknown_id_or_argument_is_reported() {
        let unknown = Message::new("no-such-message");
        assert_eq!(unknown.render(Lang::En), "[no-such-message]");
        assert!(matches!(
            unknown.try_render(Lang::Zh),
            Err(RenderError::Unknown { .. })
        ));
        let missing_arg = Message::new("staff-person-months-paid");
        assert!(matches!(
            missing_arg.try_render(Lang::En),
            Err(RenderError::Format { .. })
        ));
        assert!(!missing_arg.is_known());
    }

    use std::collections::BTreeSet;

    use fluent_syntax::ast;

    /// Every message of one language: id → the variables its pattern references.
    fn catalogue(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for r in RESOURCES {
            let source = match lang {
                Lang::Zh => r.zh,
                Lang::En => r.en,
            };
            let resource = fluent_syntax::parser::parse(source)
                .unwrap_or_else(|(_, errors)| panic!("{lang:?}/{}.ftl: {errors:?}", r.name));
            for entry in resource.body {
                match entry {
                    ast::Entry::Message(m) => {
                        let mut vars = BTreeSet::new();
                        if let Some(p) = &m.value {
                            pattern_vars(p, &mut vars);
                        }
                        let id = m.id.name.to_owned();
                        assert!(
                            out.insert(id.clone(), vars).is_none(),
                            "{lang:?}: {id} defined twice"
                        );
                    }
                    ast::Entry::Comment(_)
                    | ast::Entry::GroupComment(_)
                    | ast::Entry::ResourceComment(_) => {}
                    other => panic!("{lang:?}/{}.ftl: unexpected entry {other:?}", r.name),
                }
            }
        }
        out
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for e in &p.elements {
            if let ast::PatternElement::Placeable { expression } = e {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
            ast::Expression::Inline(i) => inline_vars(i, vars),
        }
    }

    fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            _ => {}
        }
    }

    /// The literal text of a pattern (placeables left out).
    fn pattern_text(p: &ast::Pattern<&str>, out: &mut String) {
        for e in &p.elements {
            match e {
                ast::PatternElement::TextElement { value } => out.push_str(value),
                ast::PatternElement::Placeable { expression } => {
                    out.push(' ');
                    if let ast::Expression::Select { variants, .. } = expression {
                        for v in variants {
                            pattern_text(&v.value, out);
                            out.push(' ');
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn both_languages_hold_every_message_with_the_same_arguments() {
        let zh = catalogue(Lang::Zh);
        let en = catalogue(Lang::En);
        let zh_ids: BTreeSet<_> = zh.keys().collect();
        let en_ids: BTreeSet<_> = en.keys().collect();
        assert_eq!(
            zh_ids.difference(&en_ids).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "in Chinese only"
        );
        assert_eq!(
            en_ids.difference(&zh_ids).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "in English only"
        );
        for (id, vars) in &zh {
            assert_eq!(
                vars, &en[id],
                "{id}: the two languages use different arguments (same content in both)"
            );
        }
        assert!(zh.len() > 150, "{} messages", zh.len());
    }

    #[test]
    fn chinese_texts_hold_no_english_words() {
        // Acronyms (UPS, GPS, EXIF, QR, ICP, IDC/ISP, GCJ-02) and identifiers (with `_`,
        // `.`, `-` or digits, or in backticks) are fine; a lowercase word of three letters
        // or more is an untranslated sentence.
        let word = regex::Regex::new(r"[A-Za-z][A-Za-z0-9_.\-]*").unwrap();
        let ticks = regex::Regex::new(r"`[^`]*`").unwrap();
        for r in RESOURCES {
            let resource = fluent_syntax::parser::parse(r.zh).unwrap();
            for entry in resource.body {
                let ast::Entry::Message(m) = entry else {
                    continue;
                };
                let mut text = String::new();
                if let Some(p) = &m.value {
                    pattern_text(p, &mut text);
                }
                let text = ticks.replace_all(&text, "");
                for w in word.find_iter(&text).map(|w| w.as_str()) {
                    let identifier =
                        w.contains(['_', '.', '-']) || w.chars().any(|c| c.is_ascii_digit());
                    assert!(
                        identifier || w.len() < 3 || !w.chars().any(|c| c.is_ascii_lowercase()),
                        "zh/{}.ftl {}: English word {w:?} in {text:?}",
                        r.name,
                        m.id.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_message_renders_in_both_languages() {
        for (id, vars) in catalogue(Lang::Zh) {
            for n in [1, 2] {
                let mut m = Message::new(id.clone());
                for v in &vars {
                    m = m.arg(v, n);
                }
                for lang in [Lang::Zh, Lang::En] {
                    let text = m.try_render(lang).unwrap_or_else(|e| panic!("{e}"));
                    assert!(
                        !text.trim().is_empty() || id.starts_with("list-separator"),
                        "{id}"
                    );
                    assert!(
                        !text.contains('{') && !text.contains('\u{2068}'),
                        "{id}: {text}"
                    );
                }
            }
        }
    }

    /// Every Rust file below these folders (relative to this crate) with its text, but
    /// this one (whose tests name ids on purpose).
    fn rust_sources(dirs: &[&str]) -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack: Vec<_> = dirs.iter().map(|d| root.join(d)).collect();
        let mut out = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("i18n/mod.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        out
    }

    #[test]
    fn every_message_id_in_the_code_is_in_the_catalogue() {
        let known = catalogue(Lang::Zh);
        let prefixes: BTreeSet<&str> = known.keys().filter_map(|id| id.split('-').next()).collect();
        let literal = regex::Regex::new(r#""([a-z]+(?:-[a-z0-9]+)+)""#).unwrap();
        let mut seen = 0;
        let mut server_ids = 0;
        // The core, and the crates that speak through it: the `hecha` command, the server's
        // errors, the phone core.
        for (path, source) in rust_sources(&["src", "../server/src", "../mobile-bindings/src"]) {
            for c in literal.captures_iter(&source) {
                let id = &c[1];
                if !prefixes.contains(id.split('-').next().unwrap()) {
                    continue;
                }
                seen += 1;
                if id.starts_with("error-") {
                    server_ids += 1;
                }
                assert!(
                    known.contains_key(id),
                    "{}: {id} is not in the catalogue",
                    path.display()
                );
            }
        }
        assert!(seen > 150, "only {seen} message ids found in the code");
        assert!(
            server_ids > 100,
            "only {server_ids} error ids found: is the server's source scanned?"
        );
    }

    /// The named arguments of every `msg!("id", a = …, b = …)` in `source`: (id, names).
    fn msg_calls(source: &str) -> Vec<(String, BTreeSet<String>)> {
        let mut out = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("msg!(") {
            rest = &rest[at + "msg!(".len()..];
            // The call's text up to its closing parenthesis, split at top-level commas.
            let mut depth = 0usize;
            let mut parts = vec![String::new()];
            let mut in_str = false;
            for c in rest.chars() {
                match c {
                    '"' => in_str = !in_str,
                    '(' | '[' | '{' if !in_str => depth += 1,
                    ')' | ']' | '}' if !in_str && depth == 0 => break,
                    ')' | ']' | '}' if !in_str => depth -= 1,
                    ',' if !in_str && depth == 0 => {
                        parts.push(String::new());
                        continue;
                    }
                    _ => {}
                }
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
            let id = parts[0].trim().trim_matches('"').to_owned();
            let names = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('='))
                .map(|(name, _)| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect();
            out.push((id, names));
        }
        out
    }

    #[test]
    fn every_error_message_is_given_the_arguments_its_words_use() {
        // The server's errors are built far from their words: an argument misnamed would
        // render `{$name}` to a client. Checked for every `msg!` call of an `error-` id.
        let known = catalogue(Lang::En);
        let mut checked = 0;
        for (path, source) in rust_sources(&["src", "../server/src"]) {
            for (id, names) in msg_calls(&source) {
                if !id.starts_with("error-") {
                    continue;
                }
                let Some(vars) = known.get(&id) else {
                    continue; // reported by the test above
                };
                checked += 1;
                assert_eq!(
                    &names,
                    vars,
                    "{}: msg!(\"{id}\") is given {names:?}, its words use {vars:?}",
                    path.display()
                );
            }
        }
        assert!(checked > 100, "only {checked} error messages checked");
    }

    #[test]
    fn messages_survive_json() {
        let m = msg!(
            "staff-not-counted",
            reasons = vec![msg!(
                "staff-person-months-paid",
                who = "张*",
                months = 1,
                min = 3,
                short = 2
            )]
        )
        .arg("area", rust_decimal::Decimal::new(1205, 1));
        let json = serde_json::to_string(&m).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
