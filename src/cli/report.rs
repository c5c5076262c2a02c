//! `mctrack report`: the progress report for the board, as HTML, Markdown and an Excel
//! workbook, from the store and the tracking records.

use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::{Days, NaiveDate};

use super::track::ReadArgs;
use super::{check_level, write_atomically, Context, WeightArgs};
use crate::codebook::Survey;
use crate::ingest;
use crate::render::{html, markdown, xlsx};
use crate::report::{build, Inputs, Options};
use crate::tracking::changes::between;
use crate::tracking::{rec_statuses, Rules};

/// The file names a report writes, without extension.
pub const REPORT_NAME: &str = "progress-report";

/// Write the progress report: headline, one section per recommendation (its text, indicators
/// against targets with intervals and trend, what has been done, the questions behind it),
/// the pilot comparison, every question with its base, data quality, methods and a manifest.
/// One self-contained HTML file (print it to PDF from the browser), Markdown, and an Excel
/// workbook with one sheet per table.
///
/// Example: mctrack report --as-of 2026-11-29 -o reports/
#[derive(clap::Args)]
pub struct Args {
    /// Folder to write into [default: the workspace's reports/].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace a report already in the folder.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    tracking: ReadArgs,
    /// Narrate tracking changes from this date [default: 91 days before --as-of].
    #[arg(long, value_name = "DATE", value_parser = super::track::parse_date_arg)]
    since: Option<NaiveDate>,
    /// Confidence level of every interval.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// Show free-text answers (masked, and only for groups at or above the minimum cell size).
    #[arg(long)]
    include_comments: bool,
    #[command(flatten)]
    weights: WeightArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let workspace = ctx.workspace()?;
    let survey = ctx.survey()?;
    check_level(args.level)?;
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| workspace.reports.clone());
    if !args.force {
        if let Some(existing) = report_paths(&dir).iter().find(|p| p.exists()) {
            bail!(
                "{} already exists; add --force to replace the report",
                ingest::display_path(existing)
            );
        }
    }
    let settings = Settings {
        rules: args.tracking.rules(),
        since: args.since,
        level: args.level,
        include_comments: args.include_comments,
    };
    for path in write_report(ctx, &survey, &dir, &settings, &args.weights)? {
        println!("wrote {}", ingest::display_path(&path));
    }
    Ok(0)
}

/// The report's files in `dir`: HTML, Markdown and the workbook.
fn report_paths(dir: &Path) -> [PathBuf; 3] {
    ["html", "md", "xlsx"].map(|ext| dir.join(format!("{REPORT_NAME}.{ext}")))
}

/// What a report is computed with.
pub(super) struct Settings {
    pub rules: Rules,
    pub since: Option<NaiveDate>,
    pub level: f64,
    pub include_comments: bool,
}

/// Builds the report from the store and writes its three files into `dir`, each through a
/// temporary file renamed into place; returns their paths.
pub(super) fn write_report(
    ctx: &Context,
    survey: &Survey,
    dir: &Path,
    settings: &Settings,
    weights: &WeightArgs,
) -> anyhow::Result<[PathBuf; 3]> {
    let workspace = ctx.workspace()?;
    let store = ctx.store()?;
    let mut data = store.load(&survey.codebook)?;
    weights.apply(&mut data)?;
    let rules = &settings.rules;
    let plan = store.load_plan()?.up_to(rules.as_of);
    let statuses = rec_statuses(&plan, &survey.recommendations, rules);
    let since = settings.since.unwrap_or_else(|| {
        rules
            .as_of
            .checked_sub_days(Days::new(91))
            .unwrap_or(rules.as_of)
    });
    let changes = between(&plan, since, rules.as_of);
    let imports = store.list_imports()?;
    let comments = if settings.include_comments {
        Some(store.text_answers()?)
    } else {
        None
    };
    let mut definition_hashes = Vec::new();
    for path in [&survey.codebook.path, &workspace.recommendations] {
        if let Ok(bytes) = std::fs::read(path) {
            definition_hashes.push((ingest::display_path(path), ingest::sha256_hex(&bytes)));
        }
    }
    let inputs = Inputs {
        survey,
        data: &data,
        imports: &imports,
        plan: &plan,
        statuses: &statuses,
        changes: &changes,
        comments: comments.as_deref(),
        options: Options {
            as_of: rules.as_of,
            since,
            level: settings.level,
            stale_days: rules.stale_days,
            generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            store: ingest::display_path(store.path()),
            definition_hashes,
        },
    };
    let report = build(&inputs);
    let workbook = xlsx::workbook(&report)
        .map_err(|e| anyhow::anyhow!("could not write the workbook: {e}"))?;
    let paths = report_paths(dir);
    let chart_dir = dir.join(markdown::CHART_DIR);
    for (name, chart) in report.charts() {
        let svg = chart.to_svg().map_err(crate::Error::from)?;
        let png = chart.to_png().map_err(crate::Error::from)?;
        write_atomically(&chart_dir.join(format!("{name}.svg")), svg.as_bytes())?;
        write_atomically(&chart_dir.join(format!("{name}.png")), &png)?;
    }
    write_atomically(&paths[0], html::document(&report).as_bytes())?;
    write_atomically(&paths[1], markdown::document(&report).as_bytes())?;
    write_atomically(&paths[2], &workbook)?;
    Ok(paths)
}
