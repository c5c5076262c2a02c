//! Group comparisons: is a difference between pilots, roles, waves or rounds more than chance?
//! Rating items get Kruskal-Wallis (Mann-Whitney with a rank-biserial effect for two groups);
//! choice items a chi-square test with Cramér's V (Fisher's exact test for a 2x2 table with a
//! small expected count); numeric items Kruskal-Wallis. Groups below the minimum cell size are
//! left out of the test and shown as suppressed. p-values are adjusted across every test shown.

use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::adjust::{benjamini_hochberg, holm};
use crate::stats::descriptive::describe;
use crate::stats::histogram::Histogram;
use crate::stats::inference::{
    chi_square, fisher_exact, kruskal_wallis, kruskal_wallis_histograms, mann_whitney_histograms,
    KruskalWallis,
};
use crate::stats::weights::weighted_describe;

use super::summary::{groups, GroupBy};
use super::tally::{weighting_note, Tally};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Adjust {
    /// Holm: controls the chance of any false finding.
    Holm,
    /// Benjamini-Hochberg: controls the share of false findings.
    Bh,
    /// No adjustment (one test, or a reader who adjusts by hand).
    None,
}

struct TestRow {
    question: String,
    test: &'static str,
    groups: usize,
    statistic: f64,
    df: Option<f64>,
    p: f64,
    effect: &'static str,
    effect_size: f64,
}

