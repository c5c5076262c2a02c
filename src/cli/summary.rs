//! `mctrack summary`: question summaries by recommendation, from the store or from files.

use std::path::PathBuf;

use anyhow::bail;

use super::input::FormatArgs;
use super::progress::Progress;
use super::{Context, OutputArgs, Scope, WeightArgs};
use crate::analysis::counts::Counts;
use crate::analysis::summary::{self, GroupBy, Responses, Section, SummaryOptions};
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
    /// Read every row into memory before summarising, instead of counting files as they
    /// stream or reading the store's counts (they give the same tables; this checks that).
    #[arg(long, hide = true)]
    in_memory: bool,
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
    // Weights need every row. Otherwise files are counted as they stream, and the store's
    // imports are read as their counts when those follow this codebook's layout.
    let counted = if args.in_memory || survey.codebook.metadata.weight.is_some() {
        None
    } else if args.files.is_empty() {
        let store = ctx.store()?;
        let source = store_source(&store);
        store.load_counts(&survey.codebook)?.map(|c| (c, source))
    } else {
        let options = args.input.options(&survey)?;
        let counts = count_files(&survey, &options, &args.files)?;
        Some((counts, files_source(args.files.len())))
    };
    let (tables, heading) = match &counted {
        Some((counts, source)) => {
            summarize_responses(&survey, &Responses::Counts(counts), &args.filters, source)?
        }
        None => {
            let (data, source) = load_dataset(ctx, &survey, &args.files, &args.input)?;
            summarize(&survey, &data, &args.filters, &source)?
        }
    };
    args.out.emit(&heading, &tables)?;
    Ok(0)
}

/// How headings name the store as the source of responses.
fn store_source(store: &crate::store::Store) -> String {
    format!("store {}", ingest::display_path(store.path()))
}

/// How headings name export files read without importing them.
fn files_source(count: usize) -> String {
    format!("{count} file(s), not imported")
}

/// Counts files into the summary's sufficient statistic, streaming those the fast path takes
/// and reading the others as `load_files` does; invalid rows are counted on stderr.
fn count_files(
    survey: &Survey,
    options: &ingest::ImportOptions,
    files: &[PathBuf],
) -> anyhow::Result<Counts> {
    let mut counts = Counts::new(&survey.codebook);
    let threads = crate::parallel::threads();
    let files = ingest::collect_input_files(files)?;
    let progress = Progress::files(files.len() as u64);
    for (i, file) in files.iter().enumerate() {
        progress.file(&ingest::display_path(file));
        // Files in order, rows in file order: numeric answers keep the in-memory order.
        let base = (i as u64) << 40;
        let small = std::fs::metadata(file).is_ok_and(|m| m.len() < ingest::stream::MIN_PARALLEL);
        let threads = if small { 1 } else { threads };
        let streamed = ingest::stream::count_file(
            file,
            survey,
            options,
            &mut counts,
            base,
            threads,
            ingest::stream::SEGMENT_BYTES,
        )?;
        match streamed {
            Some(streamed) => check_file(
                &streamed.display_name,
                &streamed.file_problems,
                streamed.rejected,
            )?,
            None => {
                let parsed = ingest::parse_path(file, survey, options)?;
                check_file(
                    &parsed.display_name,
                    &parsed.file_problems,
                    parsed.rejected.len(),
                )?;
                let source =
                    counts.add_source(parsed.questions_present(survey.codebook.questions.len()));
                for response in &parsed.responses {
                    counts.add_response(source, base + response.source_row as u64, response);
                }
            }
        }
        progress.done();
    }
    Ok(counts)
}

/// Stops on problems with a file as a whole; warns of invalid rows left out.
fn check_file(name: &str, problems: &[ingest::Problem], rejected: usize) -> anyhow::Result<()> {
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("{problem}");
        }
        bail!("{name} cannot be read as a survey export (see above)");
    }
    if rejected > 0 {
        eprintln!(
            "warning: {name}: {rejected} invalid row(s) left out; `mctrack validate {name}` lists them"
        );
    }
    Ok(())
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
        Ok((store.load(&survey.codebook)?, store_source(&store)))
    } else {
        let options = input.options(survey)?;
        Ok((
            load_files(survey, &options, files)?,
            files_source(files.len()),
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
        check_file(
            &parsed.display_name,
            &parsed.file_problems,
            parsed.rejected.len(),
        )?;
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
    summarize_responses(survey, &Responses::Rows(data), args, source)
}

/// `summarize` of rows or of counts.
fn summarize_responses(
    survey: &Survey,
    responses: &Responses,
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
    let scope = Scope::new(codebook, &args.role, &args.pilot, &args.wave)?;
    let (rows, counts);
    let data = match responses {
        Responses::Rows(data) => {
            let mut kept = scope.select(data);
            args.weights.apply(&mut kept)?;
            rows = kept;
            Responses::Rows(&rows)
        }
        Responses::Counts(all) if scope.keeps_all() => Responses::Counts(all),
        Responses::Counts(all) => {
            counts = all.filter(|k| scope.keeps(k.role, k.wave, &all.pilot_ids[k.pilot as usize]));
            Responses::Counts(&counts)
        }
    };
    if args.exact && data.weighted() {
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
    let mut tables = vec![summary::overview_of(survey, &data)];
    tables.extend(summary::sections_tables_of(
        survey,
        &data,
        &sections,
        &options,
        crate::parallel::threads(),
    ));
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
    // The count would give away the small group the overview withholds with its total.
    let responses = if summary::total_withheld(&tables[0]) {
        format!("responses ({source}; how many is withheld as too few to show)")
    } else {
        format!("{} responses ({source})", data.len())
    };
    let heading = format!(
        "Summary of {responses}; codebook {} v{}{}",
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
