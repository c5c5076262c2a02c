//! A throw-away workspace for driving the binary, and a way to read back the whole store.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

pub struct TestWorkspace {
    pub dir: tempfile::TempDir,
}

impl TestWorkspace {
    /// A workspace with the repository's codebook, recommendations and pilots.
    pub fn new() -> TestWorkspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("surveys")).unwrap();
        for file in [
            "mctrack.toml",
            "surveys/codebook.toml",
            "surveys/recommendations.toml",
            "surveys/pilots.csv",
        ] {
            std::fs::copy(Path::new(REPO).join(file), dir.path().join(file)).unwrap();
        }
        TestWorkspace { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("mctrack").expect("binary");
        cmd.current_dir(self.path()).env("NO_COLOR", "1");
        cmd
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn store(&self) -> PathBuf {
        self.path().join("mctrack.db")
    }

    /// Every row of every table, in a fixed order: equal dumps mean equal content.
    pub fn dump(&self) -> String {
        if !self.store().exists() {
            return String::from("(no store)");
        }
        let conn = rusqlite::Connection::open(self.store()).unwrap();
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        tables.sort();
        let mut out = String::new();
        for table in tables {
            let schema: String = conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE name = ?1",
                    [&table],
                    |r| r.get(0),
                )
                .unwrap();
            out.push_str(&schema);
            out.push('\n');
            out.push_str(&rows_of(
                &conn,
                &format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"),
            ));
        }
        out
    }

    /// The rows `sql` gives, a line each.
    pub fn rows(&self, sql: &str) -> String {
        rows_of(&rusqlite::Connection::open(self.store()).unwrap(), sql)
    }

    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.store()).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn rows_of(conn: &rusqlite::Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(sql).unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = String::new();
    while let Some(row) = rows.next().unwrap() {
        for i in 0..columns {
            let value: rusqlite::types::Value = row.get(i).unwrap();
            out.push_str(&format!("{value:?}|"));
        }
        out.push('\n');
    }
    out
}

pub fn sample_dir() -> PathBuf {
    Path::new(REPO).join("surveys").join("sample")
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A workspace holding the bundled sample, imported as the demo does (skipping the two
/// duplicate submissions).
pub fn imported_sample() -> TestWorkspace {
    let ws = TestWorkspace::new();
    ws.cmd()
        .arg("import")
        .arg(sample_dir())
        .arg("--skip-invalid")
        .assert()
        .success();
    ws
}

/// Loads the sample action plan's quarterly updates, each as of the date in its name.
pub fn load_sample_plan(ws: &TestWorkspace) {
    for date in ["2025-09-30", "2026-03-31", "2026-09-30"] {
        ws.cmd()
            .args(["track", "import"])
            .arg(format!("{REPO}/surveys/sample-tracking/{date}.csv"))
            .args(["--as-of", date, "--by", "Tester"])
            .assert()
            .success();
    }
}
