//! Output. One `Table` type serves every format, the way hyperfine's exporters share one
//! result type; adding a format touches this module alone. Nothing outside `render/` formats
//! numbers for people.

pub mod charts;
mod csv_out;
pub mod html;
mod json;
pub mod markdown;
pub mod report;
mod table;
mod terminal;
pub mod xlsx;

use std::fmt::Write as _;
use std::io::Write;

pub use csv_out::neutralise;
pub use table::{Cell, Column, ColumnKind, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

/// Writes `tables` in `format`. `heading` introduces the whole output (terminal, Markdown).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    heading: &str,
    tables: &[Table],
) -> std::io::Result<()> {
    match format {
        Format::Table => terminal::write(out, heading, tables),
        Format::Csv => csv_out::write(out, tables),
        Format::Json => json::write(out, heading, tables),
        Format::Markdown => markdown::write(out, heading, tables),
    }
}

/// The text a person reads for a cell: numbers rounded to the column's decimals, thousands
/// not separated (so values paste cleanly into spreadsheets).
pub fn display(cell: &Cell, kind: ColumnKind) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(x) => match kind {
            ColumnKind::Float { decimals } | ColumnKind::Percent { decimals } => {
                let text = format!("{x:.decimals$}");
                // A tiny negative rounds to "-0.0", which reads as a difference that is not there.
                match text.strip_prefix('-') {
                    Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
                    _ => text,
                }
            }
            ColumnKind::Number
            | ColumnKind::Int
            | ColumnKind::Text
            | ColumnKind::CountPercent { .. } => format!("{x}"),
        },
        Cell::CountPercent { count, percent } => match kind {
            ColumnKind::CountPercent { decimals } => format!("{count} ({percent:.decimals$})"),
            _ => format!("{count} ({percent})"),
        },
        Cell::Empty => String::new(),
        Cell::Suppressed => SUPPRESSED_MARK.to_string(),
    }
}

/// `x` as `f64`'s `Display` writes it (the shortest digits that read back as `x`, never an
/// exponent), in a fraction of its time: ryu finds the same shortest digits, and its rare
/// exponent forms are left to `Display`. Kept in `text` when written there.
fn shortest<'a>(x: f64, digits: &'a mut ryu::Buffer, text: &'a mut String) -> &'a str {
    if x.is_finite() {
        let formatted = digits.format_finite(x);
        if !formatted.contains('e') {
            return formatted.strip_suffix(".0").unwrap_or(formatted);
        }
    }
    text.clear();
    let _ = write!(text, "{x}");
    text
}

/// The rejected-rows file: the source row, the reasons, then the row's fields as read
/// (identifier columns already removed), neutralised against formula injection. Every row has
/// at least the header's width.
pub fn rejected_rows_csv(
    headers: &[&str],
    rejected: &[crate::ingest::RejectedRow],
) -> std::io::Result<Vec<u8>> {
    // A ragged row keeps all its cells, past the header's width.
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut header = vec!["source_row".to_string(), "problems".to_string()];
    header.extend(headers.iter().map(|h| csv_out::neutralise(h)));
    writer.write_record(&header)?;
    for row in rejected {
        let reasons: Vec<String> = row
            .reasons
            .iter()
            .map(|p| {
                let column = if p.column.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", p.column)
                };
                format!("{column}\"{}\" — expected {}", p.value, p.expected)
            })
            .collect();
        let mut record = vec![
            row.source_row.to_string(),
            csv_out::neutralise(&reasons.join("; ")),
        ];
        record.extend(row.fields.iter().map(|f| csv_out::neutralise(f)));
        // A row refused because the store already holds its respondent was not kept as text:
        // its cells stay empty, and its row number and id find it in the file.
        record.resize(header.len().max(record.len()), String::new());
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// How a suppressed figure is shown in every human-readable format.
pub const SUPPRESSED_MARK: &str = "s";
/// How machine formats (CSV, JSON, Excel) write a suppressed cell.
pub const SUPPRESSED_WORD: &str = "suppressed";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn shortest_writes_what_display_writes(
            x in prop_oneof![
                any::<f64>(),
                (-1_000_000i64..1_000_000).prop_map(|i| i as f64),
                (0.0..100.0f64),
                Just(-0.0),
                Just(1e-7),
                Just(1e16),
                Just(1e21),
            ],
        ) {
            let (mut digits, mut text) = (ryu::Buffer::new(), String::new());
            prop_assert_eq!(shortest(x, &mut digits, &mut text), x.to_string());
        }
    }
}
