//! `mctrack inspect` explains every column of every platform fixture: none is left unmapped,
//! every value is understood, and the platform and respondent count are the right ones.

mod common;

use common::{stderr_of, TestWorkspace};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// (file under platforms/, codebook, mapping file, platform, responses)
const CASES: [(&str, &str, &str, &str, usize); 20] = [
    (
        "qualtrics/qualtRics_sample.csv",
        "qualtrics_sample",
        "qualtrics_sample",
        "Qualtrics",
        1,
    ),
    (
        "qualtrics/qualtRics_sample_legacy.csv",
        "qualtrics_sample",
        "qualtrics_sample",
        "Qualtrics (legacy layout)",
        1,
    ),
    (
        "qualtrics/QualtricsTools_No_Basis_for_Evaluation_Insights.csv",
        "qualtrics_no_basis",
        "qualtrics_no_basis_insights",
        "Qualtrics",
        15,
    ),
    (
        "qualtrics/QualtricsTools_No_Basis_for_Evaluation_Legacy.csv",
        "qualtrics_no_basis",
        "qualtrics_no_basis_legacy",
        "Qualtrics (legacy layout)",
        15,
    ),
    (
        "qualtrics/QualtricsTools_Single_Answer_Matrix_Insights.csv",
        "qualtrics_single_answer_matrix",
        "qualtrics_single_answer_matrix",
        "Qualtrics",
        5,
    ),
    (
        "qualtrics/QualtricsTools_Single_Answer_Matrix_Legacy.csv",
        "qualtrics_single_answer_matrix",
        "qualtrics_single_answer_matrix",
        "Qualtrics (legacy layout)",
        5,
    ),
    (
        "qualtrics/QualtricsTools_Many_Question_Types_Insights.csv",
        "qualtrics_many_question_types",
        "qualtrics_many_question_types",
        "Qualtrics",
        5,
    ),
    (
        "surveymonkey/fivethirtyeight_StarWars.csv",
        "surveymonkey_starwars",
        "surveymonkey_starwars",
        "SurveyMonkey",
        1186,
    ),
    (
        "surveymonkey/fivethirtyeight_steak-risk-survey.csv",
        "surveymonkey_steak",
        "surveymonkey_steak",
        "SurveyMonkey",
        550,
    ),
    (
        "surveymonkey/fivethirtyeight_region-survey_MIDWEST.csv",
        "surveymonkey_midwest",
        "surveymonkey_midwest",
        "SurveyMonkey",
        2778,
    ),
    (
        "google_forms/autistica_turing_form_responses_1.csv",
        "google_forms_autistica",
        "google_forms_autistica",
        "Google Forms",
        42,
    ),
    (
        "ms_forms/ms_forms_synthetic.csv",
        "ms_forms_synthetic",
        "ms_forms_synthetic",
        "Microsoft Forms",
        12,
    ),
    (
        "limesurvey/limonaid_survey_998192_R_data_file.csv",
        "limesurvey_998192",
        "limesurvey_998192",
        "LimeSurvey",
        7,
    ),
    (
        "limesurvey/limonaid_survey_100001_R_data_file.csv",
        "limesurvey_100001",
        "limesurvey_100001",
        "LimeSurvey",
        3,
    ),
    (
        "kobotoolbox/kpi_test_csv_export_default_options.csv",
        "kobo_kpi",
        "kobo_kpi",
        "KoboToolbox",
        3,
    ),
    (
        "kobotoolbox/cleaningtools_kobo_msna_data.xlsx",
        "kobo_msna",
        "kobo_msna",
        "KoboToolbox",
        632,
    ),
    ("odk/choice-lists.csv", "odk", "odk", "ODK", 1),
    ("odk/choice-lists-randomize.csv", "odk", "odk", "ODK", 1),
    ("odk/simple-form-newlines.csv", "odk", "odk", "ODK", 1),
    ("odk/all-data-types.csv", "odk_all_types", "odk", "ODK", 1),
];

#[test]
fn inspect_explains_every_column_of_every_fixture() {
    let ws = TestWorkspace::new();
    for (file, codebook, map, platform, responses) in CASES {
        let output = ws
            .cmd()
            .arg("--codebook")
            .arg(format!("{FIXTURES}/codebooks/{codebook}.toml"))
            .arg("inspect")
            .arg(format!("{FIXTURES}/platforms/{file}"))
            .arg("--map")
            .arg(format!("{FIXTURES}/maps/{map}.toml"))
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{file}: {}", stderr_of(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let property = |name: &str| -> String {
            report["tables"][0]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["Property"] == name)
                .map(|r| r["Value"].as_str().unwrap().to_string())
                .unwrap()
        };
        assert_eq!(property("platform"), platform, "{file}");
        assert_eq!(property("responses valid"), responses.to_string(), "{file}");
        assert_eq!(property("rows with problems"), "0", "{file}");
        for column in report["tables"][1]["rows"].as_array().unwrap() {
            let understood = column["Understood as"].as_str().unwrap();
            assert!(!understood.starts_with("UNMAPPED"), "{file}: {column}");
        }
        assert_eq!(
            report["tables"][2]["rows"].as_array().unwrap().len(),
            0,
            "{file}: values not understood"
        );
    }
    assert!(!ws.store().exists(), "inspect writes nothing");
}
