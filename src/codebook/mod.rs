//! The survey definition: codebook (scales, questions, metadata columns, privacy), the
//! recommendations with their indicators, and the pilots. Loaded from the workspace's TOML and
//! CSV files and validated together, so that a tag or indicator that names a question that does
//! not exist is caught with its line before any data is read.

mod load;
mod pilots;
mod recommendations;
pub mod text;

use std::collections::HashMap;
use std::path::PathBuf;

pub(crate) use load::parse_toml;
pub use load::{load_codebook, parse_codebook};
pub use pilots::{load_pilots, parse_pilots, Pilot};
pub use recommendations::{
    load_recommendations, parse_recommendations, Direction, Indicator, Measure, Recommendation,
    DEFAULT_RECOMMENDATIONS,
};

/// The shipped codebook, used by `mctrack init` to seed a new workspace.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../surveys/codebook.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Likert,
    Single,
    Multi,
    Numeric,
    YesNo,
    Text,
}

impl QuestionKind {
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Likert => "likert",
            QuestionKind::Single => "single",
            QuestionKind::Multi => "multi",
            QuestionKind::Numeric => "numeric",
            QuestionKind::YesNo => "yesno",
            QuestionKind::Text => "text",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Level {
    pub code: i64,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Scale {
    pub id: String,
    /// Ordered from lowest to highest agreement.
    pub levels: Vec<Level>,
    /// How many levels at each end make the top-box and bottom-box shares.
    pub top_box: usize,
    /// Labels that mean "no answer" for this scale only, normalised.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// A multi-select option that cannot be combined with others ("prefer not to answer").
    pub exclusive: bool,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Index into `Codebook::scales`, for likert questions.
    pub scale: Option<usize>,
    /// Options of single and multi questions.
    pub options: Vec<Choice>,
    /// Indices into `Codebook::roles` of the roles asked this question.
    pub roles: Vec<usize>,
    /// Indices into `Codebook::waves` where the question is asked; empty means every wave.
    pub waves: Vec<usize>,
    pub recs: Vec<String>,
    /// eCampusOntario Principles and Framework codes.
    pub pf: Vec<String>,
    pub aliases: Vec<String>,
    /// Reverse-coded likert item: high codes mean disagreement with the construct.
    pub reverse: bool,
    /// Optional module such as "equity"; module answers may be gated by consent.
    pub module: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub max_choices: Option<usize>,
    /// Changes between waves that make earlier and later answers incomparable, in wave order.
    pub changes: Vec<QuestionChange>,
    /// Line of the question's id in the codebook file, for messages.
    pub line: usize,
}

/// A question's wording, scale or options changed from `wave` on: answers before and after
/// measure different things, so no trend may span the change.
#[derive(Debug, Clone)]
pub struct QuestionChange {
    /// Index into `Codebook::waves`; never the first wave.
    pub wave: usize,
    pub what: ChangeKind,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Wording,
    Scale,
    Options,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Wording => "wording",
            ChangeKind::Scale => "scale",
            ChangeKind::Options => "options",
        }
    }
}

/// A metadata column and the other header names it may appear under.
#[derive(Debug, Clone)]
pub struct MetaColumn {
    pub column: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Metadata {
    pub respondent_id: MetaColumn,
    pub pilot: MetaColumn,
    pub wave: MetaColumn,
    pub role: MetaColumn,
    pub submitted: MetaColumn,
    pub weight: Option<MetaColumn>,
}

#[derive(Debug, Clone)]
pub struct Privacy {
    pub min_cell: u64,
    /// Identifier column names, as written in the codebook.
    pub drop_columns: Vec<String>,
}

/// A module whose answers count only with consent.
#[derive(Debug, Clone)]
pub struct ConsentGate {
    pub module: String,
    /// Index of the yes/no consent question.
    pub question: usize,
}

#[derive(Debug, Clone)]
pub struct Codebook {
    pub path: PathBuf,
    pub title: String,
    pub version: String,
    pub privacy: Privacy,
    pub metadata: Metadata,
    pub roles: Vec<String>,
    pub waves: Vec<String>,
    /// Answers meaning "no answer" for every question, normalised.
    pub missing: Vec<String>,
    pub scales: Vec<Scale>,
    pub questions: Vec<Question>,
    pub consent_gates: Vec<ConsentGate>,
}

/// Labels of the two yes/no levels, in code order (no = 0, yes = 1).
pub const YES_NO_LABELS: [&str; 2] = ["No", "Yes"];

impl Codebook {
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions
            .iter()
            .position(|q| q.id.eq_ignore_ascii_case(id))
    }

    pub fn scale_of(&self, question: &Question) -> Option<&Scale> {
        question.scale.map(|s| &self.scales[s])
    }

    /// The labels of a categorical question's levels in code order, or empty for numeric and
    /// text questions.
    pub fn level_labels(&self, question: &Question) -> Vec<String> {
        match question.kind {
            QuestionKind::Likert => self
                .scale_of(question)
                .map(|s| s.levels.iter().map(|l| l.label.clone()).collect())
                .unwrap_or_default(),
            QuestionKind::Single | QuestionKind::Multi => {
                question.options.iter().map(|o| o.label.clone()).collect()
            }
            QuestionKind::YesNo => YES_NO_LABELS.iter().map(|s| s.to_string()).collect(),
            QuestionKind::Numeric | QuestionKind::Text => Vec::new(),
        }
    }

    pub fn role_index(&self, value: &str) -> Option<usize> {
        lookup_slug(&self.roles, value)
    }

    pub fn wave_index(&self, value: &str) -> Option<usize> {
        lookup_slug(&self.waves, value)
    }
}

/// Matches "Project lead", "project-lead" and "PROJECT_LEAD" to `project_lead`.
fn lookup_slug(values: &[String], raw: &str) -> Option<usize> {
    let slug: String = text::normalize(raw)
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    values.iter().position(|v| v.eq_ignore_ascii_case(&slug))
}

/// Everything a survey is checked and analysed against: codebook, recommendations, pilots.
#[derive(Debug, Clone)]
pub struct Survey {
    pub codebook: Codebook,
    pub recommendations: Vec<Recommendation>,
    /// Empty when no pilots file is available; pilot ids are then not checked.
    pub pilots: Vec<Pilot>,
}

impl Survey {
    pub fn pilot(&self, id: &str) -> Option<&Pilot> {
        self.pilots.iter().find(|p| p.id.eq_ignore_ascii_case(id))
    }

    pub fn recommendation(&self, id: &str) -> Option<&Recommendation> {
        self.recommendations
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id) || r.short_name.eq_ignore_ascii_case(id))
    }

    /// Question indices tagged with each recommendation, in codebook order.
    pub fn questions_by_recommendation(&self) -> HashMap<String, Vec<usize>> {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, q) in self.codebook.questions.iter().enumerate() {
            for rec in &q.recs {
                map.entry(rec.clone()).or_default().push(i);
            }
        }
        map
    }
}
