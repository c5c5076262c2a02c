//! Recommendation tracking: what management decided about each recommendation, the actions
//! it took, and their status history, modelled on the UNDP ERC management response, the GAO
//! recommendations database and the Auditor General of Ontario's follow-up vocabulary.
//!
//! Everything here is pure: the store hands over the recorded history as a [`Plan`], and the
//! current state, the derived flags and the roll-up are computed from it for a given
//! "today" ([`Rules::as_of`]). Nothing derived is ever stored, so a report for a fixed date
//! can be reproduced at any later time.

pub mod changes;
pub mod csv;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::codebook::Recommendation;

/// The ISO 8601 calendar date layout used in every tracking file and table.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// The default for "stale": an open action not updated in this many days. Ninety echoes the
/// Manitoba Public Accounts Committee's 90-day expectation for action plans.
pub const DEFAULT_STALE_DAYS: i64 = 90;

/// Parses an ISO 8601 calendar date (`2026-03-14`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), DATE_FORMAT)
        .ok()
        .filter(|_| text.trim().len() == 10)
}

/// Words are compared without case, and with spaces and hyphens read as `_`, so that
/// "Partially accepted" typed into a spreadsheet means `partially_accepted`.
fn normalise_word(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// Management's response to a recommendation (UN accept / partially accept / reject; CFIA
/// agree / agree with conditions / disagree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Position {
    Accepted,
    PartiallyAccepted,
    NotAccepted,
    /// No decision recorded yet: the state of every recommendation until one is.
    #[default]
    Undecided,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Position::Accepted,
        Position::PartiallyAccepted,
        Position::NotAccepted,
        Position::Undecided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Position::Accepted => "accepted",
            Position::PartiallyAccepted => "partially_accepted",
            Position::NotAccepted => "not_accepted",
            Position::Undecided => "undecided",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Position::Accepted => "accepted",
            Position::PartiallyAccepted => "partially accepted",
            Position::NotAccepted => "not accepted",
            Position::Undecided => "undecided",
        }
    }

    pub fn parse(text: &str) -> Option<Position> {
        let word = normalise_word(text);
        Position::ALL.into_iter().find(|p| p.as_str() == word)
    }

    /// A recommendation management rejects must say why (ITC and UN-Habitat guidance).
    pub fn needs_rationale(self) -> bool {
        self == Position::NotAccepted
    }

    pub fn expected() -> String {
        one_of(Position::ALL.map(Position::as_str))
    }
}

/// An action's status: the Auditor General of Ontario's follow-up vocabulary, with a
/// not-started state in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    NotStarted,
    InProgress,
    LittleOrNoProgress,
    Implemented,
    WillNotImplement,
    NoLongerApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::NotStarted,
        Status::InProgress,
        Status::LittleOrNoProgress,
        Status::Implemented,
        Status::WillNotImplement,
        Status::NoLongerApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::LittleOrNoProgress => "little_or_no_progress",
            Status::Implemented => "implemented",
            Status::WillNotImplement => "will_not_implement",
            Status::NoLongerApplicable => "no_longer_applicable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::InProgress => "in progress",
            Status::LittleOrNoProgress => "little or no progress",
            Status::Implemented => "implemented",
            Status::WillNotImplement => "will not implement",
            Status::NoLongerApplicable => "no longer applicable",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        let word = normalise_word(text);
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Closed: no more work is expected (GAO "closed-implemented" and "closed-not
    /// implemented", OAG "no longer applicable"). Closed actions carry no flags.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Implemented | Status::WillNotImplement | Status::NoLongerApplicable
        )
    }

    pub fn expected() -> String {
        one_of(Status::ALL.map(Status::as_str))
    }
}

fn one_of<const N: usize>(words: [&str; N]) -> String {
    format!("one of {}", words.join(", "))
}

/// The kinds of evidence an action can cite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    /// A survey indicator: a codebook question, optionally with a measure ("E07 % yes").
    Indicator,
    Document,
    Link,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 3] = [
        EvidenceKind::Indicator,
        EvidenceKind::Document,
        EvidenceKind::Link,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Indicator => "indicator",
            EvidenceKind::Document => "document",
            EvidenceKind::Link => "link",
        }
    }

    pub fn parse(text: &str) -> Option<EvidenceKind> {
        let word = normalise_word(text);
        EvidenceKind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// One evidence reference, as `kind:ref` in files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    pub kind: EvidenceKind,
    pub reference: String,
}

