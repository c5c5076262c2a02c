//! `mctrack summary`: question summaries by recommendation, from the store or from files.

use std::path::PathBuf;

use anyhow::bail;

use super::input::FormatArgs;
use super::{Context, OutputArgs, WeightArgs};
use crate::analysis::summary::{self, GroupBy, Section, SummaryOptions};
use crate::analysis::tally::ShareMethod;
use crate::codebook::Survey;
use crate::dataset::Dataset;
use crate::ingest;

/// Summarise every question, section by section for the eight recommendations: base, missing,
/// distribution, mean, sd, median and top-/bottom-2-box shares, with small cells suppressed.
///
/// Example: mctrack summary --rec R2 --by role
#[derive(clap::Args)]
pub struct Args {
    /// Summarise these export files directly, without importing them (default: the store).
    files: Vec<PathBuf>,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    input: FormatArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Which responses and questions a summary covers, and how it groups them.
#[derive(clap::Args, Default)]
pub struct Filters {
    /// Only these questions (ids, repeat or separate with commas).
    #[arg(short, long, value_delimiter = ',')]
    question: Vec<String>,
    /// Only these recommendations (R1..R8 or short names).
    #[arg(short, long, value_delimiter = ',')]
    rec: Vec<String>,
    /// Only these roles.
    #[arg(long, value_delimiter = ',')]
    role: Vec<String>,
    /// Only these pilots.
    #[arg(long, value_delimiter = ',')]
    pilot: Vec<String>,
    /// Only these waves.
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    /// Group every table by this.
    #[arg(long, value_enum)]
    by: Option<GroupBy>,
    /// Add confidence intervals: t for means, order statistics for medians, Wilson (or
    /// Clopper-Pearson with --exact) for percentages.
    #[arg(long)]
    intervals: bool,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95, requires = "intervals")]
    level: f64,
    /// Clopper-Pearson exact intervals for percentages, for small bases (unweighted only).
    #[arg(long, requires = "intervals")]
    exact: bool,
    #[command(flatten)]
    weights: WeightArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let (data, source) = load_dataset(ctx, &survey, &args.files, &args.input)?;
    let (tables, heading) = summarize(&survey, &data, &args.filters, &source)?;
    args.out.emit(&heading, &tables)?;
    Ok(0)
}

/// The responses to analyse: the given export files, read without importing, or else the
/// store; and a phrase saying which, for headings.
pub(super) fn load_dataset(
    ctx: &Context,
    survey: &Survey,
    files: &[PathBuf],
    input: &FormatArgs,
) -> anyhow::Result<(Dataset, String)> {
    if files.is_empty() {
        let store = ctx.store()?;
        let data = store.load(&survey.codebook)?;
        Ok((
            data,
            format!("store {}", ingest::display_path(store.path())),
        ))
    } else {
        let options = input.options(survey)?;
        Ok((
            load_files(survey, &options, files)?,
            format!("{} file(s), not imported", files.len()),
        ))
    }
}

/// Reads files as an import would, keeping their valid rows; invalid rows are counted on stderr.
fn load_files(
    survey: &Survey,
    options: &ingest::ImportOptions,
    files: &[PathBuf],
) -> anyhow::Result<Dataset> {
    let mut data = Dataset::new(&survey.codebook);
    for file in ingest::collect_input_files(files)? {
        let parsed = ingest::parse_path(&file, survey, options)?;
        if !parsed.file_problems.is_empty() {
            for problem in &parsed.file_problems {
                eprintln!("{problem}");
            }
            bail!(
                "{} cannot be read as a survey export (see above)",
                parsed.display_name
            );
        }
        if !parsed.rejected.is_empty() {
            eprintln!(
                "warning: {}: {} invalid row(s) left out; `mctrack validate {}` lists them",
                parsed.display_name,
                parsed.rejected.len(),
                parsed.display_name
            );
        }
        let source = data.add_source(parsed.questions_present(survey.codebook.questions.len()));
        for response in &parsed.responses {
            data.push(source, response);
        }
    }
    Ok(data)
}

/// Applies the filters, then builds the overview and one set of tables per section.
pub fn summarize(
    survey: &Survey,
    data: &Dataset,
    args: &Filters,
    source: &str,
) -> anyhow::Result<(Vec<crate::render::Table>, String)> {
    let codebook = &survey.codebook;
    let mut only = Vec::new();
    for id in &args.question {
        match codebook.question_index(id) {
            Some(q) => only.push(q),
            None => bail!(
                "question {id} is not in the codebook {}",
                codebook.path.display()
            ),
        }
    }
    let mut recs = Vec::new();
    for id in &args.rec {
        match survey.recommendation(id) {
            Some(r) => recs.push(r.id.clone()),
            None => bail!(
                "recommendation {id} is unknown; expected one of {}",
                survey
                    .recommendations
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    let roles = indices(
        &args.role,
        "role",
        |v| codebook.role_index(v),
        &codebook.roles,
    )?;
    let waves = indices(
        &args.wave,
        "wave",
        |v| codebook.wave_index(v),
        &codebook.waves,
    )?;
    let pilots: Vec<String> = args.pilot.iter().map(|p| p.to_ascii_lowercase()).collect();
    let mut data = data.filter(|i| {
        (roles.is_empty() || roles.contains(&(data.role[i] as usize)))
            && (waves.is_empty() || waves.contains(&(data.wave[i] as usize)))
            && (pilots.is_empty()
                || pilots.contains(&data.pilot_ids[data.pilot[i] as usize].to_ascii_lowercase()))
    });
    args.weights.apply(&mut data)?;
    if args.exact && data.weight.is_some() {
        bail!("--exact gives Clopper-Pearson intervals for unweighted counts; with weights, percentages get Wilson intervals at Kish's effective n. Add --unweighted to use --exact");
    }
    let sections = if !only.is_empty() && recs.is_empty() {
        vec![Section {
            title: "Selected questions".into(),
            note: None,
            questions: only,
        }]
    } else {
        summary::sections_by_recommendation(survey, &recs, &only)
    };
    if args.intervals {
        super::check_level(args.level)?;
    }
    let options = SummaryOptions {
        by: args.by,
        min_cell: codebook.privacy.min_cell,
        intervals: args.intervals.then_some(summary::IntervalOptions {
            level: args.level,
            method: if args.exact {
                ShareMethod::Exact
            } else {
                ShareMethod::Wilson
            },
        }),
    };
    let mut tables = vec![summary::overview(survey, &data)];
    for section in &sections {
        tables.extend(summary::section_tables(survey, &data, section, &options));
    }
    let mut filters = Vec::new();
    for (name, values) in [
        ("role", &args.role),
        ("wave", &args.wave),
        ("pilot", &args.pilot),
    ] {
        if !values.is_empty() {
            filters.push(format!("{name} = {}", values.join(" or ")));
        }
    }
    let heading = format!(
        "Summary of {} responses ({source}); codebook {} v{}{}",
        data.len(),
        codebook.title,
        codebook.version,
        if filters.is_empty() {
            String::new()
        } else {
            format!("; only {}", filters.join(", "))
        }
    );
    Ok((tables, heading))
}

fn indices(
    values: &[String],
    what: &str,
    find: impl Fn(&str) -> Option<usize>,
    known: &[String],
) -> anyhow::Result<Vec<usize>> {
    values
        .iter()
        .map(|v| {
            find(v).ok_or_else(|| {
                anyhow::anyhow!(
                    "{what} {v} is unknown; expected one of {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}
