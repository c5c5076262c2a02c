//! Real SurveyMonkey and Google Forms exports, and a synthetic Microsoft Forms one, imported
//! with no editing: platform detection, respondent counts, cell values, identifiers kept out of
//! the store, and the Star Wars summary against an independent pandas computation
//! (tests/reference/platform_surveymonkey.py -> tests/fixtures/reference/platform_surveymonkey.json).
//! Fixtures, codebooks and mapping files are under tests/fixtures/ with their provenance.

mod common;

use std::path::PathBuf;

use common::{stderr_of, stdout_of, TestWorkspace};
use rusqlite::types::Value as Sql;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

const STARWARS: &str = "platforms/surveymonkey/fivethirtyeight_StarWars.csv";
const STEAK: &str = "platforms/surveymonkey/fivethirtyeight_steak-risk-survey.csv";
const MIDWEST: &str = "platforms/surveymonkey/fivethirtyeight_region-survey_MIDWEST.csv";
const GOOGLE: &str = "platforms/google_forms/autistica_turing_form_responses_1.csv";
const MS_FORMS: &str = "platforms/ms_forms/ms_forms_synthetic.csv";

const FAVOURABILITY: [&str; 14] = [
    "FAV_HAN",
    "FAV_LUKE",
    "FAV_LEIA",
    "FAV_ANAKIN",
    "FAV_OBIWAN",
    "FAV_PALPATINE",
    "FAV_VADER",
    "FAV_LANDO",
    "FAV_BOBA",
    "FAV_C3PO",
    "FAV_R2D2",
    "FAV_JARJAR",
    "FAV_PADME",
    "FAV_YODA",
];

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(FIXTURES).join(relative)
}

/// `--codebook codebooks/NAME.toml COMMAND FILE --map maps/NAME.toml`.
fn run(
    ws: &TestWorkspace,
    name: &str,
    command: &str,
    file: &str,
    extra: &[&str],
) -> std::process::Output {
    ws.cmd()
        .arg("--codebook")
        .arg(fixture(&format!("codebooks/{name}.toml")))
        .arg(command)
        .arg(fixture(file))
        .arg("--map")
        .arg(fixture(&format!("maps/{name}.toml")))
        .args(extra)
        .output()
        .unwrap()
}

/// A fresh workspace holding one import of `file`, which must succeed with nothing rejected.
fn imported(name: &str, file: &str) -> TestWorkspace {
    let ws = TestWorkspace::new();
    let output = run(&ws, name, "import", file, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "import of {file} failed\nstdout:\n{}\nstderr (first lines):\n{}",
        stdout_of(&output),
        stderr_of(&output)
            .lines()
            .take(12)
            .collect::<Vec<_>>()
            .join("\n")
    );
    ws
}

/// Every row of a query, each value as SQLite returned it.
fn rows(ws: &TestWorkspace, sql: &str) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    let mut out = Vec::new();
    let mut result = stmt.query([]).unwrap();
    while let Some(row) = result.next().unwrap() {
        out.push((0..width).map(|i| row.get::<_, Sql>(i).unwrap()).collect());
    }
    out
}

/// The one row of a query.
fn row(ws: &TestWorkspace, sql: &str) -> Vec<Sql> {
    let mut all = rows(ws, sql);
    assert_eq!(all.len(), 1, "{sql}");
    all.remove(0)
}