impl EvidenceRef {
    /// Checks a reference: an indicator must start with a question id of the codebook (so
    /// that the report can show the survey figure beside it), a link must be a web address.
    /// `question_exists` answers for the codebook. Returns what was expected on failure.
    pub fn new(
        kind: EvidenceKind,
        reference: &str,
        question_exists: &dyn Fn(&str) -> bool,
    ) -> std::result::Result<EvidenceRef, String> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(format!(
                "a {} reference after \"{}:\"",
                kind.as_str(),
                kind.as_str()
            ));
        }
        match kind {
            EvidenceKind::Indicator => {
                let question = reference.split_whitespace().next().unwrap_or_default();
                if !question_exists(question) {
                    return Err(format!(
                        "an indicator that starts with a codebook question id, such as \"indicator:E07 % yes\" (\"{question}\" is not a question)"
                    ));
                }
            }
            EvidenceKind::Link => {
                if !(reference.starts_with("https://") || reference.starts_with("http://")) {
                    return Err("a link starting with https:// or http://".into());
                }
            }
            EvidenceKind::Document => {}
        }
        Ok(EvidenceRef {
            kind,
            reference: reference.to_string(),
        })
    }

    /// Parses `kind:ref`.
    pub fn parse(
        text: &str,
        question_exists: &dyn Fn(&str) -> bool,
    ) -> std::result::Result<EvidenceRef, String> {
        let expected = || {
            format!(
                "evidence as KIND:REFERENCE with KIND {}, such as \"document:Partnership MOU register\"",
                EvidenceKind::ALL.map(EvidenceKind::as_str).join(", ")
            )
        };
        let (kind, reference) = text.split_once(':').ok_or_else(expected)?;
        let kind = EvidenceKind::parse(kind).ok_or_else(expected)?;
        EvidenceRef::new(kind, reference, question_exists)
    }
}

impl std::fmt::Display for EvidenceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.reference)
    }
}

/// Who recorded something, on which date, and (for the audit trail) when it was entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The date the change counts from: today, or `--as-of`.
    pub on: NaiveDate,
    /// The wall-clock time it was written to the store, which `--as-of` never changes: a
    /// back-dated entry stays visible as one.
    pub recorded_at: String,
    pub by: String,
    /// Where the change came from: "command line", or "import FILE".
    pub source: String,
}

/// One change to write. The store writes a batch of them in one transaction, each as an
/// appended row; none rewrites anything already recorded.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new position record for a recommendation (position, rationale, priority, owner).
    Position {
        rec_id: String,
        record: PositionRecord,
        note: String,
    },
    NewAction {
        id: String,
        rec_id: String,
        seq: i64,
        fields: ActionFields,
        status: Status,
    },
    /// An event on an action. `by` and `on` override the batch's stamp: a verification
    /// imported from a spreadsheet names its own verifier and date.
    Event {
        action_id: String,
        field: Field,
        from: Option<String>,
        to: Option<String>,
        note: String,
        by: Option<String>,
        on: Option<NaiveDate>,
    },
    Comment {
        action_id: String,
        text: String,
    },
    Evidence {
        action_id: String,
        evidence: EvidenceRef,
        note: String,
    },
}

impl Change {
    /// An event stamped like the rest of its batch.
    pub fn event(
        action_id: &str,
        field: Field,
        from: Option<String>,
        to: Option<String>,
        note: &str,
    ) -> Change {
        Change::Event {
            action_id: action_id.to_string(),
            field,
            from,
            to,
            note: note.to_string(),
            by: None,
            on: None,
        }
    }
}

/// A recommendation's management response as recorded at one time. The store keeps every
/// one; the latest is current.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PositionRecord {
    pub position: Position,
    pub rationale: String,
    /// GAO's priority flag.
    pub priority: bool,
    /// The role or organisation accountable (not a person's e-mail).
    pub owner: String,
}

/// One row of the recommendation position history.
#[derive(Debug, Clone)]
pub struct PositionEntry {
    pub id: i64,
    pub rec_id: String,
    pub record: PositionRecord,
    pub note: String,
    pub stamp: Stamp,
}

/// An action as first recorded.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub id: String,
    pub rec_id: String,
    pub seq: i64,
    pub fields: ActionFields,
    pub status: Status,
    pub stamp: Stamp,
}

/// The editable descriptive fields of an action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionFields {
    pub description: String,
    pub deliverable: String,
    pub owner: String,
    pub start: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
}

