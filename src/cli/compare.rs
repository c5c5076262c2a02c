//! `mctrack compare`: group comparisons with tests, effect sizes and adjusted p-values.

use anyhow::bail;

use super::{check_level, Context, OutputArgs, Scope, WeightArgs};
use crate::analysis::compare::{compare, Adjust};
use clap::ValueEnum;

use crate::analysis::summary::{GroupBy, Grouping};
use crate::codebook::{QuestionKind, Survey};
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
    /// The groups to compare: pilot, role, wave, round, or the id of a single-choice or
    /// yes/no question (a demographic such as D02).
    #[arg(long)]
    by: String,
    /// Only these roles.
    #[arg(long, value_delimiter = ',')]
    role: Vec<String>,
    /// Only these waves.
    #[arg(long, value_delimiter = ',')]
    wave: Vec<String>,
    /// How p-values are adjusted for the number of tests.
    #[arg(long, value_enum, default_value_t = Adjust::Holm)]
    adjust: Adjust,
    /// Confidence level of the differences' intervals.
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
    let mut data = Scope::new(codebook, &args.role, &[], &args.wave)?.select(&data);
    args.weights.apply(&mut data)?;
    check_level(args.level)?;
    let by = grouping(&survey, &args.by, &questions)?;
    let tables = compare(
        &survey,
        &data,
        &questions,
        by,
        codebook.privacy.min_cell,
        args.adjust,
        args.level,
    );
    let heading = format!(
        "Comparison of {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}

/// `--by`: an attribute name, or a single-choice or yes/no question that does not share a
/// module with a compared question (two equity fields are never crossed).
fn grouping(survey: &Survey, by: &str, questions: &[usize]) -> anyhow::Result<Grouping> {
    if let Ok(attribute) = GroupBy::from_str(by, true) {
        return Ok(Grouping::Attribute(attribute));
    }
    let codebook = &survey.codebook;
    let Some(g) = codebook.question_index(by) else {
        bail!("--by {by}: expected pilot, role, wave, round or a question id from the codebook");
    };
    let group = &codebook.questions[g];
    if !matches!(group.kind, QuestionKind::Single | QuestionKind::YesNo) {
        bail!(
            "--by {by}: {} is a {} question; groups come from a single-choice or yes/no question",
            group.id,
            group.kind.name()
        );
    }
    for &q in questions {
        let question = &codebook.questions[q];
        if q == g {
            bail!("--by {by}: a question cannot be compared across its own answers");
        }
        if group.module.is_some() && group.module == question.module {
            bail!(
                "--by {by}: {} and {} are both {} fields; they are never crossed, so that no respondent can be singled out",
                group.id,
                question.id,
                group.module.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(Grouping::Question(g))
}
