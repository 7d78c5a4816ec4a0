//! Staff and seats from a spreadsheet (`hecha import`): rows with Chinese headers become
//! `[[evidence]]` items appended to a folder's `inspection.toml` — an `si_scan` per person,
//! a `seat_equipment` checklist per seat.
//!
//! ID numbers are masked and hashed here, never written in full: a person's record holds
//! the masked number and its keyed hash only (requirements.md, "Personal data"). Every bad
//! row is reported (row number as the spreadsheet shows it, counting from 1 at the first row;
//! the column; what is wrong), and then nothing is imported.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use super::FolderFile;
use super::skeleton::STAFF_RULES;
use crate::capture::pii::{PersonHasher, contains_full_id};
use crate::capture::si::parse_si_payload;
use crate::i18n::{Arg, Message};
use crate::model::personal_ids::{mask_item, mask_text};
use crate::model::{
    CaptureSource, Checklist, EvidenceBody, EvidenceItem, SeatEquipmentCheck, SiPayloadFormat,
    SiRecord, SiScan, SiSource, StaffRole,
};

/// One sheet as read: its name and its rows of cells, the header first.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// What an import appends.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The new `inspection.toml`: the old text unchanged, then the new items.
    pub text: String,
    pub staff: usize,
    pub seats: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Col {
    Name,
    IdNumber,
    QrText,
    Place,
    Months,
    Employer,
    Roles,
    Specialty,
    Related,
    Years,
    SeatTag,
    Phone,
    Computer,
    Headset,
}

/// The staff sheet's headers (`docs/rehearsal-folder.md`).
const STAFF_HEADERS: &[(&str, Col)] = &[
    ("姓名", Col::Name),
    ("身份证号", Col::IdNumber),
    ("社保二维码内容", Col::QrText),
    ("参保地", Col::Place),
    ("参保月数", Col::Months),
    ("参保单位", Col::Employer),
    ("岗位", Col::Roles),
    ("专业", Col::Specialty),
    ("专业相关", Col::Related),
    ("通信从业年限", Col::Years),
];

/// The seat sheet's headers.
const SEAT_HEADERS: &[(&str, Col)] = &[
    ("坐席编号", Col::SeatTag),
    ("话机或软电话", Col::Phone),
    ("电脑", Col::Computer),
    ("耳机", Col::Headset),
];

/// Other names a spreadsheet gives the ID column.
const ID_ALIASES: [&str; 2] = ["身份证号码", "公民身份号码"];

const SEAT_RULES: [&str; 2] = ["seats.equipment", "seats.physical_count"];
const ROLES: [StaffRole; 6] = [
    StaffRole::LicenseLead,
    StaffRole::CustomerServiceLead,
    StaffRole::NetworkSecurityLead,
    StaffRole::TechnicalLead,
    StaffRole::Agent,
    StaffRole::Other,
];
/// Longest text a cell may hold.
const MAX_TEXT: usize = 200;

fn header_name(col: Col) -> &'static str {
    STAFF_HEADERS
        .iter()
        .chain(SEAT_HEADERS)
        .find(|(_, c)| *c == col)
        .map_or("", |(h, _)| h)
}

fn header_col(cell: &str) -> Option<Col> {
    let cell: String = cell
        .trim_start_matches('\u{FEFF}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if ID_ALIASES.contains(&cell.as_str()) {
        return Some(Col::IdNumber);
    }
    STAFF_HEADERS
        .iter()
        .chain(SEAT_HEADERS)
        .find(|(h, _)| *h == cell)
        .map(|(_, c)| *c)
}

fn header_list(headers: &[(&str, Col)]) -> Arg {
    Arg::List(headers.iter().map(|(h, _)| Arg::from(*h)).collect())
}

/// The problems of one import, each a message; nothing is imported when there are any.
pub type Problems = Vec<Message>;

/// One data row, its cells by column.
struct Row<'a> {
    number: usize,
    cells: BTreeMap<Col, &'a str>,
    problems: &'a mut Problems,
}

impl Row<'_> {
    fn get(&self, col: Col) -> Option<&str> {
        self.cells
            .get(&col)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    fn problem(&mut self, col: Col, problem: Message) {
        self.problems.push(
            Message::new("import-row")
                .arg("row", self.number)
                .arg("column", header_name(col))
                .arg("problem", problem),
        );
    }

    fn required(&mut self, col: Col) -> Option<String> {
        let value = self.text(col);
        if value.is_none() {
            self.problem(col, Message::new("import-required"));
        }
        value
    }

    fn text(&mut self, col: Col) -> Option<String> {
        let value = self.get(col)?.to_owned();
        if value.chars().count() > MAX_TEXT {
            self.problem(
                col,
                Message::new("import-text-too-long").arg("max", MAX_TEXT),
            );
            return None;
        }
        Some(value)
    }

    fn yes_no(&mut self, col: Col) -> Option<bool> {
        let value = self.get(col)?.to_lowercase();
        match value.as_str() {
            "是" | "有" | "yes" | "y" | "true" | "1" | "√" | "✓" => Some(true),
            "否" | "无" | "没有" | "no" | "n" | "false" | "0" | "×" | "✗" => Some(false),
            _ => {
                self.problem(col, Message::new("import-yes-no"));
                None
            }
        }
    }
}

