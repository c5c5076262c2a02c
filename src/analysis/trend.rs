//! Trends across waves: per-wave estimates with intervals, change against the first wave with
//! its interval, and a trend test: a least-squares slope per wave on the respondents' answers,
//! with its interval, and the Mann-Kendall test on the wave estimates.

use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::intervals::Interval;

use super::tally::{suppressed_groups, weighting_note, ShareMethod, Tally};
use crate::stats::trend::{linear_trend, mann_kendall};

/// What is followed over the waves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrendMeasure {
    /// Mean rating.
    Mean,
    /// Share in the top two levels (rating items) or answering yes (yes/no items).
    Share,
}

pub fn trend(
    survey: &Survey,
    data: &Dataset,
    questions: &[usize],
    measure: TrendMeasure,
    min_cell: u64,
    level: f64,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let weighted = data.weight.is_some();
    let mut tests = Table::new("Trend tests")
        .column("Question", ColumnKind::Text)
        .column("Measure", ColumnKind::Text)
        .column("Waves", ColumnKind::Int)
        .column("Slope per wave", ColumnKind::Float { decimals: 4 })
        .column("Slope lower", ColumnKind::Float { decimals: 4 })
        .column("Slope upper", ColumnKind::Float { decimals: 4 })
        .column("p (slope)", ColumnKind::Float { decimals: 4 })
        .column("Mann-Kendall tau", ColumnKind::Float { decimals: 3 })
        .column("p (Mann-Kendall)", ColumnKind::Float { decimals: 4 });
    let mut tables = Vec::new();
    for &q in questions {
        let question = &codebook.questions[q];
        let Column::Levels(levels) = &data.columns[q] else {
            continue;
        };
        let (values, top): (Vec<f64>, std::ops::Range<usize>) = match question.kind {
            QuestionKind::Likert => {
                let scale = codebook.scale_of(question).expect("likert has a scale");
                let k = scale.levels.len();
                (
                    scale.levels.iter().map(|l| l.code as f64).collect(),
                    k - scale.top_box..k,
                )
            }
            QuestionKind::YesNo => (vec![0.0, 1.0], 1..2),
            _ => continue,
        };
        let share = measure == TrendMeasure::Share || question.kind == QuestionKind::YesNo;
        let measure_name = match (share, question.kind) {
            (false, _) => "mean",
            (true, QuestionKind::YesNo) => "% yes",
            (true, _) => "% top-2",
        };
        let mut table = Table::new(format!(
            "{} ({measure_name}{}) by wave: {}",
            question.id,
            if weighted { ", weighted" } else { "" },
            question.text
        ))
        .column("Wave", ColumnKind::Text)
        .column("n", ColumnKind::Int);
        if weighted {
            table = table.column("Eff. n", ColumnKind::Float { decimals: 1 });
        }
        table = table
            .column("Estimate", ColumnKind::Float { decimals: 3 })
            .column(
                format!("{:.0}% lower", level * 100.0),
                ColumnKind::Float { decimals: 3 },
            )
            .column(
                format!("{:.0}% upper", level * 100.0),
                ColumnKind::Float { decimals: 3 },
            )
            .column("Change vs first wave", ColumnKind::Float { decimals: 3 })
            .column("Change lower", ColumnKind::Float { decimals: 3 })
            .column("Change upper", ColumnKind::Float { decimals: 3 });
        let per_wave: Vec<(usize, Tally)> = (0..codebook.waves.len())
            .map(|w| {
                let mut tally = Tally::new(values.len(), weighted);
                for i in (0..data.len())
                    .filter(|&i| data.wave[i] as usize == w && data.asked(question, q, i))
                {
                    if levels[i] != 0 {
                        tally.add(data, i, levels[i] as usize - 1);
                    }
                }
                (w, tally)
            })
            .filter(|(_, tally)| tally.n() > 0)
            .collect();
        // One small wave takes the next smallest with it: the summary's total over the waves
        // would otherwise give it away.
        let bases: Vec<(usize, u64)> = per_wave.iter().map(|(w, t)| (*w, t.n())).collect();
        let hidden = suppressed_groups(&bases, min_cell);
        let mut tallies: Vec<(usize, Tally)> = Vec::new();
        for (w, tally) in per_wave {
            let wave = &codebook.waves[w];
            let mut row = vec![Cell::Text(wave.clone())];
            if hidden.contains(&w) {
                row.extend(std::iter::repeat_n(
                    Cell::Suppressed,
                    7 + usize::from(weighted),
                ));
                table.rows.push(row);
                continue;
            }
            let estimate = if share {
                tally
                    .share_interval(top.clone(), level, ShareMethod::Wilson)
                    .map(|i| scale_interval(i, 100.0))
            } else {
                tally.mean_interval(&values, level)
            };
            row.push(Cell::Int(tally.n() as i64));
            if weighted {
                row.push(Cell::opt_float(tally.n_eff()));
            }
            push_interval(&mut row, estimate);
            let change = tallies.first().and_then(|(_, base)| {
                if share {
                    tally
                        .share_difference(base, top.clone(), level)
                        .map(|i| scale_interval(i, 100.0))
                } else {
                    tally.welch(base, &values, level).map(|w| w.difference)
                }
            });
            push_interval(&mut row, change);
            table.rows.push(row);
            tallies.push((w, tally));
        }
        tables.push(table);
        // The slope: each respondent's answer (1/0 for a share) against the wave's position.
        // Weighted data have no slope: its standard error would need the sampling design.
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (w, tally) in tallies.iter().filter(|_| !weighted) {
            for (k, &count) in tally.counts.counts.iter().enumerate() {
                let value = if share {
                    if top.contains(&k) {
                        100.0
                    } else {
                        0.0
                    }
                } else {
                    values[k]
                };
                for _ in 0..count {
                    x.push(*w as f64);
                    y.push(value);
                }
            }
        }
        let slope = linear_trend(&x, &y, level);
        let estimates: Vec<f64> = tallies
            .iter()
            .map(|(_, tally)| {
                if share {
                    tally.percent_of(top.clone()).unwrap_or(f64::NAN)
                } else {
                    tally.mean(&values).unwrap_or(f64::NAN)
                }
            })
            .collect();
        let mk = mann_kendall(&estimates);
        tests.rows.push(vec![
            Cell::Text(question.id.clone()),
            Cell::Text(measure_name.into()),
            Cell::Int(tallies.len() as i64),
            slope.as_ref().map_or(Cell::Empty, |s| Cell::Float(s.slope)),
            slope.as_ref().map_or(Cell::Empty, |s| Cell::Float(s.lower)),
            slope.as_ref().map_or(Cell::Empty, |s| Cell::Float(s.upper)),
            slope.as_ref().map_or(Cell::Empty, |s| Cell::Float(s.p)),
            mk.as_ref().map_or(Cell::Empty, |m| Cell::Float(m.tau)),
            mk.as_ref().map_or(Cell::Empty, |m| Cell::Float(m.p)),
        ]);
    }
    tests.footnotes.extend([
        "Slope per wave: least-squares line through every respondent's answer (100 or 0 for a share) against the wave's position in the codebook, with its t interval; waves under the minimum cell size are left out.".to_string(),
        "Mann-Kendall: a test of a monotonic trend in the wave estimates, with no assumption about its shape; with four waves it can reach p < 0.05 only for a steady rise or fall.".to_string(),
    ]);
    if weighted {
        tests.footnotes.push("With weights, no slope is given: its standard error would need the sampling design (strata, clusters) that the data do not carry. Mann-Kendall uses the weighted wave estimates.".to_string());
    }
    let weighting = weighting_note(survey, data);
    tests.footnotes.extend(weighting.clone());
    let mut out = vec![tests];
    out.extend(tables.into_iter().map(|mut t| {
        t.footnotes.push(format!(
            "Intervals at {:.0}%: t for means, Wilson for shares{}; change vs the first wave shown: Welch for means, Newcombe for shares. s = suppressed: fewer than {min_cell} answers, or the next smallest wave suppressed with a lone small one.",
            level * 100.0,
            if weighted { ", on Kish's effective n" } else { "" }
        ));
        t.footnotes.extend(weighting.clone());
        t
    }));
    out
}

