//! The embedded SQLite store. One file, queryable from the `sqlite3` shell (schema in the
//! README). Every import is one transaction: a file is either fully stored, with its
//! provenance, or not at all.
//!
//! Layout: responses are kept in blocks of one import (`blocks.rs`), shown to SQL by the view
//! `responses`, a row per response with the metadata columns and then one column per codebook
//! question, named by the question id; new questions add columns.
//!
//! Recommendation tracking lives beside the responses in append-only tables (`tracking.rs`).

mod blocks;
mod counts;
mod rows;
mod schema;
mod tracking;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::analysis::counts::Counts;
use crate::codebook::{Codebook, QuestionKind};
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::ingest::mapping::Answer;
use crate::ingest::{ParsedFile, Problem, RejectedRow, Response};
use blocks::Cell;
pub use rows::EncodedRows;
use rows::RowLayout;
pub use schema::quote_ident;

pub struct Store {
    path: PathBuf,
    conn: Connection,
    /// Every stored respondent's key, kept from one import to the next of this process while
    /// no other connection has written (`PRAGMA data_version` unchanged): a folder of small
    /// exports into a store of a million responses would otherwise read them all per file.
    stored_keys: Option<(i64, blocks::StoredKeys)>,
}

/// One row of the `imports` table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub encoding: String,
    pub imported_at: String,
    pub rows_accepted: i64,
    pub rows_rejected: i64,
    pub codebook_version: String,
    pub dropped_columns: String,
}

/// A free-text answer and where it came from.
#[derive(Debug, Clone)]
pub struct TextAnswer {
    pub pilot_id: String,
    pub wave: String,
    pub role: String,
    pub question_id: String,
    pub value: String,
}

/// What an import did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// The same bytes were imported before; nothing was written.
    AlreadyImported(ImportRecord),
    /// Stored. `rejected` lists the rows left out (only with skip-invalid).
    Stored {
        import_id: i64,
        accepted: usize,
        rejected: Vec<RejectedRow>,
    },
    /// Nothing was stored; `problems` says why.
    Rejected { problems: Vec<Problem> },
    /// Validation only: what an import would store; nothing was written.
    Checked {
        accepted: usize,
        rejected: Vec<RejectedRow>,
    },
}

/// How an import treats invalid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Any invalid row rejects the whole file.
    Strict,
    /// Store the valid rows and report the others.
    SkipInvalid,
    /// Run every check, including those against the store, and write nothing.
    ValidateOnly,
}

/// How long a command waits for another mctrack to finish writing before giving up.
const BUSY_WAIT: Duration = Duration::from_secs(60);

/// SQLite's busy handler: while another process holds the write lock, say so once on stderr
/// and retry with a growing pause, for up to `BUSY_WAIT`. Returning false gives up, and the
/// command fails with "database is locked".
fn wait_while_busy(attempt: i32) -> bool {
    let waited: Duration = (0..attempt).map(busy_pause).sum();
    if waited >= BUSY_WAIT {
        return false;
    }
    if attempt == 10 {
        eprintln!(
            "mctrack: the store is busy (another mctrack is writing to it); waiting and retrying..."
        );
    }
    std::thread::sleep(busy_pause(attempt));
    true
}

