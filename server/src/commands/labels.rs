//! `hecha labels DIR --key KEY.pem`: the seat labels of a rehearsal folder, as the A4 sheet
//! the server prints for an official inspection — each seat's tag signed with the local key
//! (the one `hecha seal` signs the rehearsal with), its QR code, the seat number and the
//! company.

use super::doing;
use super::words;
use hecha_core::msg;
use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context;
use hecha_core::labels::{LabelSheet, SeatLabel, render_label_sheet};
use hecha_core::rehearsal::load_folder;
use hecha_core::seal::key::Ed25519Key;
use hecha_core::seal::seat::{read_seat_tag_unverified, sign_seat_tag};

use crate::commands::check::ephemeral_hasher;

#[derive(clap::Args)]
pub struct LabelsArgs {
    /// The rehearsal folder (the one `hecha check` reads). Its seats are the seat tags its
    /// items name (seat equipment, dial tests, recordings).
    pub dir: PathBuf,
    /// Ed25519 private key (PKCS#8 PEM, as `hecha key generate` writes it).
    #[arg(long)]
    pub key: PathBuf,
    /// A seat to print besides the folder's (repeatable), e.g. `--seat SZ-SEAT-06`.
    #[arg(long = "seat")]
    pub seats: Vec<String>,
    /// Where to write the sheet (HTML; default DIR/seat-labels.html).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &LabelsArgs) -> anyhow::Result<u8> {
    let key = Ed25519Key::read_pem_file(&args.key)
        .with_context(doing("cli-cannot-read-key", &args.key))?;
    let rehearsal = load_folder(&args.dir, &ephemeral_hasher()?)?;
    let inspection = &rehearsal.inspection;
    let mut seats: BTreeSet<String> = rehearsal
        .evidence
        .iter()
        .filter_map(|item| {
            let tag = serde_json::to_value(item)
                .ok()?
                .get("seat_tag")?
                .as_str()?
                .to_owned();
            Some(seat_of(&tag))
        })
        .collect();
    seats.extend(args.seats.iter().cloned());
    let labels = seats
        .into_iter()
        .map(|seat| {
            let tag = sign_seat_tag(&key, &inspection.id, &seat)
                .with_context(|| words(&msg!("cli-seat", seat = seat.as_str())))?;
            Ok(SeatLabel { seat_id: seat, tag })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let html = render_label_sheet(&LabelSheet {
        company: &inspection.company.name,
        inspection_id: &inspection.id,
        labels: &labels,
        lang: Some(super::lang()),
    })?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join("seat-labels.html"));
    std::fs::write(&out, html).with_context(doing("cli-cannot-write", &out))?;
    super::say(&hecha_core::msg!(
        "cli-labels-written",
        n = labels.len(),
        file = out.display().to_string()
    ));
    Ok(0)
}

/// The seat a folder's `seat_tag` names: the seat id of a signed tag, or the text itself.
fn seat_of(tag: &str) -> String {
    read_seat_tag_unverified(tag).map_or_else(|| tag.to_owned(), |(t, _)| t.seat_id)
}
