//! GitHub-flavoured Markdown tables, one section per table.

use std::io::Write;

use super::{display, ColumnKind, Table};

pub fn write(out: &mut dyn Write, heading: &str, tables: &[Table]) -> std::io::Result<()> {
    if !heading.is_empty() {
        writeln!(out, "# {}\n", escape(heading))?;
    }
    for table in tables {
        writeln!(out, "## {}\n", escape(&table.title))?;
        let header: Vec<String> = table.columns.iter().map(|c| escape(&c.name)).collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        let rule: Vec<&str> = table
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Text => "---",
                _ => "---:",
            })
            .collect();
        writeln!(out, "| {} |", rule.join(" | "))?;
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&table.columns)
                .map(|(cell, column)| escape(&display(cell, column.kind)))
                .collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        if !table.footnotes.is_empty() {
            writeln!(out)?;
            for note in &table.footnotes {
                writeln!(out, "> {}", escape(note))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Escapes what Markdown or an HTML-rendering viewer would interpret.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
