//! Streaming: a CSV export read without holding its rows, in segments on every core, either
//! counted straight into `Counts` (the summary, `count_file`) or with its rows also encoded as
//! stored, segment by segment, for the store to insert in file order (the import,
//! `import_file`). Each row is checked exactly as `parse_rows` checks it (the same metadata
//! and value functions decide, through a per-column cache of distinct raw values); the summary
//! leaves a row that fails out and counts it, as the in-memory path does, and the import
//! leaves the whole file to the exact path.
//!
//! A file is streamed only when the fast path can promise the in-memory path's result: a
//! UTF-8, comma-separated, one-header-row generic export with no mapping file, no defaults and
//! no columns but identifiers, metadata (id, pilot, wave, role, submission date) and whole
//! questions, and no weight column. Anything else, a duplicate respondent id (told by a 64-bit
//! fingerprint, so a rare false alarm only costs time), or a field that is not UTF-8 or holds
//! a NUL byte sends the caller to the in-memory path, which then decides exactly.
//!
//! Both cut the file into segments of about `SEGMENT_BYTES`, each starting just after a
//! newline, which the threads take in turn. A newline may sit inside a quoted field, so each
//! segment is read on past its end to the next record start, and the cut is accepted only if
//! that is exactly where the next segment began. Otherwise the summary counts the file again
//! in one piece, and the import reads the segment that began in the wrong place again from
//! where the one before it stopped.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::analysis::counts::{CellKey, Counts, Layout, Slots};
use crate::codebook::{QuestionKind, Survey};
use crate::error::{Error, Result};
use crate::ingest::formats::Platform;
use crate::ingest::mapping::{Answer, ColumnTarget, MetaField, ValueMap};
use crate::ingest::split::{self, Record, SplitError, Splitter};
use crate::ingest::{
    parse_bytes, parse_meta, ImportOptions, ParsedFile, Problem, RejectedRow, Response,
    MAX_FIELD_BYTES,
};

/// How much of the file is read to find its header, layout and encoding, and how many of its
/// lines are parsed for that: enough for any platform's header rows and a few responses, while
/// parsing them whole stays a small part of the summary's serial work.
const PREFIX: usize = 64 * 1024;
const PREFIX_LINES: usize = 32;
/// Files smaller than this are best counted in one piece: threads would cost more than they
/// save.
pub const MIN_PARALLEL: u64 = 4 << 20;
/// The read buffer of each segment where the file cannot be mapped, and the longest record a
/// segment may hold in view (a longer one is left to the in-memory path, which refuses fields
/// over `MAX_FIELD_BYTES`).
const BLOCK: usize = 1 << 20;
const MAX_RECORD: usize = 4 << 20;
/// How much of the file a segment maps at once, where it can be mapped: a segment and the
/// record it reads on into, most of the time.
const MAP_WINDOW: u64 = 8 << 20;
/// Distinct raw values remembered per column; past this, values are parsed each time.
const CACHE_LIMIT: usize = 256;

/// A streamed file: its name for messages, rows left out, and problems with the file as a
/// whole (which stop the summary, as they do in the in-memory path).
pub struct Streamed {
    pub display_name: String,
    pub rejected: usize,
    pub file_problems: Vec<Problem>,
}

/// What a column holds, for the fast path.
#[derive(Clone, Copy, PartialEq)]
enum Action {
    Skip,
    Id,
    Meta(MetaField),
    /// The submission date: checked, and kept with the end time it gives.
    Submitted,
    /// A Likert, single-choice or yes/no question, read as a level (0 for missing).
    Levels(usize),
    Text(usize),
    Numeric(usize),
    /// A select-all question.
    Choices(usize),
}

/// A level cell that the question's value map refuses.
const INVALID_LEVEL: u8 = u8::MAX;
/// A one-byte or empty level cell not yet met in its column.
const UNSEEN_LEVEL: u8 = u8::MAX - 1;
/// Slots per column in `Reader::short_levels`: one per byte value. The empty cell has the
/// comma's slot: in a plain record the byte where an empty field starts is the comma that ends
/// it, so a rating cell is looked up by its first byte, empty or not, without a branch; a
/// one-byte field holding a comma (quoted) is looked up in `level_caches` instead.
const SHORT_SLOTS: usize = 256;
/// `Plan::column_levels` of a column that is not a level question's.
const NOT_LEVELS: u32 = u32::MAX;

/// One cell understood, without allocating.
#[derive(Clone, Copy, PartialEq)]
enum Code {
    Missing,
    Level(u8),
    Choices(u64),
    Answered,
    Number(f64),
}

/// What is fixed for the whole file.
struct Plan<'a> {
    survey: &'a Survey,
    actions: Vec<Action>,
    /// Each column's level question (`Action::Levels`), `NOT_LEVELS` for other columns: what
    /// `Reader::rating_run` reads, smaller than an `Action`.
    column_levels: Vec<u32>,
    /// How many level columns follow one another from each column, their questions in order
    /// too (as in codebook order), the row's last column not counted (its end is the record's,
    /// which `plain_record` checks): 0 for a column that is not a level question's.
    level_runs: Vec<usize>,
    value_maps: Vec<ValueMap>,
    layout: Layout,
    /// Each level question, its first counter (the missing slot) and its number of levels.
    level_questions: Vec<(usize, usize, usize)>,
    /// A row's levels are tallied (`tally_levels`) per cell in `tally_len` bytes: a row of
    /// `tally_width` bytes (the questions rounded up to a multiple of 16) for each level value,
    /// 1 to the most levels of a question. Missing answers are the rows tallied less those.
    tally_width: usize,
    tally_len: usize,
    other_questions: Vec<usize>,
    /// Each consent question and the questions it gates.
    gates: Vec<(usize, Vec<usize>)>,
    separators: &'static [&'static str],
    /// `position` of a row, ordering numeric answers: `base_position` + its byte offset for
    /// the summary; for the import (`by_row`), its place among the rows the chunk accepted,
    /// to which `merge_chunk` adds the response id of the chunk's first row.
    base_position: u64,
    by_row: bool,
    /// The average length of the first records, to size each chunk's list of fingerprints
    /// once rather than let it grow by doubling and leave the smaller lists behind.
    bytes_per_row: u64,
}

/// The counts of one segment (the import) or of every segment one thread read (the summary).
/// Cells are (local pilot, wave, role), `layout.width` counters each.
struct Chunk {
    pilots: Vec<String>,
    /// Rows are counted in 16-bit counters, a quarter of the cache lines a row touches and of
    /// the memory of 64-bit ones. A cell whose row count would overflow (no counter of a cell
    /// exceeds its row count) is first added into `overflow`, which is empty until then.
    counters: Vec<u16>,
    overflow: Vec<u64>,
    /// Each cell's levels since they were last added into its counters, as `tally_levels`
    /// counts them, and how many rows that is (at most 255, the most a byte holds).
    level_tallies: Vec<u8>,
    tallied: Vec<u8>,
    numbers: Vec<(usize, u32, u64, f64)>,
    /// Of each accepted row's respondent.
    fingerprints: Fingerprints,
    data_rows: usize,
    rejected: usize,
    /// For the import, each rejected row: its record in the chunk and its bytes, for the exact
    /// path to say what is wrong with it.
    rejected_records: Vec<(u64, Vec<u8>)>,
    /// Rows whose answers to a consent-gated module were discarded for want of consent.
    without_consent: usize,
    /// Records read, blank and rejected ones included: the rows of a chunk are numbered from
    /// those of the chunks before it.
    records: u64,
    /// Where the last segment read began (its first record), and the first record at or past
    /// its end (u64::MAX for the end of the file).
    began_at: u64,
    stopped_at: u64,
}

/// A file opened for the fast path: its first rows parsed (header, platform, encoding,
/// columns), and what is fixed for reading the rest.
pub struct Opened<'a> {
    pub head: ParsedFile,
    plan: Plan<'a>,
    path: PathBuf,
    options: ImportOptions,
    /// The header record's bytes, its line end included.
    header: Vec<u8>,
    data_start: u64,
    len: u64,
}

impl Opened<'_> {
    /// The file opened for `import_file`: numeric answers positioned by row, not by byte,
    /// and rows with problems kept for the exact path's reasons.
    pub fn for_import(mut self) -> Self {
        self.plan.by_row = true;
        self
    }
}

