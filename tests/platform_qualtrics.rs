//! Qualtrics exports as Qualtrics writes them (tests/fixtures/platforms/qualtrics/, provenance in
//! PROVENANCE.md there): the current layout, the 2016-17 "Insights" layout and the legacy V1..V10
//! layout. Each file is read unedited with a fixture codebook and mapping file
//! (tests/fixtures/codebooks/qualtrics_*.toml, tests/fixtures/maps/qualtrics_*.toml). The tests
//! check the detected platform, whole imports, parsed values, that no identifier reaches the
//! store, the summary of "No Basis for Evaluation" against an independent pandas computation
//! (tests/reference/platform_qualtrics.py -> tests/fixtures/reference/platform_qualtrics.json),
//! and that both layouts of one survey store the same answers.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{stderr_of, stdout_of, TestWorkspace};
use rusqlite::types::Value as Sql;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

const CURRENT: &str = "Qualtrics";
const LEGACY: &str = "Qualtrics (legacy layout)";

/// Identifier columns of the current and Insights layouts, and of the legacy layout (where
/// V3 is Name, V5 EmailAddress and V6 IPAddress).
const DROPPED_INSIGHTS: &str = "IPAddress; RecipientLastName; RecipientFirstName; RecipientEmail; LocationLatitude; LocationLongitude; LocationAccuracy";
/// The legacy layout's V3, V5 and V6, named by their second header row.
const DROPPED_LEGACY: &str =
    "Name; EmailAddress; IPAddress; LocationLatitude; LocationLongitude; LocationAccuracy";

/// One fixture export and how it is read.
struct Export {
    file: &'static str,
    codebook: &'static str,
    map: &'static str,
    platform: &'static str,
    respondents: i64,
    dropped: &'static str,
}

const SAMPLE: Export = Export {
    file: "qualtRics_sample.csv",
    codebook: "qualtrics_sample",
    map: "qualtrics_sample",
    platform: CURRENT,
    respondents: 1,
    dropped: "IPAddress; RecipientLastName; RecipientFirstName; RecipientEmail; LocationLatitude; LocationLongitude",
};
const SAMPLE_LEGACY: Export = Export {
    file: "qualtRics_sample_legacy.csv",
    codebook: "qualtrics_sample",
    map: "qualtrics_sample",
    platform: LEGACY,
    respondents: 1,
    dropped: DROPPED_LEGACY,
};
const NO_BASIS: Export = Export {
    file: "QualtricsTools_No_Basis_for_Evaluation_Insights.csv",
    codebook: "qualtrics_no_basis",
    map: "qualtrics_no_basis_insights",
    platform: CURRENT,
    respondents: 15,
    dropped: DROPPED_INSIGHTS,
};
const NO_BASIS_LEGACY: Export = Export {
    file: "QualtricsTools_No_Basis_for_Evaluation_Legacy.csv",
    codebook: "qualtrics_no_basis",
    map: "qualtrics_no_basis_legacy",
    platform: LEGACY,
    respondents: 15,
    dropped: DROPPED_LEGACY,
};
const MATRIX: Export = Export {
    file: "QualtricsTools_Single_Answer_Matrix_Insights.csv",
    codebook: "qualtrics_single_answer_matrix",
    map: "qualtrics_single_answer_matrix",
    platform: CURRENT,
    respondents: 5,
    dropped: DROPPED_INSIGHTS,
};
const MATRIX_LEGACY: Export = Export {
    file: "QualtricsTools_Single_Answer_Matrix_Legacy.csv",
    codebook: "qualtrics_single_answer_matrix",
    map: "qualtrics_single_answer_matrix",
    platform: LEGACY,
    respondents: 5,
    dropped: DROPPED_LEGACY,
};
const MANY: Export = Export {
    file: "QualtricsTools_Many_Question_Types_Insights.csv",
    codebook: "qualtrics_many_question_types",
    map: "qualtrics_many_question_types",
    platform: CURRENT,
    respondents: 5,
    dropped: DROPPED_INSIGHTS,
};

const ALL: [&Export; 7] = [
    &SAMPLE,
    &SAMPLE_LEGACY,
    &NO_BASIS,
    &NO_BASIS_LEGACY,
    &MATRIX,
    &MATRIX_LEGACY,
    &MANY,
];

