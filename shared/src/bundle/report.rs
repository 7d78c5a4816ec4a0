//! `data/report.html`: one self-contained HTML file (no network), Chinese and English, for
//! people: the inspection, findings by rule with their sources quoted, each photo's thumbnail
//! with its EXIF place and time and geofence verdict, SI records masked, dial tests per
//! seat, sign-offs, and a QR code of the manifest digest so a printout leads back to the
//! bundle.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};

use crate::capture::photo::{PhotoParams, assess_photo};
use crate::i18n::Message;
use crate::model::{
    EvidenceBody, EvidenceItem, Finding, FindingStatus, Inspection, Lang, Mode, Scope, SiRecord,
    SignerRole,
};
use crate::msg;
use crate::rules::{RuleProfile, finding_sources, summarize};

/// What the report shows.
pub struct ReportInput<'a> {
    pub inspection: &'a Inspection,
    pub evidence: &'a [EvidenceItem],
    pub findings: &'a [Finding],
    pub profile_id: &'a str,
    pub profile_sha256: &'a str,
    pub engine_version: &'a str,
    /// Digest of the sealed manifest (shown, and as a QR code), when sealed.
    pub manifest_sha256: Option<&'a str>,
    pub sealed_at: Option<DateTime<FixedOffset>>,
    /// Redacted JPEG thumbnails by item id (see `thumbnail::redacted_thumbnail`).
    pub thumbnails: &'a BTreeMap<String, Vec<u8>>,
    /// The profile's photo parameters, for the geofence and window verdicts.
    pub photo_params: &'a PhotoParams,
}

use crate::html::escape as esc;

/// A catalogue message as a bilingual span pair: Chinese first, English beneath.
fn say(m: &Message) -> String {
    let t = m.text();
    both(&t.zh, &t.en)
}

/// A bilingual span pair: Chinese first, English beneath.
fn both(zh: &str, en: &str) -> String {
    format!(
        "<span class=zh>{}</span><span class=en>{}</span>",
        esc(zh),
        esc(en)
    )
}