fn text(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

fn int(i: i64) -> Sql {
    Sql::Integer(i)
}

fn real(x: f64) -> Sql {
    Sql::Real(x)
}

/// (format, encoding, rows accepted, rows rejected, dropped columns) of the only import.
fn import_record(ws: &TestWorkspace) -> Vec<Sql> {
    row(
        ws,
        "SELECT format, encoding, rows_accepted, rows_rejected, dropped_columns FROM imports",
    )
}

/// (value, count) of one question's column, NULL first, then by value.
fn tally(ws: &TestWorkspace, column: &str) -> Vec<(Sql, i64)> {
    rows(
        ws,
        &format!("SELECT \"{column}\", count(*) FROM responses GROUP BY 1 ORDER BY 1"),
    )
    .into_iter()
    .map(|r| match &r[1] {
        Sql::Integer(n) => (r[0].clone(), *n),
        other => panic!("count is {other:?}"),
    })
    .collect()
}

// --- SurveyMonkey: Star Wars (Windows-1252, check-all, ranks, favourability scale) ----------

#[test]
fn starwars_is_surveymonkey_read_as_windows_1252_with_all_1186_respondents() {
    let ws = TestWorkspace::new();
    let output = run(&ws, "surveymonkey_starwars", "import", STARWARS, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("read as Windows-1252"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(
        import_record(&ws),
        [
            text("SurveyMonkey"),
            text("Windows-1252"),
            int(1186),
            int(0),
            text("")
        ]
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 1186);
    assert_eq!(
        ws.count("SELECT count(DISTINCT respondent_id) FROM responses"),
        1186
    );
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE pilot_id = 'P01' AND wave = 'exit' AND role = 'learner'"),
        1186
    );
}

#[test]
fn starwars_cells_parse_to_codebook_codes() {
    let ws = imported("surveymonkey_starwars", STARWARS);
    let select = |id: &str| {
        row(
            &ws,
            &format!(
                "SELECT SEEN_ANY, SW_FAN, SEEN, RANK_EP1, RANK_EP2, RANK_EP3, RANK_EP4, RANK_EP5, RANK_EP6, {}, SHOT_FIRST, EU_FAMILIAR, EU_FAN, TREK_FAN, GENDER, AGE, INCOME, EDUCATION, REGION FROM responses WHERE respondent_id = '{id}'",
                FAVOURABILITY.join(", ")
            ),
        )
    };
    let null = Sql::Null;
    // Row 1075: four films seen, every favourability level, "Unfamiliar (N/A)" for Palpatine.
    let expected: Vec<Sql> = [
        vec![int(1), int(0), text("ep1;ep4;ep5;ep6")],
        [4.0, 5.0, 6.0, 2.0, 3.0, 1.0].map(real).to_vec(),
        vec![
            int(5),
            int(5),
            int(5),
            int(5),
            int(5),
            null.clone(),
            int(1),
            int(3),
            int(2),
            int(5),
            int(5),
            int(4),
            int(5),
            int(5),
        ],
        vec![
            text("dont_understand"),
            int(0),
            null.clone(),
            int(0),
            text("female"),
            text("18_29"),
            text("100000_149999"),
            text("bachelor"),
            text("east_south_central"),
        ],
    ]
    .concat();
    assert_eq!(select("3288567242"), expected);
    // Row 3: all six films; Lando and Boba Fett "Unfamiliar (N/A)"; the Expanded Universe fan
    // question, whose header ends in the Windows-1252 bytes "Œæ", answered "No".
    let expected: Vec<Sql> = [
        vec![int(1), int(1), text("ep1;ep2;ep3;ep4;ep5;ep6")],
        [3.0, 2.0, 1.0, 4.0, 5.0, 6.0].map(real).to_vec(),
        vec![
            int(5),
            int(5),
            int(5),
            int(5),
            int(5),
            int(5),
            int(5),
            null.clone(),
            null.clone(),
            int(5),
            int(5),
            int(5),
            int(5),
            int(5),
        ],
        vec![
            text("dont_understand"),
            int(1),
            int(0),
            int(0),
            text("male"),
            text("18_29"),
            null.clone(),
            text("hs"),
            text("south_atlantic"),
        ],
    ]
    .concat();
    assert_eq!(select("3292879998"), expected);
    // Row 4: has seen none of the films; everything up to the Star Trek question is empty.
    let no_films = select("3292879538");
    assert_eq!(no_films[0], int(0));
    assert!(
        no_films[1..26].iter().all(|v| *v == Sql::Null),
        "{no_films:?}"
    );
    assert_eq!(no_films[26], int(1));
    // "Unfamiliar (N/A)" is a missing code: never stored as a level.
    assert_eq!(
        tally(&ws, "FAV_PALPATINE"),
        [
            (Sql::Null, 528),
            (int(1), 124),
            (int(2), 68),
            (int(3), 213),
            (int(4), 143),
            (int(5), 110)
        ]
    );
}

#[test]
fn starwars_summary_matches_the_pandas_reference() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("reference/platform_surveymonkey.json")).unwrap(),
    )
    .unwrap();
    let ws = TestWorkspace::new();
    let output = run(
        &ws,
        "surveymonkey_starwars",
        "summary",
        STARWARS,
        &["--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let close = |got: &Value, want: &Value, context: &str| {
        let (g, w) = (got.as_f64(), want.as_f64().unwrap());
        assert!(
            g.is_some_and(|g| (g - w).abs() <= 1e-9),
            "{context}: {got} against pandas {want}"
        );
    };
    let respondents = reference["respondents"].as_i64().unwrap();
    assert_eq!(respondents, 1186);
    let mut items_checked = Vec::new();
    let mut films_checked = Vec::new();
    for table in summary["tables"].as_array().unwrap() {
        for r in table["rows"].as_array().unwrap() {
            let Some(question) = r.get("Question").and_then(Value::as_str) else {
                continue;
            };
            if let Some(want) = reference["favourability"].get(question) {
                assert_eq!(r["Base n"], want["n"], "{question} base");
                assert_eq!(r["Missing"], want["missing"], "{question} missing");
                let counts = want["counts"].as_array().unwrap();
                let base = want["n"].as_f64().unwrap();
                for (k, count) in counts.iter().enumerate() {
                    assert_eq!(r[format!("n {}", k + 1)], *count, "{question} n {}", k + 1);
                    let percent = Value::from(count.as_f64().unwrap() * 100.0 / base);
                    close(
                        &r[format!("% {}", k + 1)],
                        &percent,
                        &format!("{question} % {}", k + 1),
                    );
                }
                close(&r["Mean"], &want["mean"], &format!("{question} mean"));
                close(&r["SD"], &want["sd"], &format!("{question} sd"));
                close(&r["Median"], &want["median"], &format!("{question} median"));
                items_checked.push(question.to_string());
            } else if question == "SEEN" {
                let seen = &reference["seen_films"];
                let option = r["Option"].as_str().unwrap();
                let want = seen["films"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["label"] == option)
                    .unwrap_or_else(|| panic!("film {option:?} is not in the reference"));
                assert_eq!(r["Base n"], seen["base"], "{option} base");
                assert_eq!(
                    r["Missing"].as_i64(),
                    Some(respondents - seen["base"].as_i64().unwrap()),
                    "{option} missing"
                );
                assert_eq!(r["n"], want["n"], "{option} n");
                close(&r["%"], &want["percent"], &format!("{option} %"));
                films_checked.push(option.to_string());
            }
        }
    }
    assert_eq!(
        items_checked, FAVOURABILITY,
        "every favourability item once"
    );
    let films: Vec<&str> = reference["seen_films"]["films"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(films_checked, films, "every film once");
}

// --- SurveyMonkey: steak risk (<br> in a header, ordinal item) -------------------------------

#[test]
fn steak_imports_550_respondents_with_the_br_header_and_the_ordinal_item() {
    let ws = imported("surveymonkey_steak", STEAK);
    assert_eq!(
        import_record(&ws),
        [
            text("SurveyMonkey"),
            text("UTF-8"),
            int(550),
            int(0),
            text("")
        ]
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 550);
    // The lottery question's header is written with <br> tags.
    assert_eq!(
        tally(&ws, "LOTTERY"),
        [(Sql::Null, 4), (text("a"), 267), (text("b"), 279)]
    );
    assert_eq!(
        tally(&ws, "STEAK_DONENESS"),
        [
            (Sql::Null, 118),
            (int(1), 23),
            (int(2), 166),
            (int(3), 132),
            (int(4), 75),
            (int(5), 36)
        ]
    );
    assert_eq!(
        row(
            &ws,
            "SELECT LOTTERY, SMOKE, ALCOHOL, GAMBLE, SKYDIVE, SPEEDING, CHEATED, EAT_STEAK, STEAK_DONENESS, GENDER, AGE, INCOME, EDUCATION, REGION FROM responses WHERE respondent_id = '3234982343'"
        ),
        [
            text("a"),
            int(0),
            int(1),
            int(0),
            int(0),
            int(0),
            int(0),
            int(1),
            int(2),
            text("male"),
            text("over_60"),
            text("50000_99999"),
            text("some_college_associate"),
            text("east_north_central")
        ]
    );
}

// --- SurveyMonkey: MIDWEST (expanded layout) -------------------------------------------------

#[test]
fn midwest_expanded_layout_imports_all_2778_respondents() {
    let ws = imported("surveymonkey_midwest", MIDWEST);
    assert_eq!(
        import_record(&ws),
        [
            text("SurveyMonkey"),
            text("UTF-8"),
            int(2778),
            int(0),
            text("In what ZIP code is your home located? (enter 5-digit ZIP code; for example, 00544 or 94305)")
        ]
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 2778);
    // One single-choice question spread over four columns.
    assert_eq!(
        tally(&ws, "MIDWEST_IDENTITY"),
        [
            (text("a_lot"), 770),
            (text("not_at_all"), 1075),
            (text("not_much"), 346),
            (text("some"), 587)
        ]
    );
    // The last question's options run to the last column (header row 1 is empty there).
    assert_eq!(ws.count("SELECT count(REGION) FROM responses"), 2494);
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE REGION = 'pacific'"),
        243
    );
    assert_eq!(ws.count("SELECT count(AGE) FROM responses"), 2503);
    assert_eq!(
        ws.count("SELECT count(*) FROM responses WHERE MIDWEST_STATES LIKE '%illinois%'"),
        1954
    );
    let select = |id: &str| {
        row(
            &ws,
            &format!(
                "SELECT MIDWEST_IDENTITY, MIDWEST_STATES, GENDER, AGE, INCOME, EDUCATION, REGION FROM responses WHERE respondent_id = '{id}'"
            ),
        )
    };
    assert_eq!(
        select("3126807211"),
        [
            text("not_much"),
            text("colorado"),
            text("male"),
            text("18_29"),
            text("50000_99999"),
            text("hs"),
            text("west_south_central")
        ]
    );
    assert_eq!(
        select("3123400932"),
        [
            text("a_lot"),
            text("kansas;colorado;wyoming"),
            text("female"),
            text("18_29"),
            text("50000_99999"),
            text("some_college"),
            text("pacific")
        ]
    );
    assert_eq!(
        select("3126726778"),
        [
            text("some"),
            text("illinois;indiana;iowa;ohio;kentucky"),
            text("male"),
            text("18_29"),
            text("150000_plus"),
            text("some_college"),
            text("east_north_central")
        ]
    );
    assert_eq!(
        row(
            &ws,
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '3123400932' AND t.question_id = 'REGION_NAME'"
        ),
        [text("Hawaii")]
    );
    // The ZIP code (a quasi-identifier) is dropped: 96734 was this respondent's.
    assert!(!ws.dump().contains("96734"));
    assert_eq!(
        ws.count("SELECT count(*) FROM text_answers WHERE question_id <> 'REGION_NAME'"),
        0
    );
}

