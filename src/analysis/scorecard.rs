//! The scorecard: each recommendation's tracking status beside its survey evidence, with a
//! flag wherever the two disagree. The flag asks a question of the people who set the status;
//! survey results never change a status.

use crate::render::{Cell, ColumnKind, Table};
use crate::tracking::{RecStatus, Rollup, Status};

use super::indicators::{IndicatorEvidence, Movement, TargetStatus};

/// Where a recommendation's status and its evidence disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inconsistency {
    /// Every action closed as implemented, yet an indicator fell since the first wave.
    ImplementedButFell(String),
    /// Every action closed as implemented, yet an indicator's whole interval is short of its
    /// target.
    ImplementedButBelow(String),
    /// No action recorded, while an indicator's whole interval is short of its target.
    NoActionButBelow(String),
}

impl Inconsistency {
    pub fn describe(&self) -> String {
        match self {
            Inconsistency::ImplementedButFell(i) => format!("implemented, but {i} fell"),
            Inconsistency::ImplementedButBelow(i) => {
                format!("implemented, but {i} stays clearly below target")
            }
            Inconsistency::NoActionButBelow(i) => {
                format!("no action, while {i} is clearly below target")
            }
        }
    }
}

/// The inconsistencies between one recommendation's roll-up status and its indicators.
pub fn inconsistencies(status: &RecStatus, evidence: &[&IndicatorEvidence]) -> Vec<Inconsistency> {
    let mut out = Vec::new();
    for e in evidence {
        let below = e.status == TargetStatus::ClearlyBelow;
        match status.rollup {
            Rollup::Status(Status::Implemented) => {
                if e.movement == Movement::Worse {
                    out.push(Inconsistency::ImplementedButFell(e.label()));
                }
                if below {
                    out.push(Inconsistency::ImplementedButBelow(e.label()));
                }
            }
            Rollup::NoActions if below => out.push(Inconsistency::NoActionButBelow(e.label())),
            _ => {}
        }
    }
    out
}

/// One row per recommendation: position, roll-up status, progress, dates, the indicators
/// against their targets and the consistency flag.
pub fn scorecard_table(statuses: &[RecStatus], evidence: &[IndicatorEvidence]) -> Table {
    let mut table = Table::new("Scorecard: status beside evidence")
        .column("Rec", ColumnKind::Text)
        .column("Recommendation", ColumnKind::Text)
        .column("Position", ColumnKind::Text)
        .column("Priority", ColumnKind::Text)
        .column("Status", ColumnKind::Text)
        .column("Actions implemented", ColumnKind::Int)
        .column("Actions", ColumnKind::Int)
        .column("Verified", ColumnKind::Int)
        .column("Next due", ColumnKind::Text)
        .column("Overdue", ColumnKind::Int)
        .column("Days since update", ColumnKind::Int)
        .column("Indicators met", ColumnKind::Int)
        .column("Indicators", ColumnKind::Int)
        .column("Better", ColumnKind::Int)
        .column("Worse", ColumnKind::Int)
        .column("Check", ColumnKind::Text);
    let mut flagged = 0;
    for status in statuses {
        let mine: Vec<&IndicatorEvidence> = evidence
            .iter()
            .filter(|e| e.recommendation == status.rec_id)
            .collect();
        let count = |keep: &dyn Fn(&IndicatorEvidence) -> bool| {
            Cell::Int(mine.iter().filter(|e| keep(e)).count() as i64)
        };
        let check: Vec<String> = inconsistencies(status, &mine)
            .iter()
            .map(Inconsistency::describe)
            .collect();
        flagged += usize::from(!check.is_empty());
        table.rows.push(vec![
            Cell::Text(status.rec_id.clone()),
            Cell::Text(status.short_name.clone()),
            Cell::Text(status.position.position.label().into()),
            Cell::Text(if status.position.priority { "yes" } else { "" }.into()),
            Cell::Text(status.rollup.label().into()),
            Cell::Int(status.implemented as i64),
            Cell::Int(status.actions as i64),
            Cell::Int(status.verified as i64),
            status
                .next_due
                .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            Cell::Int(status.overdue as i64),
            status.days_since_update.map_or(Cell::Empty, Cell::Int),
            count(&|e| e.status == TargetStatus::Met),
            Cell::Int(mine.len() as i64),
            count(&|e| e.movement == Movement::Better),
            count(&|e| e.movement == Movement::Worse),
            Cell::Text(check.join("; ")),
        ]);
    }
    table.footnotes.extend([
        "Status: the roll-up of the recommendation's actions (all closed: implemented if any was; any with little or no progress: that; any under way: in progress; otherwise not started). Verified: implemented actions confirmed by someone other than their owner.".to_string(),
        "Indicators met: estimate on the target's side at the latest wave; Better / Worse: indicators whose change since the first wave is clear (see the indicator table).".to_string(),
        format!(
            "Check: {} recommendation(s) where status and evidence disagree: marked implemented while an indicator fell or stays clearly below target, or without any action while an indicator is clearly below target. A check is a question for the owner; survey results never change a status.",
            flagged
        ),
    ]);
    table
}
