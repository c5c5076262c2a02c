//! `mctrack recs`: the scorecard, one row per recommendation, and the indicators behind it.

use super::track::ReadArgs;
use super::{check_level, Context, OutputArgs, WeightArgs};
use crate::analysis::indicators::{evidence_table, indicator_evidence};
use crate::analysis::scorecard::scorecard_table;
use crate::ingest;
use crate::tracking::rec_statuses;

/// The recommendation scorecard: one row per recommendation with its management position,
/// roll-up status, actions implemented and verified, next due date, overdue count and days since
/// the last update, beside its survey indicators against their targets, and a check wherever
/// status and evidence disagree; then every indicator with its interval and change since the
/// first wave.
///
/// Example: mctrack recs --as-of 2026-11-29 --format markdown -o reports/scorecard.md
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    tracking: ReadArgs,
    /// Confidence level of every interval.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    #[command(flatten)]
    weights: WeightArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    check_level(args.level)?;
    let store = ctx.store()?;
    let mut data = store.load(&survey.codebook)?;
    args.weights.apply(&mut data)?;
    let evidence = indicator_evidence(&survey, &data, survey.codebook.privacy.min_cell, args.level);
    let rules = args.tracking.rules();
    let plan = store.load_plan()?.up_to(rules.as_of);
    let statuses = rec_statuses(&plan, &survey.recommendations, &rules);
    let tables = vec![
        scorecard_table(&statuses, &evidence),
        evidence_table(&evidence, &[], args.level),
    ];
    let heading = format!(
        "Recommendation scorecard as of {}: tracking, and {} responses (store {})",
        rules.as_of,
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
