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

/// The most a workbook may expand to when unzipped, and the largest compression ratio past
/// a small size: real exports stay far below both; a zip bomb does not.
const MAX_UNZIPPED_BYTES: u64 = 512 * 1024 * 1024;
const MAX_RATIO: u64 = 200;

/// Refuses what calamine should not be handed: an encrypted (password-protected) workbook,
/// which Excel stores as an OLE file with an "EncryptedPackage" stream, and a zip whose
/// declared contents would expand past `MAX_UNZIPPED_BYTES` or `MAX_RATIO`.
fn check_workbook(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        let wide: Vec<u8> = "EncryptedPackage".bytes().flat_map(|b| [b, 0]).collect();
        let encrypted = bytes
            .windows(wide.len())
            .any(|w| w == wide.as_slice() || w.starts_with(b"EncryptedPackage"));
        if encrypted {
            return Err("is a password-protected (encrypted) workbook; expected a workbook without a password: open it in Excel, remove the password (File > Info > Protect Workbook) and save it again".into());
        }
        return Ok(());
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut unzipped = 0u64;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            unzipped = unzipped.saturating_add(entry.size());
        }
    }
    let zipped = bytes.len() as u64;
    if unzipped > MAX_UNZIPPED_BYTES
        || (unzipped > 50 * 1024 * 1024 && unzipped / zipped.max(1) > MAX_RATIO)
    {
        return Err(format!(
            "would expand from {zipped} bytes to {unzipped} bytes when opened (a zip bomb?); expected a workbook under {} MB unzipped; export the survey again, or as CSV",
            MAX_UNZIPPED_BYTES / (1024 * 1024)
        ));
    }
    Ok(())
}

/// The rows of `sheet` (the first sheet when None), and the sheet's name.
pub fn read_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<(Vec<Vec<String>>, String), String> {
    check_workbook(bytes)?;
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
