//! GitHub-flavoured Markdown tables, one section per table.

use std::io::Write;

use super::report::{Block, Report};
use super::{display, ColumnKind, Table};

pub fn write(out: &mut dyn Write, heading: &str, tables: &[Table]) -> std::io::Result<()> {
    if !heading.is_empty() {
        writeln!(out, "# {}\n", escape(heading))?;
    }
    for table in tables {
        writeln!(out, "## {}\n", escape(&table.title))?;
        write_table(out, table)?;
    }
    Ok(())
}

/// The folder, beside the Markdown report, that holds its charts as SVG and PNG.
pub const CHART_DIR: &str = "charts";

/// The progress report as one Markdown document; its charts are referenced in `CHART_DIR`.
pub fn document(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_document(&mut out, report);
    String::from_utf8_lossy(&out).into_owned()
}

fn write_document(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    writeln!(out, "# {}\n", escape(&report.title))?;
    for line in &report.lede {
        writeln!(out, "{}\n", escape(line))?;
    }
    writeln!(out, "## Contents\n")?;
    for section in &report.sections {
        writeln!(out, "- [{}](#{})", escape(&section.title), section.anchor)?;
    }
    writeln!(out)?;
    for section in &report.sections {
        writeln!(
            out,
            "<a id=\"{}\"></a>\n\n## {}\n",
            section.anchor,
            escape(&section.title)
        )?;
        for block in &section.blocks {
            match block {
                Block::Heading(text) => writeln!(out, "### {}\n", escape(text))?,
                Block::Text(text) => writeln!(out, "{}\n", escape(text))?,
                Block::Quote { text, source } => {
                    writeln!(out, "> {}\n>\n> — {}\n", escape(text), escape(source))?
                }
                Block::List(items) => {
                    for item in items {
                        writeln!(out, "- {}", escape(item))?;
                    }
                    writeln!(out)?;
                }
                Block::Table(table) => {
                    writeln!(out, "**{}**\n", escape(&table.title))?;
                    write_table(out, table)?;
                }
                Block::Chart { name, chart } => writeln!(
                    out,
                    "![{}]({CHART_DIR}/{name}.svg)\n\n*{}* ([PNG]({CHART_DIR}/{name}.png))\n",
                    escape(&chart.alt_text()).replace(['[', ']'], ""),
                    escape(&chart.title())
                )?,
                Block::Comments { title, comments } => {
                    writeln!(out, "### {}\n", escape(title))?;
                    for comment in comments {
                        writeln!(out, "- {}", escape(comment))?;
                    }
                    writeln!(out)?;
                }
            }
        }
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, table: &Table) -> std::io::Result<()> {
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
    writeln!(out)
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
