//! The pilots file: one row per pilot, with the round and sector that comparisons group by.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Pilot {
    pub id: String,
    pub name: String,
    pub institution: String,
    pub round: u32,
    pub sector: String,
    pub region: String,
    pub start_date: String,
}

const COLUMNS: [&str; 7] = [
    "pilot_id",
    "name",
    "institution",
    "round",
    "sector",
    "region",
    "start_date",
];

pub fn load_pilots(path: &Path) -> Result<Vec<Pilot>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_pilots(path, &bytes)
}

pub fn parse_pilots(path: &Path, bytes: &[u8]) -> Result<Vec<Pilot>> {
    let at = |line: usize, message: String| Error::Definition {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| at(1, format!("cannot read the header: {e}")))?
        .clone();
    let mut index = [0usize; 7];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                at(
                    1,
                    format!(
                        "column {name} is missing; expected the columns {}",
                        COLUMNS.join(", ")
                    ),
                )
            })?;
    }
    let mut pilots: Vec<Pilot> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            at(line, format!("cannot read this row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(index[i]).unwrap_or("").trim().to_string();
        let id = field(0);
        if id.is_empty() {
            return Err(at(
                line,
                "pilot_id is empty; expected an id such as P01".into(),
            ));
        }
        if pilots.iter().any(|p| p.id.eq_ignore_ascii_case(&id)) {
            return Err(at(
                line,
                format!("pilot_id {id} is listed twice; expected unique ids"),
            ));
        }
        let round: u32 = field(3).parse().map_err(|_| {
            at(
                line,
                format!(
                    "round \"{}\" is not a whole number; expected 1, 2, ...",
                    field(3)
                ),
            )
        })?;
        let start_date = field(6);
        if !start_date.is_empty()
            && chrono::NaiveDate::parse_from_str(&start_date, "%Y-%m-%d").is_err()
        {
            return Err(at(
                line,
                format!("start_date \"{start_date}\" is not a date; expected YYYY-MM-DD"),
            ));
        }
        pilots.push(Pilot {
            id,
            name: field(1),
            institution: field(2),
            round,
            sector: field(4),
            region: field(5),
            start_date,
        });
    }
    Ok(pilots)
}
