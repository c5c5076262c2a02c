//! Crash safety: an import, a tracking import and a report are killed with SIGKILL at
//! pseudo-random points, many times. Each time the store must pass `PRAGMA integrity_check`,
//! the import must be either absent or complete, row for row, the next run must succeed, and
//! a report on disk must be whole.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestWorkspace, REPO};

/// SplitMix64: reproducible kill points without a dependency.
struct Points(u64);

impl Points {
    fn next(&mut self, below: Duration) -> Duration {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        below.mul_f64((z >> 11) as f64 / (1u64 << 53) as f64)
    }
}

fn big_export(rows: usize) -> String {
    let mut text = String::from("response_id,pilot_id,wave,role,L06,L08,L09,L10,L14,L15\n");
    for i in 0..rows {
        text.push_str(&format!(
            "r{i},P{:02},exit,learner,{},{},{},{},{},\"Comment {i}, with a comma\"\n",
            i % 36 + 1,
            i % 5 + 1,
            (i / 5) % 5 + 1,
            (i / 25) % 5 + 1,
            (i / 7) % 5 + 1,
            (i / 3) % 5 + 1
        ));
    }
    text
}

fn mctrack(ws: &TestWorkspace, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("mctrack"));
    cmd.current_dir(ws.path())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `args` and kills it after `after`, unless it finished first; returns whether it was
/// killed while running.
fn run_and_kill(ws: &TestWorkspace, args: &[&str], after: Duration) -> bool {
    let mut child = mctrack(ws, args).spawn().unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

fn timed(ws: &TestWorkspace, args: &[&str]) -> Duration {
    let start = Instant::now();
    assert!(mctrack(ws, args).status().unwrap().success());
    start.elapsed()
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_import_killed_anywhere_is_absent_or_complete() {
    killed_imports_are_absent_or_complete(&[]);
}

/// The same for the streaming import of large exports, which writes into the database file
/// in rollback-journal mode when no other connection has the store open.
#[test]
fn a_streaming_import_killed_anywhere_is_absent_or_complete() {
    killed_imports_are_absent_or_complete(&["--stream-segment", "65536"]);
}

fn killed_imports_are_absent_or_complete(extra: &[&str]) {
    const ROWS: usize = 6_000;
    const TRIALS: usize = 50;
    let base = TestWorkspace::new();
    base.write("first.csv", big_export(200).replace("exit", "annual"));
    base.write("big.csv", big_export(ROWS));
    assert!(mctrack(&base, &["import", "first.csv"])
        .status()
        .unwrap()
        .success());
    let saved = std::fs::read(base.store()).unwrap();
    // How long a whole import takes here, to spread the kills over it.
    let probe = TestWorkspace::new();
    std::fs::write(probe.store(), &saved).unwrap();
    std::fs::copy(base.path().join("big.csv"), probe.path().join("big.csv")).unwrap();
    let import: Vec<&str> = ["import", "big.csv"].iter().chain(extra).copied().collect();
    let whole = timed(&probe, &import);
    let mut points = Points(20261129);
    let mut killed = 0;
    for trial in 0..TRIALS {
        let ws = TestWorkspace::new();
        std::fs::write(ws.store(), &saved).unwrap();
        std::fs::copy(base.path().join("big.csv"), ws.path().join("big.csv")).unwrap();
        killed += usize::from(run_and_kill(&ws, &import, points.next(whole.mul_f64(1.2))));
        {
            let conn = rusqlite::Connection::open(ws.store()).unwrap();
            assert_eq!(integrity(&conn), "ok", "trial {trial}");
            let imports: i64 = conn
                .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
                .unwrap();
            let responses: i64 = conn
                .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
                .unwrap();
            match imports {
                1 => assert_eq!(responses, 200, "trial {trial}: a partial import"),
                2 => assert_eq!(
                    responses,
                    200 + ROWS as i64,
                    "trial {trial}: a partial import"
                ),
                n => panic!("trial {trial}: {n} imports"),
            }
        }
        // The next run succeeds, and the store then holds the file exactly once.
        assert!(mctrack(&ws, &import).status().unwrap().success());
        let conn = rusqlite::Connection::open(ws.store()).unwrap();
        let responses: i64 = conn
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(responses, 200 + ROWS as i64, "trial {trial}");
    }
    // The kill points must have fallen inside imports, not only before or after them.
    assert!(
        killed >= TRIALS / 3,
        "only {killed} of {TRIALS} kills hit a running import"
    );
}

#[test]
fn a_tracking_import_killed_anywhere_is_absent_or_complete() {
    const TRIALS: usize = 20;
    let plan = format!("{REPO}/surveys/sample-tracking/2025-09-30.csv");
    let probe = TestWorkspace::new();
    let whole = timed(&probe, &["track", "import", &plan, "--as-of", "2025-09-30"]);
    let full: i64 = rusqlite::Connection::open(probe.store())
        .unwrap()
        .query_row("SELECT count(*) FROM actions", [], |r| r.get(0))
        .unwrap();
    let mut points = Points(7);
    for trial in 0..TRIALS {
        let ws = TestWorkspace::new();
        run_and_kill(
            &ws,
            &["track", "import", &plan, "--as-of", "2025-09-30"],
            points.next(whole.mul_f64(1.2)),
        );
        if ws.store().exists() {
            let conn = rusqlite::Connection::open(ws.store()).unwrap();
            assert_eq!(integrity(&conn), "ok", "trial {trial}");
            let actions: i64 = conn
                .query_row("SELECT count(*) FROM actions", [], |r| r.get(0))
                .unwrap_or(0);
            assert!(
                actions == 0 || actions == full,
                "trial {trial}: {actions} actions"
            );
        }
        assert!(
            mctrack(&ws, &["track", "import", &plan, "--as-of", "2025-09-30"])
                .status()
                .unwrap()
                .success()
        );
    }
}

#[test]
fn a_report_killed_anywhere_leaves_the_previous_report_whole() {
    const TRIALS: usize = 20;
    let ws = TestWorkspace::new();
    ws.write("big.csv", big_export(3000));
    assert!(mctrack(&ws, &["import", "big.csv"])
        .status()
        .unwrap()
        .success());
    let args = ["report", "-o", "out", "--as-of", "2026-11-29", "--force"];
    let whole = timed(&ws, &args);
    let mut points = Points(42);
    for trial in 0..TRIALS {
        run_and_kill(&ws, &args, points.next(whole.mul_f64(1.2)));
        let html = std::fs::read_to_string(ws.path().join("out/progress-report.html")).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"),
            "trial {trial}: a half-written report"
        );
        let markdown = std::fs::read_to_string(ws.path().join("out/progress-report.md")).unwrap();
        assert!(markdown.contains("## Manifest"), "trial {trial}");
    }
}
