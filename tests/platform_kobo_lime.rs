//! LimeSurvey, KoboToolbox (CSV and a real XLSX workbook) and ODK exports: detection, respondent
//! counts, representative cells, identifiers kept out of the store, and the Kobo workbook's
//! counts against openpyxl/pandas (tests/reference/platform_kobo.py).

mod common;

use common::{stderr_of, stdout_of, TestWorkspace};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Imports one fixture with its codebook and mapping file; returns the workspace.
fn import(file: &str, codebook: &str, map: &str) -> TestWorkspace {
    let ws = TestWorkspace::new();
    let output = ws
        .cmd()
        .arg("--codebook")
        .arg(format!("{FIXTURES}/codebooks/{codebook}.toml"))
        .arg("import")
        .arg(format!("{FIXTURES}/platforms/{file}"))
        .arg("--map")
        .arg(format!("{FIXTURES}/maps/{map}.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{file}: {}{}",
        stdout_of(&output),
        stderr_of(&output)
    );
    ws
}

fn text(ws: &TestWorkspace, sql: &str) -> String {
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    conn.query_row(sql, [], |r| {
        r.get::<_, Option<String>>(0)
            .map(|v| v.unwrap_or_else(|| "NULL".into()))
    })
    .unwrap()
}

/// One stored answer of one respondent, as text ("NULL" when absent).
fn cell(ws: &TestWorkspace, id: &str, column: &str) -> String {
    text(
        ws,
        &format!("SELECT {column} FROM responses WHERE respondent_id = '{id}'"),
    )
}

fn number(ws: &TestWorkspace, sql: &str) -> Option<f64> {
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn limesurvey_full_text_export_imports_with_its_mapping() {
    let ws = import(
        "limesurvey/limonaid_survey_998192_R_data_file.csv",
        "limesurvey_998192",
        "limesurvey_998192",
    );
    assert_eq!(text(&ws, "SELECT format FROM imports"), "LimeSurvey");
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 7);
    let cell = |id: &str, column: &str| cell(&ws, id, column);
    // The consent question, mapped by its whole information-letter header.
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE informedConsent = 1"),
        5
    );
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE informedConsent = 0"),
        1
    );
    assert_eq!(cell("5", "gender"), "-oth-");
    assert_eq!(cell("9", "gender"), "woman");
    assert_eq!(
        text(&ws, "SELECT value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '5' AND question_id = 'gender_other'"),
        "4444"
    );
    // Check-all sub-items coded 0/1 become one answer; all zeros is no answer.
    assert_eq!(cell("5", "education"), "SQ001;SQ002");
    assert_eq!(cell("9", "education"), "SQ002;SQ003");
    assert_eq!(cell("7", "education"), "NULL");
    // The array item "Describe yourselves [Openness]" and LimeSurvey's dates and timing.
    assert_eq!(
        number(
            &ws,
            "SELECT personality_O FROM responses WHERE respondent_id = '1'"
        ),
        None
    );
    assert_eq!(
        number(
            &ws,
            "SELECT personality_O FROM responses WHERE respondent_id = '5'"
        ),
        Some(3.0)
    );
    assert_eq!(
        number(
            &ws,
            "SELECT personality_O FROM responses WHERE respondent_id = '9'"
        ),
        Some(1.0)
    );
    assert_eq!(cell("1", "submitted_date"), "2021-09-24");
    assert_eq!(cell("1", "started_at"), "2021-09-24 11:33:56");
    assert_eq!(
        number(
            &ws,
            "SELECT duration_s FROM responses WHERE respondent_id = '1'"
        ),
        Some(339.28)
    );
    // The address sub-questions are identifiers: dropped, and said so.
    assert_eq!(
        text(&ws, "SELECT dropped_columns FROM imports"),
        "Please enter your address [Street]; Please enter your address [Number]; Please enter your address [Postal code]; Please enter your address [City]"
    );
    assert!(!ws.dump().contains("gdgd"));
}

#[test]
fn limesurvey_export_with_empty_and_duplicate_headers_imports() {
    let ws = import(
        "limesurvey/limonaid_survey_100001_R_data_file.csv",
        "limesurvey_100001",
        "limesurvey_100001",
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 3);
    let cell = |id: &str, column: &str| cell(&ws, id, column);
    assert_eq!(cell("1", "country"), "af00");
    assert_eq!(cell("3", "country"), "nl00");
    assert_eq!(cell("1", "gender"), "unknw");
    assert_eq!(cell("3", "gender"), "male");
    assert_eq!(cell("3", "usage"), "maybe");
    // The second response was started and abandoned: kept, with no answers.
    assert_eq!(cell("2", "country"), "NULL");
    assert_eq!(cell("2", "submitted_date"), "NULL");
}

