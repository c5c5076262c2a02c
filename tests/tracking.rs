//! `mctrack track`: the derived flags at their boundaries for a fixed `--as-of`, append-only
//! history, all-or-nothing imports, export/import round trips, and every command on the
//! sample action plan in every output format.

mod common;

use std::path::{Path, PathBuf};

use common::{load_sample_plan, stderr_of, stdout_of, TestWorkspace, REPO};
use serde_json::Value;

const AS_OF: &str = "2026-11-29";

fn sample_plan_dir() -> PathBuf {
    Path::new(REPO).join("surveys").join("sample-tracking")
}

fn sample_workspace() -> TestWorkspace {
    let ws = TestWorkspace::new();
    load_sample_plan(&ws);
    ws
}

/// Runs `track ARGS --format json` and returns its first table's rows.
fn json_rows(ws: &TestWorkspace, args: &[&str], table: usize) -> Vec<Value> {
    let output = ws
        .cmd()
        .arg("track")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json["tables"][table]["rows"].as_array().unwrap().clone()
}

/// The action ids `track list ARGS` selects.
fn listed(ws: &TestWorkspace, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    json_rows(ws, &all, 0)
        .iter()
        .map(|r| r["Action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_sample_flags_are_computed_for_a_fixed_date() {
    let ws = sample_workspace();
    let at = ["--as-of", AS_OF];
    assert_eq!(
        listed(&ws, &[&at[..], &["--overdue"]].concat()),
        ["R1-A2", "R2-A1", "R6-A2", "R7-A2"]
    );
    assert_eq!(listed(&ws, &[&at[..], &["--stale"]].concat()), ["R6-A2"]);
    assert_eq!(
        listed(&ws, &[&at[..], &["--due-within", "0"]].concat()),
        ["R3-A2"]
    );
    assert_eq!(
        listed(&ws, &[&at[..], &["--due-within", "1"]].concat()),
        ["R3-A2", "R8-A3"]
    );
    assert_eq!(
        listed(&ws, &[&at[..], &["--status", "implemented"]].concat()),
        ["R1-A1", "R3-A1", "R5-A1", "R5-A2", "R6-A1", "R7-A1", "R8-A1"]
    );
    assert_eq!(
        listed(
            &ws,
            &[&at[..], &["--owner", "communications", "--overdue"]].concat()
        ),
        ["R6-A2"]
    );
    let rows = json_rows(&ws, &["list", "--as-of", AS_OF], 0);
    let row = |id: &str| rows.iter().find(|r| r["Action"] == id).unwrap().clone();
    assert_eq!(row("R3-A3")["Flags"], "no due date");
    assert_eq!(row("R6-A2")["Flags"], "overdue, stale");
    assert_eq!(row("R6-A2")["Days since update"], 243);
    assert_eq!(row("R3-A1")["Verified"], "not verified");
    assert_eq!(
        row("R1-A1")["Verified"],
        "Internal Audit Services on 2026-09-15"
    );
    // As the plan stood on 2026-08-31, before the September update recorded R3-A1 and R6-A1
    // as implemented, both were open and past due; R6-A2 was due that day, not yet overdue.
    assert_eq!(
        listed(&ws, &["--as-of", "2026-08-31", "--overdue"]),
        ["R1-A2", "R3-A1", "R6-A1"]
    );
}

#[test]
fn due_today_is_not_overdue_due_yesterday_is_and_tomorrow_is_within_one_day() {
    let ws = TestWorkspace::new();
    ws.cmd()
        .args([
            "track",
            "action",
            "add",
            "R3",
            "--description",
            "Map skills",
        ])
        .args(["--due", "2026-11-29", "--as-of", "2026-11-01"])
        .assert()
        .success()
        .stdout("added R3-A1 (not started) on 2026-11-01\n");
    assert!(listed(&ws, &["--as-of", "2026-11-29", "--overdue"]).is_empty());
    assert_eq!(
        listed(&ws, &["--as-of", "2026-11-29", "--due-within", "0"]),
        ["R3-A1"]
    );
    assert_eq!(
        listed(&ws, &["--as-of", "2026-11-30", "--overdue"]),
        ["R3-A1"]
    );
    assert!(listed(&ws, &["--as-of", "2026-11-30", "--due-within", "30"]).is_empty());
    // Due tomorrow: within one day, not within zero.
    assert_eq!(
        listed(&ws, &["--as-of", "2026-11-28", "--due-within", "1"]),
        ["R3-A1"]
    );
    assert!(listed(&ws, &["--as-of", "2026-11-28", "--due-within", "0"]).is_empty());
    // Closed actions carry no flags.
    ws.cmd()
        .args(["track", "status", "R3-A1", "implemented", "--note", "Done"])
        .args(["--as-of", "2026-11-20"])
        .assert()
        .success();
    assert!(listed(&ws, &["--as-of", "2027-06-01", "--overdue"]).is_empty());
    assert!(listed(&ws, &["--as-of", "2027-06-01", "--stale"]).is_empty());
}

/// A reading command's `--as-of` shows the plan as it stood on that date: a status change and
/// an action recorded for later dates are left out, so its answer stays the same after they
/// are recorded.
#[test]
fn a_list_as_of_a_past_date_leaves_out_what_counts_from_later() {
    let ws = TestWorkspace::new();
    let track = |args: &[&str]| ws.cmd().arg("track").args(args).assert().success();
    track(&[
        "action",
        "add",
        "R3",
        "--description",
        "Map skills",
        "--due",
        "2026-12-31",
        "--as-of",
        "2026-03-01",
    ]);
    let june = ["list", "--as-of", "2026-06-30"];
    let before = json_rows(&ws, &june, 0);
    let shown = |ws: &TestWorkspace| json_rows(ws, &["show", "R3", "--as-of", "2026-06-30"], 0);
    let shown_before = shown(&ws);
    track(&[
        "status",
        "R3-A1",
        "implemented",
        "--note",
        "Done",
        "--as-of",
        "2026-09-01",
    ]);
    track(&[
        "action",
        "add",
        "R3",
        "--description",
        "Publish the map",
        "--as-of",
        "2026-10-01",
    ]);
    assert_eq!(json_rows(&ws, &june, 0), before);
    assert_eq!(shown(&ws), shown_before);
    assert_eq!(listed(&ws, &["--as-of", "2026-06-30"]), ["R3-A1"]);
    assert!(listed(&ws, &["--as-of", "2026-06-30", "--status", "implemented"]).is_empty());
    assert_eq!(listed(&ws, &["--as-of", AS_OF]), ["R3-A1", "R3-A2"]);
    assert_eq!(
        listed(&ws, &["--as-of", AS_OF, "--status", "implemented"]),
        ["R3-A1"]
    );
}

#[test]
fn stale_at_exactly_n_days_and_not_at_n_minus_one() {
    let ws = TestWorkspace::new();
    for (rec, on) in [("R1", "2026-08-31"), ("R2", "2026-09-01")] {
        ws.cmd()
            .args(["track", "action", "add", rec, "--description", "Work"])
            .args(["--as-of", on])
            .assert()
            .success();
    }
    // 2026-08-31 is exactly 90 days before 2026-11-29.
    assert_eq!(listed(&ws, &["--as-of", AS_OF, "--stale"]), ["R1-A1"]);
    assert_eq!(
        listed(&ws, &["--as-of", AS_OF, "--stale", "--stale-days", "89"]),
        ["R1-A1", "R2-A1"]
    );
    // A comment is an update.
    ws.cmd()
        .args([
            "track",
            "comment",
            "R1-A1",
            "Still on it",
            "--as-of",
            "2026-11-01",
        ])
        .assert()
        .success();
    assert!(listed(&ws, &["--as-of", AS_OF, "--stale"]).is_empty());
}

#[test]
fn history_is_append_only_and_a_correction_is_a_new_event() {
    let ws = sample_workspace();
    let conn = rusqlite::Connection::open(ws.store()).unwrap();
    for sql in [
        "UPDATE action_events SET to_value = 'implemented'",
        "DELETE FROM action_events",
        "UPDATE actions SET status = 'implemented'",
        "DELETE FROM actions WHERE id = 'R6-A2'",
        "UPDATE rec_positions SET position = 'accepted'",
        "DELETE FROM rec_positions",
        "UPDATE action_comments SET text = ''",
        "DELETE FROM action_comments",
        "UPDATE action_evidence SET reference = ''",
        "DELETE FROM action_evidence",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("is append-only: history is never rewritten"),
            "{sql}: {err}"
        );
    }
    drop(conn);
    let events_before = ws.count("SELECT count(*) FROM action_events");
    let before = ws.dump();
    // A status recorded by mistake, then corrected: both stay in the history.
    for (status, note) in [
        ("implemented", "Guides published"),
        ("in_progress", "Correction: only two guides were published"),
    ] {
        ws.cmd()
            .args(["track", "status", "R6-A2", status, "--note", note])
            .args(["--as-of", AS_OF, "--by", "Officer"])
            .assert()
            .success();
    }
    assert_eq!(
        ws.count("SELECT count(*) FROM action_events"),
        events_before + 2
    );
    // Every row there was before is still there, unchanged.
    let after = ws.dump();
    for line in before.lines() {
        assert!(after.contains(line), "lost or changed: {line}");
    }
    let rows = json_rows(&ws, &["history", "R6-A2"], 0);
    let changes: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r["Change"] == "status")
        .map(|r| {
            (
                r["From"].as_str().unwrap().into(),
                r["To"].as_str().unwrap().into(),
                r["Date"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "not_started".into(),
                "in_progress".into(),
                "2026-03-31".into()
            ),
            ("in_progress".into(), "implemented".into(), AS_OF.into()),
            ("implemented".into(), "in_progress".into(), AS_OF.into()),
        ]
    );
    // Re-recording the current status is refused: it would not be a change.
    ws.cmd()
        .args(["track", "status", "R6-A2", "in_progress", "--note", "again"])
        .assert()
        .code(1)
        .stderr("error: R6-A2 is already in progress; nothing recorded\n");
}

#[test]
fn a_bad_import_reports_every_problem_and_changes_nothing() {
    let ws = sample_workspace();
    let before = ws.dump();
    ws.write(
        "bad.csv",
        "rec_id,position,rationale,priority,action_id,description,due_date,status,verified_by,evidence\n\
         R9,accepted,,no,R9-A1,Something,2026-12-01,not_started,,\n\
         R3,accepted,,no,R3-A1,Map skills,2026-13-01,in_progress,,\n\
         R3,accepted,,no,R3-A2,Align outcomes,2026-11-29,done,,\n\
         R4,not_accepted,,no,,,,,,\n\
         R1,accepted,,maybe,R1-A9,,2026-12-01,in_progress,Audit,indicator:Z99\n\
         R2,partially_accepted,Budget,no,R3-A5,Wrong rec,,not_started,,\n",
    );
    let output = ws
        .cmd()
        .args(["track", "import", "bad.csv", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_of(&output),
        "bad.csv:2:rec_id: \"R9\" — expected a recommendation of the recommendations file: R1, R2, R3, R4, R5, R6, R7, R8\n\
         bad.csv:3:due_date: \"2026-13-01\" — expected an ISO 8601 date such as 2026-03-14, or blank\n\
         bad.csv:4:status: \"done\" — expected one of not_started, in_progress, little_or_no_progress, implemented, will_not_implement, no_longer_applicable\n\
         bad.csv:5:rationale: \"\" — expected a rationale: a recommendation that is not accepted must say why\n\
         bad.csv:6:priority: \"maybe\" — expected yes or no (or blank for no)\n\
         bad.csv:6:description: \"\" — expected a description of the new action R1-A9\n\
         bad.csv:6:verified_by: \"Audit\" — expected blank unless the status is implemented (it is in_progress); only an implemented action can be verified\n\
         bad.csv:6:evidence: \"indicator:Z99\" — expected an indicator that starts with a codebook question id, such as \"indicator:E07 % yes\" (\"Z99\" is not a question)\n\
         bad.csv:7:action_id: \"R3-A5\" — expected an id of an action of R2, such as R2-A1\n"
    );
    assert_eq!(
        stdout_of(&output),
        "rejected bad.csv: 9 problem(s); nothing was stored\n"
    );
    assert_eq!(ws.dump(), before);
}

#[test]
fn a_header_without_required_columns_or_with_unknown_ones_is_rejected() {
    let ws = TestWorkspace::new();
    ws.write("bad.csv", "rec,position,status,colour\nR1,accepted,,red\n");
    ws.cmd()
        .args(["track", "import", "bad.csv"])
        .assert()
        .code(3)
        .stderr(
            "bad.csv:1:rec: \"rec\" — expected one of the columns rec_id, position, rationale, priority, rec_owner, action_id, description, deliverable, owner, start_date, due_date, status, verified_by, verified_on, evidence, note, last_updated\n\
             bad.csv:1:colour: \"colour\" — expected one of the columns rec_id, position, rationale, priority, rec_owner, action_id, description, deliverable, owner, start_date, due_date, status, verified_by, verified_on, evidence, note, last_updated\n\
             bad.csv:1: no rec_id column — expected a header row with at least rec_id, position, action_id, status\n\
             bad.csv:1: no action_id column — expected a header row with at least rec_id, position, action_id, status\n",
        );
    assert_eq!(ws.count("SELECT count(*) FROM rec_positions"), 0);
}

#[test]
fn a_verification_cannot_predate_the_implementation_it_confirms() {
    let ws = TestWorkspace::new();
    ws.write(
        "plan.csv",
        "rec_id,position,action_id,description,status\n\
         R1,accepted,R1-A1,Network,implemented\n",
    );
    ws.cmd()
        .args(["track", "import", "plan.csv", "--as-of", "2026-03-31"])
        .assert()
        .success();
    ws.write(
        "plan.csv",
        "rec_id,position,action_id,description,status,verified_by,verified_on\n\
         R1,accepted,R1-A1,Network,implemented,Internal Audit,2026-03-01\n\
         R1,accepted,R1-A2,Register,implemented,Internal Audit,2026-12-01\n",
    );
    ws.cmd()
        .args(["track", "import", "plan.csv", "--as-of", "2026-04-30"])
        .assert()
        .code(3)
        .stderr(
            "plan.csv:2:verified_on: \"2026-03-01\" — expected a date on or after 2026-03-31, when R1-A1 was recorded as implemented\n\
             plan.csv:3:verified_on: \"2026-12-01\" — expected a date no later than today (2026-04-30)\n",
        );
}

#[test]
fn export_then_import_changes_nothing_and_rebuilds_the_same_plan() {
    let ws = sample_workspace();
    ws.cmd()
        .args(["track", "export", "-o", "plan.csv"])
        .assert()
        .success();
    let exported = std::fs::read_to_string(ws.path().join("plan.csv")).unwrap();
    let before = ws.dump();
    ws.cmd()
        .args(["track", "import", "plan.csv", "--as-of", AS_OF])
        .assert()
        .success()
        .stdout("plan.csv: 20 rows, all as stored; nothing to record\n");
    assert_eq!(ws.dump(), before);
    // The same file into an empty store rebuilds the same current state.
    let fresh = TestWorkspace::new();
    std::fs::write(fresh.path().join("plan.csv"), &exported).unwrap();
    fresh
        .cmd()
        .args(["track", "import", "plan.csv", "--as-of", AS_OF])
        .assert()
        .success();
    let again = fresh.cmd().args(["track", "export"]).output().unwrap();
    let without_last_updated = |text: &str| -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| {
                let r = r.unwrap();
                r.iter().take(16).map(String::from).collect()
            })
            .collect()
    };
    assert_eq!(
        without_last_updated(&stdout_of(&again)),
        without_last_updated(&exported)
    );
}

