//! Free text is masked of e-mail addresses and phone numbers wherever mctrack shows it: error
//! messages quoting a cell, `inspect`'s values that could not be understood, and the
//! rejected-rows file of `import --skip-invalid` (the report's comments: tests/report.rs).
//! Respondent ids and dates stay as written, so a row can still be found and fixed.

mod common;

use common::{stderr_of, stdout_of, TestWorkspace};

const EMAIL: &str = "jo.smith@example.org";
const PHONE: &str = "416-555-0199";

/// Two rows: one with a rating that is someone's contact details, one valid with a comment
/// that carries them.
fn export() -> String {
    format!(
        "response_id,pilot_id,wave,role,submitted_date,L06,L15\n\
         12345678901,P01,exit,learner,2024-01-28,call me {PHONE},fine\n\
         R_2,P01,exit,learner,2024-01-28,4,write to {EMAIL} or {PHONE}\n"
    )
}

fn assert_masked(what: &str, text: &str) {
    assert!(
        !text.contains(EMAIL) && !text.contains(PHONE),
        "{what} shows a contact: {text}"
    );
}

#[test]
fn an_error_message_quoting_a_cell_masks_contacts() {
    let ws = TestWorkspace::new();
    let file = ws.write("export.csv", export());
    let output = ws.cmd().arg("import").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("export.csv:2:L06: \"call me [phone]\" — expected"),
        "{stderr}"
    );
    assert_masked("import's error", &stderr);
}

#[test]
fn inspect_masks_contacts_in_values_it_could_not_understand() {
    let ws = TestWorkspace::new();
    let file = ws.write("export.csv", export());
    let output = ws
        .cmd()
        .arg("inspect")
        .arg(&file)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = stdout_of(&output);
    assert!(stdout.contains("L06,call me [phone],1,2,"), "{stdout}");
    assert_masked("inspect", &stdout);
}

#[test]
fn the_rejected_rows_file_masks_contacts_and_keeps_the_respondent_id() {
    let ws = TestWorkspace::new();
    let file = ws.write("export.csv", export());
    ws.cmd()
        .arg("import")
        .arg(&file)
        .arg("--skip-invalid")
        .assert()
        .success();
    let rejects = std::fs::read_dir(ws.path().join("reports").join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("export.rejected.csv"))
        .expect("a rejected-rows file");
    let text = std::fs::read_to_string(rejects).unwrap();
    assert!(
        text.contains("12345678901,P01,exit,learner,2024-01-28,call me [phone],fine"),
        "{text}"
    );
    assert!(
        text.contains(r#""L06: ""call me [phone]"" — expected"#),
        "{text}"
    );
    assert_masked("the rejected-rows file", &text);
}

#[test]
fn quality_findings_never_quote_free_text() {
    let ws = TestWorkspace::new();
    let file = ws.write("export.csv", export());
    ws.cmd()
        .arg("import")
        .arg(&file)
        .arg("--skip-invalid")
        .assert()
        .success();
    let output = ws
        .cmd()
        .args(["quality", "--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_masked("quality", &stdout_of(&output));
}