/// Opens `path` for the fast path; None when it is not for it (see the module notes).
pub fn open<'a>(
    path: &Path,
    survey: &'a Survey,
    options: &ImportOptions,
    layout: &Layout,
) -> Result<Option<Opened<'a>>> {
    let codebook = &survey.codebook;
    if options.mapping.is_some()
        || options.defaults.pilot.is_some()
        || options.defaults.wave.is_some()
        || options.defaults.role.is_some()
        || options.format.is_some_and(|f| f != Platform::Generic)
        || codebook.metadata.weight.is_some()
    {
        return Ok(None);
    }
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut prefix = Vec::with_capacity(PREFIX.min(len as usize));
    (&mut file)
        .take(PREFIX as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| Error::io(path, e))?;
    if let Some(end) = memchr::memchr_iter(b'\n', &prefix).nth(PREFIX_LINES - 1) {
        prefix.truncate(end + 1);
    } else if (prefix.len() as u64) < len {
        match prefix.iter().rposition(|&b| b == b'\n') {
            Some(end) => prefix.truncate(end + 1),
            None => return Ok(None),
        }
    }
    let mut head = parse_bytes(path, &prefix, survey, options);
    // A UTF-8 CSV file's only warning is about answers without consent in these first rows;
    // `import_file` gives it for every row. The hash is of these rows, not of the file.
    head.warnings.clear();
    head.sha256.clear();
    if !matches!(head.encoding, "UTF-8" | "UTF-8 with BOM")
        || head.delimiter != ','
        || head.platform != Platform::Generic
        || head.header_rows != 1
        || !head.file_problems.is_empty()
    {
        return Ok(None);
    }
    let mut actions = Vec::with_capacity(head.columns.len());
    for column in &head.columns {
        actions.push(match &column.target {
            ColumnTarget::Identifier | ColumnTarget::Ignored(_) => Action::Skip,
            ColumnTarget::Meta(MetaField::RespondentId) => Action::Id,
            ColumnTarget::Meta(f @ (MetaField::Pilot | MetaField::Wave | MetaField::Role)) => {
                Action::Meta(*f)
            }
            ColumnTarget::Meta(MetaField::Submitted) => Action::Submitted,
            ColumnTarget::Question(q) => match codebook.questions[*q].kind {
                QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo => {
                    Action::Levels(*q)
                }
                QuestionKind::Text => Action::Text(*q),
                QuestionKind::Numeric => Action::Numeric(*q),
                QuestionKind::Multi => Action::Choices(*q),
            },
            _ => return Ok(None),
        });
    }
    if !actions.contains(&Action::Id) {
        return Ok(None);
    }
    // Where the data begin: after the header record, as the CSV reader counts bytes.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(prefix.as_slice());
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).unwrap_or(false) {
        return Ok(None);
    }
    let data_start = reader.position().byte();
    let layout = layout.clone();
    let mut level_questions = Vec::new();
    let mut other_questions = Vec::new();
    for (q, slots) in layout.slots.iter().enumerate() {
        match slots {
            Slots::Levels { at, levels } => level_questions.push((q, *at, *levels)),
            _ => other_questions.push(q),
        }
    }
    let most_levels = level_questions
        .iter()
        .map(|(_, _, levels)| *levels)
        .max()
        .unwrap_or(0);
    let tally_width = codebook.questions.len().div_ceil(16).max(1) * 16;
    let mut gates = Vec::new();
    for gate in &codebook.consent_gates {
        if !matches!(layout.slots.get(gate.question), Some(Slots::Levels { .. })) {
            return Ok(None);
        }
        let gated = (0..codebook.questions.len())
            .filter(|&q| {
                q != gate.question
                    && codebook.questions[q].module.as_deref() == Some(gate.module.as_str())
            })
            .collect();
        gates.push((gate.question, gated));
    }
    let column_levels = actions
        .iter()
        .map(|action| match action {
            Action::Levels(q) => *q as u32,
            _ => NOT_LEVELS,
        })
        .collect();
    let mut level_runs = vec![0; actions.len()];
    for j in (0..actions.len().saturating_sub(1)).rev() {
        if let Action::Levels(q) = actions[j] {
            let next_follows = actions[j + 1] == Action::Levels(q + 1);
            level_runs[j] = 1 + if next_follows { level_runs[j + 1] } else { 0 };
        }
    }
    let plan = Plan {
        survey,
        actions,
        column_levels,
        level_runs,
        value_maps: codebook
            .questions
            .iter()
            .map(|q| ValueMap::new(codebook, q))
            .collect(),
        layout,
        level_questions,
        tally_width,
        tally_len: most_levels * tally_width,
        other_questions,
        gates,
        separators: Platform::Generic.layout(&[]).separators,
        base_position: 0,
        by_row: false,
        bytes_per_row: {
            let data = prefix.get(data_start as usize..).unwrap_or_default();
            let lines = memchr::memchr_iter(b'\n', data).count() as u64;
            (data.len() as u64 / lines.max(1)).max(1)
        },
    };
    Ok(Some(Opened {
        head,
        plan,
        path: path.to_path_buf(),
        options: options.clone(),
        header: prefix[..data_start as usize].to_vec(),
        data_start,
        len,
    }))
}

impl Chunk {
    /// An empty chunk, its list of fingerprints sized for `bytes` of the file.
    fn new(plan: &Plan, bytes: u64) -> Chunk {
        Chunk {
            pilots: Vec::new(),
            counters: Vec::new(),
            overflow: Vec::new(),
            level_tallies: Vec::new(),
            tallied: Vec::new(),
            numbers: Vec::new(),
            fingerprints: Fingerprints::with_capacity(fingerprints_expected(plan, bytes)),
            data_rows: 0,
            rejected: 0,
            rejected_records: Vec::new(),
            without_consent: 0,
            records: 0,
            began_at: u64::MAX,
            stopped_at: u64::MAX,
        }
    }

    /// Makes a chunk read ready to merge, on its own thread: its tallies added into its
    /// counters.
    fn finish(&mut self, plan: &Plan) {
        let (width, tally_len) = (plan.layout.width, plan.tally_len);
        for (cell, tallied) in self.tallied.iter_mut().enumerate() {
            add_tally(
                plan,
                &mut self.counters[cell * width..(cell + 1) * width],
                &mut self.level_tallies[cell * tally_len..(cell + 1) * tally_len],
                tallied,
            );
        }
    }

    /// Rows accepted so far.
    fn accepted(&self) -> usize {
        self.data_rows - self.rejected
    }
}

/// Counts `path` into `counts` as source `counts.present.len()` on up to `threads` threads,
/// in segments of about `segment_bytes`; None when the file is not for the fast path (see the
/// module notes), with `counts` unchanged.
pub fn count_file(
    path: &Path,
    survey: &Survey,
    options: &ImportOptions,
    counts: &mut Counts,
    base_position: u64,
    threads: usize,
    segment_bytes: u64,
) -> Result<Option<Streamed>> {
    let Some(mut opened) = open(path, survey, options, &counts.layout)? else {
        return Ok(None);
    };
    opened.plan.base_position = base_position;
    let Opened {
        head,
        plan,
        data_start,
        len,
        ..
    } = &opened;
    let (data_start, len) = (*data_start, *len);
    let threads = threads.max(1);
    let segment_bytes = if threads == 1 {
        u64::MAX
    } else {
        segment_bytes
    };
    let starts = segment_starts(path, (data_start, len), segment_bytes, threads)?;
    let counted = match count_segments(path, plan, &starts, len, threads)? {
        Some((_, false)) => count_segments(path, plan, &[data_start], len, 1)?,
        counted => counted,
    };
    let Some((chunks, _)) = counted else {
        return Ok(None);
    };
    let fingerprints: Vec<&Fingerprints> = chunks.iter().map(|c| &c.fingerprints).collect();
    if any_repeated(&fingerprints, threads) {
        return Ok(None);
    }
    let mut streamed = Streamed {
        display_name: head.display_name.clone(),
        rejected: chunks.iter().map(|c| c.rejected).sum(),
        file_problems: Vec::new(),
    };
    if chunks.iter().all(|c| c.data_rows == 0) {
        streamed.file_problems.push(Problem::new(
            &head.display_name,
            2,
            "",
            "a header and no responses",
            "at least one response below the header",
        ));
        return Ok(Some(streamed));
    }
    let source = counts.add_source(head.questions_present(survey.codebook.questions.len()));
    for chunk in chunks {
        merge_chunk(plan, counts, source, chunk, 0);
    }
    Ok(Some(streamed))
}

/// Adds a chunk's counts and numbers into `counts` as source `source`, the numbers' positions
/// moved on by `positions_from`.
fn merge_chunk(plan: &Plan, counts: &mut Counts, source: u32, chunk: Chunk, positions_from: u64) {
    let codebook = &plan.survey.codebook;
    let (waves, roles) = (codebook.waves.len(), codebook.roles.len());
    let width = plan.layout.width;
    let pilots: Vec<u32> = chunk.pilots.iter().map(|p| counts.pilot_index(p)).collect();
    let key_of = |cell: usize| CellKey {
        source,
        pilot: pilots[cell / (waves * roles)],
        wave: (cell / roles % waves) as u8,
        role: (cell % roles) as u8,
    };
    let mut cell_counters = vec![0u64; width];
    for (cell, counters) in chunk.counters.chunks(width).enumerate() {
        let overflow = chunk.overflow.get(cell * width..(cell + 1) * width);
        for (k, total) in cell_counters.iter_mut().enumerate() {
            *total = u64::from(counters[k]) + overflow.map_or(0, |o| o[k]);
        }
        if cell_counters[0] > 0 {
            counts.merge_cell(key_of(cell), &cell_counters);
        }
    }
    for (cell, q, position, value) in chunk.numbers {
        let at = counts.cell(key_of(cell));
        counts.numbers[at].push((q, positions_from + position, value));
    }
}

/// Segments of about this many bytes are read in turn by each thread: for the streaming
/// import, so that the rows are stored in file order while only a few segments are held at
/// once; for the summary, so that the threads finish together.
pub const SEGMENT_BYTES: u64 = 4 << 20;

/// Reads an opened file for the import, a segment at a time on `threads` threads, counting
/// it into `counts` and giving each segment's rows, in file order, to `store` with the number
/// of data records before it; numeric answers are positioned by response id, the first row's
/// being `first_id`. `make_sink` makes what keeps a segment's rows. Some(what was read) when
/// every row was accepted; None, with what was given to `store` to be discarded, when the file
/// is not for the fast path: a row with a problem, a respondent met twice, a field that is not
/// UTF-8 or holds a NUL byte, or `store` refusing a segment.
#[allow(clippy::too_many_arguments)]
pub fn import_file<S: RowSink + Send>(
    opened: &Opened,
    first_id: u64,
    counts: &mut Counts,
    segment_bytes: u64,
    threads: usize,
    make_sink: &(dyn Fn() -> S + Sync),
    store: &mut dyn FnMut(S, u64) -> Result<bool>,
) -> Result<Option<Imported>> {
    let plan = &opened.plan;
    if !plan.by_row {
        return Err(Error::Invalid(
            "a file opened for the summary was given to the import".into(),
        ));
    }
    let path = opened.path.as_path();
    let (data_start, len) = (opened.data_start, opened.len);
    let starts = segment_starts(path, (data_start, len), segment_bytes, threads)?;
    let ends: Vec<u64> = starts[1..].iter().copied().chain([len]).collect();
    let source = counts.add_source(
        opened
            .head
            .questions_present(plan.survey.codebook.questions.len()),
    );
    let next = AtomicUsize::new(0);
    let stored_upto = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Segments read ahead of the one being stored, at most: memory stays a few segments.
    let window = threads.max(1) * 2;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(window);
        let mut readers = Vec::new();
        for _ in 0..threads.max(1) {
            let send = send.clone();
            let (next, stored_upto, stop) = (&next, &stored_upto, &stop);
            let (starts, ends) = (&starts, &ends);
            let spawned = std::thread::Builder::new()
                .name("mctrack-read".into())
                .spawn_scoped(scope, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= starts.len() {
                        return;
                    }
                    while i >= stored_upto.load(Ordering::Acquire) + window {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let mut sink = make_sink();
                    // A thread that fails must still send its segment, or the main thread
                    // would wait for it.
                    let chunk = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        read_chunk(path, plan, starts[i], ends[i], &mut sink)
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Invalid(format!(
                            "{}: a thread reading the file failed",
                            path.display()
                        )))
                    });
                    if send.send((i, chunk.map(|c| c.map(|c| (c, sink))))).is_err() {
                        return;
                    }
                });
            match spawned {
                Ok(reader) => readers.push(reader),
                // Fewer threads read the segments; with none, the loop below reads each.
                Err(_) => break,
            }
        }
        drop(send);
        // Set however the storing loop ends, a panic included, so that no reading thread
        // waits on for it.
        let stop_readers = StopOnDrop(&stop);
        let result = store_in_order(
            opened,
            (&starts, &ends),
            &receive,
            make_sink,
            (counts, source, first_id),
            store,
            &stored_upto,
        );
        drop(stop_readers);
        drop(receive);
        for reader in readers {
            // A reading thread's failure was sent as its segment's error.
            let _ = reader.join();
        }
        result
    })
}

