//! The recommendations file: the eight recommendations verbatim, each with indicators that
//! say which question measures it, how, and what value counts as on target.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::load::line_of;
use super::{Codebook, QuestionKind};
use crate::error::{Error, Result};

/// The shipped recommendations, used when a workspace has none and by `mctrack init`.
pub const DEFAULT_RECOMMENDATIONS: &str = include_str!("../../surveys/recommendations.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Mean,
    Median,
    Top2,
    Bottom2,
    ShareYes,
    ShareOption,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub question: String,
    pub measure: Measure,
    /// The option whose share is measured, for `share_option`.
    pub option: Option<String>,
    pub target: f64,
    pub direction: Direction,
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: String,
    pub short_name: String,
    pub text: String,
    /// The report the recommendation comes from, for citations.
    pub source: String,
    pub indicators: Vec<Indicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: String,
    recommendations: Vec<RawRecommendation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecommendation {
    id: Spanned<String>,
    short_name: String,
    text: String,
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    question: String,
    measure: Measure,
    option: Option<String>,
    target: f64,
    direction: Direction,
}

pub fn load_recommendations(
    path: &Path,
    codebook: &Codebook,
    strict: bool,
) -> Result<Vec<Recommendation>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_recommendations(path, &text, codebook, strict)
}

/// Parses the recommendations and checks each indicator against the codebook: the question
/// exists and the measure suits its type. With `strict` off, indicators on questions the
/// codebook lacks are left out instead: that is how the workspace's recommendations serve a
/// codebook given with `--codebook` for one platform export.
pub fn parse_recommendations(
    path: &Path,
    text: &str,
    codebook: &Codebook,
    strict: bool,
) -> Result<Vec<Recommendation>> {
    let at = |span: std::ops::Range<usize>, message: String| Error::Definition {
        path: path.to_path_buf(),
        line: line_of(text, span.start),
        message,
    };
    let raw: RawFile = super::parse_toml(path, text)?;
    let mut out: Vec<Recommendation> = Vec::new();
    for r in raw.recommendations {
        let id = r.id.get_ref().trim().to_string();
        if id.is_empty() || out.iter().any(|o| o.id.eq_ignore_ascii_case(&id)) {
            return Err(at(
                r.id.span(),
                format!("recommendation id \"{id}\" is empty or used twice; expected a unique id such as \"R1\""),
            ));
        }
        let mut indicators = Vec::new();
        for spanned in r.indicators {
            let span = spanned.span();
            let ind = spanned.into_inner();
            let question = codebook
                .question_index(&ind.question)
                .map(|i| &codebook.questions[i]);
            let Some(question) = question else {
                if !strict {
                    continue;
                }
                return Err(at(
                    span,
                    format!(
                        "{id}: indicator question {} is not in the codebook; expected a question id such as L06",
                        ind.question
                    ),
                ));
            };
            let fits = match ind.measure {
                Measure::Mean | Measure::Median => {
                    matches!(question.kind, QuestionKind::Likert | QuestionKind::Numeric)
                }
                Measure::Top2 | Measure::Bottom2 => question.kind == QuestionKind::Likert,
                Measure::ShareYes => question.kind == QuestionKind::YesNo,
                Measure::ShareOption => {
                    matches!(question.kind, QuestionKind::Single | QuestionKind::Multi)
                }
            };
            if !fits {
                return Err(at(
                    span,
                    format!(
                        "{id}: measure {:?} does not suit {} question {}; expected mean/median for likert or numeric, top2/bottom2 for likert, share_yes for yesno, share_option for single or multi",
                        ind.measure,
                        question.kind.name(),
                        question.id
                    ),
                ));
            }
            if ind.measure == Measure::ShareOption {
                let known = ind
                    .option
                    .as_deref()
                    .is_some_and(|o| question.options.iter().any(|c| c.code == o));
                if !known {
                    return Err(at(
                        span,
                        format!(
                            "{id}: share_option on {} needs option = one of: {}",
                            question.id,
                            question
                                .options
                                .iter()
                                .map(|c| c.code.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            indicators.push(Indicator {
                question: question.id.clone(),
                measure: ind.measure,
                option: ind.option,
                target: ind.target,
                direction: ind.direction,
            });
        }
        out.push(Recommendation {
            id,
            short_name: r.short_name,
            text: r.text,
            source: raw.source.clone(),
            indicators,
        });
    }
    for q in &codebook.questions {
        for tag in &q.recs {
            if !out.iter().any(|r| r.id == *tag) {
                return Err(Error::Definition {
                    path: codebook.path.clone(),
                    line: q.line,
                    message: format!(
                        "question {} is tagged {tag}, which is not a recommendation; expected one of: {}",
                        q.id,
                        out.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
    }
    Ok(out)
}
