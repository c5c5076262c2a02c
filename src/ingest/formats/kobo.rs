//! KoboToolbox and ODK. Kobo's CSV export is ";"-separated with an optional second row of HXL
//! hashtags; ODK Briefcase joins group paths with "-". Both write a select_multiple as one
//! column of space-separated codes plus one `question/choice` column of 1/0 per choice, and
//! split geopoints into -Latitude/-Longitude columns.

use super::{single_row_layout, slash_split, Layout, Platform, PlatformField};
use crate::codebook::text::normalize;

/// Kobo's own columns; an export that went through R has `X_` and `X.U.FEFF.` prefixes.
const KOBO: &[(&str, PlatformField)] = &[
    ("start", PlatformField::Started),
    ("X.U.FEFF.start", PlatformField::Started),
    ("X_submission_time", PlatformField::Submitted),
    ("X_uuid", PlatformField::RespondentId),
    ("X_id", PlatformField::Bookkeeping),
    ("X_index", PlatformField::Bookkeeping),
    ("X_status", PlatformField::Bookkeeping),
    ("X_notes", PlatformField::Bookkeeping),
    ("X_tags", PlatformField::Bookkeeping),
    ("X_validation_status", PlatformField::Bookkeeping),
    ("X_submitted_by", PlatformField::Identifier),
    ("X__version__", PlatformField::Bookkeeping),
    ("end", PlatformField::Ended),
    ("_submission_time", PlatformField::Submitted),
    ("_uuid", PlatformField::RespondentId),
    ("_id", PlatformField::Bookkeeping),
    ("_index", PlatformField::Bookkeeping),
    ("_status", PlatformField::Bookkeeping),
    ("_notes", PlatformField::Bookkeeping),
    ("_tags", PlatformField::Bookkeeping),
    ("_validation_status", PlatformField::Bookkeeping),
    ("_submitted_by", PlatformField::Identifier),
    ("__version__", PlatformField::Bookkeeping),
    ("today", PlatformField::Bookkeeping),
    ("deviceid", PlatformField::Identifier),
    ("subscriberid", PlatformField::Identifier),
    ("simserial", PlatformField::Identifier),
    ("phonenumber", PlatformField::Identifier),
    ("username", PlatformField::Identifier),
];

const ODK: &[(&str, PlatformField)] = &[
    ("SubmissionDate", PlatformField::Submitted),
    ("KEY", PlatformField::RespondentId),
    ("meta-instanceID", PlatformField::Bookkeeping),
    ("instanceID", PlatformField::Bookkeeping),
    ("start", PlatformField::Started),
    ("end", PlatformField::Ended),
    ("deviceid", PlatformField::Identifier),
    ("subscriberid", PlatformField::Identifier),
    ("simserial", PlatformField::Identifier),
    ("phonenumber", PlatformField::Identifier),
];

pub fn is_kobo(header: &[String]) -> bool {
    header.iter().any(|h| {
        matches!(
            normalize(h).as_str(),
            "_uuid" | "_submission_time" | "x_uuid" | "x_submission_time"
        )
    })
}

pub fn is_odk(header: &[String]) -> bool {
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    names.iter().any(|n| n == "key")
        && names
            .iter()
            .any(|n| n == "submissiondate" || n == "meta-instanceid")
}

pub fn layout_kobo(rows: &[Vec<String>]) -> Layout {
    let hashtags = rows.get(1).is_some_and(|r| {
        r.iter().any(|c| c.starts_with('#')) && r.iter().all(|c| c.is_empty() || c.starts_with('#'))
    });
    single_row_layout(
        Platform::Kobo,
        rows,
        if hashtags { 2 } else { 1 },
        kobo_split,
        &[" "],
        KOBO,
    )
}

pub fn layout_odk(rows: &[Vec<String>]) -> Layout {
    single_row_layout(Platform::Odk, rows, 1, slash_split, &[" "], ODK)
}

/// `question/choice`, or `question.choice` once R has rewritten the slashes.
fn kobo_split(header: &str) -> Option<(String, String)> {
    slash_split(header).or_else(|| {
        let (question, option) = header.rsplit_once('.')?;
        (!question.is_empty() && !option.is_empty())
            .then(|| (question.to_string(), option.to_string()))
    })
}

/// Geopoint parts locate a person: ODK and Kobo name them `<question>-Latitude` and so on.
pub fn is_geopoint_part(header: &str) -> bool {
    let lower = header.to_ascii_lowercase();
    [
        "-latitude",
        "-longitude",
        "-altitude",
        "-accuracy",
        "/latitude",
        "/longitude",
        "_latitude",
        "_longitude",
    ]
    .iter()
    .any(|suffix| lower.ends_with(suffix))
}
