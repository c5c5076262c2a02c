//! Two imports and a report run at once on one store, many times over: no error but a clear
//! "store is busy" wait, no lost import, and no file imported twice, even when both imports
//! are handed the same file at the same moment.

mod common;

use std::process::{Child, Command, Stdio};

use common::{stderr_of, TestWorkspace};

/// A learners' export for `pilot` with `rows` responses.
fn export(pilot: &str, rows: usize) -> String {
    let mut text = String::from("response_id,pilot_id,wave,role,L06,L08,L09,L14\n");
    for i in 0..rows {
        text.push_str(&format!(
            "{pilot}-{i},{pilot},exit,learner,{},{},{},{}\n",
            i % 5 + 1,
            (i / 5) % 5 + 1,
            (i / 25) % 5 + 1,
            (i / 3) % 5 + 1
        ));
    }
    text
}

fn spawn(ws: &TestWorkspace, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("mctrack"))
        .current_dir(ws.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_imports_and_a_report_at_once_lose_nothing_and_duplicate_nothing() {
    const ROUNDS: usize = 12;
    const ROWS: usize = 1500;
    for round in 0..ROUNDS {
        let ws = TestWorkspace::new();
        let pilots = ["P01", "P02", "P03", "P04", "P05", "P06"];
        for pilot in pilots {
            ws.write(&format!("{pilot}.csv"), export(pilot, ROWS));
        }
        // Both importers are also given the same shared file.
        ws.write("shared.csv", export("P07", ROWS));
        ws.cmd().arg("init").assert().success();
        let first = spawn(
            &ws,
            &["import", "P01.csv", "shared.csv", "P02.csv", "P03.csv"],
        );
        let second = spawn(
            &ws,
            &["import", "shared.csv", "P04.csv", "P05.csv", "P06.csv"],
        );
        let report = spawn(&ws, &["report", "-o", "out", "--as-of", "2026-11-29"]);
        let mut skipped = 0;
        for (name, child) in [
            ("first import", first),
            ("second import", second),
            ("report", report),
        ] {
            let output = child.wait_with_output().unwrap();
            let stderr = stderr_of(&output);
            // "4 file(s): 3 imported, 1 skipped as already imported, ..."
            if let Some(tally) = common::stdout_of(&output)
                .lines()
                .find(|l| l.contains(" file(s): "))
            {
                let words: Vec<&str> = tally.split_whitespace().collect();
                let at = words.iter().position(|w| *w == "skipped").unwrap();
                skipped += words[at - 1].parse::<usize>().unwrap();
            }
            assert!(output.status.success(), "round {round}, {name}: {stderr}");
            for line in stderr.lines() {
                assert!(
                    line.starts_with("mctrack: the store is busy")
                        || line.starts_with("privacy:")
                        || line.starts_with("warning:"),
                    "round {round}, {name}: unexpected message {line}"
                );
            }
        }
        assert_eq!(
            skipped, 1,
            "round {round}: the shared file is imported once"
        );
        let conn = rusqlite::Connection::open(ws.store()).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM imports"), 7, "round {round}");
        assert_eq!(
            count("SELECT count(DISTINCT sha256) FROM imports"),
            7,
            "round {round}"
        );
        assert_eq!(
            count("SELECT count(*) FROM responses"),
            7 * ROWS as i64,
            "round {round}"
        );
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        assert!(ws.path().join("out/progress-report.html").exists());
    }
}
