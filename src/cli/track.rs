//! `mctrack track ...`: what was decided and done about each recommendation. Every change is
//! appended to the store's history; nothing is ever rewritten.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{write_atomically, Context, OutputArgs, Quiet};
use crate::codebook::Survey;
use crate::error::{Error, EXIT_REJECTED};
use crate::render::{Cell, ColumnKind, Table};
use crate::store::Store;
use crate::tracking::{
    self, changes, date_text, ActionFields, ActionState, Change, EvidenceRef, Field, Plan,
    Position, PositionRecord, Rules, Stamp, Status,
};

/// Track the recommendations: management positions, actions, status history, verification,
/// evidence, and the changes since a date. History is append-only: a correction is a new entry.
///
/// Example: mctrack track status R3-A2 implemented --note "Skills map published"
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    Position(PositionArgs),
    /// Add or edit actions.
    Action {
        #[command(subcommand)]
        command: ActionCommand,
    },
    Status(StatusArgs),
    Comment(CommentArgs),
    Verify(VerifyArgs),
    Evidence(EvidenceArgs),
    Show(ShowArgs),
    List(ListArgs),
    History(HistoryArgs),
    Changes(ChangesArgs),
    Import(ImportArgs),
    Export(ExportArgs),
}

#[derive(clap::Subcommand)]
enum ActionCommand {
    Add(AddArgs),
    Edit(EditArgs),
}

/// Who records a change, and the date it counts from.
#[derive(clap::Args)]
struct WriteArgs {
    /// Who is recording this [default: the USER environment variable].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// The date the change counts from [default: today], for back-filling and reproducible tests.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    as_of: Option<NaiveDate>,
}

impl WriteArgs {
    fn stamp(&self, source: &str) -> Stamp {
        let by = self
            .by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "unknown".into());
        Stamp {
            on: self.as_of.unwrap_or_else(today),
            recorded_at: recorded_at_now(),
            by,
            source: source.to_string(),
        }
    }
}

/// What "today" is for the flags.
#[derive(clap::Args)]
pub(super) struct ReadArgs {
    /// Read the plan as it stood on this date, leaving out what counts from later, and compute
    /// the flags for it [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    as_of: Option<NaiveDate>,
    /// An open action not updated for this many days is stale.
    #[arg(long, value_name = "N", default_value_t = tracking::DEFAULT_STALE_DAYS)]
    stale_days: i64,
}

impl ReadArgs {
    pub(super) fn rules(&self) -> Rules {
        Rules {
            as_of: self.as_of.unwrap_or_else(today),
            stale_days: self.stale_days,
        }
    }
}

/// The wall-clock entry time, to the microsecond so that entries made one after another sort
/// in the order they were made.
pub fn recorded_at_now() -> String {
    chrono::Local::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f%:z")
        .to_string()
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub(super) fn parse_date_arg(text: &str) -> Result<NaiveDate, String> {
    tracking::parse_date(text)
        .ok_or_else(|| format!("\"{text}\" is not a date; expected ISO 8601, such as 2026-11-29"))
}

/// A date given to `action edit`, or `none` to clear it. (A newtype, because clap reads an
/// `Option<Option<T>>` field as a flag with an optional value.)
#[derive(Clone, Copy)]
struct DateOrNone(Option<NaiveDate>);

fn parse_optional_date_arg(text: &str) -> Result<DateOrNone, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(DateOrNone(None));
    }
    parse_date_arg(text)
        .map(|d| DateOrNone(Some(d)))
        .map_err(|e| format!("{e}, or none"))
}

fn parse_position_arg(text: &str) -> Result<Position, String> {
    Position::parse(text).ok_or_else(|| format!("expected {}", Position::expected()))
}

fn parse_status_arg(text: &str) -> Result<Status, String> {
    Status::parse(text).ok_or_else(|| format!("expected {}", Status::expected()))
}

