//! Disclosure control, output by output. A store holds three groups below the minimum cell
//! size of 10: pilot P03 (3 learners), wave followup_6m (4 learners) and the employers (3).
//! Every analysis command is run in every format it offers, and for each output:
//! (a) a row labelled with a small group shows no figure at all, and
//! (b) no small group's count follows from a total minus the groups shown: wherever a group is
//!     suppressed, the total is withheld too or another group of it is suppressed with it.
//! Identifier columns of the export (name, e-mail, IP address, location) never reach the store.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{stdout_of, TestWorkspace};
use serde_json::Value;

/// Learners per pilot and wave: (pilot, wave, respondents).
const LEARNERS: [(&str, &str, usize); 6] = [
    ("P01", "exit", 12),
    ("P02", "exit", 15),
    ("P03", "exit", 3),
    ("P01", "followup_3m", 11),
    ("P02", "followup_3m", 12),
    ("P02", "followup_6m", 4),
];
/// Employers, all in P02's exit wave.
const EMPLOYERS: usize = 3;

/// The labels of rows that belong to a group below the minimum cell size.
const SMALL_ROWS: [&str; 5] = [
    "P03",
    "followup_6m",
    "employer",
    "employer rating items",
    "R2 assessment (employer)",
];

/// Learners in each group of the pilots and of the waves, and in all.
fn learner_counts() -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    for (pilot, wave, n) in LEARNERS {
        *counts.entry(pilot).or_insert(0) += n as u64;
        *counts.entry(wave).or_insert(0) += n as u64;
        *counts.entry("all").or_insert(0) += n as u64;
    }
    counts
}

/// A generic export with identifier columns, learners answering the rating and yes/no items of
/// R2 to R8, and the employers answering theirs.
fn export() -> String {
    let mut csv = String::from(
        "response_id,pilot_id,wave,role,submitted_date,Full name,Email,IP Address,Location Latitude,Location Longitude,L03,L06,L08,L09,L10,L11,L14,E04,E05,E06,E09\n",
    );
    let employers = std::iter::repeat_n(("P02", "exit", "employer"), EMPLOYERS);
    let learners = LEARNERS
        .iter()
        .flat_map(|&(pilot, wave, n)| std::iter::repeat_n((pilot, wave, "learner"), n));
    for (i, (pilot, wave, role)) in learners.chain(employers).enumerate() {
        let level = |step: usize| 1 + (i * step + i / 3) % 5;
        let yes_no = |k: usize| if (i / k) % 2 == 0 { "yes" } else { "no" };
        let identifiers =
            format!("Person Number{i},person{i}@example.org,10.0.{i}.77,43.65{i:03},-79.38{i:03}");
        let answers = if role == "learner" {
            format!(
                "{},{},{},{},{},{},{},,,,",
                yes_no(1),
                level(1),
                level(3),
                level(7),
                level(2),
                yes_no(3),
                level(4)
            )
        } else {
            format!(",,,,,,,{},{},{},{}", level(1), level(2), level(3), level(4))
        };
        csv.push_str(&format!(
            "R{i:03},{pilot},{wave},{role},2024-02-{:02},{identifiers},{answers}\n",
            1 + i % 28
        ));
    }
    csv
}

fn imported() -> TestWorkspace {
    let ws = TestWorkspace::new();
    let file = ws.write("export.csv", export());
    ws.cmd().arg("import").arg(file).assert().success();
    ws
}

/// Runs `args` and returns what it printed.
fn run(ws: &TestWorkspace, args: &[&str]) -> String {
    let output = ws.cmd().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    stdout_of(&output)
}

/// A figure: a number, or a count with its percentage such as "6 (19.4)".
fn is_figure(cell: &str) -> bool {
    let cell = cell.trim();
    let count = cell.split_once(" (").map_or(cell, |(count, _)| count);
    count.parse::<f64>().is_ok()
}

