//! `mctrack trend`: estimates across waves, change against the first wave, and trend tests.

use anyhow::bail;

use super::{check_level, Context, OutputArgs, Scope, WeightArgs};
use crate::analysis::trend::{check_comparable, trend, TrendMeasure};
use crate::ingest;

/// Follow rating and yes/no questions across the waves: each wave's estimate with its interval,
/// the change against the first wave with its interval, a least-squares slope per wave with its
/// interval, and the Mann-Kendall test.
///
/// Example: mctrack trend L03 E06 P05 --pilot P07
#[derive(clap::Args)]
pub struct Args {
    /// Rating (likert) or yes/no question ids.
    #[arg(required = true)]
    questions: Vec<String>,
    /// Follow the mean, or the share in the top two levels (yes/no items always use % yes).
    #[arg(long, value_enum, default_value_t = TrendMeasure::Mean)]
    measure: TrendMeasure,
    /// Only these pilots.
    #[arg(long, value_delimiter = ',')]
    pilot: Vec<String>,
    /// Only these waves (for a question whose wording or scale changed: one version's waves).
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    /// Confidence level of every interval.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    #[command(flatten)]
    weights: WeightArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let codebook = &survey.codebook;
    check_level(args.level)?;
    let mut questions = Vec::new();
    for id in &args.questions {
        let Some(q) = codebook.question_index(id) else {
            bail!(
                "question {id} is not in the codebook {}",
                codebook.path.display()
            );
        };
        let kind = codebook.questions[q].kind.name();
        if !matches!(kind, "likert" | "yesno") {
            bail!("{id} is a {kind} question; trend follows rating (likert) and yes/no questions");
        }
        questions.push(q);
    }
    let store = ctx.store()?;
    let data = store.load(codebook)?;
    let mut data = Scope::new(codebook, &[], &args.pilot, &args.wave)?.select(&data);
    args.weights.apply(&mut data)?;
    for &q in &questions {
        check_comparable(&survey, &data, q)?;
    }
    let tables = trend(
        &survey,
        &data,
        &questions,
        args.measure,
        codebook.privacy.min_cell,
        args.level,
    );
    let heading = format!(
        "Trends across waves, {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