// --- Google Forms ----------------------------------------------------------------------------

#[test]
fn google_forms_imports_42_responses_keyed_by_timestamp() {
    let ws = imported("google_forms_autistica", GOOGLE);
    assert_eq!(
        import_record(&ws),
        [
            text("Google Forms"),
            text("UTF-8"),
            int(42),
            int(0),
            text("")
        ]
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 42);
    assert_eq!(
        row(
            &ws,
            "SELECT respondent_id, submitted_date, CONSENT, CONNECTION, USE_INFO FROM responses WHERE source_row = 2"
        ),
        [
            text("8/21/2019 13:10:31"),
            text("2019-08-21"),
            int(1),
            text("autistic"),
            int(1)
        ]
    );
    // A one-digit hour.
    assert_eq!(
        row(
            &ws,
            "SELECT submitted_date, CONNECTION FROM responses WHERE respondent_id = '1/28/2020 6:34:53'"
        ),
        [text("2020-01-28"), text("prefer_not")]
    );
}

#[test]
fn google_forms_checkbox_sets_and_free_text_are_kept_whole() {
    let ws = imported("google_forms_autistica", GOOGLE);
    // "I am autistic, I am a parent/ guardian of someone autistic, I know someone who is autistic"
    assert_eq!(
        row(
            &ws,
            "SELECT CONNECTION FROM responses WHERE respondent_id = '9/24/2019 13:51:45'"
        ),
        [text("autistic;parent_guardian;know_someone")]
    );
    // Four choices joined with ", ", the parent/ guardian label among them.
    assert_eq!(
        row(
            &ws,
            "SELECT CONNECTION FROM responses WHERE respondent_id = '1/27/2021 16:47:32'"
        ),
        [text(
            "autistic;parent_guardian;know_someone;other_connection"
        )]
    );
    assert_eq!(
        tally(&ws, "CONNECTION"),
        [
            (text("autistic"), 19),
            (text("autistic;family;know_someone;other_connection"), 1),
            (text("autistic;parent_guardian"), 1),
            (text("autistic;parent_guardian;family;know_someone"), 3),
            (text("autistic;parent_guardian;know_someone"), 8),
            (
                text("autistic;parent_guardian;know_someone;other_connection"),
                1
            ),
            (text("family;know_someone"), 1),
            (text("know_someone;other_connection"), 2),
            (text("no_connection"), 1),
            (text("parent_guardian"), 3),
            (text("parent_guardian;family"), 1),
            (text("prefer_not"), 1)
        ]
    );
    assert_eq!(
        row(
            &ws,
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '9/4/2019 21:26:05' AND t.question_id = 'NEEDS'"
        ),
        [text("I have sensory issues mainly, but not exclusively, problems with auditory overload. \nI have no concerns. Keen to help in any way I can")]
    );
    // Twelve embedded line feeds (two of them a blank line), kept as written.
    assert_eq!(
        row(
            &ws,
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '9/11/2019 13:27:40' AND t.question_id = 'NEEDS'"
        ),
        [text(concat!(
            "Ideas for Focus Groups:\n\nWhat intrigued you about the project?\n",
            "What's your relationship/connection to autism or the project's issues?\n",
            "What do you expect from this session?\nDo you require any additional support?\n",
            "What's your preferred style of working within a group? Written, verbal, images? - Catering to accessibility\n",
            "Incorporate a quiet space if it gets too much\n",
            "Do people have mobility impairments? Be prepared for this.\n",
            "No more than 2-3 questions per turn (break up session) - if people have extra questions or suggestions put in a comment box so they can still be responded to\n",
            "In case people have difficulties, e.g. anxiety, have someone to assist/make sure they get included.\n",
            "Make clear that people can't make their own recordings.\n",
            "Booklet or material about what to expect."
        ))]
    );
    assert_eq!(ws.count("SELECT count(*) FROM text_answers"), 28);
}

