//! `mctrack crosstab`: counts and percentages, and suppression that no row or column total
//! can undo.

mod common;

use common::TestWorkspace;
use mctrack::analysis::crosstab::suppression;
use proptest::prelude::*;
use serde_json::Value;

#[test]
fn crosstab_counts_percentages_and_suppression() {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,L04,L03\n");
    let cells = [
        ("completed_credential", "yes", 30),
        ("completed_credential", "no", 25),
        ("completed_no_credential", "yes", 3),
        ("completed_no_credential", "no", 12),
        ("withdrew", "yes", 15),
        ("withdrew", "no", 14),
        ("in_progress", "yes", 11),
    ];
    let mut n = 0;
    for (status, heard, count) in cells {
        for _ in 0..count {
            n += 1;
            text.push_str(&format!("A{n},P01,exit,learner,{status},{heard}\n"));
        }
    }
    ws.write("x.csv", text);
    ws.cmd().args(["import", "x.csv"]).assert().success();
    let output = ws
        .cmd()
        .args(["crosstab", "L04", "L03", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = report["tables"][0]["rows"].as_array().unwrap();
    let first = &rows[0];
    assert_eq!(first["L04 \\ L03"], "Completed and earned the credential");
    assert_eq!(first["n Yes"], 30);
    assert!((first["% Yes"].as_f64().unwrap() - 30.0 * 100.0 / 55.0).abs() < 1e-12);
    assert_eq!(first["Total"], 55);
    // The 3 is suppressed, and enough other cells with it that no total gives it away.
    assert_eq!(rows[1]["n Yes"], "suppressed");
    assert_eq!(rows[1]["n No"], "suppressed");
    let total = &rows[4];
    assert_eq!(total["L04 \\ L03"], "Total");
    assert_eq!(total["Total"], 110);
    let test = &report["tables"][1]["rows"][0];
    assert_eq!(test["Test"], "chi-square");
    assert_eq!(test["df"], 3);
    let notes = report["tables"][0]["footnotes"].to_string();
    assert!(notes.contains("s = suppressed"), "{notes}");
}

/// A select-all question crossed with a demographic: respondents choosing each option, one
/// Holm-adjusted chi-square per option, matching pandas and scipy on the bundled sample
/// (tests/reference/make_reference.py), and no small cell recoverable from an option's total.
#[test]
fn select_all_crosstab_counts_respondents_and_tests_each_option() {
    let ws = TestWorkspace::new();
    ws.cmd()
        .arg("import")
        .arg(common::sample_dir())
        .arg("--skip-invalid")
        .assert()
        .success();
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/tests/fixtures/reference/sample_summary.json",
            common::REPO
        ))
        .unwrap(),
    )
    .unwrap();
    let expected = &reference["compare"]["D02 by L12 at exit"];
    // Named the other way round, the select-all question still goes across the top.
    let output = ws
        .cmd()
        .args([
            "crosstab", "L12", "D02", "--wave", "exit", "--format", "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let table = &report["tables"][0];
    let rows = table["rows"].as_array().unwrap();
    let woman = &rows[0];
    assert_eq!(woman["D02 \\ L12"], "Woman");
    assert_eq!(woman["Respondents"], expected["woman_base"]);
    let options = [
        "Added it to an online profile",
        "Added it to my resume",
        "Showed it to my current employer",
        "Used it in a job application",
        "Used it toward a further credential",
        "Not used it yet",
    ];
    let base = expected["woman_base"].as_f64().unwrap();
    for (k, option) in options.iter().enumerate() {
        let count = expected["woman_chosen"][k].as_f64().unwrap();
        assert_eq!(woman[format!("n {option}")].as_f64().unwrap(), count);
        let percent = woman[format!("% {option}")].as_f64().unwrap();
        assert!((percent - count * 100.0 / base).abs() < 1e-9, "{option}");
    }
    assert_eq!(rows.last().unwrap()["Respondents"], expected["total"]);
    let notes = table["footnotes"].to_string();
    assert!(
        notes.contains("a row can add up to more than 100"),
        "{notes}"
    );
    assert!(notes.contains("shown across the top"), "{notes}");
    // No option column and not the respondents column holds exactly one suppressed cell.
    let columns: Vec<String> = options
        .iter()
        .map(|o| format!("n {o}"))
        .chain(["Respondents".to_string()])
        .collect();
    for column in &columns {
        let hidden = rows.iter().filter(|r| r[column] == "suppressed").count();
        assert_ne!(hidden, 1, "{column}");
    }
    let tests = report["tables"][1]["rows"].as_array().unwrap();
    let mut p = Vec::new();
    for (row, e) in tests.iter().zip(expected["tests"].as_array().unwrap()) {
        let (ours, theirs) = (
            row["Statistic"].as_f64().unwrap(),
            e["statistic"].as_f64().unwrap(),
        );
        assert!((ours - theirs).abs() <= 1e-9 * theirs, "{ours} vs {theirs}");
        let (ours, theirs) = (row["p"].as_f64().unwrap(), e["p"].as_f64().unwrap());
        assert!((ours - theirs).abs() <= 1e-6 * theirs, "{ours} vs {theirs}");
        assert_eq!(row["df"], e["df"]);
        p.push(row["p adjusted"].as_f64().unwrap());
    }
    assert_eq!(tests.len(), 6);
    assert!(
        p.iter().all(|&p| p > 0.05),
        "gender was built with no effect: {p:?}"
    );
}

/// Every row and every column holds no hidden cell or at least two (unless it has only one
/// cell), and every count from 1 to min_cell - 1 is hidden.
fn protected(counts: &[Vec<u64>], hidden: &[Vec<bool>], min_cell: u64) -> bool {
    let rows = counts.len();
    let columns = counts[0].len();
    let small_hidden = (0..rows).all(|r| {
        (0..columns).all(|c| !(counts[r][c] > 0 && counts[r][c] < min_cell) || hidden[r][c])
    });
    let row_ok =
        (0..rows).all(|r| columns < 2 || (0..columns).filter(|&c| hidden[r][c]).count() != 1);
    let column_ok =
        (0..columns).all(|c| rows < 2 || (0..rows).filter(|&r| hidden[r][c]).count() != 1);
    small_hidden && row_ok && column_ok
}

proptest! {
    #[test]
    fn no_lone_suppressed_cell_in_any_row_or_column(
        counts in (2usize..6, 2usize..6).prop_flat_map(|(r, c)| {
            proptest::collection::vec(proptest::collection::vec(0u64..40, c), r)
        })
    ) {
        let hidden = suppression(&counts, 10);
        prop_assert!(protected(&counts, &hidden, 10), "{:?} -> {:?}", counts, hidden);
    }
}