/// Tells the reading threads to stop when dropped.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A segment read: its chunk and the rows its sink kept; None when it held a field that is
/// not UTF-8 or holds a NUL byte, or a record too long for the fast path.
type SegmentRead<S> = Result<Option<(Chunk, S)>>;

/// The main thread's part of `import_file`: takes each segment in file order, reading it
/// again from where the one before really stopped when its start was a guess that fell inside
/// a quoted field.
#[allow(clippy::too_many_arguments)]
fn store_in_order<S: RowSink>(
    opened: &Opened,
    (starts, ends): (&[u64], &[u64]),
    receive: &std::sync::mpsc::Receiver<(usize, SegmentRead<S>)>,
    make_sink: &dyn Fn() -> S,
    (counts, source, first_id): (&mut Counts, u32, u64),
    store: &mut dyn FnMut(S, u64) -> Result<bool>,
    stored_upto: &AtomicUsize,
) -> Result<Option<Imported>> {
    let (plan, path) = (&opened.plan, opened.path.as_path());
    let mut waiting: Vec<Option<SegmentRead<S>>> = (0..starts.len()).map(|_| None).collect();
    let mut expected = opened.data_start;
    // Each rejected row: its number in the file (the header is row 1) and its bytes.
    let mut rejected = Vec::new();
    let mut rejected_bytes = 0;
    let mut records = 0u64;
    let mut rows = 0usize;
    let mut without_consent = 0;
    let mut fingerprints = Fingerprints::with_capacity(0);
    for i in 0..starts.len() {
        if expected == u64::MAX {
            // The segment before read on to the end of the file: no record starts after it.
            break;
        }
        while waiting[i].is_none() {
            match receive.recv() {
                Ok((at, read)) => waiting[at] = Some(read),
                Err(_) => break,
            }
        }
        let read = match waiting[i].take() {
            Some(Ok(Some((chunk, sink)))) if chunk.began_at == expected => Ok(Some((chunk, sink))),
            // An error reading the file is not a matter of where the segment started.
            Some(Err(e)) => return Err(e),
            // Not read (no thread could start), or read from a start that was not a record's.
            Some(Ok(_)) | None => {
                let mut sink = make_sink();
                read_chunk(path, plan, expected, ends[i].max(expected), &mut sink)
                    .map(|c| c.map(|c| (c, sink)))
            }
        };
        let Some((mut chunk, sink)) = read? else {
            return Ok(None);
        };
        if chunk.rejected > 0 {
            rejected_bytes += chunk
                .rejected_records
                .iter()
                .map(|(_, raw)| raw.len())
                .sum::<usize>();
            // Rejected rows are held whole, for the exact path to judge: past a limit the
            // exact path reads the file, in batches.
            if rejected_bytes > MAX_REJECTED_BYTES {
                return Ok(None);
            }
            for (record, raw) in std::mem::take(&mut chunk.rejected_records) {
                rejected.push((records + record + 2, raw));
            }
        }
        expected = chunk.stopped_at;
        without_consent += chunk.without_consent;
        fingerprints.append(&mut chunk.fingerprints);
        let (chunk_records, chunk_accepted) = (chunk.records, chunk.accepted());
        merge_chunk(plan, counts, source, chunk, first_id + rows as u64);
        if !store(sink, records)? {
            return Ok(None);
        }
        records += chunk_records;
        rows += chunk_accepted;
        stored_upto.store(i + 1, Ordering::Release);
    }
    if rows == 0 || any_repeated(&[&fingerprints], 1) {
        return Ok(None);
    }
    let Some(rejected) = rejected_rows(opened, &rejected) else {
        return Ok(None);
    };
    Ok(Some(Imported {
        rows,
        warnings: super::consent_warning(without_consent)
            .into_iter()
            .collect(),
        rejected,
    }))
}

/// The most bytes of rejected rows the streaming import holds before leaving the file to the
/// exact path.
const MAX_REJECTED_BYTES: usize = 16 << 20;

/// The rejected rows, numbered as in the file, with what the exact path finds wrong with
/// them: it reads them again, under the file's header, as a file of their own. None if it
/// does not reject each of them alone, as it would in the whole file (it then reads the file).
fn rejected_rows(opened: &Opened, records: &[(u64, Vec<u8>)]) -> Option<Vec<RejectedRow>> {
    if records.is_empty() {
        return Some(Vec::new());
    }
    let mut text = opened.header.clone();
    for (_, raw) in records {
        text.extend_from_slice(raw);
        text.push(b'\n');
    }
    let parsed = parse_bytes(&opened.path, &text, opened.plan.survey, &opened.options);
    let alike = parsed.file_problems.is_empty()
        && parsed.responses.is_empty()
        && parsed.platform == Platform::Generic
        && parsed.header_rows == 1
        && parsed.rejected.len() == records.len();
    if !alike {
        return None;
    }
    let mut rows = parsed.rejected;
    for (row, (number, _)) in rows.iter_mut().zip(records) {
        row.source_row = *number as usize;
        for reason in &mut row.reasons {
            reason.row = *number as usize;
        }
    }
    Some(rows)
}

/// What the streaming import read: rows accepted, the warnings that needed every row, and
/// the rows rejected, with the exact path's reasons.
pub struct Imported {
    pub rows: usize,
    pub warnings: Vec<String>,
    pub rejected: Vec<RejectedRow>,
}

/// Respondents' fingerprints, in lists by their top byte. Whether one is met twice is then
/// found a list at a time, in a hash table that stays in cache: sorting each thread's
/// fingerprints and merging the lists took 12 ms of the 1M-row summary's wall time, this 3.
struct Fingerprints {
    lists: Vec<Vec<u64>>,
}

/// How many lists `Fingerprints` keeps: one per value of the top byte.
const FINGERPRINT_LISTS: usize = 256;

impl Fingerprints {
    /// Lists with room for `expected` fingerprints in all, spread evenly over them.
    fn with_capacity(expected: usize) -> Fingerprints {
        let each = expected / FINGERPRINT_LISTS;
        Fingerprints {
            lists: (0..FINGERPRINT_LISTS)
                .map(|_| Vec::with_capacity(each))
                .collect(),
        }
    }

    fn push(&mut self, fingerprint: u64) {
        self.lists[(fingerprint >> 56) as usize].push(fingerprint);
    }

    /// Moves `other`'s fingerprints into these.
    fn append(&mut self, other: &mut Fingerprints) {
        for (list, more) in self.lists.iter_mut().zip(&mut other.lists) {
            list.append(more);
        }
    }

    fn len(&self) -> usize {
        self.lists.iter().map(Vec::len).sum()
    }
}

/// Whether any fingerprint is met twice in `sets`, within one or across two; each of
/// `threads` threads checks an equal share of the lists.
fn any_repeated(sets: &[&Fingerprints], threads: usize) -> bool {
    let threads = if sets.iter().map(|s| s.len()).sum::<usize>() < 1 << 16 {
        1
    } else {
        threads.max(1)
    };
    let shares: Vec<std::ops::Range<usize>> = (0..threads)
        .map(|t| t * FINGERPRINT_LISTS / threads..(t + 1) * FINGERPRINT_LISTS / threads)
        .collect();
    crate::parallel::map_in_order(&shares, threads, |share| {
        let mut table = Vec::new();
        share
            .clone()
            .any(|list| repeated_in(sets.iter().map(|s| &s.lists[list][..]), &mut table))
    })
    .into_iter()
    .any(|repeated| repeated)
}

