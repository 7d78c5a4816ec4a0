//! Seat labels: the A4 sheet of seat tags to print and stick on the seats. Each label holds
//! the tag's QR code (what the phone scans before a dial test), the seat number and the
//! company, in Chinese with English beside it. The server prints an official inspection's
//! issued tags; `hecha labels` a rehearsal folder's, signed with the local key.
//!
//! A self-contained HTML page (no script, no external resource): the QR codes are PNG data
//! URIs, drawn at whole modules so a printer never blurs them, 3 × 7 labels a page.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::html::escape;
use crate::i18n::Message;
use crate::model::Lang;
use crate::msg;

/// One seat's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatLabel {
    pub seat_id: String,
    /// The signed seat tag the QR code carries.
    pub tag: String,
}

/// What a sheet is printed for.
#[derive(Debug, Clone, Copy)]
pub struct LabelSheet<'a> {
    /// The company whose seats these are (printed on every label).
    pub company: &'a str,
    pub inspection_id: &'a str,
    pub labels: &'a [SeatLabel],
    /// One language (a server page follows `Accept-Language`, `hecha labels` the run's
    /// `--lang`), or `None` for both: Chinese, then English beneath.
    pub lang: Option<Lang>,
}

#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("seat {seat}: the tag does not fit a QR code: {reason}")]
    TooLong { seat: String, reason: String },
    #[error("seat {seat}: {reason}")]
    Image { seat: String, reason: String },
}

/// Pixels per QR module in a label's PNG (scaled to the label's size when printed).
const LABEL_MODULE_PX: u32 = 4;
/// Quiet zone around the code, in modules (ISO/IEC 18004 asks 4).
const QUIET_MODULES: u32 = 4;

/// A seat tag's QR code (error correction M, a 4-module quiet zone) as a PNG of
/// `module_px` pixels a module: what a label prints and what the server serves alone.
pub fn tag_qr_png(label: &SeatLabel, module_px: u32) -> Result<Vec<u8>, LabelError> {
    let code =
        qrcode::QrCode::with_error_correction_level(label.tag.as_bytes(), qrcode::EcLevel::M)
            .map_err(|e| LabelError::TooLong {
                seat: label.seat_id.clone(),
                reason: e.to_string(),
            })?;
    let module_px = module_px.max(1);
    let width = u32::try_from(code.width()).unwrap_or(u32::MAX);
    let side = (width + 2 * QUIET_MODULES) * module_px;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module_px, y / module_px);
        let dark = mx >= QUIET_MODULES
            && my >= QUIET_MODULES
            && mx < width + QUIET_MODULES
            && my < width + QUIET_MODULES
            && colors
                .get(((my - QUIET_MODULES) * width + (mx - QUIET_MODULES)) as usize)
                .is_some_and(|c| *c == qrcode::Color::Dark);
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| LabelError::Image {
            seat: label.seat_id.clone(),
            reason: e.to_string(),
        })?;
    Ok(png.into_inner())
}

/// A message as the sheet prints it: in its one language, or Chinese with the English
/// after `sep` (escaped HTML either way).
fn said(m: &Message, lang: Option<Lang>, sep: &str) -> String {
    match lang {
        Some(lang) => escape(&m.render(lang)),
        None => format!(
            r#"{}{sep}<span lang="en">{}</span>"#,
            escape(&m.render(Lang::Zh)),
            escape(&m.render(Lang::En))
        ),
    }
}

