//! `mctrack inspect`: what an import would make of a file, without writing anything.

use std::path::PathBuf;

use super::input::InputArgs;
use super::{Context, OutputArgs};
use crate::analysis::inspect::inspect;
use crate::ingest;

/// Show how a file would be imported: the platform, encoding, delimiter and header rows found;
/// for every column the question it maps to, or metadata, or dropped as an identifier, or
/// unmapped with the closest codebook questions; and every value that could not be mapped.
///
/// Example: mctrack inspect export.csv --map pilot07.toml
#[derive(clap::Args)]
pub struct Args {
    /// The export file.
    file: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let options = args.input.options(&survey)?;
    let parsed = ingest::parse_path(&args.file, &survey, &options)?;
    let tables = inspect(&parsed, &survey.codebook);
    let heading = format!(
        "Inspection of {} (nothing was written)",
        parsed.display_name
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
