//! `mctrack quality`: data-quality checks on the store or on files.

use std::path::PathBuf;

use super::input::FormatArgs;
use super::{emit, Context};
use crate::analysis::quality::{quality, QualityRules};
use crate::ingest;
use crate::render::Format;

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
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file instead of the terminal.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let (data, source) = if args.files.is_empty() {
        let store = ctx.store()?;
        let data = store.load(&survey.codebook)?;
        (
            data,
            format!("store {}", ingest::display_path(store.path())),
        )
    } else {
        let options = args.input.options(&survey)?;
        (
            super::summary::load_files(&survey, &options, &args.files)?,
            format!("{} file(s), not imported", args.files.len()),
        )
    };
    let rules = QualityRules {
        straightline_items: args.straightline_items.max(2),
        speeder_fraction: args.speeder_fraction,
    };
    let tables = quality(&survey, &data, rules);
    let heading = format!("Data quality of {} responses ({source})", data.len());
    emit(args.output.as_deref(), args.format, &heading, &tables)?;
    Ok(0)
}
