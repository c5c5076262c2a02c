//! Cross-tabulation of two categorical questions: counts with row, column or total
//! percentages, the chi-square test, and cell suppression with complementary suppression, so
//! that no suppressed count can be recovered from its row or column total.

use crate::codebook::Survey;
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::inference::chi_square;

use super::tally::weighting_note;

/// What each percentage is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Percent {
    Row,
    Column,
    Total,
}

/// Why a cross-tab cannot be made.
#[derive(Debug, PartialEq, Eq)]
pub enum CrosstabError {
    NotCategorical(String),
    TwoEquityFields,
}

pub fn crosstab(
    survey: &Survey,
    data: &Dataset,
    a: usize,
    b: usize,
    percent: Percent,
    min_cell: u64,
) -> Result<Vec<Table>, CrosstabError> {
    let codebook = &survey.codebook;
    let (qa, qb) = (&codebook.questions[a], &codebook.questions[b]);
    if qa.module.is_some() && qa.module == qb.module {
        return Err(CrosstabError::TwoEquityFields);
    }
    let (Column::Levels(la), Column::Levels(lb)) = (&data.columns[a], &data.columns[b]) else {
        let bad = if matches!(data.columns[a], Column::Levels(_)) {
            qb
        } else {
            qa
        };
        return Err(CrosstabError::NotCategorical(bad.id.clone()));
    };
    let rows_labels = codebook.level_labels(qa);
    let column_labels = codebook.level_labels(qb);
    let mut counts = vec![vec![0u64; column_labels.len()]; rows_labels.len()];
    // The weight in each cell; percentages come from these when the data are weighted.
    let mut sums = vec![vec![0f64; column_labels.len()]; rows_labels.len()];
    for i in 0..data.len() {
        if data.asked(qa, a, i) && data.asked(qb, b, i) && la[i] != 0 && lb[i] != 0 {
            let (r, c) = (la[i] as usize - 1, lb[i] as usize - 1);
            counts[r][c] += 1;
            sums[r][c] += data.weight.as_ref().map_or(1.0, |w| w[i]);
        }
    }
    let hidden = suppression(&counts, min_cell);
    let row_totals: Vec<u64> = counts.iter().map(|r| r.iter().sum()).collect();
    let column_totals: Vec<u64> = (0..column_labels.len())
        .map(|c| counts.iter().map(|r| r[c]).sum())
        .collect();
    let total: u64 = row_totals.iter().sum();
    let mut table = Table::new(format!("{} by {}", qa.id, qb.id))
        .column(format!("{} \\ {}", qa.id, qb.id), ColumnKind::Text);
    for label in &column_labels {
        table = table.column(label.clone(), ColumnKind::CountPercent { decimals: 1 });
    }
    table = table.column("Total", ColumnKind::Int);
    let row_weights: Vec<f64> = sums.iter().map(|r| r.iter().sum()).collect();
    let column_weights: Vec<f64> = (0..column_labels.len())
        .map(|c| sums.iter().map(|r| r[c]).sum())
        .collect();
    let total_weight: f64 = row_weights.iter().sum();
    let share = |part: f64, whole: f64| {
        if whole > 0.0 {
            part * 100.0 / whole
        } else {
            0.0
        }
    };
    let cell_share = |r: usize, c: usize| -> f64 {
        let base = match percent {
            Percent::Row => row_weights[r],
            Percent::Column => column_weights[c],
            Percent::Total => total_weight,
        };
        share(sums[r][c], base)
    };
    for (r, label) in rows_labels.iter().enumerate() {
        if row_totals[r] == 0 {
            continue;
        }
        let mut row = vec![Cell::Text(label.clone())];
        for c in 0..column_labels.len() {
            row.push(if hidden[r][c] {
                Cell::Suppressed
            } else {
                Cell::CountPercent {
                    count: counts[r][c] as i64,
                    percent: cell_share(r, c),
                }
            });
        }
        row.push(Cell::Int(row_totals[r] as i64));
        table.rows.push(row);
    }
    let mut totals = vec![Cell::Text("Total".into())];
    totals.extend(
        column_totals
            .iter()
            .zip(&column_weights)
            .map(|(&t, &w)| Cell::CountPercent {
                count: t as i64,
                percent: share(w, total_weight),
            }),
    );
    totals.push(Cell::Int(total as i64));
    table.rows.push(totals);
    table.footnotes.push(format!(
        "Respondents asked both questions who answered both: {total}. Cells show count ({} %).",
        match percent {
            Percent::Row => "row",
            Percent::Column => "column",
            Percent::Total => "total",
        }
    ));
    let suppressed = hidden.iter().flatten().filter(|h| **h).count();
    if suppressed > 0 {
        table.footnotes.push(format!(
            "s = suppressed: {suppressed} cell(s) with fewer than {min_cell} respondents, or suppressed with them so that none can be worked out from a row or column total."
        ));
    }
    let mut test = Table::new("Test of independence")
        .column("Test", ColumnKind::Text)
        .column("Statistic", ColumnKind::Float { decimals: 3 })
        .column("df", ColumnKind::Int)
        .column("p", ColumnKind::Float { decimals: 4 })
        .column("Cramér's V", ColumnKind::Float { decimals: 3 });
    if let Some(chi) = chi_square(&counts, false) {
        test.rows.push(vec![
            Cell::Text("chi-square".into()),
            Cell::Float(chi.statistic),
            Cell::Int(chi.df as i64),
            Cell::Float(chi.p),
            Cell::Float(chi.cramers_v),
        ]);
    } else {
        test.footnotes
            .push("No test: fewer than two answered levels on one side.".into());
    }
    if let Some(note) = weighting_note(survey, data) {
        table.footnotes.push(format!(
            "Counts are respondents; percentages are weighted. {note}"
        ));
        test.footnotes.push("The test counts respondents unweighted: a weighted (design-based) test needs the sampling design, which the data do not carry.".into());
    }
    table.footnotes.push(format!("{}: {}", qa.id, qa.text));
    table.footnotes.push(format!("{}: {}", qb.id, qb.text));
    Ok(vec![table, test])
}

