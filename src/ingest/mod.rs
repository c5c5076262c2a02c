//! Ingest: bytes -> text -> CSV records -> header mapping -> typed responses, with every
//! problem found recorded as file, row, column, value and what was expected. Nothing here
//! writes: the store decides what to keep.

pub mod decode;
pub mod mapping;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::codebook::{Codebook, Survey};
use crate::error::{Error, Result};
use mapping::{parse_flag, Answer, ColumnTarget, HeaderMap, MetaField, ValueMap};

/// One problem in an input file. `row` counts as a spreadsheet does: the header is row 1.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub row: usize,
    /// The column's header as written in the file; empty for a problem with a whole row.
    pub column: String,
    pub value: String,
    pub expected: String,
}

/// `file:row:column: "value" — expected ...` for a cell; `file:row: what was found — expected ...`
/// for a row or the file as a whole.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.file, self.row)?;
        if !self.column.is_empty() {
            write!(f, "{}: \"{}\" — ", self.column, self.value)?;
        } else if !self.value.is_empty() {
            write!(f, " {} — ", self.value)?;
        } else {
            write!(f, " ")?;
        }
        write!(f, "expected {}", self.expected)
    }
}

/// One accepted response.
#[derive(Debug, Clone)]
pub struct Response {
    pub source_row: usize,
    pub respondent_id: String,
    pub pilot: String,
    /// Index into the codebook's waves.
    pub wave: usize,
    /// Index into the codebook's roles.
    pub role: usize,
    pub submitted: Option<String>,
    pub weight: Option<f64>,
    /// One answer per codebook question, in codebook order.
    pub answers: Vec<Answer>,
}

/// A row that was not accepted, kept with its reasons for the rejected-rows file.
#[derive(Debug, Clone)]
pub struct RejectedRow {
    pub source_row: usize,
    /// The row's fields, without identifier columns.
    pub fields: Vec<String>,
    pub reasons: Vec<Problem>,
}

/// How one column of the file was understood.
#[derive(Debug, Clone)]
pub struct ColumnMapping {
    pub header: String,
    pub target: ColumnTarget,
}

/// Everything ingest learned from one file.
#[derive(Debug)]
pub struct ParsedFile {
    pub path: PathBuf,
    /// The name shown in messages: the path as the user gave it.
    pub display_name: String,
    pub sha256: String,
    pub encoding: &'static str,
    pub format: &'static str,
    pub columns: Vec<ColumnMapping>,
    pub responses: Vec<Response>,
    pub rejected: Vec<RejectedRow>,
    /// Problems with the file as a whole (unknown columns, missing metadata columns).
    pub file_problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

impl ParsedFile {
    /// Headers of the columns dropped as identifiers.
    pub fn dropped_identifiers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.target == ColumnTarget::Identifier)
            .map(|c| c.header.as_str())
            .collect()
    }

    /// Every problem, file-level first, then row by row.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.file_problems
            .iter()
            .chain(self.rejected.iter().flat_map(|r| r.reasons.iter()))
    }

    pub fn is_clean(&self) -> bool {
        self.file_problems.is_empty() && self.rejected.is_empty()
    }

    /// Headers of the non-identifier columns, as written to the rejected-rows file.
    pub fn kept_headers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.target != ColumnTarget::Identifier)
            .map(|c| c.header.as_str())
            .collect()
    }
}

