//! `mctrack recs`: the scorecard, one row per recommendation, and the indicators behind it.

use super::{check_level, Context, OutputArgs, WeightArgs};
use crate::analysis::indicators::{evidence_table, indicator_evidence};
use crate::ingest;

/// The recommendation scorecard: each recommendation's survey indicators against their targets,
/// at the latest wave with enough answers, with intervals and the change since the first wave.
///
/// Example: mctrack recs --format markdown -o reports/scorecard.md
#[derive(clap::Args)]
pub struct Args {
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
    let tables = vec![evidence_table(&evidence, &[], args.level)];
    let heading = format!(
        "Recommendation scorecard, {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
