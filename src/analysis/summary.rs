//! Question summaries: for each question, its base, missing count, distribution and the
//! statistics that suit its type, optionally by group, arranged by recommendation.

use std::collections::BTreeMap;

use crate::codebook::{Question, QuestionKind, Survey};
use crate::dataset::{Asked, Column as DataColumn, Dataset};
use crate::stats::histogram::Histogram;

use super::counts::{Counts, Slots};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::descriptive::describe;
use crate::stats::intervals::{clopper_pearson, wilson};
use crate::stats::weights::{weighted_describe, WeightedHistogram};

use super::tally::{weighting_note, ShareMethod, Tally};

/// What the summary groups its rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
pub enum GroupBy {
    Pilot,
    Role,
    Wave,
    Round,
}

impl GroupBy {
    fn header(self) -> &'static str {
        match self {
            GroupBy::Pilot => "Pilot",
            GroupBy::Role => "Role",
            GroupBy::Wave => "Wave",
            GroupBy::Round => "Round",
        }
    }
}

/// What a comparison splits respondents by: an attribute of the response, or the answer to a
/// single-choice or yes/no question (a demographic, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Attribute(GroupBy),
    Question(usize),
}

/// Group labels and each row's group index for `grouping`; for a question, its options in
/// codebook order, with rows that were not asked it or gave no answer in no group
/// (`usize::MAX`).
pub(crate) fn grouping_of(
    survey: &Survey,
    data: &Dataset,
    grouping: Grouping,
) -> (Vec<String>, Vec<usize>) {
    match grouping {
        Grouping::Attribute(by) => groups(survey, data, Some(by)),
        Grouping::Question(q) => {
            let question = &survey.codebook.questions[q];
            let labels = survey.codebook.level_labels(question);
            let index = match &data.columns[q] {
                DataColumn::Levels(levels) => (0..data.len())
                    .map(|i| match levels[i] {
                        l if l != 0 && data.asked(question, q, i) => l as usize - 1,
                        _ => usize::MAX,
                    })
                    .collect(),
                _ => vec![usize::MAX; data.len()],
            };
            (labels, index)
        }
    }
}

/// A section of the summary: a title, a note that introduces it, and its questions.
pub struct Section {
    pub title: String,
    pub note: Option<String>,
    pub questions: Vec<usize>,
}

/// One section per recommendation (in file order) listing its tagged questions, restricted to
/// `only` when it is not empty.
pub fn sections_by_recommendation(
    survey: &Survey,
    recs: &[String],
    only: &[usize],
) -> Vec<Section> {
    let tagged = survey.questions_by_recommendation();
    survey
        .recommendations
        .iter()
        .filter(|r| recs.is_empty() || recs.iter().any(|x| x.eq_ignore_ascii_case(&r.id)))
        .filter_map(|r| {
            let questions: Vec<usize> = tagged
                .get(&r.id)
                .into_iter()
                .flatten()
                .copied()
                .filter(|q| only.is_empty() || only.contains(q))
                .collect();
            (!questions.is_empty()).then(|| Section {
                title: format!("{} {}", r.id, r.short_name),
                note: Some(format!("{}: {}", r.id, r.text)),
                questions,
            })
        })
        .collect()
}

/// Group labels in display order, and each row's group index.
pub(crate) fn groups(
    survey: &Survey,
    data: &Dataset,
    by: Option<GroupBy>,
) -> (Vec<String>, Vec<usize>) {
    groups_of(survey, &Responses::Rows(data), by)
}