/// Whether any value of `lists` is met twice: each goes into `table`, an open-addressing hash
/// table at most a quarter full, at its low bits (spread as evenly as the rest of a
/// fingerprint's); 0 marks an empty slot, so the value 0 is counted apart. A table half full
/// took a third more time: a value's first slot was taken more often, and which one was taken
/// could not be predicted.
fn repeated_in<'a>(lists: impl Iterator<Item = &'a [u64]> + Clone, table: &mut Vec<u64>) -> bool {
    let values = lists.clone().map(<[u64]>::len).sum::<usize>();
    let slots = (4 * values).next_power_of_two();
    table.clear();
    table.resize(slots, 0);
    let mask = slots - 1;
    let mut zero_met = false;
    for &value in lists.flatten() {
        if value == 0 {
            if zero_met {
                return true;
            }
            zero_met = true;
            continue;
        }
        let mut slot = value as usize & mask;
        loop {
            match table[slot] {
                0 => {
                    table[slot] = value;
                    break;
                }
                other if other == value => return true,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
    false
}

/// Where the segments of the data (`data_start..len`) begin: at the data's start, then just
/// past the first newline at or after a step beyond the one before. A step is at most
/// `segment_bytes` and at most a quarter of each of `threads` threads' share of what is left,
/// down to a sixteenth of `segment_bytes`: the last segments are small, so the threads taking
/// them in turn finish within a small segment of each other rather than a whole one (up to
/// 8 ms of the 1M-row summary's wall time). A newline may sit inside quotes, so these are
/// guesses, which the readers check.
fn segment_starts(
    path: &Path,
    (data_start, len): (u64, u64),
    segment_bytes: u64,
    threads: usize,
) -> Result<Vec<u64>> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let segment_bytes = segment_bytes.max(1);
    let least = (segment_bytes / 16).max(1);
    let mut starts = vec![data_start];
    let mut guess = data_start;
    loop {
        let step = ((len - guess) / (4 * threads.max(1) as u64)).clamp(least, segment_bytes);
        if len - guess <= step {
            break;
        }
        guess += step;
        match next_line_start(&mut file, path, guess)? {
            Some(at) if at < len => {
                guess = guess.max(at);
                starts.push(at);
            }
            _ => break,
        }
    }
    Ok(starts)
}

/// The offset just past the first newline at or after `from` in `file` (`path`), if any.
fn next_line_start(file: &mut File, path: &Path, from: u64) -> Result<Option<u64>> {
    file.seek(SeekFrom::Start(from))
        .map_err(|e| Error::io(path, e))?;
    // Lines are a few hundred bytes: a small read finds the next one, for each of a file's
    // hundred segments.
    let mut buffer = [0u8; 4 * 1024];
    let mut at = from;
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = buffer[..n].iter().position(|&b| b == b'\n') {
            return Ok(Some(at + i as u64 + 1));
        }
        at += n as u64;
    }
}

/// A segment read: its index, where its first record began and the first record past it.
type SegmentSpan = (usize, u64, u64);

/// Counts the segments beginning at `starts` (the last ends at `len`) on up to `threads`
/// threads, each taking the next segment in turn into a chunk of its own, so that the threads
/// finish together however their shares of the file read; a chunk's fingerprints are sorted.
/// With the chunks, whether each segment began exactly where the one before it stopped (a
/// guessed start inside a quoted line break does not); None when a segment is not for the
/// fast path.
fn count_segments(
    path: &Path,
    plan: &Plan,
    starts: &[u64],
    len: u64,
    threads: usize,
) -> Result<Option<(Vec<Chunk>, bool)>> {
    let ends: Vec<u64> = starts[1..].iter().copied().chain([len]).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let share = (len - starts[0]) / threads as u64;
    // Each thread's chunk, and where each segment it read began and stopped.
    let count = || -> Result<Option<(Chunk, Vec<SegmentSpan>)>> {
        let mut chunk = Chunk::new(plan, share);
        let mut reader = Reader::new(plan, false);
        let mut spans = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((&start, &end)) = starts.get(i).zip(ends.get(i)) else {
                break;
            };
            let read = read_segment(path, start, end, &mut chunk, &mut reader, &mut ());
            if !matches!(read, Ok(true)) {
                stop.store(true, Ordering::Relaxed);
                return read.map(|_| None);
            }
            spans.push((i, chunk.began_at, chunk.stopped_at));
        }
        chunk.finish(plan);
        Ok(Some((chunk, spans)))
    };
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(starts.len()))
            .map(|_| scope.spawn(count))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Invalid("a counting thread failed".into())))
            })
            .collect()
    });
    let mut chunks = Vec::with_capacity(results.len());
    let mut spans = vec![(0, 0); starts.len()];
    for result in results {
        let Some((chunk, read)) = result? else {
            return Ok(None);
        };
        for (i, began_at, stopped_at) in read {
            spans[i] = (began_at, stopped_at);
        }
        chunks.push(chunk);
    }
    let split_held = spans.windows(2).all(|w| w[0].1 == w[1].0);
    Ok(Some((chunks, split_held)))
}

/// A cache of one column's distinct raw values and what they mean. Most cells are one byte
/// (a Likert code) or empty, so those are looked up by their byte in a table; other short
/// values are compared by their `sketch` rather than through `memcmp`, the last entry seen
/// for each of 1024 hash slots first (a select-all column has hundreds of distinct values).
struct Cache<T> {
    /// Slot `b` for the one-byte value `b`, slot 256 for the empty value.
    bytes: Vec<Option<T>>,
    entries: Vec<(u128, Box<[u8]>, T)>,
    /// By hash slot, the entry last found there (1024 slots).
    recent: Box<[u16]>,
}

impl<T: Copy> Cache<T> {
    fn new() -> Cache<T> {
        Cache {
            bytes: vec![None; 257],
            entries: Vec::new(),
            recent: vec![u16::MAX; 1024].into_boxed_slice(),
        }
    }

    /// A cache per column of `actions`: a working one for each column whose action is `used`,
    /// and for the others one that holds no memory and is never looked in. A column has one
    /// kind of cache in use, and making the others cost each thread a megabyte of pages on 48
    /// columns.
    fn per_column(actions: &[Action], used: fn(&Action) -> bool) -> Vec<Cache<T>> {
        let unused = || Cache {
            bytes: Vec::new(),
            entries: Vec::new(),
            recent: Box::default(),
        };
        actions
            .iter()
            .map(|a| if used(a) { Cache::new() } else { unused() })
            .collect()
    }

