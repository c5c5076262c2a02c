//! Data quality: missing answers by question and by pilot, straight-lining, speeders, possible
//! duplicate submissions, and answers that skip logic should have prevented. Every finding
//! names the responses it concerns, by respondent id, so a pilot can check them.

use std::collections::HashMap;

use crate::codebook::{Codebook, QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::descriptive::describe;

/// The thresholds the checks use, stated in every output.
#[derive(Debug, Clone, Copy)]
pub struct QualityRules {
    /// Straight-lining: at least this many rating items answered, all the same.
    pub straightline_items: usize,
    /// Speeders: completed in less than this fraction of the median duration of their role.
    pub speeder_fraction: f64,
}

impl Default for QualityRules {
    fn default() -> Self {
        QualityRules {
            straightline_items: 4,
            speeder_fraction: 1.0 / 3.0,
        }
    }
}

pub fn quality(survey: &Survey, data: &Dataset, rules: QualityRules) -> Vec<Table> {
    let codebook = &survey.codebook;
    vec![
        missing_by_question(codebook, data),
        missing_by_pilot(codebook, data),
        findings(codebook, data, rules),
    ]
}

fn asked(codebook: &Codebook, data: &Dataset, q: usize, i: usize) -> bool {
    data.asked(&codebook.questions[q], q, i)
}

fn answered(column: &Column, i: usize) -> bool {
    match column {
        Column::Levels(v) => v[i] != 0,
        Column::Choices(v) => v[i] != 0,
        Column::Numbers(v) => !v[i].is_nan(),
        Column::Answered(v) => v[i],
    }
}

fn missing_by_question(codebook: &Codebook, data: &Dataset) -> Table {
    let mut table = Table::new("Missing answers by question")
        .column("Question", ColumnKind::Text)
        .column("Type", ColumnKind::Text)
        .column("Asked", ColumnKind::Int)
        .column("Missing", ColumnKind::Int)
        .column("Missing %", ColumnKind::Percent { decimals: 1 });
    for (q, question) in codebook.questions.iter().enumerate() {
        let rows: Vec<usize> = (0..data.len())
            .filter(|&i| asked(codebook, data, q, i))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let missing = rows
            .iter()
            .filter(|&&i| !answered(&data.columns[q], i))
            .count();
        table.rows.push(vec![
            Cell::Text(question.id.clone()),
            Cell::Text(question.kind.name().into()),
            Cell::Int(rows.len() as i64),
            Cell::Int(missing as i64),
            Cell::Float(missing as f64 * 100.0 / rows.len() as f64),
        ]);
    }
    table.footnotes.push(
        "Asked = responses whose role (and wave, where the codebook limits it) the question is asked of. Missing = blank or a missing code. Questions skipped by design (\"if you did not complete\") count as missing here.".into(),
    );
    table
}

fn missing_by_pilot(codebook: &Codebook, data: &Dataset) -> Table {
    let mut table = Table::new("Missing answers by pilot")
        .column("Pilot", ColumnKind::Text)
        .column("Responses", ColumnKind::Int)
        .column("Answers expected", ColumnKind::Int)
        .column("Missing", ColumnKind::Int)
        .column("Missing %", ColumnKind::Percent { decimals: 1 });
    let mut order: Vec<usize> = (0..data.pilot_ids.len()).collect();
    order.sort_by(|a, b| data.pilot_ids[*a].cmp(&data.pilot_ids[*b]));
    for p in order {
        let rows: Vec<usize> = (0..data.len())
            .filter(|&i| data.pilot[i] as usize == p)
            .collect();
        let (mut expected, mut missing) = (0usize, 0usize);
        for &i in &rows {
            for (q, question) in codebook.questions.iter().enumerate() {
                if question.kind == QuestionKind::Text || !asked(codebook, data, q, i) {
                    continue;
                }
                expected += 1;
                if !answered(&data.columns[q], i) {
                    missing += 1;
                }
            }
        }
        table.rows.push(vec![
            Cell::Text(data.pilot_ids[p].clone()),
            Cell::Int(rows.len() as i64),
            Cell::Int(expected as i64),
            Cell::Int(missing as i64),
            if expected == 0 {
                Cell::Empty
            } else {
                Cell::Float(missing as f64 * 100.0 / expected as f64)
            },
        ]);
    }
    table
        .footnotes
        .push("Answers expected = closed questions asked of each response's role and wave; free text is not counted.".into());
    table
}

/// One finding: which check, where, the responses, and what was seen.
struct Finding {
    check: &'static str,
    pilot: String,
    wave: String,
    ids: Vec<String>,
    detail: String,
}

fn findings(codebook: &Codebook, data: &Dataset, rules: QualityRules) -> Table {
    let mut found = Vec::new();
    straightlining(codebook, data, rules, &mut found);
    speeders(codebook, data, rules, &mut found);
    duplicates(codebook, data, &mut found);
    skip_logic(codebook, data, &mut found);
    let mut table = Table::new("Findings")
        .column("Check", ColumnKind::Text)
        .column("Pilot", ColumnKind::Text)
        .column("Wave", ColumnKind::Text)
        .column("Responses", ColumnKind::Int)
        .column("Respondent ids", ColumnKind::Text)
        .column("Detail", ColumnKind::Text);
    for f in found {
        table.rows.push(vec![
            Cell::Text(f.check.into()),
            Cell::Text(f.pilot),
            Cell::Text(f.wave),
            Cell::Int(f.ids.len() as i64),
            Cell::Text(f.ids.join(" ")),
            Cell::Text(f.detail),
        ]);
    }
    table.footnotes.extend([
        format!(
            "straight-lining: the same answer to every rating item of a scale asked of the role, with at least {} answered.",
            rules.straightline_items
        ),
        format!(
            "speeder: finished in under {:.0}% of the median duration of the same role; only where the platform recorded durations.",
            rules.speeder_fraction * 100.0
        ),
        "possible duplicate: identical answers to every closed question (at least 5 answered) under different respondent ids in one pilot and wave.".into(),
        "skip logic: answers to questions the codebook does not ask of the respondent's role or wave.".into(),
    ]);
    if table.rows.is_empty() {
        table.footnotes.insert(0, "No findings.".into());
    }
    table
}

/// Groups row indices by (pilot, wave) in a stable order, for findings listed per pilot.
fn by_pilot_wave(data: &Dataset, rows: &[usize]) -> Vec<((u32, u8), Vec<usize>)> {
    let mut groups: HashMap<(u32, u8), Vec<usize>> = HashMap::new();
    for &i in rows {
        groups
            .entry((data.pilot[i], data.wave[i]))
            .or_default()
            .push(i);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| {
        (&data.pilot_ids[a.0 .0 as usize], a.0 .1).cmp(&(&data.pilot_ids[b.0 .0 as usize], b.0 .1))
    });
    groups
}

fn push_grouped(
    codebook: &Codebook,
    data: &Dataset,
    rows: &[usize],
    check: &'static str,
    detail: impl Fn(&[usize]) -> String,
    found: &mut Vec<Finding>,
) {
    for ((pilot, wave), members) in by_pilot_wave(data, rows) {
        found.push(Finding {
            check,
            pilot: data.pilot_ids[pilot as usize].clone(),
            wave: codebook.waves[wave as usize].clone(),
            ids: members
                .iter()
                .map(|&i| data.respondent_ids[i].clone())
                .collect(),
            detail: detail(&members),
        });
    }
}

fn straightlining(
    codebook: &Codebook,
    data: &Dataset,
    rules: QualityRules,
    found: &mut Vec<Finding>,
) {
    let mut flagged = Vec::new();
    for i in 0..data.len() {
        let mut by_scale: HashMap<usize, Vec<u8>> = HashMap::new();
        for (q, question) in codebook.questions.iter().enumerate() {
            if let (Some(scale), Column::Levels(levels)) = (question.scale, &data.columns[q]) {
                if asked(codebook, data, q, i) && levels[i] != 0 {
                    by_scale.entry(scale).or_default().push(levels[i]);
                }
            }
        }
        let straight = by_scale.values().any(|answers| {
            answers.len() >= rules.straightline_items && answers.iter().all(|a| *a == answers[0])
        });
        if straight {
            flagged.push(i);
        }
    }
    push_grouped(
        codebook,
        data,
        &flagged,
        "straight-lining",
        |_| "the same answer to every rating item".into(),
        found,
    );
}

fn speeders(codebook: &Codebook, data: &Dataset, rules: QualityRules, found: &mut Vec<Finding>) {
    for (r, role) in codebook.roles.iter().enumerate() {
        let rows: Vec<usize> = (0..data.len())
            .filter(|&i| data.role[i] as usize == r && data.duration[i].is_finite())
            .collect();
        let durations: Vec<f64> = rows.iter().map(|&i| data.duration[i]).collect();
        let Some(described) = describe(&durations) else {
            continue;
        };
        let limit = described.median * rules.speeder_fraction;
        let fast: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| data.duration[i] < limit)
            .collect();
        push_grouped(
            codebook,
            data,
            &fast,
            "speeder",
            |members| {
                let seconds: Vec<String> = members
                    .iter()
                    .map(|&i| format!("{:.0}", data.duration[i]))
                    .collect();
                format!(
                    "{role}: {} s against a median of {:.0} s",
                    seconds.join(", "),
                    described.median
                )
            },
            found,
        );
    }
}