/// Reads and checks one export file against the survey definition.
pub fn parse_path(path: &Path, survey: &Survey) -> Result<ParsedFile> {
    Ok(parse_bytes(path, &read_file(path)?, survey))
}

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The path as a person would type it: relative to the current folder when it lies inside it.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `bytes` as the contents of `path`. Never fails: every problem becomes a `Problem`.
pub fn parse_bytes(path: &Path, bytes: &[u8], survey: &Survey) -> ParsedFile {
    let display_name = display_path(path);
    let mut parsed = ParsedFile {
        path: path.to_path_buf(),
        display_name: display_name.clone(),
        sha256: sha256_hex(bytes),
        encoding: "unknown",
        format: "csv",
        columns: Vec::new(),
        responses: Vec::new(),
        rejected: Vec::new(),
        file_problems: Vec::new(),
        warnings: Vec::new(),
    };
    let file_problem = |row: usize, column: &str, value: &str, expected: &str| Problem {
        file: display_name.clone(),
        row,
        column: column.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    };
    let decoded = match decode::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            parsed
                .file_problems
                .push(file_problem(e.line, "", &e.found, &e.expected));
            return parsed;
        }
    };
    parsed.encoding = decoded.encoding;
    parsed.warnings.extend(decoded.warning);
    if decoded.text.trim().is_empty() {
        parsed.file_problems.push(file_problem(
            1,
            "",
            "the file is empty",
            "a header row and at least one response",
        ));
        return parsed;
    }
    let delimiter = sniff_delimiter(&decoded.text);
    if delimiter != b',' {
        parsed.warnings.push(format!(
            "fields are separated by {}",
            if delimiter == b';' {
                "semicolons"
            } else {
                "tabs"
            }
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            parsed.file_problems.push(file_problem(
                1,
                "",
                "",
                &format!("a readable header row ({e})"),
            ));
            return parsed;
        }
        None => {
            parsed
                .file_problems
                .push(file_problem(1, "", "no header row", "a header row"));
            return parsed;
        }
    };
    let codebook = &survey.codebook;
    let header_map = HeaderMap::new(codebook);
    let headers: Vec<String> = trim_trailing_empty(headers.iter().map(str::to_string).collect());
    let mut seen_targets: HashMap<ColumnTarget, String> = HashMap::new();
    for header in &headers {
        let target = header_map.target(codebook, header);
        match &target {
            ColumnTarget::Unknown => parsed.file_problems.push(file_problem(
                1,
                header,
                header,
                "a question id, alias or question text from the codebook, or a metadata column (response_id, pilot_id, wave, role, submitted_date)",
            )),
            ColumnTarget::Identifier => {}
            t => {
                if let Some(first) = seen_targets.insert(t.clone(), header.clone()) {
                    parsed.file_problems.push(file_problem(
                        1,
                        header,
                        header,
                        &format!("each question or metadata field in one column only; \"{first}\" holds the same field"),
                    ));
                }
            }
        }
        parsed.columns.push(ColumnMapping {
            header: header.clone(),
            target,
        });
    }
    for field in [
        MetaField::RespondentId,
        MetaField::Pilot,
        MetaField::Wave,
        MetaField::Role,
    ] {
        if !seen_targets.contains_key(&ColumnTarget::Meta(field)) {
            parsed.file_problems.push(file_problem(
                1,
                "",
                &format!("no {} column", field.name()),
                &format!(
                    "a {} column, headed \"{}\" or one of its aliases in the codebook",
                    field.name(),
                    meta_column_name(codebook, field)
                ),
            ));
        }
    }
    if !parsed.file_problems.is_empty() {
        return parsed;
    }
    let value_maps: Vec<ValueMap> = codebook
        .questions
        .iter()
        .map(|q| ValueMap::new(codebook, q))
        .collect();
    let mut first_row_of_id: HashMap<(String, String, usize), usize> = HashMap::new();
    let mut without_consent = 0usize;
    let mut data_rows = 0usize;
    for (index, record) in records.enumerate() {
        let row = index + 2;
        data_rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                parsed.file_problems.push(file_problem(
                    row,
                    "",
                    &e.to_string(),
                    "a well-formed CSV row",
                ));
                return parsed;
            }
        };
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        if fields.len() > headers.len()
            && fields[headers.len()..].iter().all(|f| f.trim().is_empty())
        {
            fields.truncate(headers.len());
        }
        if fields.len() != headers.len() {
            let reason = file_problem(
                row,
                "",
                &format!("{} fields", fields.len()),
                &format!("{} fields, one per header column", headers.len()),
            );
            parsed
                .rejected
                .push(rejected(&parsed.columns, fields, vec![reason]));
            continue;
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut reasons = Vec::new();
        let mut response = Response {
            source_row: row,
            respondent_id: String::new(),
            pilot: String::new(),
            wave: 0,
            role: 0,
            submitted: None,
            weight: None,
            answers: vec![Answer::Missing; codebook.questions.len()],
        };
        let mut problem = |column: &str, value: &str, expected: String| {
            reasons.push(file_problem(row, column, value, &expected));
        };
        for (column, raw) in parsed.columns.iter().zip(&fields) {
            let value = raw.trim();
            match &column.target {
                ColumnTarget::Identifier | ColumnTarget::Unknown => {}
                ColumnTarget::Meta(field) => {
                    parse_meta(*field, value, survey, &mut response, &mut |v, e| {
                        problem(&column.header, v, e)
                    })
                }
                ColumnTarget::Question(q) => {
                    match value_maps[*q].parse(&codebook.questions[*q], raw) {
                        Ok(answer) => response.answers[*q] = answer,
                        Err(e) => problem(&column.header, &e.value, e.expected),
                    }
                }
                ColumnTarget::MultiOption { question, option } => match parse_flag(raw) {
                    Ok(chosen) => {
                        if chosen {
                            let set = match response.answers[*question] {
                                Answer::Choices(s) => s,
                                _ => 0,
                            };
                            response.answers[*question] = Answer::Choices(set | 1 << option);
                        }
                    }
                    Err(e) => problem(&column.header, &e.value, e.expected),
                },
            }
        }
        for (q, question) in codebook.questions.iter().enumerate() {
            if let Answer::Choices(set) = response.answers[q] {
                if let Err(e) = mapping::check_choices(question, set) {
                    problem(&question.id, &e.value, e.expected);
                }
            }
        }
        if reasons.is_empty() {
            let key = (
                response.pilot.to_ascii_lowercase(),
                response.respondent_id.clone(),
                response.wave,
            );
            if let Some(first) = first_row_of_id.get(&key) {
                reasons.push(file_problem(
                    row,
                    &meta_header(&parsed.columns, MetaField::RespondentId),
                    &response.respondent_id,
                    &format!(
                        "each respondent once per pilot and wave; this id was already given at row {first} (a duplicate submission?)"
                    ),
                ));
            } else {
                first_row_of_id.insert(key, row);
            }
        }
        if !reasons.is_empty() {
            parsed
                .rejected
                .push(rejected(&parsed.columns, fields, reasons));
            continue;
        }
        without_consent += apply_consent(codebook, &mut response.answers);
        parsed.responses.push(response);
    }
    if data_rows == 0 {
        parsed.file_problems.push(file_problem(
            2,
            "",
            "a header and no responses",
            "at least one response below the header",
        ));
    }
    if without_consent > 0 {
        parsed.warnings.push(format!(
            "{without_consent} response(s) answered a consent-gated module without consent; those answers were discarded"
        ));
    }
    parsed
}

