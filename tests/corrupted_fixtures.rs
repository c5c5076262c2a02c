//! Truncated and corrupted versions of every platform fixture: mctrack reports a clear problem
//! or reads what is there, and never panics.

use std::path::{Path, PathBuf};

use mctrack::ingest::{parse_bytes, ImportOptions};
use mctrack::workspace::{load_survey, Workspace};

fn fixtures() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/platforms")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "csv" || e == "xlsx") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    let ws = Workspace::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let survey = load_survey(Some(&ws), None).unwrap();
    let options = ImportOptions::default();
    let files = fixtures();
    assert!(files.len() >= 7, "fixtures found: {files:?}");
    let mut checked = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let len = bytes.len();
        for cut in [0, 1, 2, 3, 10, len / 7, len / 3, len / 2, len - 1] {
            let parsed = parse_bytes(&path, &bytes[..cut.min(len)], &survey, &options);
            for problem in parsed.problems() {
                assert!(problem.row >= 1, "{}: {problem}", path.display());
                assert!(
                    !problem.expected.is_empty(),
                    "{}: {problem}",
                    path.display()
                );
            }
            if cut == 0 {
                assert_eq!(
                    parsed.file_problems[0].to_string(),
                    format!(
                        "{}: the file is empty — expected a header row and at least one response",
                        parsed.display_name.clone() + ":1"
                    )
                );
            }
            checked += 1;
        }
        // Flip bytes at fixed positions: invalid UTF-8, stray quotes and NULs.
        for (step, replacement) in [(97usize, 0xffu8), (131, b'"'), (211, 0x00), (389, 0xc3)] {
            let mut damaged = bytes.clone();
            for at in (step..len).step_by(step * 3) {
                damaged[at] = replacement;
            }
            let parsed = parse_bytes(&path, &damaged, &survey, &options);
            for problem in parsed.problems() {
                assert!(problem.row >= 1, "{}: {problem}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 80);
}

#[test]
fn a_damaged_workbook_is_a_clear_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/platforms/kobotoolbox/cleaningtools_kobo_msna_data.xlsx");
    let ws = Workspace::open(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let survey = load_survey(Some(&ws), None).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let parsed = parse_bytes(
        &path,
        &bytes[..bytes.len() / 2],
        &survey,
        &ImportOptions::default(),
    );
    let problem = parsed.file_problems[0].to_string();
    assert!(
        problem.ends_with(" — expected an .xlsx, .xls or .ods file that is not password-protected"),
        "{problem}"
    );
    assert!(
        problem.contains(":1: the file cannot be opened as a workbook ("),
        "{problem}"
    );
}