/// A trend may not span a change of the question recorded in the codebook: answers before and
/// after it measure different things. The error names the change and the `--wave` selections
/// that stay within one version.
pub fn check_comparable(survey: &Survey, data: &Dataset, q: usize) -> crate::error::Result<()> {
    let codebook = &survey.codebook;
    let question = &codebook.questions[q];
    let mut in_scope: Vec<usize> = (0..data.len())
        .filter(|&i| data.asked(question, q, i))
        .map(|i| data.wave[i] as usize)
        .collect();
    in_scope.sort_unstable();
    in_scope.dedup();
    for change in &question.changes {
        let (before, after): (Vec<usize>, Vec<usize>) =
            in_scope.iter().partition(|&&w| w < change.wave);
        if before.is_empty() || after.is_empty() {
            continue;
        }
        let next = question
            .changes
            .iter()
            .map(|c| c.wave)
            .find(|&w| w > change.wave)
            .unwrap_or(usize::MAX);
        let previous = question
            .changes
            .iter()
            .map(|c| c.wave)
            .filter(|&w| w < change.wave)
            .max()
            .unwrap_or(0);
        let names = |waves: Vec<&usize>| {
            waves
                .into_iter()
                .map(|&w| codebook.waves[w].as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        return Err(crate::error::Error::Invalid(format!(
            "trend {}: its {} changed at wave {} ({}), so answers before and after it are not comparable. Follow one version: --wave {} or --wave {}",
            question.id,
            change.what.name(),
            codebook.waves[change.wave],
            change.note,
            names(before.iter().filter(|&&w| w >= previous).collect()),
            names(after.iter().filter(|&&w| w < next).collect()),
        )));
    }
    Ok(())
}

fn scale_interval(interval: Interval, factor: f64) -> Interval {
    Interval {
        estimate: interval.estimate * factor,
        lower: interval.lower * factor,
        upper: interval.upper * factor,
    }
}

fn push_interval(row: &mut Vec<Cell>, interval: Option<Interval>) {
    match interval {
        Some(i) => row.extend([
            Cell::Float(i.estimate),
            Cell::Float(i.lower),
            Cell::Float(i.upper),
        ]),
        None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
    }
}
