//! `mctrack report` end to end: the three formats from the sample and its action plan, what a
//! second run may replace, comments only on request, and escaping of every string that comes
//! from data or the codebook.

mod common;

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use common::{imported_sample, load_sample_plan, sample_dir, stdout_of, TestWorkspace, REPO};

const AS_OF: &str = "2026-11-29";

fn sample_with_plan() -> TestWorkspace {
    let ws = imported_sample();
    load_sample_plan(&ws);
    ws
}

fn read(ws: &TestWorkspace, name: &str) -> String {
    std::fs::read_to_string(ws.path().join("out").join(name)).unwrap()
}

#[test]
fn the_report_writes_html_markdown_and_a_workbook_from_the_sample() {
    let ws = sample_with_plan();
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .success()
        .stdout(
            "wrote out/progress-report.html\nwrote out/progress-report.md\nwrote out/progress-report.xlsx\n",
        );
    let html = read(&ws, "progress-report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for anchor in [
        "headline",
        "rec-r1",
        "rec-r2",
        "rec-r3",
        "rec-r4",
        "rec-r5",
        "rec-r6",
        "rec-r7",
        "rec-r8",
        "pilots",
        "questions",
        "quality",
        "methods",
        "manifest",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{anchor}\">")),
            "{anchor}"
        );
    }
    // Self-contained: no script, no file or address fetched.
    for forbidden in ["<script", "src=\"http", "href=\"http", "<link", "@import"] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("19 actions: 7 implemented (3 verified), 4 overdue, as of 2026-11-29."));
    assert!(html.contains("Check: implemented, but L09 top-2 % stays clearly below target."));
    assert!(html.contains("Create robust employer–educator networks"));
    // Free text stays out unless asked for.
    assert!(!html.contains("Evening sessions for people who work days"));
    assert!(!html.contains("id=\"comments\""));
    let markdown = read(&ws, "progress-report.md");
    assert!(markdown.contains("## R5 innovation"));
    assert!(markdown.contains("| R5 | innovation | accepted |  | implemented | 2 | 3 | 1 |"));

    let bytes = std::fs::read(ws.path().join("out/progress-report.xlsx")).unwrap();
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    assert_eq!(names[0], "Contents");
    assert!(names.iter().all(|n| n.chars().count() <= 31));
    let scorecard = names
        .iter()
        .find(|n| n.contains("Scorecard"))
        .unwrap()
        .clone();
    let range = workbook.worksheet_range(&scorecard).unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("Scorecard: status beside evidence".into()))
    );
    assert_eq!(range.get_value((2, 0)), Some(&Data::String("Rec".into())));
    // R5's row: numbers are numbers.
    assert_eq!(range.get_value((7, 0)), Some(&Data::String("R5".into())));
    assert_eq!(range.get_value((7, 5)), Some(&Data::Float(2.0)));
    assert_eq!(range.get_value((7, 6)), Some(&Data::Float(3.0)));
}

#[test]
fn an_existing_report_is_replaced_only_with_force() {
    let ws = sample_with_plan();
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .success();
    ws.write("out/progress-report.md", "kept");
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .code(1)
        .stderr(
            "error: out/progress-report.html already exists; add --force to replace the report\n",
        );
    assert_eq!(read(&ws, "progress-report.md"), "kept");
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF, "--force"])
        .assert()
        .success();
    assert!(read(&ws, "progress-report.md").starts_with("# "));
    // Nothing but the three files (no temporary file left behind).
    let mut files: Vec<String> = std::fs::read_dir(ws.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "charts",
            "progress-report.html",
            "progress-report.md",
            "progress-report.xlsx"
        ]
    );
    let charts: Vec<String> = std::fs::read_dir(ws.path().join("out/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.contains(&"pilots.svg".to_string()));
    assert!(charts.contains(&"pilots.png".to_string()));
    assert!(
        charts
            .iter()
            .all(|c| c.ends_with(".svg") || c.ends_with(".png")),
        "{charts:?}"
    );
}

/// A workspace whose pilot name and question text carry markup, with free-text answers that
/// carry markup and contact details: 12 from one pilot, 3 from another.
fn hostile_workspace() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let pilots = std::fs::read_to_string(ws.path().join("surveys/pilots.csv")).unwrap();
    ws.write(
        "surveys/pilots.csv",
        pilots.replace(
            "Synthetic Pilot 01: Workplace Communication",
            "\"<script>alert(1)</script> \"\"><img src=x onerror=alert(2)>\"",
        ),
    );
    let codebook = std::fs::read_to_string(ws.path().join("surveys/codebook.toml")).unwrap();
    ws.write(
        "surveys/codebook.toml",
        codebook.replace(
            "text = \"The skills taught are in demand by employers in my field.\"",
            "text = \"Skills <script>alert(3)</script> \\\"><img src=x onerror=alert(4)>\"",
        ),
    );
    let mut csv = String::from("response_id,pilot_id,wave,role,L06,L15\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "a{i},P01,exit,learner,4,\"<script>alert(5)</script> \"\"><img src=x onerror=alert(6)> write to me{i}@example.org or call 416-555-01{i:02}\"\n"
        ));
    }
    for i in 0..3 {
        csv.push_str(&format!(
            "b{i},P02,exit,learner,5,Only three of us said this\n"
        ));
    }
    ws.write("answers.csv", csv);
    ws.cmd().args(["import", "answers.csv"]).assert().success();
    ws
}

