//! Qualtrics. The current export has three header rows: export tags (`Q1`, `Q2_3`), question
//! text, and an ImportId row written as JSON (`{"ImportId":"QID1"}`) or, in the 2016-17
//! "Insights" layout, as a Python dict (`{'ImportId': 'QID2-1'}`). The legacy layout has two:
//! `V1..V10` and the question text. Missing answers are coded -1 and -2.

use super::{Layout, Platform, PlatformField};

const CURRENT: &[(&str, PlatformField)] = &[
    ("ResponseId", PlatformField::RespondentId),
    ("StartDate", PlatformField::Started),
    ("EndDate", PlatformField::Ended),
    ("RecordedDate", PlatformField::Submitted),
    ("Duration (in seconds)", PlatformField::DurationSeconds),
    ("Progress", PlatformField::Progress),
    ("Finished", PlatformField::Finished),
    ("Status", PlatformField::Bookkeeping),
    ("ResponseSet", PlatformField::Bookkeeping),
    ("ExternalReference", PlatformField::Bookkeeping),
    ("ExternalDataReference", PlatformField::Bookkeeping),
    ("DistributionChannel", PlatformField::Bookkeeping),
    ("UserLanguage", PlatformField::Bookkeeping),
];

/// The legacy layout's fixed first ten columns.
const LEGACY: &[(&str, PlatformField)] = &[
    ("V1", PlatformField::RespondentId),
    ("V2", PlatformField::Bookkeeping),
    ("V3", PlatformField::Identifier),
    ("V4", PlatformField::Bookkeeping),
    ("V5", PlatformField::Identifier),
    ("V6", PlatformField::Identifier),
    ("V7", PlatformField::Bookkeeping),
    ("V8", PlatformField::Started),
    ("V9", PlatformField::Ended),
    ("V10", PlatformField::Finished),
];

pub fn is_current(rows: &[Vec<String>]) -> bool {
    rows.len() >= 3 && rows[2].iter().any(|c| c.contains("ImportId"))
}

pub fn is_legacy(rows: &[Vec<String>]) -> bool {
    rows.len() >= 2
        && rows[0]
            .first()
            .is_some_and(|c| c.trim_start_matches('\u{feff}') == "V1")
        && rows[1].iter().any(|c| c == "ResponseID")
}

pub fn layout_current(rows: &[Vec<String>]) -> Layout {
    let width = rows[0].len();
    let names = (0..width)
        .map(|i| {
            let mut names = vec![cell(rows, 0, i)];
            for name in [cell(rows, 1, i), import_id(&cell(rows, 2, i))] {
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        })
        .collect();
    Layout {
        platform: Platform::Qualtrics,
        header_rows: 3,
        names,
        parts: vec![None; width],
        separators: &[","],
        known: CURRENT,
        known_prefixes: &[],
    }
}

pub fn layout_legacy(rows: &[Vec<String>]) -> Layout {
    let width = rows[0].len();
    let names = (0..width)
        .map(|i| {
            let first = cell(rows, 0, i).trim_start_matches('\u{feff}').to_string();
            let second = cell(rows, 1, i);
            if second.is_empty() || second == first {
                vec![first]
            } else if LEGACY.iter().any(|(tag, _)| *tag == first) {
                // V1..V10 say nothing to a person; their second row names them (IPAddress).
                vec![second, first]
            } else {
                vec![first, second]
            }
        })
        .collect();
    Layout {
        platform: Platform::QualtricsLegacy,
        header_rows: 2,
        names,
        parts: vec![None; width],
        separators: &[","],
        known: LEGACY,
        known_prefixes: &[],
    }
}

fn cell(rows: &[Vec<String>], row: usize, column: usize) -> String {
    rows.get(row)
        .and_then(|r| r.get(column))
        .cloned()
        .unwrap_or_default()
}

/// `{"ImportId":"QID1"}` or `{'ImportId': 'QID2-1'}` -> `QID1`, `QID2-1`.
fn import_id(cell: &str) -> String {
    let Some(at) = cell.find("ImportId") else {
        return String::new();
    };
    let rest = &cell[at + "ImportId".len()..];
    let value = rest.split_once(':').map_or("", |(_, v)| v);
    value
        .trim()
        .trim_end_matches('}')
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::import_id;

    #[test]
    fn reads_both_import_id_styles() {
        assert_eq!(import_id(r#"{"ImportId":"QID1"}"#), "QID1");
        assert_eq!(import_id("{'ImportId': 'QID2-1'}"), "QID2-1");
        assert_eq!(import_id("Q1"), "");
    }
}
