//! `mctrack quality`: data-quality checks on the store or on files.

use std::path::PathBuf;

use super::input::FormatArgs;
use super::{Context, OutputArgs};
use crate::analysis::quality::{quality, QualityRules};

/// Check data quality: missing answers by question and by pilot, straight-lining, speeders,
/// possible duplicate submissions, and answers skip logic should have prevented. Each finding
/// lists the responses it concerns by respondent id.
///
/// Example: mctrack quality --format csv -o reports/quality.csv
#[derive(clap::Args)]
pub struct Args {
    /// Check these export files directly, without importing them (default: the store).
    files: Vec<PathBuf>,
    #[command(flatten)]
    input: FormatArgs,
    /// Straight-lining: flag the same answer to at least this many rating items.
    #[arg(long, default_value_t = 4, value_name = "N")]
    straightline_items: usize,
    /// Speeders: flag durations under this fraction of the role's median.
    #[arg(long, default_value_t = 1.0 / 3.0, value_name = "FRACTION")]
    speeder_fraction: f64,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let (data, source) = super::summary::load_dataset(ctx, &survey, &args.files, &args.input)?;
    let rules = QualityRules {
        straightline_items: args.straightline_items.max(2),
        speeder_fraction: args.speeder_fraction,
    };
    let tables = quality(&survey, &data, rules);
    let heading = format!("Data quality of {} responses ({source})", data.len());
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
