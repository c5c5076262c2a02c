//! CSV: one block per table. Each block starts with a `# title` comment line and ends with its
//! footnotes as `# ` comment lines, then a blank line; `pandas.read_csv(comment="#")` and
//! spreadsheets read it. Numbers keep full precision; text that a spreadsheet would run as a
//! formula is neutralised with a leading apostrophe.

use std::io::Write;

use super::{Cell, Table, SUPPRESSED_WORD};

pub fn write(out: &mut dyn Write, tables: &[Table]) -> std::io::Result<()> {
    for (i, table) in tables.iter().map(Table::flattened).enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "# {}", one_line(&table.title))?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header: Vec<String> = table.columns.iter().map(|c| neutralise(&c.name)).collect();
        writer.write_record(&header)?;
        for row in &table.rows {
            let fields: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Text(s) => neutralise(s),
                    Cell::Int(i) => i.to_string(),
                    Cell::Float(x) => x.to_string(),
                    Cell::CountPercent { count, percent } => format!("{count} ({percent})"),
                    Cell::Empty => String::new(),
                    Cell::Suppressed => SUPPRESSED_WORD.to_string(),
                })
                .collect();
            writer.write_record(&fields)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        out.write_all(&bytes)?;
        for note in &table.footnotes {
            writeln!(out, "# {}", one_line(note))?;
        }
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Prefixes an apostrophe to text a spreadsheet would read as a formula.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