pub fn compare(
    survey: &Survey,
    data: &Dataset,
    questions: &[usize],
    by: GroupBy,
    min_cell: u64,
    adjust: Adjust,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let (labels, group_of) = groups(survey, data, Some(by));
    let weighted = data.weight.is_some();
    let mut tables = Vec::new();
    let mut tests: Vec<TestRow> = Vec::new();
    let mut left_out = 0usize;
    for &q in questions {
        let question = &codebook.questions[q];
        let members: Vec<Vec<usize>> = (0..labels.len())
            .map(|g| {
                (0..data.len())
                    .filter(|&i| group_of[i] == g && data.asked(question, q, i))
                    .collect()
            })
            .collect();
        let title = format!("{} by {}: {}", question.id, by_name(by), question.text);
        let table = match (&data.columns[q], question.kind) {
            (Column::Levels(levels), QuestionKind::Likert) => {
                let scale = codebook.scale_of(question).expect("likert has a scale");
                let values: Vec<f64> = scale.levels.iter().map(|l| l.code as f64).collect();
                let k = values.len();
                let mut table = Table::new(title)
                    .column("Group", ColumnKind::Text)
                    .column("Base n", ColumnKind::Int)
                    .column("Mean", ColumnKind::Float { decimals: 2 })
                    .column("Median", ColumnKind::Float { decimals: 1 })
                    .column(
                        format!("Top-{} %", scale.top_box),
                        ColumnKind::Percent { decimals: 1 },
                    );
                let mut included = Vec::new();
                for (g, rows) in members.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
                    let mut tally = Tally::new(k, weighted);
                    for &i in rows.iter().filter(|&&i| levels[i] != 0) {
                        tally.add(data, i, levels[i] as usize - 1);
                    }
                    let mut row = vec![Cell::Text(labels[g].clone())];
                    if tally.n() < min_cell {
                        left_out += 1;
                        row.extend(std::iter::repeat_n(Cell::Suppressed, 4));
                    } else {
                        row.push(Cell::Int(tally.n() as i64));
                        row.push(Cell::opt_float(tally.mean(&values)));
                        row.push(Cell::opt_float(tally.median(&values)));
                        row.push(Cell::opt_float(tally.percent_of(k - scale.top_box..k)));
                        included.push(tally.counts);
                    }
                    table.rows.push(row);
                }
                tests.extend(rank_test(&question.id, &included));
                table
            }
            (Column::Levels(levels), _) => {
                let options = codebook.level_labels(question);
                let mut table = option_table(title, &options);
                let mut counts_by_group = Vec::new();
                for (g, rows) in members.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
                    let mut tally = Tally::new(options.len(), weighted);
                    for &i in rows.iter().filter(|&&i| levels[i] != 0) {
                        tally.add(data, i, levels[i] as usize - 1);
                    }
                    let base = tally.n();
                    let mut row = vec![Cell::Text(labels[g].clone())];
                    if base < min_cell {
                        left_out += 1;
                        row.extend(std::iter::repeat_n(Cell::Suppressed, 1 + options.len()));
                    } else {
                        row.push(Cell::Int(base as i64));
                        row.extend(
                            (0..options.len()).map(|k| Cell::opt_float(tally.percent_of(k..k + 1))),
                        );
                        counts_by_group.push(tally.counts.counts);
                    }
                    table.rows.push(row);
                }
                tests.extend(table_test(&question.id, &counts_by_group));
                table
            }
            (Column::Choices(sets), _) => {
                let options = codebook.level_labels(question);
                let mut table = option_table(title, &options);
                // Per option: chosen / not chosen, by group.
                let mut per_option: Vec<Vec<Vec<u64>>> = vec![Vec::new(); options.len()];
                for (g, rows) in members.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
                    let answered: Vec<usize> =
                        rows.iter().copied().filter(|&i| sets[i] != 0).collect();
                    let base = answered.len() as u64;
                    let mut row = vec![Cell::Text(labels[g].clone())];
                    if base < min_cell {
                        left_out += 1;
                        row.extend(std::iter::repeat_n(Cell::Suppressed, 1 + options.len()));
                    } else {
                        row.push(Cell::Int(base as i64));
                        for (k, cells) in per_option.iter_mut().enumerate() {
                            // Level 1: chose option k; level 0: did not.
                            let mut tally = Tally::new(2, weighted);
                            for &i in &answered {
                                tally.add(data, i, ((sets[i] >> k) & 1) as usize);
                            }
                            row.push(Cell::opt_float(tally.percent_of(1..2)));
                            let chosen = tally.counts.counts[1];
                            cells.push(vec![chosen, base - chosen]);
                        }
                    }
                    table.rows.push(row);
                }
                for (k, counts) in per_option.iter().enumerate() {
                    let id = format!("{} = {}", question.id, question.options[k].code);
                    tests.extend(table_test(&id, counts));
                }
                table
            }
            (Column::Numbers(values), _) => {
                let mut table = Table::new(title)
                    .column("Group", ColumnKind::Text)
                    .column("Base n", ColumnKind::Int)
                    .column("Mean", ColumnKind::Float { decimals: 2 })
                    .column("Median", ColumnKind::Number);
                let mut included: Vec<Vec<f64>> = Vec::new();
                for (g, rows) in members.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
                    let answered: Vec<usize> = rows
                        .iter()
                        .copied()
                        .filter(|&i| values[i].is_finite())
                        .collect();
                    let x: Vec<f64> = answered.iter().map(|&i| values[i]).collect();
                    let described = match &data.weight {
                        Some(w) => {
                            let w: Vec<f64> = answered.iter().map(|&i| w[i]).collect();
                            weighted_describe(&x, &w).map(|d| (d.n, d.mean, d.median))
                        }
                        None => describe(&x).map(|d| (d.n, d.mean, d.median)),
                    };
                    let mut row = vec![Cell::Text(labels[g].clone())];
                    match described {
                        Some((n, mean, median)) if n as u64 >= min_cell => {
                            row.extend([
                                Cell::Int(n as i64),
                                Cell::Float(mean),
                                Cell::Float(median),
                            ]);
                            included.push(x);
                        }
                        _ => {
                            left_out += 1;
                            row.extend(std::iter::repeat_n(Cell::Suppressed, 3));
                        }
                    }
                    table.rows.push(row);
                }
                if let Some(kw) = kruskal_wallis(&included) {
                    let n: usize = included.iter().map(Vec::len).sum();
                    tests.push(kruskal_row(&question.id, &kw, included.len(), n as f64));
                }
                table
            }
            (Column::Answered(_), _) => continue,
        };
        tables.push(table);
    }
    let mut tests = tests_table(tests, adjust, min_cell, left_out);
    if let Some(note) = weighting_note(survey, data) {
        tests.footnotes.push("The tests and effect sizes count respondents unweighted: weighted (design-based) tests need the sampling design, which the data do not carry. The group estimates below are weighted.".into());
        for table in &mut tables {
            table.footnotes.push(note.clone());
        }
    }
    tables.insert(0, tests);
    tables
}

/// A table of groups with their base and the percentage choosing each option.
fn option_table(title: String, options: &[String]) -> Table {
    let mut table = Table::new(title)
        .column("Group", ColumnKind::Text)
        .column("Base n", ColumnKind::Int);
    for label in options {
        table = table.column(format!("% {label}"), ColumnKind::Percent { decimals: 1 });
    }
    table
}

/// Mann-Whitney for two groups, Kruskal-Wallis for more, on rating histograms.
fn rank_test(question: &str, included: &[Histogram]) -> Option<TestRow> {
    if included.len() == 2 {
        let m = mann_whitney_histograms(&included[0], &included[1])?;
        return Some(TestRow {
            question: question.to_string(),
            test: "Mann-Whitney U",
            groups: 2,
            statistic: m.u,
            df: None,
            p: m.p,
            effect: "rank-biserial r",
            effect_size: m.rank_biserial,
        });
    }
    let kw = kruskal_wallis_histograms(included)?;
    let n: u64 = included.iter().map(Histogram::n).sum();
    Some(kruskal_row(question, &kw, included.len(), n as f64))
}