fn status_class(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Pass => "pass",
        FindingStatus::Fail => "fail",
        FindingStatus::Missing => "missing",
        FindingStatus::NeedsReview => "review",
        FindingStatus::NotApplicable => "na",
    }
}

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:2em;color:#222;max-width:1100px}\
h1{font-size:1.6em}h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:2em}\
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border:1px solid #bbb;padding:.35em .5em;vertical-align:top;text-align:left}\
th{background:#eee}.en{display:block;color:#555;font-size:.9em}.zh{display:block}\
.pass{background:#e3f5e1}.fail{background:#fbe0e0}.missing{background:#fdebd3}.review{background:#fff6c9}.na{color:#888}\
.banner{padding:.6em 1em;border:3px solid #c00;color:#c00;font-weight:bold;margin:1em 0}\
.photos{display:flex;flex-wrap:wrap;gap:1em}.photo{width:330px;border:1px solid #ccc;padding:.4em;font-size:.85em}\
.photo img{max-width:320px;display:block}.recheck{border-left:4px solid #c60;padding:.2em 1em;margin:1em 0;background:#fff8ef}.digest{font-family:monospace;word-break:break-all}\
@media print{.photo{break-inside:avoid}}";

/// Renders the report. Each finding's sources are quoted from the profile it was judged by
/// when that is a shipped one (the same id and digest), else named by title: to quote an
/// operator's or a recorded profile, hand it to [`render_report_citing`].
pub fn render_report(input: &ReportInput) -> String {
    let shipped = RuleProfile::builtin(input.profile_id)
        .ok()
        .filter(|p| p.sha256() == input.profile_sha256);
    render_report_citing(input, shipped.as_ref())
}

/// Renders the report, quoting each finding's sources from `profile`, the one the findings
/// were judged by (a bundle's recorded profile). Without it, or for a profile recorded
/// before citations, the sources are named by title.
pub fn render_report_citing(input: &ReportInput, profile: Option<&RuleProfile>) -> String {
    let insp = input.inspection;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>{}</title><style>{STYLE}</style></head><body>",
        esc(&msg!("report-doc-title", inspection = &insp.id).render(Lang::Zh))
    );
    let _ = write!(h, "<h1>{}</h1>", say(&msg!("report-title")));
    if insp.mode == Mode::Rehearsal {
        let _ = write!(
            h,
            "<div class=banner>{}</div>",
            say(&msg!("report-rehearsal-banner"))
        );
    }
    header(&mut h, input);
    findings(&mut h, input, profile);
    if insp.mode == Mode::Rehearsal {
        on_the_day(&mut h, input);
    }
    photos(&mut h, input);
    si_records(&mut h, input);
    dial_tests(&mut h, input);
    sign_offs(&mut h, input);
    h.push_str("</body></html>\n");
    h
}

fn header(h: &mut String, input: &ReportInput) {
    let insp = input.inspection;
    let c = &insp.company;
    let scope = match insp.scope {
        Scope::Nationwide => say(&msg!("report-scope-nationwide")),
        Scope::Provincial => say(&msg!("report-scope-provincial")),
    };
    let rows: Vec<(String, String)> = vec![
        (say(&msg!("report-row-inspection")), esc(&insp.id)),
        (say(&msg!("report-row-company")), esc(&c.name)),
        (say(&msg!("report-row-uscc")), esc(&c.uscc)),
        (say(&msg!("report-row-scope")), scope),
        (
            say(&msg!("report-row-application")),
            match insp.application.kind {
                crate::model::ApplicationKind::New => say(&msg!("report-application-new")),
                crate::model::ApplicationKind::Renewal => say(&msg!("report-application-renewal")),
            },
        ),
        (say(&msg!("report-row-site")), esc(&insp.site.address)),
        (
            say(&msg!("report-row-window")),
            esc(&format!(
                "{} — {}",
                insp.window.start.to_rfc3339(),
                insp.window.end.to_rfc3339()
            )),
        ),
        (
            say(&msg!("report-row-profile")),
            format!(
                "{} <span class=digest>sha256:{}</span>",
                esc(input.profile_id),
                esc(input.profile_sha256)
            ),
        ),
        (say(&msg!("report-row-engine")), esc(input.engine_version)),
    ];
    h.push_str("<table>");
    for (k, v) in rows {
        let _ = write!(h, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    if let Some(at) = input.sealed_at {
        let _ = write!(
            h,
            "<tr><th>{}</th><td>{}</td></tr>",
            say(&msg!("report-row-sealed-at")),
            esc(&at.to_rfc3339())
        );
    }
    if let Some(digest) = input.manifest_sha256 {
        let _ = write!(
            h,
            "<tr><th>{}</th><td><span class=digest>sha256:{}</span><div>{}</div></td></tr>",
            say(&msg!("report-row-digest")),
            esc(digest),
            digest_qr_svg(digest)
        );
    }
    h.push_str("</table>");
}

/// An inline SVG QR code of `sha256:<digest>`; empty if the encoder refuses.
fn digest_qr_svg(digest: &str) -> String {
    match qrcode::QrCode::new(format!("sha256:{digest}").as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .build(),
        Err(_) => String::new(),
    }
}

fn findings(h: &mut String, input: &ReportInput, profile: Option<&RuleProfile>) {
    let summary = summarize(input.findings).text();
    let _ = write!(
        h,
        "<h2>{}</h2><p>{}</p>",
        say(&msg!("report-findings")),
        both(&summary.zh, &summary.en)
    );
    let _ = write!(
        h,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        say(&msg!("report-col-status")),
        say(&msg!("report-col-rule")),
        say(&msg!("report-col-why")),
        say(&msg!("report-col-evidence")),
        say(&msg!("report-col-sources"))
    );
    for f in input.findings {
        let label = f.status.label();
        let measures: Vec<String> = f
            .measures
            .iter()
            .map(|m| {
                format!(
                    "{} = {}{}",
                    m.name,
                    m.value,
                    m.threshold
                        .as_deref()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default()
                )
            })
            .collect();
        let _ = write!(
            h,
            "<tr class={}><td>{}</td><td><b>{}</b>{}</td><td>{}<small>{}</small></td><td>{}</td><td>{}</td></tr>",
            status_class(f.status),
            both(&label.zh, &label.en),
            esc(&f.rule_id),
            both(&f.title.zh, &f.title.en),
            both(&f.words(Lang::Zh), &f.words(Lang::En)),
            esc(&measures.join("; ")),
            esc(&f.evidence_ids.join(", ")),
            sources(f, profile)
        );
    }
    h.push_str("</table>");
}

/// A finding's sources as citations a person reads, each in both languages.
fn sources(f: &Finding, profile: Option<&RuleProfile>) -> String {
    finding_sources(f, profile)
        .iter()
        .map(|s| format!("<p>{}</p>", both(&s.line(Lang::Zh), &s.line(Lang::En))))
        .collect()
}

fn photos(h: &mut String, input: &ReportInput) {
    let photos: Vec<_> = input
        .evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::Photo(p) => Some((i, p)),
            _ => None,
        })
        .collect();
    if photos.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>{}</h2><div class=photos>",
        say(&msg!("report-photos"))
    );
    for (item, photo) in photos {
        h.push_str("<div class=photo>");
        if let Some(jpeg) = input.thumbnails.get(&item.id) {
            let b64 = base64::engine::general_purpose::STANDARD.encode(jpeg);
            let _ = write!(
                h,
                "<img alt=\"{}\" src=\"data:image/jpeg;base64,{b64}\">",
                esc(&item.id)
            );
        }
        let _ = write!(
            h,
            "<b>{}</b> {}<br>",
            esc(&item.id),
            esc(&item.rule_ids.join(", "))
        );
        match &photo.exif {
            Some(exif) => {
                let a = assess_photo(exif, input.inspection, input.photo_params);
                if let Some(gps) = &exif.gps {
                    let _ = write!(h, "GPS {}, {}<br>", gps.lat, gps.lon);
                }
                if let Some(at) = a.captured_at {
                    let _ = write!(
                        h,
                        "{} {}<br>",
                        say(&msg!("report-taken")),
                        esc(&at.to_rfc3339())
                    );
                }
                if let Some(g) = &a.geofence {
                    let id = if g.inside {
                        "report-geofence-inside"
                    } else {
                        "report-geofence-outside"
                    };
                    let verdict = Message::new(id)
                        .arg("distance", format!("{:.0}", g.distance_m))
                        .arg("radius", format!("{:.0}", g.radius_m));
                    let _ = write!(h, "{}<br>", say(&verdict));
                }
                for flag in &a.flags {
                    let _ = write!(h, "<span class=review>{}</span>", say(&flag.message()));
                }
                let device: Vec<&str> = [exif.make.as_deref(), exif.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !device.is_empty() {
                    let _ = write!(h, "{}<br>", esc(&device.join(" ")));
                }
            }
            None => {
                let why = match photo.exif_error.as_deref() {
                    Some(error) => msg!("photo-exif-error", error = error),
                    None => msg!("photo-no-exif"),
                };
                let _ = write!(h, "{}", say(&why));
            }
        }
        if let Some(blob) = &item.blob {
            let _ = write!(h, "<span class=digest>sha256:{}</span>", esc(&blob.sha256));
        }
        h.push_str("</div>");
    }
    h.push_str("</div>");
}

fn si_records(h: &mut String, input: &ReportInput) {
    let scans: Vec<_> = input
        .evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::SiScan(s) => Some((i, s)),
            _ => None,
        })
        .collect();
    if scans.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        say(&msg!("report-si-records")),
        say(&msg!("report-col-item")),
        say(&msg!("report-col-name")),
        say(&msg!("report-col-id")),
        say(&msg!("report-col-insured-at")),
        say(&msg!("report-col-months")),
        say(&msg!("report-col-employer")),
        say(&msg!("report-col-roles"))
    );
    let mut by_id: BTreeMap<&str, _> = BTreeMap::new();
    for (item, scan) in scans {
        by_id.insert(item.id.as_str(), scan);
    }
    for (id, scan) in by_id {
        let r = &scan.record;
        let roles: Vec<Message> = scan.roles.iter().map(|r| r.message()).collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(id),
            name_cell(r),
            esc(r.id_masked.as_deref().unwrap_or("—")),
            esc(r.insured_place.as_deref().unwrap_or("—")),
            r.months_paid
                .map(|m| m.to_string())
                .unwrap_or_else(|| "—".into()),
            esc(r
                .employer_name
                .as_deref()
                .or(r.employer_uscc.as_deref())
                .unwrap_or("—")),
            if roles.is_empty() {
                "—".to_owned()
            } else {
                say(&msg!("report-roles", roles = roles))
            }
        );
    }
    h.push_str("</table>");
}

