//! Survey weights end to end: a weighted export (tests/fixtures/weighted, made with the
//! estimates by tests/reference/make_weighted_reference.py from numpy, scipy and statsmodels)
//! is imported into a workspace whose codebook names the weight column, and `summary` and
//! `trend` must give the weighted figures, state Kish's effective n and say they are weighted.

mod common;

use common::{TestWorkspace, REPO};
use serde_json::Value;

const ESTIMATE: f64 = 1e-9;

fn reference() -> Value {
    let text =
        std::fs::read_to_string(format!("{REPO}/tests/fixtures/reference/weighted.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The repository's workspace with the codebook's weight column switched on.
fn weighted_workspace() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let codebook = std::fs::read_to_string(ws.path().join("surveys/codebook.toml")).unwrap();
    let line = "# weight = { column = \"weight\" }";
    assert!(codebook.contains(line));
    let codebook = codebook.replace(line, "weight = { column = \"weight\" } #");
    ws.write("surveys/codebook.toml", codebook);
    ws
}

fn imported() -> TestWorkspace {
    let ws = weighted_workspace();
    std::fs::copy(
        format!("{REPO}/tests/fixtures/weighted/responses.csv"),
        ws.path().join("responses.csv"),
    )
    .unwrap();
    ws.cmd()
        .args(["import", "responses.csv"])
        .assert()
        .success();
    ws
}

fn json(ws: &TestWorkspace, args: &[&str]) -> Value {
    let output = ws
        .cmd()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn check(what: &str, actual: &Value, expected: &Value) {
    let (a, e) = (actual.as_f64(), expected.as_f64());
    let (Some(a), Some(e)) = (a, e) else {
        panic!("{what}: got {actual}, expected {expected}");
    };
    assert!(
        (a - e).abs() <= ESTIMATE * e.abs().max(1.0),
        "{what}: got {a}, expected {e}"
    );
}

fn table<'a>(summary: &'a Value, title_part: &str) -> &'a Value {
    summary["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"].as_str().unwrap().contains(title_part))
        .unwrap_or_else(|| panic!("no table titled …{title_part}…"))
}