/// What an event changes. A status change, an edit of a field, and a verification given or
/// withdrawn are all events: who, when, from, to and a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    Description,
    Deliverable,
    Owner,
    Start,
    Due,
    /// `to` is "yes" (verified by the event's author) or "no" (verification withdrawn).
    Verified,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Status,
        Field::Description,
        Field::Deliverable,
        Field::Owner,
        Field::Start,
        Field::Due,
        Field::Verified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Description => "description",
            Field::Deliverable => "deliverable",
            Field::Owner => "owner",
            Field::Start => "start_date",
            Field::Due => "due_date",
            Field::Verified => "verified",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Start => "start date",
            Field::Due => "due date",
            other => other.as_str(),
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// One append-only event on an action. `from` and `to` are stored text: a status word, an ISO
/// date, "yes"/"no", or the field's text; `None` for a blank date.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub action_id: String,
    pub field: Field,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: String,
    pub stamp: Stamp,
}

/// A dated narrative comment on an action (GAO and ERC style).
#[derive(Debug, Clone)]
pub struct Comment {
    pub id: i64,
    pub action_id: String,
    pub text: String,
    pub stamp: Stamp,
}

/// An evidence reference cited for an action.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub id: i64,
    pub action_id: String,
    pub evidence: EvidenceRef,
    pub note: String,
    pub stamp: Stamp,
}

/// Everything recorded about tracking, in the order it was entered. The current state is
/// computed from it ([`Plan::actions`], [`Plan::position`]); nothing is ever rewritten.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub positions: Vec<PositionEntry>,
    pub actions: Vec<ActionRecord>,
    pub events: Vec<Event>,
    pub comments: Vec<Comment>,
    pub evidence: Vec<Evidence>,
}

/// Who verified an implemented action, and when (OAG Ontario: a self-reported
/// implementation is not a verified one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub by: String,
    pub on: NaiveDate,
}

/// An action's current state: its creation with every event applied in entry order.
#[derive(Debug, Clone)]
pub struct ActionState {
    pub id: String,
    pub rec_id: String,
    pub seq: i64,
    pub fields: ActionFields,
    pub status: Status,
    /// The date the current status counts from: the last status event, or the creation.
    pub status_since: NaiveDate,
    pub verified: Option<Verification>,
    pub created_on: NaiveDate,
    /// The latest date of its creation, events, comments and evidence (ERC "Last Updated").
    pub last_updated: NaiveDate,
    pub evidence: Vec<EvidenceRef>,
    /// The most recent note of a status change, or comment, whichever came last: the
    /// spreadsheet's "note" column.
    pub latest_note: String,
}

/// What "today" is and when open work counts as stale.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub as_of: NaiveDate,
    pub stale_days: i64,
}

/// The derived flags of one action, computed for [`Rules::as_of`]; never stored. Only open
/// (not closed) actions carry flags: finished work needs no date and no updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// Due before today and still open. An action due today is not yet overdue.
    pub overdue: bool,
    /// Whole days from today to the due date, for open actions that are not overdue: 0 means
    /// due today, 1 tomorrow. "Due within N days" is `days_to_due <= N`.
    pub days_to_due: Option<i64>,
    /// Not updated for `stale_days` days or more: an action last updated exactly 90 days ago
    /// is stale under the default, 89 days ago is not.
    pub stale: bool,
    pub no_due_date: bool,
}

impl Flags {
    pub fn due_within(&self, days: i64) -> bool {
        self.days_to_due.is_some_and(|d| d <= days)
    }

    /// The flags as short words for a table cell.
    pub fn words(&self) -> Vec<&'static str> {
        let mut words = Vec::new();
        if self.overdue {
            words.push("overdue");
        }
        if self.stale {
            words.push("stale");
        }
        if self.no_due_date {
            words.push("no due date");
        }
        words
    }
}

impl ActionState {
    pub fn flags(&self, rules: &Rules) -> Flags {
        if self.status.is_closed() {
            return Flags::default();
        }
        let days_to_due = self.fields.due.map(|due| (due - rules.as_of).num_days());
        Flags {
            overdue: days_to_due.is_some_and(|d| d < 0),
            days_to_due: days_to_due.filter(|d| *d >= 0),
            stale: self.days_since_update(rules.as_of) >= rules.stale_days,
            no_due_date: self.fields.due.is_none(),
        }
    }

    pub fn days_since_update(&self, as_of: NaiveDate) -> i64 {
        (as_of - self.last_updated).num_days()
    }

