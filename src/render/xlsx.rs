//! The progress report as an Excel workbook: a contents sheet, then one sheet per table.
//! Numbers are stored as numbers, headers are frozen, a suppressed cell holds the text
//! "suppressed", and no text can be read as a formula: text that begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return is stored with Excel's quote prefix.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::report::Report;
use super::{Cell, ColumnKind, Table, SUPPRESSED_WORD};

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;

pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let contents = workbook.add_worksheet().set_name("Contents")?;
    write_text(contents, 0, 0, &report.title, Some(&title))?;
    let mut row = 1;
    for line in &report.lede {
        write_text(contents, row, 0, line, None)?;
        row += 1;
    }
    row += 1;
    contents.write_string_with_format(row, 0, "Sheet", &bold)?;
    contents.write_string_with_format(row, 1, "Section", &bold)?;
    contents.write_string_with_format(row, 2, "Table", &bold)?;
    row += 1;
    let tables: Vec<_> = report.tables().collect();
    let names: Vec<String> = tables
        .iter()
        .enumerate()
        .map(|(i, (_, t))| sheet_name(i + 1, &t.title))
        .collect();
    for ((section, table), name) in tables.iter().zip(&names) {
        write_text(contents, row, 0, name, None)?;
        write_text(contents, row, 1, &section.title, None)?;
        write_text(contents, row, 2, &table.title, None)?;
        row += 1;
    }
    contents.set_column_width(0, 32)?;
    contents.set_column_width(1, 40)?;
    contents.set_column_width(2, 70)?;
    for ((_, table), name) in tables.iter().zip(&names) {
        let sheet = workbook.add_worksheet().set_name(name)?;
        write_table(sheet, table, &bold, &title)?;
    }
    workbook.save_to_buffer()
}

/// "NN Title", cut to Excel's 31 characters, without the characters Excel refuses.
fn sheet_name(number: usize, title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\'' => ' ',
            c => c,
        })
        .collect();
    let name = format!(
        "{number:02} {}",
        clean.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    name.chars()
        .take(SHEET_NAME_MAX)
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn write_table(
    sheet: &mut Worksheet,
    table: &Table,
    bold: &Format,
    title: &Format,
) -> Result<(), XlsxError> {
    let table = table.flattened();
    write_text(sheet, 0, 0, &table.title, Some(title))?;
    let header_row = 2;
    let header = bold.clone().set_align(FormatAlign::Center).set_text_wrap();
    for (c, column) in table.columns.iter().enumerate() {
        write_text(sheet, header_row, c as u16, &column.name, Some(&header))?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    let mut row = header_row + 1;
    for cells in &table.rows {
        for (c, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
            let col = c as u16;
            match cell {
                Cell::Int(i) => {
                    sheet.write_number(row, col, *i as f64)?;
                }
                Cell::Float(x) if x.is_finite() => {
                    let format = Format::new().set_num_format(number_format(column.kind));
                    sheet.write_number_with_format(row, col, *x, &format)?;
                }
                Cell::CountPercent { count, .. } => {
                    sheet.write_number(row, col, *count as f64)?;
                }
                Cell::Text(text) => write_text(sheet, row, col, text, None)?,
                Cell::Suppressed => write_text(sheet, row, col, SUPPRESSED_WORD, None)?,
                Cell::Float(_) | Cell::Empty => {}
            }
        }
        row += 1;
    }
    row += 1;
    for note in &table.footnotes {
        write_text(sheet, row, 0, note, None)?;
        row += 1;
    }
    for (c, column) in table.columns.iter().enumerate() {
        let width = match column.kind {
            ColumnKind::Text => 28.0,
            _ => 12.0,
        };
        sheet.set_column_width(c as u16, width)?;
    }
    Ok(())
}

fn number_format(kind: ColumnKind) -> String {
    match kind {
        ColumnKind::Float { decimals } | ColumnKind::Percent { decimals } if decimals > 0 => {
            format!("0.{}", "0".repeat(decimals))
        }
        ColumnKind::Float { .. } | ColumnKind::Percent { .. } | ColumnKind::Int => "0".into(),
        _ => "General".into(),
    }
}

/// Text that would start a formula when typed into Excel.
fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let base = format.cloned().unwrap_or_default();
    if formula_like(text) {
        sheet.write_string_with_format(row, col, text, &base.set_quote_prefix())?;
    } else {
        sheet.write_string_with_format(row, col, text, &base)?;
    }
    Ok(())
}
