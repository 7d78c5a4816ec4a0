//! Which photos hold up as evidence: one judgement of a photo, for `site.real_address` and
//! for every rule a photo backs (the office, the rack, the UPS, a system demo…).

use super::context::Ctx;
use super::outcome::Outcome;
use crate::capture::photo::{BackingPhotoOutside, PhotoAssessment, PhotoFlag, assess_photo};
use crate::i18n::Message;
use crate::model::{CaptureSource, EvidenceBody, EvidenceItem, FindingStatus, Photo};
use crate::msg;

/// One photo judged: whether it holds up, and if not why and what to do.
pub(crate) struct JudgedPhoto<'a> {
    pub item: &'a EvidenceItem,
    /// `None` when the photo has no EXIF.
    pub assessment: Option<PhotoAssessment>,
    /// Empty when the photo holds up.
    pub reasons: Vec<Message>,
    pub remedies: Vec<Message>,
    /// Taken outside the geofence or the window: it contradicts what it backs.
    pub contradicts: bool,
}

impl JudgedPhoto<'_> {
    pub fn holds_up(&self) -> bool {
        self.reasons.is_empty()
    }

    /// The photo named with its reasons, for a finding's list.
    pub fn named(&self) -> Message {
        msg!(
            "photo-item",
            item = &self.item.id,
            reasons = self.reasons.clone()
        )
    }
}

/// Judges one photo with the profile's `[photo]` table: EXIF present, inside the geofence
/// and the window, no flag; a gallery import holds up only when `gallery_ok`.
pub(crate) fn judge_photo<'a>(
    ctx: &Ctx,
    item: &'a EvidenceItem,
    photo: &Photo,
    gallery_ok: bool,
) -> JudgedPhoto<'a> {
    let mut judged = match &photo.exif {
        Some(exif) => {
            let a = assess_photo(exif, ctx.inspection, ctx.photo);
            JudgedPhoto {
                item,
                reasons: a.reasons(),
                remedies: a.remedies(),
                contradicts: a.flags.iter().any(PhotoFlag::contradicts),
                assessment: Some(a),
            }
        }
        None => JudgedPhoto {
            item,
            assessment: None,
            reasons: vec![match photo.exif_error.as_deref() {
                Some(error) => msg!("photo-exif-error", error = error),
                None => msg!("photo-no-exif"),
            }],
            remedies: vec![msg!("photo-do-keep-exif")],
            contradicts: false,
        },
    };
    if item.source == CaptureSource::Gallery && !gallery_ok {
        judged.reasons.push(msg!("photo-from-gallery"));
        judged.remedies.push(msg!("photo-do-use-app-camera"));
    }
    judged
}

/// The remedies of `photos`, each once, in order.
pub(crate) fn remedies<'a>(photos: impl IntoIterator<Item = &'a JudgedPhoto<'a>>) -> Vec<Message> {
    let mut all = Vec::new();
    for remedy in photos.into_iter().flat_map(|p| p.remedies.iter()) {
        if !all.contains(remedy) {
            all.push(remedy.clone());
        }
    }
    all
}

/// A verdict a photo must back (`required`): the photos and screen captures naming `rule`
/// count only when they hold up. None at all: needs_review saying `none`. One taken
/// outside the geofence or the window: fail or needs_review, as the profile's
/// `[photo] backing_photo_outside` says. Only doubtful ones (no EXIF, no GPS, edited…):
/// needs_review. Each names the photos, why, and what to do. Screen captures and
/// recordings carry no EXIF: they back the rule as recorded.
pub(crate) fn photo_backed(
    out: Outcome,
    ctx: &Ctx,
    rule: &str,
    required: bool,
    none: Message,
) -> Outcome {
    if !required {
        return out;
    }
    let pictures = ctx.pictures_for(rule);
    if pictures.is_empty() {
        return out.review_unless(false, none);
    }
    let strictness = ctx.photo.backing_photo_outside;
    if strictness == BackingPhotoOutside::Unchecked {
        return out;
    }
    let judged: Vec<JudgedPhoto> = pictures
        .iter()
        .filter_map(|item| match &item.body {
            EvidenceBody::Photo(photo) => Some(judge_photo(ctx, item, photo, true)),
            _ => None,
        })
        .collect();
    let media = pictures.len() - judged.len();
    let contradicting: Vec<&JudgedPhoto> = judged.iter().filter(|j| j.contradicts).collect();
    let (status, says, named) = if !contradicting.is_empty() {
        let status = match strictness {
            BackingPhotoOutside::Fail => FindingStatus::Fail,
            _ => FindingStatus::NeedsReview,
        };
        let named = contradicting;
        let photos: Vec<Message> = named.iter().map(|j| j.named()).collect();
        (
            status,
            msg!("photo-backing-outside", photos = photos),
            named,
        )
    } else if media == 0 && !judged.iter().any(JudgedPhoto::holds_up) {
        let named: Vec<&JudgedPhoto> = judged.iter().collect();
        let photos: Vec<Message> = named.iter().map(|j| j.named()).collect();
        let says = msg!("photo-backing-unproven", photos = photos);
        (FindingStatus::NeedsReview, says, named)
    } else {
        return out;
    };
    let mut out = out.at_worst(status, says);
    if matches!(out.status, FindingStatus::Fail | FindingStatus::NeedsReview) {
        out.says.extend(remedies(named));
    }
    out
}
