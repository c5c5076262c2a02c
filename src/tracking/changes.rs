//! "Changes since the last report": every recorded change in a date range as one dated
//! sentence, in the narrative style of GAO recommendation comments and ERC update stamps
//! ("2026-03-14 — R3-A2 (owner: ...) moved from in progress to implemented: ...").

use chrono::NaiveDate;

use super::{ActionState, Field, Plan, PositionRecord, Stamp, Status};

/// One dated change, attached to its recommendation for grouping.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub rec_id: String,
    pub on: NaiveDate,
    /// The sentence, without the date.
    pub text: String,
    /// Orders changes of the same date by entry time.
    recorded_at: String,
}

/// Every change dated from `since` to `until`, both included, ordered by date and then by
/// the order they were entered.
pub fn between(plan: &Plan, since: NaiveDate, until: NaiveDate) -> Vec<ChangeLine> {
    let in_range = |stamp: &Stamp| stamp.on >= since && stamp.on <= until;
    let actions = plan.actions();
    let state = |id: &str| actions.iter().find(|a| a.id == id);
    let rec_of = |id: &str| state(id).map_or_else(String::new, |a| a.rec_id.clone());
    let mut lines = Vec::new();
    let mut push = |rec_id: String, stamp: &Stamp, text: String| {
        lines.push(ChangeLine {
            rec_id,
            on: stamp.on,
            text,
            recorded_at: stamp.recorded_at.clone(),
        })
    };

    for (i, entry) in plan.positions.iter().enumerate() {
        if !in_range(&entry.stamp) {
            continue;
        }
        let previous = plan.positions[..i]
            .iter()
            .rev()
            .find(|p| p.rec_id == entry.rec_id)
            .map(|p| p.record.clone());
        push(
            entry.rec_id.clone(),
            &entry.stamp,
            position_sentence(&entry.rec_id, previous.as_ref(), &entry.record, &entry.note),
        );
    }
    for action in &plan.actions {
        if !in_range(&action.stamp) {
            continue;
        }
        let f = &action.fields;
        let due = f
            .due
            .map_or("no due date".to_string(), |d| format!("due {d}"));
        push(
            action.rec_id.clone(),
            &action.stamp,
            format!(
                "{} added (owner: {}; {due}; {}): {}",
                action.id,
                or_none(&f.owner),
                action.status.label(),
                f.description
            ),
        );
    }
    for event in plan.events.iter().filter(|e| in_range(&e.stamp)) {
        let owner = state(&event.action_id).map_or("", |a: &ActionState| &a.fields.owner);
        let from = event.from.as_deref().unwrap_or_default();
        let to = event.to.as_deref().unwrap_or_default();
        let mut text = match event.field {
            Field::Status => format!(
                "{} (owner: {}) moved from {} to {}",
                event.action_id,
                or_none(owner),
                status_label(from),
                status_label(to),
            ),
            Field::Verified if to == "yes" => format!(
                "{} implementation verified by {}",
                event.action_id, event.stamp.by
            ),
            Field::Verified => format!(
                "{} verification withdrawn by {}",
                event.action_id, event.stamp.by
            ),
            field => format!(
                "{} {} changed from \"{}\" to \"{}\"",
                event.action_id,
                field.label(),
                or_none(from),
                or_none(to),
            ),
        };
        if !event.note.is_empty() {
            text.push_str(": ");
            text.push_str(&event.note);
        }
        push(rec_of(&event.action_id), &event.stamp, text);
    }
    for comment in plan.comments.iter().filter(|c| in_range(&c.stamp)) {
        push(
            rec_of(&comment.action_id),
            &comment.stamp,
            format!("{}: {}", comment.action_id, comment.text),
        );
    }
    for evidence in plan.evidence.iter().filter(|e| in_range(&e.stamp)) {
        let mut text = format!(
            "{} evidence added: {}",
            evidence.action_id, evidence.evidence
        );
        if !evidence.note.is_empty() {
            text.push_str(&format!(" ({})", evidence.note));
        }
        push(rec_of(&evidence.action_id), &evidence.stamp, text);
    }
    // A stable sort keeps positions before actions before events on the same entry time.
    lines.sort_by(|a, b| (a.on, &a.recorded_at).cmp(&(b.on, &b.recorded_at)));
    lines
}

/// A stored status word as people read it ("in progress").
fn status_label(word: &str) -> &str {
    match Status::parse(word) {
        Some(status) => status.label(),
        None => word,
    }
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "none"
    } else {
        text
    }
}

/// "R4 position changed from undecided to not accepted; owner: ...: rationale".
fn position_sentence(
    rec_id: &str,
    previous: Option<&PositionRecord>,
    record: &PositionRecord,
    note: &str,
) -> String {
    let mut parts = Vec::new();
    match previous {
        Some(p) if p.position != record.position => parts.push(format!(
            "{rec_id} position changed from {} to {}",
            p.position.label(),
            record.position.label()
        )),
        Some(_) => parts.push(format!(
            "{rec_id} position ({}) updated",
            record.position.label()
        )),
        None => parts.push(format!(
            "{rec_id} position recorded as {}",
            record.position.label()
        )),
    }
    let default = PositionRecord::default();
    let previous = previous.unwrap_or(&default);
    if previous.priority != record.priority {
        parts.push(if record.priority {
            "marked priority".to_string()
        } else {
            "no longer priority".to_string()
        });
    }
    if previous.owner != record.owner {
        parts.push(format!("owner: {}", or_none(&record.owner)));
    }
    let mut text = parts.join("; ");
    if previous.rationale != record.rationale && !record.rationale.is_empty() {
        text.push_str(&format!(": {}", record.rationale));
    }
    if !note.is_empty() {
        text.push_str(&format!(" ({note})"));
    }
    text
}