fn meta_column_name(codebook: &Codebook, field: MetaField) -> String {
    let m = &codebook.metadata;
    match field {
        MetaField::RespondentId => m.respondent_id.column.clone(),
        MetaField::Pilot => m.pilot.column.clone(),
        MetaField::Wave => m.wave.column.clone(),
        MetaField::Role => m.role.column.clone(),
        MetaField::Submitted => m.submitted.column.clone(),
        MetaField::Weight => m
            .weight
            .as_ref()
            .map(|w| w.column.clone())
            .unwrap_or_default(),
    }
}

fn meta_header(columns: &[ColumnMapping], field: MetaField) -> String {
    columns
        .iter()
        .find(|c| c.target == ColumnTarget::Meta(field))
        .map(|c| c.header.clone())
        .unwrap_or_default()
}

fn rejected(columns: &[ColumnMapping], fields: Vec<String>, reasons: Vec<Problem>) -> RejectedRow {
    let source_row = reasons.first().map_or(0, |r| r.row);
    let kept = fields
        .into_iter()
        .enumerate()
        .filter(|(i, _)| {
            columns
                .get(*i)
                .is_none_or(|c| c.target != ColumnTarget::Identifier)
        })
        .map(|(_, f)| f)
        .collect();
    RejectedRow {
        source_row,
        fields: kept,
        reasons,
    }
}

