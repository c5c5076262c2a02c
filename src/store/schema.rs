//! The store's schema. The README's "Store" section documents it for `sqlite3` users; keep the
//! two in step.

use rusqlite::Connection;

use crate::codebook::{Codebook, QuestionKind};

/// WAL lets a report read while an import writes; NORMAL sync is durable across a killed
/// process (only a power cut can lose the last commits), and foreign keys make removing an
/// import remove its answers.
pub const PRAGMAS: &str = "
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
CREATE TABLE IF NOT EXISTS responses (
    id             INTEGER PRIMARY KEY,
    import_id      INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    source_row     INTEGER NOT NULL,
    respondent_id  TEXT NOT NULL,
    pilot_id       TEXT NOT NULL,
    wave           TEXT NOT NULL,
    role           TEXT NOT NULL,
    submitted_date TEXT,
    weight         REAL,
    started_at     TEXT,
    ended_at       TEXT,
    duration_s     REAL,
    progress       REAL,
    finished       INTEGER,
    UNIQUE (pilot_id, wave, respondent_id)
);
CREATE INDEX IF NOT EXISTS responses_by_import ON responses(import_id);
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
CREATE TABLE IF NOT EXISTS text_answers (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
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

/// The lower-cased names of the `responses` table's columns.
pub fn existing_columns(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('responses')")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    names.map(|n| n.map(|n| n.to_ascii_lowercase())).collect()
}

/// Columns added to `responses` after its first release, with their types: a store made
/// before them gains them when opened.
const ADDED_COLUMNS: [(&str, &str); 5] = [
    ("started_at", "TEXT"),
    ("ended_at", "TEXT"),
    ("duration_s", "REAL"),
    ("progress", "REAL"),
    ("finished", "INTEGER"),
];

pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let existing = existing_columns(conn)?;
    for (name, sql_type) in ADDED_COLUMNS {
        if !existing.iter().any(|c| c == name) {
            conn.execute_batch(&format!(
                "ALTER TABLE responses ADD COLUMN {name} {sql_type}"
            ))?;
        }
    }
    Ok(())
}

/// Adds a column for every codebook question the table lacks. Runs inside the import's
/// transaction, so a failed import leaves no new columns behind.
pub fn ensure_question_columns(conn: &Connection, codebook: &Codebook) -> rusqlite::Result<()> {
    let existing = existing_columns(conn)?;
    for question in &codebook.questions {
        let sql_type = match question.kind {
            QuestionKind::Likert | QuestionKind::YesNo => "INTEGER",
            QuestionKind::Single | QuestionKind::Multi => "TEXT",
            QuestionKind::Numeric => "REAL",
            QuestionKind::Text => continue,
        };
        if !existing.contains(&question.id.to_ascii_lowercase()) {
            conn.execute_batch(&format!(
                "ALTER TABLE responses ADD COLUMN {} {sql_type}",
                quote_ident(&question.id)
            ))?;
        }
    }
    Ok(())
}