/// (a): a row whose label is a small group's shows no figure in any other cell.
fn assert_no_small_row_figures(what: &str, rows: &[Vec<String>]) {
    for row in rows {
        let Some(label) = row.iter().find(|c| SMALL_ROWS.contains(&c.trim())) else {
            continue;
        };
        let figures: Vec<&String> = row.iter().filter(|c| is_figure(c)).collect();
        assert!(
            figures.is_empty(),
            "{what}: the row of {label} shows {figures:?}: {row:?}"
        );
    }
}

/// The rows of a terminal table, Markdown or CSV output, split into cells.
fn text_rows(format: &str, text: &str) -> Vec<Vec<String>> {
    match format {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .comment(Some(b'#'))
                .from_reader(text.as_bytes());
            reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect()
        }
        _ => text
            .lines()
            .filter(|l| l.starts_with('│') || l.starts_with('|'))
            .map(|l| {
                l.split(['│', '┆', '|'])
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect(),
    }
}

/// The rows of every JSON table, as (title, cells by column name).
fn json_tables(text: &str) -> Vec<(String, Vec<BTreeMap<String, Value>>)> {
    let json: Value = serde_json::from_str(text).unwrap();
    json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let rows = t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r.as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .collect();
            (t["title"].as_str().unwrap().to_string(), rows)
        })
        .collect()
}