#[test]
fn a_reimport_of_the_same_update_is_a_no_op() {
    let ws = sample_workspace();
    let before = ws.dump();
    ws.cmd()
        .args(["track", "import"])
        .arg(sample_plan_dir().join("2026-09-30.csv"))
        .args(["--as-of", AS_OF])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "all as stored; nothing to record",
        ));
    assert_eq!(ws.dump(), before);
}

#[test]
fn an_imported_status_change_is_an_event_with_its_note() {
    let ws = sample_workspace();
    ws.cmd()
        .args(["track", "export", "-o", "plan.csv"])
        .assert()
        .success();
    let text = std::fs::read_to_string(ws.path().join("plan.csv")).unwrap();
    let edited = text.replace(
        "2026-08-31,in_progress,,,,Two of four guides drafted",
        "2026-12-31,implemented,,,document:Educator guides,All four guides published",
    );
    assert_ne!(edited, text);
    ws.write("plan.csv", edited);
    ws.cmd()
        .args(["track", "import", "plan.csv", "--as-of", AS_OF, "--dry-run"])
        .assert()
        .success()
        .stdout(
            "plan.csv: 20 rows; would record 0 position change(s), 0 new action(s), 2 status or field event(s), 0 comment(s), 1 evidence reference(s) on 2026-11-29\n",
        );
    ws.cmd()
        .args(["track", "import", "plan.csv", "--as-of", AS_OF])
        .assert()
        .success();
    let output = ws
        .cmd()
        .args([
            "track", "changes", "--since", AS_OF, "--as-of", AS_OF, "--format", "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&output),
        "# R6 (awareness): Drive awareness of micro-credential potential and opportunity across Canada among educators, employers and learners\n\
         Date,Change\n\
         2026-11-29,\"R6-A2 due date changed from \"\"2026-08-31\"\" to \"\"2026-12-31\"\"\"\n\
         2026-11-29,\"R6-A2 (owner: Manager, Communications and Outreach) moved from in progress to implemented: All four guides published\"\n\
         2026-11-29,R6-A2 evidence added: document:Educator guides\n"
    );
}

#[test]
fn the_changes_narrative_reads_like_a_follow_up_report() {
    let ws = sample_workspace();
    let output = ws
        .cmd()
        .args([
            "track",
            "changes",
            "--since",
            "2026-03-31",
            "--as-of",
            "2026-03-31",
        ])
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let text = stdout_of(&output);
    for line in [
        "# Changes from 2026-03-31 to 2026-03-31: ",
        "| 2026-03-31 | R2 position recorded as partially accepted; owner: Lead, Assessment and Quality: Assessment methods will be compared within the funded pilots; a separate research programme is beyond this office's budget. |",
        "| 2026-03-31 | R5-A1 (owner: Innovation Fund Coordinator) moved from in progress to implemented: Round closed: nine proposals funded |",
        "| 2026-03-31 | R5-A1 implementation verified by Evaluation Committee |",
        "| 2026-03-31 | R7-A2 due date changed from \"2026-06-30\" to \"2026-09-30\" |",
        "| 2026-03-31 | R7-A2: Research partner tender drafted |",
        "| 2026-03-31 | R2-A1 added (owner: Lead, Assessment and Quality; due 2026-10-31; not started): Compare learner and employer ratings of assessment authenticity across pilots |",
    ] {
        assert!(text.contains(line), "missing {line}\nin\n{text}");
    }
    // Nothing dated after --as-of is included.
    assert!(!text.contains("| 2026-09-30 |"));
}

#[test]
fn every_command_works_on_the_sample_in_every_format() {
    let ws = sample_workspace();
    let commands: [&[&str]; 6] = [
        &["show", "R3"],
        &["show", "framework"],
        &["list"],
        &["history"],
        &["history", "R5"],
        &["changes", "--since", "2025-01-01"],
    ];
    for args in commands {
        for format in ["table", "csv", "json", "markdown"] {
            let mut cmd = ws.cmd();
            cmd.arg("track").args(args).args(["--format", format]);
            // history has no --as-of: it lists everything recorded.
            if args[0] != "history" {
                cmd.args(["--as-of", AS_OF]);
            }
            let output = cmd.output().unwrap();
            assert!(
                output.status.success(),
                "{args:?} {format}: {}",
                stderr_of(&output)
            );
            assert!(!output.stdout.is_empty(), "{args:?} {format}");
            if format == "json" {
                serde_json::from_slice::<Value>(&output.stdout).unwrap();
            }
        }
    }
    let r4 = json_rows(&ws, &["show", "R4", "--as-of", AS_OF], 0);
    let field = |name: &str| {
        r4.iter().find(|r| r["Field"] == name).unwrap()["Value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(field("Position"), "not accepted");
    assert!(field("Rationale").starts_with("The Principles and Framework belong to eCampusOntario"));
    assert_eq!(field("Status (roll-up)"), "no actions");
    let r1 = json_rows(&ws, &["show", "R1", "--as-of", AS_OF], 0);
    let progress = r1.iter().find(|r| r["Field"] == "Progress").unwrap();
    assert_eq!(progress["Value"], "1 of 3 actions implemented (1 verified)");
    ws.cmd()
        .args([
            "track",
            "list",
            "--as-of",
            AS_OF,
            "-o",
            "out/list.md",
            "--format",
            "markdown",
        ])
        .assert()
        .success();
    assert!(std::fs::read_to_string(ws.path().join("out/list.md"))
        .unwrap()
        .contains("| R6-A2 |"));
}

#[test]
fn commands_record_positions_actions_comments_verification_and_evidence() {
    let ws = TestWorkspace::new();
    let track = |args: &[&str]| {
        let mut cmd = ws.cmd();
        cmd.arg("track")
            .args(args)
            .args(["--by", "Officer", "--as-of", "2026-05-01"]);
        cmd
    };
    track(&["position", "R4", "not_accepted"])
        .assert()
        .code(1)
        .stderr("error: R4 cannot be recorded as not accepted without a rationale; add --rationale \"why\"\n");
    track(&[
        "position",
        "R4",
        "not_accepted",
        "--rationale",
        "Not ours to amend",
        "--owner",
        "Policy",
    ])
    .assert()
    .success()
    .stdout("R4: position not accepted, owner Policy on 2026-05-01\n");
    track(&["position", "R9", "accepted"]).assert().code(1);
    track(&[
        "action",
        "add",
        "skills-mapping",
        "--description",
        "=HYPERLINK(\"x\")",
        "--due",
        "2026-06-30",
    ])
    .assert()
    .success()
    .stdout("added R3-A1 (not started) on 2026-05-01\n");
    track(&[
        "action",
        "add",
        "R3",
        "--description",
        "Second",
        "--start",
        "2026-07-01",
        "--due",
        "2026-06-30",
    ])
    .assert()
    .code(1);
    track(&["verify", "R3-A1"])
        .assert()
        .code(1)
        .stderr("error: R3-A1 is not started; only an implemented action can be verified\n");
    track(&["status", "r3-a1", "implemented", "--note", "Published"])
        .assert()
        .success()
        .stdout("R3-A1: not started -> implemented on 2026-05-01\n");
    track(&["verify", "R3-A1"])
        .assert()
        .success()
        .stdout("R3-A1: verified by Officer on 2026-05-01\n");
    track(&["evidence", "R3-A1", "indicator:L06 % agree"])
        .assert()
        .success();
    track(&["evidence", "R3-A1", "link:example.org"])
        .assert()
        .code(1)
        .stderr("error: \"link:example.org\": expected a link starting with https:// or http://\n");
    track(&["comment", "R3-A1", "Shared with the panel"])
        .assert()
        .success();
    track(&[
        "action",
        "edit",
        "R3-A1",
        "--due",
        "none",
        "--note",
        "No deadline now",
    ])
    .assert()
    .success()
    .stdout("R3-A1: 1 field(s) changed on 2026-05-01\n");
    track(&["status", "R3-A9", "implemented", "--note", "x"])
        .assert()
        .code(1);
    // A status change clears the verification: a new claim needs a new check.
    track(&["status", "R3-A1", "in_progress", "--note", "Reopened"])
        .assert()
        .success();
    let rows = json_rows(&ws, &["list", "--as-of", "2026-05-01"], 0);
    assert_eq!(rows[0]["Verified"], "");
    assert_eq!(rows[0]["Flags"], "no due date");
    // Export neutralises the formula; import reads it back as written.
    let export = ws.cmd().args(["track", "export"]).output().unwrap();
    let text = stdout_of(&export);
    assert!(text.contains("R3-A1,\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
    ws.write("plan.csv", &text);
    ws.cmd()
        .args(["track", "import", "plan.csv"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "all as stored; nothing to record",
        ));
    let history = json_rows(&ws, &["history", "R3-A1"], 0);
    let kinds: Vec<&str> = history
        .iter()
        .map(|r| r["Change"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "status", "verified", "evidence", "comment", "due_date", "status"]
    );
    assert!(history.iter().all(|r| r["By"] == "Officer"));
}

#[test]
fn demo_loads_the_sample_action_plan_once() {
    let ws = TestWorkspace::new();
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    };
    copy(&common::sample_dir(), &ws.path().join("surveys/sample"));
    copy(
        &sample_plan_dir(),
        &ws.path().join("surveys/sample-tracking"),
    );
    let output = ws.cmd().arg("demo").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains(
        "Loaded the sample action plan (3 quarterly updates): 19 actions for 8 recommendations. As of 2026-11-29: 4 overdue, 4 implemented but not verified, 1 stale.\n"
    ));
    let before = ws.dump();
    let again = ws.cmd().arg("demo").output().unwrap();
    assert!(stdout_of(&again).contains(
        "The store already holds tracking records; the sample action plan was not loaded again."
    ));
    assert_eq!(ws.dump(), before);
}
