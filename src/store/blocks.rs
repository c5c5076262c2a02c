//! How responses are kept: in blocks of up to `BLOCK_ROWS` rows of one import, one SQLite row
//! per block. A row per response costs SQLite a B-tree insert and a unique-index probe each,
//! which held a million-row import to 15 s; a block is one insert.
//!
//! A block's `rows` is a JSON array with one array per response, its values in the order of
//! `response_columns` (metadata first, then a question per column, appended as codebooks add
//! questions; older blocks have shorter arrays). JSON, so that the `responses` view can show
//! the rows with SQLite's own `json_each` and `->>`. Its `keys` is one 8-byte fingerprint of
//! (pilot, wave, respondent id) per row, in row order: an import checks its respondents
//! against every stored one without reading the rows, and reads a block's rows only to confirm
//! a match. Free-text answers are kept apart, in `text_blocks`, as `[row, question, text]`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Write;

use rusqlite::{params, Connection};

use crate::ingest::stream::fingerprint;

/// Rows per block: big enough that SQLite's per-row cost vanishes, small enough that a block
/// read to confirm a repeated respondent is a few megabytes.
pub const BLOCK_ROWS: usize = 16_384;

/// The fixed leading columns of every stored row, with their SQL types.
pub const META_COLUMNS: [(&str, &str); 12] = [
    ("source_row", "INTEGER"),
    ("respondent_id", "TEXT"),
    ("pilot_id", "TEXT"),
    ("wave", "TEXT"),
    ("role", "TEXT"),
    ("submitted_date", "TEXT"),
    ("weight", "REAL"),
    ("started_at", "TEXT"),
    ("ended_at", "TEXT"),
    ("duration_s", "REAL"),
    ("progress", "REAL"),
    ("finished", "INTEGER"),
];

/// Positions of the metadata the store reads back, in `META_COLUMNS`.
pub const RESPONDENT_ID: usize = 1;
pub const PILOT_ID: usize = 2;
pub const WAVE: usize = 3;
pub const ROLE: usize = 4;
pub const WEIGHT: usize = 6;
pub const DURATION: usize = 9;

/// The stored key of a respondent. Kept on disk in `response_blocks.keys`: changing this
/// function needs a migration of every store.
pub fn respondent_key(pilot: &str, wave: &str, respondent_id: &str) -> u64 {
    key_from_seed(key_seed(pilot, wave), respondent_id)
}

/// The part of `respondent_key` that depends on the pilot and wave alone, made once for each.
pub fn key_seed(pilot: &str, wave: &str) -> u64 {
    fingerprint(fingerprint(0, pilot.as_bytes()), wave.as_bytes())
}

pub fn key_from_seed(seed: u64, respondent_id: &str) -> u64 {
    fingerprint(seed, respondent_id.as_bytes())
}

/// Builds the blocks of one import and stores each when it is full.
pub struct BlockWriter {
    import_id: i64,
    first_id: i64,
    row_count: usize,
    values_in_row: usize,
    rows: Vec<u8>,
    keys: Vec<u8>,
    texts: Vec<u8>,
    /// The id and keys of each block stored so far.
    stored: Vec<StoredBlock>,
}

impl BlockWriter {
    /// A writer whose first row will have response id `first_id`.
    pub fn new(import_id: i64, first_id: i64) -> BlockWriter {
        BlockWriter {
            import_id,
            first_id,
            row_count: 0,
            values_in_row: 0,
            rows: Vec::new(),
            keys: Vec::new(),
            texts: Vec::new(),
            stored: Vec::new(),
        }
    }

    /// The response id the next row will have.
    pub fn next_id(&self) -> i64 {
        self.first_id + self.row_count as i64
    }

    /// Starts a row for the respondent with stored key `key`.
    pub fn begin_row(&mut self, key: u64) {
        self.rows
            .push(if self.row_count == 0 { b'[' } else { b',' });
        self.rows.push(b'[');
        self.values_in_row = 0;
        self.keys.extend_from_slice(&key.to_le_bytes());
    }

    fn separate(&mut self) {
        if self.values_in_row > 0 {
            self.rows.push(b',');
        }
        self.values_in_row += 1;
    }

    pub fn null(&mut self) {
        self.separate();
        self.rows.extend_from_slice(b"null");
    }

