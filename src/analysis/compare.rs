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
use crate::stats::intervals::Interval;
use crate::stats::weights::weighted_describe;

use super::summary::{grouping_of, GroupBy, Grouping};
use super::tally::{suppressed_groups, weighting_note, Tally};

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
    by: Grouping,
    min_cell: u64,
    adjust: Adjust,
    level: f64,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let (labels, group_of) = grouping_of(survey, data, by);
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
        let by_name = match by {
            Grouping::Attribute(attribute) => attribute_name(attribute),
            Grouping::Question(g) => codebook.questions[g].id.as_str(),
        };
        let title = format!("{} by {by_name}: {}", question.id, question.text);
        let mut table = match (&data.columns[q], question.kind) {
            (Column::Levels(levels), QuestionKind::Likert) => {
                let scale = codebook.scale_of(question).expect("likert has a scale");
                let values: Vec<f64> = scale.levels.iter().map(|l| l.code as f64).collect();
                let k = values.len();
                let top = format!("Top-{}", scale.top_box);
                let mut table = Table::new(title)
                    .column("Group", ColumnKind::Text)
                    .column("Base n", ColumnKind::Int)
                    .column("Mean", ColumnKind::Float { decimals: 2 })
                    .column("Median", ColumnKind::Float { decimals: 1 })
                    .column(format!("{top} %"), ColumnKind::Percent { decimals: 1 });
                table = difference_columns(table, &top, level);
                let groups = group_tallies(data, &members, k, |i| levels[i], min_cell);
                let differences = differences_from_rest(&groups, k - scale.top_box..k, level);
                let mut included = Vec::new();
                for ((g, tally), difference) in groups.iter().zip(differences) {
                    let mut row = vec![Cell::Text(labels[*g].clone())];
                    match tally {
                        None => {
                            left_out += 1;
                            row.extend(std::iter::repeat_n(Cell::Suppressed, 7));
                        }
                        Some(tally) => {
                            row.push(Cell::Int(tally.n() as i64));
                            row.push(Cell::opt_float(tally.mean(&values)));
                            row.push(Cell::opt_float(tally.median(&values)));
                            row.push(Cell::opt_float(tally.percent_of(k - scale.top_box..k)));
                            push_difference(&mut row, difference);
                            included.push(tally.counts.clone());
                        }
                    }
                    table.rows.push(row);
                }
                tests.extend(rank_test(&question.id, &included));
                table
            }
            (Column::Levels(levels), kind) => {
                let options = codebook.level_labels(question);
                let yes_no = kind == QuestionKind::YesNo;
                let mut table = option_table(title, &options);
                if yes_no {
                    table = difference_columns(table, "% yes", level);
                }
                let groups = group_tallies(data, &members, options.len(), |i| levels[i], min_cell);
                // Yes is the second level of a yes/no question.
                let differences = differences_from_rest(&groups, 1..2, level);
                let mut counts_by_group = Vec::new();
                for ((g, tally), difference) in groups.iter().zip(differences) {
                    let mut row = vec![Cell::Text(labels[*g].clone())];
                    match tally {
                        None => {
                            left_out += 1;
                            row.extend(std::iter::repeat_n(
                                Cell::Suppressed,
                                1 + options.len() + if yes_no { 3 } else { 0 },
                            ));
                        }
                        Some(tally) => {
                            row.push(Cell::Int(tally.n() as i64));
                            row.extend(
                                (0..options.len())
                                    .map(|k| Cell::opt_float(tally.percent_of(k..k + 1))),
                            );
                            if yes_no {
                                push_difference(&mut row, difference);
                            }
                            counts_by_group.push(tally.counts.counts.clone());
                        }
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
                let bases: Vec<(usize, u64)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.is_empty())
                    .map(|(g, r)| (g, r.iter().filter(|&&i| sets[i] != 0).count() as u64))
                    .collect();
                let hidden = suppressed_groups(&bases, min_cell);
                for (g, rows) in members.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
                    let answered: Vec<usize> =
                        rows.iter().copied().filter(|&i| sets[i] != 0).collect();
                    let base = answered.len() as u64;
                    let mut row = vec![Cell::Text(labels[g].clone())];
                    if hidden.contains(&g) {
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
                let bases: Vec<(usize, u64)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.is_empty())
                    .map(|(g, r)| {
                        (
                            g,
                            r.iter().filter(|&&i| values[i].is_finite()).count() as u64,
                        )
                    })
                    .collect();
                let hidden = suppressed_groups(&bases, min_cell);
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
                        Some((n, mean, median)) if !hidden.contains(&g) => {
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
        if table.rows.is_empty() {
            table.footnotes.push(format!(
                "No respondent in scope was in a group and asked {}.",
                question.id
            ));
        }
        tables.push(table);
    }
    let mut tests = tests_table(tests, adjust, min_cell, left_out);
    if let Grouping::Question(g) = by {
        tests.footnotes.push(format!(
            "Groups are the answers to {}; respondents not asked it, or who did not answer it, are left out.",
            codebook.questions[g].id
        ));
    }
    if tables.iter().any(|t| {
        t.columns
            .iter()
            .any(|c| c.name.ends_with("vs rest (points)"))
    }) {
        tests.footnotes.push(format!(
            "vs rest: a group's share minus that of the other groups shown, together, in percentage points, with Newcombe's {:.0}% interval, not adjusted for the number of groups: among many groups a few intervals miss 0 by chance, so read them after the test above.",
            level * 100.0
        ));
    }
    if let Some(note) = weighting_note(survey, data) {
        tests.footnotes.push("The tests and effect sizes count respondents unweighted: weighted (design-based) tests need the sampling design, which the data do not carry. The group estimates below are weighted.".into());
        for table in &mut tables {
            table.footnotes.push(note.clone());
        }
    }
    tables.insert(0, tests);
    tables
}

/// Each non-empty group's answers counted at their level (`level_of` gives a row's 1-based
/// level, 0 when missing); None for a group below the minimum cell size.
fn group_tallies(
    data: &Dataset,
    members: &[Vec<usize>],
    levels: usize,
    level_of: impl Fn(usize) -> u8,
    min_cell: u64,
) -> Vec<(usize, Option<Tally>)> {
    let tallies: Vec<(usize, Tally)> = members
        .iter()
        .enumerate()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(g, rows)| {
            let mut tally = Tally::new(levels, data.weight.is_some());
            for &i in rows.iter().filter(|&&i| level_of(i) != 0) {
                tally.add(data, i, level_of(i) as usize - 1);
            }
            (g, tally)
        })
        .collect();
    let bases: Vec<(usize, u64)> = tallies.iter().map(|(g, t)| (*g, t.n())).collect();
    let hidden = suppressed_groups(&bases, min_cell);
    tallies
        .into_iter()
        .map(|(g, tally)| (g, (!hidden.contains(&g)).then_some(tally)))
        .collect()
}

/// Each shown group's share at `levels` minus the share of the other shown groups together,
/// in percentage points, with Newcombe's interval: which pilot stands out, and by how much.
/// None for suppressed groups, and when fewer than two groups are shown.
fn differences_from_rest(
    groups: &[(usize, Option<Tally>)],
    levels: std::ops::Range<usize>,
    level: f64,
) -> Vec<Option<Interval>> {
    let shown: Vec<usize> = (0..groups.len())
        .filter(|&j| groups[j].1.is_some())
        .collect();
    groups
        .iter()
        .enumerate()
        .map(|(j, (_, tally))| {
            let tally = tally.as_ref()?;
            let mut rest: Option<Tally> = None;
            for &other in shown.iter().filter(|&&o| o != j) {
                let other = groups[other].1.as_ref()?;
                match &mut rest {
                    Some(r) => r.merge(other),
                    None => rest = Some(other.clone()),
                }
            }
            tally
                .share_difference(&rest?, levels.clone(), level)
                .map(|d| Interval {
                    estimate: d.estimate * 100.0,
                    lower: d.lower * 100.0,
                    upper: d.upper * 100.0,
                })
        })
        .collect()
}

/// The columns of `differences_from_rest` for the share called `share`.
fn difference_columns(table: Table, share: &str, level: f64) -> Table {
    let points = ColumnKind::Float { decimals: 1 };
    table
        .column(format!("{share} vs rest (points)"), points)
        .column(format!("{:.0}% lower", level * 100.0), points)
        .column(format!("{:.0}% upper", level * 100.0), points)
}

fn push_difference(row: &mut Vec<Cell>, difference: Option<Interval>) {
    match difference {
        Some(d) => row.extend([
            Cell::Float(d.estimate),
            Cell::Float(d.lower),
            Cell::Float(d.upper),
        ]),
        None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
    }
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
            "{left_out} group(s) suppressed and left out of the tests: those with fewer than {min_cell} answers, and where only one question's group was that small, the next smallest with it, so that neither can be worked out from the question's total."
        ));
    }
    table
}

fn attribute_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Pilot => "pilot",
        GroupBy::Role => "role",
        GroupBy::Wave => "wave",
        GroupBy::Round => "round",
    }
}