/// Short pauses first, for a write that is about to finish; longer ones for an import.
fn busy_pause(attempt: i32) -> Duration {
    Duration::from_millis(match attempt {
        0..=9 => 10,
        10..=29 => 50,
        _ => 200,
    })
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| store_error(path, e))?;
        let mut store = Store {
            path: path.to_path_buf(),
            conn,
            stored_keys: None,
        };
        store
            .conn
            .busy_handler(Some(wait_while_busy))
            .and_then(|_| store.conn.execute_batch(schema::PRAGMAS))
            .and_then(|_| store.conn.execute_batch(schema::CREATE))
            .map_err(|e| store.error(e))?;
        schema::migrate(&mut store.conn).map_err(|e| store.error(e))?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        store_error(&self.path, e)
    }

    pub fn find_import_by_hash(&self, sha256: &str) -> Result<Option<ImportRecord>> {
        Ok(self
            .list_imports_where("WHERE sha256 = ?1", params![sha256])?
            .into_iter()
            .next())
    }

    pub fn list_imports(&self) -> Result<Vec<ImportRecord>> {
        self.list_imports_where("ORDER BY id", params![])
    }

    fn list_imports_where(
        &self,
        clause: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<ImportRecord>> {
        let sql = format!(
            "SELECT id, file_name, sha256, format, encoding, imported_at, rows_accepted, rows_rejected, codebook_version, dropped_columns FROM imports {clause}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok(ImportRecord {
                    id: r.get(0)?,
                    file_name: r.get(1)?,
                    sha256: r.get(2)?,
                    format: r.get(3)?,
                    encoding: r.get(4)?,
                    imported_at: r.get(5)?,
                    rows_accepted: r.get(6)?,
                    rows_rejected: r.get(7)?,
                    codebook_version: r.get(8)?,
                    dropped_columns: r.get(9)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.error(e))
    }

    /// Removes one import and all its responses, in one transaction. Returns how many
    /// responses went with it.
    pub fn remove_import(&mut self, id: i64) -> Result<usize> {
        let path = self.path.clone();
        let tx = write_transaction(&mut self.conn, &path)?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM imports WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )
            .map_err(|e| store_error(&path, e))?;
        if !exists {
            return Err(Error::Invalid(format!(
                "there is no import #{id}; `mctrack imports` lists them"
            )));
        }
        let removed: i64 = tx
            .query_row(
                "SELECT coalesce(sum(row_count), 0) FROM response_blocks WHERE import_id = ?1",
                [id],
                |r| r.get(0),
            )
            .map_err(|e| store_error(&path, e))?;
        tx.execute("DELETE FROM imports WHERE id = ?1", [id])
            .map_err(|e| store_error(&path, e))?;
        tx.commit().map_err(|e| store_error(&path, e))?;
        self.stored_keys = None;
        Ok(removed as usize)
    }

    /// Imports one parsed file under `mode`, all or nothing.
    pub fn import(
        &mut self,
        parsed: &ParsedFile,
        codebook: &Codebook,
        mode: Mode,
    ) -> Result<ImportOutcome> {
        self.import_batches(parsed, &mut || None, codebook, mode)
    }

    /// Imports a file read in batches (`ingest::Batches`): `parsed` is the first, with the
    /// file's description, and `more` gives the rest. All or nothing, as `import`: a later
    /// batch with a problem with the file as a whole rolls everything back.
    pub fn import_batches(
        &mut self,
        parsed: &ParsedFile,
        more: &mut dyn FnMut() -> Option<ParsedFile>,
        codebook: &Codebook,
        mode: Mode,
    ) -> Result<ImportOutcome> {
        if let Some(existing) = self.find_import_by_hash(&parsed.sha256)? {
            return Ok(ImportOutcome::AlreadyImported(existing));
        }
        if !parsed.file_problems.is_empty() || (mode == Mode::Strict && !parsed.rejected.is_empty())
        {
            return Ok(ImportOutcome::Rejected {
                problems: parsed.problems().cloned().collect(),
            });
        }
        let path = self.path.clone();
        let tx = write_transaction(&mut self.conn, &path)?;
        let err = |e| store_error(&path, e);
        if raced(&tx, &parsed.sha256).map_err(err)? {
            drop(tx);
            return self.already_imported(&parsed.sha256);
        }
        let import_id = begin_import(&tx, parsed, codebook).map_err(err)?;
        let mut rejected = parsed.rejected.clone();
        let mut accepted = 0usize;
        let mut counts = Counts::new(codebook);
        let source = counts.add_source(parsed.questions_present(codebook.questions.len()));
        let mut duplicates = Vec::new();
        let (version, mut stored) = stored_keys(&tx, &mut self.stored_keys).map_err(err)?;
        let written = {
            let layout = RowLayout::read(&tx, codebook).map_err(err)?;
            let mut writer =
                blocks::BlockWriter::new(import_id, blocks::next_response_id(&tx).map_err(err)?);
            let mut batch: Option<ParsedFile> = None;
            loop {
                let current = batch.as_ref().unwrap_or(parsed);
                for response in &current.responses {
                    let wave = &codebook.waves[response.wave];
                    if let Some(holder) =
                        stored.holder(&tx, &response.pilot, wave, &response.respondent_id)?
                    {
                        duplicates.push((response.clone(), holder));
                        continue;
                    }
                    accepted += 1;
                    // A validation writes nothing, so it counts nothing.
                    if mode == Mode::ValidateOnly {
                        continue;
                    }
                    // Positioned by response id: the order `load` reads numeric answers in.
                    counts.add_response(source, writer.next_id() as u64, response);
                    layout.write(&mut writer, response, codebook);
                    writer.end_row(&tx).map_err(err)?;
                }
                if batch.is_some() {
                    rejected.extend(current.rejected.iter().cloned());
                }
                batch = match more() {
                    Some(next) if !next.file_problems.is_empty() => {
                        return Ok(ImportOutcome::Rejected {
                            problems: next.file_problems,
                        });
                    }
                    Some(next) => Some(next),
                    None => break,
                };
            }
            writer.finish(&tx).map_err(err)?;
            writer.into_stored()
        };
        // A file with invalid rows is refused in strict mode with just their problems, as
        // `import` refuses it before storing anything; here they came in later batches.
        if mode == Mode::Strict && !rejected.is_empty() {
            tx.rollback().map_err(err)?;
            return Ok(ImportOutcome::Rejected {
                problems: rejected.into_iter().flat_map(|r| r.reasons).collect(),
            });
        }
        for (response, first) in &duplicates {
            rejected.push(RejectedRow {
                source_row: response.source_row,
                fields: Vec::new(),
                reasons: vec![Problem::new(
                    &parsed.display_name,
                    response.source_row,
                    &parsed.respondent_id_header,
                    &response.respondent_id,
                    &format!(
                        "a respondent not yet stored for pilot {} wave {}; import #{first} already holds this id",
                        response.pilot, codebook.waves[response.wave]
                    ),
                )],
            });
        }
        rejected.sort_by_key(|r| r.source_row);
        if mode == Mode::ValidateOnly {
            tx.rollback().map_err(err)?;
            self.stored_keys = Some((version, stored));
            return Ok(ImportOutcome::Checked { accepted, rejected });
        }
        let outcome = end_import(tx, mode, import_id, &counts, codebook, (accepted, rejected))
            .map_err(err)?;
        if matches!(outcome, ImportOutcome::Stored { .. }) {
            stored.add(import_id, written);
        }
        self.stored_keys = Some((version, stored));
        Ok(outcome)
    }

    /// Runs `write` with the store in rollback-journal mode when no other connection has it
    /// open, and in WAL mode again after (or, if another command opened it meanwhile, at its
    /// next opening). For a large import: in WAL mode its blocks are written twice, into the
    /// WAL and then into the database when it is checkpointed, which took a third of a
    /// million-row import; in rollback-journal mode the new pages go straight into the
    /// database file. Other commands wait for it, as for any writer.
    pub fn bulk<T>(&mut self, write: impl FnOnce(&mut Store) -> T) -> T {
        let journal = |conn: &Connection, mode: &str| {
            conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| {
                r.get::<_, String>(0)
            })
            .is_ok_and(|now| now.eq_ignore_ascii_case(mode))
        };
        let bulk = journal(&self.conn, "DELETE")
            && self.conn.execute_batch("PRAGMA synchronous = FULL").is_ok();
        let written = write(self);
        if bulk && journal(&self.conn, "WAL") {
            // Back to the setting every opening makes.
            let _ = self.conn.execute_batch("PRAGMA synchronous = NORMAL");
        }
        written
    }

    /// Imports a file read by the streaming import (`ingest::stream::import_file`), all or
    /// nothing, under `mode` (strict: a file with invalid rows is refused). `read` is given the
    /// response id of the first row (which positions numeric answers), a maker of the encoder
    /// of one segment's rows, the counts to fill, and the function that stores each segment's
    /// rows in file order (with the number of data records before it); it gives the number of
    /// rows accepted and the rows rejected, or None when the file turns out not to be for the
    /// fast path, and then nothing is stored and this gives None. `head` describes the file.
    /// Its hash may be left empty and given by `sha256` once the rows are read: it is then
    /// taken beside them, and the bytes are found to be stored already only at the end.
    /// `import` runs it inside `bulk`.
    pub fn import_streamed(
        &mut self,
        head: &ParsedFile,
        codebook: &Codebook,
        mode: Mode,
        sha256: impl FnOnce() -> Result<String>,
        read: impl for<'e> FnOnce(
            u64,
            &(dyn Fn() -> EncodedRows<'e> + Sync),
            &mut Counts,
            &mut dyn FnMut(EncodedRows<'e>, u64) -> Result<bool>,
        ) -> Result<Option<(usize, Vec<RejectedRow>)>>,
    ) -> Result<Option<ImportOutcome>> {
        let known = !head.sha256.is_empty();
        if known {
            if let Some(existing) = self.find_import_by_hash(&head.sha256)? {
                return Ok(Some(ImportOutcome::AlreadyImported(existing)));
            }
        }
        let path = self.path.clone();
        let tx = write_transaction(&mut self.conn, &path)?;
        let err = |e| store_error(&path, e);
        if known && raced(&tx, &head.sha256).map_err(err)? {
            drop(tx);
            return self.already_imported(&head.sha256).map(Some);
        }
        // Without its hash yet, the import is recorded under an empty one (which no finished
        // import has, and which this transaction replaces before it commits).
        let import_id = begin_import(&tx, head, codebook).map_err(err)?;
        let (version, mut stored) = stored_keys(&tx, &mut self.stored_keys).map_err(err)?;
        let layout = RowLayout::read(&tx, codebook).map_err(err)?;
        let first_id = blocks::next_response_id(&tx).map_err(err)?;
        let mut writer = blocks::BlockWriter::new(import_id, first_id);
        let mut counts = Counts::new(codebook);
        let accepted = {
            // Each segment's buffers are used again for a later one: fresh ones cost page
            // faults and growing by doubling.
            let spare = std::sync::Mutex::new(Vec::new());
            let mut store_rows = one_lifetime(|mut rows, records_before| {
                let (mut values_from, mut texts_from) = (0, 0);
                let mut texts = rows.text_rows.iter().peekable();
                for (i, &(key, record, values_end)) in rows.rows.iter().enumerate() {
                    // A respondent that may be stored already is for the exact path to judge.
                    if stored.may_hold(key) {
                        return Ok(false);
                    }
                    writer.begin_row(key);
                    // The header is the file's first record: data records count from 2.
                    writer.int((records_before + u64::from(record) + 2) as i64);
                    let values_end = values_end as usize;
                    writer
                        .values()
                        .extend_from_slice(&rows.values[values_from..values_end]);
                    values_from = values_end;
                    while let Some(&&(_, end)) = texts.peek().filter(|(row, _)| *row as usize == i)
                    {
                        writer.encoded_text_answer(&rows.texts[texts_from..end as usize]);
                        texts_from = end as usize;
                        texts.next();
                    }
                    writer.end_row(&tx).map_err(err)?;
                }
                rows.clear();
                if let Ok(mut spare) = spare.lock() {
                    spare.push(rows);
                }
                Ok(true)
            });
            let encoder = || {
                let reused = spare.lock().ok().and_then(|mut spare| spare.pop());
                reused.unwrap_or_else(|| EncodedRows::new(&layout, codebook))
            };
            read(first_id as u64, &encoder, &mut counts, &mut store_rows)?
        };
        let Some((accepted, rejected)) = accepted else {
            // Nothing was stored: the keys still hold for the exact path.
            self.stored_keys = Some((version, stored));
            return Ok(None);
        };
        if !known {
            let sha256 = sha256()?;
            if raced(&tx, &sha256).map_err(err)? {
                drop(tx);
                return self.already_imported(&sha256).map(Some);
            }
            tx.execute(
                "UPDATE imports SET sha256 = ?1 WHERE id = ?2",
                params![sha256, import_id],
            )
            .map_err(err)?;
        }
        // Now that the bytes are known not to be stored already, a strict import with invalid
        // rows is refused (`end_import`), as the exact path refuses it.
        writer.finish(&tx).map_err(err)?;
        let outcome = end_import(tx, mode, import_id, &counts, codebook, (accepted, rejected))
            .map_err(err)?;
        if matches!(outcome, ImportOutcome::Stored { .. }) {
            stored.add(import_id, writer.into_stored());
        }
        self.stored_keys = Some((version, stored));
        Ok(Some(outcome))
    }

    /// The outcome for bytes another process imported while this one waited to write.
    fn already_imported(&self, sha256: &str) -> Result<ImportOutcome> {
        match self.find_import_by_hash(sha256)? {
            Some(existing) => Ok(ImportOutcome::AlreadyImported(existing)),
            None => Err(self.error(rusqlite::Error::QueryReturnedNoRows)),
        }
    }

    /// Every stored free-text answer with the pilot, wave and role of its response: only the
    /// report reads them, and only when asked to show comments.
    pub fn text_answers(&self) -> Result<Vec<TextAnswer>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.pilot_id, r.wave, r.role, t.question_id, t.value
                 FROM text_answers t JOIN responses r ON r.id = t.response_id
                 ORDER BY t.question_id, r.pilot_id, r.wave, r.id",
            )
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TextAnswer {
                    pilot_id: r.get(0)?,
                    wave: r.get(1)?,
                    role: r.get(2)?,
                    question_id: r.get(3)?,
                    value: r.get(4)?,
                })
            })
            .map_err(|e| self.error(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.error(e))
    }

    /// The summary counts of every import, as counted under `codebook`'s layout; None when
    /// an import has none under it (the codebook changed, or the store predates them), and
    /// `load` must be used.
    pub fn load_counts(&self, codebook: &Codebook) -> Result<Option<Counts>> {
        let layout = counts::layout_signature(codebook);
        let missing: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM imports i LEFT JOIN import_counts c ON c.import_id = i.id
                 WHERE c.layout IS NULL OR c.layout <> ?1",
                [&layout],
                |r| r.get(0),
            )
            .map_err(|e| self.error(e))?;
        if missing > 0 {
            return Ok(None);
        }
        let mut present = self.questions_present(codebook)?;
        let mut stmt = self
            .conn
            .prepare("SELECT import_id, pilots, cells FROM import_counts ORDER BY import_id")
            .map_err(|e| self.error(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.error(e))?;
        let mut all = Counts::new(codebook);
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let import: i64 = row.get(0).map_err(|e| self.error(e))?;
            let pilots: String = row.get(1).map_err(|e| self.error(e))?;
            let cells: Vec<u8> = row.get(2).map_err(|e| self.error(e))?;
            let source = all.add_source(present.remove(&import).unwrap_or_default());
            if counts::decode_into(&mut all, codebook, source, &pilots, &cells).is_none() {
                return Ok(None);
            }
        }
        Ok(Some(all))
    }

    /// Loads every stored response into a `Dataset` for `codebook`. A stored answer that the
    /// codebook no longer defines is an error naming the response and question.
    pub fn load(&self, codebook: &Codebook) -> Result<Dataset> {
        let layout = RowLayout::read(&self.conn, codebook).map_err(|e| self.error(e))?;
        let question_slots: Vec<(usize, usize)> = layout
            .questions
            .iter()
            .enumerate()
            .filter_map(|(i, q)| q.map(|q| (q, blocks::META_COLUMNS.len() + i)))
            .collect();
        let mut stmt = self
            .conn
            .prepare("SELECT id, import_id, first_id, rows FROM response_blocks ORDER BY first_id")
            .map_err(|e| self.error(e))?;
        let decoders: Vec<Decoder> = codebook
            .questions
            .iter()
            .map(|q| Decoder::new(codebook, q))
            .collect();
        let texts = self.answered_texts(codebook)?;
        let mut next_text = 0;
        let mut present_by_import = self.questions_present(codebook)?;
        let mut sources: HashMap<i64, u32> = HashMap::new();
        let mut dataset = Dataset::new(codebook);
        let mut rows = stmt.query([]).map_err(|e| self.error(e))?;
        let mut response = Response::blank(codebook);
        let (mut waves, mut roles) = (Distinct::default(), Distinct::default());
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let block: i64 = row.get(0).map_err(|e| self.error(e))?;
            let import_id: i64 = row.get(1).map_err(|e| self.error(e))?;
            let first_id: i64 = row.get(2).map_err(|e| self.error(e))?;
            let source = *sources.entry(import_id).or_insert_with(|| {
                dataset.add_source(present_by_import.remove(&import_id).unwrap_or_default())
            });
            let bad_block = |e: String| {
                Error::Invalid(format!(
                    "the store's response block {block} (import #{import_id}) cannot be read: {e}; remove that import and import its file again"
                ))
            };
            let mut reader = blocks::ArrayReader::new(text_at(row, 3).map_err(|e| self.error(e))?)
                .map_err(bad_block)?;
            let mut id = first_id;
            let mut cells = Vec::new();
            while reader.next_array(&mut cells).map_err(bad_block)? {
                let text = |i: usize| {
                    cells.get(i).and_then(Cell::as_str).ok_or_else(|| {
                        bad_block(format!(
                            "response {id} has no {} text",
                            blocks::META_COLUMNS[i].0
                        ))
                    })
                };
                let number = |i: usize| match cells.get(i) {
                    Some(Cell::Real(x)) => Some(*x),
                    Some(Cell::Int(x)) => Some(*x as f64),
                    _ => None,
                };
                response.respondent_id.clear();
                response
                    .respondent_id
                    .push_str(text(blocks::RESPONDENT_ID)?);
                response.pilot.clear();
                response.pilot.push_str(text(blocks::PILOT_ID)?);
                let wave = text(blocks::WAVE)?;
                response.wave = waves
                    .index(wave, |w| codebook.wave_index(w))
                    .ok_or_else(|| undefined(codebook, "wave", wave, &codebook.waves))?;
                let role = text(blocks::ROLE)?;
                response.role = roles
                    .index(role, |r| codebook.role_index(r))
                    .ok_or_else(|| undefined(codebook, "role", role, &codebook.roles))?;
                response.weight = number(blocks::WEIGHT);
                response.quality.duration_seconds = number(blocks::DURATION);
                for answer in response.answers.iter_mut() {
                    *answer = Answer::Missing;
                }
                for &(q, slot) in &question_slots {
                    let value = cells.get(slot).map_or(ValueRef::Null, Cell::as_value_ref);
                    response.answers[q] = decoders[q].decode(value).ok_or_else(|| {
                        let value = match value {
                            ValueRef::Integer(i) => i.to_string(),
                            ValueRef::Real(x) => x.to_string(),
                            ValueRef::Text(t) => format!("\"{}\"", String::from_utf8_lossy(t)),
                            ValueRef::Null => "nothing".into(),
                            ValueRef::Blob(_) => "a blob".into(),
                        };
                        Error::Invalid(format!(
                            "the store holds {value} for question {} of response {} (pilot {}), which the codebook {} does not define; re-import with the codebook it was imported with, or remove that import",
                            codebook.questions[q].id,
                            response.respondent_id,
                            response.pilot,
                            codebook.path.display()
                        ))
                    })?;
                }
                while let Some(&(response_id, q)) = texts.get(next_text) {
                    if response_id > id {
                        break;
                    }
                    if response_id == id {
                        response.answers[q] = Answer::Text(String::new());
                    }
                    next_text += 1;
                }
                dataset.push(source, &response);
                id += 1;
            }
        }
        Ok(dataset)
    }

    /// Per import, which codebook questions its export had a column for. An import without
    /// any record (made before mctrack recorded this) counts as having had them all: an empty
    /// vector, which `Dataset::asked` reads as present.
    fn questions_present(&self, codebook: &Codebook) -> Result<HashMap<i64, Vec<bool>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT import_id, question_id FROM import_questions")
            .map_err(|e| self.error(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.error(e))?;
        let mut map: HashMap<i64, Vec<bool>> = HashMap::new();
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let import: i64 = row.get(0).map_err(|e| self.error(e))?;
            let question: String = row.get(1).map_err(|e| self.error(e))?;
            if let Some(q) = codebook.question_index(&question) {
                map.entry(import)
                    .or_insert_with(|| vec![false; codebook.questions.len()])[q] = true;
            }
        }
        Ok(map)
    }

    /// Which text questions each response answered, in response order.
    fn answered_texts(&self, codebook: &Codebook) -> Result<Vec<(i64, usize)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT b.id, b.first_id, t.answers FROM text_blocks t
                 JOIN response_blocks b ON b.id = t.block_id ORDER BY b.first_id",
            )
            .map_err(|e| self.error(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.error(e))?;
        let mut answered = Vec::new();
        let mut questions = Distinct::default();
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let block: i64 = row.get(0).map_err(|e| self.error(e))?;
            let first_id: i64 = row.get(1).map_err(|e| self.error(e))?;
            let bad_block = |e: String| {
                Error::Invalid(format!(
                    "the store's free-text answers of response block {block} cannot be read: {e}"
                ))
            };
            let mut reader = blocks::ArrayReader::new(text_at(row, 2).map_err(|e| self.error(e))?)
                .map_err(bad_block)?;
            let mut cells = Vec::new();
            while reader.next_array(&mut cells).map_err(bad_block)? {
                let (Some(Cell::Int(row_in_block)), Some(question_id)) =
                    (cells.first(), cells.get(1).and_then(Cell::as_str))
                else {
                    return Err(bad_block("expected [row, question, text]".into()));
                };
                if let Some(q) = questions.index(question_id, |id| codebook.question_index(id)) {
                    answered.push((first_id + row_in_block, q));
                }
            }
        }
        Ok(answered)
    }
}

