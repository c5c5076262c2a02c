//! Any bytes, read as a CSV export or as a workbook, against the shipped codebook: mctrack
//! must report problems, never panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mctrack::codebook::Survey;
use mctrack::ingest::{parse_bytes, ImportOptions};
use mctrack::workspace::{load_survey, Workspace};

fn survey() -> &'static Survey {
    static SURVEY: OnceLock<Survey> = OnceLock::new();
    SURVEY.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let workspace = Workspace::open(&root).expect("the repository's workspace");
        load_survey(Some(&workspace), None).expect("the shipped codebook")
    })
}

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions::default();
    for name in ["fuzz.csv", "fuzz.xlsx"] {
        let parsed = parse_bytes(Path::new(name), data, survey(), &options);
        for problem in parsed.problems() {
            assert!(problem.row >= 1);
        }
    }
});
