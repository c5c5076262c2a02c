//! `mctrack import` and `validate` on good and bad input: exact errors, exit code 3, and a
//! store left unchanged by anything rejected.

mod common;

use common::{sample_dir, stderr_of, stdout_of, TestWorkspace};

const HEADER: &str = "response_id,pilot_id,wave,role,submitted_date,L06,L03\n";

fn good_rows(count: usize, prefix: &str) -> String {
    (1..=count)
        .map(|i| {
            format!(
                "{prefix}{i},P01,exit,learner,2020-01-{:02},{},yes\n",
                1 + i % 28,
                1 + i % 5
            )
        })
        .collect()
}

/// A workspace that already holds one import, so "unchanged" is tested against real content.
fn workspace_with_an_import() -> TestWorkspace {
    let ws = TestWorkspace::new();
    ws.write("first.csv", format!("{HEADER}{}", good_rows(12, "A")));
    ws.cmd().args(["import", "first.csv"]).assert().success();
    ws
}

/// Imports `bytes` as `name`, expects exit 3 with exactly `expected` on stderr, and checks the
/// store did not change.
fn assert_rejected(name: &str, bytes: &[u8], expected: &[&str]) {
    let ws = workspace_with_an_import();
    let before = ws.dump();
    ws.write(name, bytes);
    let output = ws.cmd().args(["import", name]).output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    let lines: Vec<String> = stderr_of(&output).lines().map(str::to_string).collect();
    assert_eq!(lines, expected);
    assert!(stdout_of(&output).contains(&format!("rejected {name}:")));
    assert_eq!(ws.dump(), before, "the store changed");
}

#[test]
fn an_empty_file_is_rejected() {
    assert_rejected(
        "empty.csv",
        b"",
        &["empty.csv:1: the file is empty — expected a header row and at least one response"],
    );
}

#[test]
fn a_header_only_file_is_rejected() {
    assert_rejected(
        "header.csv",
        HEADER.as_bytes(),
        &["header.csv:2: a header and no responses — expected at least one response below the header"],
    );
}

#[test]
fn ragged_rows_are_rejected() {
    let text = format!("{HEADER}B1,P01,exit,learner,2020-01-05,4,yes\nB2,P01,exit,learner\n");
    assert_rejected(
        "ragged.csv",
        text.as_bytes(),
        &["ragged.csv:3: 4 fields — expected 7 fields, one per header column"],
    );
}

#[test]
fn mixed_encodings_are_rejected() {
    let mut bytes = format!("{HEADER}B1,P01,exit,learner,2020-01-05,4,yes\n").into_bytes();
    bytes.extend("B2,P01,exit,learner,2020-01-05,Agree,oui\n".as_bytes());
    bytes.extend(b"B3,P01,exit,learner,2020-01-05,4,yes\n");
    // A UTF-8 "é" in one row and a lone Windows-1252 0xE9 in another.
    let text = String::from_utf8(bytes).unwrap().replace("B2,", "Bé,");
    let mut bytes = text.into_bytes();
    bytes.extend(b"B\xe9,P01,exit,learner,2020-01-05,4,yes\n");
    assert_rejected(
        "mixed.csv",
        &bytes,
        &["mixed.csv:5: invalid UTF-8 at byte 172 while other text in the file is UTF-8 (mixed encodings or a damaged file) — expected one encoding throughout; re-save the file as CSV UTF-8"],
    );
}

#[test]
fn a_binary_file_is_rejected() {
    assert_rejected(
        "binary.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        &["binary.csv:1: NUL bytes: this looks like a binary file (a spreadsheet, archive or image) — expected a CSV text file; export or save the survey as CSV"],
    );
}

#[test]
fn an_unknown_column_is_rejected() {
    let text = "response_id,pilot_id,wave,role,Favourite colour,Skills in demand by employers\nB1,P01,exit,learner,blue,4\n";
    assert_rejected(
        "unknown.csv",
        text.as_bytes(),
        &[
            "unknown.csv:1:Favourite colour: \"Favourite colour\" — expected a question id, alias or question text from the codebook, or a metadata column (response_id, pilot_id, wave, role, submitted_date); map it in a mapping file (--map) or mark it \"ignore\" there",
            "unknown.csv:1:Skills in demand by employers: \"Skills in demand by employers\" — expected a question id, alias or question text from the codebook, or a metadata column (response_id, pilot_id, wave, role, submitted_date); map it in a mapping file (--map) or mark it \"ignore\" there; closest: L06 (The skills taught are in demand by employers in…)",
        ],
    );
}

#[test]
fn out_of_range_and_unknown_values_are_rejected() {
    let text = format!(
        "{HEADER}B1,P01,exit,learner,2020-01-05,6,yes\nB2,P01,exit,learner,2020-02-30,Agree,maybe\nB3,P99,exit,boss,2020-01-05,3.5,no\n"
    );
    assert_rejected(
        "range.csv",
        text.as_bytes(),
        &[
            "range.csv:2:L06: \"6\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A",
            "range.csv:3:submitted_date: \"2020-02-30\" — expected an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)",
            "range.csv:3:L03: \"maybe\" — expected yes or no (also y/n, 1/0, true/false)",
            "range.csv:4:pilot_id: \"P99\" — expected a pilot id listed in the pilots file (P01 … P36)",
            "range.csv:4:role: \"boss\" — expected one of the roles learner, employer, educator, project_lead",
            "range.csv:4:L06: \"3.5\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A",
        ],
    );
}