/// The folder's facts an import needs: the company, and who and what is recorded already.
struct Folder {
    company_name: String,
    company_uscc: String,
    ids: BTreeSet<String>,
    /// (masked ID, name) → evidence id.
    persons: BTreeMap<(String, String), String>,
    /// seat tag → evidence id.
    seats: BTreeMap<String, String>,
}

fn read_folder(text: &str) -> Result<Folder, toml::de::Error> {
    let parsed: FolderFile = toml::from_str(text)?;
    let mut folder = Folder {
        company_name: parsed.inspection.company.name.clone(),
        company_uscc: parsed.inspection.company.uscc.clone(),
        ids: BTreeSet::new(),
        persons: BTreeMap::new(),
        seats: BTreeMap::new(),
    };
    for d in &parsed.evidence {
        let id = d.item.id.clone();
        folder.ids.insert(id.clone());
        match &d.item.body {
            EvidenceBody::SiScan(scan) => {
                let record = match &d.qr_text {
                    Some(text) => parse_si_payload(text, None),
                    None => scan.record.clone(),
                };
                if let (Some(m), Some(n)) = (record.id_masked, record.name) {
                    folder.persons.insert((m, n), id);
                }
            }
            EvidenceBody::Checklist(Checklist::SeatEquipment(s)) => {
                folder.seats.insert(s.seat_tag.clone(), id);
            }
            EvidenceBody::DialTest(t) => {
                folder.seats.insert(t.seat_tag.clone(), id);
            }
            _ => {}
        }
    }
    Ok(folder)
}

impl Folder {
    /// A fresh evidence id `PREFIX-N`.
    fn next_id(&mut self, prefix: &str) -> String {
        let id = (1..)
            .map(|n| format!("{prefix}-{n}"))
            .find(|id| !self.ids.contains(id))
            .unwrap_or_default();
        self.ids.insert(id.clone());
        id
    }
}

fn item(id: String, rule_ids: &[&str], body: EvidenceBody) -> EvidenceItem {
    EvidenceItem {
        id,
        rule_ids: rule_ids.iter().map(|r| (*r).to_owned()).collect(),
        captured_by: None,
        device_id: None,
        device_time: None,
        source: CaptureSource::Entered,
        blob: None,
        missing_file: None,
        body,
    }
}