/// Group labels in display order, and each unit's (row's or cell's) group index.
fn groups_of(survey: &Survey, data: &Responses, by: Option<GroupBy>) -> (Vec<String>, Vec<usize>) {
    let codebook = &survey.codebook;
    let key_of = |i: usize| -> String {
        match by {
            None => String::new(),
            Some(GroupBy::Pilot) => data.pilot(i).to_string(),
            Some(GroupBy::Role) => codebook.roles[data.role(i)].clone(),
            Some(GroupBy::Wave) => codebook.waves[data.wave(i)].clone(),
            Some(GroupBy::Round) => {
                let pilot = data.pilot(i);
                survey
                    .pilot(pilot)
                    .map_or_else(|| "unknown".to_string(), |p| format!("round {}", p.round))
            }
        }
    };
    // Sort keys: codebook order for roles and waves, natural order otherwise.
    let rank = |key: &str| -> (usize, String) {
        let position = match by {
            Some(GroupBy::Role) => codebook.roles.iter().position(|r| r == key),
            Some(GroupBy::Wave) => codebook.waves.iter().position(|w| w == key),
            _ => None,
        };
        (position.unwrap_or(usize::MAX), key.to_string())
    };
    // A unit's key depends on its pilot, wave and role alone: each combination's key is made
    // once, not once per row of a million.
    let (waves, roles) = (codebook.waves.len(), codebook.roles.len());
    let mut combination_of_unit = Vec::with_capacity(data.units());
    let mut combination_slot: Vec<Option<usize>> = Vec::new();
    let mut combination_keys: Vec<String> = Vec::new();
    for unit in 0..data.units() {
        let slot = (data.pilot_index(unit) * waves + data.wave(unit)) * roles + data.role(unit);
        if combination_slot.len() <= slot {
            combination_slot.resize(slot + 1, None);
        }
        let combination = *combination_slot[slot].get_or_insert_with(|| {
            combination_keys.push(key_of(unit));
            combination_keys.len() - 1
        });
        combination_of_unit.push(combination);
    }
    let mut keys: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for key in &combination_keys {
        keys.entry(rank(key)).or_insert(0);
    }
    let labels: Vec<String> = keys.keys().map(|(_, k)| k.clone()).collect();
    for (i, (_, slot)) in keys.iter_mut().enumerate() {
        *slot = i;
    }
    let group_of_combination: Vec<usize> =
        combination_keys.iter().map(|k| keys[&rank(k)]).collect();
    let index = combination_of_unit
        .iter()
        .map(|&c| group_of_combination[c])
        .collect();
    (labels, index)
}

/// Options shared by every table of a summary.
pub struct SummaryOptions {
    pub by: Option<GroupBy>,
    pub min_cell: u64,
    /// Confidence intervals to add, if asked for.
    pub intervals: Option<IntervalOptions>,
}

/// Which intervals a summary shows.
#[derive(Debug, Clone, Copy)]
pub struct IntervalOptions {
    pub level: f64,
    /// Wilson, or Clopper-Pearson exact intervals for shares (for small n, unweighted).
    pub method: ShareMethod,
}

impl IntervalOptions {
    fn share(&self, successes: u64, n: u64) -> Option<crate::stats::intervals::Interval> {
        match self.method {
            ShareMethod::Exact => clopper_pearson(successes, n, self.level),
            ShareMethod::Wilson => wilson(successes, n, self.level),
        }
    }

    /// The footnote naming each interval's method.
    fn note(&self, weighted: bool) -> String {
        let level = self.level * 100.0;
        if weighted {
            format!("Intervals at {level:.0}%, from Kish's effective n: t for the mean; Woodruff's for the median (as R's survey::svyquantile); Wilson for percentages.")
        } else {
            let share = match self.method {
                ShareMethod::Exact => "Clopper-Pearson",
                ShareMethod::Wilson => "Wilson",
            };
            format!("Intervals at {level:.0}%: t for the mean; for the median, order statistics (exact binomial, as DescTools MedianCI), coverage at least the level; {share} for percentages.")
        }
    }
}

/// The headline table: how many responses, pilots and waves are in scope, per role.
pub fn overview(survey: &Survey, data: &Dataset) -> Table {
    overview_of(survey, &Responses::Rows(data))
}

/// `overview` of rows or counts.
pub fn overview_of(survey: &Survey, data: &Responses) -> Table {
    let codebook = &survey.codebook;
    let mut table = Table::new("Responses in scope")
        .column("Role", ColumnKind::Text)
        .column("Responses", ColumnKind::Int)
        .column("Pilots", ColumnKind::Int)
        .column("Waves", ColumnKind::Int);
    let mut add = |label: String, rows: Vec<usize>| {
        let mut pilots: Vec<&str> = rows.iter().map(|&i| data.pilot(i)).collect();
        pilots.sort_unstable();
        pilots.dedup();
        let mut waves: Vec<usize> = rows.iter().map(|&i| data.wave(i)).collect();
        waves.sort_unstable();
        waves.dedup();
        let responses: u64 = rows.iter().map(|&i| data.rows_in(i)).sum();
        table.rows.push(vec![
            Cell::Text(label),
            Cell::Int(responses as i64),
            Cell::Int(pilots.len() as i64),
            Cell::Int(waves.len() as i64),
        ]);
    };
    for (r, role) in codebook.roles.iter().enumerate() {
        let rows: Vec<usize> = (0..data.units()).filter(|&i| data.role(i) == r).collect();
        if !rows.is_empty() {
            add(role.clone(), rows);
        }
    }
    add("all".into(), (0..data.units()).collect());
    suppress_small_counts(&mut table, codebook.privacy.min_cell);
    table
}

/// Whether `overview_of` withheld its total, which anything else showing the count of
/// responses in scope must then withhold too.
pub fn total_withheld(overview: &Table) -> bool {
    overview
        .rows
        .last()
        .is_some_and(|row| matches!(row.get(1), Some(Cell::Suppressed)))
}

