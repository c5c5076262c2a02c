//! Tracking tables: reading the whole recorded history into a [`Plan`], and appending a
//! batch of [`Change`]s in one transaction. Nothing here updates or deletes a row; the
//! schema's triggers refuse it anyway.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, Row};

use super::{store_error, write_transaction, Store};
use crate::error::Result;
use crate::tracking::{
    date_text, parse_date, ActionFields, ActionRecord, Change, Comment, Event, Evidence,
    EvidenceKind, EvidenceRef, Field, Plan, Position, PositionEntry, PositionRecord, Stamp, Status,
};

impl Store {
    /// Everything recorded about tracking, in entry order.
    pub fn load_plan(&self) -> Result<Plan> {
        load(&self.conn).map_err(|e| self.error(e))
    }

    /// Appends the changes `decide` returns, in one IMMEDIATE transaction, stamped with
    /// `stamp`. `decide` sees the plan as it stands inside the transaction, so what it
    /// decides cannot be overtaken by another writer; an error from it writes nothing.
    pub fn update_plan<T>(
        &mut self,
        stamp: &Stamp,
        decide: impl FnOnce(&Plan) -> Result<(Vec<Change>, T)>,
    ) -> Result<T> {
        let path = self.path.clone();
        let tx = write_transaction(&mut self.conn, &path)?;
        let err = |e| store_error(&path, e);
        let plan = load(&tx).map_err(err)?;
        let (changes, result) = decide(&plan)?;
        for change in &changes {
            write(&tx, change, stamp).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(result)
    }
}

const STAMP: &str = "on_date, recorded_at, recorded_by, source";

fn write(conn: &Connection, change: &Change, stamp: &Stamp) -> rusqlite::Result<usize> {
    let on = date_text(Some(stamp.on));
    match change {
        Change::Position {
            rec_id,
            record,
            note,
        } => conn.execute(
            &format!("INSERT INTO rec_positions (rec_id, position, rationale, priority, owner, note, {STAMP}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                rec_id,
                record.position.as_str(),
                record.rationale,
                record.priority,
                record.owner,
                note,
                on,
                stamp.recorded_at,
                stamp.by,
                stamp.source
            ],
        ),
        Change::NewAction {
            id,
            rec_id,
            seq,
            fields,
            status,
        } => conn.execute(
            &format!("INSERT INTO actions (id, rec_id, seq, description, deliverable, owner, start_date, due_date, status, {STAMP}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
            params![
                id,
                rec_id,
                seq,
                fields.description,
                fields.deliverable,
                fields.owner,
                fields.start.map(|d| date_text(Some(d))),
                fields.due.map(|d| date_text(Some(d))),
                status.as_str(),
                on,
                stamp.recorded_at,
                stamp.by,
                stamp.source
            ],
        ),
        Change::Event {
            action_id,
            field,
            from,
            to,
            note,
            by,
            on: event_on,
        } => conn.execute(
            &format!("INSERT INTO action_events (action_id, field, from_value, to_value, note, {STAMP}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                action_id,
                field.as_str(),
                from,
                to,
                note,
                event_on.map_or(on, |d| date_text(Some(d))),
                stamp.recorded_at,
                by.as_deref().unwrap_or(&stamp.by),
                stamp.source
            ],
        ),
        Change::Comment { action_id, text } => conn.execute(
            &format!("INSERT INTO action_comments (action_id, text, {STAMP}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
            params![action_id, text, on, stamp.recorded_at, stamp.by, stamp.source],
        ),
        Change::Evidence {
            action_id,
            evidence,
            note,
        } => conn.execute(
            &format!("INSERT INTO action_evidence (action_id, kind, reference, note, {STAMP}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                action_id,
                evidence.kind.as_str(),
                evidence.reference,
                note,
                on,
                stamp.recorded_at,
                stamp.by,
                stamp.source
            ],
        ),
    }
}

fn load(conn: &Connection) -> rusqlite::Result<Plan> {
    let positions = query(
        conn,
        &format!("SELECT id, rec_id, position, rationale, priority, owner, note, {STAMP} FROM rec_positions ORDER BY id"),
        |r| {
            Ok(PositionEntry {
                id: r.get(0)?,
                rec_id: r.get(1)?,
                record: PositionRecord {
                    position: r.get(2)?,
                    rationale: r.get(3)?,
                    priority: r.get(4)?,
                    owner: r.get(5)?,
                },
                note: r.get(6)?,
                stamp: stamp(r, 7)?,
            })
        },
    )?;
    let actions = query(
        conn,
        &format!("SELECT id, rec_id, seq, description, deliverable, owner, start_date, due_date, status, {STAMP} FROM actions ORDER BY rowid"),
        |r| {
            Ok(ActionRecord {
                id: r.get(0)?,
                rec_id: r.get(1)?,
                seq: r.get(2)?,
                fields: ActionFields {
                    description: r.get(3)?,
                    deliverable: r.get(4)?,
                    owner: r.get(5)?,
                    start: optional_date(r, 6)?,
                    due: optional_date(r, 7)?,
                },
                status: r.get(8)?,
                stamp: stamp(r, 9)?,
            })
        },
    )?;
    let events = query(
        conn,
        &format!("SELECT id, action_id, field, from_value, to_value, note, {STAMP} FROM action_events ORDER BY id"),
        |r| {
            Ok(Event {
                id: r.get(0)?,
                action_id: r.get(1)?,
                field: r.get(2)?,
                from: r.get(3)?,
                to: r.get(4)?,
                note: r.get(5)?,
                stamp: stamp(r, 6)?,
            })
        },
    )?;
    let comments = query(
        conn,
        &format!("SELECT id, action_id, text, {STAMP} FROM action_comments ORDER BY id"),
        |r| {
            Ok(Comment {
                id: r.get(0)?,
                action_id: r.get(1)?,
                text: r.get(2)?,
                stamp: stamp(r, 3)?,
            })
        },
    )?;
    let evidence = query(
        conn,
        &format!(
            "SELECT id, action_id, kind, reference, note, {STAMP} FROM action_evidence ORDER BY id"
        ),
        |r| {
            Ok(Evidence {
                id: r.get(0)?,
                action_id: r.get(1)?,
                evidence: EvidenceRef {
                    kind: r.get(2)?,
                    reference: r.get(3)?,
                },
                note: r.get(4)?,
                stamp: stamp(r, 5)?,
            })
        },
    )?;
    Ok(Plan {
        positions,
        actions,
        events,
        comments,
        evidence,
    })
}

fn query<T>(
    conn: &Connection,
    sql: &str,
    map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], map)?;
    rows.collect()
}

fn stamp(r: &Row, first: usize) -> rusqlite::Result<Stamp> {
    Ok(Stamp {
        on: r.get::<_, StoredDate>(first)?.0,
        recorded_at: r.get(first + 1)?,
        by: r.get(first + 2)?,
        source: r.get(first + 3)?,
    })
}

fn optional_date(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(r.get::<_, Option<StoredDate>>(i)?.map(|d| d.0))
}

/// An ISO 8601 date column.
struct StoredDate(NaiveDate);

/// Reads a stored word through `parse`; a word the model does not know (the CHECK
/// constraints keep them out, but the file is open to `sqlite3`) is an error naming it.
fn word<T>(value: ValueRef<'_>, parse: fn(&str) -> Option<T>, what: &str) -> FromSqlResult<T> {
    let text = value.as_str()?;
    parse(text).ok_or_else(|| {
        FromSqlError::Other(
            format!("the store holds {what} \"{text}\", which mctrack does not know").into(),
        )
    })
}

impl FromSql for StoredDate {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        word(value, parse_date, "the date").map(StoredDate)
    }
}

impl FromSql for Position {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        word(value, Position::parse, "the position")
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        word(value, Status::parse, "the status")
    }
}

impl FromSql for Field {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        word(value, Field::parse, "the event field")
    }
}

impl FromSql for EvidenceKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        word(value, EvidenceKind::parse, "the evidence kind")
    }
}
