//! CSV: one block per table. Each block starts with a `# title` comment line and ends with its
//! footnotes as `# ` comment lines, then a blank line; `pandas.read_csv(comment="#")` and
//! spreadsheets read it. Numbers keep full precision; text that a spreadsheet would run as a
//! formula is neutralised with a leading apostrophe.

use std::fmt::Write as _;
use std::io::Write;

use super::{Cell, Table, SUPPRESSED_WORD};

pub fn write(out: &mut dyn Write, tables: &[Table]) -> std::io::Result<()> {
    // A summary of every pilot writes tens of thousands of numbers: the tables are written
    // each into a buffer of its own on the available threads, then in order.
    let blocks = crate::parallel::map_in_order(tables, crate::parallel::threads(), |table| {
        let mut block = Vec::new();
        write_table(&mut block, table).map(|()| block)
    });
    for (i, block) in blocks.into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        out.write_all(&block?)?;
    }
    Ok(())
}

/// One table's block: its title, header and rows, each cell written as it is formatted,
/// through one buffer, and its footnotes.
fn write_table(out: &mut Vec<u8>, table: &Table) -> std::io::Result<()> {
    let table = table.flattened();
    let mut text = String::new();
    let mut number = ryu::Buffer::new();
    writeln!(out, "# {}", one_line(&table.title))?;
    let mut writer = csv::Writer::from_writer(&mut *out);
    for column in &table.columns {
        writer.write_field(neutralise(&column.name))?;
    }
    writer.write_record(None::<&[u8]>)?;
    for row in &table.rows {
        for cell in row {
            text.clear();
            let field = match cell {
                Cell::Text(s) => &neutralise(s),
                Cell::Int(i) => {
                    write!(text, "{i}").map_err(std::io::Error::other)?;
                    &text
                }
                Cell::Float(x) => super::shortest(*x, &mut number, &mut text),
                Cell::CountPercent { count, percent } => {
                    write!(text, "{count} ({percent})").map_err(std::io::Error::other)?;
                    &text
                }
                Cell::Empty => "",
                Cell::Suppressed => SUPPRESSED_WORD,
            };
            writer.write_field(field)?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    drop(writer);
    for note in &table.footnotes {
        writeln!(out, "# {}", one_line(note))?;
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