/// Record management's position on a recommendation, with its rationale (required when not
/// accepted), priority flag and owner. Options left out keep their current value.
///
/// Example: mctrack track position R4 not_accepted --rationale "The Framework is eCampusOntario's to amend"
#[derive(clap::Args)]
struct PositionArgs {
    /// The recommendation: R1..R8 or its short name.
    rec: String,
    /// accepted, partially_accepted, not_accepted or undecided.
    #[arg(value_parser = parse_position_arg)]
    position: Option<Position>,
    #[arg(long, value_name = "TEXT")]
    rationale: Option<String>,
    /// Mark the recommendation priority (yes) or not (no), as GAO does.
    #[arg(long, value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new())]
    priority: Option<bool>,
    /// The role or office accountable.
    #[arg(long, value_name = "ROLE")]
    owner: Option<String>,
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Add an action to a recommendation; prints its id (R3-A4).
///
/// Example: mctrack track action add R3 --description "Publish a regional skills map" --owner "Director, Micro-credential Office" --due 2026-06-30
#[derive(clap::Args)]
struct AddArgs {
    /// The recommendation: R1..R8 or its short name.
    rec: String,
    #[arg(long, value_name = "TEXT")]
    description: String,
    #[arg(long, value_name = "TEXT", default_value = "")]
    deliverable: String,
    /// The role or office responsible.
    #[arg(long, value_name = "ROLE", default_value = "")]
    owner: String,
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    start: Option<NaiveDate>,
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    due: Option<NaiveDate>,
    #[arg(long, value_parser = parse_status_arg, default_value = "not_started")]
    status: Status,
    #[command(flatten)]
    write: WriteArgs,
}

/// Change an action's description, deliverable, owner or dates; each change is an event with
/// the old and new value.
///
/// Example: mctrack track action edit R3-A2 --due 2026-12-31 --note "Re-baselined after the funding delay"
#[derive(clap::Args)]
struct EditArgs {
    /// The action, such as R3-A2.
    action: String,
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    #[arg(long, value_name = "TEXT")]
    deliverable: Option<String>,
    #[arg(long, value_name = "ROLE")]
    owner: Option<String>,
    /// A date, or none to clear it.
    #[arg(long, value_name = "DATE|none", value_parser = parse_optional_date_arg)]
    start: Option<DateOrNone>,
    /// A date, or none to clear it.
    #[arg(long, value_name = "DATE|none", value_parser = parse_optional_date_arg)]
    due: Option<DateOrNone>,
    /// Why the change was made.
    #[arg(long, value_name = "TEXT")]
    note: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Move an action to a new status, with a note saying why.
///
/// Example: mctrack track status R3-A2 implemented --note "Skills map published on the portal"
#[derive(clap::Args)]
struct StatusArgs {
    /// The action, such as R3-A2.
    action: String,
    /// not_started, in_progress, little_or_no_progress, implemented, will_not_implement or
    /// no_longer_applicable.
    #[arg(value_parser = parse_status_arg)]
    status: Status,
    #[arg(long, value_name = "TEXT")]
    note: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Add a dated comment to an action.
///
/// Example: mctrack track comment R3-A2 "Draft map shared with the employer panel"
#[derive(clap::Args)]
struct CommentArgs {
    /// The action, such as R3-A2.
    action: String,
    text: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Record that an implemented action was verified (by --by, on --as-of), or withdraw a
/// verification. Self-reported implementation is not verified implementation.
///
/// Example: mctrack track verify R3-A2 --by "Internal Audit" --note "Checked the published map"
#[derive(clap::Args)]
struct VerifyArgs {
    /// The action, such as R3-A2.
    action: String,
    /// Withdraw the current verification instead.
    #[arg(long)]
    withdraw: bool,
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Cite evidence for an action: a survey indicator, a document or a link.
///
/// Example: mctrack track evidence R1-A2 "indicator:E07 % yes"
#[derive(clap::Args)]
struct EvidenceArgs {
    /// The action, such as R1-A2.
    action: String,
    /// indicator:QUESTION [measure], document:NAME or link:URL.
    evidence: String,
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// One recommendation's tracking: position, roll-up, actions with flags, comments and evidence.
///
/// Example: mctrack track show R3 --as-of 2026-11-29
#[derive(clap::Args)]
struct ShowArgs {
    /// The recommendation: R1..R8 or its short name.
    rec: String,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// List actions with their derived flags, filtered. Filters combine: all must hold.
///
/// Example: mctrack track list --overdue --as-of 2026-11-29
#[derive(clap::Args)]
struct ListArgs {
    /// Only this recommendation's actions.
    #[arg(long, value_name = "REC")]
    rec: Option<String>,
    /// Only actions with these statuses (comma-separated).
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_parser = parse_status_arg)]
    status: Vec<Status>,
    /// Only actions whose owner contains this text (any case).
    #[arg(long, value_name = "TEXT")]
    owner: Option<String>,
    /// Only overdue actions: due before today and still open.
    #[arg(long)]
    overdue: bool,
    /// Only open actions due from today to N days from today.
    #[arg(long, value_name = "N")]
    due_within: Option<i64>,
    /// Only stale actions (see --stale-days).
    #[arg(long)]
    stale: bool,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Every recorded change, oldest first: of everything, a recommendation (R3) or an action (R3-A2).
///
/// Example: mctrack track history R3-A2
#[derive(clap::Args)]
struct HistoryArgs {
    /// A recommendation or an action [default: all].
    subject: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

/// What moved since a date, as dated sentences grouped by recommendation.
///
/// Example: mctrack track changes --since 2026-06-01 --as-of 2026-11-29
#[derive(clap::Args)]
struct ChangesArgs {
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    since: NaiveDate,
    /// The last date included [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    as_of: Option<NaiveDate>,
    #[command(flatten)]
    out: OutputArgs,
}

/// Import an action plan CSV (as `track export` writes it). Every row is checked first and
/// any problem rejects the whole file; each difference from the store is appended as an
/// event, comment or evidence record. Importing the same file again changes nothing.
///
/// Example: mctrack track import action-plan.csv --as-of 2026-09-30
#[derive(clap::Args)]
struct ImportArgs {
    /// The action plan CSV (UTF-8, UTF-16 or Windows-1252; comma- or semicolon-separated).
    file: PathBuf,
    /// Check the file and say what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    write: WriteArgs,
}

/// Export the action plan as one CSV that a spreadsheet can edit and `track import` reads back.
///
/// Example: mctrack track export -o action-plan.csv
#[derive(clap::Args)]
struct ExportArgs {
    /// Write to this file instead of the terminal.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let mut store = ctx.store()?;
    match args.command {
        Command::Position(a) => position(&survey, &mut store, a),
        Command::Action {
            command: ActionCommand::Add(a),
        } => add(&survey, &mut store, a),
        Command::Action {
            command: ActionCommand::Edit(a),
        } => edit(&mut store, a),
        Command::Status(a) => status(&mut store, a),
        Command::Comment(a) => comment(&mut store, a),
        Command::Verify(a) => verify(&mut store, a),
        Command::Evidence(a) => evidence(&survey, &mut store, a),
        Command::Show(a) => show(&survey, &store, a),
        Command::List(a) => list(&survey, &store, a),
        Command::History(a) => history(&survey, &store, a),
        Command::Changes(a) => changes(&survey, &store, a),
        Command::Import(a) => import(&survey, &mut store, a),
        Command::Export(a) => export(&survey, &store, a),
    }
}

const FROM_COMMAND_LINE: &str = "command line";

/// The workspace's id for a recommendation given by id or short name.
fn rec_id(survey: &Survey, text: &str) -> crate::Result<String> {
    survey
        .recommendation(text.trim())
        .map(|r| r.id.clone())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "there is no recommendation \"{text}\"; expected one of {}",
                survey
                    .recommendations
                    .iter()
                    .map(|r| format!("{} ({})", r.id, r.short_name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// The current state of the action `text` names, in any case.
fn action_state(plan: &Plan, text: &str) -> crate::Result<ActionState> {
    plan.actions()
        .into_iter()
        .find(|a| a.id.eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "there is no action \"{text}\"; `mctrack track list` lists them, and `mctrack track action add REC` adds one"
            ))
        })
}

fn position(survey: &Survey, store: &mut Store, args: PositionArgs) -> anyhow::Result<i32> {
    let rec = rec_id(survey, &args.rec)?;
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let record = store.update_plan(&stamp, |plan| {
        let current = plan.position(&rec);
        let record = PositionRecord {
            position: args.position.unwrap_or(current.position),
            rationale: args
                .rationale
                .map_or(current.rationale.clone(), |r| r.trim().to_string()),
            priority: args.priority.unwrap_or(current.priority),
            owner: args
                .owner
                .map_or(current.owner.clone(), |o| o.trim().to_string()),
        };
        if record.position.needs_rationale() && record.rationale.is_empty() {
            return Err(Error::Invalid(format!(
                "{rec} cannot be recorded as not accepted without a rationale; add --rationale \"why\""
            )));
        }
        if record == current && plan.position_entry(&rec).is_some() {
            return Err(Error::Invalid(format!(
                "{rec} is already recorded as {} with that rationale, priority and owner; nothing recorded",
                record.position.label()
            )));
        }
        let change = Change::Position {
            rec_id: rec.clone(),
            record: record.clone(),
            note: args.note.trim().to_string(),
        };
        Ok((vec![change], record))
    })?;
    println!(
        "{rec}: position {}{}{} on {}",
        record.position.label(),
        if record.priority { ", priority" } else { "" },
        if record.owner.is_empty() {
            String::new()
        } else {
            format!(", owner {}", record.owner)
        },
        stamp.on
    );
    Ok(0)
}

fn check_dates(start: Option<NaiveDate>, due: Option<NaiveDate>) -> crate::Result<()> {
    match (start, due) {
        (Some(s), Some(d)) if d < s => Err(Error::Invalid(format!(
            "the due date {d} is before the start date {s}; expected a due date on or after the start"
        ))),
        _ => Ok(()),
    }
}

fn add(survey: &Survey, store: &mut Store, args: AddArgs) -> anyhow::Result<i32> {
    let rec = rec_id(survey, &args.rec)?;
    let description = args.description.trim().to_string();
    if description.is_empty() {
        return Err(Error::Invalid(
            "--description is empty; expected what the action will do".into(),
        )
        .into());
    }
    check_dates(args.start, args.due)?;
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let id = store.update_plan(&stamp, |plan| {
        let seq = plan.next_seq(&rec);
        let id = format!("{rec}-A{seq}");
        let change = Change::NewAction {
            id: id.clone(),
            rec_id: rec.clone(),
            seq,
            fields: ActionFields {
                description,
                deliverable: args.deliverable.trim().to_string(),
                owner: args.owner.trim().to_string(),
                start: args.start,
                due: args.due,
            },
            status: args.status,
        };
        Ok((vec![change], id))
    })?;
    println!("added {id} ({}) on {}", args.status.label(), stamp.on);
    Ok(0)
}

fn edit(store: &mut Store, args: EditArgs) -> anyhow::Result<i32> {
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let note = args.note.trim().to_string();
    let (id, count) = store.update_plan(&stamp, |plan| {
        let state = action_state(plan, &args.action)?;
        let fields = &state.fields;
        let start = args.start.map_or(fields.start, |d| d.0);
        let due = args.due.map_or(fields.due, |d| d.0);
        check_dates(start, due)?;
        let mut changes = Vec::new();
        let texts = [
            (Field::Description, &fields.description, &args.description),
            (Field::Deliverable, &fields.deliverable, &args.deliverable),
            (Field::Owner, &fields.owner, &args.owner),
        ];
        for (field, stored, given) in texts {
            if let Some(given) = given.as_ref().map(|g| g.trim()).filter(|g| g != stored) {
                changes.push(Change::event(
                    &state.id,
                    field,
                    Some(stored.clone()),
                    Some(given.to_string()),
                    &note,
                ));
            }
        }
        for (field, stored, given) in [
            (Field::Start, fields.start, start),
            (Field::Due, fields.due, due),
        ] {
            if given != stored {
                changes.push(Change::event(
                    &state.id,
                    field,
                    stored.map(|d| date_text(Some(d))),
                    given.map(|d| date_text(Some(d))),
                    &note,
                ));
            }
        }
        if changes.is_empty() {
            return Err(Error::Invalid(format!(
                "nothing to change: {} already has those values",
                state.id
            )));
        }
        let count = changes.len();
        Ok((changes, (state.id, count)))
    })?;
    println!("{id}: {count} field(s) changed on {}", stamp.on);
    Ok(0)
}

fn status(store: &mut Store, args: StatusArgs) -> anyhow::Result<i32> {
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let (id, from) = store.update_plan(&stamp, |plan| {
        let state = action_state(plan, &args.action)?;
        if state.status == args.status {
            return Err(Error::Invalid(format!(
                "{} is already {}; nothing recorded",
                state.id,
                state.status.label()
            )));
        }
        let change = Change::event(
            &state.id,
            Field::Status,
            Some(state.status.as_str().into()),
            Some(args.status.as_str().into()),
            args.note.trim(),
        );
        Ok((vec![change], (state.id, state.status)))
    })?;
    println!(
        "{id}: {} -> {} on {}",
        from.label(),
        args.status.label(),
        stamp.on
    );
    Ok(0)
}

fn comment(store: &mut Store, args: CommentArgs) -> anyhow::Result<i32> {
    let text = args.text.trim().to_string();
    if text.is_empty() {
        return Err(Error::Invalid("the comment is empty; expected some text".into()).into());
    }
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let id = store.update_plan(&stamp, |plan| {
        let state = action_state(plan, &args.action)?;
        let change = Change::Comment {
            action_id: state.id.clone(),
            text,
        };
        Ok((vec![change], state.id))
    })?;
    println!("{id}: comment recorded on {}", stamp.on);
    Ok(0)
}

fn verify(store: &mut Store, args: VerifyArgs) -> anyhow::Result<i32> {
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let withdraw = args.withdraw;
    let id = store.update_plan(&stamp, |plan| {
        let state = action_state(plan, &args.action)?;
        let (from, to) = match (withdraw, state.is_verified()) {
            (false, true) => {
                return Err(Error::Invalid(format!(
                    "{} is already verified; nothing recorded",
                    state.id
                )))
            }
            (false, false) if state.status != Status::Implemented => {
                return Err(Error::Invalid(format!(
                    "{} is {}; only an implemented action can be verified",
                    state.id,
                    state.status.label()
                )))
            }
            (false, false) => ("no", "yes"),
            (true, true) => ("yes", "no"),
            (true, false) => {
                return Err(Error::Invalid(format!(
                    "{} is not verified; there is nothing to withdraw",
                    state.id
                )))
            }
        };
        let change = Change::event(
            &state.id,
            Field::Verified,
            Some(from.into()),
            Some(to.into()),
            args.note.trim(),
        );
        Ok((vec![change], state.id))
    })?;
    if withdraw {
        println!(
            "{id}: verification withdrawn by {} on {}",
            stamp.by, stamp.on
        );
    } else {
        println!("{id}: verified by {} on {}", stamp.by, stamp.on);
    }
    Ok(0)
}

fn evidence(survey: &Survey, store: &mut Store, args: EvidenceArgs) -> anyhow::Result<i32> {
    let question_exists = |id: &str| survey.codebook.question_index(id).is_some();
    let evidence = EvidenceRef::parse(&args.evidence, &question_exists).map_err(|expected| {
        Error::Invalid(format!("\"{}\": expected {expected}", args.evidence))
    })?;
    let stamp = args.write.stamp(FROM_COMMAND_LINE);
    let id = store.update_plan(&stamp, |plan| {
        let state = action_state(plan, &args.action)?;
        if state.evidence.contains(&evidence) {
            return Err(Error::Invalid(format!(
                "{} already cites {evidence}; nothing recorded",
                state.id
            )));
        }
        let change = Change::Evidence {
            action_id: state.id.clone(),
            evidence: evidence.clone(),
            note: args.note.trim().to_string(),
        };
        Ok((vec![change], state.id))
    })?;
    println!("{id}: evidence {evidence} recorded on {}", stamp.on);
    Ok(0)
}

/// The columns of an action table, shared by `show` and `list`.
fn action_table(title: String, actions: &[&ActionState], rules: &Rules) -> Table {
    let mut table = Table::new(title)
        .column("Action", ColumnKind::Text)
        .column("Description", ColumnKind::Text)
        .column("Deliverable", ColumnKind::Text)
        .column("Owner", ColumnKind::Text)
        .column("Start", ColumnKind::Text)
        .column("Due", ColumnKind::Text)
        .column("Status", ColumnKind::Text)
        .column("Verified", ColumnKind::Text)
        .column("Flags", ColumnKind::Text)
        .column("Last updated", ColumnKind::Text)
        .column("Days since update", ColumnKind::Int);
    for action in actions {
        let flags = action.flags(rules);
        let verified = match (&action.verified, action.status) {
            (Some(v), Status::Implemented) => format!("{} on {}", v.by, v.on),
            (None, Status::Implemented) => "not verified".to_string(),
            _ => String::new(),
        };
        table.rows.push(vec![
            Cell::Text(action.id.clone()),
            Cell::Text(action.fields.description.clone()),
            Cell::Text(action.fields.deliverable.clone()),
            Cell::Text(action.fields.owner.clone()),
            Cell::Text(date_text(action.fields.start)),
            Cell::Text(date_text(action.fields.due)),
            Cell::Text(action.status.label().into()),
            Cell::Text(verified),
            Cell::Text(flags.words().join(", ")),
            Cell::Text(date_text(Some(action.last_updated))),
            Cell::Int(action.days_since_update(rules.as_of)),
        ]);
    }
    table.footnotes.push(flags_footnote(rules));
    table
}

fn flags_footnote(rules: &Rules) -> String {
    format!(
        "Flags as of {}, for open actions only: overdue = due before that date; stale = not updated for {} days or more; no due date. Implemented actions show who verified them, or \"not verified\" (self-reported).",
        rules.as_of, rules.stale_days
    )
}

fn show(survey: &Survey, store: &Store, args: ShowArgs) -> anyhow::Result<i32> {
    let rec = rec_id(survey, &args.rec)?;
    let recommendation = survey
        .recommendation(&rec)
        .ok_or_else(|| Error::Invalid(format!("no recommendation {rec}")))?;
    let rules = args.read.rules();
    let plan = store.load_plan()?.up_to(rules.as_of);
    let statuses = tracking::rec_statuses(&plan, std::slice::from_ref(recommendation), &rules);
    let Some(status) = statuses.first() else {
        return Ok(0);
    };
    let p = &status.position;
    let mut overview = Table::new(format!(
        "{rec} ({}): {}",
        recommendation.short_name, recommendation.text
    ))
    .column("Field", ColumnKind::Text)
    .column("Value", ColumnKind::Text);
    let days = status
        .days_since_update
        .map_or(String::new(), |d| format!(" ({d} days ago)"));
    for (field, value) in [
        ("Position", p.position.label().to_string()),
        ("Rationale", p.rationale.clone()),
        (
            "Priority",
            if p.priority { "yes" } else { "no" }.to_string(),
        ),
        ("Owner", p.owner.clone()),
        ("Status (roll-up)", status.rollup.label().to_string()),
        ("Progress", status.progress()),
        ("Next due", date_text(status.next_due)),
        ("Overdue actions", status.overdue.to_string()),
        ("Stale actions", status.stale.to_string()),
        (
            "Last updated",
            format!("{}{days}", date_text(status.last_updated)),
        ),
    ] {
        overview
            .rows
            .push(vec![Cell::Text(field.into()), Cell::Text(value)]);
    }
    overview.footnotes.push(
        "Roll-up: no actions; else all closed -> implemented if any implemented, else will not implement, else no longer applicable; else little or no progress if any action is stalled; else in progress if any is in progress or implemented; else not started.".into(),
    );
    let actions = plan.actions();
    let mine: Vec<&ActionState> = actions.iter().filter(|a| a.rec_id == rec).collect();
    let mut action_rows = action_table(format!("Actions of {rec}"), &mine, &rules);
    if mine.is_empty() {
        action_rows
            .footnotes
            .insert(0, format!("No actions are recorded for {rec}."));
    }
    let mut notes = Table::new(format!("Comments and evidence for {rec}"))
        .column("Date", ColumnKind::Text)
        .column("Action", ColumnKind::Text)
        .column("Kind", ColumnKind::Text)
        .column("By", ColumnKind::Text)
        .column("Text", ColumnKind::Text);
    let is_mine = |id: &str| mine.iter().any(|a| a.id == id);
    let mut entries: Vec<(NaiveDate, String, Vec<Cell>)> = Vec::new();
    for c in plan.comments.iter().filter(|c| is_mine(&c.action_id)) {
        entries.push((
            c.stamp.on,
            c.stamp.recorded_at.clone(),
            vec![
                Cell::Text(c.action_id.clone()),
                Cell::Text("comment".into()),
                Cell::Text(c.stamp.by.clone()),
                Cell::Text(c.text.clone()),
            ],
        ));
    }
    for e in plan.evidence.iter().filter(|e| is_mine(&e.action_id)) {
        let text = if e.note.is_empty() {
            e.evidence.to_string()
        } else {
            format!("{} ({})", e.evidence, e.note)
        };
        entries.push((
            e.stamp.on,
            e.stamp.recorded_at.clone(),
            vec![
                Cell::Text(e.action_id.clone()),
                Cell::Text("evidence".into()),
                Cell::Text(e.stamp.by.clone()),
                Cell::Text(text),
            ],
        ));
    }
    entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (on, _, cells) in entries {
        let mut row = vec![Cell::Text(on.to_string())];
        row.extend(cells);
        notes.rows.push(row);
    }
    if notes.rows.is_empty() {
        notes.footnotes.push(format!(
            "No comments or evidence are recorded for {rec}'s actions."
        ));
    }
    let heading = format!("Tracking of {rec} as of {}", rules.as_of);
    args.out.emit(&heading, &[overview, action_rows, notes])?;
    Ok(0)
}

fn list(survey: &Survey, store: &Store, args: ListArgs) -> anyhow::Result<i32> {
    let rec = args.rec.as_deref().map(|r| rec_id(survey, r)).transpose()?;
    let rules = args.read.rules();
    let plan = store.load_plan()?.up_to(rules.as_of);
    let owner = args.owner.as_deref().map(str::to_lowercase);
    let actions = plan.actions();
    let selected: Vec<&ActionState> = actions
        .iter()
        .filter(|a| {
            let flags = a.flags(&rules);
            rec.as_ref().is_none_or(|r| &a.rec_id == r)
                && (args.status.is_empty() || args.status.contains(&a.status))
                && owner
                    .as_ref()
                    .is_none_or(|o| a.fields.owner.to_lowercase().contains(o))
                && (!args.overdue || flags.overdue)
                && args.due_within.is_none_or(|n| flags.due_within(n))
                && (!args.stale || flags.stale)
        })
        .collect();
    let mut filters = Vec::new();
    if let Some(r) = &rec {
        filters.push(format!("recommendation {r}"));
    }
    if !args.status.is_empty() {
        filters.push(format!(
            "status {}",
            args.status
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if let Some(o) = &args.owner {
        filters.push(format!("owner containing \"{o}\""));
    }
    if args.overdue {
        filters.push("overdue".into());
    }
    if let Some(n) = args.due_within {
        filters.push(format!("due within {n} days"));
    }
    if args.stale {
        filters.push(format!("stale ({} days)", rules.stale_days));
    }
    let title = if filters.is_empty() {
        "Actions".to_string()
    } else {
        format!("Actions: {}", filters.join(", "))
    };
    let table = action_table(title, &selected, &rules);
    let heading = format!(
        "{} of {} actions as of {}",
        selected.len(),
        actions.len(),
        rules.as_of
    );
    args.out.emit(&heading, &[table])?;
    Ok(0)
}

/// One history row: (date, entry time, kind rank, order within its table, cells). Entries of
/// one date and one write sort in the order a write makes them: positions, new actions,
/// events, comments, evidence.
type HistoryRow = (NaiveDate, String, u8, i64, Vec<Cell>);

fn history(survey: &Survey, store: &Store, args: HistoryArgs) -> anyhow::Result<i32> {
    let plan = store.load_plan()?;
    // The subject is an action if one has that id, otherwise a recommendation.
    let (rec, action) = match args.subject.as_deref() {
        None => (None, None),
        Some(text) => match action_state(&plan, text) {
            Ok(state) => (None, Some(state.id)),
            Err(_) => (Some(rec_id(survey, text).map_err(|_| {
                Error::Invalid(format!(
                    "\"{text}\" is neither an action nor a recommendation; expected an action id such as R3-A2 or a recommendation such as R3"
                ))
            })?), None),
        },
    };
    let rec_of_action = |id: &str| {
        plan.actions
            .iter()
            .find(|a| a.id == id)
            .map_or(String::new(), |a| a.rec_id.clone())
    };
    let wanted = |rec_id: &str, action_id: Option<&str>| match (&rec, &action) {
        (None, None) => true,
        (Some(r), _) => r == rec_id,
        (None, Some(a)) => action_id == Some(a.as_str()),
    };
    let mut rows: Vec<HistoryRow> = Vec::new();
    let mut push = |stamp: &Stamp, rank: u8, order: i64, cells: [String; 5]| {
        let mut row: Vec<Cell> = vec![Cell::Text(stamp.on.to_string())];
        row.extend(cells.into_iter().map(Cell::Text));
        row.extend([
            Cell::Text(stamp.by.clone()),
            Cell::Text(stamp.source.clone()),
            Cell::Text(stamp.recorded_at.clone()),
        ]);
        rows.push((stamp.on, stamp.recorded_at.clone(), rank, order, row));
    };
    let mut previous: std::collections::HashMap<&str, &PositionRecord> = Default::default();
    for p in &plan.positions {
        let before = previous.insert(&p.rec_id, &p.record);
        if wanted(&p.rec_id, None) {
            let describe = |r: &PositionRecord| {
                format!(
                    "{}; priority {}; owner {}{}",
                    r.position.as_str(),
                    if r.priority { "yes" } else { "no" },
                    if r.owner.is_empty() { "none" } else { &r.owner },
                    if r.rationale.is_empty() {
                        String::new()
                    } else {
                        format!("; rationale: {}", r.rationale)
                    }
                )
            };
            push(
                &p.stamp,
                0,
                p.id,
                [
                    p.rec_id.clone(),
                    "position".into(),
                    before.map_or(String::new(), describe),
                    describe(&p.record),
                    p.note.clone(),
                ],
            );
        }
    }
    for (i, a) in plan.actions.iter().enumerate() {
        if wanted(&a.rec_id, Some(&a.id)) {
            let due = a
                .fields
                .due
                .map_or("no due date".into(), |d| format!("due {d}"));
            push(
                &a.stamp,
                1,
                i as i64,
                [
                    a.id.clone(),
                    "created".into(),
                    String::new(),
                    a.status.as_str().into(),
                    format!(
                        "{} (owner: {}; {due})",
                        a.fields.description, a.fields.owner
                    ),
                ],
            );
        }
    }
    for e in &plan.events {
        if wanted(&rec_of_action(&e.action_id), Some(&e.action_id)) {
            push(
                &e.stamp,
                2,
                e.id,
                [
                    e.action_id.clone(),
                    e.field.as_str().into(),
                    e.from.clone().unwrap_or_default(),
                    e.to.clone().unwrap_or_default(),
                    e.note.clone(),
                ],
            );
        }
    }
    for c in &plan.comments {
        if wanted(&rec_of_action(&c.action_id), Some(&c.action_id)) {
            push(
                &c.stamp,
                3,
                c.id,
                [
                    c.action_id.clone(),
                    "comment".into(),
                    String::new(),
                    String::new(),
                    c.text.clone(),
                ],
            );
        }
    }
    for e in &plan.evidence {
        if wanted(&rec_of_action(&e.action_id), Some(&e.action_id)) {
            push(
                &e.stamp,
                4,
                e.id,
                [
                    e.action_id.clone(),
                    "evidence".into(),
                    String::new(),
                    e.evidence.to_string(),
                    e.note.clone(),
                ],
            );
        }
    }
    rows.sort_by(|a, b| (a.0, &a.1, a.2, a.3).cmp(&(b.0, &b.1, b.2, b.3)));
    let mut table = Table::new("History")
        .column("Date", ColumnKind::Text)
        .column("Subject", ColumnKind::Text)
        .column("Change", ColumnKind::Text)
        .column("From", ColumnKind::Text)
        .column("To", ColumnKind::Text)
        .column("Note", ColumnKind::Text)
        .column("By", ColumnKind::Text)
        .column("Source", ColumnKind::Text)
        .column("Entered", ColumnKind::Text);
    table.rows = rows.into_iter().map(|r| r.4).collect();
    table.footnotes.push(
        "Append-only: nothing here is ever changed or removed; a correction is a later entry. Date is the date a change counts from; Entered is when it was written.".into(),
    );
    let heading = match (&rec, &action) {
        (Some(r), _) => format!("History of {r} and its actions"),
        (None, Some(a)) => format!("History of {a}"),
        (None, None) => "History of all tracking records".into(),
    };
    args.out.emit(&heading, &[table])?;
    Ok(0)
}

fn changes(survey: &Survey, store: &Store, args: ChangesArgs) -> anyhow::Result<i32> {
    let until = args.as_of.unwrap_or_else(today);
    if args.since > until {
        return Err(Error::Invalid(format!(
            "--since {} is after {until}; expected a date on or before it",
            args.since
        ))
        .into());
    }
    let plan = store.load_plan()?;
    let lines = changes::between(&plan, args.since, until);
    let mut order: Vec<String> = survey
        .recommendations
        .iter()
        .map(|r| r.id.clone())
        .collect();
    for line in &lines {
        if !order.contains(&line.rec_id) {
            order.push(line.rec_id.clone());
        }
    }
    let mut tables = Vec::new();
    for rec in order {
        let mine: Vec<_> = lines.iter().filter(|l| l.rec_id == rec).collect();
        if mine.is_empty() {
            continue;
        }
        let title = match survey.recommendation(&rec) {
            Some(r) => format!("{rec} ({}): {}", r.short_name, r.text),
            None => rec.clone(),
        };
        let mut table = Table::new(title)
            .column("Date", ColumnKind::Text)
            .column("Change", ColumnKind::Text);
        for line in mine {
            table.rows.push(vec![
                Cell::Text(line.on.to_string()),
                Cell::Text(line.text.clone()),
            ]);
        }
        tables.push(table);
    }
    if tables.is_empty() {
        let mut table = Table::new("Changes")
            .column("Date", ColumnKind::Text)
            .column("Change", ColumnKind::Text);
        table.footnotes.push(format!(
            "Nothing was recorded from {} to {until}.",
            args.since
        ));
        tables.push(table);
    }
    let heading = format!(
        "Changes from {} to {until}: {} recorded",
        args.since,
        lines.len()
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}

fn import(survey: &Survey, store: &mut Store, args: ImportArgs) -> anyhow::Result<i32> {
    let name = crate::ingest::display_path(&args.file);
    let stamp = args.write.stamp(&format!("import {name}"));
    match import_file(survey, store, &args.file, &stamp, args.dry_run)? {
        ImportResult::Rejected(problems) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            println!(
                "rejected {name}: {} problem(s); nothing was stored",
                problems.len()
            );
            Err(Quiet(EXIT_REJECTED).into())
        }
        ImportResult::Checked(plan) => {
            let verb = if args.dry_run {
                "would record"
            } else {
                "recorded"
            };
            if plan.changes.is_empty() {
                println!(
                    "{name}: {} rows, all as stored; nothing to record",
                    plan.rows
                );
            } else {
                println!(
                    "{name}: {} rows; {verb} {} on {}",
                    plan.rows,
                    plan.summary(),
                    stamp.on
                );
            }
            if !plan.not_in_file.is_empty() {
                println!(
                    "{} stored action(s) not in the file were left as they are: {}",
                    plan.not_in_file.len(),
                    plan.not_in_file.join(", ")
                );
            }
            Ok(0)
        }
    }
}

/// What importing an action plan file did.
pub enum ImportResult {
    /// Every problem found; nothing was written.
    Rejected(Vec<crate::ingest::Problem>),
    /// Checked, and written unless it was a dry run.
    Checked(tracking::csv::ImportPlan),
}

/// Reads, checks and (unless `dry_run`) applies one action plan file in one transaction.
pub fn import_file(
    survey: &Survey,
    store: &mut Store,
    path: &Path,
    stamp: &Stamp,
    dry_run: bool,
) -> anyhow::Result<ImportResult> {
    let name = crate::ingest::display_path(path);
    let bytes = crate::ingest::read_file(path)?;
    let text = match crate::ingest::decode::decode(&bytes) {
        Ok(decoded) => decoded.text,
        Err(e) => {
            return Ok(ImportResult::Rejected(vec![crate::ingest::Problem::new(
                &name,
                e.line,
                "",
                &e.found,
                &e.expected,
            )]))
        }
    };
    let outcome = store.update_plan(stamp, |plan| {
        Ok(
            match tracking::csv::plan_import(&name, &text, plan, survey, stamp.on) {
                Err(problems) => (Vec::new(), ImportResult::Rejected(problems)),
                Ok(import) if dry_run => (Vec::new(), ImportResult::Checked(import)),
                Ok(import) => (import.changes.clone(), ImportResult::Checked(import)),
            },
        )
    })?;
    Ok(outcome)
}

fn export(survey: &Survey, store: &Store, args: ExportArgs) -> anyhow::Result<i32> {
    let plan = store.load_plan()?;
    let bytes = tracking::csv::export(&plan, survey)?;
    match args.output {
        Some(path) => {
            write_atomically(&path, &bytes)?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            use std::io::Write;
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(&bytes)?;
            lock.flush()?;
        }
    }
    Ok(0)
}
