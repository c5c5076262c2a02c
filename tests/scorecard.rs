//! `mctrack recs`: the survey evidence behind each recommendation, checked against scipy and
//! statsmodels on the bundled sample (tests/reference/make_reference.py), and the trends the
//! sample generator built in, and only those, marked as movement.

mod common;

use common::{imported_sample, load_sample_plan, TestWorkspace, REPO};
use serde_json::Value;

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

fn scorecard_rows(ws: &TestWorkspace) -> Vec<Value> {
    let report = json(ws, &["recs", "--as-of", "2026-11-29"]);
    assert_eq!(
        report["tables"][0]["title"],
        "Scorecard: status beside evidence"
    );
    report["tables"][0]["rows"].as_array().unwrap().clone()
}

fn check_of(rows: &[Value], rec: &str) -> String {
    let row = rows.iter().find(|r| r["Rec"] == rec).unwrap();
    row["Check"].as_str().unwrap().to_string()
}

#[test]
fn the_scorecard_sets_the_sample_plan_beside_the_evidence() {
    let ws = imported_sample();
    load_sample_plan(&ws);
    let rows = scorecard_rows(&ws);
    assert_eq!(rows.len(), 8);
    let r1 = &rows[0];
    assert_eq!(r1["Position"], "accepted");
    assert_eq!(r1["Priority"], "yes");
    assert_eq!(r1["Status"], "in progress");
    assert_eq!(
        (&r1["Actions implemented"], &r1["Actions"], &r1["Verified"]),
        (&1.into(), &3.into(), &1.into())
    );
    assert_eq!(r1["Next due"], "2026-06-30");
    assert_eq!(r1["Overdue"], 1);
    assert_eq!(r1["Days since update"], 60);
    assert_eq!(
        (&r1["Indicators met"], &r1["Indicators"]),
        (&2.into(), &3.into())
    );
    assert_eq!(r1["Better"], 1);
    assert_eq!(rows[3]["Position"], "not accepted");
    assert_eq!(rows[3]["Status"], "no actions");
    // R5 is closed as implemented while L09 stays clearly below its target; no other row
    // disagrees with its evidence.
    assert_eq!(
        check_of(&rows, "R5"),
        "implemented, but L09 top-2 % stays clearly below target"
    );
    for rec in ["R1", "R2", "R3", "R4", "R6", "R7", "R8"] {
        assert_eq!(check_of(&rows, rec), "", "{rec}");
    }
    // Every format carries the scorecard.
    for format in ["table", "csv", "markdown"] {
        let output = ws
            .cmd()
            .args(["recs", "--as-of", "2026-11-29", "--format", format])
            .output()
            .unwrap();
        let text = common::stdout_of(&output);
        assert!(
            text.contains("Scorecard: status beside evidence"),
            "{format}"
        );
        assert!(
            text.contains("implemented, but L09 top-2 % stays clearly below target"),
            "{format}"
        );
    }
}

#[test]
fn no_action_while_indicators_are_clearly_below_target_is_flagged() {
    let ws = imported_sample();
    let rows = scorecard_rows(&ws);
    assert!(rows.iter().all(|r| r["Status"] == "no actions"));
    assert_eq!(
        check_of(&rows, "R7"),
        "no action, while L10 top-2 % is clearly below target"
    );
    assert_eq!(
        check_of(&rows, "R8"),
        "no action, while L14 top-2 % is clearly below target; no action, while P13 % employers is clearly below target"
    );
    // R4's indicators meet their targets: nothing to ask.
    assert_eq!(check_of(&rows, "R4"), "");
}

#[test]
fn implemented_while_an_indicator_fell_is_flagged_and_the_status_stays() {
    let ws = TestWorkspace::new();
    let mut csv = String::from("response_id,pilot_id,wave,role,L14\n");
    for i in 0..30 {
        csv.push_str(&format!("x{i},P01,exit,learner,5\n"));
        csv.push_str(&format!("y{i},P01,annual,learner,{}\n", 2 + i % 2));
    }
    ws.write("l14.csv", csv);
    ws.cmd().args(["import", "l14.csv"]).assert().success();
    ws.cmd()
        .args([
            "track",
            "action",
            "add",
            "R8",
            "--description",
            "Follow-up surveys",
            "--status",
            "implemented",
            "--as-of",
            "2026-10-01",
        ])
        .assert()
        .success();
    let rows = scorecard_rows(&ws);
    let r8 = rows.iter().find(|r| r["Rec"] == "R8").unwrap();
    assert_eq!(r8["Status"], "implemented");
    assert_eq!(r8["Worse"], 1);
    assert_eq!(
        r8["Check"],
        "implemented, but L14 top-2 % fell; implemented, but L14 top-2 % stays clearly below target"
    );
}
