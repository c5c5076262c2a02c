//! `mctrack demo`: the quick start's main job on the bundled sample.

use super::{emit, Context};
use crate::render::Format;
use crate::store::Mode;

/// Import the bundled synthetic sample (surveys/sample) into the workspace store, skipping
/// invalid rows, then print the summary by recommendation. Safe to run again: files already
/// imported are skipped.
///
/// Example: cargo run --release -- demo
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let workspace = ctx.workspace()?;
    let survey = ctx.survey()?;
    let mut store = ctx.store()?;
    let sample = workspace.root.join("surveys").join("sample");
    let tally = super::import::import_all(
        &survey,
        &crate::ingest::ImportOptions::default(),
        &mut store,
        &[sample],
        Mode::SkipInvalid,
        &workspace.reports.join("rejected"),
        true,
    )?;
    println!(
        "Imported the synthetic sample: {} files, {} imported now, {} already imported; {} responses stored now, {} row(s) rejected.\n",
        tally.files, tally.imported_files, tally.skipped_files, tally.responses, tally.rejected_rows
    );
    let data = store.load(&survey.codebook)?;
    let (tables, heading) = super::summary::summarize(
        &survey,
        &data,
        &super::summary::Filters::default(),
        &format!("store {}", crate::ingest::display_path(store.path())),
    )?;
    emit(None, args.format, &heading, &tables)?;
    Ok(0)
}