/// `store_rows` of `Store::import_streamed`, for rows of one lifetime only (not any), so that
/// it can keep their buffers for later segments.
fn one_lifetime<'e, F: FnMut(EncodedRows<'e>, u64) -> Result<bool>>(store_rows: F) -> F {
    store_rows
}

/// Every stored respondent's key, from `cache` while no other connection has written since
/// (`PRAGMA data_version` unchanged), else read; with the version to cache them under again.
fn stored_keys(
    tx: &Connection,
    cache: &mut Option<(i64, blocks::StoredKeys)>,
) -> rusqlite::Result<(i64, blocks::StoredKeys)> {
    let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let keys = match cache.take() {
        Some((cached, keys)) if cached == version => keys,
        _ => blocks::StoredKeys::read(tx)?,
    };
    Ok((version, keys))
}

/// Whether another process imported the same bytes since this one checked; asked once the
/// write lock is held, when the answer cannot change.
fn raced(tx: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT id FROM imports WHERE sha256 = ?1",
        params![sha256],
        |r| r.get::<_, i64>(0),
    )
    .optional()
    .map(|id| id.is_some())
}

/// Records the start of an import: the question columns this codebook needs, the file's
/// provenance and which questions it has. Gives the import's id.
fn begin_import(
    tx: &Connection,
    parsed: &ParsedFile,
    codebook: &Codebook,
) -> rusqlite::Result<i64> {
    schema::ensure_question_columns(tx, codebook)?;
    tx.execute(
        "INSERT INTO imports (file_name, sha256, format, encoding, imported_at, rows_accepted, rows_rejected, codebook_version, dropped_columns)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?7)",
        params![
            parsed.display_name,
            parsed.sha256,
            parsed.platform.name(),
            parsed.encoding,
            chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            codebook.version,
            parsed.dropped_identifiers().join("; "),
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    let mut insert =
        tx.prepare("INSERT INTO import_questions (import_id, question_id) VALUES (?1, ?2)")?;
    let present = parsed.questions_present(codebook.questions.len());
    for (question, _) in codebook.questions.iter().zip(present).filter(|(_, p)| *p) {
        insert.execute(params![import_id, question.id])?;
    }
    Ok(import_id)
}

/// Ends an import: a strict one with invalid rows is refused with just their problems and
/// rolled back; any other is committed with its counts and how many rows were accepted and
/// rejected.
fn end_import(
    tx: Transaction,
    mode: Mode,
    import_id: i64,
    counts: &Counts,
    codebook: &Codebook,
    (accepted, rejected): (usize, Vec<RejectedRow>),
) -> rusqlite::Result<ImportOutcome> {
    if mode == Mode::Strict && !rejected.is_empty() {
        tx.rollback()?;
        return Ok(ImportOutcome::Rejected {
            problems: rejected.into_iter().flat_map(|r| r.reasons).collect(),
        });
    }
    let (pilots, cells) = counts::encode(counts);
    tx.execute(
        "INSERT INTO import_counts (import_id, layout, pilots, cells) VALUES (?1, ?2, ?3, ?4)",
        params![import_id, counts::layout_signature(codebook), pilots, cells],
    )?;
    tx.execute(
        "UPDATE imports SET rows_accepted = ?1, rows_rejected = ?2 WHERE id = ?3",
        params![accepted as i64, rejected.len() as i64, import_id],
    )?;
    tx.commit()?;
    Ok(ImportOutcome::Stored {
        import_id,
        accepted,
        rejected,
    })
}

/// Opens an IMMEDIATE transaction on the store at `path`, which takes the write lock at once,
/// so that what it reads cannot be overtaken by another writer.
fn write_transaction<'c>(conn: &'c mut Connection, path: &Path) -> Result<Transaction<'c>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| store_error(path, e))
}

