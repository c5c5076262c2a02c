//! `mctrack recs`: the survey evidence behind each recommendation, checked against scipy and
//! statsmodels on the bundled sample (tests/reference/make_reference.py), and the trends the
//! sample generator built in, and only those, marked as movement.

mod common;

use common::{sample_dir, TestWorkspace, REPO};
use serde_json::Value;

fn imported_sample() -> TestWorkspace {
    let ws = TestWorkspace::new();
    ws.cmd()
        .arg("import")
        .arg(sample_dir())
        .arg("--skip-invalid")
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
    assert!(output.status.success(), "{}", common::stderr_of(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn close(what: &str, ours: &Value, theirs: &Value) {
    let (a, b) = (ours.as_f64().unwrap(), theirs.as_f64().unwrap());
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn indicators_match_scipy_and_statsmodels_and_move_where_the_sample_moves() {
    let ws = imported_sample();
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{REPO}/tests/fixtures/reference/sample_summary.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let expected = &reference["compare"]["scorecard"];
    let report = json(&ws, &["recs"]);
    let table = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Indicators against their targets")
        .unwrap();
    let rows = table["rows"].as_array().unwrap();
    let row = |label: &str| rows.iter().find(|r| r["Indicator"] == label).unwrap();
    let l08 = row("L08 top-2 %");
    assert_eq!(l08["Wave"], "annual");
    assert_eq!(l08["n"], expected["L08"]["n"]);
    for (column, key) in [
        ("Estimate", "estimate"),
        ("95% lower", "lower"),
        ("95% upper", "upper"),
    ] {
        close(column, &l08[column], &expected["L08"][key]);
    }
    let e06 = row("E06 top-2 %");
    for (column, key) in [
        ("Change", "estimate"),
        ("Change lower", "lower"),
        ("Change upper", "upper"),
    ] {
        close(column, &e06[column], &expected["E06 change"][key]);
    }
    let p03 = row("P03 mean");
    for (column, key) in [
        ("Estimate", "estimate"),
        ("95% lower", "lower"),
        ("95% upper", "upper"),
        ("Change", "change"),
        ("Change lower", "change_lower"),
        ("Change upper", "change_upper"),
    ] {
        close(column, &p03[column], &expected["P03"][key]);
    }
    let moving: Vec<&str> = rows
        .iter()
        .filter(|r| r["Trend"] != "→ steady")
        .map(|r| r["Indicator"].as_str().unwrap())
        .collect();
    assert_eq!(
        moving,
        ["E06 top-2 %", "P05 top-2 %", "L11 % yes", "L03 % yes"]
    );
    assert!(rows.iter().all(|r| r["Trend"] != "↓ worse"));
    assert_eq!(l08["Status"], "below target");
    assert_eq!(row("L11 % yes")["Status"], "met");
}