// --- Microsoft Forms (synthetic) -------------------------------------------------------------

#[test]
fn ms_forms_imports_12_responses_with_trailing_semicolon_multi_select_and_us_dates() {
    let ws = imported("ms_forms_synthetic", MS_FORMS);
    assert_eq!(
        import_record(&ws),
        [
            text("Microsoft Forms"),
            text("UTF-8 with BOM"),
            int(12),
            int(0),
            text("Email; Name")
        ]
    );
    assert_eq!(ws.count("SELECT count(*) FROM responses"), 12);
    let select = |id: &str| {
        row(
            &ws,
            &format!(
                "SELECT submitted_date, started_at, HEARD, ASSESSED, SKILLS_DEMAND, WORKLOAD_FIT, RECOMMEND, RATING, HOURS_WEEK, EARNED FROM responses WHERE respondent_id = '{id}'"
            ),
        )
    };
    // "Project or portfolio;Exam or quiz;" with 1/15/2024 10:01:12 and 10:03:27.
    assert_eq!(
        select("1"),
        [
            text("2024-01-15"),
            text("2024-01-15 10:01:12"),
            text("employer"),
            text("project_portfolio;exam_quiz"),
            int(5),
            int(4),
            int(5),
            int(5),
            real(4.0),
            int(1)
        ]
    );
    // A label with a comma in a quoted cell, and a one-digit hour (1/16/2024 9:05:33).
    assert_eq!(
        select("3"),
        [
            text("2024-01-16"),
            text("2024-01-16 09:05:33"),
            text("friend_colleague"),
            text("project_portfolio;peer_review;work_placement"),
            int(5),
            int(2),
            int(4),
            int(4),
            real(8.0),
            int(1)
        ]
    );
    // A single choice followed by ";", and a multi-select left empty.
    assert_eq!(select("5")[3], text("exam_quiz"));
    assert_eq!(select("9")[3], Sql::Null);
    assert_eq!(
        select("10")[3],
        text("project_portfolio;exam_quiz;peer_review;presentation;work_placement;other")
    );
    assert_eq!(select("11")[8], Sql::Null);
    assert_eq!(
        row(
            &ws,
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '3'"
        ),
        [text("Shorter videos, please.\nAnd the quizzes could be open for longer.")]
    );
    assert_eq!(
        row(
            &ws,
            "SELECT t.value FROM text_answers t JOIN responses r ON r.id = t.response_id WHERE r.respondent_id = '4'"
        ),
        [text("The \"capstone\" week was too heavy; spread it out.")]
    );
}