    fn get_or(&mut self, raw: &[u8], compute: impl FnOnce() -> T) -> T {
        if raw.len() <= 1 {
            let slot = raw.first().map_or(256, |b| *b as usize);
            if let Some(v) = self.bytes[slot] {
                return v;
            }
            let value = compute();
            self.bytes[slot] = Some(value);
            return value;
        }
        let key = sketch(raw);
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(32) ^ raw.len() as u64;
        let slot = (mixed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize;
        let matches = |(k, long, _): &(u128, Box<[u8]>, T)| {
            *k == key && long.len() == raw.len() && (raw.len() <= SKETCHED || **long == *raw)
        };
        if let Some(entry) = self.entries.get(self.recent[slot] as usize) {
            if matches(entry) {
                return entry.2;
            }
        }
        if let Some(i) = self.entries.iter().position(matches) {
            self.recent[slot] = i as u16;
            return self.entries[i].2;
        }
        let value = compute();
        if self.entries.len() < CACHE_LIMIT {
            self.recent[slot] = self.entries.len() as u16;
            self.entries.push((key, raw.into(), value));
        }
        value
    }
}

/// A 64-bit fingerprint of `bytes` after `seed`, to tell respondents apart: each 8-byte
/// word is folded in through splitmix64's finaliser, which spreads every input bit over the
/// whole result, several times cheaper than SipHash on short ids. (FxHash's multiply-only
/// mixing gave one false duplicate in a hundred on ids like "R00000380".) No attacker
/// chooses ids to fill a hash table here, and a collision only sends the file to the exact
/// in-memory path. The store keeps respondents' keys made with it (`store::blocks`), so a
/// change to it needs a migration of every store.
pub(crate) fn fingerprint(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = mix(seed ^ bytes.len() as u64);
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    for word in words {
        h = mix(h ^ u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    if !tail.is_empty() {
        // The last bytes as a word padded with zeros, built in a register: copying them into
        // a padded array called `memcpy` for every respondent id.
        let word = tail
            .iter()
            .rev()
            .fold(0u64, |word, &b| word << 8 | u64::from(b));
        h = mix(h ^ word);
    }
    h
}

/// splitmix64's step and finaliser: `fingerprint`'s mixing of each word.
fn mix(h: u64) -> u64 {
    let mut h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Values up to this many bytes of one length are told apart by `sketch` alone.
const SKETCHED: usize = 16;

/// The first and last (up to) eight bytes of `raw`, read as two words that overlap when it
/// is shorter than 16 bytes: with its length, exactly the value up to `SKETCHED` bytes, read
/// without copying it byte by byte.
fn sketch(raw: &[u8]) -> u128 {
    let words = |head: u64, tail: u64| u128::from(head) | u128::from(tail) << 64;
    if let (Some(head), Some(tail)) = (raw.first_chunk::<8>(), raw.last_chunk::<8>()) {
        words(u64::from_le_bytes(*head), u64::from_le_bytes(*tail))
    } else if let (Some(head), Some(tail)) = (raw.first_chunk::<4>(), raw.last_chunk::<4>()) {
        words(
            u32::from_le_bytes(*head).into(),
            u32::from_le_bytes(*tail).into(),
        )
    } else if let (Some(head), Some(tail)) = (raw.first_chunk::<2>(), raw.last_chunk::<2>()) {
        words(
            u16::from_le_bytes(*head).into(),
            u16::from_le_bytes(*tail).into(),
        )
    } else {
        raw.first().map_or(0, |&b| u128::from(b))
    }
}

/// A read error stops the summary; a record too long for the splitter sends the file to the
/// in-memory path (false), which says what is wrong with it.
fn split_failed(path: &Path, e: SplitError) -> Result<bool> {
    match e {
        SplitError::Io(e) => Err(Error::io(path, e)),
        SplitError::TooLong => Ok(false),
    }
}

/// What a chunk's worker keeps from record to record: each column's cache of its distinct
/// values, and the row being read.
struct Reader<'a> {
    plan: &'a Plan<'a>,
    /// Per column: pilot (local index, fingerprint of its lower-case id), wave or role index.
    meta: Vec<Cache<Option<(usize, u64)>>>,
    /// Each level column's level for its empty and one-byte cells, most of a survey export:
    /// a table per column, by the cell's byte (`short_slot`), `UNSEEN_LEVEL` until met. Longer
    /// cells are in `level_caches`.
    short_levels: Vec<[u8; SHORT_SLOTS]>,
    level_caches: Vec<Cache<u8>>,
    values: Vec<Cache<Option<Code>>>,
    /// The row: each level question's level (0 missing; as many bytes as a tally's row, the
    /// questions without levels 0), the other questions' codes.
    levels: Vec<u8>,
    codes: Vec<Code>,
    /// The fingerprint of the row's respondent id, None while it has none.
    id: Option<u64>,
    /// Whether the row's respondent id and free text are kept, in `kept` (the import stores
    /// them; the summary needs neither).
    keep_text: bool,
    kept: Vec<u8>,
    kept_id: std::ops::Range<usize>,
    /// Each free-text answer kept: its question and where it is in `kept`.
    kept_texts: Vec<(usize, std::ops::Range<usize>)>,
    /// The submission dates met, as stored: (date, end time). A column's distinct values are
    /// cached by index into this list, up to `DATES` of them; past that, the row's own is
    /// `row_dates`, at index `ROW_DATES`.
    dates: Vec<Dates>,
    row_dates: Dates,
    /// The row's entry in `dates` (`NO_DATES` for none: an empty cell, or a file without a
    /// submission column).
    dated: usize,
    pilot: Option<(usize, u64)>,
    wave: usize,
    role: usize,
    ok: bool,
    /// Whether `read_segment` may take its AVX2 build: asked once, not for every segment.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    avx2: bool,
}

impl<'a> Reader<'a> {
    fn new(plan: &'a Plan<'a>, keep_text: bool) -> Reader<'a> {
        let width = plan.actions.len();
        let questions = plan.survey.codebook.questions.len();
        let actions = &plan.actions;
        Reader {
            plan,
            meta: Cache::per_column(actions, |a| {
                matches!(a, Action::Meta(_) | Action::Submitted)
            }),
            short_levels: vec![[UNSEEN_LEVEL; SHORT_SLOTS]; width],
            level_caches: Cache::per_column(actions, |a| matches!(a, Action::Levels(_))),
            values: Cache::per_column(actions, |a| matches!(a, Action::Choices(_))),
            levels: vec![0; plan.tally_width],
            codes: vec![Code::Missing; questions],
            id: None,
            keep_text,
            kept: Vec::new(),
            kept_id: 0..0,
            kept_texts: Vec::new(),
            dates: Vec::new(),
            row_dates: (None, None),
            dated: NO_DATES,
            pilot: None,
            wave: 0,
            role: 0,
            ok: true,
            avx2: split::has_avx2(),
        }
    }

    fn start_row(&mut self) {
        // A row is counted only once each of its columns was read, and a level column's cell
        // always sets its question's level: levels need no clearing (those of questions
        // without a column stay 0). Only questions that are not levels are given codes (a
        // consent gate clears others' to `Missing`, as they start): a row's other codes need
        // no clearing either.
        for &q in &self.plan.other_questions {
            self.codes[q] = Code::Missing;
        }
        self.id = None;
        self.dated = NO_DATES;
        if self.keep_text {
            self.kept.clear();
            self.kept_texts.clear();
            self.kept_id = 0..0;
        }
        (self.pilot, self.wave, self.role, self.ok) = (None, 0, 0, true);
    }

    /// Reads column `j`'s cell.
    fn field(&mut self, j: usize, field: &[u8], pilots: &mut Vec<String>) {
        let plan = self.plan;
        match plan.actions[j] {
            Action::Skip => {}
            Action::Levels(q) => {
                let level = match short_slot(field) {
                    Some(at) => match self.short_levels[j][at] {
                        UNSEEN_LEVEL => {
                            let level = level_code(plan, q, field);
                            self.short_levels[j][at] = level;
                            level
                        }
                        level => level,
                    },
                    None => self.level_caches[j].get_or(field, || level_code(plan, q, field)),
                };
                self.ok &= level != INVALID_LEVEL;
                self.levels[q] = level;
            }
            Action::Id => {
                let id = trim(field);
                self.id = (!id.is_empty()).then(|| fingerprint(0, id));
                // `parse_meta` refuses an id that a spreadsheet would read as a formula.
                self.ok &= self.id.is_some() && !matches!(id[0], b'=' | b'+' | b'@');
                if self.keep_text {
                    self.kept_id = self.keep(id);
                }
            }
            Action::Meta(kind) => {
                let found = self.meta[j].get_or(field, || meta_value(plan, kind, field, pilots));
                match (kind, found) {
                    (_, None) => self.ok = false,
                    (MetaField::Pilot, Some(p)) => self.pilot = Some(p),
                    (MetaField::Wave, Some((w, _))) => self.wave = w,
                    (_, Some((r, _))) => self.role = r,
                }
            }
            Action::Submitted => {
                let (dates, row_dates) = (&mut self.dates, &mut self.row_dates);
                let found = self.meta[j].get_or(field, || {
                    let dated = submission(plan, field)?;
                    Some((keep_dates(dates, row_dates, dated), 0))
                });
                match found {
                    Some((at, _)) => self.dated = at,
                    None => self.ok = false,
                }
            }
            Action::Text(q) => {
                let text = trim(field);
                if !text.is_empty() {
                    self.codes[q] = Code::Answered;
                    if self.keep_text {
                        // In question order, as the exact path stores them, whatever the
                        // order of the file's columns.
                        let kept = self.keep(text);
                        let at = self.kept_texts.partition_point(|(other, _)| *other < q);
                        self.kept_texts.insert(at, (q, kept));
                    }
                }
            }
            Action::Numeric(q) => match value_code(plan, q, field) {
                Some(c) => self.codes[q] = c,
                None => self.ok = false,
            },
            Action::Choices(q) => match self.values[j].get_or(field, || value_code(plan, q, field))
            {
                Some(c) => self.codes[q] = c,
                None => self.ok = false,
            },
        }
    }

    /// Copies `bytes` into the row's kept text.
    fn keep(&mut self, bytes: &[u8]) -> std::ops::Range<usize> {
        let start = self.kept.len();
        self.kept.extend_from_slice(bytes);
        start..self.kept.len()
    }

    /// Reads the record at `data[at..]` cell by cell as it finds them, without splitting it
    /// first, when it is plain: one field per column, a respondent id, and quotes only around
    /// whole fields. The fields' ends are found 64 bytes at a time, from masks of the block's
    /// commas, quotes and line ends (`classify`); quotes are paired by a prefix XOR, as in
    /// simdjson. A quote that csv-core would read otherwise (one inside an unquoted field, or
    /// bytes after a closing quote) makes the record not plain.
    #[inline(always)]
    fn plain_record(
        &mut self,
        data: &[u8],
        at: usize,
        eof: bool,
        scratch: &mut Vec<u8>,
        pilots: &mut Vec<String>,
        classify: impl Fn(&[u8; 64]) -> split::Classes,
    ) -> Plain {
        self.start_row();
        let last = self.plan.actions.len() - 1;
        let mut column = 0;
        let mut field_start = at;
        // All ones when the block begins inside quotes; 1 when the byte before it ends a
        // field or is a quote, as the record's start counts.
        let mut inside = 0u64;
        let mut edge_before = 1u64;
        let mut block_at = at;
        // NUL and non-ASCII bytes met in the record's blocks so far.
        let mut unusual = 0u64;
        loop {
            let rest = data.get(block_at..).unwrap_or_default();
            let mut padded = [0u8; 64];
            let (block, valid) = match rest.first_chunk::<64>() {
                Some(block) => (block, u64::MAX),
                None => {
                    padded[..rest.len()].copy_from_slice(rest);
                    (&padded, (1u64 << rest.len()) - 1)
                }
            };
            let classes = classify(block);
            let quote = classes.quote & valid;
            let unusual_here = classes.unusual & valid;
            let edges = (classes.comma | classes.line | quote) & valid;
            let in_quotes = if quote == 0 {
                inside
            } else {
                split::prefix_xor(quote) ^ inside
            };
            if quote != 0 {
                // The data's end, or the byte after the block, may follow a closing quote.
                let next_is_edge = data
                    .get(block_at + 64)
                    .is_none_or(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
                let edge_after = (edges | !valid) >> 1 | u64::from(next_is_edge) << 63;
                let opening = quote & in_quotes;
                let closing = quote & !in_quotes;
                if opening & !(edges << 1 | edge_before) != 0 || closing & !edge_after != 0 {
                    return Plain::Other;
                }
            }
            let mut ends = (classes.comma | classes.line) & valid & !in_quotes;
            let line_from = (classes.line & valid & !in_quotes).trailing_zeros();
            while ends != 0 {
                (ends, column, field_start) =
                    self.rating_run(data, block_at, ends, line_from, column, field_start);
                if ends == 0 {
                    break;
                }
                let bit = ends.trailing_zeros();
                ends &= ends - 1;
                let end = block_at + bit as usize;
                self.cell(column, &data[field_start..end], scratch, pilots);
                if classes.line >> bit & 1 == 1 {
                    if column != last || self.id.is_none() {
                        return Plain::Other;
                    }
                    return Plain::Record {
                        content: end,
                        end: end + 1,
                        plain_text: (unusual | unusual_here & ((1 << bit) - 1)) == 0,
                    };
                }
                if column == last {
                    return Plain::Other;
                }
                column += 1;
                field_start = end + 1;
            }
            if valid != u64::MAX {
                // The data end in this block, inside the record.
                if !eof {
                    return Plain::More;
                }
                let ends_inside = match rest.len() {
                    0 => inside != 0,
                    n => in_quotes >> (n - 1) & 1 == 1,
                };
                if ends_inside || column != last {
                    return Plain::Other;
                }
                self.cell(column, &data[field_start..], scratch, pilots);
                if self.id.is_none() {
                    return Plain::Other;
                }
                return Plain::Record {
                    content: data.len(),
                    end: data.len(),
                    plain_text: (unusual | unusual_here) == 0,
                };
            }
            unusual |= unusual_here;
            inside = ((in_quotes as i64) >> 63) as u64;
            edge_before = edges >> 63;
            block_at += 64;
        }
    }

    /// Reads the run of rating cells already met that starts at column `column`, whose field
    /// starts at `field_start`, from the block at `block_at` with field ends `ends` (the first
    /// line end at bit `line_from`): the fields of most of a survey export's row. It stops
    /// before the row's last column, a line end, another kind of column, a longer cell, or one
    /// not yet met or invalid, and gives the ends, column and field start that remain, for
    /// `cell` to read. It calls nothing and writes only `levels`, so that its tables stay in
    /// registers.
    ///
    /// Four cells in a row of questions in order, each empty or one byte ("4,,3,4,"), are read
    /// together: `FOUR_SHORT_CELLS` finds where they start from the field ends alone (a field
    /// of one byte between two ends outside quotes is neither a quote nor a line end), and
    /// their levels are checked together and stored as one word. Most rating cells are read
    /// so, in about a third of the instructions of one at a time.
    #[inline(always)]
    fn rating_run(
        &mut self,
        data: &[u8],
        block_at: usize,
        ends: u64,
        line_from: u32,
        column: usize,
        field_start: usize,
    ) -> (u64, usize, usize) {
        let plan = self.plan;
        let run = plan.level_runs[column];
        if run == 0 {
            return (ends, column, field_start);
        }
        let first = plan.column_levels[column] as usize;
        let tables = &self.short_levels[column..column + run];
        let levels = &mut self.levels[first..first + run];
        // The ends before the record's line end: a cell read here ends at one of them.
        let usable = ends & 1u64.checked_shl(line_from).map_or(u64::MAX, |b| b - 1);
        let (mut read, mut at) = (0, field_start);
        let mut offset = at.wrapping_sub(block_at);
        while read < run {
            while offset < 64 && read + 4 <= run {
                let cells = FOUR_SHORT_CELLS[((usable >> offset) & 0xFF) as usize];
                let Some(window) = data.get(at..).and_then(|d| d.first_chunk::<8>()) else {
                    break;
                };
                if cells == 0 {
                    break;
                }
                let [second, third, fourth, taken] = cells.to_le_bytes();
                let byte = |k: u8| usize::from(window[usize::from(k & 7)]);
                let four_tables = &tables[read..read + 4];
                let four = [
                    four_tables[0][byte(0)],
                    four_tables[1][byte(second)],
                    four_tables[2][byte(third)],
                    four_tables[3][byte(fourth)],
                ];
                // Whether any is `UNSEEN_LEVEL` or `INVALID_LEVEL` (0xFE, 0xFF): its top bit
                // set, and a carry into it from its low bits plus 2.
                let packed = u32::from_le_bytes(four);
                if ((packed & 0x7F7F_7F7F) + 0x0202_0202) & packed & 0x8080_8080 != 0 {
                    break;
                }
                levels[read..read + 4].copy_from_slice(&four);
                read += 4;
                at += usize::from(taken);
                offset += usize::from(taken);
            }
            // One cell: the usable ends from its start on.
            let rest = ends_from(usable, offset);
            if read == run || rest == 0 {
                break;
            }
            let end = block_at + rest.trailing_zeros() as usize;
            if end - at > 1 {
                break;
            }
            let level = tables[read][usize::from(data[at])];
            if level >= UNSEEN_LEVEL {
                break;
            }
            levels[read] = level;
            read += 1;
            at = end + 1;
            offset = at.wrapping_sub(block_at);
        }
        // The ends read are those before the next field's start.
        (ends_from(ends, offset), column + read, at)
    }

    /// Reads column `j`'s field as it stands in a plain record, quotes included; free text not
    /// kept is only checked for an answer, and a skipped column not read, so neither has its
    /// doubled quotes undone. Inlined into the record reader, which calls it for about seven
    /// cells a row (362.5 -> 356.8 M instructions at 100k rows).
    #[inline(always)]
    fn cell(&mut self, j: usize, raw: &[u8], scratch: &mut Vec<u8>, pilots: &mut Vec<String>) {
        match self.plan.actions[j] {
            Action::Skip => {}
            Action::Text(q) if !self.keep_text => {
                let content = match raw {
                    [b'"', content @ .., b'"'] => content,
                    _ => raw,
                };
                if !trim(content).is_empty() {
                    self.codes[q] = Code::Answered;
                }
            }
            _ => {
                let field = match raw {
                    [b'"', content @ .., b'"'] => split::undouble_quotes(content, scratch),
                    _ => raw,
                };
                self.field(j, field, pilots);
            }
        }
    }
}

/// For the field ends among the eight bytes from a field's start (bit `i` set when byte `i`
/// ends a field), where the first four fields start when each is empty or one byte: the
/// second's, third's and fourth's offsets, and the bytes the four take with their ends, as
/// the bytes of a word; 0 when they are not four such fields. An empty field's byte is its
/// end, the comma at which `short_slot` keeps its level.
static FOUR_SHORT_CELLS: [u32; 256] = four_short_cells();

const fn four_short_cells() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut ends = 0;
    while ends < 256 {
        let (mut starts, mut start, mut cells) = ([0u32; 4], 0u32, 0);
        while cells < 4 {
            let rest = (ends as u32) >> start;
            if rest == 0 || rest.trailing_zeros() > 1 {
                break;
            }
            starts[cells] = start;
            start += rest.trailing_zeros() + 1;
            cells += 1;
        }
        if cells == 4 {
            table[ends] = starts[1] | starts[2] << 8 | starts[3] << 16 | start << 24;
        }
        ends += 1;
    }
    table
}

/// The `ends` of a block at or after bit `offset`: none past the block's end (64), all of them
/// when `offset` wrapped below 0 (a field that began in the block before).
fn ends_from(ends: u64, offset: usize) -> u64 {
    match offset {
        0..64 => ends & (u64::MAX << offset),
        64 => 0,
        _ => ends,
    }
}

/// Where an empty or one-byte cell has its level in its column's `Reader::short_levels`.
fn short_slot(field: &[u8]) -> Option<usize> {
    match field {
        [] => Some(usize::from(b',')),
        [b','] => None,
        [b] => Some(usize::from(*b)),
        _ => None,
    }
}

/// How `Reader::plain_record` ended.
enum Plain {
    /// A record whose cells end at `content` and whose line ends at `end`; `plain_text` when
    /// its bytes are all ASCII and none is NUL.
    Record {
        content: usize,
        end: usize,
        plain_text: bool,
    },
    /// The buffer ends inside the record.
    More,
    /// Not a plain record: the splitter and the general checks read it.
    Other,
}

/// What keeps the accepted rows of a chunk as they are read (the import's encoder of stored
/// rows; nothing for the summary).
pub trait RowSink {
    /// Whether rows' respondent ids and free text are kept for `row`.
    const KEEPS_TEXT: bool;
    /// An accepted row, the chunk's `record`-th (from 0, blank and rejected records counted).
    fn row(&mut self, record: u64, row: &RowView);
}

impl RowSink for () {
    const KEEPS_TEXT: bool = false;
    fn row(&mut self, _: u64, _: &RowView) {}
}

/// An accepted row as read by the fast path, with consent gates applied.
pub struct RowView<'r> {
    reader: &'r Reader<'r>,
    pilots: &'r [String],
}

impl RowView<'_> {
    /// The respondent id, trimmed (kept only when the sink `KEEPS_TEXT`).
    pub fn respondent_id(&self) -> &str {
        kept_str(&self.reader.kept[self.reader.kept_id.clone()])
    }

