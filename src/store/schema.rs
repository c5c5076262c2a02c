//! The store's schema. The README's "Store" section documents it for `sqlite3` users; keep the
//! two in step.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};

use super::blocks::{respondent_key, BlockWriter, META_COLUMNS, PILOT_ID, RESPONDENT_ID, WAVE};

use crate::codebook::{Codebook, QuestionKind};

/// 64 KiB pages (for a new store; SQLite keeps an existing store's) write a block of responses
/// in a sixteenth of the system calls of 4 KiB ones: a million-row import made 289,000
/// `pwrite`s. WAL lets a report read while an import writes; NORMAL sync is durable across a
/// killed process (only a power cut can lose the last commits), and foreign keys make
/// removing an import remove its answers.
pub const PRAGMAS: &str = "
PRAGMA page_size = 65536;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
";

pub const CREATE: &str = "
CREATE TABLE IF NOT EXISTS imports (
    id               INTEGER PRIMARY KEY,
    file_name        TEXT NOT NULL,
    sha256           TEXT NOT NULL UNIQUE,
    format           TEXT NOT NULL,
    encoding         TEXT NOT NULL,
    imported_at      TEXT NOT NULL,
    rows_accepted    INTEGER NOT NULL,
    rows_rejected    INTEGER NOT NULL,
    codebook_version TEXT NOT NULL,
    dropped_columns  TEXT NOT NULL
);
-- Responses, in blocks of one import (blocks.rs); the views `responses` and `text_answers`
-- (made by `ensure_views`) show them a row per response and per free-text answer.
CREATE TABLE IF NOT EXISTS response_columns (
    position INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    type     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS response_blocks (
    id        INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    first_id  INTEGER NOT NULL UNIQUE,
    row_count INTEGER NOT NULL,
    keys      BLOB NOT NULL,
    rows      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS response_blocks_by_import ON response_blocks(import_id);
CREATE TABLE IF NOT EXISTS text_blocks (
    block_id INTEGER PRIMARY KEY REFERENCES response_blocks(id) ON DELETE CASCADE,
    answers  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS import_questions (
    import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    PRIMARY KEY (import_id, question_id)
) WITHOUT ROWID;
-- Each import's summary counts (store/counts.rs), under the codebook layout it was counted in.
CREATE TABLE IF NOT EXISTS import_counts (
    import_id INTEGER PRIMARY KEY REFERENCES imports(id) ON DELETE CASCADE,
    layout    TEXT NOT NULL,
    pilots    TEXT NOT NULL,
    cells     BLOB NOT NULL
);
-- Recommendation tracking. Every table is append-only (the triggers below refuse UPDATE and
-- DELETE): the current state is the first record plus everything appended since, and a
-- correction is a new row. on_date is the date a change counts from (today or --as-of),
-- recorded_at the wall-clock time it was written, source the command or imported file.
CREATE TABLE IF NOT EXISTS rec_positions (
    id          INTEGER PRIMARY KEY,
    rec_id      TEXT NOT NULL,
    position    TEXT NOT NULL CHECK (position IN ('accepted', 'partially_accepted', 'not_accepted', 'undecided')),
    rationale   TEXT NOT NULL,
    priority    INTEGER NOT NULL CHECK (priority IN (0, 1)),
    owner       TEXT NOT NULL,
    note        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    source      TEXT NOT NULL,
    CHECK (position <> 'not_accepted' OR rationale <> '')
);
CREATE TABLE IF NOT EXISTS actions (
    id          TEXT PRIMARY KEY,
    rec_id      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    description TEXT NOT NULL,
    deliverable TEXT NOT NULL,
    owner       TEXT NOT NULL,
    start_date  TEXT,
    due_date    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'little_or_no_progress', 'implemented', 'will_not_implement', 'no_longer_applicable')),
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    source      TEXT NOT NULL,
    UNIQUE (rec_id, seq)
);
CREATE TABLE IF NOT EXISTS action_events (
    id          INTEGER PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id),
    field       TEXT NOT NULL CHECK (field IN ('status', 'description', 'deliverable', 'owner', 'start_date', 'due_date', 'verified')),
    from_value  TEXT,
    to_value    TEXT,
    note        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS action_events_by_action ON action_events(action_id);
CREATE TABLE IF NOT EXISTS action_comments (
    id          INTEGER PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id),
    text        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS action_evidence (
    id          INTEGER PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id),
    kind        TEXT NOT NULL CHECK (kind IN ('indicator', 'document', 'link')),
    reference   TEXT NOT NULL,
    note        TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS rec_positions_no_update BEFORE UPDATE ON rec_positions
BEGIN SELECT RAISE(ABORT, 'rec_positions is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS rec_positions_no_delete BEFORE DELETE ON rec_positions
BEGIN SELECT RAISE(ABORT, 'rec_positions is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS actions_no_update BEFORE UPDATE ON actions
BEGIN SELECT RAISE(ABORT, 'actions is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS actions_no_delete BEFORE DELETE ON actions
BEGIN SELECT RAISE(ABORT, 'actions is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_events_no_update BEFORE UPDATE ON action_events
BEGIN SELECT RAISE(ABORT, 'action_events is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_events_no_delete BEFORE DELETE ON action_events
BEGIN SELECT RAISE(ABORT, 'action_events is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_comments_no_update BEFORE UPDATE ON action_comments
BEGIN SELECT RAISE(ABORT, 'action_comments is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_comments_no_delete BEFORE DELETE ON action_comments
BEGIN SELECT RAISE(ABORT, 'action_comments is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_evidence_no_update BEFORE UPDATE ON action_evidence
BEGIN SELECT RAISE(ABORT, 'action_evidence is append-only: history is never rewritten; record a correction as a new entry'); END;
CREATE TRIGGER IF NOT EXISTS action_evidence_no_delete BEFORE DELETE ON action_evidence
BEGIN SELECT RAISE(ABORT, 'action_evidence is append-only: history is never rewritten; record a correction as a new entry'); END;
";

/// Quotes an SQL identifier. Question ids are validated to letters, digits and `_`, so this
/// only guards against ids that are SQL keywords.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The stored rows' columns in position order: name and SQL type.
pub fn response_columns(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, type FROM response_columns ORDER BY position")?;
    let columns = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    columns.collect()
}

fn add_column(conn: &Connection, name: &str, sql_type: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO response_columns (position, name, type)
         VALUES ((SELECT coalesce(max(position) + 1, 0) FROM response_columns), ?1, ?2)",
        [name, sql_type],
    )?;
    Ok(())
}

/// Brings a store made by an earlier mctrack to the block layout, and makes the views. Reads
/// first, so that opening an up-to-date store takes no write lock (a report may open it while
/// an import writes); only a store that needs a change is changed, in one transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    if is_current(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (name, sql_type) in META_COLUMNS {
        add_column(&tx, name, sql_type)?;
    }
    if row_table_exists(&tx)? {
        convert_row_table(&tx)?;
    }
    ensure_views(&tx)?;
    tx.commit()
}

fn is_current(conn: &Connection) -> rusqlite::Result<bool> {
    let registered: i64 =
        conn.query_row("SELECT count(*) FROM response_columns", [], |r| r.get(0))?;
    Ok(registered >= META_COLUMNS.len() as i64
        && !row_table_exists(conn)?
        && view_sql(conn, "text_answers")?.is_some()
        && view_sql(conn, "responses")? == Some(responses_view(&response_columns(conn)?)))
}

/// Whether the store still has the row-per-response `responses` table of mctrack before blocks.
fn row_table_exists(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'responses')",
        [],
        |r| r.get(0),
    )
}

fn view_sql(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?1",
        [name],
        |r| r.get(0),
    )
    .optional()
}

/// The `responses` view: a row per stored response, a column per entry of
/// `response_columns`, read from the blocks' JSON.
fn responses_view(columns: &[(String, String)]) -> String {
    let mut sql =
        "CREATE VIEW responses AS SELECT b.first_id + r.key AS id, b.import_id AS import_id"
            .to_string();
    for (position, (name, _)) in columns.iter().enumerate() {
        sql.push_str(&format!(
            ", r.value ->> {position} AS {}",
            quote_ident(name)
        ));
    }
    sql.push_str(" FROM response_blocks b, json_each(b.rows) r");
    sql
}

const TEXT_ANSWERS_VIEW: &str = "CREATE VIEW text_answers AS SELECT b.first_id + (a.value ->> 0) AS response_id, a.value ->> 1 AS question_id, a.value ->> 2 AS value FROM text_blocks t JOIN response_blocks b ON b.id = t.block_id, json_each(t.answers) a";

/// (Re)makes the views when the columns changed.
fn ensure_views(conn: &Connection) -> rusqlite::Result<()> {
    let view = responses_view(&response_columns(conn)?);
    if view_sql(conn, "responses")?.as_deref() != Some(view.as_str()) {
        conn.execute_batch("DROP VIEW IF EXISTS responses")?;
        conn.execute_batch(&view)?;
    }
    if view_sql(conn, "text_answers")?.is_none() {
        conn.execute_batch(TEXT_ANSWERS_VIEW)?;
    }
    Ok(())
}

/// Adds a column for every codebook question the stored rows lack. Runs inside the import's
/// transaction, so a failed import leaves no new columns behind.
pub fn ensure_question_columns(conn: &Connection, codebook: &Codebook) -> rusqlite::Result<()> {
    for question in &codebook.questions {
        let sql_type = match question.kind {
            QuestionKind::Likert | QuestionKind::YesNo => "INTEGER",
            QuestionKind::Single | QuestionKind::Multi => "TEXT",
            QuestionKind::Numeric => "REAL",
            QuestionKind::Text => continue,
        };
        add_column(conn, &question.id, sql_type)?;
    }
    ensure_views(conn)
}

/// Moves the rows of the old `responses` and `text_answers` tables into blocks, keeping their
/// ids, and drops the tables.
fn convert_row_table(conn: &Connection) -> rusqlite::Result<()> {
    let old: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT name, type FROM pragma_table_info('responses')")?;
        let columns = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        columns.collect::<rusqlite::Result<_>>()?
    };
    for (name, sql_type) in &old {
        if name != "id" && name != "import_id" {
            add_column(conn, name, sql_type)?;
        }
    }
    let has = |name: &str| old.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let select: Vec<String> = response_columns(conn)?
        .iter()
        .map(|(name, _)| match has(name) {
            true => quote_ident(name),
            false => "NULL".into(),
        })
        .collect();
    let mut rows_stmt = conn.prepare(&format!(
        "SELECT id, import_id, {} FROM responses ORDER BY id",
        select.join(", ")
    ))?;
    let mut texts_stmt = conn.prepare(
        "SELECT response_id, question_id, value FROM text_answers ORDER BY response_id, question_id",
    )?;
    let mut texts = texts_stmt.query([])?;
    let mut text = texts.next()?;
    let mut rows = rows_stmt.query([])?;
    let mut current: Option<(i64, BlockWriter)> = None;
    while let Some(row) = rows.next()? {
        let (id, import_id): (i64, i64) = (row.get(0)?, row.get(1)?);
        let continues =
            matches!(&current, Some((import, w)) if *import == import_id && w.next_id() == id);
        if !continues {
            if let Some((_, mut writer)) = current.take() {
                writer.finish(conn)?;
            }
            current = Some((import_id, BlockWriter::new(import_id, id)));
        }
        let writer = &mut current.as_mut().expect("set above").1;
        let key_part = |position: usize| -> rusqlite::Result<String> {
            Ok(row
                .get::<_, Option<String>>(2 + position)?
                .unwrap_or_default())
        };
        writer.begin_row(respondent_key(
            &key_part(PILOT_ID)?,
            &key_part(WAVE)?,
            &key_part(RESPONDENT_ID)?,
        ));
        for i in 0..select.len() {
            match row.get_ref(2 + i)? {
                ValueRef::Null | ValueRef::Blob(_) => writer.null(),
                ValueRef::Integer(v) => writer.int(v),
                ValueRef::Real(v) => writer.real(v),
                ValueRef::Text(t) => writer.text(&String::from_utf8_lossy(t)),
            }
        }
        while let Some(t) = text {
            let response_id: i64 = t.get(0)?;
            if response_id > id {
                break;
            }
            if response_id == id {
                writer.text_answer(&t.get::<_, String>(1)?, &t.get::<_, String>(2)?);
            }
            text = texts.next()?;
        }
        writer.end_row(conn)?;
    }
    if let Some((_, mut writer)) = current {
        writer.finish(conn)?;
    }
    drop(rows);
    drop(texts);
    drop(rows_stmt);
    drop(texts_stmt);
    conn.execute_batch("DROP TABLE text_answers; DROP TABLE responses;")
}
