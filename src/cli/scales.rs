//! `mctrack scales`: reliability of rating scales.

use anyhow::bail;

use super::{check_level, Context, OutputArgs};
use crate::analysis::scales::{default_sets, scales, ItemSet};
use crate::ingest;
use crate::stats::reliability::Deletion;

/// Cronbach's alpha, with alpha if an item is dropped and item-rest correlations, for each
/// role's rating items and each recommendation's, or for the items you name. Reverse-coded items
/// (codebook `reverse = true`) are turned round first.
///
/// Example: mctrack scales --items L06,L08,L09,L10,L14 --role learner
#[derive(clap::Args)]
pub struct Args {
    /// An item set of your own (rating question ids), instead of the default sets.
    #[arg(long, value_delimiter = ',')]
    items: Vec<String>,
    /// The role whose answers make up --items [default: the first role asked every item].
    #[arg(long)]
    role: Option<String>,
    /// Use each pair of items' common respondents (pairwise deletion) instead of only
    /// respondents who answered every item.
    #[arg(long)]
    pairwise: bool,
    /// Confidence level of alpha's interval.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let codebook = &survey.codebook;
    check_level(args.level)?;
    let store = ctx.store()?;
    let data = store.load(codebook)?;
    let sets = if args.items.is_empty() {
        default_sets(&survey)
    } else {
        let mut items = Vec::new();
        for id in &args.items {
            match codebook.question_index(id) {
                Some(q) if codebook.questions[q].scale.is_some() => items.push(q),
                Some(_) => bail!("{id} is not a rating (likert) question"),
                None => bail!("question {id} is not in the codebook"),
            }
        }
        let role = match &args.role {
            Some(r) => codebook.role_index(r).ok_or_else(|| {
                anyhow::anyhow!(
                    "role {r} is unknown; expected one of {}",
                    codebook.roles.join(", ")
                )
            })?,
            None => (0..codebook.roles.len())
                .find(|r| {
                    items
                        .iter()
                        .all(|&q| codebook.questions[q].roles.contains(r))
                })
                .ok_or_else(|| {
                    anyhow::anyhow!("no role is asked all of these items; name one with --role")
                })?,
        };
        vec![ItemSet {
            name: args.items.join(", "),
            role,
            items,
        }]
    };
    let deletion = if args.pairwise {
        Deletion::Pairwise
    } else {
        Deletion::Listwise
    };
    let tables = scales(&survey, &data, &sets, deletion, args.level);
    let heading = format!(
        "Scale reliability, {} responses (store {})",
        data.len(),
        ingest::display_path(store.path())
    );
    args.out.emit(&heading, &tables)?;
    Ok(0)
}