#[test]
fn a_duplicate_respondent_is_rejected() {
    let text = format!(
        "{HEADER}B1,P01,exit,learner,2020-01-05,4,yes\nB1,P01,exit,learner,2020-01-05,4,yes\n"
    );
    assert_rejected(
        "dup.csv",
        text.as_bytes(),
        &["dup.csv:3:response_id: \"B1\" — expected each respondent once per pilot and wave; this id was already given at row 2 (a duplicate submission?)"],
    );
}

#[test]
fn a_file_that_fails_half_way_through_stores_nothing() {
    let mut text = format!("{HEADER}{}", good_rows(150, "B"));
    text.push_str("B151,P01,exit,learner,2020-01-05,five,yes\n");
    text.push_str(&good_rows(100, "C"));
    assert_rejected(
        "halfway.csv",
        text.as_bytes(),
        &["halfway.csv:152:L06: \"five\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A"],
    );
}

#[test]
fn a_write_that_fails_half_way_through_is_rolled_back() {
    // Rows 2..=101 are new and are inserted; row 102 repeats a stored respondent, which only
    // the store can see. The whole file must be rolled back.
    let mut text = format!("{HEADER}{}", good_rows(100, "B"));
    text.push_str("A7,P01,exit,learner,2020-01-05,4,yes\n");
    assert_rejected(
        "late.csv",
        text.as_bytes(),
        &["late.csv:102:response_id: \"A7\" — expected a respondent not yet stored for pilot P01 wave exit; import #1 already holds this id"],
    );
}

