//! LimeSurvey, exported with question codes (`id`, `submitdate`, ...) or full text
//! (`Response ID`, `Date submitted`, ...). Check-all and array questions come as
//! `Question [Sub-item]` columns; "Other" is the code `-oth-`.

use super::{bracket_split, single_row_layout, Layout, Platform, PlatformField};
use crate::codebook::text::normalize;

const KNOWN: &[(&str, PlatformField)] = &[
    ("id", PlatformField::RespondentId),
    ("Response ID", PlatformField::RespondentId),
    ("submitdate", PlatformField::Submitted),
    ("Date submitted", PlatformField::Submitted),
    ("startdate", PlatformField::Started),
    ("Date started", PlatformField::Started),
    ("datestamp", PlatformField::Ended),
    ("Date last action", PlatformField::Ended),
    ("lastpage", PlatformField::Bookkeeping),
    ("Last page", PlatformField::Bookkeeping),
    ("startlanguage", PlatformField::Bookkeeping),
    ("Start language", PlatformField::Bookkeeping),
    ("seed", PlatformField::Bookkeeping),
    ("token", PlatformField::Identifier),
    ("refurl", PlatformField::Bookkeeping),
    ("ipaddr", PlatformField::Identifier),
    ("interviewtime", PlatformField::DurationSeconds),
    ("Total time", PlatformField::DurationSeconds),
];

pub fn detect(header: &[String]) -> bool {
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    let has = |a: &str, b: &str| names.iter().any(|n| n == a || n == b);
    has("id", "response id") && has("submitdate", "date submitted") && has("lastpage", "last page")
}

/// LimeSurvey's per-group and per-question timing columns.
const TIMING: &[(&str, PlatformField)] = &[
    ("Group time:", PlatformField::Bookkeeping),
    ("Question time:", PlatformField::Bookkeeping),
    ("groupTime", PlatformField::Bookkeeping),
];

pub fn layout(rows: &[Vec<String>]) -> Layout {
    Layout {
        known_prefixes: TIMING,
        ..single_row_layout(Platform::Limesurvey, rows, 1, bracket_split, &[";"], KNOWN)
    }
}
