//! The survey evidence for each recommendation: every indicator of recommendations.toml
//! estimated at the latest wave that has enough answers, with its interval, against its
//! target, and its change since the first wave. The scorecard sets this beside the tracking
//! status; nothing here changes a status.

use crate::codebook::{Direction, Indicator, Measure};
use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::descriptive::describe;
use crate::stats::intervals::{mean_t, median_interval, welch, Interval};
use crate::stats::weights::{weighted_describe, weighted_mean_interval};

use super::tally::{suppressed_groups, ShareMethod, Tally};

/// Where an estimate stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// The estimate is on the target's good side.
    Met,
    /// Short of the target, but the interval reaches it: it may be met.
    Below,
    /// The whole interval is short of the target.
    ClearlyBelow,
    /// No wave has enough answers to say.
    Unknown,
}

impl TargetStatus {
    pub fn label(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::Below => "below target",
            TargetStatus::ClearlyBelow => "clearly below target",
            TargetStatus::Unknown => "no data",
        }
    }
}

/// Which way an indicator moved between the first and the latest wave, judged by whether the
/// change's interval excludes zero, and in the indicator's own direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Better,
    Worse,
    Steady,
    /// One wave only, or too few answers.
    Unknown,
}

impl Movement {
    pub fn label(self) -> &'static str {
        match self {
            Movement::Better => "↑ better",
            Movement::Worse => "↓ worse",
            Movement::Steady => "→ steady",
            Movement::Unknown => "",
        }
    }
}

/// One indicator's evidence.
#[derive(Debug, Clone)]
pub struct IndicatorEvidence {
    pub recommendation: String,
    pub indicator: Indicator,
    /// The latest wave with at least the minimum cell size of answers.
    pub wave: Option<String>,
    pub n: u64,
    /// Kish's effective n, for weighted data.
    pub n_eff: Option<f64>,
    /// Percentages are 0 to 100; means and medians on the question's scale.
    pub estimate: Option<Interval>,
    /// The first such wave, when it is not the latest one.
    pub baseline_wave: Option<String>,
    /// Latest minus first wave, with its interval.
    pub change: Option<Interval>,
    pub status: TargetStatus,
    pub movement: Movement,
    /// The confidence level `movement` was judged at.
    pub movement_level: f64,
    /// Every wave with enough answers, in wave order: its name, respondents and estimate.
    pub waves: Vec<(String, u64, Interval)>,
}

impl IndicatorEvidence {
    /// A short label such as "L08 top-2 %".
    pub fn label(&self) -> String {
        let i = &self.indicator;
        match i.measure {
            Measure::Mean => format!("{} mean", i.question),
            Measure::Median => format!("{} median", i.question),
            Measure::Top2 => format!("{} top-2 %", i.question),
            Measure::Bottom2 => format!("{} bottom-2 %", i.question),
            Measure::ShareYes => format!("{} % yes", i.question),
            Measure::ShareOption => {
                format!("{} % {}", i.question, i.option.as_deref().unwrap_or(""))
            }
        }
    }
}

/// What one wave's answers give for an indicator.
struct WaveEstimate {
    n: u64,
    n_eff: Option<f64>,
    estimate: Option<Interval>,
    /// What the change against another wave needs.
    sample: WaveSample,
}

enum WaveSample {
    /// Counted answers and the levels the measure looks at: a share of `levels`, or the mean
    /// or median of `values`.
    Levels {
        tally: Tally,
        levels: std::ops::Range<usize>,
        values: Vec<f64>,
    },
    Numbers(Vec<f64>),
}