    /// Implemented as reported by its owner and confirmed by someone else's verification.
    pub fn is_verified(&self) -> bool {
        self.status == Status::Implemented && self.verified.is_some()
    }
}

impl Plan {
    /// The current position of a recommendation: its latest record, or the default
    /// (undecided, no owner) when none was ever recorded.
    pub fn position(&self, rec_id: &str) -> PositionRecord {
        self.position_entry(rec_id)
            .map(|e| e.record.clone())
            .unwrap_or_default()
    }

    pub fn position_entry(&self, rec_id: &str) -> Option<&PositionEntry> {
        self.positions.iter().rev().find(|p| p.rec_id == rec_id)
    }

    /// Every action's current state, ordered by recommendation as stored and then number.
    pub fn actions(&self) -> Vec<ActionState> {
        let mut states: Vec<ActionState> = self
            .actions
            .iter()
            .map(|a| ActionState {
                id: a.id.clone(),
                rec_id: a.rec_id.clone(),
                seq: a.seq,
                fields: a.fields.clone(),
                status: a.status,
                status_since: a.stamp.on,
                verified: None,
                created_on: a.stamp.on,
                last_updated: a.stamp.on,
                evidence: Vec::new(),
                latest_note: String::new(),
            })
            .collect();
        let index: HashMap<String, usize> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        // Notes and comments interleave by entry time; the latest of either is the note.
        let mut latest_note_at: Vec<NoteAt> = vec![NoteAt::default(); states.len()];
        for event in &self.events {
            let Some(&i) = index.get(&event.action_id) else {
                continue;
            };
            let state = &mut states[i];
            apply(state, event);
            state.last_updated = state.last_updated.max(event.stamp.on);
            if event.field == Field::Status && !event.note.is_empty() {
                note_if_later(&mut latest_note_at[i], &event.stamp, &event.note);
            }
        }
        for comment in &self.comments {
            if let Some(&i) = index.get(&comment.action_id) {
                states[i].last_updated = states[i].last_updated.max(comment.stamp.on);
                note_if_later(&mut latest_note_at[i], &comment.stamp, &comment.text);
            }
        }
        for evidence in &self.evidence {
            if let Some(&i) = index.get(&evidence.action_id) {
                states[i].last_updated = states[i].last_updated.max(evidence.stamp.on);
                states[i].evidence.push(evidence.evidence.clone());
            }
        }
        for (state, note) in states.iter_mut().zip(latest_note_at) {
            state.latest_note = note.text;
        }
        states.sort_by(|a, b| a.rec_id.cmp(&b.rec_id).then(a.seq.cmp(&b.seq)));
        states
    }

    /// The number the next action of `rec_id` gets: one more than the highest so far, so that
    /// ids are never reused.
    pub fn next_seq(&self, rec_id: &str) -> i64 {
        self.actions
            .iter()
            .filter(|a| a.rec_id == rec_id)
            .map(|a| a.seq)
            .max()
            .unwrap_or(0)
            + 1
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty() && self.actions.is_empty()
    }

    /// The history as it stood on `date`: positions, actions, changes, comments and evidence
    /// that count from a later date are left out. Reading commands take it for their
    /// `--as-of`, so that a report or list for a fixed date reads the same whenever it is run
    /// (an entry back-dated to on or before it later still counts, and shows as back-dated).
    pub fn up_to(mut self, date: NaiveDate) -> Plan {
        self.positions.retain(|p| p.stamp.on <= date);
        self.actions.retain(|a| a.stamp.on <= date);
        self.events.retain(|e| e.stamp.on <= date);
        self.comments.retain(|c| c.stamp.on <= date);
        self.evidence.retain(|e| e.stamp.on <= date);
        self
    }
}

/// The latest note so far, with the date and entry time that order it.
#[derive(Debug, Clone, Default)]
struct NoteAt {
    on: Option<NaiveDate>,
    recorded_at: String,
    text: String,
}

/// Keeps the later of two notes: by date, then by entry time.
fn note_if_later(current: &mut NoteAt, stamp: &Stamp, note: &str) {
    if (Some(stamp.on), stamp.recorded_at.as_str()) >= (current.on, current.recorded_at.as_str()) {
        *current = NoteAt {
            on: Some(stamp.on),
            recorded_at: stamp.recorded_at.clone(),
            text: note.to_string(),
        };
    }
}