/// Withholds the figures of roles below `min_cell`, and with them the total, from which a
/// lone small role would follow as the total minus the roles shown.
fn suppress_small_counts(table: &mut Table, min_cell: u64) {
    let count = |row: &[Cell]| match row[1] {
        Cell::Int(n) => n as u64,
        _ => 0,
    };
    let withhold = |row: &mut Vec<Cell>| row[1..].fill(Cell::Suppressed);
    let mut suppressed = false;
    for row in &mut table.rows {
        if count(row) < min_cell {
            withhold(row);
            suppressed = true;
        }
    }
    if suppressed {
        if let Some(total) = table.rows.last_mut() {
            withhold(total);
        }
        table.footnotes.push(format!(
            "s = suppressed: fewer than {min_cell} responses; the total is withheld with a small role, so that the role cannot be worked out from it."
        ));
    }
}

/// The tables of one section: likert items (one table per scale), choice items, numeric
/// items; text questions are counted in a footnote, never shown.
pub fn section_tables(
    survey: &Survey,
    data: &Dataset,
    section: &Section,
    options: &SummaryOptions,
) -> Vec<Table> {
    let data = Responses::Rows(data);
    let groups = Groups::of(survey, &data, options.by);
    section_tables_of(survey, &data, &groups, section, options)
}

