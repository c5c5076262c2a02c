//! The report's charts, filled from analysis and tracking: the data each chart kind of
//! `render::charts` draws. `mctrack plot` draws the same charts one at a time.

use crate::analysis::distribution::level_shares;
use crate::analysis::heat::{HeatValue, PilotHeat};
use crate::analysis::indicators::IndicatorEvidence;
use crate::codebook::{Direction, Measure, Survey};
use crate::dataset::Dataset;
use crate::render::charts::{
    Chart, HeatCell, HeatMapChart, IndicatorPoint, LikertChart, LikertItem, ScorecardChart,
    StatusChart, StatusRow, TrendChart, TrendPoint, TrendSeries,
};
use crate::tracking::{Plan, Status};

/// Diverging bars of the rating questions among `questions`, grouped by role; None when no
/// group has enough answers.
pub fn likert(
    survey: &Survey,
    data: &Dataset,
    questions: &[usize],
    title: String,
) -> Option<Chart> {
    let (levels, shares) = level_shares(survey, data, questions, survey.codebook.privacy.min_cell);
    if shares.is_empty() {
        return None;
    }
    let roles = shares
        .iter()
        .map(|s| s.role.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    let grouped = roles.len() > 1;
    Some(Chart::Likert(LikertChart {
        title,
        levels,
        items: shares
            .into_iter()
            .map(|s| LikertItem {
                label: format!("{} {}", s.question, s.text),
                group: grouped.then(|| s.role.clone()),
                n: s.n,
                percents: s.percents,
                missing_percent: Some(s.missing_percent),
            })
            .collect(),
    }))
}

/// Each indicator at the latest wave against its target; None without an estimate.
pub fn scorecard(evidence: &[&IndicatorEvidence], title: String) -> Option<Chart> {
    let indicators: Vec<IndicatorPoint> = evidence
        .iter()
        .filter_map(|e| {
            let estimate = e.estimate?;
            Some(IndicatorPoint {
                label: format!("{} · {}", e.recommendation, e.label()),
                estimate: estimate.estimate,
                lower: estimate.lower.is_finite().then_some(estimate.lower),
                upper: estimate.upper.is_finite().then_some(estimate.upper),
                target: e.indicator.target,
                higher_is_better: e.indicator.direction == Direction::Higher,
                percent: is_percent(e.indicator.measure),
                n: e.n,
            })
        })
        .collect();
    (!indicators.is_empty()).then_some(Chart::Scorecard(ScorecardChart { title, indicators }))
}

fn is_percent(measure: Measure) -> bool {
    !matches!(measure, Measure::Mean | Measure::Median)
}

/// The percentage indicators of one recommendation wave by wave, with their intervals; None
/// when fewer than two waves have estimates.
pub fn trend(survey: &Survey, evidence: &[&IndicatorEvidence], title: String) -> Option<Chart> {
    let waves = &survey.codebook.waves;
    let series: Vec<TrendSeries> = evidence
        .iter()
        .filter(|e| is_percent(e.indicator.measure) && e.waves.len() > 1)
        .map(|e| TrendSeries {
            label: e.label(),
            points: waves
                .iter()
                .map(|w| {
                    e.waves
                        .iter()
                        .find(|(name, _, _)| name == w)
                        .map(|(_, n, i)| TrendPoint {
                            estimate: i.estimate,
                            lower: i.lower,
                            upper: i.upper,
                            n: *n,
                        })
                })
                .collect(),
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    let target = match evidence
        .iter()
        .filter(|e| is_percent(e.indicator.measure))
        .map(|e| e.indicator.target)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [one] => Some(*one),
        _ => None,
    };
    Some(Chart::Trend(TrendChart {
        title,
        y_label: "%".into(),
        waves: waves.clone(),
        baseline: 0,
        series,
        target,
    }))
}

pub fn heat_map(heat: &PilotHeat, title: String) -> Option<Chart> {
    if heat.pilots.is_empty() {
        return None;
    }
    Some(Chart::HeatMap(HeatMapChart {
        title,
        value_label: "% top-2".into(),
        rows: heat
            .pilots
            .iter()
            .zip(&heat.names)
            .map(|(id, name)| format!("{id} {name}").trim().to_string())
            .collect(),
        columns: heat.recommendations.clone(),
        cells: heat
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| match v {
                        HeatValue::Share {
                            percent,
                            respondents,
                        } => HeatCell::Value {
                            value: *percent,
                            n: *respondents,
                        },
                        HeatValue::Suppressed => HeatCell::Suppressed,
                        HeatValue::NoData => HeatCell::NoData,
                    })
                    .collect()
            })
            .collect(),
        min_cell: heat.min_cell,
        domain: Some((0.0, 100.0)),
    }))
}

/// Actions by status, one bar per recommendation; None when nothing is tracked.
pub fn status(survey: &Survey, plan: &Plan, title: String) -> Option<Chart> {
    let actions = plan.actions();
    if actions.is_empty() {
        return None;
    }
    Some(Chart::Status(StatusChart {
        title,
        statuses: Status::ALL.iter().map(|s| s.label().to_string()).collect(),
        rows: survey
            .recommendations
            .iter()
            .map(|rec| StatusRow {
                label: format!("{} {}", rec.id, rec.short_name),
                counts: Status::ALL
                    .iter()
                    .map(|s| {
                        actions
                            .iter()
                            .filter(|a| a.rec_id == rec.id && a.status == *s)
                            .count() as u64
                    })
                    .collect(),
            })
            .collect(),
    }))
}
