//! Terminal tables through comfy-table, sized to the terminal when there is one.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement};

use super::{display, ColumnKind, Table};

pub fn write(out: &mut dyn Write, heading: &str, tables: &[Table]) -> std::io::Result<()> {
    if !heading.is_empty() {
        writeln!(out, "{heading}\n")?;
    }
    for table in tables {
        writeln!(out, "{}", table.title)?;
        let mut t = comfy_table::Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        // Fit a terminal's width; piped output is never wrapped.
        if t.width().is_some() {
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        t.set_header(table.columns.iter().map(|c| c.name.as_str()));
        for row in &table.rows {
            t.add_row(row.iter().zip(&table.columns).map(|(cell, column)| {
                let c = comfy_table::Cell::new(shorten(display(cell, column.kind)));
                if matches!(column.kind, ColumnKind::Text) {
                    c
                } else {
                    c.set_alignment(CellAlignment::Right)
                }
            }));
        }
        writeln!(out, "{t}")?;
        for note in &table.footnotes {
            writeln!(out, "  {note}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The longest text a terminal cell shows; longer text (a 600-character question used as a
/// header) is cut with "…". Every other format keeps it whole.
const MAX_CELL_CHARS: usize = 100;

fn shorten(text: String) -> String {
    if text.chars().count() <= MAX_CELL_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}