    pub fn int(&mut self, value: i64) {
        self.separate();
        push_int(&mut self.rows, value);
    }

    /// A number, written so that it reads back as a REAL (`2.0`, not `2`); not finite: null,
    /// as SQLite stores it.
    pub fn real(&mut self, value: f64) {
        self.separate();
        push_real(&mut self.rows, value);
    }

    /// A value already written as JSON (`json_string`).
    pub fn json(&mut self, json: &[u8]) {
        self.separate();
        self.rows.extend_from_slice(json);
    }

    pub fn text(&mut self, value: &str) {
        self.separate();
        push_text(&mut self.rows, value);
    }

    /// The row's buffer, for values written each after a comma (`RowLayout`): nothing but
    /// text answers and `end_row` may follow.
    pub fn values(&mut self) -> &mut Vec<u8> {
        &mut self.rows
    }

    /// A free-text answer of the current row.
    pub fn text_answer(&mut self, question_id: &str, value: &str) {
        self.begin_text_answer();
        push_text(&mut self.texts, question_id);
        self.texts.push(b',');
        push_text(&mut self.texts, value);
        self.texts.push(b']');
    }

    /// A free-text answer of the current row already written as JSON: question id and answer,
    /// and the closing bracket (`EncodedRows`).
    pub fn encoded_text_answer(&mut self, encoded: &[u8]) {
        self.begin_text_answer();
        self.texts.extend_from_slice(encoded);
    }

    fn begin_text_answer(&mut self) {
        self.texts
            .push(if self.texts.is_empty() { b'[' } else { b',' });
        self.texts.push(b'[');
        push_int(&mut self.texts, self.row_count as i64);
        self.texts.push(b',');
    }

    /// Ends the current row; stores the block when it is full.
    pub fn end_row(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.rows.push(b']');
        self.row_count += 1;
        if self.row_count == BLOCK_ROWS {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Stores what is left.
    pub fn finish(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.flush(conn)
    }

    fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.row_count == 0 {
            return Ok(());
        }
        self.rows.push(b']');
        conn.prepare_cached(
            "INSERT INTO response_blocks (import_id, first_id, row_count, keys, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            self.import_id,
            self.first_id,
            self.row_count as i64,
            self.keys,
            json_text(&self.rows)
        ])?;
        let block_id = conn.last_insert_rowid();
        if !self.texts.is_empty() {
            self.texts.push(b']');
            conn.prepare_cached("INSERT INTO text_blocks (block_id, answers) VALUES (?1, ?2)")?
                .execute(params![block_id, json_text(&self.texts)])?;
        }
        self.stored.push((block_id, std::mem::take(&mut self.keys)));
        self.first_id += self.row_count as i64;
        self.row_count = 0;
        self.rows.clear();
        self.texts.clear();
        Ok(())
    }

    /// The id and keys of each block stored, for `StoredKeys::add` once they are committed.
    pub fn into_stored(self) -> Vec<StoredBlock> {
        self.stored
    }
}

/// The writer's JSON, bound as TEXT: it writes only ASCII punctuation and whole UTF-8
/// strings, so it is UTF-8 without checking it again.
fn json_text(bytes: &[u8]) -> rusqlite::types::ToSqlOutput<'_> {
    rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(bytes))
}

/// Appends `value` in decimal, as `{value}` formats it, without the formatting machinery:
/// every stored row starts with its row number, and most stored integers are scale codes.
fn push_int(out: &mut Vec<u8>, value: i64) {
    if let Ok(digit @ 0..=9) = u8::try_from(value) {
        out.push(b'0' + digit);
        return;
    }
    if value < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut rest = value.unsigned_abs();
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Appends `value` as a JSON string, escaped as serde_json escapes it. Most answers have no
/// byte to escape (a quote, a backslash or a control character) and are copied as they are.
pub fn push_text(out: &mut Vec<u8>, value: &str) {
    if value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
    } else {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    }
}

/// Appends a number so that it reads back as a REAL (`2.0`, not `2`); not finite: null, as
/// SQLite stores it.
pub fn push_real(out: &mut Vec<u8>, value: f64) {
    if value.is_finite() {
        write!(out, "{value:?}").expect("writing to a Vec cannot fail");
    } else {
        out.extend_from_slice(b"null");
    }
}

