//! Microsoft Forms: `ID`, `Start time`, `Completion time`, `Email`, `Name`, then one column per
//! question; multi-select answers joined with ";" and ending with one.

use super::{single_row_layout, Layout, Platform, PlatformField};
use crate::codebook::text::normalize;

const KNOWN: &[(&str, PlatformField)] = &[
    ("ID", PlatformField::RespondentId),
    ("Start time", PlatformField::Started),
    ("Completion time", PlatformField::Submitted),
    ("Last modified time", PlatformField::Bookkeeping),
    ("Total points", PlatformField::Bookkeeping),
    ("Quiz feedback", PlatformField::Bookkeeping),
];

pub fn detect(header: &[String]) -> bool {
    let first: Vec<String> = header.iter().take(3).map(|h| normalize(h)).collect();
    first == ["id", "start time", "completion time"]
}

pub fn layout(rows: &[Vec<String>]) -> Layout {
    single_row_layout(Platform::MsForms, rows, 1, |_| None, &[";"], KNOWN)
}
