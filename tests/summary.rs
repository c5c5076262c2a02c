//! `mctrack summary` on the bundled sample against an independent pandas computation from the
//! same CSV files (tests/reference/make_reference.py -> sample_summary.json), and the output
//! formats and suppression on small data.

mod common;

use std::collections::HashMap;

use common::{sample_dir, stderr_of, stdout_of, TestWorkspace};
use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference/sample_summary.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn imported_sample() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let output = ws
        .cmd()
        .arg("import")
        .arg(sample_dir())
        .arg("--skip-invalid")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    ws
}

fn summary_json(ws: &TestWorkspace, args: &[&str]) -> Value {
    let output = ws
        .cmd()
        .arg("summary")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn close(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        _ => a.is_null() && b.is_null(),
    }
}

/// Checks every row of every table against the reference entries for `group` (None: overall).
fn check_against_reference(summary: &Value, reference: &Value, group: Option<&str>) -> usize {
    let mut checked = 0;
    let mut option_counts: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for table in summary["tables"].as_array().unwrap() {
        let title = table["title"].as_str().unwrap();
        for row in table["rows"].as_array().unwrap() {
            let Some(question) = row.get("Question").and_then(Value::as_str) else {
                continue;
            };
            let wave = row.get("Wave").and_then(Value::as_str).unwrap_or("");
            if group.is_some_and(|g| g != wave) {
                continue;
            }
            let expected = match group {
                Some(g) => &reference["by_wave"][g][question],
                None => &reference["overall"][question],
            };
            let ctx = format!("{title} {question} {wave}");
            if title.contains("rating items") {
                assert_eq!(row["Base n"], expected["base"], "{ctx}");
                assert_eq!(row["Missing"], expected["missing"], "{ctx}");
                let base = expected["base"].as_f64().unwrap();
                for (k, count) in expected["counts"].as_array().unwrap().iter().enumerate() {
                    let percent = Value::from(count.as_f64().unwrap() * 100.0 / base);
                    assert!(
                        close(&row[format!("% {}", k + 1)], &percent),
                        "{ctx} level {k}"
                    );
                }
                for (ours, theirs) in [
                    ("Mean", "mean"),
                    ("SD", "sd"),
                    ("Median", "median"),
                    ("Top-2 %", "top2"),
                    ("Bottom-2 %", "bottom2"),
                ] {
                    assert!(
                        close(&row[ours], &expected[theirs]),
                        "{ctx} {ours}: {} vs {}",
                        row[ours],
                        expected[theirs]
                    );
                }
                checked += 1;
            } else if title.contains("choice items") {
                assert_eq!(row["Base n"], expected["base"], "{ctx}");
                assert_eq!(row["Missing"], expected["missing"], "{ctx}");
                option_counts
                    .entry((title.to_string(), question.to_string()))
                    .or_default()
                    .push(row["n"].as_i64().unwrap());
            } else if title.contains("numeric items") {
                assert_eq!(row["Base n"], expected["base"], "{ctx}");
                assert_eq!(row["Missing"], expected["missing"], "{ctx}");
                for (ours, theirs) in [
                    ("Mean", "mean"),
                    ("SD", "sd"),
                    ("Median", "median"),
                    ("Min", "min"),
                    ("Max", "max"),
                    ("Sum", "sum"),
                ] {
                    assert!(close(&row[ours], &expected[theirs]), "{ctx} {ours}");
                }
                checked += 1;
            }
        }
    }
    for ((_, question), mut counts) in option_counts {
        let expected = match group {
            Some(g) => &reference["by_wave"][g][&question],
            None => &reference["overall"][&question],
        };
        let mut theirs: Vec<i64> = expected["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_i64().unwrap())
            .collect();
        if theirs.len() == 2 && counts.len() == 2 {
            // Yes/no rows are shown yes first; the reference lists no first.
            theirs.reverse();
        }
        counts.truncate(theirs.len());
        assert_eq!(counts, theirs, "{question}");
        checked += 1;
    }
    checked
}

#[test]
fn the_sample_summary_matches_pandas() {
    let ws = imported_sample();
    let reference = reference();
    let summary = summary_json(&ws, &[]);
    assert_eq!(
        summary["title"]
            .as_str()
            .unwrap()
            .split(" (")
            .next()
            .unwrap(),
        format!("Summary of {} responses", reference["responses"])
    );
    let overview = &summary["tables"][0];
    for row in overview["rows"].as_array().unwrap() {
        let role = row["Role"].as_str().unwrap();
        if role != "all" {
            assert_eq!(row["Responses"], reference["by_role"][role], "{role}");
        }
    }
    // Every non-text question of the codebook is checked at least once.
    let checked = check_against_reference(&summary, &reference, None);
    assert!(checked >= 46, "checked {checked}");

    let by_wave = summary_json(&ws, &["--by", "wave"]);
    for wave in ["exit", "followup_3m", "followup_6m", "annual"] {
        assert!(
            check_against_reference(&by_wave, &reference, Some(wave)) >= 40,
            "{wave}"
        );
    }
}

#[test]
fn summarising_files_directly_equals_summarising_the_store() {
    let ws = imported_sample();
    let from_store = summary_json(&ws, &["--rec", "R7", "--by", "role"]);
    let output = ws
        .cmd()
        .arg("summary")
        .arg(sample_dir())
        .args(["--rec", "R7", "--by", "role", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let from_files: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(from_files["tables"], from_store["tables"]);
    assert!(stderr_of(&output).contains("P09_exit.csv: 1 invalid row(s) left out"));
}

#[test]
fn every_recommendation_has_a_section_and_every_question_a_row() {
    let ws = imported_sample();
    let summary = summary_json(&ws, &[]);
    let titles: Vec<&str> = summary["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    for rec in [
        "R1 networks",
        "R2 assessment",
        "R3 skills-mapping",
        "R4 framework",
        "R5 innovation",
        "R6 awareness",
        "R7 equity",
        "R8 feedback",
    ] {
        assert!(titles.iter().any(|t| t.starts_with(rec)), "{rec}");
    }
    let text = summary.to_string();
    for q in ["L15", "P06"] {
        assert!(
            text.contains(&format!("\"Question\":\"{q}\"")),
            "free-text question {q} counted"
        );
    }
    // Free text itself never appears.
    assert!(!text.contains("Evening sessions for people who work days"));
}

fn small_workspace() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,submitted_date,L06,E04\n");
    for i in 1..=12 {
        text.push_str(&format!(
            "L{i},P01,exit,learner,2020-01-10,{},\n",
            i % 5 + 1
        ));
    }
    for i in 1..=4 {
        text.push_str(&format!(
            "E{i},P01,exit,employer,2020-01-10,,{}\n",
            i % 5 + 1
        ));
    }
    ws.write("small.csv", text);
    ws.cmd().args(["import", "small.csv"]).assert().success();
    ws
}

#[test]
fn csv_output_states_bases_and_suppresses_small_cells() {
    let ws = small_workspace();
    let output = ws
        .cmd()
        .args(["summary", "--question", "L06,E04", "--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        stdout_of(&output),
        "# Responses in scope\n\
Role,Responses,Pilots,Waves\n\
learner,12,1,1\n\
employer,suppressed,suppressed,suppressed\n\
all,suppressed,suppressed,suppressed\n\
# s = suppressed: fewer than 10 responses; the total is withheld with a small role, so that the role cannot be worked out from it.\n\
\n\
# Selected questions — rating items (agree5 scale)\n\
Question,Base n,Missing,n 1,% 1,n 2,% 2,n 3,% 3,n 4,% 4,n 5,% 5,Mean,SD,Median,Top-2 %,Bottom-2 %\n\
L06,12,0,2,16.666666666666668,3,25,3,25,2,16.666666666666668,2,16.666666666666668,2.9166666666666665,1.378954368902449,3,33.333333333333336,41.666666666666664\n\
E04,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed\n\
# Levels: 1 = Strongly disagree, 2 = Disagree, 3 = Neither agree nor disagree, 4 = Agree, 5 = Strongly agree; each level shows count (% of base). Base n = respondents asked the question who gave a rating. Missing = blank or a missing code (N/A, Don't know); excluded from every percentage. Top-2 = the 2 highest levels, bottom-2 the 2 lowest.\n\
# s = suppressed: fewer than 10 respondents answered (privacy.min_cell); every figure in that row is withheld.\n\
# L06: The skills taught are in demand by employers in my field.\n\
# E04: The competencies targeted reflect skills our organization needs now.\n"
    );
}

#[test]
fn every_format_suppresses_and_says_so() {
    let ws = small_workspace();
    for format in ["table", "markdown", "json"] {
        let output = ws
            .cmd()
            .args(["summary", "--question", "E04", "--format", format])
            .output()
            .unwrap();
        let text = stdout_of(&output);
        assert!(
            text.contains("fewer than 10 respondents"),
            "{format}: {text}"
        );
        assert!(!text.contains("\"Base n\": 4"), "{format}: {text}");
        let e04_row = text
            .lines()
            .find(|l| l.contains("E04") && !l.contains("E04:"))
            .unwrap_or("");
        if format != "json" {
            assert!(
                !e04_row
                    .replace("E04", "")
                    .chars()
                    .any(|c| c.is_ascii_digit()),
                "{format}: {e04_row}"
            );
        }
    }
    let markdown = ws
        .cmd()
        .args(["summary", "--question", "L06", "--format", "markdown"])
        .output()
        .unwrap();
    let e04 = ws
        .cmd()
        .args(["summary", "--question", "E04", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(stdout_of(&e04).contains("| E04 | s | s | s | s | s | s | s | s | s | s | s | s |"));
    assert!(stdout_of(&markdown).contains(
        "| L06 | 12 | 0 | 2 (16.7) | 3 (25.0) | 3 (25.0) | 2 (16.7) | 2 (16.7) | 2.92 | 1.38 | 3.0 | 33.3 | 41.7 |"
    ));
}

#[test]
fn filters_select_roles_pilots_and_waves() {
    let ws = imported_sample();
    let summary = summary_json(
        &ws,
        &[
            "--role", "employer", "--pilot", "P07", "--wave", "exit", "--rec", "R1",
        ],
    );
    let overview = &summary["tables"][0]["rows"];
    assert_eq!(overview[0]["Role"], "employer");
    assert_eq!(overview.as_array().unwrap().len(), 2, "employer and all");
    // One pilot's employers are fewer than 10: their ratings are suppressed.
    let rating = &summary["tables"][1]["rows"][0];
    assert_eq!(rating["Question"], "E06");
    assert_eq!(rating["Mean"], "suppressed");
    let output = ws
        .cmd()
        .args(["summary", "--wave", "monthly"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_of(&output),
        "error: wave monthly is unknown; expected one of exit, followup_3m, followup_6m, annual\n"
    );
}

#[test]
fn output_to_a_file_writes_it_whole() {
    let ws = small_workspace();
    ws.cmd()
        .args([
            "summary",
            "--question",
            "L06",
            "--format",
            "json",
            "-o",
            "out/summary.json",
        ])
        .assert()
        .success()
        .stderr("wrote out/summary.json\n");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("out/summary.json")).unwrap())
            .unwrap();
    assert_eq!(written["tables"][1]["rows"][0]["Base n"], 12);
}

#[test]
fn a_lone_suppressed_group_takes_the_next_smallest_with_it() {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,L06\n");
    for (pilot, count) in [("P01", 12), ("P02", 3), ("P03", 15)] {
        for i in 0..count {
            text.push_str(&format!("{pilot}-{i},{pilot},exit,learner,{}\n", 1 + i % 5));
        }
    }
    ws.write("three.csv", text);
    ws.cmd().args(["import", "three.csv"]).assert().success();
    let summary = summary_json(&ws, &["--question", "L06", "--by", "pilot"]);
    let table = &summary["tables"][1];
    let rows = table["rows"].as_array().unwrap();
    let shown: Vec<(&str, &Value)> = rows
        .iter()
        .map(|r| (r["Pilot"].as_str().unwrap(), &r["Base n"]))
        .collect();
    assert_eq!(
        shown,
        [
            ("P01", &Value::from("suppressed")),
            ("P02", &Value::from("suppressed")),
            ("P03", &Value::from(15)),
        ]
    );
    let notes = table["footnotes"].to_string();
    assert!(notes.contains("Complementary suppression"), "{notes}");
    // Without grouping the total stands, and neither small pilot can be derived from it.
    let total = summary_json(&ws, &["--question", "L06"]);
    assert_eq!(total["tables"][1]["rows"][0]["Base n"], 30);
}

#[test]
fn summary_intervals_match_scipy_and_statsmodels() {
    let ws = imported_sample();
    let reference = reference();
    let expected = &reference["compare"]["intervals L08"];
    let number = |v: &Value| v.as_f64().unwrap();
    for (flags, lower, upper) in [
        (&["--intervals"][..], "wilson_lower", "wilson_upper"),
        (&["--intervals", "--exact"][..], "cp_lower", "cp_upper"),
    ] {
        let mut args = vec!["--question", "L08"];
        args.extend_from_slice(flags);
        let summary = summary_json(&ws, &args);
        let row = &summary["tables"][1]["rows"][0];
        assert!(close(&row["Mean 95% lower"], &expected["mean_lower"]));
        assert!(close(&row["Mean 95% upper"], &expected["mean_upper"]));
        assert!(
            close(&row["Top-2 95% lower"], &expected[lower]),
            "{flags:?}"
        );
        assert!(
            close(&row["Top-2 95% upper"], &expected[upper]),
            "{flags:?}"
        );
        assert_eq!(number(&row["Median 95% lower"]), 4.0);
    }
}