fn parse_meta(
    field: MetaField,
    value: &str,
    survey: &Survey,
    response: &mut Response,
    problem: &mut impl FnMut(&str, String),
) {
    let codebook = &survey.codebook;
    match field {
        MetaField::RespondentId => {
            if value.is_empty() {
                problem(value, "a respondent id; the cell is empty".into());
            }
            response.respondent_id = value.to_string();
        }
        MetaField::Pilot => {
            if value.is_empty() {
                problem(value, "a pilot id such as P01; the cell is empty".into());
            } else if !survey.pilots.is_empty() {
                match survey.pilot(value) {
                    Some(p) => response.pilot = p.id.clone(),
                    None => problem(
                        value,
                        format!(
                            "a pilot id listed in the pilots file ({} … {})",
                            survey.pilots[0].id,
                            survey.pilots[survey.pilots.len() - 1].id
                        ),
                    ),
                }
                return;
            }
            response.pilot = value.to_string();
        }
        MetaField::Wave => match codebook.wave_index(value) {
            Some(w) => response.wave = w,
            None => problem(
                value,
                format!("one of the waves {}", codebook.waves.join(", ")),
            ),
        },
        MetaField::Role => match codebook.role_index(value) {
            Some(r) => response.role = r,
            None => problem(
                value,
                format!("one of the roles {}", codebook.roles.join(", ")),
            ),
        },
        MetaField::Submitted => {
            if value.is_empty() {
                return;
            }
            match parse_date(value) {
                Some(date) => response.submitted = Some(date),
                None => problem(
                    value,
                    "an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)".into(),
                ),
            }
        }
        MetaField::Weight => {
            if value.is_empty() {
                return;
            }
            match value.parse::<f64>() {
                Ok(w) if w.is_finite() && w > 0.0 => response.weight = Some(w),
                _ => problem(value, "a positive number".into()),
            }
        }
    }
}

/// The date of an ISO 8601 date or date-time, as YYYY-MM-DD.
fn parse_date(value: &str) -> Option<String> {
    let date_part = value.get(..10)?;
    let rest = &value[10..];
    let time_ok = rest.is_empty()
        || ((rest.starts_with(' ') || rest.starts_with('T'))
            && rest[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+' | '-')));
    let date = chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()?;
    time_ok.then(|| date.format("%Y-%m-%d").to_string())
}

/// Discards a consent-gated module's answers where consent was not given; returns 1 when it
/// discarded any.
fn apply_consent(codebook: &Codebook, answers: &mut [Answer]) -> usize {
    let mut discarded = false;
    for gate in &codebook.consent_gates {
        let consented = answers[gate.question] == Answer::Level(2);
        if consented {
            continue;
        }
        for (q, question) in codebook.questions.iter().enumerate() {
            if q != gate.question
                && question.module.as_deref() == Some(gate.module.as_str())
                && answers[q] != Answer::Missing
            {
                answers[q] = Answer::Missing;
                discarded = true;
            }
        }
    }
    usize::from(discarded)
}

/// Picks the delimiter that splits the header line into the most fields.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |d: char| {
        let mut quoted = false;
        header
            .chars()
            .filter(|c| {
                if *c == '"' {
                    quoted = !quoted;
                }
                !quoted && *c == d
            })
            .count()
    };
    [(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map_or(b',', |(d, _)| d)
}

/// Excel adds empty columns after the last one when a sheet was edited; they carry nothing.
fn trim_trailing_empty(mut fields: Vec<String>) -> Vec<String> {
    while fields.last().is_some_and(|f| f.trim().is_empty()) {
        fields.pop();
    }
    fields
}

/// The CSV files named by `paths`: files as given, folders searched recursively for `*.csv`,
/// in name order so that imports are repeatable.
pub fn collect_csv_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk_csv(path, &mut found)?;
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(Error::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    Ok(files)
}

fn walk_csv(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk_csv(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            found.push(path);
        }
    }
    Ok(())
}