#[test]
fn kobo_csv_with_hashtag_row_and_semicolons_imports() {
    let ws = import(
        "kobotoolbox/kpi_test_csv_export_default_options.csv",
        "kobo_kpi",
        "kobo_kpi",
    );
    assert_eq!(text(&ws, "SELECT format FROM imports"), "KoboToolbox");
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 3);
    let cell = |id: &str, column: &str| cell(&ws, id, column);
    let first = "48583952-1892-4931-8d9c-869e7b49bafb";
    let third = "3f15cdfe-3eab-4678-8352-7806febf158d";
    // Space-separated choice labels, and a label that itself contains ", ".
    assert_eq!(cell(first, "symmetry"), "spherical;radial;bilateral");
    assert_eq!(cell(first, "fluids"), "yes_and_extracellular");
    assert_eq!(cell(third, "fluids"), "no_unsure");
    assert_eq!(
        number(
            &ws,
            &format!("SELECT descendant FROM responses WHERE respondent_id = '{third}'")
        ),
        Some(1.0)
    );
    assert_eq!(
        number(
            &ws,
            &format!("SELECT segments FROM responses WHERE respondent_id = '{first}'")
        ),
        Some(6.0)
    );
    // Kobo's offset timestamps and the submission time.
    assert_eq!(cell(first, "started_at"), "2017-10-23 05:40:39");
    assert_eq!(cell(first, "ended_at"), "2017-10-23 05:41:13");
    // The duration follows from start and end.
    assert_eq!(
        number(
            &ws,
            &format!("SELECT duration_s FROM responses WHERE respondent_id = '{first}'")
        ),
        Some(34.0)
    );
    assert_eq!(cell(first, "submitted_date"), "2017-10-23");
    // The literal backslash sequences of the kpi test stay as written.
    assert_eq!(
        text(
            &ws,
            "SELECT value FROM text_answers WHERE question_id = 'feel' AND value LIKE 'Pretty%'"
        ),
        "Pretty good.\\nCould have been better.\\rThanks"
    );
    // _submitted_by names a user account: dropped.
    assert!(!ws.dump().contains("anotheruser"));
    assert_eq!(
        text(&ws, "SELECT dropped_columns FROM imports"),
        "_submitted_by"
    );
}

#[test]
fn kobo_workbook_matches_its_own_one_hot_columns() {
    let ws = import(
        "kobotoolbox/cleaningtools_kobo_msna_data.xlsx",
        "kobo_msna",
        "kobo_msna",
    );
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{FIXTURES}/reference/platform_kobo.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(text(&ws, "SELECT format FROM imports"), "KoboToolbox");
    assert_eq!(text(&ws, "SELECT encoding FROM imports"), "workbook");
    assert_eq!(
        ws.count("SELECT count(*) FROM responses"),
        reference["responses"].as_i64().unwrap()
    );
    // deviceid identifies the enumerator's phone: dropped.
    assert!(!ws.dump().contains("collect:"));
    let summary = ws
        .cmd()
        .arg("--codebook")
        .arg(format!("{FIXTURES}/codebooks/kobo_msna.toml"))
        .args(["summary", "--format", "json"])
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&summary.stdout).unwrap();
    let rows: Vec<&Value> = summary["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rows"].as_array().unwrap())
        .collect();
    let water = &reference["water_sources"];
    let labels = [
        ("Piped network", "piped"),
        ("Public tap", "tap"),
        ("Borehole", "borehole"),
        ("Bottled water", "bottled"),
        ("Water trucking", "trucking"),
        ("Well", "well"),
    ];
    for (label, code) in labels {
        let row = rows
            .iter()
            .find(|r| r["Question"] == "water_sources" && r["Option"] == label)
            .unwrap();
        assert_eq!(row["n"], water[code], "{code}");
        assert_eq!(row["Base n"], water["base"]);
    }
    for source in ["piped", "tap", "borehole", "bottled", "trucking"] {
        let expected = &reference["satisfaction"][source];
        let row = rows
            .iter()
            .find(|r| r["Question"] == format!("satisfaction_{source}"))
            .unwrap();
        assert_eq!(row["Base n"], expected["n"], "{source}");
        assert_eq!(row["Missing"], expected["missing"], "{source}");
        for k in 0..5 {
            assert_eq!(
                row[format!("n {}", k + 1)],
                expected["counts"][k],
                "{source} {k}"
            );
        }
        for (ours, theirs) in [("Mean", "mean"), ("SD", "sd"), ("Median", "median")] {
            match (row[ours].as_f64(), expected[theirs].as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{source} {ours}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{source} {ours}"),
            }
        }
    }
}

