//! Reliability of the rating items that measure one thing: Cronbach's alpha per role for the
//! whole rating battery and for each recommendation's items, or for any item set, with alpha if
//! an item is dropped and item-rest correlations. Reverse-coded items are turned round first.

use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::reliability::{cronbach_alpha, reverse, Deletion};

/// A named set of rating items, answered by one role.
pub struct ItemSet {
    pub name: String,
    pub role: usize,
    pub items: Vec<usize>,
}

/// Per role, its whole rating battery, then each recommendation's rating items where there are
/// at least two.
pub fn default_sets(survey: &Survey) -> Vec<ItemSet> {
    let codebook = &survey.codebook;
    let mut sets = Vec::new();
    for (r, role) in codebook.roles.iter().enumerate() {
        let rated = |q: &usize| {
            let question = &codebook.questions[*q];
            question.kind == QuestionKind::Likert && question.roles.contains(&r)
        };
        let battery: Vec<usize> = (0..codebook.questions.len()).filter(rated).collect();
        if battery.len() >= 2 {
            sets.push(ItemSet {
                name: format!("{role} rating items"),
                role: r,
                items: battery,
            });
        }
        let tagged = survey.questions_by_recommendation();
        for rec in &survey.recommendations {
            let items: Vec<usize> = tagged
                .get(&rec.id)
                .into_iter()
                .flatten()
                .copied()
                .filter(rated)
                .collect();
            if items.len() >= 2 {
                sets.push(ItemSet {
                    name: format!("{} {} ({role})", rec.id, rec.short_name),
                    role: r,
                    items,
                });
            }
        }
    }
    sets
}

pub fn scales(
    survey: &Survey,
    data: &Dataset,
    sets: &[ItemSet],
    deletion: Deletion,
    level: f64,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let mut summary = Table::new("Reliability (Cronbach's alpha)")
        .column("Scale", ColumnKind::Text)
        .column("Items", ColumnKind::Text)
        .column("n", ColumnKind::Int)
        .column("Alpha", ColumnKind::Float { decimals: 3 })
        .column(
            format!("{:.0}% lower", level * 100.0),
            ColumnKind::Float { decimals: 3 },
        )
        .column(
            format!("{:.0}% upper", level * 100.0),
            ColumnKind::Float { decimals: 3 },
        );
    let min_cell = codebook.privacy.min_cell;
    let mut suppressed = false;
    let mut details = Vec::new();
    for set in sets {
        let rows: Vec<Vec<f64>> = (0..data.len())
            .filter(|&i| data.role[i] as usize == set.role)
            .map(|i| {
                set.items
                    .iter()
                    .map(|&q| item_value(survey, data, q, i))
                    .collect()
            })
            .filter(|row: &Vec<f64>| row.iter().any(|v| !v.is_nan()))
            .collect();
        let ids: Vec<String> = set
            .items
            .iter()
            .map(|&q| {
                let question = &codebook.questions[q];
                if question.reverse {
                    format!("{} (reversed)", question.id)
                } else {
                    question.id.clone()
                }
            })
            .collect();
        let result = cronbach_alpha(&rows, deletion, level);
        let base = result.as_ref().map_or(rows.len(), |r| r.n) as u64;
        if base > 0 && base < min_cell {
            summary.rows.push(vec![
                Cell::Text(set.name.clone()),
                Cell::Text(ids.join(", ")),
                Cell::Suppressed,
                Cell::Suppressed,
                Cell::Suppressed,
                Cell::Suppressed,
            ]);
            suppressed = true;
            continue;
        }
        let Some(result) = result else {
            summary.rows.push(vec![
                Cell::Text(set.name.clone()),
                Cell::Text(ids.join(", ")),
                Cell::Int(rows.len() as i64),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
            continue;
        };
        summary.rows.push(vec![
            Cell::Text(set.name.clone()),
            Cell::Text(ids.join(", ")),
            Cell::Int(result.n as i64),
            Cell::Float(result.alpha),
            Cell::Float(result.lower),
            Cell::Float(result.upper),
        ]);
        let mut items = Table::new(format!("{}: items", set.name))
            .column("Item", ColumnKind::Text)
            .column("Alpha if dropped", ColumnKind::Float { decimals: 3 })
            .column("Item-rest r", ColumnKind::Float { decimals: 3 });
        for ((id, dropped), rest) in ids
            .iter()
            .zip(&result.alpha_if_dropped)
            .zip(&result.item_rest)
        {
            items.rows.push(vec![
                Cell::Text(id.clone()),
                Cell::opt_float(*dropped),
                Cell::opt_float(*rest),
            ]);
        }
        details.push(items);
    }
    summary.footnotes.push(match deletion {
        Deletion::Listwise => "Listwise deletion: n = respondents who answered every item of the scale; missing codes excluded.".to_string(),
        Deletion::Pairwise => "Pairwise deletion: each covariance from the respondents who answered both items; n = respondents who answered any item.".to_string(),
    });
    summary.footnotes.push(format!(
        "Interval: Feldt's F-based {:.0}% interval. An empty alpha means the scale cannot be computed (fewer than two complete answers, or no variation).",
        level * 100.0
    ));
    if suppressed {
        summary.footnotes.push(format!(
            "s = suppressed: fewer than {min_cell} respondents (privacy.min_cell); the scale's items are not shown either."
        ));
    }
    if data.weight.is_some() {
        summary.footnotes.push("Reliability counts respondents unweighted, as R's psych::alpha does: alpha describes how the items hang together in these answers, not a population estimate.".into());
    }
    let mut tables = vec![summary];
    tables.extend(details);
    tables
}

/// The scale value of an answer, turned round for a reverse-coded item; NaN when missing.
fn item_value(survey: &Survey, data: &Dataset, q: usize, i: usize) -> f64 {
    let codebook = &survey.codebook;
    let question = &codebook.questions[q];
    let (Column::Levels(levels), Some(scale)) = (&data.columns[q], codebook.scale_of(question))
    else {
        return f64::NAN;
    };
    if levels[i] == 0 || !data.asked(question, q, i) {
        return f64::NAN;
    }
    let value = scale.levels[levels[i] as usize - 1].code as f64;
    if question.reverse {
        let codes = scale.levels.iter().map(|l| l.code as f64);
        let (min, max) = codes.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c), hi.max(c))
        });
        reverse(value, min, max)
    } else {
        value
    }
}