#[test]
fn every_string_from_data_or_the_codebook_is_escaped() {
    let ws = hostile_workspace();
    ws.cmd()
        .args([
            "report",
            "-o",
            "out",
            "--as-of",
            AS_OF,
            "--include-comments",
        ])
        .assert()
        .success();
    let html = read(&ws, "progress-report.html");
    assert!(!html.contains("<script"), "raw script tag in the report");
    assert!(!html.contains("<img"), "raw img tag in the report");
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
    ));
    assert!(html.contains("Skills &lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(5)&lt;/script&gt;"));
    let markdown = read(&ws, "progress-report.md");
    assert!(!markdown.contains("<script"));
    assert!(!markdown.contains("<img"));
}

#[test]
fn comments_appear_only_when_asked_masked_and_for_large_enough_groups() {
    let ws = hostile_workspace();
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .success();
    assert!(!read(&ws, "progress-report.html").contains("write to"));
    ws.cmd()
        .args([
            "report",
            "-o",
            "out",
            "--as-of",
            AS_OF,
            "--include-comments",
            "--force",
        ])
        .assert()
        .success();
    let html = read(&ws, "progress-report.html");
    assert!(html.contains("<section id=\"comments\">"));
    assert!(html.contains("write to [e-mail] or call [phone]"));
    assert!(!html.contains("@example.org"));
    assert!(!html.contains("416-555"));
    // Three answers from P02 are fewer than the minimum cell size: withheld.
    assert!(!html.contains("Only three of us said this"));
    assert!(html.contains("1 smaller group(s) are withheld"));
}

#[test]
fn demo_ends_by_writing_the_report() {
    let ws = TestWorkspace::new();
    let sample = ws.path().join("surveys/sample");
    std::fs::create_dir_all(&sample).unwrap();
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, sample.join(path.file_name().unwrap())).unwrap();
    }
    let plan = ws.path().join("surveys/sample-tracking");
    std::fs::create_dir_all(&plan).unwrap();
    for date in ["2025-09-30", "2026-03-31", "2026-09-30"] {
        std::fs::copy(
            format!("{REPO}/surveys/sample-tracking/{date}.csv"),
            plan.join(format!("{date}.csv")),
        )
        .unwrap();
    }
    let output = ws.cmd().arg("demo").output().unwrap();
    assert!(output.status.success());
    let out = stdout_of(&output);
    assert!(
        out.contains("The progress report: reports/progress-report.html"),
        "{out}"
    );
    assert!(ws.path().join("reports/progress-report.xlsx").exists());
}

