//! The shipped survey definition and sample: what DOMAIN.md and the foundation issue require.

mod common;

use std::path::Path;

use common::{sample_dir, stdout_of, TestWorkspace, REPO};
use mctrack::workspace::{load_survey, Workspace};

fn survey() -> mctrack::codebook::Survey {
    let ws = Workspace::open(Path::new(REPO)).unwrap();
    load_survey(Some(&ws), None).unwrap()
}

#[test]
fn the_eight_recommendations_are_verbatim_with_indicators() {
    let survey = survey();
    let expected = [
        ("R1", "networks", "Create robust employer–educator networks to facilitate collaboration and connection across sectors"),
        ("R2", "assessment", "Conduct further research into the assessment methods that work best for micro-credentialing"),
        ("R3", "skills-mapping", "Conduct a comprehensive mapping of skills in demand in the present and future"),
        ("R4", "framework", "Amend the eCampusOntario Principles and Framework to account for the insights gathered in this report"),
        ("R5", "innovation", "Support experimental and innovative micro-credential development, delivery and pedagogy"),
        ("R6", "awareness", "Drive awareness of micro-credential potential and opportunity across Canada among educators, employers and learners"),
        ("R7", "equity", "Conduct additional research on the potential of micro-credentials to better reach equity-seeking groups"),
        ("R8", "feedback", "Invest in research to capture feedback from learners and/or employers"),
    ];
    assert_eq!(survey.recommendations.len(), 8);
    let by_rec = survey.questions_by_recommendation();
    for ((id, short, text), rec) in expected.iter().zip(&survey.recommendations) {
        assert_eq!(
            (rec.id.as_str(), rec.short_name.as_str(), rec.text.as_str()),
            (*id, *short, *text)
        );
        assert!(
            rec.indicators.len() >= 2,
            "{id} has {} indicators",
            rec.indicators.len()
        );
        let questions = by_rec.get(*id).map_or(0, Vec::len);
        assert!(questions >= 4, "{id} has {questions} questions");
    }
}

#[test]
fn the_codebook_implements_the_proposed_questions_and_equity_module() {
    let survey = survey();
    let codebook = &survey.codebook;
    let ids: Vec<&str> = codebook.questions.iter().map(|q| q.id.as_str()).collect();
    let mut expected: Vec<String> = (1..=15).map(|i| format!("L{i:02}")).collect();
    expected.extend((1..=10).map(|i| format!("E{i:02}")));
    expected.extend((1..=13).map(|i| format!("P{i:02}")));
    expected.extend((0..=9).map(|i| format!("D{i:02}")));
    assert_eq!(ids, expected);
    assert_eq!(codebook.privacy.min_cell, 10);
    assert_eq!(
        codebook.roles,
        ["learner", "employer", "educator", "project_lead"]
    );
    assert_eq!(
        codebook.waves,
        ["exit", "followup_3m", "followup_6m", "annual"]
    );
    let equity = codebook
        .questions
        .iter()
        .filter(|q| q.module.as_deref() == Some("equity"))
        .count();
    assert_eq!(equity, 10);
    for q in codebook
        .questions
        .iter()
        .filter(|q| q.id.starts_with('D') && q.id != "D00")
    {
        assert!(
            q.options.iter().any(|o| o.code == "prefer_not"),
            "{} offers prefer_not",
            q.id
        );
    }
}

#[test]
fn thirty_six_pilots_in_two_rounds() {
    let survey = survey();
    assert_eq!(survey.pilots.len(), 36);
    let round1: Vec<_> = survey.pilots.iter().filter(|p| p.round == 1).collect();
    let round2: Vec<_> = survey.pilots.iter().filter(|p| p.round == 2).collect();
    assert_eq!((round1.len(), round2.len()), (14, 22));
    assert!(round1.iter().all(|p| p.start_date.starts_with("2019-11")));
    assert!(round2
        .iter()
        .all(|p| ["2020-06", "2020-07", "2020-08"].contains(&&p.start_date[..7])));
    let sectors = [
        "human skills",
        "technology skills",
        "health and community services",
        "warehousing and logistics",
        "natural resources",
    ];
    assert!(survey
        .pilots
        .iter()
        .all(|p| sectors.contains(&p.sector.as_str())));
    assert!(survey
        .pilots
        .iter()
        .all(|p| p.name.starts_with("Synthetic Pilot")));
}

#[test]
fn the_committed_sample_is_what_the_generator_writes() {
    let ws = TestWorkspace::new();
    let out = ws.path().join("regenerated");
    ws.cmd()
        .args(["sample", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(format!(
            "wrote 144 synthetic export files to {}\n",
            out.display()
        ));
    let mut names: Vec<String> = std::fs::read_dir(sample_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 145, "144 exports and a README");
    for name in names {
        let committed = std::fs::read(sample_dir().join(&name)).unwrap();
        let fresh = std::fs::read(out.join(&name)).unwrap();
        assert!(
            committed == fresh,
            "{name} differs from the generator's output"
        );
    }
    let readme = std::fs::read_to_string(sample_dir().join("README.md")).unwrap();
    assert!(readme.contains("**Everything in this folder is synthetic.**"));
}

#[test]
fn init_makes_a_working_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("mctrack")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "programme"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = stdout_of(&output);
    for file in [
        "mctrack.toml",
        "surveys/codebook.toml",
        "surveys/recommendations.toml",
        "surveys/pilots.csv",
    ] {
        assert!(
            text.contains(&format!("created programme/{file}")),
            "{text}"
        );
    }
    let root = dir.path().join("programme");
    assert!(root.join("mctrack.db").is_file());
    assert!(root.join("reports").is_dir());
    // The new workspace reads its own codebook; an empty pilots file means ids are not checked.
    std::fs::write(
        root.join("a.csv"),
        "response_id,pilot_id,wave,role,L14\nA1,X9,exit,learner,Agree\n",
    )
    .unwrap();
    assert_cmd::Command::cargo_bin("mctrack")
        .unwrap()
        .current_dir(&root)
        .args(["import", "a.csv"])
        .assert()
        .success();
}

#[test]
fn outside_a_workspace_the_store_commands_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("mctrack")
        .unwrap()
        .current_dir(dir.path())
        .arg("imports")
        .assert()
        .code(1)
        .stderr("error: no mctrack.toml found in this folder or its parents; run `mctrack init` to create a workspace\n");
}