/// `value` as a JSON string.
pub fn json_string(value: &str) -> Vec<u8> {
    let mut json = Vec::new();
    push_text(&mut json, value);
    json
}

/// The id the next stored response gets: one past the highest stored.
pub fn next_response_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(first_id + row_count), 1) FROM response_blocks",
        [],
        |r| r.get(0),
    )
}

/// One value of a stored row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

impl Cell<'_> {
    /// As SQLite would return it from the `responses` view.
    pub fn as_value_ref(&self) -> rusqlite::types::ValueRef<'_> {
        use rusqlite::types::ValueRef;
        match self {
            Cell::Null => ValueRef::Null,
            Cell::Int(i) => ValueRef::Integer(*i),
            Cell::Real(x) => ValueRef::Real(*x),
            Cell::Text(t) => ValueRef::Text(t.as_bytes()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Reads the arrays of a block's JSON (`rows` or `answers`) one at a time. It reads what
/// `BlockWriter` writes: arrays of numbers, strings and nulls. Anything else, as from a store
/// edited by hand, is an error naming where it is, not a panic.
pub struct ArrayReader<'a> {
    text: &'a str,
    at: usize,
    started: bool,
}

impl<'a> ArrayReader<'a> {
    pub fn new(text: &'a str) -> Result<ArrayReader<'a>, String> {
        let mut reader = ArrayReader {
            text,
            at: 0,
            started: false,
        };
        reader.skip_space();
        reader.expect(b'[')?;
        Ok(reader)
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn skip_space(&mut self) {
        while self
            .bytes()
            .get(self.at)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes().get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        match self.peek() {
            Some(b) if b == byte => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.unexpected(&format!("'{}'", byte as char))),
        }
    }

    fn unexpected(&self, expected: &str) -> String {
        let found: String = self.text[self.at..].chars().take(12).collect();
        format!("at byte {} found \"{found}\"; expected {expected}", self.at)
    }

    /// The next inner array's values into `cells`; false after the last.
    pub fn next_array(&mut self, cells: &mut Vec<Cell<'a>>) -> Result<bool, String> {
        cells.clear();
        match self.peek() {
            Some(b']') => {
                self.at += 1;
                return Ok(false);
            }
            Some(b',') if self.started => self.at += 1,
            _ if !self.started => {}
            _ => return Err(self.unexpected("',' or ']'")),
        }
        self.started = true;
        self.expect(b'[')?;
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(true);
        }
        loop {
            cells.push(self.value()?);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(true);
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn value(&mut self) -> Result<Cell<'a>, String> {
        let start = self.at;
        match self.peek() {
            Some(b'n') if self.text[start..].starts_with("null") => {
                self.at += 4;
                Ok(Cell::Null)
            }
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => {
                let len = self.bytes()[start..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(self.text.len() - start);
                let number = &self.text[start..start + len];
                self.at += len;
                let integer = number.bytes().all(|b| b == b'-' || b.is_ascii_digit());
                let parsed = if integer {
                    number.parse().map(Cell::Int).ok()
                } else {
                    number.parse().map(Cell::Real).ok()
                };
                parsed.ok_or_else(|| {
                    self.at = start;
                    self.unexpected("a number")
                })
            }
            _ => Err(self.unexpected("a number, a string or null")),
        }
    }

    fn string(&mut self) -> Result<Cell<'a>, String> {
        let start = self.at;
        let body = start + 1;
        let mut escaped = false;
        let mut i = body;
        let bytes = self.bytes();
        loop {
            match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                Some(k) if bytes[i + k] == b'\\' => {
                    escaped = true;
                    i += k + 2;
                    if i > bytes.len() {
                        return Err(self.unexpected("a closed string"));
                    }
                }
                Some(k) => {
                    i += k;
                    break;
                }
                None => return Err(self.unexpected("a closed string")),
            }
        }
        self.at = i + 1;
        if !escaped {
            return Ok(Cell::Text(Cow::Borrowed(&self.text[body..i])));
        }
        serde_json::from_str::<String>(&self.text[start..=i])
            .map(|s| Cell::Text(Cow::Owned(s)))
            .map_err(|e| {
                self.at = start;
                self.unexpected(&format!("a JSON string ({e})"))
            })
    }
}

/// A block an import stored: its id and its rows' keys (`BlockWriter::into_stored`).
pub type StoredBlock = (i64, Vec<u8>);

/// Every stored respondent's key, to check an import's respondents against without reading
/// the stored rows.
pub struct StoredKeys {
    /// (key, index into `blocks`, row in the block), sorted by key.
    keys: Vec<(u64, u32, u32)>,
    /// (block id, import id).
    blocks: Vec<(i64, i64)>,
    /// The exact (pilot, wave, respondent id) of each block's rows, read on a key's first
    /// match in the block.
    confirmed: HashMap<u32, HashSet<(String, String, String)>>,
    /// Blocks committed since, by import, merged into `keys` when next asked: the last file
    /// of a command never is, and a million keys take a tenth of a second to sort.
    added: Vec<(i64, Vec<StoredBlock>)>,
}

impl StoredKeys {
    pub fn read(conn: &Connection) -> rusqlite::Result<StoredKeys> {
        let mut stmt = conn.prepare("SELECT id, import_id, keys FROM response_blocks")?;
        let mut rows = stmt.query([])?;
        let mut stored = StoredKeys {
            keys: Vec::new(),
            blocks: Vec::new(),
            confirmed: HashMap::new(),
            added: Vec::new(),
        };
        while let Some(row) = rows.next()? {
            stored.push_block(row.get(0)?, row.get(1)?, row.get_ref(2)?.as_blob()?);
        }
        stored.keys.sort_unstable();
        Ok(stored)
    }

    fn push_block(&mut self, block_id: i64, import_id: i64, keys: &[u8]) {
        let block = self.blocks.len() as u32;
        self.blocks.push((block_id, import_id));
        for (i, key) in keys.chunks_exact(8).enumerate() {
            let key = u64::from_le_bytes(key.try_into().expect("chunks of 8"));
            self.keys.push((key, block, i as u32));
        }
    }

    /// Adds the blocks an import stored (`BlockWriter::into_stored`), after its commit.
    pub fn add(&mut self, import_id: i64, stored: Vec<StoredBlock>) {
        self.added.push((import_id, stored));
    }

    /// Merges the blocks added since the last question into `keys`, in order.
    fn settle(&mut self) {
        if self.added.is_empty() {
            return;
        }
        let old = self.keys.len();
        for (import_id, stored) in std::mem::take(&mut self.added) {
            for (block_id, keys) in stored {
                self.push_block(block_id, import_id, &keys);
            }
        }
        self.keys[old..].sort_unstable();
        let mut merged = Vec::with_capacity(self.keys.len());
        let (mut a, mut b) = (0, old);
        while a < old || b < self.keys.len() {
            if b == self.keys.len() || (a < old && self.keys[a] <= self.keys[b]) {
                merged.push(self.keys[a]);
                a += 1;
            } else {
                merged.push(self.keys[b]);
                b += 1;
            }
        }
        self.keys = merged;
    }

    /// Whether a stored respondent has this key: maybe this respondent, maybe another whose
    /// key is the same (`holder` tells them apart).
    pub fn may_hold(&mut self, key: u64) -> bool {
        self.settle();
        let at = self.keys.partition_point(|k| k.0 < key);
        self.keys.get(at).is_some_and(|k| k.0 == key)
    }

    /// The import that holds this respondent for this pilot and wave, if any.
    pub fn holder(
        &mut self,
        conn: &Connection,
        pilot: &str,
        wave: &str,
        respondent_id: &str,
    ) -> crate::error::Result<Option<i64>> {
        self.settle();
        let key = respondent_key(pilot, wave, respondent_id);
        let start = self.keys.partition_point(|k| k.0 < key);
        // Nearly every respondent is new: no key matches, and nothing is allocated.
        let mut wanted = None;
        for at in start..self.keys.len() {
            let (candidate, block, _) = self.keys[at];
            if candidate != key {
                break;
            }
            if !self.confirmed.contains_key(&block) {
                let held = read_block_keys(conn, self.blocks[block as usize].0)?;
                self.confirmed.insert(block, held);
            }
            let wanted = wanted.get_or_insert_with(|| {
                (
                    pilot.to_string(),
                    wave.to_string(),
                    respondent_id.to_string(),
                )
            });
            if self.confirmed[&block].contains(wanted) {
                return Ok(Some(self.blocks[block as usize].1));
            }
        }
        Ok(None)
    }
}

/// The exact (pilot, wave, respondent id) of every row of a block.
fn read_block_keys(
    conn: &Connection,
    block_id: i64,
) -> crate::error::Result<HashSet<(String, String, String)>> {
    let store = |e| crate::error::Error::Invalid(format!("reading stored block {block_id}: {e}"));
    let rows: String = conn
        .query_row(
            "SELECT rows FROM response_blocks WHERE id = ?1",
            [block_id],
            |r| r.get(0),
        )
        .map_err(|e| store(e.to_string()))?;
    let mut reader = ArrayReader::new(&rows).map_err(store)?;
    let mut cells = Vec::new();
    let mut held = HashSet::new();
    while reader.next_array(&mut cells).map_err(store)? {
        let text = |i: usize| cells.get(i).and_then(Cell::as_str).unwrap_or_default();
        held.insert((
            text(PILOT_ID).to_string(),
            text(WAVE).to_string(),
            text(RESPONDENT_ID).to_string(),
        ));
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_as_written() {
        let mut writer = BlockWriter::new(1, 1);
        writer.begin_row(7);
        writer.int(-3);
        writer.real(2.0);
        writer.real(1e-7);
        writer.null();
        writer.text("a \"quoted\"\n\\ é");
        writer.rows.push(b']');
        writer.rows.push(b']');
        let text = String::from_utf8(writer.rows.clone()).unwrap();
        let mut reader = ArrayReader::new(&text).unwrap();
        let mut cells = Vec::new();
        assert!(reader.next_array(&mut cells).unwrap());
        assert_eq!(
            cells,
            vec![
                Cell::Int(-3),
                Cell::Real(2.0),
                Cell::Real(1e-7),
                Cell::Null,
                Cell::Text("a \"quoted\"\n\\ é".into()),
            ]
        );
        assert!(!reader.next_array(&mut cells).unwrap());
    }

    #[test]
    fn bad_json_is_an_error_naming_the_place() {
        let mut cells = Vec::new();
        let mut reader = ArrayReader::new("[[1,tru]]").unwrap();
        assert_eq!(
            reader.next_array(&mut cells).unwrap_err(),
            "at byte 4 found \"tru]]\"; expected a number, a string or null"
        );
        let mut reader = ArrayReader::new("[[\"open").unwrap();
        assert!(reader.next_array(&mut cells).is_err());
    }

    /// Keys added after a commit are merged in order, so that lookups find them.
    #[test]
    fn added_keys_are_merged_in_order() {
        let block = |keys: &[u64]| {
            keys.iter()
                .flat_map(|k| k.to_le_bytes())
                .collect::<Vec<u8>>()
        };
        let mut stored = StoredKeys {
            keys: Vec::new(),
            blocks: Vec::new(),
            confirmed: HashMap::new(),
            added: Vec::new(),
        };
        stored.add(1, vec![(10, block(&[5, 1, 9]))]);
        stored.settle();
        stored.add(2, vec![(11, block(&[7, 1])), (12, block(&[0, 12]))]);
        stored.settle();
        let keys: Vec<u64> = stored.keys.iter().map(|k| k.0).collect();
        assert_eq!(keys, [0, 1, 1, 5, 7, 9, 12]);
        assert_eq!(stored.blocks, [(10, 1), (11, 2), (12, 2)]);
        assert_eq!(stored.keys[0], (0, 2, 0));
    }

    #[test]
    fn integers_are_written_as_rust_formats_them() {
        for value in [0, 7, 9, 10, 99, 1_000_000, -1, -10, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
    }

    /// Strings are written exactly as serde_json writes them, escaped or not.
    #[test]
    fn text_is_escaped_as_serde_json_escapes_it() {
        for value in [
            "",
            "plain",
            "Très bien; 100% \u{1F600}",
            "a \"quoted\" word",
            "back\\slash",
            "line\nbreak\r\ttab",
            "\u{0}\u{1f}\u{7f}",
        ] {
            let mut out = Vec::new();
            push_text(&mut out, value);
            assert_eq!(out, serde_json::to_vec(value).unwrap(), "{value:?}");
        }
    }

    /// The key is stored on disk: it must not change between versions.
    #[test]
    fn respondent_key_is_stable() {
        assert_eq!(
            respondent_key("P01", "w1", "R00000001"),
            3012539973617726024
        );
    }
}