/// Applies one event to an action's state. Values were checked when the event was written;
/// one the model cannot read (edited by hand in `sqlite3`) leaves the state as it was.
fn apply(state: &mut ActionState, event: &Event) {
    let to = event.to.as_deref();
    let date = to.and_then(parse_date);
    match event.field {
        Field::Status => {
            if let Some(status) = to.and_then(Status::parse) {
                state.status = status;
                state.status_since = event.stamp.on;
                // A new claim of implementation needs its own verification.
                state.verified = None;
            }
        }
        Field::Description => state.fields.description = to.unwrap_or_default().to_string(),
        Field::Deliverable => state.fields.deliverable = to.unwrap_or_default().to_string(),
        Field::Owner => state.fields.owner = to.unwrap_or_default().to_string(),
        Field::Start => state.fields.start = date,
        Field::Due => state.fields.due = date,
        Field::Verified => {
            state.verified = (to == Some("yes")).then(|| Verification {
                by: event.stamp.by.clone(),
                on: event.stamp.on,
            })
        }
    }
}

/// A recommendation's status rolled up from its actions. The rule, chosen so an auditor can
/// defend it (GAO keeps a recommendation open until it is closed; OAG reports stalled work as
/// such rather than averaging it away):
///
/// 1. no actions: `no_actions`;
/// 2. every action closed: `implemented` if any was implemented, otherwise
///    `will_not_implement` if any will not be, otherwise `no_longer_applicable`;
/// 3. otherwise, among the open actions: `little_or_no_progress` if any is stalled (one
///    stalled action is not hidden by others' progress);
/// 4. otherwise `in_progress` if any action is in progress or implemented (work has begun);
/// 5. otherwise `not_started`.
///
/// The roll-up is always shown beside "k of n actions implemented (v verified)", so a
/// recommendation implemented through one action of three is never mistaken for one fully
/// done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    NoActions,
    Status(Status),
}

impl Rollup {
    pub fn of(statuses: &[Status]) -> Rollup {
        if statuses.is_empty() {
            return Rollup::NoActions;
        }
        let any = |s: Status| statuses.contains(&s);
        let status = if statuses.iter().all(|s| s.is_closed()) {
            if any(Status::Implemented) {
                Status::Implemented
            } else if any(Status::WillNotImplement) {
                Status::WillNotImplement
            } else {
                Status::NoLongerApplicable
            }
        } else if any(Status::LittleOrNoProgress) {
            Status::LittleOrNoProgress
        } else if any(Status::InProgress) || any(Status::Implemented) {
            Status::InProgress
        } else {
            Status::NotStarted
        };
        Rollup::Status(status)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rollup::NoActions => "no_actions",
            Rollup::Status(s) => s.as_str(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rollup::NoActions => "no actions",
            Rollup::Status(s) => s.label(),
        }
    }
}

/// One recommendation's tracking at a glance: what a scorecard row shows.
#[derive(Debug, Clone)]
pub struct RecStatus {
    pub rec_id: String,
    pub short_name: String,
    pub position: PositionRecord,
    pub rollup: Rollup,
    pub actions: usize,
    pub implemented: usize,
    /// Implemented and verified.
    pub verified: usize,
    /// The earliest due date among open actions.
    pub next_due: Option<NaiveDate>,
    pub overdue: usize,
    pub stale: usize,
    /// The latest date anything about the recommendation or its actions was recorded.
    pub last_updated: Option<NaiveDate>,
    pub days_since_update: Option<i64>,
}

impl RecStatus {
    /// "k of n actions implemented (v verified)".
    pub fn progress(&self) -> String {
        format!(
            "{} of {} actions implemented ({} verified)",
            self.implemented, self.actions, self.verified
        )
    }
}

/// Per recommendation, in the order of the recommendations file: position, roll-up status,
/// actions implemented, total and verified, next due date, overdue and stale counts, and
/// days since the last update, all for `rules.as_of`.
pub fn rec_statuses(
    plan: &Plan,
    recommendations: &[Recommendation],
    rules: &Rules,
) -> Vec<RecStatus> {
    let actions = plan.actions();
    recommendations
        .iter()
        .map(|rec| {
            let mine: Vec<&ActionState> = actions.iter().filter(|a| a.rec_id == rec.id).collect();
            let statuses: Vec<Status> = mine.iter().map(|a| a.status).collect();
            let flags: Vec<Flags> = mine.iter().map(|a| a.flags(rules)).collect();
            let last_updated = mine
                .iter()
                .map(|a| a.last_updated)
                .chain(plan.position_entry(&rec.id).map(|p| p.stamp.on))
                .max();
            RecStatus {
                rec_id: rec.id.clone(),
                short_name: rec.short_name.clone(),
                position: plan.position(&rec.id),
                rollup: Rollup::of(&statuses),
                actions: mine.len(),
                implemented: statuses
                    .iter()
                    .filter(|s| **s == Status::Implemented)
                    .count(),
                verified: mine.iter().filter(|a| a.is_verified()).count(),
                next_due: mine
                    .iter()
                    .filter(|a| !a.status.is_closed())
                    .filter_map(|a| a.fields.due)
                    .min(),
                overdue: flags.iter().filter(|f| f.overdue).count(),
                stale: flags.iter().filter(|f| f.stale).count(),
                last_updated,
                days_since_update: last_updated.map(|d| (rules.as_of - d).num_days()),
            }
        })
        .collect()
}