/// The printable sheet.
pub fn render_label_sheet(sheet: &LabelSheet) -> Result<String, LabelError> {
    let lang = sheet.lang;
    let title = said(&msg!("labels-title"), lang, " ");
    let hint = said(&msg!("labels-hint"), lang, "<br>");
    let caption = said(&msg!("labels-seat"), lang, " · ");
    let footer = said(
        &msg!(
            "labels-footer",
            inspection = sheet.inspection_id,
            n = sheet.labels.len() as i64
        ),
        lang,
        "<br>",
    );
    let html_lang = match lang {
        Some(Lang::En) => "en",
        _ => "zh-CN",
    };
    // The document's title is text, not markup.
    let plain_title = match lang {
        Some(lang) => msg!("labels-title").render(lang),
        None => format!(
            "{} {}",
            msg!("labels-title").render(Lang::Zh),
            msg!("labels-title").render(Lang::En)
        ),
    };
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8"><title>{plain_title}</title>
<style>
@page {{ size: A4; margin: 8mm 7mm; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #000; }}
header, footer {{ font-size: 9pt; padding: 1mm 2mm; }}
header h1 {{ font-size: 12pt; margin: 0; }}
.sheet {{ display: grid; grid-template-columns: repeat(3, 64mm); grid-auto-rows: 38mm; gap: 0 2mm; }}
.label {{ display: flex; align-items: center; gap: 2mm; padding: 1.5mm; border: 0.2mm dashed #999; overflow: hidden; break-inside: avoid; }}
.label img {{ width: 33mm; height: 33mm; image-rendering: pixelated; flex: none; }}
.label > div {{ min-width: 0; }}
.caption {{ font-size: 7pt; color: #333; }}
.seat {{ font-size: 12pt; font-weight: 700; line-height: 1.15; overflow-wrap: anywhere; }}
.seat.long {{ font-size: 8.5pt; }}
.company {{ font-size: 7.5pt; margin-top: 1mm; line-height: 1.2; }}
.hint {{ font-size: 6pt; color: #333; margin-top: 1mm; line-height: 1.2; }}
@media print {{ header, footer {{ display: none; }} }}
</style></head><body>
<header><h1>{title}</h1><div>{company}</div></header>
<main class="sheet">
"#,
        plain_title = escape(&plain_title),
        company = escape(sheet.company),
    );
    for label in sheet.labels {
        let png = tag_qr_png(label, LABEL_MODULE_PX)?;
        let _ = writeln!(
            h,
            r#"<section class="label" data-seat="{seat}"><img alt="{tag}" src="data:image/png;base64,{png}"><div><div class="caption">{caption}</div><div class="seat{long}">{seat}</div><div class="company">{company}</div><div class="hint">{hint}</div></div></section>"#,
            seat = escape(&label.seat_id),
            // a long seat number takes a smaller type, so the label keeps its lines
            long = if label.seat_id.chars().count() > 12 {
                " long"
            } else {
                ""
            },
            tag = escape(&label.tag),
            png = base64::engine::general_purpose::STANDARD.encode(png),
            company = escape(sheet.company),
        );
    }
    let _ = write!(
        h,
        r#"</main>
<footer>{footer}</footer>
</body></html>
"#,
    );
    Ok(h)
}

/// The labels' QR codes as a sheet holds them, in order: (seat id, PNG bytes). For tests
/// and tools that check a printed sheet says what was issued.
pub fn sheet_qr_pngs(html: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for part in html.split(r#"<section class="label" data-seat=""#).skip(1) {
        let seat = part.split('"').next().unwrap_or_default();
        let png = part
            .split("data:image/png;base64,")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok());
        if let Some(png) = png {
            out.push((unescape_attr(seat), png));
        }
    }
    out
}

fn unescape_attr(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::qr::{QrLimits, decode_qr};

    fn sheet_of(labels: &[SeatLabel]) -> String {
        render_label_sheet(&LabelSheet {
            company: "苏州核查示例科技有限公司 <&>",
            inspection_id: "insp-1",
            labels,
            lang: None,
        })
        .unwrap()
    }

    fn label(n: u32) -> SeatLabel {
        SeatLabel {
            seat_id: format!("SZ-SEAT-0{n}"),
            // as long as a real tag: prefix, kid, inspection, seat, an Ed25519 signature
            tag: format!(
                "hecha-seat:v1:{}:01a24ff7-89b4-77f9-9e7f-69f9c97642ff:SZ-SEAT-0{n}:{}",
                "k".repeat(43),
                "s".repeat(86)
            ),
        }
    }

    #[test]
    fn every_label_carries_its_seat_and_a_qr_code_that_reads_back_as_its_tag() {
        let labels: Vec<SeatLabel> = (1..=5).map(label).collect();
        let html = sheet_of(&labels);
        let codes = sheet_qr_pngs(&html);
        assert_eq!(codes.len(), labels.len());
        for ((seat, png), l) in codes.iter().zip(&labels) {
            assert_eq!(seat, &l.seat_id);
            let read = decode_qr(png, &QrLimits::default()).unwrap();
            assert_eq!(read.texts, vec![l.tag.clone()], "{seat}");
            assert!(html.contains(&format!(r#"<div class="seat">{}</div>"#, l.seat_id)));
        }
        assert!(
            html.contains("共 5 个坐席") && html.contains("5 seats"),
            "{html}"
        );
    }

    #[test]
    fn the_sheet_escapes_what_it_prints_and_loads_nothing() {
        let mut l = label(1);
        l.seat_id = "A<script>".into();
        let html = sheet_of(&[l]);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("苏州核查示例科技有限公司 &lt;&amp;&gt;"));
        assert!(
            !html.contains("http://") && !html.contains("https://") && !html.contains("src=\"/")
        );
        assert_eq!(sheet_qr_pngs(&html)[0].0, "A<script>");
    }

    #[test]
    fn a_sheet_in_one_language_says_nothing_in_the_other() {
        let labels: Vec<SeatLabel> = (1..=2).map(label).collect();
        let one = |lang| {
            render_label_sheet(&LabelSheet {
                company: "苏州核查示例科技有限公司",
                inspection_id: "insp-1",
                labels: &labels,
                lang: Some(lang),
            })
            .unwrap()
        };
        let zh = one(Lang::Zh);
        assert!(
            zh.contains("共 2 个坐席") && !zh.contains("2 seats"),
            "{zh}"
        );
        assert!(zh.contains("<html lang=\"zh-CN\">") && !zh.contains("lang=\"en\""));
        let en = one(Lang::En);
        assert!(
            en.contains("2 seats") && !en.contains("共 2 个坐席"),
            "{en}"
        );
        assert!(en.contains("<html lang=\"en\">"));
        // The labels themselves are the same: seat numbers and codes.
        assert_eq!(sheet_qr_pngs(&zh), sheet_qr_pngs(&en));
    }

    #[test]
    fn an_empty_sheet_says_so() {
        let html = sheet_of(&[]);
        assert!(sheet_qr_pngs(&html).is_empty());
        assert!(html.contains("共 0 个坐席"));
    }
}
