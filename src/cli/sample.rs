//! `mctrack sample`: write the synthetic demo exports.

use std::path::PathBuf;

use super::Context;
use crate::sample;

/// Write synthetic survey exports for the 36 pilots over four waves, the way pilots send them
/// (with blanks, N/A, labels, a duplicate submission and a Windows-1252 file). Deterministic:
/// the same seed writes the same bytes.
///
/// Example: mctrack sample --seed 2022 -o surveys/sample
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = sample::DEFAULT_SEED)]
    seed: u64,
    /// Output folder [default: the workspace's surveys/sample].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let dir = match args.output {
        Some(dir) => dir,
        None => ctx.workspace()?.root.join("surveys").join("sample"),
    };
    let written = sample::write_sample(&survey, args.seed, &dir)?;
    println!(
        "wrote {} synthetic export files to {}",
        written,
        dir.display()
    );
    Ok(0)
}
