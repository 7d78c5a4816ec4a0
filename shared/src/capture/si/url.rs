//! Verification URLs: `https://si.example.gov.cn/verify?xm=…&sfzh=…&jfys=12`, percent-encoded
//! in UTF-8 or in GBK/GB18030 (older provincial systems), parameters possibly after a `#`
//! (single-page apps: `https://…/#/verify?xm=…`).

use encoding_rs::GB18030;

use super::{Field, Found, field_for_key};
use crate::capture::pii::{mask_id, mask_id_like};

/// A parsed verification URL.
pub(super) struct ParsedUrl {
    /// Certificate fields from the query parameters.
    pub found: Found,
    /// The URL rebuilt as an IRI for the record: components decoded (so Chinese reads as
    /// Chinese), ID-number parameters masked with `mask_id` and every other component with
    /// `mask_id_like`, and only the characters that would change the URL's structure
    /// re-escaped. Masking decoded text catches an ID hidden by percent-encoding.
    pub masked: String,
}

/// Reads `text` as an http(s) URL; `None` if it is not one.
pub(super) fn parse(text: &str) -> Option<ParsedUrl> {
    let scheme_len = ["https://", "http://"]
        .iter()
        .find(|s| {
            text.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        })?
        .len();
    let (before_hash, fragment) = match text.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (text, None),
    };
    let (base, query) = match before_hash.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_hash, None),
    };
    let (frag_path, frag_query) =
        match fragment.map(|f| f.split_once('?').map_or((f, None), |(p, q)| (p, Some(q)))) {
            Some((p, q)) => (Some(p), q),
            None => (None, None),
        };

    // Decode every component to bytes first: the charset is decided for the URL as a whole.
    let base_bytes = percent_decode(&base[scheme_len..], false);
    let frag_bytes = frag_path.map(|f| percent_decode(f, false));
    let pairs = |q: Option<&str>| -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        q.map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (percent_decode(k, true), Some(percent_decode(v, true))),
                    None => (percent_decode(p, true), None),
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let query_pairs = pairs(query);
    let frag_pairs = pairs(frag_query);

    let all_utf8 = std::iter::once(&base_bytes)
        .chain(frag_bytes.iter())
        .chain(
            query_pairs
                .iter()
                .chain(frag_pairs.iter())
                .flat_map(|(k, v)| std::iter::once(k).chain(v.iter())),
        )
        .all(|b| std::str::from_utf8(b).is_ok());
    let charset_hint_gbk = query_pairs.iter().any(|(k, v)| {
        let k = String::from_utf8_lossy(k).to_ascii_lowercase();
        let v = v
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).to_ascii_lowercase())
            .unwrap_or_default();
        matches!(k.as_str(), "charset" | "encoding" | "enc") && v.starts_with("gb")
    });
    let gbk = charset_hint_gbk || !all_utf8;
    let decode = |b: &[u8]| -> String {
        if gbk {
            GB18030.decode_without_bom_handling(b).0.into_owned()
        } else {
            String::from_utf8_lossy(b).into_owned()
        }
    };

    let mut found = Found::default();
    if gbk && !charset_hint_gbk {
        found.problem("URL is percent-encoded in GBK/GB18030, not UTF-8");
    }
    let mut masked = String::with_capacity(text.len());
    masked.push_str(&text[..scheme_len].to_ascii_lowercase());
    masked.push_str(&escape(&mask_id_like(&decode(&base_bytes)), "?#"));

    let mut rebuild = |pairs: &[(Vec<u8>, Option<Vec<u8>>)], out: &mut String| {
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            let key = decode(k);
            let field = field_for_key(&key);
            out.push_str(&escape(&mask_id_like(&key), "&=#+"));
            if let Some(v) = v {
                let value = decode(v);
                out.push('=');
                let shown = if field == Some(Field::Id) {
                    mask_id(&value)
                } else {
                    mask_id_like(&value)
                };
                out.push_str(&escape(&shown, "&=#+"));
                if let Some(f) = field {
                    found.push(f, value);
                }
            }
        }
    };
    if query.is_some() {
        masked.push('?');
        rebuild(&query_pairs, &mut masked);
    }
    if let Some(f) = &frag_bytes {
        masked.push('#');
        masked.push_str(&escape(&mask_id_like(&decode(f)), "?"));
        if frag_query.is_some() {
            masked.push('?');
            rebuild(&frag_pairs, &mut masked);
        }
    }
    Some(ParsedUrl { found, masked })
}

/// Percent-decoding to raw bytes (`+` is a space in a query). A `%` not followed by two hex
/// digits is kept as written.
fn percent_decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Re-escapes what would change the structure of the rebuilt URL: `%`, whitespace and
/// controls always, and the `extra` delimiters of the component.
fn escape(s: &str, extra: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '%' || c.is_whitespace() || c.is_control() || extra.contains(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_url() {
        let u = parse(
            "https://si.jshrss.gov.cn/verify?xm=%E5%BC%A0%E4%B8%89&sfzh=320102199001011232&jfys=12",
        )
        .unwrap();
        assert_eq!(
            u.masked,
            "https://si.jshrss.gov.cn/verify?xm=张三&sfzh=320***********1232&jfys=12"
        );
        assert_eq!(u.found.fields[0], (Field::Name, "张三".to_owned()));
        assert!(u.found.problems.is_empty());
    }

    #[test]
    fn gbk_url() {
        // 张三 in GBK is D5 C5 C8 FD.
        let u = parse("http://example.gov.cn/v?xm=%D5%C5%C8%FD&jfys=3").unwrap();
        assert_eq!(u.found.fields[0], (Field::Name, "张三".to_owned()));
        assert_eq!(u.masked, "http://example.gov.cn/v?xm=张三&jfys=3");
        assert_eq!(u.found.problems.len(), 1);
    }

    #[test]
    fn encoded_id_is_masked() {
        let u =
            parse("https://x.cn/%33%32%30102199001011232/v?q=%33%32%30102199001011232#a?sfzh=1234")
                .unwrap();
        assert!(!u.masked.contains("320102199001011232"), "{}", u.masked);
        assert!(u.masked.ends_with("#a?sfzh=****"), "{}", u.masked);
    }

    #[test]
    fn structure_is_kept() {
        let u = parse("https://x.cn/v?dwmc=A%26B%3DC&x").unwrap();
        assert_eq!(u.masked, "https://x.cn/v?dwmc=A%26B%3DC&x");
        assert!(parse("ftp://x.cn").is_none());
        assert!(parse("HTTPS://X.CN").is_some());
    }
}