/// The evidence for every indicator of every recommendation, at confidence `level`. The
/// trend arrows use a Bonferroni-adjusted level across the indicators that have a change, so
/// that a scorecard of many indicators does not flag chance movements.
pub fn indicator_evidence(
    survey: &Survey,
    data: &Dataset,
    min_cell: u64,
    level: f64,
) -> Vec<IndicatorEvidence> {
    let mut per_indicator = Vec::new();
    for rec in &survey.recommendations {
        for indicator in &rec.indicators {
            let Some(q) = survey.codebook.question_index(&indicator.question) else {
                continue;
            };
            let mut waves: Vec<(usize, WaveEstimate)> = (0..survey.codebook.waves.len())
                .filter_map(|w| {
                    let rows: Vec<usize> = (0..data.len())
                        .filter(|&i| {
                            data.wave[i] as usize == w
                                && data.asked(&survey.codebook.questions[q], q, i)
                        })
                        .collect();
                    estimate(survey, data, q, indicator, &rows, level)
                        .filter(|e| e.n > 0)
                        .map(|e| (w, e))
                })
                .collect();
            // Small waves are left out, and beside a lone small one the next smallest, so that
            // no wave's count follows from the question's total minus the waves shown.
            let bases: Vec<(usize, u64)> = waves.iter().map(|(w, e)| (*w, e.n)).collect();
            let hidden = suppressed_groups(&bases, min_cell);
            waves.retain(|(w, _)| !hidden.contains(w));
            per_indicator.push((rec.id.clone(), indicator, waves));
        }
    }
    let with_change = per_indicator
        .iter()
        .filter(|(_, _, waves)| waves.len() > 1)
        .count();
    let levels = Levels {
        shown: level,
        movement: movement_level(level, with_change),
    };
    per_indicator
        .into_iter()
        .map(|(rec, indicator, waves)| {
            evidence(
                survey,
                rec,
                indicator,
                &waves,
                data.weight.is_some(),
                levels,
            )
        })
        .collect()
}

/// The level at which a change counts as movement: Bonferroni over `tests` changes.
pub fn movement_level(level: f64, tests: usize) -> f64 {
    1.0 - (1.0 - level) / tests.max(1) as f64
}

/// The level of the intervals shown, and the stricter one that trend arrows use.
#[derive(Debug, Clone, Copy)]
struct Levels {
    shown: f64,
    movement: f64,
}

fn evidence(
    survey: &Survey,
    recommendation: String,
    indicator: &Indicator,
    waves: &[(usize, WaveEstimate)],
    weighted: bool,
    levels: Levels,
) -> IndicatorEvidence {
    let name = |w: usize| survey.codebook.waves[w].clone();
    let latest = waves.last();
    let first = waves.first().filter(|_| waves.len() > 1);
    let change_at = |level: f64| match (latest, first) {
        (Some((_, last)), Some((_, first))) => difference(
            indicator.measure,
            &last.sample,
            &first.sample,
            weighted,
            level,
        ),
        _ => None,
    };
    let change = change_at(levels.shown);
    let estimate = latest.and_then(|(_, e)| e.estimate);
    let higher = indicator.direction == Direction::Higher;
    let status = match estimate {
        None => TargetStatus::Unknown,
        Some(e) => {
            let (point, far) = if higher {
                (e.estimate, e.upper)
            } else {
                (-e.estimate, -e.lower)
            };
            let target = if higher {
                indicator.target
            } else {
                -indicator.target
            };
            if point >= target {
                TargetStatus::Met
            } else if far < target {
                TargetStatus::ClearlyBelow
            } else {
                TargetStatus::Below
            }
        }
    };
    let movement = match change_at(levels.movement) {
        None => Movement::Unknown,
        Some(c) if c.lower > 0.0 => {
            if higher {
                Movement::Better
            } else {
                Movement::Worse
            }
        }
        Some(c) if c.upper < 0.0 => {
            if higher {
                Movement::Worse
            } else {
                Movement::Better
            }
        }
        Some(_) => Movement::Steady,
    };
    IndicatorEvidence {
        recommendation,
        indicator: indicator.clone(),
        wave: latest.map(|(w, _)| name(*w)),
        n: latest.map_or(0, |(_, e)| e.n),
        n_eff: latest.and_then(|(_, e)| e.n_eff),
        estimate,
        baseline_wave: first.map(|(w, _)| name(*w)),
        change,
        status,
        movement,
        movement_level: levels.movement,
        waves: waves
            .iter()
            .filter_map(|(w, e)| e.estimate.map(|i| (name(*w), e.n, i)))
            .collect(),
    }
}