#[test]
fn validate_reports_the_same_problems_and_writes_nothing() {
    let ws = workspace_with_an_import();
    let before = ws.dump();
    let text = format!(
        "{HEADER}B1,P01,exit,learner,2020-01-05,6,yes\nA3,P01,exit,learner,2020-01-05,4,yes\n"
    );
    ws.write("check.csv", text);
    let output = ws.cmd().args(["validate", "check.csv"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_of(&output).lines().collect::<Vec<_>>(),
        [
            "check.csv:2:L06: \"6\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A",
            "check.csv:3:response_id: \"A3\" — expected a respondent not yet stored for pilot P01 wave exit; import #1 already holds this id",
        ]
    );
    assert_eq!(ws.dump(), before);

    // Outside a store, validate creates none.
    let fresh = TestWorkspace::new();
    fresh.write("ok.csv", format!("{HEADER}{}", good_rows(3, "B")));
    fresh
        .cmd()
        .args(["validate", "ok.csv"])
        .assert()
        .success()
        .stdout(predicates::str::contains("valid ok.csv: 3 responses"));
    assert!(!fresh.store().exists());
}

#[test]
fn skip_invalid_stores_the_valid_rows_and_writes_the_rejects() {
    let ws = TestWorkspace::new();
    let text = "response_id,Email,pilot_id,wave,role,submitted_date,L06,L03\nB1,b1@example.org,P01,exit,learner,2020-01-05,4,yes\nB2,b2@example.org,P01,exit,learner,2020-01-05,=HYPERLINK(\"x\"),no\nB3,b3@example.org,P01,exit,learner,2020-01-05,Agree,n\n";
    ws.write("mixed.csv", text);
    let output = ws
        .cmd()
        .args(["import", "mixed.csv", "--skip-invalid"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output)
        .contains("imported mixed.csv: 2 responses (import #1); 1 row(s) rejected"));
    assert!(
        stderr_of(&output).contains("privacy: mixed.csv: dropped identifier column(s) \"Email\"")
    );
    let rejects =
        std::fs::read_to_string(ws.path().join("reports/rejected/mixed.rejected.csv")).unwrap();
    assert_eq!(
        rejects,
        "source_row,problems,response_id,pilot_id,wave,role,submitted_date,L06,L03\n\
         3,\"L06: \"\"=HYPERLINK(\"\"x\"\")\"\" — expected a code from 1 to 5 or a label (Strongly disagree … Strongly agree), or a missing code such as N/A\",B2,P01,exit,learner,2020-01-05,\"'=HYPERLINK(\"\"x\"\")\",no\n"
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 2);
    assert_eq!(
        ws.count("SELECT rows_rejected FROM imports WHERE id = 1"),
        1
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses WHERE L06 = 4"), 2);
    // No identifier reaches the store: no column for it, and no e-mail address in any table.
    assert!(!ws.dump().contains("example.org"));
    assert_eq!(
        ws.count(
            "SELECT count(*) FROM pragma_table_info('responses') WHERE lower(name) LIKE '%mail%'"
        ),
        0
    );
    assert_eq!(
        ws.count("SELECT count(*) FROM imports WHERE dropped_columns = 'Email'"),
        1
    );
}

/// Rows whose cells do not match the header, and a respondent the store already holds (whose
/// cells are not kept), still make a rejects file of at least the header's width.
#[test]
fn skip_invalid_writes_ragged_rows_and_stored_respondents_to_the_rejects() {
    let ws = workspace_with_an_import();
    ws.write(
        "again.csv",
        format!(
            "{HEADER}A1,P01,exit,learner,2020-01-02,2,yes\nZ1,P01,exit,learner,2020-01-05,4,yes,extra\nZ2,P01,exit,learner\nZ3,P01,exit,learner,2020-01-05,4,yes\n"
        ),
    );
    let output = ws
        .cmd()
        .args(["import", "again.csv", "--skip-invalid"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output)
        .contains("imported again.csv: 1 responses (import #2); 3 row(s) rejected"));
    let rejects =
        std::fs::read_to_string(ws.path().join("reports/rejected/again.rejected.csv")).unwrap();
    assert_eq!(
        rejects,
        "source_row,problems,response_id,pilot_id,wave,role,submitted_date,L06,L03\n\
         2,\"response_id: \"\"A1\"\" — expected a respondent not yet stored for pilot P01 wave exit; import #1 already holds this id\",,,,,,,\n\
         3,\"\"\"8 fields\"\" — expected 7 fields, one per header column\",Z1,P01,exit,learner,2020-01-05,4,yes,extra\n\
         4,\"\"\"4 fields\"\" — expected 7 fields, one per header column\",Z2,P01,exit,learner,,,\n"
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 13);
}

#[test]
fn a_reimport_of_the_same_bytes_is_skipped() {
    let ws = workspace_with_an_import();
    let before = ws.dump();
    let output = ws.cmd().args(["import", "first.csv"]).output().unwrap();
    assert!(output.status.success());
    assert!(stdout_of(&output)
        .starts_with("skipped first.csv: these exact bytes were imported as #1 (first.csv) on "));
    assert_eq!(ws.dump(), before);
    // The same bytes under another name are the same file.
    std::fs::copy(ws.path().join("first.csv"), ws.path().join("copy.csv")).unwrap();
    let output = ws.cmd().args(["import", "copy.csv"]).output().unwrap();
    assert!(stdout_of(&output).starts_with("skipped copy.csv"));
    assert_eq!(ws.dump(), before);
}

#[test]
fn imports_are_listed_and_removed_with_their_responses() {
    let ws = workspace_with_an_import();
    ws.write("second.csv", format!("{HEADER}{}", good_rows(5, "B")));
    ws.cmd().args(["import", "second.csv"]).assert().success();
    let listing = ws
        .cmd()
        .args(["imports", "--format", "csv"])
        .output()
        .unwrap();
    let text = stdout_of(&listing);
    assert!(text.contains("\n1,first.csv,"), "{text}");
    assert!(text.contains("\n2,second.csv,"), "{text}");
    ws.cmd()
        .args(["imports", "remove", "1"])
        .assert()
        .success()
        .stdout("removed import #1 and its 12 responses\n");
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 5);
    assert_eq!(ws.count("SELECT count(*) FROM imports"), 1);
    ws.cmd()
        .args(["imports", "remove", "7"])
        .assert()
        .code(1)
        .stderr("error: there is no import #7; `mctrack imports` lists them\n");
}

#[test]
fn the_sample_imports_strictly_except_the_two_duplicate_submissions() {
    let ws = TestWorkspace::new();
    let output = ws.cmd().arg("import").arg(sample_dir()).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let sample = sample_dir();
    let errors: Vec<String> = stderr_of(&output)
        .lines()
        .filter(|l| !l.starts_with("warning:") && !l.starts_with("privacy:"))
        .map(|l| l.replace(&format!("{}/", sample.display()), ""))
        .collect();
    assert_eq!(
        errors,
        [
            "P09_exit.csv:12:response_id: \"R_f4bf8ddfce43\" — expected each respondent once per pilot and wave; this id was already given at row 11 (a duplicate submission?)",
            "P26_followup_3m.csv:10:response_id: \"R_b7e9313a7cc6\" — expected each respondent once per pilot and wave; this id was already given at row 9 (a duplicate submission?)",
        ]
    );
    assert!(stderr_of(&output).contains(
        "P12_exit.csv: not UTF-8 (first non-UTF-8 byte on line 2); read as Windows-1252"
    ));
    assert!(stdout_of(&output).ends_with("144 file(s): 142 imported, 0 skipped as already imported, 2 rejected; 5229 responses stored, 0 row(s) rejected\n"));
    // The Windows-1252 file's text answers arrive as the right characters.
    assert!(ws.count("SELECT count(*) FROM text_answers WHERE value LIKE '%très utile%'") > 0);
}

#[test]
fn a_codebook_mistake_is_reported_with_its_line() {
    let ws = TestWorkspace::new();
    let path = ws.path().join("surveys/codebook.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "scale = \"agree5\"",
        "scale = \"agree7\"",
        1,
    );
    let line = text
        .lines()
        .position(|l| l == "scale = \"agree7\"")
        .unwrap()
        + 1;
    std::fs::write(&path, text).unwrap();
    ws.write("x.csv", HEADER);
    ws.cmd()
        .args(["validate", "x.csv"])
        .assert()
        .code(3)
        .stderr(format!(
        "error: {}:{line}: question L06: scale \"agree7\" is not defined; expected one of: agree5\n",
        path.display()
    ));
}

#[test]
fn a_wrong_codebook_option_is_a_usage_error() {
    let ws = TestWorkspace::new();
    ws.cmd()
        .args(["summary", "--by", "colour"])
        .assert()
        .code(2);
}

#[test]
fn missing_metadata_and_unparseable_numbers_are_rejected() {
    let text = "response_id,pilot_id,wave,role,E08\nB1,,exit,,three\n,P01,exit,employer,-2.5\n";
    assert_rejected(
        "meta.csv",
        text.as_bytes(),
        &[
            "meta.csv:2:pilot_id: \"\" — expected a pilot id such as P01; the cell is empty",
            "meta.csv:2:role: \"\" — expected one of the roles learner, employer, educator, project_lead",
            "meta.csv:2:E08: \"three\" — expected a number of at least 0",
            "meta.csv:3:response_id: \"\" — expected a respondent id; the cell is empty",
            "meta.csv:3:E08: \"-2.5\" — expected a number of at least 0",
        ],
    );
    let text = "response_id,wave,L06\nB1,exit,4\n";
    assert_rejected(
        "nopilot.csv",
        text.as_bytes(),
        &[
            "nopilot.csv:1: no pilot column — expected a pilot column, headed \"pilot_id\" or one of its aliases in the codebook, or --pilot on the command line, or [defaults] pilot in a mapping file",
            "nopilot.csv:1: no role column — expected a role column, headed \"role\" or one of its aliases in the codebook, or --role on the command line, or [defaults] role in a mapping file",
        ],
    );
}

#[test]
fn surveymonkey_option_columns_past_the_last_question_header_are_read() {
    // Row 1 is empty over the later options of the last question; those columns are not
    // spreadsheet padding.
    let ws = TestWorkspace::new();
    ws.write(
        "sm.csv",
        "RespondentID,How many employees does your organization have?,,,\n,1-4,5-99,100-499,500 or more\n1,1-4,,,\n2,,,,500 or more\n",
    );
    let output = ws
        .cmd()
        .args([
            "import", "sm.csv", "--pilot", "P01", "--wave", "exit", "--role", "employer",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        ws.count("SELECT count(*) FROM imports WHERE format = 'SurveyMonkey'"),
        1
    );
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE E02 = '1_4' AND respondent_id = '1'"),
        1
    );
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE E02 = '500_plus' AND respondent_id = '2'"),
        1
    );
}

