//! Ingest: bytes -> text -> CSV records -> header mapping -> typed responses, with every
//! problem found recorded as file, row, column, value and what was expected. Nothing here
//! writes: the store decides what to keep.

pub mod decode;
pub mod formats;
pub mod mapfile;
pub mod mapping;
pub mod split;
pub mod stream;

use std::collections::HashMap;

use std::fmt;
use std::path::{Path, PathBuf};
use stream::fingerprint;

use sha2::{Digest, Sha256};

use crate::codebook::text::normalize;
use crate::codebook::{Codebook, QuestionKind, Survey};
use crate::error::{Error, Result};
use crate::privacy::mask_contacts;
use formats::{Layout, Platform, PlatformField};
use mapfile::{Mapping, MetaDefaults};
use mapping::{
    parse_flag, Answer, ColumnTarget, HeaderMap, MetaField, QualityField, ValueError, ValueMap,
};

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

impl Problem {
    pub fn new(file: &str, row: usize, column: &str, value: &str, expected: &str) -> Problem {
        Problem {
            file: file.to_string(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
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
    /// Platform data-quality fields, where the export has them.
    pub quality: Quality,
    /// One answer per codebook question, in codebook order.
    pub answers: Vec<Answer>,
}

/// What survey platforms record about how a response was given, kept for data-quality checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quality {
    /// ISO 8601 date-times, `YYYY-MM-DD HH:MM:SS`.
    pub started: Option<String>,
    pub ended: Option<String>,
    pub duration_seconds: Option<f64>,
    /// Percent of the survey completed.
    pub progress: Option<f64>,
    pub finished: Option<bool>,
}

impl Response {
    /// An empty response for `codebook`, to be filled column by column.
    pub fn blank(codebook: &Codebook) -> Response {
        Response {
            source_row: 0,
            respondent_id: String::new(),
            pilot: String::new(),
            wave: 0,
            role: 0,
            submitted: None,
            weight: None,
            quality: Quality::default(),
            // Filled by a closure, not by cloning one `Answer` (a match per element): this
            // runs once per row of a million-row import.
            answers: std::iter::repeat_with(|| Answer::Missing)
                .take(codebook.questions.len())
                .collect(),
        }
    }
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
    /// The column's name as shown to people: its first header row.
    pub header: String,
    /// Every name the column goes by across the header rows.
    pub names: Vec<String>,
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
    pub platform: Platform,
    pub delimiter: char,
    /// Rows above the first response.
    pub header_rows: usize,
    /// The header of the column respondent ids come from, for messages.
    pub respondent_id_header: String,
    pub columns: Vec<ColumnMapping>,
    pub responses: Vec<Response>,
    pub rejected: Vec<RejectedRow>,
    /// Problems with the file as a whole (unknown columns, missing metadata columns).
    pub file_problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

impl ParsedFile {
    /// A file not yet read: nothing found in it, nothing wrong with it.
    fn empty(path: &Path, display_name: String, sha256: String) -> ParsedFile {
        ParsedFile {
            path: path.to_path_buf(),
            display_name,
            sha256,
            encoding: "unknown",
            platform: Platform::Generic,
            delimiter: ',',
            header_rows: 1,
            respondent_id_header: String::new(),
            columns: Vec::new(),
            responses: Vec::new(),
            rejected: Vec::new(),
            file_problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A file's description without its rows, for a batch of them.
    fn shell(&self) -> ParsedFile {
        let mut shell =
            ParsedFile::empty(&self.path, self.display_name.clone(), self.sha256.clone());
        shell.encoding = self.encoding;
        shell.platform = self.platform;
        shell.delimiter = self.delimiter;
        shell.header_rows = self.header_rows;
        shell.respondent_id_header = self.respondent_id_header.clone();
        shell
    }

    /// Headers of the columns dropped as identifiers.
    pub fn dropped_identifiers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.target == ColumnTarget::Identifier)
            .map(|c| c.header.as_str())
            .collect()
    }

    /// Per codebook question, whether the file had a column for it.
    pub fn questions_present(&self, questions: usize) -> Vec<bool> {
        let mut present = vec![false; questions];
        for column in &self.columns {
            match column.target {
                ColumnTarget::Question(q) | ColumnTarget::Choice { question: q, .. } => {
                    present[q] = true
                }
                _ => {}
            }
        }
        present
    }

    /// Every problem, file-level first, then row by row.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.file_problems
            .iter()
            .chain(self.rejected.iter().flat_map(|r| r.reasons.iter()))
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

/// How a file is to be read: the platform (detected when not given), a mapping file, and
/// metadata for exports that lack it.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: Option<Platform>,
    /// The workbook sheet to read; the first when None.
    pub sheet: Option<String>,
    pub mapping: Option<Mapping>,
    pub defaults: MetaDefaults,
}

impl ImportOptions {
    /// A metadata default: the command line's, else the mapping file's.
    fn default_for(&self, field: MetaField) -> Option<&str> {
        field_default(&self.defaults, field).or_else(|| {
            self.mapping
                .as_ref()
                .and_then(|m| field_default(&m.defaults, field))
        })
    }
}

fn field_default(defaults: &MetaDefaults, field: MetaField) -> Option<&str> {
    match field {
        MetaField::Pilot => defaults.pilot.as_deref(),
        MetaField::Wave => defaults.wave.as_deref(),
        MetaField::Role => defaults.role.as_deref(),
        _ => None,
    }
}

/// Reads and checks one export file against the survey definition.
pub fn parse_path(path: &Path, survey: &Survey, options: &ImportOptions) -> Result<ParsedFile> {
    Ok(parse_bytes(path, &read_file(path)?, survey, options))
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
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of the file at `path`, read a megabyte at a time.
pub fn sha256_file(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buffer).map_err(|e| Error::io(path, e))? {
            0 => return Ok(hex(&hasher.finalize())),
            n => hasher.update(&buffer[..n]),
        }
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `bytes` as the contents of `path`. Never fails: every problem becomes a `Problem`.
pub fn parse_bytes(
    path: &Path,
    bytes: &[u8],
    survey: &Survey,
    options: &ImportOptions,
) -> ParsedFile {
    parse_hashed(path, bytes, sha256_hex(bytes), survey, options)
}

/// `parse_bytes` for bytes whose SHA-256 the caller has already taken (an import takes it
/// first, to skip a file stored before).
pub fn parse_hashed(
    path: &Path,
    bytes: &[u8],
    sha256: String,
    survey: &Survey,
    options: &ImportOptions,
) -> ParsedFile {
    let display_name = display_path(path);
    let mut parsed = ParsedFile::empty(path, display_name.clone(), sha256);
    let file_problem = |row: usize, column: &str, value: &str, expected: &str| {
        Problem::new(&display_name, row, column, value, expected)
    };
    if formats::xlsx::is_workbook(bytes) {
        match formats::xlsx::read_sheet(bytes, options.sheet.as_deref()) {
            Ok((rows, sheet)) => {
                parsed.encoding = "workbook";
                parsed
                    .warnings
                    .push(format!("read sheet \"{sheet}\" of the workbook"));
                parse_rows(&mut parsed, rows, survey, options);
            }
            Err(message) => {
                let (found, expected) = message
                    .split_once("; expected ")
                    .unwrap_or((message.as_str(), "a readable workbook"));
                parsed.file_problems.push(file_problem(
                    1,
                    "",
                    &format!("the file {found}"),
                    expected,
                ));
            }
        }
        return parsed;
    }
    if formats::xlsx::has_workbook_name(path) && !bytes.iter().all(u8::is_ascii_whitespace) {
        parsed.file_problems.push(file_problem(
            1,
            "",
            "named as a workbook, but the file holds text, not a workbook (a CSV file renamed?)",
            "a real workbook; if it is a CSV export, name it .csv and import it again",
        ));
        return parsed;
    }
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
    parsed.delimiter = delimiter as char;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    for (index, record) in reader.into_records().enumerate() {
        match record {
            Ok(r) => rows.push(r.iter().map(str::to_string).collect()),
            Err(e) => {
                parsed.file_problems.push(file_problem(
                    index + 1,
                    "",
                    &e.to_string(),
                    "a well-formed CSV row",
                ));
                return parsed;
            }
        }
    }
    parse_rows(&mut parsed, rows, survey, options);
    parsed
}

/// A large CSV export checked a batch of rows at a time, with the same `parse_rows` as a
/// whole file and the duplicate check carried across batches, so that an import holds one
/// batch of rows rather than the whole file as strings. Each batch is a `ParsedFile` of its
/// rows, numbered as in the whole file.
pub struct Batches {
    records: csv::StringRecordsIntoIter<std::io::Cursor<String>>,
    header: csv::StringRecord,
    /// The row number of the next record (the header is row 1).
    next_row: usize,
    batch_rows: usize,
    state: RowState,
    shell: ParsedFile,
    options: ImportOptions,
}

impl Batches {
    /// The first batch of `bytes` and the rest to come; the caller, which hashes the file
    /// meanwhile, gives them its hash with `set_sha256`. None when the file is not for batches
    /// (a workbook, another encoding than UTF-8, more than one header row, a file refused as
    /// a whole or with no response in its first batch), and must be read whole.
    pub fn open(
        path: &Path,
        bytes: &[u8],
        survey: &Survey,
        options: &ImportOptions,
        batch_rows: usize,
    ) -> Option<(ParsedFile, Batches)> {
        if formats::xlsx::is_workbook(bytes) || formats::xlsx::has_workbook_name(path) {
            return None;
        }
        let decoded = decode::decode(bytes).ok()?;
        if !matches!(decoded.encoding, "UTF-8" | "UTF-8 with BOM") || decoded.warning.is_some() {
            return None;
        }
        let delimiter = sniff_delimiter(&decoded.text);
        let mut records = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::Cursor::new(decoded.text))
            .into_records();
        let header = records.next()?.ok()?;
        let display_name = display_path(path);
        let mut shell = ParsedFile::empty(path, display_name, String::new());
        shell.encoding = decoded.encoding;
        shell.delimiter = delimiter as char;
        let mut batches = Batches {
            records,
            header,
            next_row: 2,
            batch_rows: batch_rows.max(1),
            state: RowState::default(),
            shell,
            options: options.clone(),
        };
        let first = batches.next_batch(survey)?;
        let whole =
            first.header_rows == 1 && first.file_problems.is_empty() && !first.responses.is_empty();
        if !whole {
            return None;
        }
        // Later batches are read as the platform the first one was found to be.
        batches.options.format = Some(first.platform);
        batches.shell.platform = first.platform;
        Some((first, batches))
    }

    /// The next batch of rows; None after the last. A row the CSV reader cannot read gives a
    /// batch with that file problem, as reading the whole file would.
    pub fn next_batch(&mut self, survey: &Survey) -> Option<ParsedFile> {
        let mut rows = vec![self.header.clone()];
        let first_row = self.next_row;
        let mut parsed = self.shell.shell();
        for record in self.records.by_ref().take(self.batch_rows) {
            match record {
                Ok(r) => rows.push(r),
                Err(e) => {
                    parsed.file_problems.push(Problem::new(
                        &parsed.display_name,
                        self.next_row,
                        "",
                        &e.to_string(),
                        "a well-formed CSV row",
                    ));
                    self.batch_rows = 0;
                    return Some(parsed);
                }
            }
            self.next_row += 1;
        }
        if rows.len() == 1 {
            return None;
        }
        let options = &self.options;
        parse_rows_in(
            &mut parsed,
            rows,
            survey,
            options,
            &mut self.state,
            first_row - 2,
        );
        Some(parsed)
    }

    /// Gives the file's hash to the batches to come and to `first`.
    pub fn set_sha256(&mut self, first: &mut ParsedFile, sha256: String) {
        first.sha256.clone_from(&sha256);
        self.shell.sha256 = sha256;
    }

    /// The warnings that need every batch read: answers discarded for want of consent.
    pub fn finish(&self) -> Vec<String> {
        let mut last = self.shell.shell();
        finish_rows(&mut last, &self.state);
        last.warnings
    }
}

/// The most columns a survey export may have: far more than any platform writes for one
/// survey, few enough that a mangled file is refused before it is mapped column by column.
pub const MAX_COLUMNS: usize = 5_000;
/// The longest field a survey answer may be: a long comment fits many times over; a field
/// this long is almost always a quote left open that swallowed the rest of the file.
pub const MAX_FIELD_BYTES: usize = 1_000_000;

/// A file whose header is wider than `MAX_COLUMNS`, or which holds a field longer than
/// `MAX_FIELD_BYTES`, as a problem naming the row and column.
fn oversized<R: Fields>(
    header: &[String],
    rows: &[R],
    file_problem: &impl Fn(usize, &str, &str, &str) -> Problem,
) -> Option<Problem> {
    let width = header.len();
    if width > MAX_COLUMNS {
        return Some(file_problem(
            1,
            "",
            &format!("{width} columns"),
            &format!("at most {MAX_COLUMNS} columns; is this a survey export?"),
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, field) in (0..row.width()).map(|c| (c, row.field(c))) {
            if field.len() > MAX_FIELD_BYTES {
                let column = header
                    .get(c)
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", c + 1));
                let start: String = field.chars().take(30).collect();
                return Some(file_problem(
                    r + 1,
                    &column,
                    &format!("{start}…"),
                    &format!(
                        "a field under {MAX_FIELD_BYTES} bytes (this one has {}); a quote left open swallows the rest of a file",
                        field.len()
                    ),
                ));
            }
        }
    }
    None
}

/// The rows that platform detection and layouts read: at most three header rows.
const HEAD_ROWS: usize = 3;

/// A row's fields, as a workbook sheet gives them (a string each) or the CSV reader (one
/// buffer per record, which spares a million-row import fifty allocations a row).
pub trait Fields {
    fn width(&self) -> usize;
    fn field(&self, i: usize) -> &str;
    /// The first `n` fields as strings, for a rejected row.
    fn to_strings(&self, n: usize) -> Vec<String> {
        (0..n.min(self.width()))
            .map(|i| self.field(i).to_string())
            .collect()
    }
}

impl Fields for Vec<String> {
    fn width(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &str {
        &self[i]
    }
}

impl Fields for csv::StringRecord {
    fn width(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &str {
        &self[i]
    }
}

/// Distinct cells remembered per column by `parse_rows`.
const UNDERSTOOD_PER_COLUMN: usize = 4096;
/// Distinct waves or roles remembered per column by `parse_rows`.
const KNOWN_META: usize = 64;

/// What checking a file's rows carries from one batch of them to the next.
#[derive(Default)]
pub struct RowState {
    /// The first row of each (pilot, respondent id, wave), to tell a repeat.
    first_rows: FirstRows,
    without_consent: usize,
    data_rows: usize,
}

/// The first row of each (pilot, respondent id, wave) met so far, to tell a repeat. Pilots
/// match whatever their ASCII case. The keys are kept in one string and found by their
/// fingerprint, so a million-row file makes no allocation per row.
#[derive(Default)]
struct FirstRows {
    /// Fingerprint to the latest entry with it; entries with the same one are chained.
    by_fingerprint: foldhash::HashMap<u64, u32>,
    entries: Vec<FirstRow>,
    /// Each entry's pilot and then its respondent id.
    text: String,
    lowered: Vec<u8>,
}

struct FirstRow {
    start: usize,
    pilot_len: u32,
    id_len: u32,
    wave: u32,
    row: usize,
    same_fingerprint: Option<u32>,
}

impl FirstRows {
    /// The row that first gave this respondent; None, after recording `row`, if none did.
    fn first_or_insert(&mut self, pilot: &str, id: &str, wave: usize, row: usize) -> Option<usize> {
        self.lowered.clear();
        self.lowered
            .extend(pilot.bytes().map(|b| b.to_ascii_lowercase()));
        let key = fingerprint(fingerprint(wave as u64, &self.lowered), id.as_bytes());
        let head = self.by_fingerprint.get(&key).copied();
        let mut at = head;
        while let Some(e) = at {
            let entry = &self.entries[e as usize];
            let pilot_end = entry.start + entry.pilot_len as usize;
            if entry.wave as usize == wave
                && self.text[entry.start..pilot_end].eq_ignore_ascii_case(pilot)
                && &self.text[pilot_end..pilot_end + entry.id_len as usize] == id
            {
                return Some(entry.row);
            }
            at = entry.same_fingerprint;
        }
        self.by_fingerprint.insert(key, self.entries.len() as u32);
        self.entries.push(FirstRow {
            start: self.text.len(),
            pilot_len: pilot.len() as u32,
            id_len: id.len() as u32,
            wave: wave as u32,
            row,
            same_fingerprint: head,
        });
        self.text.push_str(pilot);
        self.text.push_str(id);
        None
    }
}

/// Maps and checks rows already split into fields (from CSV or a workbook sheet).
pub fn parse_rows(
    parsed: &mut ParsedFile,
    rows: Vec<Vec<String>>,
    survey: &Survey,
    options: &ImportOptions,
) {
    let mut state = RowState::default();
    if parse_rows_in(parsed, rows, survey, options, &mut state, 0) {
        finish_rows(parsed, &state);
    }
}

/// The problems and warnings only a file's last row can settle: no responses at all, and
/// answers discarded for want of consent.
fn finish_rows(parsed: &mut ParsedFile, state: &RowState) {
    if state.data_rows == 0 {
        parsed.file_problems.push(Problem::new(
            &parsed.display_name,
            parsed.header_rows + 1,
            "",
            "a header and no responses",
            "at least one response below the header",
        ));
    }
    parsed
        .warnings
        .extend(consent_warning(state.without_consent));
}

/// The warning for `responses` whose answers to a consent-gated module were discarded.
fn consent_warning(responses: usize) -> Option<String> {
    (responses > 0).then(|| format!(
        "{responses} response(s) answered a consent-gated module without consent; those answers were discarded"
    ))
}

/// `parse_rows` of one batch of a file's rows: `rows` starts with the header, and its data
/// rows are numbered from `row_offset` + their place in `rows`. False when the file was
/// refused before its rows were read.
fn parse_rows_in<R: Fields>(
    parsed: &mut ParsedFile,
    rows: Vec<R>,
    survey: &Survey,
    options: &ImportOptions,
    state: &mut RowState,
    row_offset: usize,
) -> bool {
    let display_name = parsed.display_name.clone();
    let file_problem = |row: usize, column: &str, value: &str, expected: &str| {
        Problem::new(&display_name, row, column, value, expected)
    };
    // Platforms are told apart, and their header rows read, from the first rows alone.
    let head: Vec<Vec<String>> = rows
        .iter()
        .take(HEAD_ROWS)
        .map(|r| r.to_strings(r.width()))
        .collect();
    if head
        .first()
        .is_none_or(|h| h.iter().all(|c| c.trim().is_empty()))
    {
        parsed
            .file_problems
            .push(file_problem(1, "", "no header row", "a header row"));
        return false;
    }
    if let Some(mut problem) = oversized(&head[0], &rows, &file_problem) {
        if problem.row > 1 {
            problem.row += row_offset;
        }
        parsed.file_problems.push(problem);
        return false;
    }
    let platform = options.format.unwrap_or_else(|| Platform::detect(&head));
    let mut layout = platform.layout(&head);
    // Excel adds empty columns after the last one when a sheet was edited; they carry nothing.
    // A column counts if any header row names it (SurveyMonkey leaves the first row empty over
    // a question's later options).
    let width = head
        .iter()
        .take(layout.header_rows)
        .map(|row| {
            row.iter()
                .rposition(|c| !c.trim().is_empty())
                .map_or(0, |i| i + 1)
        })
        .max()
        .unwrap_or(0);
    layout.truncate(width);
    parsed.platform = platform;
    parsed.header_rows = layout.header_rows;
    let codebook = &survey.codebook;
    parsed.columns = map_columns(&layout, codebook, options.mapping.as_ref());

    let mut seen_targets: HashMap<ColumnTarget, String> = HashMap::new();
    let whole_questions: Vec<usize> = parsed
        .columns
        .iter()
        .filter_map(|c| match c.target {
            ColumnTarget::Question(q) => Some(q),
            _ => None,
        })
        .collect();
    for (position, column) in parsed.columns.iter_mut().enumerate() {
        // A select-all question written both as one column and as one column per option (Kobo,
        // ODK): the one column is read, the others are the same answers again.
        if let ColumnTarget::Choice { question, .. } = column.target {
            if whole_questions.contains(&question) {
                column.target = ColumnTarget::Ignored(format!(
                    "repeats column \"{}\" one option at a time",
                    codebook.questions[question].id
                ));
            }
        }
        match &column.target {
            ColumnTarget::Unknown if column.header.trim().is_empty() => {
                parsed.file_problems.push(file_problem(
                    1,
                    &format!("column {}", position + 1),
                    "",
                    "a header naming the column; the header cell is empty (delete the column if it holds nothing)",
                ))
            }
            ColumnTarget::Unknown => parsed.file_problems.push(file_problem(
                1,
                &column.header,
                &column.header,
                &unknown_column_expectation(codebook, &column.names),
            )),
            ColumnTarget::Identifier | ColumnTarget::Ignored(_) => {}
            t => {
                if let Some(first) = seen_targets.insert(t.clone(), column.header.clone()) {
                    parsed.file_problems.push(file_problem(
                        1,
                        &column.header,
                        &column.header,
                        &format!("each question or metadata field in one column only; \"{first}\" holds the same field"),
                    ));
                }
            }
        }
    }
    let has_id = seen_targets.contains_key(&ColumnTarget::Meta(MetaField::RespondentId));
    let id_fallback = (!has_id).then(|| layout.fallback_id_column()).flatten();
    for field in [
        MetaField::RespondentId,
        MetaField::Pilot,
        MetaField::Wave,
        MetaField::Role,
    ] {
        let present = seen_targets.contains_key(&ColumnTarget::Meta(field))
            || options.default_for(field).is_some()
            || (field == MetaField::RespondentId && id_fallback.is_some());
        if !present {
            let hint = if field == MetaField::RespondentId {
                String::new()
            } else {
                format!(
                    ", or --{} on the command line, or [defaults] {} in a mapping file",
                    field_flag(field),
                    field_flag(field)
                )
            };
            parsed.file_problems.push(file_problem(
                1,
                "",
                &format!("no {} column", field.name()),
                &format!(
                    "a {} column, headed \"{}\" or one of its aliases in the codebook{hint}",
                    field.name(),
                    meta_column_name(codebook, field)
                ),
            ));
        }
    }
    if !parsed.file_problems.is_empty() {
        return false;
    }
    let value_maps: Vec<ValueMap> = codebook
        .questions
        .iter()
        .map(|q| ValueMap::new(codebook, q))
        .collect();
    // Per column, the distinct cells of a rating or choice question and what they mean: a
    // column holds a handful of distinct values, and matching one against the codebook's
    // labels (normalising it first) costs far more than looking it up again.
    let mut understood: Vec<foldhash::HashMap<String, std::result::Result<Answer, ValueError>>> =
        vec![foldhash::HashMap::default(); parsed.columns.len()];
    // Most rating cells are one byte or empty: those already understood are read from a
    // table per column, without hashing.
    let mut short_answers: Vec<Vec<Option<Answer>>> = vec![Vec::new(); parsed.columns.len()];
    // A wave or role column's distinct values, matched against the codebook once each.
    let mut known_meta: Vec<Vec<(String, usize)>> = vec![Vec::new(); parsed.columns.len()];
    let width = parsed.columns.len();
    let submitted_column = parsed
        .columns
        .iter()
        .position(|c| c.target == ColumnTarget::Meta(MetaField::Submitted));
    let id_header = id_fallback
        .map(|c| parsed.columns[c].header.clone())
        .unwrap_or_else(|| meta_header(&parsed.columns, MetaField::RespondentId));
    parsed.respondent_id_header = id_header.clone();
    for (index, fields) in rows.into_iter().enumerate().skip(layout.header_rows) {
        let row = index + 1 + row_offset;
        let mut len = fields.width();
        if len > width && (width..len).all(|i| fields.field(i).trim().is_empty()) {
            len = width;
        }
        if (0..len).all(|i| fields.field(i).trim().is_empty()) {
            continue;
        }
        state.data_rows += 1;
        if len != width {
            // A quote opened and never closed runs on over the following lines, which then
            // read as one short row.
            let run_on = if (0..len).any(|i| fields.field(i).contains('\n')) {
                "; a quote opened in this row runs on over the next lines (an unclosed quote?)"
            } else {
                ""
            };
            let reason = file_problem(
                row,
                "",
                &format!("{len} fields"),
                &format!("{width} fields, one per header column{run_on}"),
            );
            parsed.rejected.push(rejected(
                &parsed.columns,
                fields.to_strings(len),
                vec![reason],
            ));
            continue;
        }
        let mut reasons = Vec::new();
        let mut response = Response::blank(codebook);
        response.source_row = row;
        let mut problem = |column: &str, value: &str, expected: String| {
            reasons.push(file_problem(row, column, value, &expected));
        };
        for field in [MetaField::Pilot, MetaField::Wave, MetaField::Role] {
            if let Some(value) = options.default_for(field) {
                parse_meta(field, value, survey, &mut response, &mut |v, e| {
                    problem(&format!("(default {})", field_flag(field)), v, e)
                });
            }
        }
        if let Some(c) = id_fallback {
            response.respondent_id = fields.field(c).trim().to_string();
        }
        let mut choice_sets: HashMap<usize, u64> = HashMap::new();
        for (c, column) in parsed.columns.iter().enumerate() {
            let raw = fields.field(c);
            match &column.target {
                ColumnTarget::Identifier | ColumnTarget::Unknown | ColumnTarget::Ignored(_) => {}
                ColumnTarget::Meta(field @ (MetaField::Wave | MetaField::Role)) => {
                    let value = raw.trim();
                    let known = &mut known_meta[c];
                    let index = match known.iter().find(|(v, _)| v == value) {
                        Some((_, index)) => Some(*index),
                        None => {
                            let index = match field {
                                MetaField::Wave => codebook.wave_index(value),
                                _ => codebook.role_index(value),
                            };
                            if let Some(index) = index.filter(|_| known.len() < KNOWN_META) {
                                known.push((value.to_string(), index));
                            }
                            index
                        }
                    };
                    match (field, index) {
                        (MetaField::Wave, Some(w)) => response.wave = w,
                        (_, Some(r)) => response.role = r,
                        (_, None) => {
                            parse_meta(*field, value, survey, &mut response, &mut |v, e| {
                                problem(&column.header, v, e)
                            })
                        }
                    }
                }
                ColumnTarget::Meta(field) => {
                    let value = raw.trim();
                    parse_meta(*field, value, survey, &mut response, &mut |v, e| {
                        problem(&column.header, v, e)
                    })
                }
                ColumnTarget::Quality(field) => {
                    let value = raw.trim();
                    if let Err(expected) = parse_quality(*field, value, &mut response.quality) {
                        problem(&column.header, &mask_contacts(value), expected);
                    }
                }
                ColumnTarget::Question(q) => {
                    let question = &codebook.questions[*q];
                    let raw = options
                        .mapping
                        .as_ref()
                        .and_then(|m| m.value(*q, raw))
                        .unwrap_or(raw);
                    let parse = || value_maps[*q].parse(question, raw, layout.separators);
                    let short = match raw.as_bytes() {
                        [] => Some(256),
                        [byte] => Some(usize::from(*byte)),
                        _ => None,
                    };
                    if let Some(Some(answer)) = short.and_then(|s| short_answers[c].get(s)) {
                        response.answers[*q] = answer.clone();
                        continue;
                    }
                    let understood = &mut understood[c];
                    let result = match question.kind {
                        QuestionKind::Text | QuestionKind::Numeric => parse(),
                        _ => match understood.get(raw) {
                            Some(known) => known.clone(),
                            None => {
                                let result = parse();
                                if understood.len() < UNDERSTOOD_PER_COLUMN {
                                    understood.insert(raw.to_string(), result.clone());
                                }
                                result
                            }
                        },
                    };
                    match result {
                        Ok(answer) => {
                            if let Some(slot) = short.filter(|_| {
                                !matches!(question.kind, QuestionKind::Text | QuestionKind::Numeric)
                            }) {
                                short_answers[c].resize(257, None);
                                short_answers[c][slot] = Some(answer.clone());
                            }
                            response.answers[*q] = answer;
                        }
                        Err(e) => problem(&column.header, &mask_contacts(&e.value), e.expected),
                    }
                }
                ColumnTarget::Choice { question, option } => {
                    match parse_flag(raw, &codebook.questions[*question].options[*option]) {
                        Ok(chosen) => {
                            let set = choice_sets.entry(*question).or_insert(0);
                            if chosen {
                                *set |= 1 << option;
                            }
                        }
                        Err(e) => problem(&column.header, &mask_contacts(&e.value), e.expected),
                    }
                }
            }
        }
        complete_timing(
            &mut response.quality,
            submitted_column.map(|c| fields.field(c)),
        );
        // Without a submission column, a response was submitted when it ended (Qualtrics'
        // Insights and legacy layouts have EndDate but no RecordedDate).
        if submitted_column.is_none() && response.submitted.is_none() {
            response.submitted = response.quality.ended.as_ref().map(|e| e[..10].to_string());
        }
        for (q, set) in choice_sets {
            let question = &codebook.questions[q];
            if question.kind == QuestionKind::Multi {
                if set != 0 {
                    response.answers[q] = Answer::Choices(set);
                }
            } else if set.count_ones() > 1 {
                problem(
                    &question.id,
                    &format!("{} options chosen", set.count_ones()),
                    format!("one option of {}, a single-choice question", question.id),
                );
            } else if set != 0 {
                response.answers[q] = Answer::Level(set.trailing_zeros() as u8 + 1);
            }
        }
        for (q, question) in codebook.questions.iter().enumerate() {
            if let Answer::Choices(set) = response.answers[q] {
                if let Err(e) = mapping::check_choices(question, set) {
                    problem(&question.id, &e.value, e.expected);
                }
            }
        }
        if reasons.is_empty() && response.respondent_id.is_empty() {
            reasons.push(file_problem(
                row,
                &id_header,
                "",
                "a respondent id; the cell is empty",
            ));
        }
        if reasons.is_empty() {
            if let Some(first) = state.first_rows.first_or_insert(
                &response.pilot,
                &response.respondent_id,
                response.wave,
                row,
            ) {
                reasons.push(file_problem(
                    row,
                    &id_header,
                    &response.respondent_id,
                    &format!(
                        "each respondent once per pilot and wave; this id was already given at row {first} (a duplicate submission?)"
                    ),
                ));
            }
        }
        if !reasons.is_empty() {
            parsed
                .rejected
                .push(rejected(&parsed.columns, fields.to_strings(len), reasons));
            continue;
        }
        state.without_consent += apply_consent(codebook, &mut response.answers);
        parsed.responses.push(response);
    }
    true
}

/// Resolves every column: the mapping file first, then the platform's own fields,
/// identifiers, the codebook by each of the column's names, and last a question-and-option
/// pair from a two-part header.
fn map_columns(
    layout: &Layout,
    codebook: &Codebook,
    mapping: Option<&Mapping>,
) -> Vec<ColumnMapping> {
    let header_map = HeaderMap::new(codebook);
    (0..layout.names.len())
        .map(|i| {
            let names = &layout.names[i];
            let header = names.first().cloned().unwrap_or_default();
            let target = resolve_column(layout, i, codebook, &header_map, mapping);
            ColumnMapping {
                header,
                names: names.clone(),
                target,
            }
        })
        .collect()
}

fn resolve_column(
    layout: &Layout,
    i: usize,
    codebook: &Codebook,
    header_map: &HeaderMap,
    mapping: Option<&Mapping>,
) -> ColumnTarget {
    let names = &layout.names[i];
    if let Some(target) = mapping.and_then(|m| names.iter().find_map(|n| m.target(n))) {
        return target;
    }
    if let Some(field) = layout.platform_field(i) {
        return match field {
            PlatformField::RespondentId => ColumnTarget::Meta(MetaField::RespondentId),
            PlatformField::Submitted => ColumnTarget::Meta(MetaField::Submitted),
            PlatformField::Started => ColumnTarget::Quality(QualityField::Started),
            PlatformField::Ended => ColumnTarget::Quality(QualityField::Ended),
            PlatformField::DurationSeconds => ColumnTarget::Quality(QualityField::DurationSeconds),
            PlatformField::Progress => ColumnTarget::Quality(QualityField::Progress),
            PlatformField::Finished => ColumnTarget::Quality(QualityField::Finished),
            PlatformField::Identifier => ColumnTarget::Identifier,
            PlatformField::Bookkeeping => {
                ColumnTarget::Ignored(format!("{} bookkeeping", layout.platform.name()))
            }
        };
    }
    if names.iter().any(|n| header_map.is_identifier(n)) {
        return ColumnTarget::Identifier;
    }
    for name in names {
        let target = header_map.target(codebook, name);
        if target != ColumnTarget::Unknown {
            return target;
        }
    }
    // A column no question claims, whose header mentions an identifier ("Please enter your
    // address [Street]"): dropped, erring on the side of privacy.
    if names.iter().any(|n| header_map.mentions_identifier(n)) {
        return ColumnTarget::Identifier;
    }
    if let Some((question, option)) = &layout.parts[i] {
        let whole = mapping
            .and_then(|m| m.target(question))
            .unwrap_or_else(|| header_map.target(codebook, question));
        if let ColumnTarget::Question(q) = whole {
            let candidate = &codebook.questions[q];
            if matches!(candidate.kind, QuestionKind::Multi | QuestionKind::Single) {
                let key = normalize(option);
                if let Some(o) = candidate
                    .options
                    .iter()
                    .position(|c| normalize(&c.code) == key || normalize(&c.label) == key)
                {
                    return ColumnTarget::Choice {
                        question: q,
                        option: o,
                    };
                }
            }
        }
    }
    if mapping.is_some_and(|m| m.ignore_unmapped) {
        return ColumnTarget::Ignored("not in the codebook (unmapped = \"ignore\")".into());
    }
    ColumnTarget::Unknown
}

/// What an unmapped column should have been, with the codebook questions closest to it.
fn unknown_column_expectation(codebook: &Codebook, names: &[String]) -> String {
    let closest = closest_questions(codebook, names, 2);
    let mut text = "a question id, alias or question text from the codebook, or a metadata column (response_id, pilot_id, wave, role, submitted_date); map it in a mapping file (--map) or mark it \"ignore\" there".to_string();
    if !closest.is_empty() {
        text.push_str(&format!("; closest: {}", closest.join(", ")));
    }
    text
}

/// Codebook questions sharing the most words with any of `names`, best first.
pub fn closest_questions(codebook: &Codebook, names: &[String], count: usize) -> Vec<String> {
    let words = |text: &str| -> Vec<String> {
        normalize(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_string)
            .collect()
    };
    let wanted: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, f64)> = codebook
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let have = words(&q.text);
            let shared = wanted.iter().filter(|w| have.contains(w)).count();
            (i, shared as f64 / (wanted.len() + have.len()) as f64)
        })
        .filter(|(_, score)| *score > 0.15)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored
        .into_iter()
        .take(count)
        .map(|(i, _)| {
            let q = &codebook.questions[i];
            let text: String = q.text.chars().take(48).collect();
            let cut = q.text.chars().count() > 48;
            format!(
                "{} ({}{})",
                q.id,
                text.trim_end(),
                if cut { "…" } else { "" }
            )
        })
        .collect()
}

fn field_flag(field: MetaField) -> &'static str {
    match field {
        MetaField::Pilot => "pilot",
        MetaField::Wave => "wave",
        MetaField::Role => "role",
        MetaField::RespondentId => "respondent-id",
        MetaField::Submitted => "submitted",
        MetaField::Weight => "weight",
    }
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

/// A row kept for the rejected-rows file: identifier columns left out, and contact details
/// masked in every answer (metadata such as the respondent id is kept as written, so the row
/// can be found and fixed).
fn rejected(columns: &[ColumnMapping], fields: Vec<String>, reasons: Vec<Problem>) -> RejectedRow {
    let source_row = reasons.first().map_or(0, |r| r.row);
    let kept = fields
        .into_iter()
        .enumerate()
        .filter_map(|(i, field)| match columns.get(i).map(|c| &c.target) {
            Some(ColumnTarget::Identifier) => None,
            Some(ColumnTarget::Meta(_)) => Some(field),
            _ => Some(mask_contacts(&field)),
        })
        .collect();
    RejectedRow {
        source_row,
        fields: kept,
        reasons,
    }
}

pub(crate) fn parse_meta(
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
            } else if value.starts_with(['=', '+', '@']) {
                problem(
                    value,
                    "a respondent id, not a spreadsheet formula; export the values, not the formulas".into(),
                );
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
            match parse_datetime(value) {
                // A day of grace for time zones; later than that, the date is wrong.
                Some(at)
                    if at.date() > chrono::Local::now().date_naive() + chrono::Days::new(1) =>
                {
                    problem(
                        value,
                        "a date that has already come; this one is in the future".into(),
                    )
                }
                Some(at) => response.submitted = Some(at.format("%Y-%m-%d").to_string()),
                None => problem(value, DATE_EXPECTED.into()),
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

const DATE_EXPECTED: &str = "an ISO 8601 date, YYYY-MM-DD (a time after it is allowed)";

/// Date-time layouts that survey platforms write, ISO 8601 first. Day-first layouts such as
/// 21/08/2019 are not guessed at: they would be read as month-first in August and rejected in
/// the rest of the year.
const DATETIME_LAYOUTS: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
];

/// Reads a date or date-time as platforms write them: ISO 8601 (with fractional seconds and
/// offsets, as Kobo writes), Google Forms' M/D/YYYY H:MM:SS, and ODK's "Apr 26, 2018 8:58:20 AM".
pub fn parse_datetime(value: &str) -> Option<chrono::NaiveDateTime> {
    let value = value.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(at.naive_local());
    }
    if let Ok(at) = chrono::DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f%:z") {
        return Some(at.naive_local());
    }
    let without_fraction = value.split('.').next().unwrap_or(value);
    for layout in DATETIME_LAYOUTS {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(without_fraction, layout) {
            return Some(at);
        }
    }
    for layout in ["%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y"] {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(value, layout) {
            return date.and_hms_opt(0, 0, 0);
        }
    }
    None
}

/// When a response ended, from its submission cell, as stored.
pub(crate) fn ended_at(submitted: &str) -> Option<String> {
    parse_datetime(submitted).map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn parse_quality(
    field: QualityField,
    value: &str,
    quality: &mut Quality,
) -> std::result::Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    let number = || {
        value
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
    };
    match field {
        QualityField::Started | QualityField::Ended => {
            let at = parse_datetime(value).ok_or(DATE_EXPECTED)?;
            let text = Some(at.format("%Y-%m-%d %H:%M:%S").to_string());
            if field == QualityField::Started {
                quality.started = text;
            } else {
                quality.ended = text;
            }
        }
        QualityField::DurationSeconds => {
            quality.duration_seconds = Some(number().ok_or("a duration in seconds")?)
        }
        QualityField::Progress => {
            quality.progress = Some(
                number()
                    .filter(|p| *p <= 100.0)
                    .ok_or("a progress percentage from 0 to 100")?,
            )
        }
        QualityField::Finished => {
            quality.finished = Some(match normalize(value).as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => return Err("1 or 0 (also TRUE/FALSE) for finished".into()),
            })
        }
    }
    Ok(())
}

/// Fills what the export implies but does not say: the end time from the submission time
/// (Microsoft Forms' "Completion time", SurveyMonkey's "EndDate"), and the duration from the
/// start and end times.
fn complete_timing(quality: &mut Quality, submitted: Option<&str>) {
    if quality.ended.is_none() {
        quality.ended = submitted.and_then(ended_at);
    }
    if quality.duration_seconds.is_none() {
        let parse = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok())
        };
        if let (Some(start), Some(end)) = (parse(&quality.started), parse(&quality.ended)) {
            let seconds = (end - start).num_seconds();
            if seconds >= 0 {
                quality.duration_seconds = Some(seconds as f64);
            }
        }
    }
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

/// The export files named by `paths`: files as given, folders searched recursively for CSV
/// and workbook files, in name order so that imports are repeatable.
pub fn collect_input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk_inputs(path, &mut found)?;
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

fn walk_inputs(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk_inputs(&path, found)?;
        } else if path.extension().is_some_and(|e| {
            ["csv", "tsv", "xlsx", "xlsm", "xls", "ods"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            found.push(path);
        }
    }
    Ok(())
}