/// The 15 responses of "No Basis for Evaluation", in file order.
const NO_BASIS_IDS: [&str; 15] = [
    "R_ebopwASnJ6p0KSp",
    "R_9mZ86nFH0t9KX6l",
    "R_6FNzHBiAGDCdM4B",
    "R_diNwdECk6BEVBWZ",
    "R_3PqO8Mmwyje46uV",
    "R_0dH3DSZjRHe9fGl",
    "R_cOdOZnN9lYDQicR",
    "R_1RmBFQANG2Su94F",
    "R_9tdJaY19Ne32HM9",
    "R_3fQX2VyNw450YG9",
    "R_4YMDEHl4OxNj6v3",
    "R_emoLed7cY1OcoTz",
    "R_6D2hcZIh63E8A4d",
    "R_bC6Ecf6yG5YhHnv",
    "R_cMkftXWgl0BWu0Z",
];

impl Export {
    fn csv(&self) -> PathBuf {
        PathBuf::from(format!("{FIXTURES}/platforms/qualtrics/{}", self.file))
    }

    fn codebook_path(&self) -> PathBuf {
        PathBuf::from(format!("{FIXTURES}/codebooks/{}.toml", self.codebook))
    }

    fn map_path(&self) -> PathBuf {
        PathBuf::from(format!("{FIXTURES}/maps/{}.toml", self.map))
    }

    /// `mctrack --codebook CB VERB FILE --map MAP EXTRA...`
    fn run(&self, ws: &TestWorkspace, verb: &str, extra: &[&str]) -> std::process::Output {
        ws.cmd()
            .arg("--codebook")
            .arg(self.codebook_path())
            .arg(verb)
            .arg(self.csv())
            .arg("--map")
            .arg(self.map_path())
            .args(extra)
            .output()
            .unwrap()
    }

    /// Imports the file into `ws`, which must succeed with every response accepted.
    fn import_into(&self, ws: &TestWorkspace, extra: &[&str]) {
        let output = self.run(ws, "import", extra);
        assert!(
            output.status.success(),
            "{}: {}",
            self.file,
            stderr_of(&output)
        );
        assert!(
            stdout_of(&output).contains(&format!(
                "{}: {} responses (import #",
                self.csv().display(),
                self.respondents
            )),
            "{}: {}",
            self.file,
            stdout_of(&output)
        );
    }

    /// A fresh workspace holding this file's import.
    fn imported(&self) -> TestWorkspace {
        let ws = TestWorkspace::new();
        self.import_into(&ws, &[]);
        ws
    }

