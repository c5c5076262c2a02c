//! What an import would make of a file, column by column, without writing anything: the
//! platform and encoding found, how each column is understood, and every value that could not
//! be mapped, with counts.

use std::collections::BTreeMap;

use crate::codebook::Codebook;
use crate::ingest::mapping::{ColumnTarget, QualityField};
use crate::ingest::{closest_questions, ParsedFile};
use crate::render::{Cell, ColumnKind, Table};

pub fn inspect(parsed: &ParsedFile, codebook: &Codebook) -> Vec<Table> {
    let mut file = Table::new("File")
        .column("Property", ColumnKind::Text)
        .column("Value", ColumnKind::Text);
    let delimiter = match parsed.delimiter {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        _ => "other",
    };
    let rows_read = parsed.responses.len() + parsed.rejected.len();
    for (property, value) in [
        ("file", parsed.display_name.clone()),
        ("platform", parsed.platform.name().to_string()),
        ("encoding", parsed.encoding.to_string()),
        ("delimiter", delimiter.to_string()),
        ("header rows", parsed.header_rows.to_string()),
        ("responses read", rows_read.to_string()),
        ("responses valid", parsed.responses.len().to_string()),
        ("rows with problems", parsed.rejected.len().to_string()),
        ("SHA-256", parsed.sha256.clone()),
    ] {
        file.rows
            .push(vec![Cell::Text(property.into()), Cell::Text(value)]);
    }
    file.footnotes.extend(parsed.warnings.iter().cloned());
    file.footnotes
        .extend(parsed.file_problems.iter().map(|p| p.to_string()));

    let mut columns = Table::new("Columns")
        .column("#", ColumnKind::Int)
        .column("Header", ColumnKind::Text)
        .column("Understood as", ColumnKind::Text)
        .column("Other header rows", ColumnKind::Text);
    for (i, column) in parsed.columns.iter().enumerate() {
        let understood = match &column.target {
            ColumnTarget::Question(q) => {
                let question = &codebook.questions[*q];
                format!("question {} ({})", question.id, question.kind.name())
            }
            ColumnTarget::Choice { question, option } => {
                let question = &codebook.questions[*question];
                format!(
                    "option \"{}\" of {} ({})",
                    question.options[*option].code,
                    question.id,
                    question.kind.name()
                )
            }
            ColumnTarget::Meta(field) => format!("metadata: {}", field.name()),
            ColumnTarget::Quality(field) => {
                format!("kept for data quality: {}", quality_name(*field))
            }
            ColumnTarget::Identifier => "dropped: identifies a person; not read or stored".into(),
            ColumnTarget::Ignored(reason) => format!("ignored: {reason}"),
            ColumnTarget::Unknown => {
                let closest = closest_questions(codebook, &column.names, 3);
                if closest.is_empty() {
                    "UNMAPPED: no codebook question resembles it".into()
                } else {
                    format!("UNMAPPED; closest: {}", closest.join("; "))
                }
            }
        };
        let others: Vec<String> = column
            .names
            .iter()
            .skip(1)
            .map(|n| n.chars().take(60).collect())
            .collect();
        columns.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(column.header.clone()),
            Cell::Text(understood),
            Cell::Text(others.join(" | ")),
        ]);
    }

    let mut values = Table::new("Values that could not be understood")
        .column("Column", ColumnKind::Text)
        .column("Value", ColumnKind::Text)
        .column("Rows", ColumnKind::Int)
        .column("First row", ColumnKind::Int)
        .column("Expected", ColumnKind::Text);
    let mut counts: BTreeMap<(String, String), (i64, usize, String)> = BTreeMap::new();
    for problem in parsed.rejected.iter().flat_map(|r| &r.reasons) {
        let entry = counts
            .entry((problem.column.clone(), problem.value.clone()))
            .or_insert((0, problem.row, problem.expected.clone()));
        entry.0 += 1;
    }
    for ((column, value), (rows, first, expected)) in counts {
        values.rows.push(vec![
            Cell::Text(column),
            Cell::Text(value),
            Cell::Int(rows),
            Cell::Int(first as i64),
            Cell::Text(expected),
        ]);
    }
    if values.rows.is_empty() {
        values.footnotes.push("Every value was understood.".into());
    }
    vec![file, columns, values]
}

fn quality_name(field: QualityField) -> &'static str {
    match field {
        QualityField::Started => "started",
        QualityField::Ended => "ended",
        QualityField::DurationSeconds => "duration in seconds",
        QualityField::Progress => "progress",
        QualityField::Finished => "finished",
    }
}