/// The indicator's estimate from `rows` (the respondents asked its question in one wave).
fn estimate(
    survey: &Survey,
    data: &Dataset,
    q: usize,
    indicator: &Indicator,
    rows: &[usize],
    level: f64,
) -> Option<WaveEstimate> {
    let codebook = &survey.codebook;
    let question = &codebook.questions[q];
    let weighted = data.weight.is_some();
    let percent = |i: Interval| Interval {
        estimate: i.estimate * 100.0,
        lower: i.lower * 100.0,
        upper: i.upper * 100.0,
    };
    match &data.columns[q] {
        Column::Levels(answers) => {
            let k = codebook.level_labels(question).len();
            let (values, levels): (Vec<f64>, std::ops::Range<usize>) = match question.kind {
                QuestionKind::Likert => {
                    let scale = codebook.scale_of(question)?;
                    let values = scale.levels.iter().map(|l| l.code as f64).collect();
                    let levels = match indicator.measure {
                        Measure::Bottom2 => 0..scale.top_box,
                        _ => k - scale.top_box..k,
                    };
                    (values, levels)
                }
                QuestionKind::YesNo => (vec![0.0, 1.0], 1..2),
                _ => {
                    let option = question
                        .options
                        .iter()
                        .position(|o| Some(o.code.as_str()) == indicator.option.as_deref())?;
                    ((1..=k).map(|v| v as f64).collect(), option..option + 1)
                }
            };
            let mut tally = Tally::new(k, weighted);
            for &i in rows.iter().filter(|&&i| answers[i] != 0) {
                tally.add(data, i, answers[i] as usize - 1);
            }
            let estimate = match indicator.measure {
                Measure::Mean => tally.mean_interval(&values, level),
                Measure::Median => tally.median_interval(&values, level),
                _ => tally
                    .share_interval(levels.clone(), level, ShareMethod::Wilson)
                    .map(percent),
            };
            Some(WaveEstimate {
                n: tally.n(),
                n_eff: tally.n_eff(),
                estimate,
                sample: WaveSample::Levels {
                    tally,
                    levels,
                    values,
                },
            })
        }
        Column::Choices(sets) => {
            let option = question
                .options
                .iter()
                .position(|o| Some(o.code.as_str()) == indicator.option.as_deref())?;
            // Level 1: chose the option; level 0: answered without choosing it.
            let mut tally = Tally::new(2, weighted);
            for &i in rows.iter().filter(|&&i| sets[i] != 0) {
                tally.add(data, i, ((sets[i] >> option) & 1) as usize);
            }
            let estimate = tally
                .share_interval(1..2, level, ShareMethod::Wilson)
                .map(percent);
            Some(WaveEstimate {
                n: tally.n(),
                n_eff: tally.n_eff(),
                estimate,
                sample: WaveSample::Levels {
                    tally,
                    levels: 1..2,
                    values: vec![0.0, 1.0],
                },
            })
        }
        Column::Numbers(numbers) => {
            let present: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&i| numbers[i].is_finite())
                .collect();
            let x: Vec<f64> = present.iter().map(|&i| numbers[i]).collect();
            let (estimate, n_eff) = match &data.weight {
                Some(w) => {
                    let w: Vec<f64> = present.iter().map(|&i| w[i]).collect();
                    match indicator.measure {
                        Measure::Median => (
                            weighted_describe(&x, &w).map(|d| Interval {
                                estimate: d.median,
                                lower: f64::NAN,
                                upper: f64::NAN,
                            }),
                            weighted_describe(&x, &w).map(|d| d.n_eff),
                        ),
                        _ => {
                            let e = weighted_mean_interval(&x, &w, level);
                            (e.map(|e| e.interval), e.map(|e| e.n_eff))
                        }
                    }
                }
                None => match indicator.measure {
                    Measure::Median => (
                        median_interval(&x, level)
                            .map(|m| Interval {
                                estimate: m.median,
                                lower: m.lower,
                                upper: m.upper,
                            })
                            .or_else(|| {
                                describe(&x).map(|d| Interval {
                                    estimate: d.median,
                                    lower: f64::NAN,
                                    upper: f64::NAN,
                                })
                            }),
                        None,
                    ),
                    _ => (mean_t(&x, level), None),
                },
            };
            Some(WaveEstimate {
                n: x.len() as u64,
                n_eff,
                estimate,
                sample: WaveSample::Numbers(x),
            })
        }
        Column::Answered(_) => None,
    }
}