#[test]
fn every_multi_select_variant_is_stored_the_same() {
    let meta = "--pilot P01 --wave exit --role learner";
    let variants: [(&str, &str); 9] = [
        (
            "codes separated by semicolons",
            "response_id,L07\nA1,project_portfolio;simulation\n",
        ),
        (
            "labels separated by semicolon and space",
            "response_id,L07\nA1,Project or portfolio; Simulation\n",
        ),
        (
            "Google Forms checkboxes joined with a comma",
            "Timestamp,How was your learning assessed? (select all)\n8/21/2019 13:10:31,\"Project or portfolio, Simulation\"\n",
        ),
        (
            "Microsoft Forms with a trailing semicolon",
            "ID,Start time,Completion time,Email,Name,How was your learning assessed? (select all)\n1,1/15/2024 10:01:12,1/15/2024 10:03:27,anonymous,,Project or portfolio;Simulation;\n",
        ),
        (
            "KoboToolbox space-separated names",
            "_uuid;L07;_submission_time\nu1;project_portfolio simulation;2021-07-05T09:34:15\n",
        ),
        (
            "one 0/1 column per option",
            "response_id,L07__project_portfolio,L07__workplace_task,L07__simulation\nA1,1,0,1\n",
        ),
        (
            "one TRUE/FALSE column per option",
            "response_id,L07__project_portfolio,L07__workplace_task,L07__simulation\nA1,TRUE,FALSE,TRUE\n",
        ),
        (
            "SurveyMonkey option columns holding their label",
            "RespondentID,How was your learning assessed? (select all),,\n,Project or portfolio,Workplace task,Simulation\n1,Project or portfolio,,Simulation\n",
        ),
        (
            "LimeSurvey Question [Option] columns",
            "id,submitdate,lastpage,How was your learning assessed? (select all) [Project or portfolio],How was your learning assessed? (select all) [Simulation]\n1,2021-09-24 11:39:34,4,1,1\n",
        ),
    ];
    for (name, text) in variants {
        let ws = TestWorkspace::new();
        ws.write("variant.csv", text);
        let output = ws
            .cmd()
            .args(["import", "variant.csv"])
            .args(meta.split(' '))
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {}", stderr_of(&output));
        let conn = rusqlite::Connection::open(ws.store()).unwrap();
        let stored: String = conn
            .query_row("SELECT L07 FROM responses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, "project_portfolio;simulation", "{name}");
    }
}

/// Imports `args` into a new workspace: stdout, stderr, exit code, the rejected-rows files and
/// the store (import times blanked, the one thing two runs may differ in).
fn import_outcome(files: &[(&str, &str)], args: &[&str]) -> Vec<String> {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    import_bytes_outcome(&files, args)
}

/// `import_outcome` of files that need not be UTF-8.
fn import_bytes_outcome(files: &[(&str, &[u8])], args: &[&str]) -> Vec<String> {
    let ws = TestWorkspace::new();
    for (name, bytes) in files {
        ws.write(name, bytes);
    }
    let output = ws.cmd().arg("import").args(args).output().unwrap();
    if ws.store().exists() {
        let conn = rusqlite::Connection::open(ws.store()).unwrap();
        conn.execute("UPDATE imports SET imported_at = ''", [])
            .unwrap();
    }
    let mut rejects: Vec<String> = std::fs::read_dir(ws.path().join("reports/rejected"))
        .map(|dir| {
            dir.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    rejects.sort();
    vec![
        stdout_of(&output),
        stderr_of(&output),
        format!("{:?}", output.status.code()),
        rejects.join("\n"),
        ws.dump(),
    ]
}

/// 25 rows with a bad cell at row 21 and, at row 26, a respondent already given at row 4.
fn problems_in_later_batches() -> String {
    let mut text = format!("{HEADER}{}", good_rows(24, "B"));
    text = text.replacen(
        "B20,P01,exit,learner,2020-01-21,1",
        "B20,P01,exit,learner,2020-01-21,9",
        1,
    );
    text.push_str("B3,P01,exit,learner,2020-01-04,4,yes\n");
    text
}

/// An outcome (stdout, stderr, exit code, ...) refusing `problems_in_later_batches` for its
/// bad cell and its repeated respondent.
fn assert_refused_for_later_batches(outcome: &[String]) {
    assert!(
        outcome[1].contains("batched.csv:21:L06: \"9\""),
        "{}",
        outcome[1]
    );
    assert!(
        outcome[1].contains("batched.csv:26:response_id: \"B3\""),
        "{}",
        outcome[1]
    );
    assert_eq!(outcome[2], "Some(3)");
}

/// `mctrack validate ARGS` in a new workspace, holding `stored` if given: stdout, stderr and
/// exit code.
fn validate_outcome(stored: Option<&str>, files: &[(&str, &str)], args: &[&str]) -> Vec<String> {
    let ws = TestWorkspace::new();
    if let Some(text) = stored {
        ws.write("stored.csv", text);
        ws.cmd().args(["import", "stored.csv"]).assert().success();
    }
    for (name, text) in files {
        ws.write(name, text);
    }
    let output = ws.cmd().arg("validate").args(args).output().unwrap();
    vec![
        stdout_of(&output),
        stderr_of(&output),
        format!("{:?}", output.status.code()),
    ]
}

#[test]
fn a_file_validated_in_batches_is_judged_as_the_whole_file_is() {
    let sample = sample_dir();
    let sample = sample.to_str().unwrap();
    assert_eq!(
        validate_outcome(None, &[], &[sample]),
        validate_outcome(None, &[], &[sample, "--batch-rows", "7"])
    );
    let text = problems_in_later_batches();
    let files = [("batched.csv", text.as_str())];
    let earlier = format!("{HEADER}B5,P01,exit,learner,2020-01-06,1,yes\n");
    for stored in [None, Some(earlier.as_str())] {
        let whole = validate_outcome(stored, &files, &["batched.csv"]);
        let batched = validate_outcome(stored, &files, &["batched.csv", "--batch-rows", "7"]);
        assert_eq!(whole, batched);
        assert_refused_for_later_batches(&whole);
    }
    let stored = validate_outcome(
        Some(&earlier),
        &files,
        &["batched.csv", "--batch-rows", "7"],
    );
    assert!(
        stored[1].contains("import #1 already holds this id"),
        "{}",
        stored[1]
    );
}

#[test]
fn a_file_stored_in_batches_is_stored_as_the_whole_file_is() {
    // The sample: invalid rows, a duplicate submission, a Windows-1252 file (read whole).
    let sample = sample_dir();
    let sample = sample.to_str().unwrap();
    let whole = import_outcome(&[], &[sample, "--skip-invalid"]);
    let batched = import_outcome(&[], &[sample, "--skip-invalid", "--batch-rows", "7"]);
    assert_eq!(whole, batched);
    assert!(whole[0].contains("rejected"), "{}", whole[0]);
    // A bad cell in the third batch and a respondent repeated across batches: refused with
    // the same problems, row numbers and all, and nothing stored.
    let text = problems_in_later_batches();
    let files = [("batched.csv", text.as_str())];
    let whole = import_outcome(&files, &["batched.csv"]);
    let batched = import_outcome(&files, &["batched.csv", "--batch-rows", "7"]);
    assert_eq!(whole, batched);
    assert_refused_for_later_batches(&whole);
    // The same file after another that holds one of its respondents: still just its own
    // problems, as the whole file is refused before it meets the store.
    let earlier = format!("{HEADER}B5,P01,exit,learner,2020-01-06,1,yes\n");
    let files = [
        ("a_earlier.csv", earlier.as_str()),
        ("batched.csv", text.as_str()),
    ];
    let whole = import_outcome(&files, &["a_earlier.csv", "batched.csv"]);
    let batched = import_outcome(
        &files,
        &["a_earlier.csv", "batched.csv", "--batch-rows", "7"],
    );
    assert_eq!(whole, batched);
    assert!(!whole[1].contains("already holds"), "{}", whole[1]);
}

/// The store before response blocks: a row per response in a `responses` table, and free
/// text in a `text_answers` table. Copied from mctrack's schema of that time.
const ROW_PER_RESPONSE_SCHEMA: &str = "
CREATE TABLE old_responses (
    id             INTEGER PRIMARY KEY,
    import_id      INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    source_row     INTEGER NOT NULL,
    respondent_id  TEXT NOT NULL,
    pilot_id       TEXT NOT NULL,
    wave           TEXT NOT NULL,
    role           TEXT NOT NULL,
    submitted_date TEXT,
    weight         REAL,
    started_at     TEXT,
    ended_at       TEXT,
    duration_s     REAL,
    progress       REAL,
    finished       INTEGER,
    UNIQUE (pilot_id, wave, respondent_id)
);
CREATE TABLE old_text_answers (
    response_id INTEGER NOT NULL REFERENCES old_responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
";

/// Rows and free text as the `responses` and `text_answers` views show them.
fn stored_rows(ws: &TestWorkspace) -> String {
    ws.rows("SELECT * FROM responses ORDER BY id")
        + &ws.rows("SELECT * FROM text_answers ORDER BY response_id, question_id")
}

/// A store written by mctrack before response blocks is moved into blocks when opened: the
/// same rows, ids and free text, the same summaries, and imports carry on after it.
#[test]
fn a_store_with_a_row_per_response_is_moved_into_blocks() {
    let current = TestWorkspace::new();
    current
        .cmd()
        .args(["import", "--skip-invalid"])
        .arg(sample_dir())
        .assert()
        .success();
    let rows = stored_rows(&current);

    // The same content, laid out as the old schema had it.
    let old = TestWorkspace::new();
    std::fs::copy(current.store(), old.store()).unwrap();
    let conn = rusqlite::Connection::open(old.store()).unwrap();
    conn.execute_batch(ROW_PER_RESPONSE_SCHEMA).unwrap();
    let columns: Vec<(String, String)> = conn
        .prepare("SELECT name, type FROM response_columns ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, sql_type) in &columns[12..] {
        conn.execute_batch(&format!(
            "ALTER TABLE old_responses ADD COLUMN \"{name}\" {sql_type}"
        ))
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO old_responses SELECT * FROM responses;
         INSERT INTO old_text_answers SELECT * FROM text_answers;
         DROP VIEW responses; DROP VIEW text_answers;
         DROP TABLE text_blocks; DROP TABLE response_blocks; DROP TABLE response_columns;
         ALTER TABLE old_responses RENAME TO responses;
         ALTER TABLE old_text_answers RENAME TO text_answers;",
    )
    .unwrap();
    drop(conn);
    assert_eq!(old.count("SELECT count(*) FROM responses"), 5279);

    let summary = |ws: &TestWorkspace, extra: &[&str]| {
        stdout_of(
            &ws.cmd()
                .args(["summary", "--by", "pilot", "--format", "csv"])
                .args(extra)
                .output()
                .unwrap(),
        )
    };
    assert_eq!(
        summary(&old, &["--in-memory"]),
        summary(&current, &["--in-memory"])
    );
    assert_eq!(stored_rows(&old), rows);
    assert_eq!(
        old.count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('responses', 'text_answers')"),
        0
    );
    assert_eq!(summary(&old, &[]), summary(&current, &[]));

    ws_import_continues(&old);
}

/// A further import into `ws` gets the next ids, and is refused for a respondent it holds.
fn ws_import_continues(ws: &TestWorkspace) {
    let max_id = ws.count("SELECT max(id) FROM responses");
    ws.write("more.csv", format!("{HEADER}{}", good_rows(3, "M")));
    ws.cmd().args(["import", "more.csv"]).assert().success();
    assert_eq!(
        ws.count("SELECT min(id) FROM responses WHERE respondent_id LIKE 'M%'"),
        max_id + 1
    );
    ws.write("again.csv", format!("{HEADER}{}", good_rows(1, "M")));
    let output = ws.cmd().args(["import", "again.csv"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("import #"),
        "{}",
        stderr_of(&output)
    );
}

/// A block whose JSON was damaged by hand is an error naming the block and what to do, not a
/// panic; so is one that lost its respondent ids.
#[test]
fn a_damaged_response_block_is_reported_not_a_panic() {
    for (rows, expected) in [
        (
            "[[2,\"A1\",tru",
            "error: the store's response block 1 (import #1) cannot be read: at byte 9 found \"tru\"; expected a number, a string or null; remove that import and import its file again\n",
        ),
        (
            "[[2,null,\"P01\",\"exit\",\"learner\"]]",
            "error: the store's response block 1 (import #1) cannot be read: response 1 has no respondent_id text; remove that import and import its file again\n",
        ),
    ] {
        let ws = workspace_with_an_import();
        let conn = rusqlite::Connection::open(ws.store()).unwrap();
        conn.execute("UPDATE response_blocks SET rows = ?1", [rows])
            .unwrap();
        drop(conn);
        ws.cmd()
            .args(["summary", "--in-memory"])
            .assert()
            .code(1)
            .stderr(expected);
    }
}

/// Within one command, a file's respondents are checked against those stored by the files
/// before it, as against those stored by earlier commands.
#[test]
fn a_respondent_stored_by_an_earlier_file_of_the_same_command_is_refused() {
    let ws = workspace_with_an_import();
    ws.write("second.csv", format!("{HEADER}{}", good_rows(3, "B")));
    ws.write("third.csv", format!("{HEADER}{}", good_rows(1, "B")));
    let output = ws
        .cmd()
        .args(["import", "second.csv", "third.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert_eq!(
        stderr_of(&output),
        "third.csv:2:response_id: \"B1\" — expected a respondent not yet stored for pilot P01 wave exit; import #2 already holds this id\n"
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 15);
}

/// A plain CSV export for the streaming import under the repository's codebook, `rows` data
/// rows long: an e-mail column (dropped), submission dates (a day, a time of day unique to the
/// row, or none), two free-text columns in the opposite order to the codebook's, with commas,
/// doubled quotes, line breaks (CR LF too) and accents,
/// select-all answers, blanks, answers to the consent-gated equity module without consent,
/// and now and then a blank line or an all-blank record.
fn plain_export(rows: usize) -> String {
    let mut text = String::from(
        "response_id,email,pilot_id,wave,role,submitted_date,L01,L03,L05,L06,P06,L15,D00,D01,D03\n",
    );
    let reasons = [
        "upskill_current_job",
        "change_occupation",
        "personal_interest",
    ];
    for i in 0..rows {
        let comment = match i % 4 {
            0 => "\"Good, \"\"really\"\"\nuseful\"",
            1 => "  Très bien ",
            2 => "",
            _ => "\"a\r\nb\"",
        };
        let (day, second) = (1 + i % 28, i % 86_400);
        let submitted = match i % 3 {
            0 => format!("2021-03-{day:02}"),
            1 => format!(
                "2021-04-{day:02} {:02}:{:02}:{:02}",
                second / 3600,
                second / 60 % 60,
                second % 60
            ),
            _ => String::new(),
        };
        text.push_str(&format!(
            "R{i:05},p{i}@example.org,P0{},{},{},{submitted},{},{},{},{},{},{comment},{},{},{}\n",
            1 + i % 7,
            ["exit", "followup_3m", "annual"][i % 3],
            if i % 11 == 0 { "educator" } else { "learner" },
            if i % 13 == 0 { "" } else { reasons[i % 3] },
            ["yes", "no", ""][i % 3],
            ["cost;time_work", "caregiving", ""][i % 3],
            if i % 9 == 0 {
                String::new()
            } else {
                (1 + i * 7 % 5).to_string()
            },
            if i % 5 == 2 { "" } else { "Asked after L15" },
            ["yes", "no"][i % 2],
            if i % 5 == 0 { "" } else { "25_34" },
            if i % 6 == 0 { "metis;inuit" } else { "" },
        ));
        if i % 500 == 250 {
            text.push_str(",,,,,,,,,,,,,,\n");
        }
        if i % 700 == 3 {
            text.push('\n');
        }
    }
    text
}

/// Imports `text` as `plain.csv` into the workspace's store by the streaming import alone, as
/// `import` does (in bulk mode), in segments of `segment` bytes, skipping invalid rows: None
/// when it would leave the file to the exact path.
fn stream_into_store(
    ws: &TestWorkspace,
    text: &str,
    segment: u64,
) -> Option<mctrack::store::ImportOutcome> {
    use mctrack::analysis::counts::Layout;
    use mctrack::ingest::{self, stream, ImportOptions};
    use mctrack::store::{Mode, Store};

    let csv = ws.write("plain.csv", text);
    let workspace = mctrack::workspace::Workspace::open(ws.path()).unwrap();
    let survey = mctrack::workspace::load_survey(Some(&workspace), None).unwrap();
    let layout = Layout::new(&survey.codebook);
    let opened = stream::open(&csv, &survey, &ImportOptions::default(), &layout)
        .unwrap()
        .expect("a plain export is for the fast path")
        .for_import();
    let mut store = Store::open(&ws.store()).unwrap();
    store
        .bulk(|store| {
            store.import_streamed(
                &opened.head,
                &survey.codebook,
                Mode::SkipInvalid,
                || ingest::sha256_file(&csv),
                |first, encoder, counts, rows| {
                    let imported =
                        stream::import_file(&opened, first, counts, segment, 2, encoder, rows)?;
                    Ok(imported.map(|imported| (imported.rows, imported.rejected)))
                },
            )
        })
        .unwrap()
}

/// The streaming import takes a plain export in segments of any size, including segments that
/// start inside a quoted line break (read again from where the segment before stopped), and
/// stores exactly what the exact path stores: the same blocks, keys, free text, counts,
/// provenance and messages. The file crosses a block (16,384 rows), and has more distinct
/// submission times than a segment keeps.
#[test]
fn a_file_read_by_the_streaming_import_is_stored_as_by_the_exact_path() {
    use mctrack::store::ImportOutcome;

    let text = plain_export(17_000);
    let files = [("plain.csv", text.as_str())];
    let streamed = import_outcome(&files, &["plain.csv", "--stream-segment", "4096"]);
    let exact = import_outcome(&files, &["plain.csv"]);
    assert_same_outcome(&streamed, &exact, "plain.csv");
    // In one segment, where more submission times are met than a segment keeps.
    let whole = import_outcome(&files, &["plain.csv", "--stream-segment", "100000000"]);
    assert_same_outcome(&whole, &exact, "plain.csv in one segment");
    assert_eq!(
        streamed[0],
        "imported plain.csv: 17000 responses (import #1)\n1 file(s): 1 imported, 0 skipped as already imported, 0 rejected; 17000 responses stored, 0 row(s) rejected\n"
    );
    assert_eq!(
        streamed[1],
        "warning: plain.csv: 6800 response(s) answered a consent-gated module without consent; those answers were discarded\nprivacy: plain.csv: dropped identifier column(s) \"email\"; their values are not read or stored\n"
    );
    // The comparison above holds only if the streaming import took the file: it does.
    let ws = TestWorkspace::new();
    let outcome = stream_into_store(&ws, &text, 4096);
    assert!(
        matches!(
            outcome,
            Some(ImportOutcome::Stored {
                accepted: 17000,
                ..
            })
        ),
        "{outcome:?}"
    );
    // It wrote in rollback-journal mode, no other connection having the store open, and left
    // the store in WAL mode.
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

/// With `--skip-invalid`, the streaming import stores the valid rows of a file with invalid
/// ones itself and gives the others with the exact path's reasons and row numbers (the files
/// the fast path must not take are compared with the exact path above, these among them).
#[test]
fn the_streaming_import_skips_invalid_rows_itself() {
    use mctrack::store::ImportOutcome;

    let good = plain_export(3_000);
    let text = good
        .replacen("R00008,", "=1+2,", 1)
        .replacen("2021-03-10", "2099-03-10", 1)
        .replacen(
            "R02000,p2000@example.org,P06",
            "R02000,p2000@example.org,P99",
            1,
        );
    let ws = TestWorkspace::new();
    let outcome = stream_into_store(&ws, &text, 16_384);
    let Some(ImportOutcome::Stored {
        accepted, rejected, ..
    }) = outcome
    else {
        panic!("not stored by the streaming import: {outcome:?}");
    };
    assert_eq!(accepted, 2_997);
    let rows: Vec<usize> = rejected.iter().map(|r| r.source_row).collect();
    let reasons: Vec<String> = rejected
        .iter()
        .flat_map(|r| r.reasons.iter().map(|p| format!("{}:{}", p.row, p.column)))
        .collect();
    // The header is row 1; blank lines do not count, and all-blank records (one every 500
    // rows) do.
    assert_eq!(rows, [10, 11, 2006], "{reasons:?}");
    assert_eq!(
        reasons,
        ["10:response_id", "11:submitted_date", "2006:pilot_id"]
    );
    // From the command line, in small segments: the exact path's messages, rejects and store.
    let files = [("plain.csv", text.as_str())];
    assert_same_outcome(
        &import_outcome(
            &files,
            &["plain.csv", "--skip-invalid", "--stream-segment", "8192"],
        ),
        &import_outcome(&files, &["plain.csv", "--skip-invalid"]),
        "plain.csv --skip-invalid",
    );
}

/// With another connection reading the store, the streaming import writes in WAL mode and
/// the reader keeps reading what was committed before.
#[test]
fn a_streaming_import_beside_an_open_reader_stores_the_file() {
    let ws = TestWorkspace::new();
    ws.write("first.csv", plain_export(10));
    ws.write("plain.csv", plain_export(2_000).replace("R0", "S0"));
    ws.cmd().args(["import", "first.csv"]).assert().success();
    let reader = rusqlite::Connection::open(ws.store()).unwrap();
    let count = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&reader), 10);
    ws.cmd()
        .args(["import", "plain.csv", "--stream-segment", "8192"])
        .assert()
        .success()
        .stdout(predicates::str::contains("plain.csv: 2000 responses"));
    assert_eq!(count(&reader), 2010);
}

/// Files the streaming import cannot vouch for are left to the exact path, with nothing of
/// them stored first: the outcome is the exact path's, messages, rejects and store alike.
#[test]
fn files_the_streaming_import_cannot_vouch_for_are_judged_by_the_exact_path() {
    let good = plain_export(300);
    let row_7 =
        "R00007,p7@example.org,P01,followup_3m,learner,2021-04-08 00:00:07,change_occupation,no,caregiving,";
    let bad_cell = good.replacen(&format!("{row_7}5,"), &format!("{row_7}9,"), 1);
    assert_ne!(bad_cell, good);
    let formula_id = good.replacen("R00008,", "=1+2,", 1);
    let future = good.replacen("2021-03-10", "2099-03-10", 1);
    assert_ne!(future, good);
    // A NUL byte after the first rows: the exact path refuses the file as binary.
    let at = good.match_indices("Asked after").nth(40).unwrap().0;
    let nul = format!(
        "{}Asked\0after{}",
        &good[..at],
        &good[at + "Asked after".len()..]
    );
    let repeated = format!("{good}R00001,,P02,followup_3m,learner,,,,,4,,,,,\n");
    // "Très" in Windows-1252 near the end, where UTF-8 has been read before it.
    let not_utf8 = {
        let at = good.rfind("Très").unwrap();
        let mut bytes = good.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(b"Tr\xe8s");
        bytes.extend_from_slice(&good.as_bytes()[at + "Très".len()..]);
        bytes
    };
    let earlier = "response_id,pilot_id,wave,role,L06\nR00010,P04,followup_3m,learner,3\n";
    let plain = |bytes: &[u8]| vec![("plain.csv", bytes.to_vec())];
    type Files = Vec<(&'static str, Vec<u8>)>;
    let cases: [(Files, &[&str]); 10] = [
        (plain(bad_cell.as_bytes()), &["plain.csv"]),
        (plain(bad_cell.as_bytes()), &["plain.csv", "--skip-invalid"]),
        (
            plain(formula_id.as_bytes()),
            &["plain.csv", "--skip-invalid"],
        ),
        (plain(repeated.as_bytes()), &["plain.csv"]),
        (plain(future.as_bytes()), &["plain.csv", "--skip-invalid"]),
        (plain(nul.as_bytes()), &["plain.csv"]),
        (plain(&not_utf8), &["plain.csv"]),
        (
            vec![
                ("a.csv", earlier.into()),
                ("plain.csv", good.clone().into()),
            ],
            &["a.csv", "plain.csv", "--skip-invalid"],
        ),
        (plain(good.as_bytes()), &["plain.csv", "plain.csv"]),
        (
            vec![
                ("plain.csv", good.clone().into()),
                ("same.csv", good.clone().into()),
            ],
            &["plain.csv", "same.csv"],
        ),
    ];
    for (files, args) in cases {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let with =
            |extra: [&'static str; 2]| -> Vec<&str> { args.iter().copied().chain(extra).collect() };
        assert_same_outcome(
            &import_bytes_outcome(&files, &with(["--stream-segment", "2048"])),
            &import_bytes_outcome(&files, args),
            &format!("{args:?}"),
        );
    }
}

/// Outcomes of `import_outcome` are equal, but for the time a skipped file was first
/// imported; if not, says where, without printing whole stores.
fn assert_same_outcome(a: &[String], b: &[String], context: &str) {
    let untimed = |text: &String| -> String {
        text.lines()
            .map(|line| match line.split_once(") on ") {
                Some((skipped, _)) if line.starts_with("skipped ") => format!("{skipped})\n"),
                _ => format!("{line}\n"),
            })
            .collect()
    };
    for (part, (a, b)) in a.iter().map(untimed).zip(b.iter().map(untimed)).enumerate() {
        if let Some((line, (a, b))) = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            let cut = |s: &str| s.chars().take(600).collect::<String>();
            panic!(
                "{context}: part {part}, line {line}:\n{}\n{}",
                cut(a),
                cut(b)
            );
        }
        assert_eq!(
            a.lines().count(),
            b.lines().count(),
            "{context}: part {part}"
        );
    }
}

/// Blank lines filling the file's last segments past its last record: those segments hold no
/// record, and the file is stored as by the exact path.
#[test]
fn blank_lines_after_the_last_record_end_a_streaming_import_cleanly() {
    let text = format!("{}{}", plain_export(300), "\n".repeat(10_000));
    let files = [("plain.csv", text.as_str())];
    let streamed = import_outcome(&files, &["plain.csv", "--stream-segment", "2048"]);
    assert_same_outcome(
        &streamed,
        &import_outcome(&files, &["plain.csv"]),
        "plain.csv",
    );
    assert!(
        streamed[0].starts_with("imported plain.csv: 300 responses"),
        "{}",
        streamed[0]
    );
}
