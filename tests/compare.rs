//! `mctrack compare` on the bundled sample against scipy (tests/reference/make_reference.py):
//! it finds the pilot and wave differences the sample generator put there, and nothing where
//! it put nothing.

mod common;

use common::{imported_sample, stderr_of, stdout_of, TestWorkspace};
use serde_json::Value;

/// A workspace holding the bundled sample, and the scipy reference values for it.
fn imported_sample_and_reference() -> (TestWorkspace, Value) {
    let ws = imported_sample();
    let reference = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference/sample_summary.json"
        ))
        .unwrap(),
    )
    .unwrap();
    (ws, reference)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn comparisons_match_scipy_and_find_what_the_sample_holds() {
    let (ws, reference) = imported_sample_and_reference();
    let mut adjusted = Vec::new();
    for (question, by) in [
        ("L08", "pilot"),
        ("L10", "pilot"),
        ("L03", "wave"),
        ("L04", "pilot"),
        ("L06", "D02"),
    ] {
        let output = ws
            .cmd()
            .args(["compare", question, "--by", by, "--format", "json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let test = &report["tables"][0]["rows"][0];
        let expected = &reference["compare"][format!("{question} by {by}")];
        assert_eq!(test["Test"], expected["test"], "{question}");
        assert_eq!(test["Groups"], expected["groups"], "{question}");
        let (ours, theirs) = (
            test["Statistic"].as_f64().unwrap(),
            expected["statistic"].as_f64().unwrap(),
        );
        assert!(close(ours, theirs, 1e-9), "{question}: {ours} vs {theirs}");
        let (ours, theirs) = (test["p"].as_f64().unwrap(), expected["p"].as_f64().unwrap());
        // p to 1e-6 relative, which for p near 1e-39 is far stricter than absolute.
        assert!(
            (ours - theirs).abs() <= 1e-6 * theirs,
            "{question}: {ours} vs {theirs}"
        );
        adjusted.push((question, test["p adjusted"].as_f64().unwrap()));
    }
    // Lagging pilots rate assessment lower; awareness rises by wave; cost (L10) has no pilot
    // effect built in.
    assert!(adjusted[0].1 < 0.001, "{adjusted:?}");
    assert!(adjusted[1].1 > 0.05, "{adjusted:?}");
    assert!(adjusted[2].1 < 0.001, "{adjusted:?}");
    // Gender (D02) was built with no effect.
    assert!(adjusted[4].1 > 0.05, "{adjusted:?}");
}

#[test]
fn each_pilot_is_set_against_the_rest_and_the_lagging_ones_stand_out() {
    let (ws, reference) = imported_sample_and_reference();
    let output = ws
        .cmd()
        .args(["compare", "L08", "--by", "pilot", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = report["tables"][1]["rows"].as_array().unwrap();
    let row = |pilot: &str| rows.iter().find(|r| r["Group"] == pilot).unwrap();
    let expected = &reference["compare"]["L08 P07 vs rest"];
    let p07 = row("P07");
    for (column, key) in [
        ("Top-2 vs rest (points)", "difference"),
        ("95% lower", "lower"),
        ("95% upper", "upper"),
    ] {
        let (ours, theirs) = (
            p07[column].as_f64().unwrap(),
            expected[key].as_f64().unwrap(),
        );
        assert!(close(ours, theirs, 1e-9), "{column}: {ours} vs {theirs}");
    }
    for lagging in ["P07", "P22", "P31"] {
        assert!(
            row(lagging)["95% upper"].as_f64().unwrap() < 0.0,
            "{lagging}"
        );
    }
    for leading in ["P03", "P18"] {
        assert!(
            row(leading)["95% lower"].as_f64().unwrap() > 0.0,
            "{leading}"
        );
    }
}

#[test]
fn grouping_by_a_question_is_checked() {
    let (ws, _) = imported_sample_and_reference();
    for (by, message) in [
        ("D99", "error: --by D99: expected pilot, role, wave, round or a question id from the codebook\n"),
        ("L06", "error: --by L06: L06 is a likert question; groups come from a single-choice or yes/no question\n"),
        ("D02", "error: --by D02: D02 and D01 are both equity fields; they are never crossed, so that no respondent can be singled out\n"),
    ] {
        ws.cmd()
            .args(["compare", "D01", "--by", by])
            .assert()
            .code(1)
            .stderr(message);
    }
}

#[test]
fn small_groups_are_left_out_and_tests_adjusted_together() {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,L06,L03\n");
    // P02 is too small, and P01, the next smallest, goes with it: the summary's total minus the
    // pilots shown would otherwise give P02 away.
    for (pilot, count, shift) in [
        ("P01", 20, 0),
        ("P02", 4, 1),
        ("P03", 22, 2),
        ("P04", 25, 3),
    ] {
        for i in 0..count {
            text.push_str(&format!(
                "{pilot}-{i},{pilot},exit,learner,{},{}\n",
                1 + (i + shift) % 5,
                if i % 3 == 0 { "yes" } else { "no" }
            ));
        }
    }
    ws.write("groups.csv", text);
    ws.cmd().args(["import", "groups.csv"]).assert().success();
    let output = ws
        .cmd()
        .args(["compare", "L06", "L03", "--by", "pilot", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let tests = report["tables"][0]["rows"].as_array().unwrap();
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0]["Test"], "Mann-Whitney U");
    assert_eq!(tests[0]["Groups"], 2);
    assert_eq!(tests[1]["Test"], "chi-square");
    let p: Vec<f64> = tests.iter().map(|t| t["p"].as_f64().unwrap()).collect();
    let adjusted: Vec<f64> = tests
        .iter()
        .map(|t| t["p adjusted"].as_f64().unwrap())
        .collect();
    // Holm with two tests: the smaller p doubled, the larger at least that.
    let (low, high) = if p[0] <= p[1] { (0, 1) } else { (1, 0) };
    assert!(close(adjusted[low], (2.0 * p[low]).min(1.0), 1e-12));
    assert!(close(adjusted[high], p[high].max(adjusted[low]), 1e-12));
    let notes = report["tables"][0]["footnotes"].to_string();
    assert!(
        notes.contains("4 group(s) suppressed and left out of the tests"),
        "{notes}"
    );
    let groups = &report["tables"][1]["rows"];
    for (row, pilot) in ["P01", "P02"].iter().enumerate() {
        assert_eq!(groups[row]["Group"], *pilot);
        assert_eq!(groups[row]["Mean"], "suppressed");
    }
    assert_eq!(groups[2]["Base n"], 22);
}

#[test]
fn scale_reliability_matches_pingouin_on_the_sample() {
    let (ws, reference) = imported_sample_and_reference();
    let expected = &reference["compare"]["alpha learner battery"];
    let output = ws
        .cmd()
        .args([
            "scales",
            "--items",
            "L06,L08,L09,L10,L14",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = &report["tables"][0]["rows"][0];
    assert_eq!(row["n"], expected["n"]);
    let (ours, theirs) = (
        row["Alpha"].as_f64().unwrap(),
        expected["alpha"].as_f64().unwrap(),
    );
    assert!(close(ours, theirs, 1e-9), "{ours} vs {theirs}");
    assert_eq!(report["tables"][1]["rows"].as_array().unwrap().len(), 5);
    ws.cmd()
        .args(["scales", "--items", "L06,E04"])
        .assert()
        .code(1)
        .stderr("error: no role is asked all of these items; name one with --role\n");
}

#[test]
fn trends_match_scipy_and_statsmodels_on_the_sample() {
    let (ws, reference) = imported_sample_and_reference();
    let output = ws
        .cmd()
        .args(["trend", "L03", "E06", "L10", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let tests = report["tables"][0]["rows"].as_array().unwrap();
    let number = |v: &Value| v.as_f64().unwrap();
    for (row, key) in [(&tests[0], "trend L03"), (&tests[1], "trend E06")] {
        let expected = &reference["compare"][key];
        assert!(
            close(
                number(&row["Slope per wave"]),
                number(&expected["slope"]),
                1e-9
            ),
            "{key}"
        );
        let (ours, theirs) = (number(&row["p (slope)"]), number(&expected["p"]));
        assert!(
            (ours - theirs).abs() <= 1e-6 * theirs,
            "{key}: {ours} vs {theirs}"
        );
    }
    // Awareness (L03) and partnership (E06) rise; cost (L10) was built flat.
    assert!(number(&tests[2]["p (slope)"]) > 0.05);
    let l03 = &report["tables"][1]["rows"][0];
    let expected = &reference["compare"]["trend L03"];
    assert!(close(
        number(&l03["95% lower"]),
        number(&expected["exit_lower"]),
        1e-9
    ));
    assert!(close(
        number(&l03["95% upper"]),
        number(&expected["exit_upper"]),
        1e-9
    ));
    let e06_annual = &report["tables"][2]["rows"][3];
    assert_eq!(e06_annual["Wave"], "annual");
    assert!(close(
        number(&e06_annual["Change vs first wave"]),
        number(&reference["compare"]["trend E06"]["annual_change"]),
        1e-9
    ));
}

/// A workspace whose codebook records that L10's wording changed at the 6-month follow-up,
/// with learners' answers to it in every wave.
fn workspace_with_a_changed_question() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let path = ws.path().join("surveys/codebook.toml");
    let codebook = std::fs::read_to_string(&path).unwrap();
    let anchor = "text = \"Cost was not a barrier to my participation.\"\n";
    assert!(codebook.contains(anchor));
    ws.write(
        "surveys/codebook.toml",
        codebook.replace(
            anchor,
            &format!("{anchor}changes = [{{ wave = \"followup_6m\", what = \"wording\", note = \"'cost' became 'total cost, including materials'\" }}]\n"),
        ),
    );
    let mut csv = String::from("response_id,pilot_id,wave,role,L10\n");
    for (w, wave) in ["exit", "followup_3m", "followup_6m", "annual"]
        .iter()
        .enumerate()
    {
        for i in 0..12 {
            csv.push_str(&format!(
                "{wave}-{i},P01,{wave},learner,{}\n",
                (i + w) % 5 + 1
            ));
        }
    }
    ws.write("answers.csv", csv);
    ws.cmd().args(["import", "answers.csv"]).assert().success();
    ws
}

#[test]
fn a_trend_never_spans_a_change_of_wording() {
    let ws = workspace_with_a_changed_question();
    ws.cmd()
        .args(["trend", "L10"])
        .assert()
        .code(1)
        .stderr("error: trend L10: its wording changed at wave followup_6m ('cost' became 'total cost, including materials'), so answers before and after it are not comparable. Follow one version: --wave exit,followup_3m or --wave followup_6m,annual\n");
    for waves in ["exit,followup_3m", "followup_6m,annual"] {
        ws.cmd()
            .args(["trend", "L10", "--wave", waves])
            .assert()
            .success();
    }
    let output = ws
        .cmd()
        .args(["summary", "--question", "L10", "--by", "wave"])
        .output()
        .unwrap();
    assert!(stdout_of(&output).contains(
        "[wording changed from wave followup_6m: 'cost' became 'total cost, including materials']"
    ));
}

#[test]
fn a_change_at_the_first_wave_is_a_codebook_mistake() {
    let ws = workspace_with_a_changed_question();
    let path = ws.path().join("surveys/codebook.toml");
    let codebook = std::fs::read_to_string(&path).unwrap();
    let line = codebook
        .lines()
        .position(|l| l.starts_with("changes = "))
        .unwrap()
        + 1;
    ws.write(
        "surveys/codebook.toml",
        codebook.replace("wave = \"followup_6m\", what", "wave = \"exit\", what"),
    );
    ws.cmd().args(["trend", "L10"]).assert().code(3).stderr(format!(
        "error: {}:{line}: question L10: a change at wave \"exit\"; expected a wave after the first of: exit, followup_3m, followup_6m, annual\n",
        path.display()
    ));
}

#[test]
fn a_lone_small_wave_takes_the_next_smallest_with_it() {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,L06\n");
    for (wave, count) in [("exit", 20), ("followup_3m", 5), ("followup_6m", 15)] {
        for i in 0..count {
            text.push_str(&format!("{wave}-{i},P01,{wave},learner,{}\n", 1 + i % 5));
        }
    }
    ws.write("waves.csv", text);
    ws.cmd().args(["import", "waves.csv"]).assert().success();
    let output = ws
        .cmd()
        .args(["trend", "L06", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = report["tables"][1]["rows"].as_array().unwrap();
    let estimate =
        |wave: &str| rows.iter().find(|r| r["Wave"] == wave).unwrap()["Estimate"].clone();
    assert!(estimate("exit").is_number());
    assert_eq!(estimate("followup_3m"), "suppressed");
    assert_eq!(estimate("followup_6m"), "suppressed");
}
