//! `mctrack inspect`: what an import would make of a file, without writing anything.

use std::path::PathBuf;

use super::input::InputArgs;
use super::{emit, Context};
use crate::analysis::inspect::inspect;
use crate::ingest;
use crate::render::Format;

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
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file instead of the terminal.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
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
    emit(args.output.as_deref(), args.format, &heading, &tables)?;
    Ok(0)
}
