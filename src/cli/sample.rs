//! `mctrack sample`: write the synthetic demo exports.

use std::path::PathBuf;

use super::Context;
use crate::sample;

/// Write synthetic survey exports for the 36 pilots over four waves, the way pilots send them
/// (with blanks, N/A, labels, a duplicate submission and a Windows-1252 file). Deterministic:
/// the same seed writes the same bytes.
///
/// With --rows, write instead the benchmark workload: one wide CSV of that many responses,
/// and its codebook beside it (FILE with the extension .codebook.toml).
///
/// Example: mctrack sample --seed 2022 -o surveys/sample
/// Example: mctrack sample --rows 1000000 --seed 7 -o bench.csv
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = sample::DEFAULT_SEED)]
    seed: u64,
    /// Output folder [default: the workspace's surveys/sample]; with --rows, the CSV file.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Write the one-file benchmark workload with this many responses.
    #[arg(long, requires = "output")]
    rows: Option<u64>,
    /// Rating items in the benchmark workload.
    #[arg(long, requires = "rows", default_value_t = sample::wide::DEFAULT_ITEMS)]
    items: usize,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    if let (Some(rows), Some(file)) = (args.rows, &args.output) {
        let bytes = sample::wide::write_wide(file, rows, args.items, args.seed)?;
        let codebook = file.with_extension("codebook.toml");
        std::fs::write(&codebook, sample::wide::codebook_text(args.items))
            .map_err(|e| crate::error::Error::io(&codebook, e))?;
        println!(
            "wrote {rows} responses ({:.1} MB) to {} and its codebook to {}",
            bytes as f64 / 1e6,
            file.display(),
            codebook.display()
        );
        return Ok(0);
    }
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
