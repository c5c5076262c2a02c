//! The distribution of rating answers over a scale's levels, per question and role: what a
//! diverging stacked bar chart draws. Weighted when the data are, suppressed below the minimum
//! cell size.

use crate::codebook::{QuestionKind, Survey};
use crate::dataset::{Column, Dataset};

use super::tally::{suppressed_groups, Tally};

/// A role's answers to one question, and how many of the role were asked it.
type RoleTally = (usize, Tally, u64);

/// One question's answers from one role.
#[derive(Debug, Clone)]
pub struct LevelShares {
    pub question: String,
    pub text: String,
    pub role: String,
    /// Respondents who gave a rating.
    pub n: u64,
    /// Percent at each level, lowest first; they add up to 100.
    pub percents: Vec<f64>,
    /// Missing codes and blanks, as a percentage of those asked.
    pub missing_percent: f64,
    /// Percent in the top-box levels, for sorting.
    pub top_percent: f64,
}

/// The level labels of the scale shared by `questions`, and each question's shares per role,
/// for the rating questions among `questions` on the first question's scale. Groups below
/// `min_cell` answers are left out, with the next smallest when one alone is.
pub fn level_shares(
    survey: &Survey,
    data: &Dataset,
    questions: &[usize],
    min_cell: u64,
) -> (Vec<String>, Vec<LevelShares>) {
    let codebook = &survey.codebook;
    let Some(scale_index) = questions.iter().find_map(|&q| codebook.questions[q].scale) else {
        return (Vec::new(), Vec::new());
    };
    let scale = &codebook.scales[scale_index];
    let k = scale.levels.len();
    // Per question, each role's tally and how many were asked; then a role is left out when
    // it is small, or when it is the next smallest beside a lone small one (the question's
    // total elsewhere in the report would give that one away).
    let mut per_question: Vec<(usize, Vec<RoleTally>)> = Vec::new();
    for &q in questions {
        let question = &codebook.questions[q];
        let Column::Levels(levels) = &data.columns[q] else {
            continue;
        };
        if question.kind != QuestionKind::Likert || question.scale != Some(scale_index) {
            continue;
        }
        let mut roles = Vec::new();
        for r in (0..codebook.roles.len()).filter(|r| question.roles.contains(r)) {
            let mut tally = Tally::new(k, data.weight.is_some());
            let mut asked = 0u64;
            for i in (0..data.len())
                .filter(|&i| data.role[i] as usize == r && data.asked(question, q, i))
            {
                asked += 1;
                if levels[i] != 0 {
                    tally.add(data, i, levels[i] as usize - 1);
                }
            }
            if asked > 0 {
                roles.push((r, tally, asked));
            }
        }
        per_question.push((q, roles));
    }
    let mut out = Vec::new();
    for (r, role) in codebook.roles.iter().enumerate() {
        for (q, roles) in &per_question {
            let bases: Vec<(usize, u64)> = roles.iter().map(|(r, t, _)| (*r, t.n())).collect();
            let hidden = suppressed_groups(&bases, min_cell);
            let Some((_, tally, asked)) = roles.iter().find(|(x, _, _)| *x == r) else {
                continue;
            };
            if hidden.contains(&r) {
                continue;
            }
            let question = &codebook.questions[*q];
            out.push(LevelShares {
                question: question.id.clone(),
                text: question.text.clone(),
                role: role.clone(),
                n: tally.n(),
                percents: (0..k)
                    .map(|l| tally.percent_of(l..l + 1).unwrap_or(0.0))
                    .collect(),
                missing_percent: (asked - tally.n()) as f64 * 100.0 / *asked as f64,
                top_percent: tally.percent_of(k - scale.top_box..k).unwrap_or(0.0),
            });
        }
    }
    (scale.levels.iter().map(|l| l.label.clone()).collect(), out)
}