/// Latest minus first wave, in the estimate's units (percentage points for shares): Welch for
/// means, Newcombe for shares. None for medians, and for weighted numeric answers, whose
/// change would need the design.
fn difference(
    measure: Measure,
    latest: &WaveSample,
    first: &WaveSample,
    weighted: bool,
    level: f64,
) -> Option<Interval> {
    match (latest, first, measure) {
        (_, _, Measure::Median) => None,
        (
            WaveSample::Levels { tally, values, .. },
            WaveSample::Levels { tally: base, .. },
            Measure::Mean,
        ) => tally.welch(base, values, level).map(|w| w.difference),
        (WaveSample::Levels { tally, levels, .. }, WaveSample::Levels { tally: base, .. }, _) => {
            tally
                .share_difference(base, levels.clone(), level)
                .map(|d| Interval {
                    estimate: d.estimate * 100.0,
                    lower: d.lower * 100.0,
                    upper: d.upper * 100.0,
                })
        }
        (WaveSample::Numbers(x), WaveSample::Numbers(y), _) if !weighted => {
            welch(x, y, level).map(|w| w.difference)
        }
        _ => None,
    }
}

/// The evidence as a table, for the scorecard and the report: one row per indicator of the
/// recommendations in `only` (all when empty).
pub fn evidence_table(evidence: &[IndicatorEvidence], only: &[&str], level: f64) -> Table {
    let p = format!("{:.0}%", level * 100.0);
    let title = match only {
        [rec] => format!("{rec} indicators against their targets"),
        _ => "Indicators against their targets".to_string(),
    };
    let mut table = Table::new(title)
        .column("Rec", ColumnKind::Text)
        .column("Indicator", ColumnKind::Text)
        .column("Wave", ColumnKind::Text)
        .column("n", ColumnKind::Int)
        .column("Estimate", ColumnKind::Float { decimals: 1 })
        .column(format!("{p} lower"), ColumnKind::Float { decimals: 1 })
        .column(format!("{p} upper"), ColumnKind::Float { decimals: 1 })
        .column("Target", ColumnKind::Text)
        .column("Status", ColumnKind::Text)
        .column("Change since", ColumnKind::Text)
        .column("Change", ColumnKind::Float { decimals: 1 })
        .column("Change lower", ColumnKind::Float { decimals: 1 })
        .column("Change upper", ColumnKind::Float { decimals: 1 })
        .column("Trend", ColumnKind::Text);
    for e in evidence
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.recommendation.as_str()))
    {
        let target = match e.indicator.direction {
            Direction::Higher => format!("≥ {}", e.indicator.target),
            Direction::Lower => format!("≤ {}", e.indicator.target),
        };
        let finite = |x: f64| {
            if x.is_finite() {
                Cell::Float(x)
            } else {
                Cell::Empty
            }
        };
        let mut row = vec![
            Cell::Text(e.recommendation.clone()),
            Cell::Text(e.label()),
            e.wave.clone().map_or(Cell::Empty, Cell::Text),
            Cell::Int(e.n as i64),
        ];
        match e.estimate {
            Some(i) => row.extend([finite(i.estimate), finite(i.lower), finite(i.upper)]),
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        row.push(Cell::Text(target));
        row.push(Cell::Text(e.status.label().into()));
        row.push(e.baseline_wave.clone().map_or(Cell::Empty, Cell::Text));
        match e.change {
            Some(c) => row.extend([finite(c.estimate), finite(c.lower), finite(c.upper)]),
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        row.push(Cell::Text(e.movement.label().into()));
        table.rows.push(row);
    }
    table.footnotes.extend([
        format!("Estimate: the latest wave with at least the minimum cell size of answers (beside a lone small wave, the next smallest is left out too, so neither follows from a total), with its {p} interval (t for means, Wilson for percentages, order statistics or Woodruff for medians); percentages are 0 to 100."),
        "Status: met when the estimate is on the target's side; clearly below when the whole interval falls short; below otherwise. No data: no wave has enough answers.".into(),
        format!(
            "Change: latest minus first such wave (Welch for means, Newcombe for percentages, in points), with its {p} interval. The trend is better or worse only when the change's {:.2}% interval excludes zero (Bonferroni across the indicators, so that chance movements are not flagged), read in the indicator's direction.",
            evidence.first().map_or(level, |e| e.movement_level) * 100.0
        ),
        "Targets are this programme's own choices (surveys/recommendations.toml). Survey results never change a tracking status.".into(),
    ]);
    table
}