#[test]
fn ms_forms_email_and_name_never_reach_the_store() {
    let ws = TestWorkspace::new();
    let output = run(&ws, "ms_forms_synthetic", "import", MS_FORMS, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("dropped identifier column(s) \"Email\", \"Name\""),
        "{}",
        stderr_of(&output)
    );
    let dump = ws.dump();
    for value in [
        "anonymous",
        "@example",
        "Tremblay",
        "Jaspreet",
        "Singh",
        "Linh Nguyen",
        "Mensah",
    ] {
        assert!(!dump.contains(value), "{value} reached the store");
    }
    let columns = rows(&ws, "SELECT name FROM pragma_table_info('responses')");
    assert!(
        !columns
            .iter()
            .any(|c| matches!(&c[0], Sql::Text(n) if n.eq_ignore_ascii_case("email") || n.eq_ignore_ascii_case("name"))),
        "{columns:?}"
    );
    assert!(
        !ws.path().join("reports/rejected").exists() || {
            std::fs::read_dir(ws.path().join("reports/rejected"))
                .unwrap()
                .next()
                .is_none()
        }
    );
}

#[test]
fn validate_accepts_every_platform_fixture_unedited() {
    let ws = TestWorkspace::new();
    let mut failures = Vec::new();
    for (name, file) in [
        ("surveymonkey_starwars", STARWARS),
        ("surveymonkey_steak", STEAK),
        ("surveymonkey_midwest", MIDWEST),
        ("google_forms_autistica", GOOGLE),
        ("ms_forms_synthetic", MS_FORMS),
    ] {
        let output = run(&ws, name, "validate", file, &[]);
        if output.status.code() != Some(0) {
            failures.push(format!(
                "{file}: exit {:?}\n{}",
                output.status.code(),
                stderr_of(&output)
                    .lines()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