/// Every section's `section_tables_of`, in order, the sections shared among up to `threads`
/// threads: they read the same data and nothing else, and after a large file is counted
/// they were a fifth of what was left to do on one thread.
pub fn sections_tables_of(
    survey: &Survey,
    data: &Responses,
    sections: &[Section],
    options: &SummaryOptions,
    threads: usize,
) -> Vec<Table> {
    let groups = Groups::of(survey, data, options.by);
    crate::parallel::map_in_order(sections, threads, |section| {
        section_tables_of(survey, data, &groups, section, options)
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The groups a summary's rows are in: their labels in display order, and each one's units
/// (rows or cells), listed once for every question of every section to look at.
struct Groups {
    labels: Vec<String>,
    members: Vec<Vec<usize>>,
}

impl Groups {
    fn of(survey: &Survey, data: &Responses, by: Option<GroupBy>) -> Groups {
        let (labels, group_of) = groups_of(survey, data, by);
        let mut members = vec![Vec::new(); labels.len()];
        for (unit, &g) in group_of.iter().enumerate() {
            members[g].push(unit);
        }
        Groups { labels, members }
    }
}

/// `section_tables` of rows or counts, in `groups`: the same tables, figure for figure.
fn section_tables_of(
    survey: &Survey,
    data: &Responses,
    groups: &Groups,
    section: &Section,
    options: &SummaryOptions,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let Groups {
        labels: group_labels,
        members,
    } = groups;
    let weighted = data.weighted();
    let weighting = match data {
        Responses::Rows(rows) => weighting_note(survey, rows),
        Responses::Counts(_) => None,
    };
    let mut tables = Vec::new();
    let group_column = |t: Table| match options.by {
        Some(by) => t.column(by.header(), ColumnKind::Text),
        None => t,
    };
    // Leading cells that identify a row (group, question) and are never suppressed.
    let keep = usize::from(options.by.is_some()) + 1;
    let mut complemented = false;
    let suppression_note = format!(
        "s = suppressed: fewer than {} respondents answered (privacy.min_cell); every figure in that row is withheld.",
        options.min_cell
    );

    // Likert items, one table per scale so the level columns line up.
    let mut scales: Vec<usize> = section
        .questions
        .iter()
        .filter_map(|&q| codebook.questions[q].scale)
        .collect();
    scales.dedup();
    scales.sort_unstable();
    scales.dedup();
    for scale_index in scales {
        let scale = &codebook.scales[scale_index];
        let mut table = group_column(Table::new(format!(
            "{} — rating items ({} scale)",
            section.title, scale.id
        )))
        .column("Question", ColumnKind::Text)
        .column("Base n", ColumnKind::Int);
        if weighted {
            table = table.column("Eff. n", ColumnKind::Float { decimals: 1 });
        }
        table = table.column("Missing", ColumnKind::Int);
        for level in &scale.levels {
            table = table.column(
                level.code.to_string(),
                if weighted {
                    ColumnKind::Percent { decimals: 1 }
                } else {
                    ColumnKind::CountPercent { decimals: 1 }
                },
            );
        }
        table = table
            .column("Mean", ColumnKind::Float { decimals: 2 })
            .column("SD", ColumnKind::Float { decimals: 2 })
            .column("Median", ColumnKind::Float { decimals: 1 })
            .column(
                format!("Top-{} %", scale.top_box),
                ColumnKind::Percent { decimals: 1 },
            )
            .column(
                format!("Bottom-{} %", scale.top_box),
                ColumnKind::Percent { decimals: 1 },
            );
        if let Some(ci) = options.intervals {
            let p = format!("{:.0}%", ci.level * 100.0);
            for name in ["Mean", "Median"] {
                table = table
                    .column(
                        format!("{name} {p} lower"),
                        ColumnKind::Float { decimals: 2 },
                    )
                    .column(
                        format!("{name} {p} upper"),
                        ColumnKind::Float { decimals: 2 },
                    );
            }
            table = table
                .column(
                    format!("Top-{} {p} lower", scale.top_box),
                    ColumnKind::Percent { decimals: 1 },
                )
                .column(
                    format!("Top-{} {p} upper", scale.top_box),
                    ColumnKind::Percent { decimals: 1 },
                );
        }
        let extra = if options.intervals.is_some() { 6 } else { 0 };
        let values: Vec<f64> = scale.levels.iter().map(|l| l.code as f64).collect();
        let k = scale.levels.len();
        let mut texts = Vec::new();
        for &q in &section.questions {
            let question = &codebook.questions[q];
            if question.scale != Some(scale_index) {
                continue;
            }
            texts.push(question_note(survey, question));
            let mut shown = Vec::new();
            for (g, label) in group_labels.iter().enumerate() {
                let Some((tally, missing)) = data.level_tally(question, q, &members[g], k) else {
                    continue;
                };
                let mut row = group_cell(options.by, label);
                row.push(Cell::Text(question.id.clone()));
                if tally.n() < options.min_cell {
                    row.extend(std::iter::repeat_n(
                        Cell::Suppressed,
                        2 + usize::from(weighted) + k + 5 + extra,
                    ));
                } else {
                    row.push(Cell::Int(tally.n() as i64));
                    if weighted {
                        row.push(Cell::opt_float(tally.n_eff()));
                    }
                    row.push(Cell::Int(missing));
                    for level in 0..k {
                        let percent = tally.percent_of(level..level + 1).unwrap_or(0.0);
                        row.push(if weighted {
                            Cell::Float(percent)
                        } else {
                            Cell::CountPercent {
                                count: tally.counts.counts[level] as i64,
                                percent,
                            }
                        });
                    }
                    row.push(Cell::opt_float(tally.mean(&values)));
                    row.push(Cell::opt_float(tally.sd(&values)));
                    row.push(Cell::opt_float(tally.median(&values)));
                    row.push(Cell::opt_float(tally.percent_of(k - scale.top_box..k)));
                    row.push(Cell::opt_float(tally.percent_of(0..scale.top_box)));
                    if let Some(ci) = options.intervals {
                        let mean = tally.mean_interval(&values, ci.level);
                        let median = tally.median_interval(&values, ci.level);
                        let share = tally.share_interval(k - scale.top_box..k, ci.level, ci.method);
                        row.extend([
                            Cell::opt_float(mean.map(|i| i.lower)),
                            Cell::opt_float(mean.map(|i| i.upper)),
                            Cell::opt_float(median.map(|i| i.lower)),
                            Cell::opt_float(median.map(|i| i.upper)),
                            Cell::opt_float(share.map(|i| i.lower * 100.0)),
                            Cell::opt_float(share.map(|i| i.upper * 100.0)),
                        ]);
                    }
                }
                shown.push((tally.n(), table.rows.len()..table.rows.len() + 1));
                table.rows.push(row);
            }
            complemented |= suppress_complement(&mut table, &shown, options.min_cell, keep);
        }
        if let Some(ci) = options.intervals {
            table.footnotes.push(ci.note(weighted));
        }
        let level_names: Vec<String> = scale
            .levels
            .iter()
            .map(|l| format!("{} = {}", l.code, l.label))
            .collect();
        table.footnotes.push(format!(
            "Levels: {}; each level shows {}. Base n = respondents asked the question who gave a rating. Missing = blank or a missing code (N/A, Don't know); excluded from every percentage. Top-{t} = the {t} highest levels, bottom-{t} the {t} lowest.",
            level_names.join(", "),
            if weighted { "the weighted % of base" } else { "count (% of base)" },
            t = scale.top_box
        ));
        table.footnotes.extend(weighting.clone());
        finish(
            &mut table,
            texts,
            &suppression_note,
            std::mem::take(&mut complemented),
        );
        tables.push(table);
    }

    // Choice items: single, multi and yes/no, one row per option.
    let choice_questions: Vec<usize> = section
        .questions
        .iter()
        .copied()
        .filter(|&q| {
            matches!(
                codebook.questions[q].kind,
                QuestionKind::Single | QuestionKind::Multi | QuestionKind::YesNo
            )
        })
        .collect();
    if !choice_questions.is_empty() {
        let mut table = group_column(Table::new(format!("{} — choice items", section.title)))
            .column("Question", ColumnKind::Text)
            .column("Option", ColumnKind::Text)
            .column("n", ColumnKind::Int)
            .column("%", ColumnKind::Percent { decimals: 1 })
            .column("Base n", ColumnKind::Int);
        if weighted {
            table = table.column("Eff. n", ColumnKind::Float { decimals: 1 });
        }
        table = table.column("Missing", ColumnKind::Int);
        if let Some(ci) = options.intervals {
            let p = format!("{:.0}%", ci.level * 100.0);
            table = table
                .column(format!("% {p} lower"), ColumnKind::Percent { decimals: 1 })
                .column(format!("% {p} upper"), ColumnKind::Percent { decimals: 1 });
        }
        let choice_extra = usize::from(weighted) + if options.intervals.is_some() { 2 } else { 0 };
        let mut texts = Vec::new();
        let mut any_multi = false;
        for &q in &choice_questions {
            let question = &codebook.questions[q];
            texts.push(question_note(survey, question));
            any_multi |= question.kind == QuestionKind::Multi;
            let labels = codebook.level_labels(question);
            let mut shown = Vec::new();
            for (g, group) in group_labels.iter().enumerate() {
                let Some(ChoiceCounts {
                    counts,
                    weighted_options,
                    base,
                    missing,
                }) = data.choice_counts(question, q, &members[g], labels.len())
                else {
                    continue;
                };
                let order: Vec<usize> = if question.kind == QuestionKind::YesNo {
                    vec![1, 0]
                } else {
                    (0..labels.len()).collect()
                };
                let first = table.rows.len();
                for k in order {
                    let mut row = group_cell(options.by, group);
                    row.push(Cell::Text(question.id.clone()));
                    row.push(Cell::Text(labels[k].clone()));
                    if base < options.min_cell {
                        row.extend(std::iter::repeat_n(Cell::Suppressed, 4 + choice_extra));
                    } else {
                        let option = &weighted_options[k];
                        row.push(Cell::Int(counts[k] as i64));
                        row.push(if weighted {
                            Cell::opt_float(option.share(1..2).map(|p| p * 100.0))
                        } else {
                            Cell::Float(counts[k] as f64 * 100.0 / base as f64)
                        });
                        row.push(Cell::Int(base as i64));
                        if weighted {
                            row.push(Cell::opt_float(option.n_eff()));
                        }
                        row.push(Cell::Int(missing));
                        if let Some(ci) = options.intervals {
                            let share = if weighted {
                                option.share_interval(1..2, ci.level)
                            } else {
                                ci.share(counts[k], base)
                            };
                            row.push(Cell::opt_float(share.map(|i| i.lower * 100.0)));
                            row.push(Cell::opt_float(share.map(|i| i.upper * 100.0)));
                        }
                    }
                    table.rows.push(row);
                }
                shown.push((base, first..table.rows.len()));
            }
            complemented |= suppress_complement(&mut table, &shown, options.min_cell, keep + 1);
        }
        table.footnotes.push(
            "Base n = respondents asked the question who answered it; % is of the base. Missing = blank or a missing code; excluded from the base."
                .into(),
        );
        if let Some(ci) = options.intervals {
            table.footnotes.push(ci.note(weighted));
        }
        if any_multi {
            table.footnotes.push(
                "Select-all questions: % of respondents choosing each option, not % of answers; they may add up to more than 100."
                    .into(),
            );
        }
        table.footnotes.extend(weighting.clone());
        finish(
            &mut table,
            texts,
            &suppression_note,
            std::mem::take(&mut complemented),
        );
        tables.push(table);
    }

    // Numeric items.
    let numeric: Vec<usize> = section
        .questions
        .iter()
        .copied()
        .filter(|&q| codebook.questions[q].kind == QuestionKind::Numeric)
        .collect();
    if !numeric.is_empty() {
        let float = ColumnKind::Float { decimals: 2 };
        let number = ColumnKind::Number;
        let mut table = group_column(Table::new(format!("{} — numeric items", section.title)))
            .column("Question", ColumnKind::Text)
            .column("Base n", ColumnKind::Int);
        if weighted {
            table = table.column("Eff. n", ColumnKind::Float { decimals: 1 });
        }
        table = table
            .column("Missing", ColumnKind::Int)
            .column("Mean", float)
            .column("SD", float)
            .column("Median", number)
            .column("Min", number)
            .column("Max", number)
            .column(
                if weighted { "Weighted total" } else { "Sum" },
                if weighted { float } else { number },
            );
        let mut texts = Vec::new();
        for &q in &numeric {
            let question = &codebook.questions[q];
            texts.push(question_note(survey, question));
            let mut shown = Vec::new();
            for (g, group) in group_labels.iter().enumerate() {
                let Some((answered, weights)) = data.numbers(question, q, &members[g]) else {
                    continue;
                };
                let described = match weights {
                    Some(w) => weighted_describe(&answered, &w).map(|d| {
                        let mut cells = vec![Cell::Float(d.n_eff)];
                        cells.extend(numeric_cells(
                            answered.len() - d.n,
                            [d.mean, d.median, d.min, d.max, d.total],
                            d.sd,
                        ));
                        (d.n, cells)
                    }),
                    None => describe(&answered).map(|d| {
                        let figures = [d.mean, d.median, d.min, d.max, d.sum];
                        (d.n, numeric_cells(answered.len() - d.n, figures, d.sd))
                    }),
                };
                let n = described.as_ref().map_or(0, |d| d.0);
                let mut row = group_cell(options.by, group);
                row.push(Cell::Text(question.id.clone()));
                match described {
                    Some((_, cells)) if n as u64 >= options.min_cell => {
                        row.push(Cell::Int(n as i64));
                        row.extend(cells);
                    }
                    _ => row.extend(std::iter::repeat_n(
                        Cell::Suppressed,
                        8 + usize::from(weighted),
                    )),
                }
                shown.push((n as u64, table.rows.len()..table.rows.len() + 1));
                table.rows.push(row);
            }
            complemented |= suppress_complement(&mut table, &shown, options.min_cell, keep);
        }
        table
            .footnotes
            .push("Base n = respondents asked the question who gave a number.".into());
        table.footnotes.extend(weighting.clone());
        finish(
            &mut table,
            texts,
            &suppression_note,
            std::mem::take(&mut complemented),
        );
        tables.push(table);
    }

    // Free text: counted only, never shown.
    let text_questions: Vec<usize> = section
        .questions
        .iter()
        .copied()
        .filter(|&q| codebook.questions[q].kind == QuestionKind::Text)
        .collect();
    if !text_questions.is_empty() {
        let mut table = Table::new(format!("{} — free-text items", section.title))
            .column("Question", ColumnKind::Text)
            .column("Answers", ColumnKind::Int);
        let mut texts = Vec::new();
        for &q in &text_questions {
            let question = &codebook.questions[q];
            texts.push(question_note(survey, question));
            if let Some(count) = data.answered(q) {
                table.rows.push(vec![
                    Cell::Text(question.id.clone()),
                    Cell::Int(count as i64),
                ]);
            }
        }
        table
            .footnotes
            .push("Free-text answers are counted, never shown in summaries.".into());
        finish(
            &mut table,
            texts,
            &suppression_note,
            std::mem::take(&mut complemented),
        );
        tables.push(table);
    }
    if let (Some(note), Some(first)) = (&section.note, tables.first_mut()) {
        first.footnotes.insert(0, note.clone());
    }
    tables
}

/// What a summary reads: responses held row by row (needed for weights), or the counts of
/// cells of responses (`Counts`, from a streamed file). Each figure is computed from one or the
/// other by the same table code; a "unit" is a row or a cell.
pub enum Responses<'a> {
    Rows(&'a Dataset),
    Counts(&'a Counts),
}

/// One group's answers to a choice question: per option, respondents choosing it (and, when
/// weighted, the weight of those not choosing and choosing it); the base and missing count.
struct ChoiceCounts {
    counts: Vec<u64>,
    weighted_options: Vec<WeightedHistogram>,
    base: u64,
    missing: i64,
}

impl Responses<'_> {
    /// Responses in scope.
    pub fn len(&self) -> u64 {
        match self {
            Responses::Rows(d) => d.len() as u64,
            Responses::Counts(c) => c.rows(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn weighted(&self) -> bool {
        matches!(self, Responses::Rows(d) if d.weight.is_some())
    }

    fn units(&self) -> usize {
        match self {
            Responses::Rows(d) => d.len(),
            Responses::Counts(c) => c.cells.len(),
        }
    }

    fn rows_in(&self, u: usize) -> u64 {
        match self {
            Responses::Rows(_) => 1,
            Responses::Counts(c) => c.cells[u].1[0],
        }
    }

    fn pilot_index(&self, u: usize) -> usize {
        match self {
            Responses::Rows(d) => d.pilot[u] as usize,
            Responses::Counts(c) => c.cells[u].0.pilot as usize,
        }
    }

    fn pilot(&self, u: usize) -> &str {
        match self {
            Responses::Rows(d) => &d.pilot_ids[d.pilot[u] as usize],
            Responses::Counts(c) => &c.pilot_ids[c.cells[u].0.pilot as usize],
        }
    }

    fn role(&self, u: usize) -> usize {
        match self {
            Responses::Rows(d) => d.role[u] as usize,
            Responses::Counts(c) => c.cells[u].0.role as usize,
        }
    }

    fn wave(&self, u: usize) -> usize {
        match self {
            Responses::Rows(d) => d.wave[u] as usize,
            Responses::Counts(c) => c.cells[u].0.wave as usize,
        }
    }

    /// Units of group `g` that were asked `question` (see `Dataset::asked`): the question's
    /// population, the base before missing answers.
    fn asked(&self, question: &Question, q: usize, members: &[usize]) -> Vec<usize> {
        match self {
            Responses::Rows(d) => d.asked_rows(question, q, members),
            Responses::Counts(c) => {
                let asked = Asked::new(question, q);
                members
                    .iter()
                    .copied()
                    .filter(|&u| {
                        let key = &c.cells[u].0;
                        asked.unit(
                            usize::from(key.role),
                            usize::from(key.wave),
                            &c.present[key.source as usize],
                        )
                    })
                    .collect()
            }
        }
    }

    /// The tally of a rating question's answers in group `g`, and its missing count; None when
    /// no one in the group was asked it.
    fn level_tally(
        &self,
        question: &Question,
        q: usize,
        members: &[usize],
        k: usize,
    ) -> Option<(Tally, i64)> {
        let asked = self.asked(question, q, members);
        if asked.is_empty() {
            return None;
        }
        let mut missing = 0i64;
        match self {
            Responses::Rows(data) => {
                let DataColumn::Levels(levels) = &data.columns[q] else {
                    return None;
                };
                let mut tally = Tally::new(k, data.weight.is_some());
                for &i in &asked {
                    match levels[i] {
                        0 => missing += 1,
                        l => tally.add(data, i, l as usize - 1),
                    }
                }
                Some((tally, missing))
            }
            Responses::Counts(counts) => {
                let Slots::Levels { at, .. } = counts.layout.slots[q] else {
                    return None;
                };
                let mut histogram = Histogram::new(k);
                for &u in &asked {
                    let cell = &counts.cells[u].1;
                    missing += cell[at] as i64;
                    for (level, count) in histogram.counts.iter_mut().enumerate() {
                        *count += cell[at + 1 + level];
                    }
                }
                Some((
                    Tally {
                        counts: histogram,
                        weighted: None,
                    },
                    missing,
                ))
            }
        }
    }

    /// A choice question's counts in group `g`; None when no one in the group was asked it.
    fn choice_counts(
        &self,
        question: &Question,
        q: usize,
        members: &[usize],
        options: usize,
    ) -> Option<ChoiceCounts> {
        let asked = self.asked(question, q, members);
        if asked.is_empty() {
            return None;
        }
        let mut out = ChoiceCounts {
            counts: vec![0u64; options],
            weighted_options: vec![WeightedHistogram::new(2); options],
            base: 0,
            missing: 0,
        };
        match self {
            Responses::Rows(data) => {
                // Each answer as the set of options it chose (one bit for a single choice).
                let chosen_set = |i: usize| -> Option<u64> {
                    match &data.columns[q] {
                        DataColumn::Levels(levels) => {
                            (levels[i] != 0).then(|| 1u64 << (levels[i] - 1))
                        }
                        DataColumn::Choices(sets) => (sets[i] != 0).then_some(sets[i]),
                        _ => None,
                    }
                };
                if !matches!(
                    data.columns[q],
                    DataColumn::Levels(_) | DataColumn::Choices(_)
                ) {
                    return None;
                }
                for &i in &asked {
                    let Some(set) = chosen_set(i) else {
                        out.missing += 1;
                        continue;
                    };
                    out.base += 1;
                    for (k, count) in out.counts.iter_mut().enumerate() {
                        let picked = (set >> k) & 1;
                        *count += picked;
                        if let Some(w) = &data.weight {
                            out.weighted_options[k].add(picked as usize, w[i]);
                        }
                    }
                }
            }
            Responses::Counts(counts) => {
                for &u in &asked {
                    let cell = &counts.cells[u].1;
                    match counts.layout.slots[q] {
                        Slots::Levels { at, .. } => {
                            out.missing += cell[at] as i64;
                            for (k, count) in out.counts.iter_mut().enumerate() {
                                *count += cell[at + 1 + k];
                                out.base += cell[at + 1 + k];
                            }
                        }
                        Slots::Choices { at, .. } => {
                            out.missing += cell[at] as i64;
                            out.base += cell[at + 1];
                            for (k, count) in out.counts.iter_mut().enumerate() {
                                *count += cell[at + 2 + k];
                            }
                        }
                        _ => return None,
                    }
                }
            }
        }
        Some(out)
    }

    /// A numeric question's values in group `g` in input order (NaN where missing), with their
    /// weights when weighted; None when no one in the group was asked it.
    fn numbers(
        &self,
        question: &Question,
        q: usize,
        members: &[usize],
    ) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
        let asked = self.asked(question, q, members);
        if asked.is_empty() {
            return None;
        }
        match self {
            Responses::Rows(data) => {
                let DataColumn::Numbers(values) = &data.columns[q] else {
                    return None;
                };
                let answered = asked.iter().map(|&i| values[i]).collect();
                let weights = data
                    .weight
                    .as_ref()
                    .map(|w| asked.iter().map(|&i| w[i]).collect());
                Some((answered, weights))
            }
            Responses::Counts(counts) => {
                if counts.layout.slots[q] != Slots::Numbers {
                    return None;
                }
                let mut found: Vec<(u64, f64)> = asked
                    .iter()
                    .flat_map(|&u| &counts.numbers[u])
                    .filter(|(question, _, _)| *question as usize == q)
                    .map(|&(_, position, value)| (position, value))
                    .collect();
                found.sort_unstable_by_key(|&(position, _)| position);
                Some((found.into_iter().map(|(_, v)| v).collect(), None))
            }
        }
    }

    /// How many answered free-text question `q`, whoever was asked it.
    fn answered(&self, q: usize) -> Option<usize> {
        match self {
            Responses::Rows(data) => match &data.columns[q] {
                DataColumn::Answered(answered) => Some(answered.iter().filter(|a| **a).count()),
                _ => None,
            },
            Responses::Counts(counts) => match counts.layout.slots[q] {
                Slots::Answered { at } => {
                    Some(counts.cells.iter().map(|(_, c)| c[at] as usize).sum())
                }
                _ => None,
            },
        }
    }
}

fn group_cell(by: Option<GroupBy>, label: &str) -> Vec<Cell> {
    match by {
        Some(_) => vec![Cell::Text(label.to_string())],
        None => Vec::new(),
    }
}

/// Missing count, then mean, SD, median, min, max and sum (or weighted total) of a numeric
/// question; `figures` holds all but the SD.
fn numeric_cells(missing: usize, figures: [f64; 5], sd: Option<f64>) -> Vec<Cell> {
    let [mean, median, min, max, sum] = figures;
    vec![
        Cell::Int(missing as i64),
        Cell::Float(mean),
        Cell::opt_float(sd),
        Cell::Float(median),
        Cell::Float(min),
        Cell::Float(max),
        Cell::Float(sum),
    ]
}

/// The question's text, and any change between waves that a reader comparing waves must know.
fn question_note(survey: &Survey, question: &Question) -> String {
    let mut note = format!("{}: {}", question.id, question.text);
    for change in &question.changes {
        note.push_str(&format!(
            " [{} changed from wave {}: {}]",
            change.what.name(),
            survey.codebook.waves[change.wave],
            change.note
        ));
    }
    note
}

fn finish(table: &mut Table, texts: Vec<String>, suppression_note: &str, complemented: bool) {
    if table.has_suppressed() {
        table.footnotes.push(suppression_note.to_string());
    }
    if complemented {
        table.footnotes.push(
            "Complementary suppression: where only one group of a question was suppressed, the next smallest group is suppressed too, so that neither can be worked out from the question's total."
                .into(),
        );
    }
    table.footnotes.extend(texts);
}

/// Secondary suppression for one question's group rows. `shown` holds each group's base and
/// its rows in `table`. When exactly one group is below `min_cell`, its figures could be
/// recovered by subtracting the others from the ungrouped total, so the smallest other group is
/// suppressed too. Returns whether it suppressed one.
fn suppress_complement(
    table: &mut Table,
    shown: &[(u64, std::ops::Range<usize>)],
    min_cell: u64,
    keep: usize,
) -> bool {
    let small = shown.iter().filter(|(base, _)| *base < min_cell).count();
    if small != 1 || shown.len() < 2 {
        return false;
    }
    let Some((_, rows)) = shown
        .iter()
        .filter(|(base, _)| *base >= min_cell)
        .min_by_key(|(base, _)| *base)
    else {
        return false;
    };
    for row in &mut table.rows[rows.clone()] {
        for cell in row.iter_mut().skip(keep) {
            *cell = Cell::Suppressed;
        }
    }
    true
}
