//! The action plan as one flat CSV, for offices that keep it in a spreadsheet: one row per
//! action, with the recommendation's position repeated on each of its rows, and one row with
//! the action columns blank for a recommendation without actions.
//!
//! Import compares every row with the store and turns each difference into the same
//! append-only records the commands write: a status or field that differs becomes an event
//! (from, to), a new note a comment, new evidence an evidence record. A row that matches the
//! store changes nothing, so importing the same file twice, or importing an export, is a
//! no-op. Every row is checked before anything is written and any problem rejects the file.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{
    date_text, parse_date, ActionFields, ActionState, Change, EvidenceRef, Field, Plan, Position,
    PositionRecord, Status,
};
use crate::codebook::Survey;
use crate::ingest::Problem;
use crate::render::neutralise;

/// The columns, in the order export writes them. `last_updated` is for reading only: import
/// ignores it, since the store dates every change itself.
pub const COLUMNS: [&str; 17] = [
    "rec_id",
    "position",
    "rationale",
    "priority",
    "rec_owner",
    "action_id",
    "description",
    "deliverable",
    "owner",
    "start_date",
    "due_date",
    "status",
    "verified_by",
    "verified_on",
    "evidence",
    "note",
    "last_updated",
];

/// Columns a file must have; the others, when absent, leave what is stored unchanged.
const REQUIRED: [&str; 4] = ["rec_id", "position", "action_id", "status"];