fn store_error(path: &Path, source: rusqlite::Error) -> Error {
    Error::Store {
        path: path.to_path_buf(),
        source,
    }
}

/// The stored spellings of a wave, role or question id met so far, and the codebook's index
/// for each (None: the codebook lacks it): a store holds a handful, so each is matched against
/// the codebook once, not once per row.
#[derive(Default)]
struct Distinct {
    seen: Vec<(String, Option<usize>)>,
}

impl Distinct {
    fn index(&mut self, stored: &str, lookup: impl FnOnce(&str) -> Option<usize>) -> Option<usize> {
        if let Some((_, index)) = self.seen.iter().find(|(s, _)| s == stored) {
            return *index;
        }
        let index = lookup(stored);
        self.seen.push((stored.to_string(), index));
        index
    }
}

/// A text column of `row`, read in place.
fn text_at<'r>(row: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(Into::into)
}

/// A stored wave or role (`kind`) that the codebook does not define.
fn undefined(codebook: &Codebook, kind: &str, stored: &str, defined: &[String]) -> Error {
    Error::Invalid(format!(
        "the store holds {kind} \"{stored}\", which the codebook {} does not define; expected one of {}",
        codebook.path.display(),
        defined.join(", ")
    ))
}

/// Turns a stored value back into an answer under the current codebook.
struct Decoder {
    kind: QuestionKind,
    /// Likert: each level's scale code, in order (a short list, searched without hashing).
    scale: Vec<i64>,
    /// Single and multi-select: option code to 1-based level.
    codes: HashMap<String, u8>,
}