    /// `summary FILE --format json`, reading the file without importing it.
    fn summary_of_file(&self) -> Value {
        let ws = TestWorkspace::new();
        let output = self.run(&ws, "summary", &["--format", "json"]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert!(!ws.store().exists() || ws.count("SELECT count(*) FROM responses") == 0);
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// Every row of a query, as SQLite values.
fn rows(ws: &TestWorkspace, sql: &str) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        out.push((0..width).map(|i| row.get(i).unwrap()).collect());
    }
    out
}

/// The one row a query returns.
fn row(ws: &TestWorkspace, sql: &str) -> Vec<Sql> {
    let mut all = rows(ws, sql);
    assert_eq!(all.len(), 1, "{sql}");
    all.remove(0)
}

fn text(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

/// A free-text answer of one respondent, from `text_answers`.
fn text_answer(ws: &TestWorkspace, respondent: &str, question: &str) -> Option<String> {
    let found = rows(
        ws,
        &format!(
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id
             WHERE r.respondent_id = '{respondent}' AND t.question_id = '{question}'"
        ),
    );
    match found.as_slice() {
        [] => None,
        [one] => match &one[0] {
            Sql::Text(value) => Some(value.clone()),
            other => panic!("{other:?}"),
        },
        more => panic!("{} answers to {question} from {respondent}", more.len()),
    }
}

/// The `responses` columns that hold answers: everything after the store's own columns.
fn question_columns(ws: &TestWorkspace) -> Vec<String> {
    const OWN: [&str; 14] = [
        "id",
        "import_id",
        "source_row",
        "respondent_id",
        "pilot_id",
        "wave",
        "role",
        "submitted_date",
        "weight",
        "started_at",
        "ended_at",
        "duration_s",
        "progress",
        "finished",
    ];
    rows(ws, "SELECT name FROM pragma_table_info('responses')")
        .into_iter()
        .map(|r| match &r[0] {
            Sql::Text(name) => name.clone(),
            other => panic!("{other:?}"),
        })
        .filter(|name| !OWN.contains(&name.as_str()))
        .collect()
}

#[test]
fn each_export_is_detected_and_imported_whole() {
    for export in ALL {
        let ws = TestWorkspace::new();
        let output = export.run(&ws, "validate", &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            export.file,
            stderr_of(&output)
        );
        export.import_into(&ws, &[]);
        assert_eq!(
            row(
                &ws,
                "SELECT format, rows_accepted, rows_rejected, count(*) FROM imports"
            ),
            vec![
                text(export.platform),
                Sql::Integer(export.respondents),
                Sql::Integer(0),
                Sql::Integer(1)
            ],
            "{}",
            export.file
        );
        assert_eq!(
            ws.count("SELECT count(DISTINCT respondent_id) FROM responses"),
            export.respondents,
            "{}",
            export.file
        );
        assert_eq!(
            row(
                &ws,
                "SELECT count(*), min(pilot_id), max(pilot_id), min(wave), max(wave), min(role), max(role) FROM responses"
            ),
            vec![
                Sql::Integer(export.respondents),
                text("P01"),
                text("P01"),
                text("exit"),
                text("exit"),
                text("learner"),
                text("learner")
            ],
            "{}",
            export.file
        );
    }
}

/// `mctrack imports` should say which platform each file was read as: the store records it in
/// `imports.format`.
#[test]
fn the_imports_listing_names_the_detected_platform() {
    let ws = TestWorkspace::new();
    NO_BASIS.import_into(&ws, &[]);
    NO_BASIS_LEGACY.import_into(&ws, &["--pilot", "P02"]);
    let output = ws
        .cmd()
        .arg("--codebook")
        .arg(NO_BASIS.codebook_path())
        .args(["imports", "--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let listing = stdout_of(&output);
    let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(listing.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .filter(|r: &Vec<String>| r.first().is_some_and(|id| id == "1" || id == "2"))
        .collect();
    assert_eq!(records.len(), 2, "{listing}");
    assert!(
        records[0].iter().any(|field| field == CURRENT),
        "import #1 was read as \"{CURRENT}\", which the listing does not show:\n{listing}"
    );
    assert!(
        records[1].iter().any(|field| field == LEGACY),
        "import #2 was read as \"{LEGACY}\", which the listing does not show:\n{listing}"
    );
}

#[test]
fn no_basis_codes_are_stored_and_negative_codes_are_null() {
    let ws = NO_BASIS.imported();
    // R_ebopwASnJ6p0KSp answered Q3_1 -1 ("No Opinion"), Q4_2 -2 ("Never tried it"), Q4_3 -1,
    // Q4_4 -2, and chose "No basis for evaluation" (Q2_-1) among the statements of Q2.
    assert_eq!(
        row(
            &ws,
            "SELECT Q1, Q2, Q3_1, Q3_2, Q3_3, Q3_4, Q4_1, Q4_2, Q4_3, Q4_4,
                    Q5_1, Q5_2, Q5_3, Q6_1, Q6_2, Q6_3
             FROM responses WHERE respondent_id = 'R_ebopwASnJ6p0KSp'"
        ),
        vec![
            Sql::Integer(3),
            text("tolerable;anguish;no_basis"),
            Sql::Null,
            Sql::Integer(3),
            Sql::Integer(3),
            Sql::Integer(1),
            Sql::Integer(3),
            Sql::Null,
            Sql::Null,
            Sql::Null,
            text("year2"),
            text("year1;did_not"),
            text("year1"),
            text("prefer_not"),
            text("prefer_not"),
            text("year1;year2;did_not;prefer_not"),
        ]
    );
    // R_0dH3DSZjRHe9fGl: Q1 -1 ("No opinion").
    assert_eq!(
        row(
            &ws,
            "SELECT Q1, Q2, Q3_1, Q3_2, Q4_4 FROM responses WHERE respondent_id = 'R_0dH3DSZjRHe9fGl'"
        ),
        vec![
            Sql::Null,
            text("great;tolerable"),
            Sql::Integer(1),
            Sql::Null,
            Sql::Integer(1)
        ]
    );
    // Exactly the respondents who answered -1 or -2 have no answer.
    let null_ids = |column: &str| -> Vec<Sql> {
        rows(
            &ws,
            &format!(
                "SELECT respondent_id FROM responses WHERE {column} IS NULL ORDER BY respondent_id"
            ),
        )
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect()
    };
    assert_eq!(
        null_ids("Q3_1"),
        [
            "R_3fQX2VyNw450YG9",
            "R_6D2hcZIh63E8A4d",
            "R_cMkftXWgl0BWu0Z",
            "R_diNwdECk6BEVBWZ",
            "R_ebopwASnJ6p0KSp"
        ]
        .map(text)
    );
    assert_eq!(
        null_ids("Q4_2"),
        [
            "R_0dH3DSZjRHe9fGl",
            "R_3fQX2VyNw450YG9",
            "R_6D2hcZIh63E8A4d",
            "R_cMkftXWgl0BWu0Z",
            "R_cOdOZnN9lYDQicR",
            "R_ebopwASnJ6p0KSp",
            "R_emoLed7cY1OcoTz"
        ]
        .map(text)
    );
    let ratings = [
        "Q1", "Q3_1", "Q3_2", "Q3_3", "Q3_4", "Q4_1", "Q4_2", "Q4_3", "Q4_4",
    ];
    for column in ratings {
        assert_eq!(
            ws.count(&format!(
                "SELECT count(*) FROM responses WHERE {column} NOT IN (1, 2, 3)"
            )),
            0,
            "{column}"
        );
    }
    assert_eq!(
        row(
            &ws,
            "SELECT started_at, ended_at, duration_s, progress, finished, submitted_date
             FROM responses WHERE respondent_id = 'R_bC6Ecf6yG5YhHnv'"
        ),
        vec![
            text("2016-06-24 14:27:09"),
            text("2016-06-24 14:27:10"),
            // No duration column in this layout: derived from StartDate and EndDate.
            Sql::Real(1.0),
            Sql::Null,
            Sql::Integer(1),
            // No RecordedDate either: submitted when it ended.
            text("2016-06-24")
        ]
    );
}

#[test]
fn single_answer_matrix_keeps_recode_values_despite_repeated_legacy_tags() {
    let ws = MATRIX_LEGACY.imported();
    assert_eq!(
        row(
            &ws,
            "SELECT Q2_1, Q2_2, Q2_3, Q4_1, Q4_2, Q4_3,
                    Q3_question_one, Q3_question_two, Q3_question_three,
                    Q5_question_one, Q5_question_two, Q5_question_three,
                    matrix_question_five_question_one, matrix_question_five_question_two,
                    matrix_question_five_question_three
             FROM responses WHERE respondent_id = 'R_4MlalJojzHA3Uzj'"
        ),
        [4, 4, 3, 12, 11, 13, 1, 4, 1, 10, 12, 13, 13, 10, 10].map(Sql::Integer)
    );
    assert_eq!(
        text_answer(
            &ws,
            "R_4MlalJojzHA3Uzj",
            "matrix_question_five_question_two_TEXT"
        )
        .as_deref(),
        Some("Accumsan lorem, in accusamus morbi accumsan scelerisque mauris quam sagittis interdum. Orci! Cursus vel.")
    );
    assert_eq!(
        ws.count(
            "SELECT count(*) FROM text_answers WHERE question_id = 'matrix_question_five_question_two_TEXT'"
        ),
        5
    );
    // Recoded scales hold 10..13 and the others 1..4; nothing else.
    assert_eq!(
        ws.count(
            "SELECT count(*) FROM responses WHERE Q4_1 NOT BETWEEN 10 AND 13
             OR Q5_question_two NOT BETWEEN 10 AND 13 OR Q3_question_two NOT BETWEEN 1 AND 4"
        ),
        0
    );
}

#[test]
fn many_question_types_parse_to_their_codes() {
    let ws = MANY.imported();
    assert_eq!(
        row(
            &ws,
            "SELECT fruits, Q2, Q3_3, Q44_2, Q4a_3, Q4b_1, Q11b_2, Q5_2, Q21_2, Q35_1,
                    Q45, Q47_2, Q49a_1, Q49b_3, Q50b_1, Q50b_3, Q51_3
             FROM responses WHERE respondent_id = 'R_7NT5RemfRQtuKzz'"
        ),
        vec![
            text("2"),
            text("oranges;blueberries;strawberries"),
            Sql::Integer(2),
            text("neither;dislike"),
            Sql::Integer(2),
            text("4"),
            text("cucumbers;gummy_bears"),
            Sql::Real(53.0),
            Sql::Integer(3),
            text("like;neither;dislike"),
            text("142"),
            Sql::Integer(12),
            Sql::Integer(35423),
            text("475"),
            text("cucumbers"),
            text("graham_crackers"),
            Sql::Real(10.0),
        ]
    );
    assert_eq!(
        text_answer(&ws, "R_7NT5RemfRQtuKzz", "Q18").as_deref(),
        Some("Accumsan turpis eget phasellus ullamcorper aliquam, porta! Sollicitudin. Malesuada turpis.")
    );
    // Q50#1's two text columns per fruit share one export tag; the ImportId tells them apart.
    assert_eq!(
        text_answer(&ws, "R_7NT5RemfRQtuKzz", "Q50a_3_1").as_deref(),
        Some("Rhoncus donec! Aliquet fringilla quis platea massa lacus tellus montes urna accumsan cras etiam.")
    );
    assert_eq!(
        text_answer(&ws, "R_7NT5RemfRQtuKzz", "Q50a_3_2").as_deref(),
        Some("Lorem! Dignissim tempor. Cras primis dolor eu eget blandit! Phasellus.")
    );
    // 28 text questions x 5 respondents, less the 3 who were not shown Q41's 6 text boxes.
    assert_eq!(ws.count("SELECT count(*) FROM text_answers"), 122);
    assert_eq!(
        ws.count("SELECT count(*) FROM text_answers WHERE question_id LIKE 'Q41a%'"),
        12
    );
    assert_eq!(
        row(
            &ws,
            "SELECT Q41b_1, Q36, Q37, Q45 FROM responses WHERE respondent_id = 'R_9N5Yvu0Pp6O5Vn7'"
        ),
        vec![Sql::Null, Sql::Null, Sql::Null, Sql::Null]
    );
}

/// Q24's question text has a non-breaking space (" \u{a0}-Oranges"); a mapping key written with
/// a plain space finds it.
#[test]
fn a_question_text_with_a_non_breaking_space_matches_a_plain_mapping_key() {
    let ws = TestWorkspace::new();
    let mut map = std::fs::read_to_string(MANY.map_path()).unwrap();
    map.push_str(
        "\"Please rate your likelihood of consuming each fruit  -Oranges\" = \"ignore\"\n",
    );
    let map_path = ws.write("many.toml", map);
    let output = ws
        .cmd()
        .arg("--codebook")
        .arg(MANY.codebook_path())
        .arg("import")
        .arg(MANY.csv())
        .arg("--map")
        .arg(&map_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    // Q24_1 (the column with the non-breaking space) is ignored; Q5_1, Q42_1 and Q51_1, whose
    // text has no such space ("... each fruit-Oranges"), and Q24_2 are read.
    assert_eq!(
        row(
            &ws,
            "SELECT count(Q24_1), count(Q24_2), count(Q5_1), count(Q42_1), count(Q51_1) FROM responses"
        ),
        [0, 5, 5, 5, 5].map(Sql::Integer)
    );
}

#[test]
fn qualtrics_sample_keeps_times_progress_and_text() {
    let ws = SAMPLE.imported();
    assert_eq!(
        row(
            &ws,
            "SELECT respondent_id, submitted_date, started_at, ended_at, duration_s, progress,
                    finished, Q1
             FROM responses"
        ),
        vec![
            text("R_2YPOQ602ER1jkf1"),
            text("2017-07-18"),
            text("2017-07-18 08:28:09"),
            text("2017-07-18 08:28:48"),
            Sql::Real(38.0),
            Sql::Real(100.0),
            Sql::Integer(1),
            text("2"),
        ]
    );
    // The Text iQ column "Q2 - Topics" is Qualtrics' analysis, not an answer: not stored.
    assert_eq!(
        rows(&ws, "SELECT question_id, value FROM text_answers"),
        vec![vec![text("Q2"), text("Hello World!")]]
    );

    let ws = SAMPLE_LEGACY.imported();
    assert_eq!(
        row(
            &ws,
            "SELECT respondent_id, submitted_date, started_at, ended_at, duration_s, progress,
                    finished, Q1
             FROM responses"
        ),
        vec![
            text("R_2YPOQ602ER1jkf1"),
            // No RecordedDate in the legacy layout: submitted when it ended (V9).
            text("2017-07-18"),
            text("2017-07-18 08:28:09"),
            text("2017-07-18 08:28:48"),
            // Derived from V8 and V9, the whole seconds apart; Qualtrics' own duration, in the
            // current layout, is 38.
            Sql::Real(39.0),
            Sql::Null,
            Sql::Integer(1),
            text("2"),
        ]
    );
    assert_eq!(
        rows(&ws, "SELECT question_id, value FROM text_answers"),
        vec![vec![text("Q2"), text("Hello World!")]]
    );
}

#[test]
fn no_identifier_reaches_the_store() {
    // The real IP address and coordinates of the qualtRics sample, the QualtricsTools test
    // location, and the legacy layout's Name ("Anonym", "Anonymous").
    let identifiers = [
        "130.92.34.66",
        "47.115097",
        "7.2315979",
        "42.401901",
        "71.1193",
        "Anonym",
    ];
    for export in ALL {
        let ws = TestWorkspace::new();
        let output = export.run(&ws, "import", &[]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let quoted: Vec<String> = export
            .dropped
            .split("; ")
            .map(|h| format!("\"{h}\""))
            .collect();
        assert!(
            stderr_of(&output).contains(&format!(
                "{}: dropped identifier column(s) {}; their values are not read or stored",
                export.csv().display(),
                quoted.join(", ")
            )),
            "{}: {}",
            export.file,
            stderr_of(&output)
        );
        assert_eq!(
            row(&ws, "SELECT dropped_columns FROM imports"),
            vec![text(export.dropped)],
            "{}",
            export.file
        );
        for column in rows(&ws, "SELECT name FROM pragma_table_info('responses')")
            .into_iter()
            .chain(rows(&ws, "SELECT DISTINCT question_id FROM text_answers"))
        {
            let Sql::Text(name) = &column[0] else {
                panic!("{column:?}")
            };
            let name = name.to_lowercase();
            assert!(
                !["lat", "long", "ipaddress", "email", "recipient", "location"]
                    .iter()
                    .any(|bad| name.contains(bad))
                    && !name.split('_').any(|part| part == "ip" || part == "name"),
                "{}: column {name}",
                export.file
            );
        }
        let dump = ws.dump();
        for value in identifiers {
            assert!(
                !dump.contains(value),
                "{}: {value} is in the store",
                export.file
            );
        }
    }
}

fn reference() -> Value {
    let text =
        std::fs::read_to_string(format!("{FIXTURES}/reference/platform_qualtrics.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(ours: &Value, theirs: &Value) -> bool {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        _ => false,
    }
}

/// Checks every rating and choice row of a summary against the reference; returns how many
/// rating rows and choice rows were checked.
fn check_summary(summary: &Value, reference: &Value, context: &str) -> (usize, usize) {
    let (mut ratings, mut choices) = (0, 0);
    let mut options_seen: BTreeMap<String, usize> = BTreeMap::new();
    for table in summary["tables"].as_array().unwrap() {
        let title = table["title"].as_str().unwrap();
        if title == "Responses in scope" {
            let all = table["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["Role"] == "all")
                .unwrap();
            assert_eq!(all["Responses"], reference["respondents"], "{context}");
        }
        for row in table["rows"].as_array().unwrap() {
            let Some(question) = row.get("Question").and_then(Value::as_str) else {
                continue;
            };
            let ctx = format!("{context}: {title}: {question}");
            if title.contains("rating items") {
                let expected = &reference["rating"][question];
                assert!(expected.is_object(), "{ctx}: not in the reference");
                assert_eq!(row["Base n"], expected["n"], "{ctx}");
                assert_eq!(row["Missing"], expected["missing"], "{ctx}");
                let counts = expected["counts"].as_object().unwrap();
                assert_eq!(counts.len(), 3, "{ctx}");
                for (code, count) in counts {
                    assert_eq!(&row[format!("n {code}")], count, "{ctx} level {code}");
                }
                for (ours, theirs) in [("Mean", "mean"), ("SD", "sd"), ("Median", "median")] {
                    assert!(
                        close(&row[ours], &expected[theirs]),
                        "{ctx} {ours}: {} vs {}",
                        row[ours],
                        expected[theirs]
                    );
                }
                ratings += 1;
            } else if title.contains("choice items") {
                let expected = &reference["select_all"][question];
                assert!(expected.is_object(), "{ctx}: not in the reference");
                let label = row["Option"].as_str().unwrap();
                let (code, _) = reference["labels"]["select_all"][question]
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(_, l)| l.as_str() == Some(label))
                    .unwrap_or_else(|| panic!("{ctx}: option {label} not in the reference"));
                assert_eq!(row["n"], expected["counts"][code], "{ctx} {label}");
                assert_eq!(row["Base n"], expected["base"], "{ctx} {label}");
                assert_eq!(row["Missing"], expected["missing"], "{ctx} {label}");
                *options_seen.entry(question.to_string()).or_default() += 1;
                choices += 1;
            }
        }
    }
    for (question, expected) in reference["select_all"].as_object().unwrap() {
        assert_eq!(
            options_seen.get(question).copied().unwrap_or(0),
            expected["counts"].as_object().unwrap().len(),
            "{context}: options of {question}"
        );
    }
    (ratings, choices)
}

#[test]
fn no_basis_summary_matches_the_pandas_reference_in_both_layouts() {
    let reference = reference();
    assert_eq!(reference["respondents"], 15);
    // 9 rating items; 7 select-all questions with 5 + 3 x 3 + 3 x 4 = 26 options.
    for export in [&NO_BASIS, &NO_BASIS_LEGACY] {
        assert_eq!(
            check_summary(&export.summary_of_file(), &reference, export.file),
            (9, 26),
            "{}",
            export.file
        );
    }
    let ws = NO_BASIS_LEGACY.imported();
    let output = ws
        .cmd()
        .arg("--codebook")
        .arg(NO_BASIS_LEGACY.codebook_path())
        .args(["summary", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let from_store: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(check_summary(&from_store, &reference, "store"), (9, 26));
}

/// Every answer of every respondent of `pilot`, question columns in store order, and the free
/// text answers, by respondent.
fn answers(ws: &TestWorkspace, pilot: &str) -> (Vec<Vec<Sql>>, Vec<Vec<Sql>>) {
    let columns: Vec<String> = question_columns(ws)
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    let stored = rows(
        ws,
        &format!(
            "SELECT respondent_id, finished, {} FROM responses WHERE pilot_id = '{pilot}'
             ORDER BY respondent_id",
            columns.join(", ")
        ),
    );
    let texts = rows(
        ws,
        &format!(
            "SELECT r.respondent_id, t.question_id, t.value FROM text_answers t
             JOIN responses r ON r.id = t.response_id WHERE r.pilot_id = '{pilot}'
             ORDER BY 1, 2"
        ),
    );
    (stored, texts)
}

#[test]
fn both_layouts_of_a_survey_store_the_same_answers() {
    for (current, legacy, columns, texts) in [
        (&NO_BASIS, &NO_BASIS_LEGACY, 16, 0),
        (&MATRIX, &MATRIX_LEGACY, 15, 5),
        (&SAMPLE, &SAMPLE_LEGACY, 1, 1),
    ] {
        let ws = TestWorkspace::new();
        current.import_into(&ws, &[]);
        legacy.import_into(&ws, &["--pilot", "P02"]);
        assert_eq!(question_columns(&ws).len(), columns, "{}", current.file);
        let (stored, text_answers) = answers(&ws, "P01");
        assert_eq!(stored.len() as i64, current.respondents, "{}", current.file);
        assert_eq!(text_answers.len(), texts, "{}", current.file);
        assert_eq!(
            (stored, text_answers),
            answers(&ws, "P02"),
            "{}",
            current.file
        );
    }

    // The same 15 responses; the Insights layout writes every StartDate 2 hours later than
    // the legacy one (time zones), and mctrack keeps each as written.
    let ws = TestWorkspace::new();
    NO_BASIS.import_into(&ws, &[]);
    NO_BASIS_LEGACY.import_into(&ws, &["--pilot", "P02"]);
    let mut ids = NO_BASIS_IDS;
    ids.sort_unstable();
    let ids: Vec<Sql> = ids.map(text).to_vec();
    for pilot in ["P01", "P02"] {
        assert_eq!(
            rows(
                &ws,
                &format!(
                    "SELECT respondent_id FROM responses WHERE pilot_id = '{pilot}' ORDER BY respondent_id"
                )
            )
            .into_iter()
            .map(|mut r| r.remove(0))
            .collect::<Vec<_>>(),
            ids
        );
    }
    assert_eq!(
        ws.count(
            "SELECT count(*) FROM responses i JOIN responses l
             ON i.respondent_id = l.respondent_id AND i.pilot_id = 'P01' AND l.pilot_id = 'P02'
             WHERE i.started_at = datetime(l.started_at, '+2 hours')
               AND i.ended_at = datetime(l.ended_at, '+2 hours')"
        ),
        15
    );
}
