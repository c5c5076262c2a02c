//! Cross-tabulation of two categorical questions: counts with row, column or total
//! percentages, the chi-square test, and cell suppression with complementary suppression, so
//! that no suppressed count can be recovered from its row or column total.

use crate::codebook::Survey;
use crate::dataset::{Column, Dataset};
use crate::render::{Cell, ColumnKind, Table};
use crate::stats::adjust::holm;
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
    /// Two select-all questions: no respondent-based table of one against the other.
    TwoSelectAll,
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
    match (&data.columns[a], &data.columns[b]) {
        (Column::Levels(_), Column::Choices(_)) => {
            return Ok(crosstab_select_all(survey, data, a, b, min_cell, false));
        }
        (Column::Choices(_), Column::Levels(_)) => {
            return Ok(crosstab_select_all(survey, data, b, a, min_cell, true));
        }
        (Column::Choices(_), Column::Choices(_)) => return Err(CrosstabError::TwoSelectAll),
        _ => {}
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

/// A categorical question `a` (rows) against a select-all question `b` (columns): each cell
/// counts the respondents in the row who chose the option, and its percentage is of the row's
/// respondents who answered both, so a row may add up to more than 100. One chi-square test per
/// option (chose it or not, by row), Holm-adjusted. `swapped` says the user named them the other
/// way round.
fn crosstab_select_all(
    survey: &Survey,
    data: &Dataset,
    a: usize,
    b: usize,
    min_cell: u64,
    swapped: bool,
) -> Vec<Table> {
    let codebook = &survey.codebook;
    let (qa, qb) = (&codebook.questions[a], &codebook.questions[b]);
    let (Column::Levels(la), Column::Choices(sets)) = (&data.columns[a], &data.columns[b]) else {
        return Vec::new();
    };
    let row_labels = codebook.level_labels(qa);
    let options = codebook.level_labels(qb);
    let mut chosen = vec![vec![0u64; options.len()]; row_labels.len()];
    let mut chosen_weight = vec![vec![0f64; options.len()]; row_labels.len()];
    let mut bases = vec![0u64; row_labels.len()];
    let mut base_weights = vec![0f64; row_labels.len()];
    for i in 0..data.len() {
        if !(data.asked(qa, a, i) && data.asked(qb, b, i) && la[i] != 0 && sets[i] != 0) {
            continue;
        }
        let r = la[i] as usize - 1;
        let w = data.weight.as_ref().map_or(1.0, |w| w[i]);
        bases[r] += 1;
        base_weights[r] += w;
        for k in 0..options.len() {
            if (sets[i] >> k) & 1 == 1 {
                chosen[r][k] += 1;
                chosen_weight[r][k] += w;
            }
        }
    }
    // The options' counts and, last, the row's respondents: a cell is hidden when its count is
    // small or its row is; then the table is completed as any other, since an option's total
    // and the respondents' total are sums of their columns.
    let counts: Vec<Vec<u64>> = chosen
        .iter()
        .zip(&bases)
        .map(|(row, &base)| row.iter().copied().chain([base]).collect())
        .collect();
    let first_hidden = counts
        .iter()
        .zip(&bases)
        .map(|(row, &base)| {
            row.iter()
                .map(|&c| (base > 0 && base < min_cell) || (c > 0 && c < min_cell))
                .collect()
        })
        .collect();
    let hidden = complete_suppression(&counts, first_hidden);
    let mut table = Table::new(format!("{} by {} (select all)", qa.id, qb.id))
        .column(format!("{} \\ {}", qa.id, qb.id), ColumnKind::Text);
    for label in &options {
        table = table.column(label.clone(), ColumnKind::CountPercent { decimals: 1 });
    }
    table = table.column("Respondents", ColumnKind::Int);
    for (r, label) in row_labels.iter().enumerate() {
        if bases[r] == 0 {
            continue;
        }
        let mut row = vec![Cell::Text(label.clone())];
        for k in 0..options.len() {
            row.push(if hidden[r][k] {
                Cell::Suppressed
            } else {
                Cell::CountPercent {
                    count: chosen[r][k] as i64,
                    percent: chosen_weight[r][k] * 100.0 / base_weights[r],
                }
            });
        }
        row.push(if hidden[r][options.len()] {
            Cell::Suppressed
        } else {
            Cell::Int(bases[r] as i64)
        });
        table.rows.push(row);
    }
    let total: u64 = bases.iter().sum();
    let total_weight: f64 = base_weights.iter().sum();
    let mut totals = vec![Cell::Text("All".into())];
    for k in 0..options.len() {
        let count: u64 = chosen.iter().map(|r| r[k]).sum();
        let weight: f64 = chosen_weight.iter().map(|r| r[k]).sum();
        totals.push(Cell::CountPercent {
            count: count as i64,
            percent: if total_weight > 0.0 {
                weight * 100.0 / total_weight
            } else {
                0.0
            },
        });
    }
    totals.push(Cell::Int(total as i64));
    table.rows.push(totals);
    table.footnotes.push(format!(
        "{} is select-all: each cell shows the respondents in the row who chose the option (% of the row's respondents), so a row can add up to more than 100. Respondents asked both questions who answered both: {total}.",
        qb.id
    ));
    if swapped {
        table.footnotes.push(format!(
            "The select-all question {} is shown across the top.",
            qb.id
        ));
    }
    let suppressed = table
        .rows
        .iter()
        .flatten()
        .filter(|c| **c == Cell::Suppressed)
        .count();
    if suppressed > 0 {
        table.footnotes.push(format!(
            "s = suppressed: {suppressed} cell(s) with fewer than {min_cell} respondents (or in a row of fewer), or suppressed with them so that none can be worked out from an option's total."
        ));
    }
    let mut test = Table::new("Tests of independence, one per option")
        .column("Option", ColumnKind::Text)
        .column("Statistic", ColumnKind::Float { decimals: 3 })
        .column("df", ColumnKind::Int)
        .column("p", ColumnKind::Float { decimals: 4 })
        .column("p adjusted", ColumnKind::Float { decimals: 4 })
        .column("Cramér's V", ColumnKind::Float { decimals: 3 });
    let results: Vec<(String, crate::stats::inference::ChiSquare)> = options
        .iter()
        .enumerate()
        .filter_map(|(k, label)| {
            let table: Vec<Vec<u64>> = (0..row_labels.len())
                .filter(|&r| bases[r] >= min_cell)
                .map(|r| vec![chosen[r][k], bases[r] - chosen[r][k]])
                .collect();
            chi_square(&table, false).map(|chi| (label.clone(), chi))
        })
        .collect();
    let adjusted = holm(&results.iter().map(|(_, c)| c.p).collect::<Vec<_>>());
    for ((label, chi), p_adjusted) in results.into_iter().zip(adjusted) {
        test.rows.push(vec![
            Cell::Text(label),
            Cell::Float(chi.statistic),
            Cell::Int(chi.df as i64),
            Cell::Float(chi.p),
            Cell::Float(p_adjusted),
            Cell::Float(chi.cramers_v),
        ]);
    }
    test.footnotes.push(format!(
        "For each option, chi-square on chose it / did not by {} (rows under {min_cell} respondents left out); p adjusted by Holm's method across the options.",
        qa.id
    ));
    if test.rows.is_empty() {
        test.footnotes.push(format!(
            "No test: fewer than two rows of {min_cell} or more respondents, or no option both chosen and not chosen."
        ));
    }
    if let Some(note) = weighting_note(survey, data) {
        table.footnotes.push(format!(
            "Counts are respondents; percentages are weighted. {note}"
        ));
        test.footnotes.push("The tests count respondents unweighted: a weighted (design-based) test needs the sampling design, which the data do not carry.".into());
    }
    table.footnotes.push(format!("{}: {}", qa.id, qa.text));
    table.footnotes.push(format!("{}: {}", qb.id, qb.text));
    vec![table, test]
}

/// Cells to hide: counts from 1 to `min_cell - 1`, then, until nothing changes, one more cell
/// in any row or column that has exactly one hidden cell (the smallest other non-zero count,
/// else a zero), since a lone hidden cell is its total minus the others.
pub fn suppression(counts: &[Vec<u64>], min_cell: u64) -> Vec<Vec<bool>> {
    let hidden = counts
        .iter()
        .map(|r| r.iter().map(|&c| c > 0 && c < min_cell).collect())
        .collect();
    complete_suppression(counts, hidden)
}

/// Adds to `hidden` until no row or column has exactly one hidden cell (see `suppression`).
fn complete_suppression(counts: &[Vec<u64>], mut hidden: Vec<Vec<bool>>) -> Vec<Vec<bool>> {
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
