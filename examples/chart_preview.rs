//! Writes every kind of chart, drawn from realistic synthetic data, as PNG and SVG, so that a
//! person can look at them: `cargo run --example chart_preview -- [DIR]` (default
//! /tmp/charts-preview).

use std::path::PathBuf;

use mctrack::render::charts::*;

include!("../tests/common/chart_samples.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/charts-preview"));
    std::fs::create_dir_all(&dir)?;
    for (name, chart) in sample_charts() {
        let png = dir.join(format!("{name}.png"));
        std::fs::write(&png, chart.to_png()?)?;
        std::fs::write(dir.join(format!("{name}.svg")), chart.to_svg()?)?;
        println!("{}", png.display());
    }
    Ok(())
}
