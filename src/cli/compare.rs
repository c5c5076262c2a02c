//! `mctrack compare`: group comparisons with tests, effect sizes and adjusted p-values.

use anyhow::bail;

use super::{Context, OutputArgs, WeightArgs};
use crate::analysis::compare::{compare, Adjust};
use crate::analysis::summary::GroupBy;
use crate::ingest;

/// Compare groups on one or more questions: Kruskal-Wallis or Mann-Whitney for ratings,
/// chi-square (Fisher's exact for small 2x2 tables) for choices, with effect sizes and p-values
/// adjusted across every test shown. Groups below the minimum cell size are left out.
///
/// Example: mctrack compare L08 L14 --by pilot --role learner
#[derive(clap::Args)]
pub struct Args {
    /// Question ids to compare; with --rec, every question of those recommendations.
    questions: Vec<String>,
    /// Compare the questions of these recommendations.
    #[arg(short, long, value_delimiter = ',')]
    rec: Vec<String>,
    /// The groups to compare.
    #[arg(long, value_enum)]
    by: GroupBy,
    /// Only these roles.
    #[arg(long, value_delimiter = ',')]
    role: Vec<String>,
    /// Only these waves.
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    /// How p-values are adjusted for the number of tests.
    #[arg(long, value_enum, default_value_t = Adjust::Holm)]
    adjust: Adjust,
    #[command(flatten)]
    weights: WeightArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let codebook = &survey.codebook;
    let store = ctx.store()?;
    let data = store.load(codebook)?;
    let mut questions = Vec::new();
    for id in &args.questions {
        match codebook.question_index(id) {
            Some(q) => questions.push(q),
            None => bail!(
                "question {id} is not in the codebook {}",
                codebook.path.display()
            ),
        }
    }
    let tagged = survey.questions_by_recommendation();
    for id in &args.rec {
        let Some(rec) = survey.recommendation(id) else {
            bail!("recommendation {id} is unknown");
        };
        questions.extend(tagged.get(&rec.id).into_iter().flatten().copied());
    }
    questions.dedup();
    if questions.is_empty() {
        bail!("name the questions to compare, or --rec R1..R8");
    }
    let lookup = |values: &[String], find: &dyn Fn(&str) -> Option<usize>, what: &str| {
        values
            .iter()
            .map(|v| find(v).ok_or_else(|| anyhow::anyhow!("{what} {v} is unknown")))
            .collect::<anyhow::Result<Vec<usize>>>()
    };
    let roles = lookup(&args.role, &|v| codebook.role_index(v), "role")?;
    let waves = lookup(&args.wave, &|v| codebook.wave_index(v), "wave")?;
    let mut data = data.filter(|i| {
        (roles.is_empty() || roles.contains(&(data.role[i] as usize)))
            && (waves.is_empty() || waves.contains(&(data.wave[i] as usize)))
    });
    args.weights.apply(&mut data)?;
    let tables = compare(
        &survey,
        &data,
        &questions,
        args.by,
        codebook.privacy.min_cell,
        args.adjust,
    );
    let heading = format!(
        "Comparison of {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
