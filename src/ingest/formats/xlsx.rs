//! Workbooks (.xlsx, .xlsm, .xls, .ods) through calamine: one sheet, turned into rows of text the
//! way the same export saved as CSV would read, so every platform layout applies unchanged.

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

/// Whether the bytes are a workbook (the zip signature of .xlsx and .ods, or the OLE one of
/// .xls), whatever the file is called.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0])
}

/// Whether the file is named as a workbook.
pub fn has_workbook_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        ["xlsx", "xlsm", "xls", "ods"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// The rows of `sheet` (the first sheet when None), and the sheet's name.
pub fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<(Vec<Vec<String>>, String), String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        format!("cannot be opened as a workbook ({e}); expected an .xlsx, .xls or .ods file that is not password-protected")
    })?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "has no sheet \"{wanted}\"; its sheets are: {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "has no sheets".to_string())?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| format!("sheet \"{name}\" cannot be read ({e})"))?;
    let (first_row, first_column) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = vec![Vec::new(); first_row];
    for cells in range.rows() {
        let mut row = vec![String::new(); first_column];
        row.extend(cells.iter().map(cell_text));
        rows.push(row);
    }
    Ok((rows, name))
}

/// A cell as a CSV export would write it: integers without ".0", booleans as TRUE/FALSE and
/// dates as ISO 8601.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Data::Float(x) => x.to_string(),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|at| {
                if at.time() == chrono::NaiveTime::MIN {
                    at.format("%Y-%m-%d").to_string()
                } else {
                    at.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            })
            .unwrap_or_else(|| d.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