fn duplicates(codebook: &Codebook, data: &Dataset, found: &mut Vec<Finding>) {
    let mut patterns: HashMap<(u32, u8, Vec<u64>), Vec<usize>> = HashMap::new();
    for i in 0..data.len() {
        let mut pattern = Vec::with_capacity(codebook.questions.len());
        let mut answers = 0;
        for column in &data.columns {
            let value = match column {
                Column::Levels(v) => u64::from(v[i]),
                Column::Choices(v) => v[i],
                Column::Numbers(v) if v[i].is_nan() => 0,
                Column::Numbers(v) => v[i].to_bits(),
                Column::Answered(_) => continue,
            };
            answers += usize::from(value != 0);
            pattern.push(value);
        }
        if answers >= 5 {
            patterns
                .entry((data.pilot[i], data.wave[i], pattern))
                .or_default()
                .push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = patterns.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        found.push(Finding {
            check: "possible duplicate",
            pilot: data.pilot_ids[data.pilot[group[0]] as usize].clone(),
            wave: codebook.waves[data.wave[group[0]] as usize].clone(),
            ids: group
                .iter()
                .map(|&i| data.respondent_ids[i].clone())
                .collect(),
            detail: "identical answers under different respondent ids".into(),
        });
    }
}

fn skip_logic(codebook: &Codebook, data: &Dataset, found: &mut Vec<Finding>) {
    for (q, question) in codebook.questions.iter().enumerate() {
        let rows: Vec<usize> = (0..data.len())
            .filter(|&i| !asked(codebook, data, q, i) && answered(&data.columns[q], i))
            .collect();
        push_grouped(
            codebook,
            data,
            &rows,
            "skip logic",
            |members| {
                let roles: Vec<&str> = members
                    .iter()
                    .map(|&i| codebook.roles[data.role[i] as usize].as_str())
                    .collect();
                let right_roles = members
                    .iter()
                    .all(|&i| question.roles.contains(&(data.role[i] as usize)));
                if right_roles {
                    return format!(
                        "{} answered in a wave it is not asked in (asked in {})",
                        question.id,
                        question
                            .waves
                            .iter()
                            .map(|&w| codebook.waves[w].as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                format!(
                    "{} answered by {} (asked of {})",
                    question.id,
                    dedup(roles).join(", "),
                    question
                        .roles
                        .iter()
                        .map(|&r| codebook.roles[r].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            found,
        );
    }
}

fn dedup(mut items: Vec<&str>) -> Vec<&str> {
    items.sort_unstable();
    items.dedup();
    items
}