/// Formats an optional date for a cell or a file: ISO 8601, or empty.
pub fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format(DATE_FORMAT).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn action(status: Status, due: Option<&str>, last_updated: &str) -> ActionState {
        ActionState {
            id: "R1-A1".into(),
            rec_id: "R1".into(),
            seq: 1,
            fields: ActionFields {
                due: due.map(day),
                ..ActionFields::default()
            },
            status,
            status_since: day(last_updated),
            verified: None,
            created_on: day(last_updated),
            last_updated: day(last_updated),
            evidence: Vec::new(),
            latest_note: String::new(),
        }
    }

    const RULES: Rules = Rules {
        as_of: match NaiveDate::from_ymd_opt(2026, 11, 29) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        stale_days: 90,
    };

    #[test]
    fn due_today_is_due_within_zero_days_and_not_overdue() {
        let flags = action(Status::InProgress, Some("2026-11-29"), "2026-11-01").flags(&RULES);
        assert!(!flags.overdue);
        assert!(flags.due_within(0));
    }

    #[test]
    fn due_yesterday_is_overdue_and_not_due_soon() {
        let flags = action(Status::NotStarted, Some("2026-11-28"), "2026-11-01").flags(&RULES);
        assert!(flags.overdue);
        assert!(!flags.due_within(30));
    }

    #[test]
    fn due_tomorrow_is_within_one_day_but_not_zero() {
        let flags = action(Status::InProgress, Some("2026-11-30"), "2026-11-01").flags(&RULES);
        assert!(!flags.overdue);
        assert!(flags.due_within(1));
        assert!(!flags.due_within(0));
    }

    #[test]
    fn stale_at_exactly_n_days_not_at_n_minus_one() {
        // 2026-08-31 is 90 days before 2026-11-29.
        assert!(
            action(Status::InProgress, None, "2026-08-31")
                .flags(&RULES)
                .stale
        );
        assert!(
            !action(Status::InProgress, None, "2026-09-01")
                .flags(&RULES)
                .stale
        );
    }

    #[test]
    fn closed_actions_carry_no_flags() {
        let flags = action(Status::Implemented, Some("2025-01-01"), "2025-01-01").flags(&RULES);
        assert_eq!(flags, Flags::default());
    }

    #[test]
    fn rollup_rule() {
        use Status::*;
        let of = |s: &[Status]| Rollup::of(s).as_str();
        assert_eq!(of(&[]), "no_actions");
        assert_eq!(of(&[Implemented, WillNotImplement]), "implemented");
        assert_eq!(
            of(&[WillNotImplement, NoLongerApplicable]),
            "will_not_implement"
        );
        assert_eq!(of(&[NoLongerApplicable]), "no_longer_applicable");
        assert_eq!(
            of(&[InProgress, LittleOrNoProgress]),
            "little_or_no_progress"
        );
        assert_eq!(of(&[Implemented, NotStarted]), "in_progress");
        assert_eq!(of(&[NotStarted, WillNotImplement]), "not_started");
    }

    #[test]
    fn words_parse_as_typed_in_a_spreadsheet() {
        assert_eq!(Status::parse(" In progress "), Some(Status::InProgress));
        assert_eq!(
            Status::parse("little-or-no-progress"),
            Some(Status::LittleOrNoProgress)
        );
        assert_eq!(
            Position::parse("Partially accepted"),
            Some(Position::PartiallyAccepted)
        );
        assert_eq!(Status::parse("done"), None);
        assert_eq!(parse_date("2026-3-14"), None);
        assert_eq!(parse_date("14/03/2026"), None);
        assert_eq!(parse_date("2026-02-30"), None);
    }
}
