//! Property tests: nothing a user can put in a file makes mctrack panic. proptest's default of
//! 256 cases each keeps CI short; for longer runs: PROPTEST_CASES=100000 cargo test --release
//! --test no_panic.

use std::path::Path;

use mctrack::codebook::parse_codebook;
use mctrack::ingest::{parse_bytes, ImportOptions};
use mctrack::workspace::{load_survey, Workspace};
use proptest::prelude::*;

fn survey() -> mctrack::codebook::Survey {
    let ws = Workspace::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    load_survey(Some(&ws), None).unwrap()
}

const HEADERS: [&str; 12] = [
    "response_id",
    "pilot_id",
    "wave",
    "role",
    "submitted_date",
    "L06",
    "L03",
    "L07",
    "E08",
    "L07__exam_quiz",
    "Email",
    "",
];

const CELLS: [&str; 22] = [
    "",
    "4",
    "4 ",
    "agree",
    "Agree.",
    "3.5",
    "0",
    "6",
    "-1",
    "N/A",
    "yes",
    "maybe",
    "P01",
    "P99",
    "exit",
    "learner",
    "2020-02-30",
    "2020-01-05T10:00",
    "exam_quiz;simulation",
    "=1+1",
    "é\"\n,",
    "1e308",
];

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let survey = survey();
        let parsed = parse_bytes(Path::new("fuzz.csv"), &bytes, &survey, &ImportOptions::default());
        for problem in parsed.problems() {
            prop_assert!(problem.row >= 1);
        }
    }

    #[test]
    fn csv_shaped_input_is_accounted_for(
        header in proptest::collection::vec(0..HEADERS.len(), 1..10),
        rows in proptest::collection::vec(proptest::collection::vec(0..CELLS.len(), 0..12), 0..20),
        delimiter in prop_oneof![Just(','), Just(';'), Just('\t')],
    ) {
        let survey = survey();
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut text = header.iter().map(|&h| quote(HEADERS[h])).collect::<Vec<_>>().join(&delimiter.to_string());
        text.push('\n');
        for row in &rows {
            text.push_str(&row.iter().map(|&c| quote(CELLS[c])).collect::<Vec<_>>().join(&delimiter.to_string()));
            text.push_str("\r\n");
        }
        let parsed = parse_bytes(Path::new("fuzz.csv"), text.as_bytes(), &survey, &ImportOptions::default());
        prop_assert!(parsed.responses.len() + parsed.rejected.len() <= rows.len());
        for response in &parsed.responses {
            prop_assert_eq!(response.answers.len(), survey.codebook.questions.len());
        }
    }

    #[test]
    fn damaged_codebooks_never_panic(cut in 0usize..40_000, len in 0usize..200, insert in "\\PC{0,8}") {
        let text = mctrack::codebook::DEFAULT_CODEBOOK;
        let start = cut.min(text.len());
        let end = (start + len).min(text.len());
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            let damaged = format!("{}{}{}", &text[..start], insert, &text[end..]);
            let _ = parse_codebook(Path::new("cb.toml"), &damaged);
        }
    }
}

/// A workbook written with rust_xlsxwriter from arbitrary cells: numbers, text, formulas and
/// blanks anywhere.
fn workbook(cells: &[(u32, u16, u8, String)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, header) in ["response_id", "pilot_id", "wave", "role", "L06", "L07"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    for (row, col, kind, text) in cells {
        let (row, col) = (row + 1, *col);
        match kind % 4 {
            0 => sheet.write_string(row, col, text).map(|_| ()),
            1 => sheet
                .write_number(row, col, text.len() as f64 - 3.5)
                .map(|_| ()),
            2 => sheet
                .write_formula(row, col, rust_xlsxwriter::Formula::new("=1/0"))
                .map(|_| ()),
            _ => sheet.write_boolean(row, col, text.is_empty()).map(|_| ()),
        }
        .unwrap();
    }
    book.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_workbooks_never_panic(
        cells in proptest::collection::vec((0u32..30, 0u16..8, any::<u8>(), "\\PC{0,12}"), 0..60),
    ) {
        let survey = survey();
        let bytes = workbook(&cells);
        let parsed = parse_bytes(Path::new("fuzz.xlsx"), &bytes, &survey, &ImportOptions::default());
        for problem in parsed.problems() {
            prop_assert!(problem.row >= 1);
        }
    }

    #[test]
    fn damaged_workbooks_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let survey = survey();
        let mut bytes = workbook(&[(0, 0, 0, "r1".into()), (0, 1, 0, "P01".into()), (0, 4, 1, "4".into())]);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let parsed = parse_bytes(Path::new("fuzz.xlsx"), &bytes, &survey, &ImportOptions::default());
        for problem in parsed.problems() {
            prop_assert!(problem.row >= 1);
        }
    }
}