fn parse_roles(row: &mut Row<'_>) -> Vec<StaffRole> {
    let Some(cell) = row.get(Col::Roles).map(str::to_owned) else {
        return Vec::new();
    };
    let mut roles = Vec::new();
    for name in cell
        .split(['、', ',', '，', ';', '；', '/', '／'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let found = ROLES.iter().copied().find(|r| {
            let text = r.message().text();
            let snake = serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            text.zh == name || text.en.eq_ignore_ascii_case(name) || snake.as_deref() == Some(name)
        });
        match found {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => {
                let known: Vec<Arg> = ROLES.iter().map(|r| Arg::Msg(r.message())).collect();
                row.problem(
                    Col::Roles,
                    Message::new("import-role-unknown")
                        .arg("value", mask_text(name))
                        .arg("known", known),
                );
            }
        }
    }
    roles
}

/// A person's record from the row: parsed from the QR content when given, else built from
/// the columns. The ID number is checked, masked and hashed; `None` when the row is bad.
fn person_record(row: &mut Row<'_>, folder: &Folder, hasher: &PersonHasher) -> Option<SiRecord> {
    let name = row.required(Col::Name);
    let id_number = row.get(Col::IdNumber).map(str::to_owned);
    let person = id_number.as_deref().map(|n| hasher.person_id(n));
    if let Some(Err(_)) = person {
        row.problem(Col::IdNumber, Message::new("import-id-invalid"));
    }
    let person = person.and_then(Result::ok);
    let mut record = if let Some(qr) = row.get(Col::QrText).map(str::to_owned) {
        let record = parse_si_payload(&qr, Some(hasher));
        if record.format == SiPayloadFormat::Unknown {
            row.problem(Col::QrText, Message::new("import-qr-unreadable"));
            return None;
        }
        if record.id_hash.is_none() || record.id_valid != Some(true) {
            row.problem(Col::QrText, Message::new("import-qr-no-id"));
            return None;
        }
        if let Some(p) = &person
            && record.id_hash.as_ref() != Some(&p.id_hash)
        {
            row.problem(Col::IdNumber, Message::new("import-qr-id-differs"));
        }
        record
    } else {
        if id_number.is_none() {
            row.problem(Col::IdNumber, Message::new("import-required"));
        }
        let place = row.required(Col::Place);
        let months = row.required(Col::Months).and_then(|m| {
            let parsed = u32::from_str(&m).ok();
            if parsed.is_none() {
                row.problem(Col::Months, Message::new("import-whole-number"));
            }
            parsed
        });
        let person = person.clone()?;
        SiRecord {
            format: SiPayloadFormat::Lines,
            id_masked: Some(person.id_masked),
            id_valid: Some(true),
            id_hash: Some(person.id_hash),
            insured_place: Some(place?),
            months_paid: Some(months?),
            ..SiRecord::default()
        }
    };
    if record.name.is_none() {
        record.name = name.clone();
    }
    if record.employer_name.is_none() && record.employer_uscc.is_none() {
        // The sheet lists the company's insured staff unless it names another employer.
        let employer = row
            .text(Col::Employer)
            .unwrap_or_else(|| folder.company_name.clone());
        if employer == folder.company_name && !folder.company_uscc.is_empty() {
            record.employer_uscc = Some(folder.company_uscc.clone());
        }
        record.employer_name = Some(employer);
    }
    name?;
    Some(record)
}

fn staff_row(
    row: &mut Row<'_>,
    folder: &mut Folder,
    hasher: &PersonHasher,
    seen: &mut BTreeMap<String, usize>,
) -> Option<EvidenceItem> {
    let record = person_record(row, folder, hasher);
    let roles = parse_roles(row);
    let specialty = row.text(Col::Specialty);
    let specialty_related = row.yes_no(Col::Related);
    let years = row.get(Col::Years).map(str::to_owned).and_then(|y| {
        let parsed = Decimal::from_str(&y).ok().filter(|d| !d.is_sign_negative());
        if parsed.is_none() {
            row.problem(Col::Years, Message::new("import-decimal"));
        }
        parsed
    });
    let record = record?;
    let id_col = if row.get(Col::IdNumber).is_some() {
        Col::IdNumber
    } else {
        Col::QrText
    };
    let hash = record
        .id_hash
        .as_ref()
        .map(|h| h.hmac_sha256.clone())
        .unwrap_or_default();
    if let Some(other) = seen.insert(hash, row.number) {
        row.problem(
            id_col,
            Message::new("import-same-person").arg("other", other),
        );
        return None;
    }
    let key = (
        record.id_masked.clone().unwrap_or_default(),
        record.name.clone().unwrap_or_default(),
    );
    if let Some(existing) = folder.persons.get(&key) {
        row.problem(
            id_col,
            Message::new("import-already-recorded").arg("item", existing.as_str()),
        );
        return None;
    }
    let scan = SiScan {
        record,
        source_kind: SiSource::ScannerText,
        roles,
        specialty,
        specialty_related,
        telecom_experience_years: years,
        ..SiScan::default()
    };
    Some(item(
        folder.next_id("si-import"),
        &STAFF_RULES,
        EvidenceBody::SiScan(scan),
    ))
}

fn seat_row(
    row: &mut Row<'_>,
    folder: &mut Folder,
    seen: &mut BTreeMap<String, usize>,
) -> Option<EvidenceItem> {
    let tag = row.required(Col::SeatTag);
    let phone = row.yes_no(Col::Phone);
    let computer = row.yes_no(Col::Computer);
    let headset = row.yes_no(Col::Headset);
    let tag = tag?;
    if let Some(other) = seen.insert(tag.clone(), row.number) {
        row.problem(
            Col::SeatTag,
            Message::new("import-seat-twice").arg("other", other),
        );
        return None;
    }
    if let Some(existing) = folder.seats.get(&tag) {
        row.problem(
            Col::SeatTag,
            Message::new("import-seat-recorded").arg("item", existing.as_str()),
        );
        return None;
    }
    let check = SeatEquipmentCheck {
        seat_tag: tag,
        phone_or_softphone: phone.unwrap_or(false),
        computer: computer.unwrap_or(false),
        headset: headset.unwrap_or(false),
    };
    Some(item(
        folder.next_id("seat-import"),
        &SEAT_RULES,
        EvidenceBody::Checklist(Checklist::SeatEquipment(check)),
    ))
}

/// The columns of a header row, or what is wrong with it.
fn read_header(header: &[String], problems: &mut Problems) -> Option<(bool, Vec<Option<Col>>)> {
    let mut cols = Vec::with_capacity(header.len());
    for cell in header {
        if cell.trim().is_empty() {
            cols.push(None);
            continue;
        }
        match header_col(cell) {
            Some(c) => cols.push(Some(c)),
            None => {
                problems.push(
                    Message::new("import-header-unknown")
                        .arg("column", mask_text(cell.trim()))
                        .arg("staff", header_list(STAFF_HEADERS))
                        .arg("seats", header_list(SEAT_HEADERS)),
                );
                cols.push(None);
            }
        }
    }
    let has = |c: Col| cols.contains(&Some(c));
    let staff = cols
        .iter()
        .flatten()
        .any(|c| STAFF_HEADERS.iter().any(|(_, s)| s == c));
    let seats = cols
        .iter()
        .flatten()
        .any(|c| SEAT_HEADERS.iter().any(|(_, s)| s == c));
    if staff && seats {
        problems.push(Message::new("import-header-mixed"));
        return None;
    }
    let required: &[Col] = if seats {
        &[Col::SeatTag]
    } else if has(Col::QrText) {
        &[Col::Name]
    } else {
        &[Col::Name, Col::IdNumber]
    };
    for c in required {
        if !has(*c) {
            problems.push(Message::new("import-header-missing").arg("column", header_name(*c)));
        }
    }
    Some((!seats, cols))
}

#[derive(Serialize)]
struct Appended<'a> {
    evidence: &'a [EvidenceItem],
}

