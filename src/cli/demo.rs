//! `mctrack demo`: the quick start's main job on the bundled sample.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::track::{import_file, recorded_at_now, ImportResult};
use super::{emit, Context};
use crate::codebook::Survey;
use crate::error::Error;
use crate::render::Format;
use crate::store::{Mode, Store};
use crate::tracking::{self, Rules, Stamp};

/// Import the bundled synthetic sample (surveys/sample) into the workspace store, skipping
/// invalid rows, and the sample action plan (surveys/sample-tracking), print the summary by
/// recommendation, and write the progress report into reports/. Safe to run again: files already imported are skipped, and the action
/// plan is loaded only into a store without tracking records.
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
        &super::import::HowToImport {
            mode: Mode::SkipInvalid,
            rejects_dir: workspace.reports.join("rejected"),
            brief: true,
            batch_rows: None,
            stream_segment: None,
        },
    )?;
    println!(
        "Imported the synthetic sample: {} files, {} imported now, {} already imported; {} responses stored now, {} row(s) rejected.\n",
        tally.files, tally.imported_files, tally.skipped_files, tally.responses, tally.rejected_rows
    );
    load_sample_plan(
        &survey,
        &mut store,
        &workspace.root.join("surveys").join("sample-tracking"),
    )?;
    let data = store.load(&survey.codebook)?;
    let (tables, heading) = super::summary::summarize(
        &survey,
        &data,
        &super::summary::Filters::default(),
        &format!("store {}", crate::ingest::display_path(store.path())),
    )?;
    emit(None, args.format, &heading, &tables)?;
    let as_of = tracking::parse_date(SAMPLE_PLAN_AS_OF)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let settings = super::report::Settings {
        rules: Rules {
            as_of,
            stale_days: tracking::DEFAULT_STALE_DAYS,
        },
        since: None,
        level: 0.95,
        include_comments: false,
    };
    let paths = super::report::write_report(
        ctx,
        &survey,
        &workspace.reports,
        &settings,
        &super::WeightArgs::default(),
    )?;
    println!(
        "\nThe progress report: {} (open it in a browser), with {} and {}, as of {as_of}.",
        crate::ingest::display_path(&paths[0]),
        crate::ingest::display_path(&paths[1]),
        crate::ingest::display_path(&paths[2])
    );
    Ok(0)
}

/// The date the sample action plan is reported at: two months after its last quarterly
/// update, so that some actions are overdue and one is stale.
pub const SAMPLE_PLAN_AS_OF: &str = "2026-11-29";

/// Imports the sample action plan's quarterly updates (`YYYY-MM-DD.csv`, each dated by its
/// name) in date order, as an office would have entered them, and says what it shows.
/// A store that already holds tracking records is left alone: replaying old updates over
/// newer ones would record them as changes.
fn load_sample_plan(survey: &Survey, store: &mut Store, dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    if !store.load_plan()?.is_empty() {
        println!("The store already holds tracking records; the sample action plan was not loaded again.\n");
        return Ok(());
    }
    let mut files: Vec<(NaiveDate, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let date = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(tracking::parse_date);
        if let (Some(date), true) = (date, path.extension().is_some_and(|e| e == "csv")) {
            files.push((date, path));
        }
    }
    files.sort();
    for (date, path) in &files {
        let stamp = Stamp {
            on: *date,
            recorded_at: recorded_at_now(),
            by: "Micro-credential Office (sample)".into(),
            source: format!("import {}", crate::ingest::display_path(path)),
        };
        if let ImportResult::Rejected(problems) = import_file(survey, store, path, &stamp, false)? {
            for problem in &problems {
                eprintln!("{problem}");
            }
            return Err(Error::Rejected {
                path: path.clone(),
                summary: format!("{} problem(s) in the sample action plan", problems.len()),
            }
            .into());
        }
    }
    let as_of = tracking::parse_date(SAMPLE_PLAN_AS_OF)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let rules = Rules {
        as_of,
        stale_days: tracking::DEFAULT_STALE_DAYS,
    };
    let plan = store.load_plan()?.up_to(as_of);
    let actions = plan.actions();
    let flags: Vec<_> = actions.iter().map(|a| a.flags(&rules)).collect();
    let unverified = actions
        .iter()
        .filter(|a| a.status == tracking::Status::Implemented && !a.is_verified())
        .count();
    println!(
        "Loaded the sample action plan ({} quarterly updates): {} actions for {} recommendations. As of {as_of}: {} overdue, {} implemented but not verified, {} stale.\nTry: mctrack recs --as-of {as_of}    mctrack track list --as-of {as_of}    mctrack track changes --since 2026-06-01 --as-of {as_of}\n",
        files.len(),
        actions.len(),
        survey.recommendations.len(),
        flags.iter().filter(|f| f.overdue).count(),
        unverified,
        flags.iter().filter(|f| f.stale).count(),
    );
    Ok(())
}
