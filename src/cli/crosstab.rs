//! `mctrack crosstab`: two categorical questions against each other.

use anyhow::bail;

use super::{Context, OutputArgs, Scope, WeightArgs};
use crate::analysis::crosstab::{crosstab, CrosstabError, Percent};
use crate::ingest;

/// Cross-tabulate two categorical questions (single, yes/no or rating): counts with row, column
/// or total percentages, the chi-square test with Cramér's V, and small cells suppressed
/// together with the cells that would reveal them. Two equity-module questions are never
/// crossed with each other.
///
/// Example: mctrack crosstab L04 D02 --percent row
#[derive(clap::Args)]
pub struct Args {
    /// The question whose levels make the rows.
    a: String,
    /// The question whose levels make the columns.
    b: String,
    /// What each percentage is a share of.
    #[arg(long, value_enum, default_value_t = Percent::Row)]
    percent: Percent,
    /// Only these waves.
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    #[command(flatten)]
    weights: WeightArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let codebook = &survey.codebook;
    let find = |id: &str| {
        codebook.question_index(id).ok_or_else(|| {
            anyhow::anyhow!(
                "question {id} is not in the codebook {}",
                codebook.path.display()
            )
        })
    };
    let (a, b) = (find(&args.a)?, find(&args.b)?);
    let scope = Scope::new(codebook, &[], &[], &args.wave)?;
    let store = ctx.store()?;
    let data = store.load(codebook)?;
    let mut data = scope.select(&data);
    args.weights.apply(&mut data)?;
    let tables = match crosstab(&survey, &data, a, b, args.percent, codebook.privacy.min_cell) {
        Ok(tables) => tables,
        Err(CrosstabError::NotCategorical(id)) => {
            bail!("{id} is not a categorical question; expected a single, yes/no, rating or select-all question")
        }
        Err(CrosstabError::TwoSelectAll) => bail!(
            "{} and {} are both select-all questions; cross one of them with a single-choice, yes/no or rating question",
            args.a,
            args.b
        ),
        Err(CrosstabError::TwoEquityFields) => bail!(
            "{} and {} are both equity-module questions; they are never crossed with each other (privacy). Cross one with an outcome question instead",
            args.a,
            args.b
        ),
    };
    let heading = format!(
        "Cross-tabulation of {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
