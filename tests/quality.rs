//! `mctrack quality`: each check finds exactly the responses built to trip it, by id.

mod common;

use common::{stderr_of, TestWorkspace};
use serde_json::Value;

const RATINGS: &str = "The skills taught are in demand by employers in my field.,The assessment let me show what I can actually do on the job.,\"The schedule, pace and format (online/hybrid/in person) fit my work and life commitments.\",Cost was not a barrier to my participation.,\"Overall, I am satisfied with this micro-credential.\"";

fn findings(ws: &TestWorkspace) -> Vec<Value> {
    let output = ws
        .cmd()
        .args(["quality", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["tables"][2]["rows"].as_array().unwrap().clone()
}

#[test]
fn quality_finds_straightliners_speeders_duplicates_and_skip_logic() {
    let ws = TestWorkspace::new();
    // Microsoft Forms: durations from start and completion times. M4 took 100 s against a
    // median of 585 s; M1 gives 4 to every rating; M2 and M3 answer identically.
    ws.write(
        "forms.csv",
        format!(
            "ID,Start time,Completion time,Email,Name,{RATINGS}\n\
             M1,1/15/2024 10:00:00,1/15/2024 10:10:00,anonymous,,4,4,4,4,4\n\
             M2,1/15/2024 11:00:00,1/15/2024 11:09:40,anonymous,,5,3,4,2,5\n\
             M3,1/15/2024 12:00:00,1/15/2024 12:09:50,anonymous,,5,3,4,2,5\n\
             M4,1/15/2024 13:00:00,1/15/2024 13:01:40,anonymous,,1,2,3,4,5\n"
        ),
    );
    ws.cmd()
        .args([
            "import",
            "forms.csv",
            "--pilot",
            "P02",
            "--wave",
            "exit",
            "--role",
            "learner",
        ])
        .assert()
        .success();
    // An employer who answered a learner question.
    ws.write(
        "skip.csv",
        "response_id,pilot_id,wave,role,L06,E06\nE1,P03,exit,employer,4,5\n",
    );
    ws.cmd().args(["import", "skip.csv"]).assert().success();

    let rows = findings(&ws);
    let summary: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["Check"].as_str().unwrap().to_string(),
                r["Pilot"].as_str().unwrap().to_string(),
                r["Respondent ids"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |check: &str, pilot: &str, ids: &str| {
        (check.to_string(), pilot.to_string(), ids.to_string())
    };
    assert_eq!(
        summary,
        [
            expect("straight-lining", "P02", "M1"),
            expect("speeder", "P02", "M4"),
            expect("possible duplicate", "P02", "M2 M3"),
            expect("skip logic", "P03", "E1"),
        ]
    );
    assert_eq!(
        rows[1]["Detail"],
        "learner: 100 s against a median of 585 s"
    );
    assert_eq!(
        rows[3]["Detail"],
        "L06 answered by employer (asked of learner)"
    );
}

#[test]
fn missing_rates_count_only_questions_the_export_asked() {
    let ws = TestWorkspace::new();
    // Two learners; L06 blank for one; the file has no L08 column, so L08 was not asked.
    ws.write(
        "two.csv",
        "response_id,pilot_id,wave,role,L06,L14\nA1,P01,exit,learner,4,\nA2,P01,exit,learner,,5\n",
    );
    ws.cmd().args(["import", "two.csv"]).assert().success();
    let output = ws
        .cmd()
        .args(["quality", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let by_question = report["tables"][0]["rows"].as_array().unwrap();
    let ids: Vec<&str> = by_question
        .iter()
        .map(|r| r["Question"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["L06", "L14"]);
    assert_eq!(by_question[0]["Asked"], 2);
    assert_eq!(by_question[0]["Missing"], 1);
    assert_eq!(by_question[0]["Missing %"], 50.0);
    let by_pilot = &report["tables"][1]["rows"][0];
    assert_eq!(by_pilot["Pilot"], "P01");
    assert_eq!(by_pilot["Answers expected"], 4);
    assert_eq!(by_pilot["Missing"], 2);
    assert_eq!(report["tables"][2]["footnotes"][0], "No findings.");
}
