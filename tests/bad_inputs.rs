//! The bad-input corpus (tests/bad_inputs/, see its README): for every case, no panic, exit
//! code 3 with a first problem line that names the file, row, column and value and says what
//! was expected, and a store left exactly as it was.

mod common;

use common::{stderr_of, TestWorkspace, REPO};

/// File, exit code, and the first line of stderr that is not a warning ("" when accepted).
const CASES: &[(&str, i32, &str)] = &[
    ("binary.csv", 3, "binary.csv:1: NUL bytes: this looks like a binary file (a spreadsheet, archive or image) — expected a CSV text file; export or save the survey as CSV"),
    ("bom_only.csv", 3, "bom_only.csv:1: the file is empty — expected a header row and at least one response"),
    ("csv_renamed.xlsx", 3, "csv_renamed.xlsx:1: named as a workbook, but the file holds text, not a workbook (a CSV file renamed?) — expected a real workbook; if it is a CSV export, name it .csv and import it again"),
    ("date_eu.csv", 3, "date_eu.csv:2:submitted_date: \"31.12.2020\" — expected an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)"),
    ("date_textual.csv", 3, "date_textual.csv:2:submitted_date: \"31 déc. 2020\" — expected an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)"),
    ("date_uk.csv", 3, "date_uk.csv:2:submitted_date: \"31/12/2020\" — expected an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)"),
    ("date_us.csv", 0, ""),
    ("duplicate_headers.csv", 3, "duplicate_headers.csv:1:L06: \"L06\" — expected each question or metadata field in one column only; \"L06\" holds the same field"),
    ("duplicate_respondent.csv", 3, "duplicate_respondent.csv:3:response_id: \"r1\" — expected each respondent once per pilot and wave; this id was already given at row 2 (a duplicate submission?)"),
    ("empty.csv", 3, "empty.csv:1: the file is empty — expected a header row and at least one response"),
    ("empty_header.csv", 3, "empty_header.csv:1:column 6: \"\" — expected a header naming the column; the header cell is empty (delete the column if it holds nothing)"),
    ("empty_respondent_id.csv", 3, "empty_respondent_id.csv:2:response_id: \"\" — expected a respondent id; the cell is empty"),
    ("formula_cell.csv", 3, "formula_cell.csv:2:response_id: \"=HYPERLINK(\"http://x\")\" — expected a respondent id, not a spreadsheet formula; export the values, not the formulas"),
    ("future_date.csv", 3, "future_date.csv:2:submitted_date: \"2999-01-01\" — expected a date that has already come; this one is in the future"),
    ("header_only.csv", 3, "header_only.csv:2: a header and no responses — expected at least one response below the header"),
    ("likert_fraction.csv", 3, "likert_fraction.csv:2:L06: \"3.5\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A"),
    ("likert_label_lowercase.csv", 0, ""),
    ("likert_label_with_period.csv", 3, "likert_label_with_period.csv:2:L06: \"Agree.\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A"),
    ("likert_six.csv", 3, "likert_six.csv:2:L06: \"6\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A"),
    ("likert_trailing_space.csv", 0, ""),
    ("likert_zero.csv", 3, "likert_zero.csv:2:L06: \"0\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A"),
    ("missing_pilot_column.csv", 3, "missing_pilot_column.csv:1: no pilot column — expected a pilot column, headed \"pilot_id\" or one of its aliases in the codebook, or --pilot on the command line, or [defaults] pilot in a mapping file"),
    ("mixed_encodings.csv", 3, "mixed_encodings.csv:4: invalid UTF-8 at byte 169 while other text in the file is UTF-8 (mixed encodings or a damaged file) — expected one encoding throughout; re-save the file as CSV UTF-8"),
    ("multi_unknown_option.csv", 3, "multi_unknown_option.csv:2:L12: \"teleport\" — expected option codes or labels of L12 separated by \";\" (online_profile, resume, showed_current_employer, job_application, toward_further_credential, not_yet)"),
    ("negative_count.csv", 3, "negative_count.csv:2:P01: \"-5\" — expected a number of at least 0"),
    ("nul_bytes.csv", 3, "nul_bytes.csv:1: NUL bytes: this looks like a binary file (a spreadsheet, archive or image) — expected a CSV text file; export or save the survey as CSV"),
    ("numeric_text.csv", 3, "numeric_text.csv:2:P01: \"twelve\" — expected a number of at least 0"),
    ("only_newlines.csv", 3, "only_newlines.csv:1: the file is empty — expected a header row and at least one response"),
    ("password_protected.xlsx", 3, "password_protected.xlsx:1: the file is a password-protected (encrypted) workbook — expected a workbook without a password: open it in Excel, remove the password (File > Info > Protect Workbook) and save it again"),
    ("ragged_rows.csv", 3, "ragged_rows.csv:3: 6 fields — expected 7 fields, one per header column"),
    ("semicolon_mixed_delimiters.csv", 3, "semicolon_mixed_delimiters.csv:2: 1 fields — expected 6 fields, one per header column"),
    ("single_two_answers.csv", 3, "single_two_answers.csv:2:L01: \"upskill;career_change\" — expected one option code or label of L01 (upskill_current_job, change_occupation, reenter_workforce, complement_credential, recognize_prior_learning, personal_interest, other)"),
    ("truncated_utf8.csv", 3, "truncated_utf8.csv:3: the file ends in the middle of a character: it was cut off — expected the complete export; download or copy it again"),
    ("truncated_zip.xlsx", 3, "truncated_zip.xlsx:1: the file cannot be opened as a workbook (Cannot detect file format) — expected an .xlsx, .xls or .ods file that is not password-protected"),
    ("unbalanced_quote.csv", 3, "unbalanced_quote.csv:3: 2 fields — expected 7 fields, one per header column; a quote opened in this row runs on over the next lines (an unclosed quote?)"),
    ("unknown_column.csv", 3, "unknown_column.csv:1:Favourite colour: \"Favourite colour\" — expected a question id, alias or question text from the codebook, or a metadata column (response_id, pilot_id, wave, role, submitted_date); map it in a mapping file (--map) or mark it \"ignore\" there"),
    ("unknown_pilot.csv", 3, "unknown_pilot.csv:2:pilot_id: \"P99\" — expected a pilot id listed in the pilots file (P01 … P36)"),
    ("unknown_role.csv", 3, "unknown_role.csv:2:role: \"student\" — expected one of the roles learner, employer, educator, project_lead"),
    ("unknown_wave.csv", 3, "unknown_wave.csv:2:wave: \"week_2\" — expected one of the waves exit, followup_3m, followup_6m, annual"),
    ("utf16_without_bom.csv", 3, "utf16_without_bom.csv:1: UTF-16LE text without a byte-order mark — expected a file whose encoding can be told: re-save it as CSV UTF-8"),
    ("yesno_maybe.csv", 3, "yesno_maybe.csv:2:L11: \"maybe\" — expected yes or no (also y/n, 1/0, true/false)"),
    ("zip_bomb.xlsx", 3, "zip_bomb.xlsx:1: the file would expand from 204195 bytes to 209715298 bytes when opened (a zip bomb?) — expected a workbook under 512 MB unzipped; export the survey again, or as CSV"),
];