#[test]
fn formula_like_text_reaches_the_workbook_as_text() {
    let ws = TestWorkspace::new();
    let pilots = std::fs::read_to_string(ws.path().join("surveys/pilots.csv")).unwrap();
    ws.write(
        "surveys/pilots.csv",
        pilots.replace(
            "Synthetic Pilot 01: Workplace Communication",
            "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
        ),
    );
    let mut csv = String::from("response_id,pilot_id,wave,role,L06\n");
    for i in 0..12 {
        csv.push_str(&format!("r{i},P01,exit,learner,4\n"));
    }
    ws.write("a.csv", csv);
    ws.cmd().args(["import", "a.csv"]).assert().success();
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .success();
    let bytes = std::fs::read(ws.path().join("out/progress-report.xlsx")).unwrap();
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .find(|n| n.contains("Pilots by recommendation"))
        .unwrap();
    let range = workbook.worksheet_range(&sheet).unwrap();
    assert_eq!(
        range.get_value((3, 1)),
        Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into()))
    );
    let formulas = workbook.worksheet_formula(&sheet).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn plot_draws_every_chart_kind_on_its_own() {
    let ws = sample_with_plan();
    for (kind, extra) in [
        ("likert", vec!["--rec", "R2"]),
        ("scorecard", vec![]),
        ("heatmap", vec!["--role", "learner"]),
        ("trend", vec!["--rec", "R6"]),
        ("status", vec!["--as-of", AS_OF]),
    ] {
        for ext in ["svg", "png"] {
            let file = format!("{kind}.{ext}");
            ws.cmd()
                .args(["plot", kind, "-o", &file])
                .args(&extra)
                .assert()
                .success()
                .stdout(format!("wrote {file}\n"));
            let bytes = std::fs::read(ws.path().join(&file)).unwrap();
            if ext == "png" {
                assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{file}");
            } else {
                let svg = String::from_utf8(bytes).unwrap();
                assert!(svg.starts_with("<svg role=\"img\""), "{file}");
                assert!(svg.contains("<title>") && svg.contains("<desc>"), "{file}");
            }
        }
    }
    ws.cmd()
        .args(["plot", "trend", "-o", "t.svg"])
        .assert()
        .code(1)
        .stderr("error: trend draws one recommendation's indicators: add --rec R1..R8\n");
    ws.cmd()
        .args(["plot", "likert", "-o", "chart.pdf"])
        .assert()
        .code(1)
        .stderr("error: chart.pdf: expected a file name ending in .svg or .png\n");
    ws.cmd()
        .args(["plot", "heatmap", "--pilot", "P99", "-o", "h.svg"])
        .assert()
        .code(1)
        .stderr(
            "error: nothing to draw: no data in scope with enough respondents for this chart\n",
        );
}

/// Disclosure control in the report's own formats: a pilot with 4 learners shows no figure of
/// its own in the HTML, Markdown, workbook or heat-map chart; only the suppression mark.
#[test]
fn a_small_pilot_shows_no_figure_in_any_report_format() {
    let ws = TestWorkspace::new();
    let mut csv = String::from("response_id,pilot_id,wave,role,L06\n");
    for i in 0..12 {
        csv.push_str(&format!("a{i},P01,exit,learner,{}\n", i % 2 + 2));
    }
    for i in 0..4 {
        csv.push_str(&format!("b{i},P02,exit,learner,5\n"));
    }
    ws.write("a.csv", csv);
    ws.cmd().args(["import", "a.csv"]).assert().success();
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", AS_OF])
        .assert()
        .success();
    let html = read(&ws, "progress-report.html");
    let p02 = html
        .lines()
        .find(|l| l.starts_with("<tr><td>P02</td>"))
        .expect("P02's heat-map row");
    assert!(p02.contains("<td class=\"s\""), "{p02}");
    assert!(!p02.contains("100"), "{p02}");
    let markdown = read(&ws, "progress-report.md");
    let p02 = markdown
        .lines()
        .find(|l| l.starts_with("| P02 |"))
        .expect("P02's heat-map row");
    assert!(p02.contains("| s |") && !p02.contains("100"), "{p02}");
    let svg = std::fs::read_to_string(ws.path().join("out/charts/pilots.svg")).unwrap();
    assert!(svg.contains("suppressed"), "the heat map says what s means");
    assert!(!svg.contains(">100<"), "P02's share drawn in the heat map");
    let bytes = std::fs::read(ws.path().join("out/progress-report.xlsx")).unwrap();
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .find(|n| n.contains("Pilots by recommendation"))
        .unwrap();
    let range = workbook.worksheet_range(&sheet).unwrap();
    let row = (0..range.height() as u32)
        .find(|&r| range.get_value((r, 0)) == Some(&Data::String("P02".into())))
        .unwrap();
    let cells: Vec<&Data> = (2..range.width() as u32)
        .filter_map(|c| range.get_value((row, c)))
        .collect();
    assert!(
        cells.contains(&&Data::String("suppressed".into())),
        "{cells:?}"
    );
    assert!(
        !cells.iter().any(|c| matches!(c, Data::Float(_))),
        "{cells:?}"
    );
}