/// Cells to hide: counts from 1 to `min_cell - 1`, then, until nothing changes, one more cell
/// in any row or column that has exactly one hidden cell (the smallest other non-zero count,
/// else a zero), since a lone hidden cell is its total minus the others.
pub fn suppression(counts: &[Vec<u64>], min_cell: u64) -> Vec<Vec<bool>> {
    let mut hidden: Vec<Vec<bool>> = counts
        .iter()
        .map(|r| r.iter().map(|&c| c > 0 && c < min_cell).collect())
        .collect();
    let (rows, columns) = (counts.len(), counts.first().map_or(0, Vec::len));
    loop {
        let mut changed = false;
        for r in 0..rows {
            let line: Vec<(usize, usize)> = (0..columns).map(|c| (r, c)).collect();
            changed |= complement(counts, &mut hidden, &line);
        }
        for c in 0..columns {
            let line: Vec<(usize, usize)> = (0..rows).map(|r| (r, c)).collect();
            changed |= complement(counts, &mut hidden, &line);
        }
        if !changed {
            return hidden;
        }
    }
}

fn complement(counts: &[Vec<u64>], hidden: &mut [Vec<bool>], line: &[(usize, usize)]) -> bool {
    if line.iter().filter(|&&(r, c)| hidden[r][c]).count() != 1 {
        return false;
    }
    // The smallest other non-zero count; failing that, a zero, which is as good a secret.
    let candidate = line
        .iter()
        .filter(|&&(r, c)| !hidden[r][c])
        .min_by_key(|&&(r, c)| (counts[r][c] == 0, counts[r][c]));
    match candidate {
        Some(&(r, c)) => {
            hidden[r][c] = true;
            true
        }
        None => false,
    }
}