#[test]
fn summary_estimates_are_weighted_and_match_statsmodels() {
    let ws = imported();
    let reference = reference();
    let summary = json(
        &ws,
        &[
            "summary",
            "--question",
            "L06,L08,L11,L12,P02",
            "--intervals",
        ],
    );
    let ratings = table(&summary, "rating items");
    for (row, id) in ratings["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["L06", "L08"])
    {
        let r = &reference[id];
        assert_eq!(row["Question"], id);
        assert_eq!(row["Base n"], r["n"]);
        assert_eq!(row["Missing"], r["missing"]);
        for (column, key) in [
            ("Eff. n", "n_eff"),
            ("Mean", "mean"),
            ("SD", "sd"),
            ("Median", "median"),
            ("Top-2 %", "top"),
            ("Bottom-2 %", "bottom"),
            ("Mean 95% lower", "mean_lower"),
            ("Mean 95% upper", "mean_upper"),
            ("Median 95% lower", "median_lower"),
            ("Median 95% upper", "median_upper"),
            ("Top-2 95% lower", "top_lower"),
            ("Top-2 95% upper", "top_upper"),
        ] {
            check(&format!("{id} {column}"), &row[column], &r[key]);
        }
        for level in 1..=5 {
            check(
                &format!("{id} level {level}"),
                &row[level.to_string()],
                &r["percents"][level - 1],
            );
        }
    }
    let notes = ratings["footnotes"].to_string();
    assert!(notes.contains("Weighted by the `weight` column"), "{notes}");
    assert!(notes.contains("Woodruff"), "{notes}");

    let choices = table(&summary, "choice items");
    let rows = choices["rows"].as_array().unwrap();
    let yes = &rows[0];
    assert_eq!(
        (&yes["Question"], &yes["Option"]),
        (&"L11".into(), &"Yes".into())
    );
    assert_eq!(yes["Base n"], reference["L11"]["n"]);
    for (column, key) in [
        ("%", "percent"),
        ("Eff. n", "n_eff"),
        ("% 95% lower", "lower"),
        ("% 95% upper", "upper"),
    ] {
        check(
            &format!("L11 {column}"),
            &yes[column],
            &reference["L11"][key],
        );
    }
    let options = [
        "online_profile",
        "resume",
        "showed_current_employer",
        "job_application",
        "toward_further_credential",
        "not_yet",
    ];
    for (row, option) in rows[2..].iter().zip(options) {
        assert_eq!(row["Question"], "L12");
        let r = &reference["L12"][option];
        for (column, key) in [
            ("%", "percent"),
            ("% 95% lower", "lower"),
            ("% 95% upper", "upper"),
        ] {
            check(&format!("L12 {option} {column}"), &row[column], &r[key]);
        }
    }

    let numeric = &table(&summary, "numeric items")["rows"][0];
    let r = &reference["P02"];
    assert_eq!(numeric["Base n"], r["n"]);
    for (column, key) in [
        ("Eff. n", "n_eff"),
        ("Mean", "mean"),
        ("SD", "sd"),
        ("Median", "median"),
        ("Min", "min"),
        ("Max", "max"),
        ("Weighted total", "total"),
    ] {
        check(&format!("P02 {column}"), &numeric[column], &r[key]);
    }
}

#[test]
fn trend_estimates_and_changes_are_weighted() {
    let ws = imported();
    let reference = reference();
    for (measure, key) in [("mean", "trend L06 mean"), ("share", "trend L06 share")] {
        let trend = json(&ws, &["trend", "L06", "--measure", measure]);
        let waves = table(&trend, "weighted) by wave");
        let rows = waves["rows"].as_array().unwrap();
        let expected = reference[key].as_array().unwrap();
        assert_eq!(rows.len(), expected.len());
        for (row, e) in rows.iter().zip(expected) {
            assert_eq!(row["Wave"], e["wave"]);
            for (column, k) in [
                ("Estimate", "estimate"),
                ("95% lower", "lower"),
                ("95% upper", "upper"),
            ] {
                check(
                    &format!("{key} {} {column}", e["wave"]),
                    &row[column],
                    &e[k],
                );
            }
            if e["change"].is_null() {
                assert!(row["Change vs first wave"].is_null());
            } else {
                for (column, k) in [
                    ("Change vs first wave", "estimate"),
                    ("Change lower", "lower"),
                    ("Change upper", "upper"),
                ] {
                    check(
                        &format!("{key} {} {column}", e["wave"]),
                        &row[column],
                        &e["change"][k],
                    );
                }
            }
        }
        let tests = &table(&trend, "Trend tests");
        assert!(tests["rows"][0]["Slope per wave"].is_null());
        assert!(tests["footnotes"].to_string().contains("no slope is given"));
    }
}

#[test]
fn unweighted_figures_are_asked_for_and_labelled_by_their_absence() {
    let ws = imported();
    let summary = json(&ws, &["summary", "--question", "L06", "--unweighted"]);
    let ratings = table(&summary, "rating items");
    let row = &ratings["rows"][0];
    check(
        "unweighted mean",
        &row["Mean"],
        &reference()["L06"]["unweighted_mean"],
    );
    assert!(row.get("Eff. n").is_none());
    assert!(!ratings["footnotes"].to_string().contains("Weighted by"));
}

#[test]
fn comparisons_and_crosstabs_say_which_figures_are_weighted() {
    let ws = imported();
    let compare = json(&ws, &["compare", "L06", "--by", "pilot"]);
    assert!(compare["tables"][0]["footnotes"]
        .to_string()
        .contains("count respondents unweighted"));
    assert!(compare["tables"][1]["footnotes"]
        .to_string()
        .contains("Weighted by the `weight` column"));
    let crosstab = json(&ws, &["crosstab", "L11", "L06"]);
    assert!(crosstab["tables"][0]["footnotes"]
        .to_string()
        .contains("percentages are weighted"));
}

#[test]
fn a_response_without_a_weight_stops_weighted_analysis_and_says_how_to_go_on() {
    let ws = weighted_workspace();
    ws.write(
        "part.csv",
        "response_id,pilot_id,wave,role,weight,L06\nA1,P01,exit,learner,1.5,4\nA2,P01,exit,learner,,5\nA3,P02,exit,learner,0.5,3\n",
    );
    ws.cmd().args(["import", "part.csv"]).assert().success();
    ws.cmd()
        .args(["summary", "--question", "L06"])
        .assert()
        .code(1)
        .stderr("error: 1 of 3 responses in scope have no weight (the first: respondent A2 of pilot P01); give every response a weight, narrow the selection to weighted responses, or add --unweighted\n");
    ws.cmd()
        .args(["summary", "--question", "L06", "--unweighted"])
        .assert()
        .success();
    ws.cmd()
        .args(["summary", "--question", "L06", "--pilot", "P02"])
        .assert()
        .success();
}

#[test]
fn exact_intervals_are_refused_for_weighted_data() {
    let ws = imported();
    ws.cmd()
        .args(["summary", "--question", "L06", "--intervals", "--exact"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("Add --unweighted to use --exact"));
}
