//! Google Forms, as exported from the "Form Responses 1" sheet: `Timestamp`, then one column per
//! question headed by its full text; grids as `Question [Row]`; checkboxes joined with ", ".
//! There is no respondent id: the timestamp stands in for one.

use super::{bracket_split, single_row_layout, Layout, Platform, PlatformField};
use crate::codebook::text::normalize;

const KNOWN: &[(&str, PlatformField)] = &[
    ("Timestamp", PlatformField::Submitted),
    ("Email Address", PlatformField::Identifier),
    ("Score", PlatformField::Bookkeeping),
];

pub fn detect(header: &[String]) -> bool {
    header.first().is_some_and(|c| normalize(c) == "timestamp")
}

pub fn layout(rows: &[Vec<String>]) -> Layout {
    single_row_layout(
        Platform::GoogleForms,
        rows,
        1,
        bracket_split,
        &[", "],
        KNOWN,
    )
}