/// A Kruskal-Wallis result with epsilon squared, H / (n - 1), as its effect size.
fn kruskal_row(question: &str, kw: &KruskalWallis, groups: usize, n: f64) -> TestRow {
    TestRow {
        question: question.to_string(),
        test: "Kruskal-Wallis H",
        groups,
        statistic: kw.h,
        df: Some(kw.df as f64),
        p: kw.p,
        effect: "epsilon squared",
        effect_size: kw.h / (n - 1.0),
    }
}

/// Chi-square on a groups x options table; Fisher's exact test for a 2x2 table whose smallest
/// expected count is under 5, where the chi-square approximation fails.
fn table_test(question: &str, counts: &[Vec<u64>]) -> Option<TestRow> {
    let chi = chi_square(counts, false)?;
    if counts.len() == 2 && counts.iter().all(|r| r.len() == 2) {
        let total: u64 = counts.iter().flatten().sum();
        let min_expected = (0..2)
            .flat_map(|r| (0..2).map(move |c| (r, c)))
            .map(|(r, c)| {
                let row: u64 = counts[r].iter().sum();
                let column: u64 = counts.iter().map(|x| x[c]).sum();
                row as f64 * column as f64 / total as f64
            })
            .fold(f64::INFINITY, f64::min);
        if min_expected < 5.0 {
            let f = fisher_exact([[counts[0][0], counts[0][1]], [counts[1][0], counts[1][1]]])?;
            return Some(TestRow {
                question: question.to_string(),
                test: "Fisher's exact",
                groups: 2,
                statistic: f.odds_ratio,
                df: None,
                p: f.p,
                effect: "Cramér's V",
                effect_size: chi.cramers_v,
            });
        }
    }
    Some(TestRow {
        question: question.to_string(),
        test: "chi-square",
        groups: counts.len(),
        statistic: chi.statistic,
        df: Some(chi.df as f64),
        p: chi.p,
        effect: "Cramér's V",
        effect_size: chi.cramers_v,
    })
}

fn tests_table(tests: Vec<TestRow>, adjust: Adjust, min_cell: u64, left_out: usize) -> Table {
    let p: Vec<f64> = tests.iter().map(|t| t.p).collect();
    let adjusted = match adjust {
        Adjust::Holm => holm(&p),
        Adjust::Bh => benjamini_hochberg(&p),
        Adjust::None => p.clone(),
    };
    let mut table = Table::new("Tests")
        .column("Question", ColumnKind::Text)
        .column("Test", ColumnKind::Text)
        .column("Groups", ColumnKind::Int)
        .column("Statistic", ColumnKind::Float { decimals: 3 })
        .column("df", ColumnKind::Number)
        .column("p", ColumnKind::Float { decimals: 4 })
        .column("p adjusted", ColumnKind::Float { decimals: 4 })
        .column("Effect", ColumnKind::Text)
        .column("Effect size", ColumnKind::Float { decimals: 3 });
    for (t, adjusted) in tests.into_iter().zip(adjusted) {
        table.rows.push(vec![
            Cell::Text(t.question),
            Cell::Text(t.test.into()),
            Cell::Int(t.groups as i64),
            Cell::Float(t.statistic),
            t.df.map_or(Cell::Empty, Cell::Float),
            Cell::Float(t.p),
            Cell::Float(adjusted),
            Cell::Text(t.effect.into()),
            Cell::Float(t.effect_size),
        ]);
    }
    table.footnotes.push(match adjust {
        Adjust::Holm => "p adjusted: Holm's method across every test in this table.".into(),
        Adjust::Bh => "p adjusted: Benjamini-Hochberg across every test in this table.".into(),
        Adjust::None => "p adjusted: not adjusted (--adjust none).".into(),
    });
    table.footnotes.push("Rating items: Kruskal-Wallis with tie correction (Mann-Whitney for two groups); choice items: chi-square test of independence, Fisher's exact test for a 2x2 table with an expected count under 5; select-all items: one test per option; Fisher's statistic is the odds ratio.".into());
    if left_out > 0 {
        table.footnotes.push(format!(
            "{left_out} group(s) with fewer than {min_cell} answers are suppressed and left out of the tests."
        ));
    }
    table
}

fn by_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Pilot => "pilot",
        GroupBy::Role => "role",
        GroupBy::Wave => "wave",
        GroupBy::Round => "round",
    }
}