const HEADER: &str = "response_id,pilot_id,wave,role,submitted_date,L06,L15\n";

/// A workspace whose store already holds one import.
fn workspace_with_an_import() -> TestWorkspace {
    let ws = TestWorkspace::new();
    ws.write(
        "base.csv",
        "response_id,pilot_id,wave,role,L06\nbase1,P02,exit,learner,4\n",
    );
    ws.cmd().args(["import", "base.csv"]).assert().success();
    ws
}

/// Imports `name` (already in the workspace) and checks the outcome against the case.
fn check(ws: &TestWorkspace, name: &str, code: i32, first_problem: &str) {
    let before = ws.dump();
    let output = ws.cmd().args(["import", name]).output().unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
    let first = stderr
        .lines()
        .find(|l| !l.starts_with("warning:") && !l.starts_with("rejected "))
        .unwrap_or("");
    assert_eq!(first, first_problem, "{name}");
    if code != 0 {
        assert_eq!(ws.dump(), before, "{name}: the store changed");
    }
}

#[test]
fn every_bad_input_is_refused_clearly_and_changes_nothing() {
    let files: Vec<String> = std::fs::read_dir(format!("{REPO}/tests/bad_inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    assert_eq!(files.len(), CASES.len(), "every file has a case");
    for (name, code, first_problem) in CASES {
        let ws = workspace_with_an_import();
        std::fs::copy(
            format!("{REPO}/tests/bad_inputs/{name}"),
            ws.path().join(name),
        )
        .unwrap();
        check(&ws, name, *code, first_problem);
    }
}

#[test]
fn a_ten_megabyte_field_is_refused() {
    let ws = workspace_with_an_import();
    let mut text = String::from(HEADER);
    text.push_str("r1,P01,exit,learner,2020-01-10,4,\"");
    text.push_str(&"word ".repeat(2 * 1024 * 1024));
    text.push_str("\"\n");
    ws.write("big_field.csv", text);
    check(
        &ws,
        "big_field.csv",
        3,
        "big_field.csv:2:L15: \"word word word word word word …\" — expected a field under 1000000 bytes (this one has 10485760); a quote left open swallows the rest of a file",
    );
}

#[test]
fn a_hundred_thousand_columns_are_refused() {
    let ws = workspace_with_an_import();
    let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let row = vec!["1"; 100_000];
    ws.write(
        "wide.csv",
        format!("{}\n{}\n", header.join(","), row.join(",")),
    );
    check(
        &ws,
        "wide.csv",
        3,
        "wide.csv:1: 100000 columns — expected at most 5000 columns; is this a survey export?",
    );
}