    /// The pilot's index among the chunk's pilots, which are numbered as first met.
    pub fn pilot(&self) -> usize {
        self.reader.pilot.map_or(0, |(p, _)| p)
    }

    /// The chunk's `index`-th pilot, as `parse_meta` names it.
    pub fn pilot_name(&self, index: usize) -> &str {
        &self.pilots[index]
    }

    pub fn wave(&self) -> usize {
        self.reader.wave
    }

    pub fn role(&self) -> usize {
        self.reader.role
    }

    /// The submission date and the end time it gives, as stored (None when missing, or
    /// when the file has no submission column).
    pub fn submitted(&self) -> (Option<&str>, Option<&str>) {
        let reader = self.reader;
        let dates = match reader.dated {
            NO_DATES => return (None, None),
            ROW_DATES => &reader.row_dates,
            at => &reader.dates[at],
        };
        (dates.0.as_deref(), dates.1.as_deref())
    }

    /// A level question's level, 0 when missing.
    pub fn level(&self, q: usize) -> u8 {
        self.reader.levels[q]
    }

    /// A numeric question's answer, None when missing.
    pub fn number(&self, q: usize) -> Option<f64> {
        match self.reader.codes[q] {
            Code::Number(x) => Some(x),
            _ => None,
        }
    }

    /// A select-all question's options chosen, None when missing.
    pub fn choices(&self, q: usize) -> Option<u64> {
        match self.reader.codes[q] {
            Code::Choices(set) => Some(set),
            _ => None,
        }
    }

    /// Each free-text question answered, with its answer trimmed (when kept), but those
    /// discarded for want of consent.
    pub fn texts(&self) -> impl Iterator<Item = (usize, &str)> {
        let reader = self.reader;
        reader
            .kept_texts
            .iter()
            .filter(|(q, _)| reader.codes[*q] == Code::Answered)
            .map(|(q, at)| (*q, kept_str(&reader.kept[at.clone()])))
    }
}

/// Kept text as `str`: a row is accepted only once its record is known to be UTF-8, and its
/// fields are cut at ASCII bytes.
fn kept_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Counts the records that start in `start..end` into a chunk of their own, reading past
/// `end` to finish the last, and gives each accepted row to `sink`.
fn read_chunk<S: RowSink>(
    path: &Path,
    plan: &Plan,
    start: u64,
    end: u64,
    sink: &mut S,
) -> Result<Option<Chunk>> {
    let mut chunk = Chunk::new(plan, end - start);
    let mut reader = Reader::new(plan, S::KEEPS_TEXT);
    if !read_segment(path, start, end, &mut chunk, &mut reader, sink)? {
        return Ok(None);
    }
    chunk.finish(plan);
    Ok(Some(chunk))
}

/// Adds the records that start in `start..end` to `chunk`, reading past `end` to finish the
/// last, and gives each accepted row to `sink`; `chunk.began_at` and `chunk.stopped_at` are
/// set for this segment. `reader` may have read other segments: it keeps the values it has
/// met. False when the file is not for the fast path (a field that is not UTF-8 or holds a
/// NUL byte, or a record too long).
fn read_segment<S: RowSink>(
    path: &Path,
    start: u64,
    end: u64,
    chunk: &mut Chunk,
    reader: &mut Reader,
    sink: &mut S,
) -> Result<bool> {
    #[cfg(target_arch = "x86_64")]
    if reader.avx2 {
        // SAFETY: the processor has AVX2, BMI1 and BMI2, as `has_avx2` found.
        return unsafe { read_segment_avx2(path, start, end, chunk, reader, sink) };
    }
    read_segment_with(
        path,
        start,
        end,
        chunk,
        reader,
        sink,
        (split::classify, tally_levels_baseline),
    )
}