#[test]
fn odk_exports_import_with_group_paths_and_locale_dates() {
    let ws = import("odk/choice-lists.csv", "odk", "odk");
    assert_eq!(text(&ws, "SELECT format FROM imports"), "ODK");
    assert_eq!(text(&ws, "SELECT some_string FROM responses"), "CHOICE_1");
    assert_eq!(
        text(&ws, "SELECT yet_another_string FROM responses"),
        "CHOICE_1"
    );
    assert_eq!(
        text(&ws, "SELECT submitted_date FROM responses"),
        "2018-04-26"
    );
    assert_eq!(
        text(&ws, "SELECT respondent_id FROM responses"),
        "uuid:39f3dd36-161e-45cb-a1a4-395831d253a7"
    );

    let ws = import("odk/choice-lists-randomize.csv", "odk", "odk");
    assert_eq!(text(&ws, "SELECT select_multiple FROM responses"), "a");

    let ws = import("odk/simple-form-newlines.csv", "odk", "odk");
    assert_eq!(text(&ws, "SELECT value FROM text_answers"), "some \n text");
    assert_eq!(
        text(&ws, "SELECT submitted_date FROM responses"),
        "2018-01-01"
    );

    let ws = import("odk/all-data-types.csv", "odk_all_types", "odk");
    assert_eq!(number(&ws, "SELECT some_int FROM responses"), Some(123.0));
    assert_eq!(
        number(&ws, "SELECT some_decimal FROM responses"),
        Some(123.456)
    );
    // Geopoint, geotrace and geoshape locate the respondent: none reaches the store.
    let dump = ws.dump();
    assert!(!dump.contains("43.31") && !dump.contains("-1.98"), "{dump}");
    assert_eq!(
        ws.count("SELECT count(*) FROM pragma_table_info('responses') WHERE name LIKE '%geo%'"),
        0
    );
}

#[test]
fn inspect_explains_every_column_without_writing() {
    let ws = TestWorkspace::new();
    let output = ws
        .cmd()
        .arg("--codebook")
        .arg(format!("{FIXTURES}/codebooks/kobo_kpi.toml"))
        .arg("inspect")
        .arg(format!(
            "{FIXTURES}/platforms/kobotoolbox/kpi_test_csv_export_default_options.csv"
        ))
        .args(["--map"])
        .arg(format!("{FIXTURES}/maps/kobo_kpi.toml"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(!ws.store().exists());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let file: Vec<(String, String)> = report["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["Property"].as_str().unwrap().to_string(),
                r["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("platform", "KoboToolbox"),
        ("encoding", "UTF-8"),
        ("delimiter", "semicolon"),
        ("header rows", "2"),
        ("responses valid", "3"),
    ] {
        assert!(
            file.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} in {file:?}"
        );
    }
    let understood: Vec<&str> = report["tables"][1]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Understood as"].as_str().unwrap())
        .collect();
    assert_eq!(
        understood,
        [
            "kept for data quality: started",
            "kept for data quality: ended",
            "question symmetry (multi)",
            "ignored: repeats column \"symmetry\" one option at a time",
            "ignored: repeats column \"symmetry\" one option at a time",
            "ignored: repeats column \"symmetry\" one option at a time",
            "question segments (numeric)",
            "question fluids (single)",
            "question descendant (yesno)",
            "question feel (text)",
            "ignored: KoboToolbox bookkeeping",
            "ignored: KoboToolbox bookkeeping",
            "ignored: KoboToolbox bookkeeping",
            "metadata: submitted date",
            "dropped: identifies a person; not read or stored",
            "ignored: KoboToolbox bookkeeping",
            "metadata: respondent id",
            "ignored: KoboToolbox bookkeeping",
            "ignored: KoboToolbox bookkeeping",
        ]
    );
}

#[test]
fn inspect_names_unmapped_columns_and_values_with_counts() {
    let ws = TestWorkspace::new();
    ws.write(
        "odd.csv",
        "response_id,pilot_id,wave,role,L06,Skills employers need\nA1,P01,exit,learner,7,x\nA2,P01,exit,learner,7,y\nA3,P01,exit,learner,Agree,z\n",
    );
    let output = ws
        .cmd()
        .args(["inspect", "odd.csv", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let columns = report["tables"][1]["rows"].as_array().unwrap();
    assert_eq!(
        columns[5]["Understood as"],
        "UNMAPPED; closest: L06 (The skills taught are in demand by employers in…)"
    );
    let values = report["tables"][2]["rows"].as_array().unwrap();
    assert!(
        values.is_empty(),
        "file-level problems stop the value checks"
    );
    ws.write(
        "odd.csv",
        "response_id,pilot_id,wave,role,L06\nA1,P01,exit,learner,7\nA2,P01,exit,learner,7\nA3,P01,exit,learner,Agree\n",
    );
    let output = ws
        .cmd()
        .args(["inspect", "odd.csv", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let values = report["tables"][2]["rows"].as_array().unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0]["Column"], "L06");
    assert_eq!(values[0]["Value"], "7");
    assert_eq!(values[0]["Rows"], 2);
    assert_eq!(values[0]["First row"], 2);
}