impl Decoder {
    fn new(codebook: &Codebook, question: &crate::codebook::Question) -> Decoder {
        let scale = match question.kind {
            QuestionKind::Likert => codebook
                .scale_of(question)
                .map(|s| s.levels.iter().map(|l| l.code).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let codes = match question.kind {
            QuestionKind::Single | QuestionKind::Multi => question
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| (o.code.clone(), (i + 1) as u8))
                .collect(),
            _ => HashMap::new(),
        };
        Decoder {
            kind: question.kind,
            scale,
            codes,
        }
    }

    /// A stored value as an answer, read in place (no copy of a text value).
    fn decode(&self, value: ValueRef) -> Option<Answer> {
        match (self.kind, value) {
            (_, ValueRef::Null) => Some(Answer::Missing),
            (QuestionKind::Likert, ValueRef::Integer(code)) => self
                .scale
                .iter()
                .position(|c| *c == code)
                .map(|i| Answer::Level(i as u8 + 1)),
            (QuestionKind::YesNo, ValueRef::Integer(v @ 0..=1)) => Some(Answer::Level(v as u8 + 1)),
            (QuestionKind::Single, ValueRef::Text(code)) => std::str::from_utf8(code)
                .ok()
                .and_then(|code| self.codes.get(code))
                .map(|l| Answer::Level(*l)),
            (QuestionKind::Multi, ValueRef::Text(codes)) => {
                let mut set = 0u64;
                for code in std::str::from_utf8(codes).ok()?.split(';') {
                    set |= 1 << (self.codes.get(code)? - 1);
                }
                Some(Answer::Choices(set))
            }
            (QuestionKind::Numeric, ValueRef::Real(x)) => Some(Answer::Number(x)),
            (QuestionKind::Numeric, ValueRef::Integer(x)) => Some(Answer::Number(x as f64)),
            _ => None,
        }
    }
}