/// `read_segment` compiled for processors with AVX2, BMI1 and BMI2 (most since 2013): the
/// blocks of its records classified 32 bytes at a time, and the masks' bits found and
/// cleared in one instruction each.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2")]
unsafe fn read_segment_avx2<S: RowSink>(
    path: &Path,
    start: u64,
    end: u64,
    chunk: &mut Chunk,
    reader: &mut Reader,
    sink: &mut S,
) -> Result<bool> {
    // SAFETY (both): this function runs only where AVX2 is.
    let classify = |block: &[u8; 64]| unsafe { split::classify_avx2(block) };
    let tally = |tally: &mut [u8], levels: &[u8]| unsafe { tally_levels_avx2(tally, levels) };
    read_segment_with(path, start, end, chunk, reader, sink, (classify, tally))
}

/// `read_segment`'s work, with `classify` for the blocks of its records and `tally` for its
/// rows' levels (`tally_levels`), each built for the processor.
#[inline(always)]
fn read_segment_with<S: RowSink>(
    path: &Path,
    start: u64,
    end: u64,
    chunk: &mut Chunk,
    reader: &mut Reader,
    sink: &mut S,
    (classify, tally): (
        impl Fn(&[u8; 64]) -> split::Classes,
        impl Fn(&mut [u8], &[u8]),
    ),
) -> Result<bool> {
    let plan = reader.plan;
    let codebook = &plan.survey.codebook;
    let open = || File::open(path).map_err(|e| Error::io(path, e));
    let mut splitter = match Splitter::mapped(open()?, start, MAP_WINDOW, MAX_RECORD) {
        Ok(mapped) => mapped,
        Err(_) => {
            let mut file = open()?;
            file.seek(SeekFrom::Start(start))
                .map_err(|e| Error::io(path, e))?;
            Splitter::new(file, BLOCK, MAX_RECORD)
        }
    };
    let width = plan.actions.len();
    let stride = plan.layout.width;
    let (waves, roles) = (codebook.waves.len(), codebook.roles.len());
    (chunk.began_at, chunk.stopped_at) = (end, end);
    // Fields are split at ASCII bytes, so they are all UTF-8 exactly when the record is. A
    // record over the field limit may hold a field the in-memory path refuses, and one with a
    // NUL byte a file it refuses as binary.
    let raw_ok = |raw: &[u8]| {
        raw.len() <= MAX_FIELD_BYTES
            && (raw.is_ascii() || std::str::from_utf8(raw).is_ok())
            && memchr::memchr(0, raw).is_none()
    };
    let mut record = Record::default();
    let mut scratch = Vec::new();
    let mut first = true;
    loop {
        // The next record's offset; u64::MAX at the end of the file.
        let offset = match splitter.next_start() {
            Ok(at) => at.map_or(u64::MAX, |at| start + at),
            Err(e) => return split_failed(path, e),
        };
        if first {
            chunk.began_at = offset;
            first = false;
        }
        if offset >= end {
            chunk.stopped_at = offset;
            break;
        }
        // A rejected row's bytes, kept for the import.
        let mut rejected_raw = None;
        let plain = loop {
            let (data, at, eof) = splitter.window();
            match reader.plain_record(data, at, eof, &mut scratch, &mut chunk.pilots, &classify) {
                Plain::Record {
                    content,
                    end,
                    plain_text,
                } => {
                    if plan.by_row && !(reader.ok && reader.pilot.is_some()) {
                        rejected_raw = Some(data[at..content].to_vec());
                    }
                    let raw = &data[at..content];
                    let ok = if plain_text {
                        raw.len() <= MAX_FIELD_BYTES
                    } else {
                        raw_ok(raw)
                    };
                    break Some((ok, end));
                }
                Plain::More => {
                    if let Err(e) = splitter.refill() {
                        return split_failed(path, e);
                    }
                }
                Plain::Other => break None,
            }
        };
        if let Some((raw_ok, end)) = plain {
            if !raw_ok {
                return Ok(false);
            }
            splitter.consume(end);
            chunk.records += 1;
            chunk.data_rows += 1;
        } else {
            let record = match splitter.next_record(&mut record) {
                Ok(Some(fields)) => fields,
                Ok(None) => break,
                Err(e) => return split_failed(path, e),
            };
            if !raw_ok(record.raw()) {
                return Ok(false);
            }
            chunk.records += 1;
            let mut len = record.len();
            let blank = |f: &[u8]| trim(f).is_empty();
            if len > width && record.iter().skip(width).all(blank) {
                len = width;
            }
            if record.iter().take(len).all(blank) {
                continue;
            }
            chunk.data_rows += 1;
            if len != width {
                chunk.rejected += 1;
                if plan.by_row {
                    chunk
                        .rejected_records
                        .push((chunk.records - 1, record.raw().to_vec()));
                }
                continue;
            }
            reader.start_row();
            for (j, field) in record.iter().enumerate().take(width) {
                reader.field(j, field, &mut chunk.pilots);
            }
            if plan.by_row && !(reader.ok && reader.pilot.is_some()) {
                rejected_raw = Some(record.raw().to_vec());
            }
        }
        let Some((pilot, pilot_key)) = reader.pilot.filter(|_| reader.ok) else {
            chunk.rejected += 1;
            if let Some(raw) = rejected_raw {
                chunk.rejected_records.push((chunk.records - 1, raw));
            }
            continue;
        };
        let (wave, role) = (reader.wave, reader.role);
        // Numeric answers' order: this row's place among the chunk's accepted rows (it is
        // the last of them), or its byte offset.
        let position = if plan.by_row {
            chunk.accepted() as u64 - 1
        } else {
            plan.base_position + offset
        };
        chunk.fingerprints.push(fingerprint(
            pilot_key ^ wave as u64,
            &reader.id.unwrap_or_default().to_le_bytes(),
        ));
        let (levels, codes) = (&mut reader.levels, &mut reader.codes);
        let mut discarded = false;
        for (gate, gated) in &plan.gates {
            if levels[*gate] != 2 {
                for &q in gated {
                    discarded |= levels[q] != 0 || codes[q] != Code::Missing;
                    levels[q] = 0;
                    codes[q] = Code::Missing;
                }
            }
        }
        chunk.without_consent += usize::from(discarded);
        let cell = (pilot * waves + wave) * roles + role;
        let cell_counters = cell * stride..(cell + 1) * stride;
        let tally_len = plan.tally_len;
        if chunk.tallied.len() <= cell {
            chunk.counters.resize(cell_counters.end, 0);
            chunk.tallied.resize(cell + 1, 0);
            chunk.level_tallies.resize((cell + 1) * tally_len, 0);
        }
        let cell_tally = &mut chunk.level_tallies[cell * tally_len..(cell + 1) * tally_len];
        let tallied = &mut chunk.tallied[cell];
        let counters = &mut chunk.counters[cell_counters.clone()];
        if counters[0] == u16::MAX {
            // The tally's rows are among those counted: added first, no counter passes the
            // row count.
            add_tally(plan, counters, cell_tally, tallied);
            if chunk.overflow.len() < cell_counters.end {
                chunk.overflow.resize(cell_counters.end, 0);
            }
            for (total, count) in chunk.overflow[cell_counters].iter_mut().zip(&mut *counters) {
                *total += u64::from(*count);
                *count = 0;
            }
        }
        counters[0] += 1;
        tally(cell_tally, levels);
        *tallied += 1;
        if *tallied == u8::MAX {
            add_tally(plan, counters, cell_tally, tallied);
        }
        for &q in &plan.other_questions {
            match (plan.layout.slots[q], codes[q]) {
                (Slots::Choices { at, .. }, Code::Choices(set)) => {
                    plan.layout.count_choices(counters, at, set)
                }
                (Slots::Choices { at, .. }, _) => counters[at] += 1,
                (Slots::Answered { at }, Code::Answered) => counters[at] += 1,
                (Slots::Numbers, c) => chunk.numbers.push((
                    cell,
                    q as u32,
                    position,
                    match c {
                        Code::Number(x) => x,
                        _ => f64::NAN,
                    },
                )),
                _ => {}
            }
        }
        sink.row(
            chunk.records - 1,
            &RowView {
                reader,
                pilots: &chunk.pilots,
            },
        );
    }
    Ok(true)
}

/// Adds a row's `levels` (one byte per question, as many as `tally` has columns) to a cell's
/// `tally`: in each row of the tally, the questions at that level, from level 1 (missing
/// answers, level 0, are left for `add_tally` to count). Rows fall into cells at random, and
/// adding each level to its counter made a read and write of scattered memory per question,
/// a tenth of the summary's time on 40 questions, most of it waiting for memory. Compared a
/// level at a time for 16 questions at once (the compiler makes these loops SIMD
/// instructions), a row of 40 questions takes a third fewer instructions, and the 1M-row
/// summary 8% less time on one core.
#[inline(always)]
fn tally_levels(tally: &mut [u8], levels: &[u8]) {
    for (row, counts) in tally.chunks_exact_mut(levels.len()).enumerate() {
        let value = row as u8 + 1;
        for (counts, levels) in counts.chunks_exact_mut(16).zip(levels.chunks_exact(16)) {
            for (count, &level) in counts.iter_mut().zip(levels) {
                *count = count.wrapping_add(u8::from(level == value));
            }
        }
    }
}

/// `tally_levels` for any processor, called rather than inlined: inlined into the record
/// reader, it was not made SIMD instructions (438 M instructions at 100k rows, not 377 M).
#[inline(never)]
fn tally_levels_baseline(tally: &mut [u8], levels: &[u8]) {
    tally_levels(tally, levels)
}