/// The name, and under it the charset the QR decoder guessed for the payload, if it did:
/// whoever reads the record should know that its text may be misread.
fn name_cell(r: &SiRecord) -> String {
    let name = esc(r.name.as_deref().unwrap_or("—"));
    match &r.charset_guessed {
        Some(cs) => format!(
            "{name}<br>{}",
            say(&msg!("report-si-charset-guessed", charset = cs.as_str()))
        ),
        None => name,
    }
}

/// A rehearsal's rules the official visit checks again on its own day.
fn on_the_day(h: &mut String, input: &ReportInput) {
    let day = crate::rehearsal::on_the_day::OnTheDay::of(input.findings);
    let (zh, en) = (day.messages(Lang::Zh), day.messages(Lang::En));
    if zh.is_empty() {
        return;
    }
    h.push_str("<div class=recheck>");
    for (zh, en) in zh.iter().zip(&en) {
        let _ = write!(
            h,
            "<p>{}</p>",
            both(&zh.render(Lang::Zh), &en.render(Lang::En))
        );
    }
    h.push_str("</div>");
}

fn dial_tests(h: &mut String, input: &ReportInput) {
    let mut tests: Vec<_> = input
        .evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::DialTest(d) => Some((i, d)),
            _ => None,
        })
        .collect();
    if tests.is_empty() {
        return;
    }
    tests.sort_by(|a, b| a.1.seat_tag.cmp(&b.1.seat_tag));
    let yes = |b: bool| if b { "✓" } else { "✗" };
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        say(&msg!("report-dial-tests")),
        say(&msg!("report-col-seat")),
        say(&msg!("report-col-dialed")),
        say(&msg!("report-col-connected")),
        say(&msg!("report-col-caller-id")),
        say(&msg!("report-col-playback")),
        say(&msg!("report-col-time"))
    );
    for (_, d) in tests {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&crate::seal::seat::seat_number(&d.seat_tag)),
            esc(&d.dialed_number),
            if d.temporary_trunk {
                say(&msg!("report-temporary-trunk"))
            } else {
                String::new()
            },
            yes(d.connected),
            yes(d.caller_id_shown),
            yes(d.recording_played_back),
            esc(&d.started_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        );
    }
    h.push_str("</table>");
}

fn sign_offs(h: &mut String, input: &ReportInput) {
    let signs: Vec<_> = input
        .evidence
        .iter()
        .filter_map(|i| match &i.body {
            EvidenceBody::SignOff(s) => Some((i, s)),
            _ => None,
        })
        .collect();
    let _ = write!(h, "<h2>{}</h2>", say(&msg!("report-sign-offs")));
    if signs.is_empty() {
        let _ = write!(h, "<p>{}</p>", say(&msg!("report-not-signed")));
        return;
    }
    h.push_str("<table>");
    for (item, s) in signs {
        let role = match s.signer_role {
            SignerRole::Inspector => say(&msg!("report-role-inspector")),
            SignerRole::CompanyRepresentative => say(&msg!("report-role-company")),
        };
        let _ = write!(
            h,
            "<tr><td>{role}</td><td>{}</td><td>{}</td><td class=digest>{}</td></tr>",
            esc(&s.name),
            esc(&s.signed_at.to_rfc3339()),
            esc(item.blob.as_ref().map(|b| b.sha256.as_str()).unwrap_or(""))
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_defuses_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