/// Writes the plan as CSV, recommendations in the order of the recommendations file.
/// Text a spreadsheet would run as a formula is prefixed with an apostrophe, which import
/// takes off again.
pub fn export(plan: &Plan, survey: &Survey) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let actions = plan.actions();
    let mut rec_ids: Vec<String> = survey
        .recommendations
        .iter()
        .map(|r| r.id.clone())
        .collect();
    // Records for a recommendation the file no longer defines are still exported, never lost.
    for id in plan
        .positions
        .iter()
        .map(|p| &p.rec_id)
        .chain(actions.iter().map(|a| &a.rec_id))
    {
        if !rec_ids.contains(id) {
            rec_ids.push(id.clone());
        }
    }
    for rec_id in &rec_ids {
        let position = plan.position(rec_id);
        let rec_cells = [
            rec_id.clone(),
            position.position.as_str().to_string(),
            position.rationale.clone(),
            yes_no(position.priority).to_string(),
            position.owner.clone(),
        ];
        let mine: Vec<&ActionState> = actions.iter().filter(|a| &a.rec_id == rec_id).collect();
        if mine.is_empty() {
            let mut record: Vec<String> = rec_cells.to_vec();
            record.resize(COLUMNS.len(), String::new());
            write_neutralised(&mut writer, &record)?;
        }
        for action in mine {
            let mut record: Vec<String> = rec_cells.to_vec();
            let verified = action.verified.as_ref().filter(|_| action.is_verified());
            record.extend([
                action.id.clone(),
                action.fields.description.clone(),
                action.fields.deliverable.clone(),
                action.fields.owner.clone(),
                date_text(action.fields.start),
                date_text(action.fields.due),
                action.status.as_str().to_string(),
                verified.map(|v| v.by.clone()).unwrap_or_default(),
                date_text(verified.map(|v| v.on)),
                action
                    .evidence
                    .iter()
                    .map(EvidenceRef::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
                action.latest_note.clone(),
                date_text(Some(action.last_updated)),
            ]);
            write_neutralised(&mut writer, &record)?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn write_neutralised(writer: &mut csv::Writer<Vec<u8>>, record: &[String]) -> std::io::Result<()> {
    let cells: Vec<String> = record.iter().map(|c| neutralise(c)).collect();
    writer.write_record(&cells)?;
    Ok(())
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// What an import would do, computed from the file and the current plan.
#[derive(Debug, Default)]
pub struct ImportPlan {
    pub changes: Vec<Change>,
    pub rows: usize,
    /// Stored actions the file does not mention; they are left as they are.
    pub not_in_file: Vec<String>,
}

impl ImportPlan {
    /// "2 positions, 1 new action, 5 events, 3 comments, 0 evidence references".
    pub fn summary(&self) -> String {
        let count = |f: &dyn Fn(&Change) -> bool| self.changes.iter().filter(|c| f(c)).count();
        let positions = count(&|c| matches!(c, Change::Position { .. }));
        let actions = count(&|c| matches!(c, Change::NewAction { .. }));
        let events = count(&|c| matches!(c, Change::Event { .. }));
        let comments = count(&|c| matches!(c, Change::Comment { .. }));
        let evidence = count(&|c| matches!(c, Change::Evidence { .. }));
        format!(
            "{positions} position change(s), {actions} new action(s), {events} status or field event(s), {comments} comment(s), {evidence} evidence reference(s)"
        )
    }
}

/// One checked row.
struct Row {
    rec_id: String,
    position: PositionRecord,
    action: Option<ActionRow>,
}

struct ActionRow {
    id: String,
    seq: i64,
    description: Option<String>,
    deliverable: Option<String>,
    owner: Option<String>,
    start: Option<Option<NaiveDate>>,
    due: Option<Option<NaiveDate>>,
    status: Status,
    /// `None` when the file has no verified_by column.
    verified: Option<Option<(String, Option<NaiveDate>)>>,
    evidence: Vec<EvidenceRef>,
    note: String,
}

/// Checks every row of `text` (the file's decoded contents; `file` names it in problems) and
/// computes the changes against `plan`. `as_of` is today: a verification cannot be dated
/// after it. Returns every problem found, or the changes.
pub fn plan_import(
    file: &str,
    text: &str,
    plan: &Plan,
    survey: &Survey,
    as_of: NaiveDate,
) -> Result<ImportPlan, Vec<Problem>> {
    let rows = read_rows(file, text, plan, survey, as_of)?;
    let mut out = ImportPlan {
        rows: rows.len(),
        ..ImportPlan::default()
    };
    let current: HashMap<String, ActionState> = plan
        .actions()
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut seen_recs = HashSet::new();
    let mut seen_actions = HashSet::new();
    for row in &rows {
        if seen_recs.insert(row.rec_id.clone()) && plan.position(&row.rec_id) != row.position {
            out.changes.push(Change::Position {
                rec_id: row.rec_id.clone(),
                record: row.position.clone(),
                note: String::new(),
            });
        }
        if let Some(action) = &row.action {
            seen_actions.insert(action.id.clone());
            match current.get(&action.id) {
                Some(state) => diff_action(state, action, &mut out.changes),
                None => new_action(&row.rec_id, action, &mut out.changes),
            }
        }
    }
    out.not_in_file = current
        .keys()
        .filter(|id| !seen_actions.contains(*id))
        .cloned()
        .collect();
    out.not_in_file.sort();
    Ok(out)
}

fn new_action(rec_id: &str, row: &ActionRow, changes: &mut Vec<Change>) {
    changes.push(Change::NewAction {
        id: row.id.clone(),
        rec_id: rec_id.to_string(),
        seq: row.seq,
        fields: ActionFields {
            description: row.description.clone().unwrap_or_default(),
            deliverable: row.deliverable.clone().unwrap_or_default(),
            owner: row.owner.clone().unwrap_or_default(),
            start: row.start.flatten(),
            due: row.due.flatten(),
        },
        status: row.status,
    });
    if let Some(Some((by, on))) = &row.verified {
        changes.push(verify_change(&row.id, by, *on));
    }
    push_evidence(&row.id, &row.evidence, &[], changes);
    if !row.note.is_empty() {
        changes.push(Change::Comment {
            action_id: row.id.clone(),
            text: row.note.clone(),
        });
    }
}

fn diff_action(state: &ActionState, row: &ActionRow, changes: &mut Vec<Change>) {
    let text_fields = [
        (
            Field::Description,
            &state.fields.description,
            &row.description,
        ),
        (
            Field::Deliverable,
            &state.fields.deliverable,
            &row.deliverable,
        ),
        (Field::Owner, &state.fields.owner, &row.owner),
    ];
    for (field, stored, given) in text_fields {
        if let Some(given) = given.as_ref().filter(|g| *g != stored) {
            changes.push(Change::event(
                &state.id,
                field,
                Some(stored.clone()),
                Some(given.clone()),
                "",
            ));
        }
    }
    for (field, stored, given) in [
        (Field::Start, state.fields.start, row.start),
        (Field::Due, state.fields.due, row.due),
    ] {
        if let Some(given) = given.filter(|g| *g != stored) {
            changes.push(Change::event(
                &state.id,
                field,
                stored.map(|d| date_text(Some(d))),
                given.map(|d| date_text(Some(d))),
                "",
            ));
        }
    }
    let status_changes = row.status != state.status;
    if status_changes {
        changes.push(Change::event(
            &state.id,
            Field::Status,
            Some(state.status.as_str().to_string()),
            Some(row.status.as_str().to_string()),
            &row.note,
        ));
    } else if !row.note.is_empty() && row.note != state.latest_note {
        changes.push(Change::Comment {
            action_id: state.id.clone(),
            text: row.note.clone(),
        });
    }
    // A status change clears verification; an unchanged status keeps it unless withdrawn.
    let verified_now = state.is_verified() && !status_changes;
    match &row.verified {
        Some(Some((by, on))) if !verified_now => changes.push(verify_change(&state.id, by, *on)),
        Some(None) if verified_now => changes.push(Change::event(
            &state.id,
            Field::Verified,
            Some("yes".into()),
            Some("no".into()),
            "verification withdrawn: verified_by left blank in the imported file",
        )),
        _ => {}
    }
    push_evidence(&state.id, &row.evidence, &state.evidence, changes);
}

fn verify_change(action_id: &str, by: &str, on: Option<NaiveDate>) -> Change {
    Change::Event {
        action_id: action_id.to_string(),
        field: Field::Verified,
        from: Some("no".into()),
        to: Some("yes".into()),
        note: String::new(),
        by: Some(by.to_string()),
        on,
    }
}

fn push_evidence(
    action_id: &str,
    given: &[EvidenceRef],
    stored: &[EvidenceRef],
    changes: &mut Vec<Change>,
) {
    for evidence in given.iter().filter(|e| !stored.contains(e)) {
        changes.push(Change::Evidence {
            action_id: action_id.to_string(),
            evidence: evidence.clone(),
            note: String::new(),
        });
    }
}

/// Reads and checks every row; returns all problems at once.
fn read_rows(
    file: &str,
    text: &str,
    plan: &Plan,
    survey: &Survey,
    as_of: NaiveDate,
) -> Result<Vec<Row>, Vec<Problem>> {
    let mut problems = Vec::new();
    let delimiter = match text.lines().next() {
        Some(header) if header.contains(';') && !header.contains(',') => b';',
        _ => b',',
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => {
            return Err(vec![Problem::new(
                file,
                1,
                "",
                &e.to_string(),
                "a CSV header row",
            )])
        }
        None => {
            return Err(vec![Problem::new(
                file,
                1,
                "",
                "an empty file",
                &format!("a header row with the columns {}", COLUMNS.join(", ")),
            )])
        }
    };
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        match COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) if columns.contains_key(c) => {
                problems.push(Problem::new(file, 1, name, name, "each column once"))
            }
            Some(c) => {
                columns.insert(c, i);
            }
            None if name.is_empty() => {}
            None => problems.push(Problem::new(
                file,
                1,
                name,
                name,
                &format!("one of the columns {}", COLUMNS.join(", ")),
            )),
        }
    }
    for required in REQUIRED {
        if !columns.contains_key(required) {
            problems.push(Problem::new(
                file,
                1,
                "",
                &format!("no {required} column"),
                &format!("a header row with at least {}", REQUIRED.join(", ")),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let question_exists = |id: &str| survey.codebook.question_index(id).is_some();
    let mut rows: Vec<Row> = Vec::new();
    let mut first_row_of_rec: HashMap<String, (usize, PositionRecord)> = HashMap::new();
    let mut action_lines: HashMap<String, usize> = HashMap::new();
    let current: HashMap<String, ActionState> = plan
        .actions()
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    for (index, record) in records.enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(Problem::new(file, line, "", &e.to_string(), "a CSV row"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| -> Option<String> {
            columns
                .get(name)
                .map(|&i| unneutralise(record.get(i).unwrap_or_default().trim()))
        };
        let text = |name: &str| cell(name).unwrap_or_default();
        let mut problem = |column: &str, value: &str, expected: &str| {
            problems.push(Problem::new(file, line, column, value, expected))
        };

        let rec_text = text("rec_id");
        let Some(rec) = survey.recommendation(&rec_text) else {
            problem(
                "rec_id",
                &rec_text,
                &format!(
                    "a recommendation of the recommendations file: {}",
                    survey
                        .recommendations
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        };
        let rec_id = rec.id.clone();

        let position_text = text("position");
        let position = Position::parse(&position_text).unwrap_or_else(|| {
            problem("position", &position_text, &Position::expected());
            Position::Undecided
        });
        let rationale = text("rationale");
        if position.needs_rationale() && rationale.is_empty() {
            problem(
                "rationale",
                "",
                "a rationale: a recommendation that is not accepted must say why",
            );
        }
        let priority_text = text("priority");
        let priority = parse_yes_no(&priority_text).unwrap_or_else(|| {
            problem("priority", &priority_text, "yes or no (or blank for no)");
            false
        });
        let record_of_rec = PositionRecord {
            position,
            rationale,
            priority,
            owner: text("rec_owner"),
        };
        match first_row_of_rec.get(&rec_id) {
            Some((first_line, first)) => {
                if *first != record_of_rec {
                    problem(
                        "position",
                        &position_text,
                        &format!(
                            "the same position, rationale, priority and rec_owner on every row of {rec_id}, as on row {first_line}"
                        ),
                    );
                }
            }
            None => {
                first_row_of_rec.insert(rec_id.clone(), (line, record_of_rec.clone()));
            }
        }

        let action_id_text = text("action_id");
        let action_cells = [
            "description",
            "deliverable",
            "owner",
            "start_date",
            "due_date",
            "status",
            "verified_by",
            "verified_on",
            "evidence",
            "note",
        ];
        let action = if action_id_text.is_empty() {
            if let Some(name) = action_cells.iter().find(|c| !text(c).is_empty()) {
                problem(
                    "action_id",
                    "",
                    &format!(
                        "an action id such as {rec_id}-A{} for the action this row describes in {name} (a row without one may only carry the recommendation's position)",
                        plan.next_seq(&rec_id)
                    ),
                );
            }
            None
        } else {
            let Some(seq) = action_seq(&rec_id, &action_id_text) else {
                problem(
                    "action_id",
                    &action_id_text,
                    &format!("an id of an action of {rec_id}, such as {rec_id}-A1"),
                );
                continue;
            };
            let id = format!("{rec_id}-A{seq}");
            if let Some(earlier) = action_lines.insert(id.clone(), line) {
                problem(
                    "action_id",
                    &action_id_text,
                    &format!("each action once; {id} is also on row {earlier}"),
                );
            }
            let is_new = !current.contains_key(&id);
            let description = cell("description");
            if is_new && description.as_deref().unwrap_or_default().is_empty() {
                problem(
                    "description",
                    "",
                    &format!("a description of the new action {id}"),
                );
            }
            let status_text = text("status");
            let status = Status::parse(&status_text).unwrap_or_else(|| {
                problem("status", &status_text, &Status::expected());
                Status::NotStarted
            });
            let mut date = |name: &str| -> Option<Option<NaiveDate>> {
                let value = cell(name)?;
                if value.is_empty() {
                    return Some(None);
                }
                match parse_date(&value) {
                    Some(d) => Some(Some(d)),
                    None => {
                        problem(
                            name,
                            &value,
                            "an ISO 8601 date such as 2026-03-14, or blank",
                        );
                        Some(None)
                    }
                }
            };
            let start = date("start_date");
            let due = date("due_date");
            let verified_on = date("verified_on").flatten();
            if let (Some(Some(s)), Some(Some(d))) = (start, due) {
                if d < s {
                    problem(
                        "due_date",
                        &date_text(Some(d)),
                        &format!(
                            "a due date on or after the start date {}",
                            date_text(Some(s))
                        ),
                    );
                }
            }
            let verified_by = cell("verified_by");
            let verified = match verified_by {
                None => None,
                Some(by) if by.is_empty() => {
                    if let Some(on) = verified_on {
                        problem(
                            "verified_on",
                            &date_text(Some(on)),
                            "blank when verified_by is blank",
                        );
                    }
                    Some(None)
                }
                Some(by) => {
                    if status != Status::Implemented {
                        problem(
                            "verified_by",
                            &by,
                            &format!(
                                "blank unless the status is implemented (it is {}); only an implemented action can be verified",
                                status.as_str()
                            ),
                        );
                    }
                    // A verification confirms a claim, so it cannot predate the stored
                    // implemented status. A claim this file records for the first time
                    // (a spreadsheet moving into mctrack) may have been verified before today.
                    let claimed = current
                        .get(&id)
                        .filter(|state| state.status == Status::Implemented)
                        .map(|state| state.status_since);
                    match verified_on {
                        Some(on) if on > as_of => problem(
                            "verified_on",
                            &date_text(Some(on)),
                            &format!("a date no later than today ({})", date_text(Some(as_of))),
                        ),
                        Some(on) if claimed.is_some_and(|c| on < c) => problem(
                            "verified_on",
                            &date_text(Some(on)),
                            &format!(
                                "a date on or after {}, when {id} was recorded as implemented",
                                date_text(claimed)
                            ),
                        ),
                        _ => {}
                    }
                    Some(Some((by, verified_on)))
                }
            };
            let mut evidence = Vec::new();
            for part in text("evidence")
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match EvidenceRef::parse(part, &question_exists) {
                    Ok(e) => evidence.push(e),
                    Err(expected) => problem("evidence", part, &expected),
                }
            }
            Some(ActionRow {
                id,
                seq,
                description,
                deliverable: cell("deliverable"),
                owner: cell("owner"),
                start,
                due,
                status,
                verified,
                evidence,
                note: text("note"),
            })
        };
        rows.push(Row {
            rec_id,
            position: record_of_rec,
            action,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The number of `R3-A4` when it belongs to `rec_id` (`r3-a4` is read the same).
pub fn action_seq(rec_id: &str, action_id: &str) -> Option<i64> {
    let (rec, number) = action_id.trim().rsplit_once('-')?;
    let number = number.strip_prefix(['A', 'a'])?;
    if !rec.eq_ignore_ascii_case(rec_id) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok().filter(|n| *n >= 1)
}

fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Some(false),
        "yes" | "y" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// Takes off the apostrophe export put in front of text a spreadsheet would run as a formula.
fn unneutralise(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_ids_belong_to_their_recommendation() {
        assert_eq!(action_seq("R3", "R3-A4"), Some(4));
        assert_eq!(action_seq("R3", "r3-a12"), Some(12));
        assert_eq!(action_seq("R3", "R2-A4"), None);
        assert_eq!(action_seq("R3", "R3-A0"), None);
        assert_eq!(action_seq("R3", "R3-4"), None);
        assert_eq!(action_seq("R3", "R3-A+4"), None);
    }

    #[test]
    fn neutralised_cells_read_back_as_written() {
        for text in ["=SUM(A1)", "-5 days", "@home", "+1", "'quoted", "plain"] {
            assert_eq!(unneutralise(&neutralise(text)), text);
        }
    }
}