fn json_cells(rows: &[BTreeMap<String, Value>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            r.values()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// (b) for one JSON output: in every table with a group column whose total is shown, per
/// question (and option), the groups are either all shown, or at least two are suppressed; and for the learner questions
/// the total minus the groups shown never equals a suppressed group's count.
fn assert_no_subtraction(what: &str, text: &str) {
    let counts = learner_counts();
    for (title, rows) in json_tables(text) {
        let Some(group) = ["Pilot", "Wave", "Group", "Role"]
            .into_iter()
            .find(|g| rows.first().is_some_and(|r| r.contains_key(*g)))
        else {
            continue;
        };
        let Some(base) = ["Base n", "n", "Responses"]
            .into_iter()
            .find(|b| rows.first().is_some_and(|r| r.contains_key(*b)))
        else {
            continue;
        };
        let total_hidden = rows
            .iter()
            .any(|r| r[group] == "all" && r[base] == "suppressed");
        if total_hidden {
            continue;
        }
        let mut by_question: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        for row in &rows {
            let question = row
                .get("Question")
                .map(Value::to_string)
                .unwrap_or_default();
            let label = row[group].as_str().unwrap_or_default().to_string();
            if !label.is_empty() && label != "all" {
                by_question
                    .entry(question)
                    .or_default()
                    .insert(label, row[base].clone());
            }
        }
        for (question, groups) in by_question {
            let suppressed: Vec<&String> = groups
                .iter()
                .filter(|(_, n)| n.as_str() == Some("suppressed"))
                .map(|(g, _)| g)
                .collect();
            // A lone group is its question's total, which is suppressed with it.
            assert!(
                suppressed.len() != 1 || groups.len() == 1,
                "{what}: {title} {question}: only {suppressed:?} is suppressed: {groups:?}"
            );
            let learner_question = ["\"L03\"", "\"L06\""].contains(&question.as_str());
            if learner_question && group != "Role" {
                let shown: u64 = groups.values().filter_map(Value::as_u64).sum();
                for g in &suppressed {
                    assert_ne!(
                        counts["all"] - shown,
                        counts[g.as_str()],
                        "{what}: {title} {question}: {g} is the total minus the groups shown"
                    );
                }
            }
        }
    }
}

const FORMATS: [&str; 4] = ["table", "csv", "json", "markdown"];

/// The analysis commands that print tables, with the grouping each shows.
const TABLE_COMMANDS: [&[&str]; 12] = [
    &["summary"],
    &["summary", "--by", "pilot", "-q", "L06", "-q", "L03"],
    &["summary", "--by", "wave", "-q", "L06", "-q", "L03"],
    &["summary", "--by", "role", "-q", "L06", "-q", "E04"],
    &["summary", "--pilot", "P03", "-q", "L06", "-q", "L03"],
    &["compare", "--by", "pilot", "L06", "L03"],
    &["compare", "--by", "wave", "L06", "L03"],
    &["trend", "L06", "L03"],
    &["trend", "--measure", "share", "L06"],
    &["crosstab", "L03", "L11"],
    &["scales"],
    &["recs", "--as-of", "2026-01-01"],
];

#[test]
fn no_table_format_shows_a_small_group_directly_or_by_subtraction() {
    let ws = imported();
    for command in TABLE_COMMANDS {
        for format in FORMATS {
            let mut args = command.to_vec();
            args.extend(["--format", format]);
            let text = run(&ws, &args);
            let what = args.join(" ");
            if format == "json" {
                for (_, rows) in json_tables(&text) {
                    assert_no_small_row_figures(&what, &json_cells(&rows));
                }
                assert_no_subtraction(&what, &text);
            } else {
                assert_no_small_row_figures(&what, &text_rows(format, &text));
            }
        }
    }
}

#[test]
fn a_filtered_summary_of_a_small_pilot_withholds_its_counts() {
    let ws = imported();
    let text = run(
        &ws,
        &["summary", "--pilot", "P03", "-q", "L06", "--format", "json"],
    );
    let tables = json_tables(&text);
    let (_, overview) = &tables[0];
    for row in overview {
        assert_eq!(row["Responses"], "suppressed", "{row:?}");
        assert_eq!(row["Pilots"], "suppressed", "{row:?}");
    }
    let (_, ratings) = &tables[1];
    assert_eq!(ratings[0]["Base n"], "suppressed");
    let table = run(&ws, &["summary", "--pilot", "P03", "-q", "L06"]);
    assert!(
        table.contains("; how many is withheld as too few to show); codebook"),
        "{table}"
    );
    assert!(!table.contains("Summary of 3 responses"), "{table}");
}

#[test]
fn crosstab_cells_are_never_suppressed_alone_in_a_row_or_column() {
    let ws = imported();
    let text = run(&ws, &["crosstab", "L03", "L11", "--format", "json"]);
    let (title, rows) = &json_tables(&text)[0];
    let inner: Vec<&str> = ["No", "Yes"].into();
    let hidden =
        |row: &BTreeMap<String, Value>, column: &str| row[&format!("n {column}")] == "suppressed";
    for row in rows
        .iter()
        .filter(|r| inner.contains(&r["L03 \\ L11"].as_str().unwrap()))
    {
        let in_row = inner.iter().filter(|c| hidden(row, c)).count();
        assert_ne!(in_row, 1, "{title}: {row:?}");
    }
    for column in &inner {
        let in_column = rows
            .iter()
            .filter(|r| inner.contains(&r["L03 \\ L11"].as_str().unwrap()))
            .filter(|r| hidden(r, column))
            .count();
        assert_ne!(in_column, 1, "{title}: column {column}: {rows:?}");
    }
}

#[test]
fn scales_of_a_small_role_are_withheld_with_their_items() {
    let ws = imported();
    let text = run(&ws, &["scales", "--format", "json"]);
    let tables = json_tables(&text);
    let (_, summary) = &tables[0];
    let employer = summary
        .iter()
        .find(|r| r["Scale"] == "employer rating items")
        .unwrap();
    for column in ["n", "Alpha", "95% lower", "95% upper"] {
        assert_eq!(employer[column], "suppressed", "{column}");
    }
    assert!(tables.iter().all(|(t, _)| !t.starts_with("employer")));
}

/// Every table of a workbook, one row of cells per sheet row.
fn workbook_rows(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

/// The rows of every HTML table, cells stripped of markup.
fn html_rows(html: &str) -> Vec<Vec<String>> {
    html.split("<tr")
        .skip(1)
        .map(|tr| {
            let tr = tr.split("</tr>").next().unwrap_or_default();
            tr.split("<t")
                .skip(1)
                .filter(|c| c.starts_with('d') || c.starts_with('h'))
                .map(|c| {
                    let content = c.split_once('>').map_or("", |(_, rest)| rest);
                    content
                        .split('<')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_report_and_its_charts_show_no_small_group() {
    let ws = imported();
    let out = ws.path().join("out");
    run(
        &ws,
        &[
            "report",
            "--as-of",
            "2026-01-01",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(out.join("progress-report.html")).unwrap();
    assert_no_small_row_figures("report html", &html_rows(&html));
    let markdown = std::fs::read_to_string(out.join("progress-report.md")).unwrap();
    assert_no_small_row_figures("report markdown", &text_rows("markdown", &markdown));
    let sheets = workbook_rows(&out.join("progress-report.xlsx"));
    for (sheet, rows) in &sheets {
        assert_no_small_row_figures(&format!("report workbook, sheet {sheet}"), rows);
    }
    // The pilot heat map: in each recommendation's column, a suppressed pilot never stands
    // alone beside the pilots shown.
    let (_, heat) = sheets
        .iter()
        .find(|(_, rows)| rows.iter().any(|r| r.first().is_some_and(|c| c == "Pilot")))
        .expect("a sheet with the pilot heat map");
    let header = heat.iter().position(|r| r[0] == "Pilot").unwrap();
    let pilots = &heat[header + 1..];
    for (column, rec) in heat[header].iter().enumerate().skip(2) {
        let with_data: Vec<&String> = pilots
            .iter()
            .filter(|r| r[0].starts_with('P'))
            .map(|r| &r[column])
            .filter(|c| !c.is_empty())
            .collect();
        let hidden = with_data.iter().filter(|c| **c == "suppressed").count();
        assert!(
            hidden != 1 || with_data.len() == 1,
            "heat map, {rec}: {with_data:?}"
        );
    }
    // The data-quality section: a question asked only of the 3 employers shows no count.
    let e04 = sheets
        .iter()
        .flat_map(|(_, rows)| rows)
        .find(|r| r.first().is_some_and(|c| c == "E04"))
        .expect("E04 in the missing-answers table");
    assert!(
        e04[2..].iter().all(|c| c == "suppressed"),
        "data quality, E04: {e04:?}"
    );
    // Chart descriptions carry their figures in words: no count for a small group.
    for chart in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = chart.unwrap().path();
        if path.extension().is_none_or(|e| e != "svg") {
            continue;
        }
        let svg = std::fs::read_to_string(&path).unwrap();
        assert_no_small_chart_figures(&path.display().to_string(), &svg);
    }
}

/// In a chart's text (its description gives every figure in words, "43 (n = 23)"), what
/// follows a small group's name up to the end of its entry never gives a count.
fn assert_no_small_chart_figures(what: &str, svg: &str) {
    for small in ["P03", "followup_6m", "employer"] {
        for (at, _) in svg.match_indices(&format!("{small} ")) {
            let segment = svg[at..].split([')', '.', '<']).next().unwrap_or_default();
            assert!(!segment.contains("n = "), "{what}: {segment}");
        }
    }
}

#[test]
fn plotted_charts_show_no_small_group() {
    let ws = imported();
    for kind in ["likert", "heatmap", "scorecard", "trend"] {
        for extension in ["svg", "png"] {
            let file = ws.path().join(format!("{kind}.{extension}"));
            let mut args = vec!["plot", kind, "-o", file.to_str().unwrap()];
            if kind == "trend" {
                // Wave followup_6m is small, and followup_3m is withheld beside it: one wave
                // is left, and a trend is not drawn from one wave.
                args.extend(["--rec", "R2"]);
                let output = ws.cmd().args(&args).output().unwrap();
                assert_eq!(
                    common::stderr_of(&output),
                    "error: nothing to draw: no data in scope with enough respondents for this chart\n"
                );
                continue;
            }
            run(&ws, &args);
            let bytes = std::fs::read(&file).unwrap();
            assert!(!bytes.is_empty(), "{kind}.{extension}");
            if extension == "svg" {
                assert_no_small_chart_figures(
                    &format!("{kind}.svg"),
                    &String::from_utf8(bytes).unwrap(),
                );
            }
        }
    }
}

#[test]
fn identifier_values_never_reach_the_store() {
    let ws = imported();
    let dump = ws.dump();
    for value in [
        "Person Number",
        "@example.org",
        "10.0.1.77",
        "43.65001",
        "-79.38001",
    ] {
        assert!(!dump.contains(value), "{value} is in the store");
    }
    assert!(dump.contains("R001"), "the store holds the responses");
}
