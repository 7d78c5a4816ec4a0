//! `hecha import DIR FILE…`: staff and seats from spreadsheets (CSV or XLSX with Chinese
//! headers) appended to `DIR/inspection.toml`. The rows are checked and turned into
//! evidence by the core (`rehearsal::roster`), which masks and hashes ID numbers; this
//! reads the files and writes the result whole, or nothing when any row is bad.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use hecha_core::capture::pii::PersonHasher;
use hecha_core::i18n::Message;
use hecha_core::rehearsal::INSPECTION_FILE;
use hecha_core::rehearsal::roster::{Sheet, import};

use super::{complain, say};
use crate::EXIT_USAGE;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The rehearsal folder (made by `hecha init`).
    pub dir: PathBuf,
    /// Spreadsheets: `.csv` (UTF-8) or `.xlsx` (the first sheet), one header row.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// The person-hash key of one import: random, kept nowhere. A person imported twice is
/// recognised by the masked number and name instead (`rehearsal::roster`).
fn import_hasher() -> anyhow::Result<PersonHasher> {
    super::check::random_hasher("rehearsal-import")
}

fn unreadable(path: &Path, reason: impl ToString) -> Message {
    Message::new("import-unreadable")
        .arg("file", path.display().to_string())
        .arg("reason", reason.to_string())
}

fn read_csv(path: &Path) -> Result<Sheet, Message> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| unreadable(path, e))?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(path, e))?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Sheet {
        name: path.display().to_string(),
        rows,
    })
}

/// A cell as text: whole numbers without a decimal point (a month count typed as 14 is
/// stored by Excel as 14.0).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

fn read_xlsx(path: &Path) -> Result<Sheet, Message> {
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable(path, "no sheet"))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(path, e))?;
    // Rows as the spreadsheet numbers them: blank leading rows and columns kept.
    let skip = range.start().map_or(0, |(row, _)| row as usize);
    let skip_cols = range.start().map_or(0, |(_, col)| col as usize);
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); skip];
    for row in range.rows() {
        let mut cells = vec![String::new(); skip_cols];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    Ok(Sheet { name, rows })
}

fn read_sheet(path: &Path) -> Result<Sheet, Message> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => read_csv(path),
        Some("xlsx" | "xlsm" | "xls" | "ods") => read_xlsx(path),
        _ => Err(Message::new("import-format").arg("file", path.display().to_string())),
    }
}

pub fn run(args: &ImportArgs) -> anyhow::Result<u8> {
    let path = args.dir.join(INSPECTION_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            complain(&Message::new("import-no-folder").arg("file", path.display().to_string()));
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            complain(&unreadable(&path, e));
            return Ok(EXIT_USAGE);
        }
    };
    let mut sheets = Vec::with_capacity(args.files.len());
    for file in &args.files {
        match read_sheet(file) {
            Ok(sheet) => sheets.push(sheet),
            Err(message) => {
                complain(&message);
                return Ok(EXIT_USAGE);
            }
        }
    }
    let origin = args
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let imported = match import(&text, &sheets, &origin, &import_hasher()?) {
        Ok(imported) => imported,
        Err(problems) => {
            for p in &problems {
                complain(p);
            }
            complain(&Message::new("import-nothing").arg("bad", problems.len()));
            return Ok(EXIT_USAGE);
        }
    };
    // Written beside, then renamed: the folder holds the old text or the new, never half.
    let tmp = args.dir.join(format!(".{INSPECTION_FILE}.import"));
    std::fs::write(&tmp, &imported.text)?;
    std::fs::rename(&tmp, &path)?;
    say(&Message::new("import-done")
        .arg("staff", imported.staff)
        .arg("seats", imported.seats)
        .arg("file", path.display().to_string()));
    Ok(0)
}