/// Appends the sheets' staff and seats to a folder's `inspection.toml` (`text`). `hasher`
/// makes the keyed hash of the ID numbers; `origin` names the spreadsheet in a comment.
pub fn import(
    text: &str,
    sheets: &[Sheet],
    origin: &str,
    hasher: &PersonHasher,
) -> Result<Imported, Problems> {
    let mut folder = read_folder(text).map_err(|e| {
        vec![
            Message::new("import-folder-invalid")
                .arg("file", super::INSPECTION_FILE)
                .arg("reason", mask_text(e.message())),
        ]
    })?;
    let mut problems = Problems::new();
    let mut items = Vec::new();
    let (mut staff, mut seats) = (0, 0);
    let mut seen_persons = BTreeMap::new();
    let mut seen_seats = BTreeMap::new();
    for sheet in sheets {
        let filled = |r: &Vec<String>| r.iter().any(|c| !c.trim().is_empty());
        // The header is the first row with anything in it.
        let header = sheet.rows.iter().position(filled);
        let Some((is_staff, cols)) =
            header.and_then(|h| read_header(&sheet.rows[h], &mut problems))
        else {
            problems.push(Message::new("import-no-rows").arg("sheet", sheet.name.as_str()));
            continue;
        };
        let data: Vec<(usize, &Vec<String>)> = sheet
            .rows
            .iter()
            .enumerate()
            .skip(header.unwrap_or(0) + 1)
            .filter(|(_, r)| filled(r))
            .collect();
        if data.is_empty() {
            problems.push(Message::new("import-no-rows").arg("sheet", sheet.name.as_str()));
        }
        for (index, cells) in data {
            let mut row = Row {
                number: index + 1,
                cells: cols
                    .iter()
                    .zip(cells)
                    .filter_map(|(c, v)| c.map(|c| (c, v.as_str())))
                    .collect(),
                problems: &mut problems,
            };
            let made = if is_staff {
                staff_row(&mut row, &mut folder, hasher, &mut seen_persons)
            } else {
                seat_row(&mut row, &mut folder, &mut seen_seats)
            };
            match made {
                Some(item) if is_staff => {
                    staff += 1;
                    items.push(item);
                }
                Some(item) => {
                    seats += 1;
                    items.push(item);
                }
                None => {}
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Any full number left in a free-text cell is masked too, before anything is written.
    let items = items
        .iter()
        .map(|i| mask_item(i).map(|m| m.value))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            vec![
                Message::new("import-folder-invalid")
                    .arg("file", origin)
                    .arg("reason", e.to_string()),
            ]
        })?;
    let appended = toml::to_string(&Appended { evidence: &items }).map_err(|e| {
        vec![
            Message::new("import-folder-invalid")
                .arg("file", super::INSPECTION_FILE)
                .arg("reason", e.to_string()),
        ]
    })?;
    if contains_full_id(&appended) {
        return Err(vec![
            Message::new("import-folder-invalid")
                .arg("file", super::INSPECTION_FILE)
                .arg("reason", "a full ID number would be written"),
        ]);
    }
    let mut out = text.to_owned();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("\n# hecha import: {}\n", mask_text(origin)));
    out.push_str(&appended);
    Ok(Imported {
        text: out,
        staff,
        seats,
    })
}
