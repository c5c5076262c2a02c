//! Pilots against recommendations: for each pilot and recommendation, the share of its rating
//! answers in the top two levels, over every rating question the recommendation is measured by.
//! A board sees at a glance which pilots lag on which recommendation; cells resting on too few
//! respondents are suppressed, never shown as zero.

use crate::analysis::tally::suppressed_groups;
use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};

/// One pilot × recommendation cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatValue {
    /// Percentage (0 to 100) of ratings in the top two levels, and the respondents behind it.
    Share { percent: f64, respondents: u64 },
    /// Fewer respondents than the minimum cell size.
    Suppressed,
    /// No rating question of the recommendation was answered in this pilot.
    NoData,
}

#[derive(Debug, Clone)]
pub struct PilotHeat {
    pub pilots: Vec<String>,
    /// The pilots' names from the pilots file (empty when not listed).
    pub names: Vec<String>,
    pub recommendations: Vec<String>,
    /// `cells[pilot][recommendation]`.
    pub cells: Vec<Vec<HeatValue>>,
    pub min_cell: u64,
}

pub fn pilot_heat(survey: &Survey, data: &Dataset, min_cell: u64) -> PilotHeat {
    let codebook = &survey.codebook;
    let tagged = survey.questions_by_recommendation();
    let mut pilots: Vec<(String, u32)> = data
        .pilot_ids
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), i as u32))
        .collect();
    pilots.sort();
    let present: Vec<bool> = (0..data.pilot_ids.len())
        .map(|p| data.pilot.contains(&(p as u32)))
        .collect();
    pilots.retain(|(_, p)| present[*p as usize]);
    let recs: Vec<&str> = survey
        .recommendations
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    // The rating questions behind each recommendation.
    let rec_questions: Vec<Vec<usize>> = recs
        .iter()
        .map(|rec| {
            tagged
                .get(*rec)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&q| codebook.questions[q].kind == QuestionKind::Likert)
                .collect()
        })
        .collect();
    // One pass over the responses: per pilot (its index in `data.pilot_ids`) and
    // recommendation, ratings in the top box, ratings, and respondents who gave any.
    let mut tallies = vec![vec![(0u64, 0u64, 0u64); recs.len()]; data.pilot_ids.len()];
    for i in 0..data.len() {
        let row = &mut tallies[data.pilot[i] as usize];
        for (cell, questions) in row.iter_mut().zip(&rec_questions) {
            let mut answered = false;
            for &q in questions {
                let question = &codebook.questions[q];
                let (Column::Levels(levels), Some(scale)) =
                    (&data.columns[q], codebook.scale_of(question))
                else {
                    continue;
                };
                if levels[i] == 0 || !data.asked(question, q, i) {
                    continue;
                }
                answered = true;
                cell.1 += 1;
                cell.0 += u64::from(levels[i] as usize > scale.levels.len() - scale.top_box);
            }
            cell.2 += u64::from(answered);
        }
    }
    // Per recommendation, the pilots to suppress: the small ones, and beside a lone small one
    // the next smallest, so that no pilot's figure follows from the recommendation's total.
    let hidden: Vec<Vec<usize>> = (0..recs.len())
        .map(|r| {
            let bases: Vec<(usize, u64)> = pilots
                .iter()
                .enumerate()
                .map(|(row, (_, pilot))| (row, tallies[*pilot as usize][r].2))
                .filter(|(_, respondents)| *respondents > 0)
                .collect();
            suppressed_groups(&bases, min_cell)
        })
        .collect();
    let cells = pilots
        .iter()
        .enumerate()
        .map(|(row, (_, pilot))| {
            tallies[*pilot as usize]
                .iter()
                .zip(&hidden)
                .map(|(&(top, answers, respondents), hidden)| {
                    if respondents == 0 {
                        HeatValue::NoData
                    } else if hidden.contains(&row) {
                        HeatValue::Suppressed
                    } else {
                        HeatValue::Share {
                            percent: top as f64 * 100.0 / answers as f64,
                            respondents,
                        }
                    }
                })
                .collect()
        })
        .collect();
    PilotHeat {
        names: pilots
            .iter()
            .map(|(p, _)| survey.pilot(p).map_or_else(String::new, |p| p.name.clone()))
            .collect(),
        pilots: pilots.into_iter().map(|(p, _)| p).collect(),
        recommendations: recs.into_iter().map(String::from).collect(),
        cells,
        min_cell,
    }
}

impl PilotHeat {
    pub fn table(&self) -> Table {
        let mut table = Table::new("Pilots by recommendation: % of ratings in the top two levels")
            .column("Pilot", ColumnKind::Text)
            .column("Name", ColumnKind::Text);
        for rec in &self.recommendations {
            table = table.column(rec.clone(), ColumnKind::Percent { decimals: 0 });
        }
        for ((pilot, name), row) in self.pilots.iter().zip(&self.names).zip(&self.cells) {
            let mut cells = vec![Cell::Text(pilot.clone()), Cell::Text(name.clone())];
            cells.extend(row.iter().map(|v| match v {
                HeatValue::Share { percent, .. } => Cell::Float(*percent),
                HeatValue::Suppressed => Cell::Suppressed,
                HeatValue::NoData => Cell::Empty,
            }));
            table.rows.push(cells);
        }
        table.footnotes.extend([
            "Each cell pools the pilot's answers to every rating question the recommendation is measured by (its codebook tags): the percentage of those ratings in the top two levels.".to_string(),
            format!(
                "s = suppressed: fewer than {} respondents gave any of those ratings, or the next smallest pilot beside a lone small one, so that neither can be worked out from the recommendation's total. A blank cell: no such rating was asked or answered.",
                self.min_cell
            ),
        ]);
        table
    }
}