/// `tally_levels` compiled for AVX2, 32 questions compared at once where a row has that many
/// (365.8 -> 362.5 M instructions at 100k rows of 40 questions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn tally_levels_avx2(tally: &mut [u8], levels: &[u8]) {
    tally_levels(tally, levels)
}

/// Adds a cell's level `tally` of `tallied` rows into its `counters`, and clears it.
fn add_tally(plan: &Plan, counters: &mut [u16], tally: &mut [u8], tallied: &mut u8) {
    if *tallied == 0 {
        return;
    }
    for &(q, at, levels) in &plan.level_questions {
        let mut answered = 0;
        for value in 1..=levels {
            let count = &mut tally[(value - 1) * plan.tally_width + q];
            answered += u16::from(*count);
            counters[at + value] += u16::from(*count);
            *count = 0;
        }
        counters[at] += u16::from(*tallied) - answered;
    }
    *tallied = 0;
}

/// How many records `bytes` of the file should hold, with a quarter more for shorter records;
/// never more than one per 8 bytes (an id, pilot, wave and role take at least that) nor more
/// than 16 M, past which the list grows as it needs.
fn fingerprints_expected(plan: &Plan, bytes: u64) -> usize {
    (bytes / plan.bytes_per_row * 5 / 4)
        .min(bytes / 8)
        .min(1 << 24) as usize
}

/// A field without the surrounding whitespace that `str::trim` removes (fields are checked to
/// be UTF-8 before this is called).
fn trim(field: &[u8]) -> &[u8] {
    // Whitespace at either end starts with a byte that is either ASCII whitespace or not
    // ASCII at all, so a field ending in visible ASCII bytes is already trimmed.
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if visible(field.first()) && visible(field.last()) {
        return field;
    }
    if field.is_ascii() {
        // `str::trim`'s whitespace within ASCII: tab, line feed, vertical tab, form feed,
        // carriage return and space.
        let space = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        let start = field.iter().position(|b| !space(b)).unwrap_or(field.len());
        let end = field
            .iter()
            .rposition(|b| !space(b))
            .map_or(start, |e| e + 1);
        return &field[start..end];
    }
    std::str::from_utf8(field).map_or(field, |s| s.trim().as_bytes())
}

/// A submission date as stored, and the end time it gives.
type Dates = (Option<String>, Option<String>);
/// Submission cells kept in `Reader::dates`: twice what the column's cache can point at, so
/// that once the list is full the cache is too, and never keeps `ROW_DATES`. (A cell of one
/// byte or none, which the cache always keeps, is never a date: it is empty, `NO_DATES`, or
/// invalid.)
const DATES: usize = 2 * CACHE_LIMIT;
const ROW_DATES: usize = usize::MAX;
const NO_DATES: usize = usize::MAX - 1;

/// A submission cell understood as the in-memory path understands it (`parse_meta` for the
/// date, `ended_at` for the end time, which it gives when the file has no end time of its
/// own); None when the cell is invalid.
fn submission(plan: &Plan, field: &[u8]) -> Option<Dates> {
    let raw = std::str::from_utf8(field).ok()?;
    let mut response = Response::blank(&plan.survey.codebook);
    let mut invalid = false;
    parse_meta(
        MetaField::Submitted,
        raw.trim(),
        plan.survey,
        &mut response,
        &mut |_, _| invalid = true,
    );
    (!invalid).then(|| (response.submitted, super::ended_at(raw)))
}

/// Keeps `dated` in `dates` while there is room (where the column's cache can point at it),
/// else as the row's own; gives its index (`NO_DATES` for no date at all).
fn keep_dates(dates: &mut Vec<Dates>, row_dates: &mut Dates, dated: Dates) -> usize {
    if dated == (None, None) {
        NO_DATES
    } else if dates.len() < DATES {
        dates.push(dated);
        dates.len() - 1
    } else {
        *row_dates = dated;
        ROW_DATES
    }
}

/// A pilot, wave or role cell understood by the same function as the in-memory path: the
/// pilot's index in `pilots` and the fingerprint of its lower-case id, or the wave's or role's
/// index; None when the cell is invalid.
fn meta_value(
    plan: &Plan,
    kind: MetaField,
    field: &[u8],
    pilots: &mut Vec<String>,
) -> Option<(usize, u64)> {
    let value = std::str::from_utf8(field).ok()?.trim();
    let mut response = Response::blank(&plan.survey.codebook);
    let mut invalid = false;
    parse_meta(kind, value, plan.survey, &mut response, &mut |_, _| {
        invalid = true
    });
    if invalid {
        return None;
    }
    match kind {
        MetaField::Pilot => {
            let index = match pilots.iter().position(|p| *p == response.pilot) {
                Some(i) => i,
                None => {
                    pilots.push(response.pilot.clone());
                    pilots.len() - 1
                }
            };
            Some((
                index,
                fingerprint(0, response.pilot.to_ascii_lowercase().as_bytes()),
            ))
        }
        MetaField::Wave => Some((response.wave, 0)),
        _ => Some((response.role, 0)),
    }
}

/// A level question's cell as its level, 0 when missing (as the in-memory path counts any
/// answer that is not a level), or `INVALID_LEVEL`.
fn level_code(plan: &Plan, q: usize, field: &[u8]) -> u8 {
    match value_code(plan, q, field) {
        Some(Code::Level(l)) => l,
        Some(_) => 0,
        None => INVALID_LEVEL,
    }
}

/// A question's cell understood by the codebook's value map; None when it is invalid.
fn value_code(plan: &Plan, q: usize, field: &[u8]) -> Option<Code> {
    let raw = std::str::from_utf8(field).ok()?;
    let question = &plan.survey.codebook.questions[q];
    match plan.value_maps[q].parse(question, raw, plan.separators) {
        Ok(Answer::Missing) => Some(Code::Missing),
        Ok(Answer::Level(l)) => Some(Code::Level(l)),
        Ok(Answer::Choices(set)) => Some(Code::Choices(set)),
        Ok(Answer::Number(x)) => Some(Code::Number(x)),
        Ok(Answer::Text(_)) => Some(Code::Answered),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A fingerprint met twice is found wherever the two are, in one set or two; none is
        /// found otherwise.
        #[test]
        fn a_fingerprint_met_twice_is_found(
            values in proptest::collection::hash_set(any::<u64>(), 1..3000),
            zero in any::<bool>(),
            repeat in any::<proptest::sample::Index>(),
            sets in 1usize..4,
        ) {
            let mut values = values;
            if zero {
                values.insert(0);
            }
            let values: Vec<u64> = values.into_iter().collect();
            let mut fingerprints: Vec<Fingerprints> =
                (0..sets).map(|_| Fingerprints::with_capacity(0)).collect();
            for (i, &value) in values.iter().enumerate() {
                fingerprints[i % sets].push(value);
            }
            let all: Vec<&Fingerprints> = fingerprints.iter().collect();
            prop_assert!(!any_repeated(&all, 1));
            let again = *repeat.get(&values);
            fingerprints[repeat.index(sets * 7) % sets].push(again);
            let all: Vec<&Fingerprints> = fingerprints.iter().collect();
            prop_assert!(any_repeated(&all, 1));
        }
    }

    /// Enough fingerprints for the check to run on two threads: a repeat in the first list
    /// or in the last is found.
    #[test]
    fn a_fingerprint_met_twice_is_found_by_either_thread() {
        let mut sets = [
            Fingerprints::with_capacity(0),
            Fingerprints::with_capacity(0),
        ];
        for i in 0..100_000u64 {
            sets[(i % 2) as usize].push(mix(i));
        }
        assert!(!any_repeated(&[&sets[0], &sets[1]], 2));
        for list in [0, FINGERPRINT_LISTS - 1] {
            let mut repeated = Fingerprints::with_capacity(0);
            repeated.push(sets[1].lists[list][0]);
            assert!(any_repeated(&[&sets[0], &sets[1], &repeated], 2), "{list}");
        }
    }

    #[test]
    fn fingerprints_moved_into_others_are_checked_with_them() {
        let (mut first, mut second) = (
            Fingerprints::with_capacity(8),
            Fingerprints::with_capacity(8),
        );
        first.push(u64::MAX);
        second.push(7);
        second.push(u64::MAX);
        first.append(&mut second);
        assert_eq!((first.len(), second.len()), (3, 0));
        assert!(any_repeated(&[&first], 1));
    }

    proptest! {
        /// Stores keep respondents' keys made by `fingerprint`: it must give what the padded
        /// words it was first written with give.
        #[test]
        fn fingerprints_are_those_of_zero_padded_words(
            seed in any::<u64>(),
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let mut expected = mix(seed ^ bytes.len() as u64);
            for word in bytes.chunks(8) {
                let mut padded = [0u8; 8];
                padded[..word.len()].copy_from_slice(word);
                expected = mix(expected ^ u64::from_le_bytes(padded));
            }
            prop_assert_eq!(fingerprint(seed, &bytes), expected);
        }
    }

    /// The key a store holds for respondent `R00000001`, computed by a separate Python
    /// implementation of splitmix64 over zero-padded little-endian words.
    #[test]
    fn a_respondent_id_has_the_fingerprint_stores_hold() {
        assert_eq!(fingerprint(0, b"R00000001"), 0x19f7_7d6e_461d_997b);
    }

    #[test]
    fn the_cache_tells_apart_values_sharing_their_first_and_last_bytes() {
        // Each length from 0 to 39, all `a`, and again with a `b` in the middle; a value met
        // twice keeps the meaning it was given first.
        let values: Vec<Vec<u8>> = (0..40)
            .flat_map(|n| {
                let mut marked = vec![b'a'; n];
                if let Some(middle) = marked.get_mut(n / 2) {
                    *middle = b'b';
                }
                [vec![b'a'; n], marked]
            })
            .collect();
        let mut cache = Cache::new();
        for (i, value) in values.iter().enumerate() {
            cache.get_or(value, || i);
        }
        for value in &values {
            let first = values.iter().position(|v| v == value).unwrap();
            assert_eq!(cache.get_or(value, || usize::MAX), first, "{value:?}");
        }
    }
}
