//! `mctrack plot`: one chart of the report, on its own, as SVG or PNG.

use std::path::PathBuf;

use anyhow::bail;

use super::track::ReadArgs;
use super::{check_level, write_atomically, Context, Scope, WeightArgs};
use crate::analysis::heat::pilot_heat;
use crate::analysis::indicators::{indicator_evidence, IndicatorEvidence};
use crate::ingest;
use crate::render::charts::Chart;
use crate::report::figures;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Diverging stacked bars of rating questions, by role.
    Likert,
    /// Indicators against their targets, with intervals.
    Scorecard,
    /// Pilots by recommendation, % of ratings in the top two levels.
    Heatmap,
    /// A recommendation's percentage indicators across the waves.
    Trend,
    /// Actions by status, per recommendation.
    Status,
}

/// Draw one chart as SVG (with its data in words as title and description) or PNG.
///
/// Examples:
///   mctrack plot likert --rec R2 -o r2.png
///   mctrack plot heatmap --role learner -o pilots.svg
///   mctrack plot trend --rec R6 -o r6-trend.png
#[derive(clap::Args)]
pub struct Args {
    kind: Kind,
    /// Output file, .svg or .png.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Only these recommendations (likert, scorecard, trend: exactly one for trend).
    #[arg(short, long, value_delimiter = ',')]
    rec: Vec<String>,
    /// Only these questions (likert).
    #[arg(short, long, value_delimiter = ',')]
    question: Vec<String>,
    /// Only these roles.
    #[arg(long, value_delimiter = ',')]
    role: Vec<String>,
    /// Only these pilots.
    #[arg(long, value_delimiter = ',')]
    pilot: Vec<String>,
    /// Only these waves.
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    #[command(flatten)]
    tracking: ReadArgs,
    #[command(flatten)]
    weights: WeightArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let codebook = &survey.codebook;
    check_level(args.level)?;
    let png = match args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => true,
        Some("svg") => false,
        _ => bail!(
            "{}: expected a file name ending in .svg or .png",
            ingest::display_path(&args.output)
        ),
    };
    let mut recs = Vec::new();
    for id in &args.rec {
        match survey.recommendation(id) {
            Some(r) => recs.push(r.id.clone()),
            None => bail!("recommendation {id} is unknown"),
        }
    }
    let mut questions = Vec::new();
    for id in &args.question {
        match codebook.question_index(id) {
            Some(q) => questions.push(q),
            None => bail!("question {id} is not in the codebook"),
        }
    }
    let scope = Scope::new(codebook, &args.role, &args.pilot, &args.wave)?;
    let store = ctx.store()?;
    let data = store.load(codebook)?;
    let mut data = scope.select(&data);
    args.weights.apply(&mut data)?;
    let min_cell = codebook.privacy.min_cell;
    let evidence = || -> Vec<IndicatorEvidence> {
        indicator_evidence(&survey, &data, min_cell, args.level)
            .into_iter()
            .filter(|e| recs.is_empty() || recs.contains(&e.recommendation))
            .collect()
    };
    let scope = if recs.is_empty() {
        "all recommendations".to_string()
    } else {
        recs.join(", ")
    };
    let chart: Option<Chart> = match args.kind {
        Kind::Likert => {
            if questions.is_empty() {
                let tagged = survey.questions_by_recommendation();
                for rec in &survey.recommendations {
                    if recs.is_empty() || recs.contains(&rec.id) {
                        questions.extend(tagged.get(&rec.id).into_iter().flatten().copied());
                    }
                }
                questions.sort_unstable();
                questions.dedup();
            }
            figures::likert(
                &survey,
                &data,
                &questions,
                format!("Rating questions: {scope}"),
            )
        }
        Kind::Scorecard => {
            let evidence = evidence();
            let all: Vec<&IndicatorEvidence> = evidence.iter().collect();
            figures::scorecard(&all, format!("Indicators against their targets: {scope}"))
        }
        Kind::Heatmap => figures::heat_map(
            &pilot_heat(&survey, &data, min_cell),
            "Pilots by recommendation: % of ratings in the top two levels".into(),
        ),
        Kind::Trend => {
            let [rec] = recs.as_slice() else {
                bail!("trend draws one recommendation's indicators: add --rec R1..R8");
            };
            let evidence = evidence();
            let mine: Vec<&IndicatorEvidence> = evidence.iter().collect();
            figures::trend(&survey, &mine, format!("{rec} indicators by wave"))
        }
        Kind::Status => {
            let as_of = args.tracking.rules().as_of;
            figures::status(
                &survey,
                &store.load_plan()?.up_to(as_of),
                format!("Actions by status, as of {as_of}"),
            )
        }
    };
    let Some(chart) = chart else {
        bail!("nothing to draw: no data in scope with enough respondents for this chart");
    };
    if png {
        write_atomically(&args.output, &chart.to_png().map_err(crate::Error::from)?)?;
    } else {
        write_atomically(
            &args.output,
            chart.to_svg().map_err(crate::Error::from)?.as_bytes(),
        )?;
    }
    println!("wrote {}", ingest::display_path(&args.output));
    Ok(0)
}
