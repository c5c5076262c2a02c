//! Header and value mapping: which codebook question or metadata field each column holds, and
//! which code each cell means. Built once per codebook, then used for every row.

use std::collections::HashMap;

use crate::codebook::text::{identifier_key, normalize};
use crate::codebook::{Codebook, Question, QuestionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetaField {
    RespondentId,
    Pilot,
    Wave,
    Role,
    Submitted,
    Weight,
}

impl MetaField {
    pub fn name(self) -> &'static str {
        match self {
            MetaField::RespondentId => "respondent id",
            MetaField::Pilot => "pilot",
            MetaField::Wave => "wave",
            MetaField::Role => "role",
            MetaField::Submitted => "submitted date",
            MetaField::Weight => "weight",
        }
    }
}

/// Platform data-quality fields that are kept with each response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityField {
    Started,
    Ended,
    DurationSeconds,
    Progress,
    Finished,
}

/// What one column of an export holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnTarget {
    Meta(MetaField),
    Quality(QualityField),
    /// A whole question, by index into the codebook's questions.
    Question(usize),
    /// One option of a single or multi question spread over one column per option: 0/1,
    /// TRUE/FALSE, or the option's own label when chosen (`L07__exam_quiz`, `Q [Option]`).
    Choice {
        question: usize,
        option: usize,
    },
    /// A column that identifies a person: dropped, never read past the header.
    Identifier,
    /// A column deliberately not read, and why.
    Ignored(String),
    Unknown,
}

/// Maps header names to targets by id, `ID_slug`, alias or normalised question text.
pub struct HeaderMap {
    by_key: HashMap<String, ColumnTarget>,
    question_ids: HashMap<String, usize>,
    drop_keys: Vec<String>,
    /// The drop list as word sequences, for headers that mention an identifier.
    drop_phrases: Vec<Vec<String>>,
}

impl HeaderMap {
    pub fn new(codebook: &Codebook) -> HeaderMap {
        let mut by_key = HashMap::new();
        let m = &codebook.metadata;
        let mut meta = vec![
            (MetaField::RespondentId, &m.respondent_id),
            (MetaField::Pilot, &m.pilot),
            (MetaField::Wave, &m.wave),
            (MetaField::Role, &m.role),
            (MetaField::Submitted, &m.submitted),
        ];
        if let Some(w) = &m.weight {
            meta.push((MetaField::Weight, w));
        }
        // Question text and aliases first, so that metadata names and ids win a clash.
        let mut question_ids = HashMap::new();
        for (i, q) in codebook.questions.iter().enumerate() {
            by_key.insert(normalize(&q.text), ColumnTarget::Question(i));
            for alias in &q.aliases {
                by_key.insert(normalize(alias), ColumnTarget::Question(i));
            }
            question_ids.insert(normalize(&q.id), i);
        }
        for (field, column) in meta {
            by_key.insert(normalize(&column.column), ColumnTarget::Meta(field));
            for alias in &column.aliases {
                by_key.insert(normalize(alias), ColumnTarget::Meta(field));
            }
        }
        for (id, i) in &question_ids {
            by_key.insert(id.clone(), ColumnTarget::Question(*i));
        }
        HeaderMap {
            by_key,
            question_ids,
            drop_keys: codebook
                .privacy
                .drop_columns
                .iter()
                .map(|c| identifier_key(c))
                .collect(),
            drop_phrases: codebook
                .privacy
                .drop_columns
                .iter()
                .map(|c| {
                    c.split(|ch: char| !ch.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(|w| w.to_lowercase())
                        .collect()
                })
                .collect(),
        }
    }

    /// Whether `header` names an identifier column of the codebook's drop list.
    pub fn is_identifier(&self, header: &str) -> bool {
        self.drop_keys.contains(&identifier_key(header))
    }

    /// Whether `header` contains a drop-list name as whole words ("your address [Street]").
    pub fn mentions_identifier(&self, header: &str) -> bool {
        let words: Vec<String> = header
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect();
        self.drop_phrases.iter().any(|phrase| {
            !phrase.is_empty()
                && words
                    .windows(phrase.len())
                    .any(|window| window == phrase.as_slice())
        })
    }

    pub fn target(&self, codebook: &Codebook, header: &str) -> ColumnTarget {
        let key = normalize(header);
        if let Some(t) = self.by_key.get(&key) {
            return t.clone();
        }
        if self.is_identifier(header) {
            return ColumnTarget::Identifier;
        }
        // One-hot multi-select columns: `L07__exam_quiz`.
        if let Some((id, code)) = key.split_once("__") {
            if let Some(&q) = self.question_ids.get(id) {
                let question = &codebook.questions[q];
                if question.kind == QuestionKind::Multi {
                    if let Some(option) = question
                        .options
                        .iter()
                        .position(|o| normalize(&o.code) == code)
                    {
                        return ColumnTarget::Choice {
                            question: q,
                            option,
                        };
                    }
                }
            }
        }
        // `L06_skills_in_demand`: the id before the first underscore.
        if let Some((id, _slug)) = key.split_once('_') {
            if let Some(&q) = self.question_ids.get(id) {
                return ColumnTarget::Question(q);
            }
        }
        ColumnTarget::Unknown
    }
}

/// One cell, understood.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Missing,
    /// A 1-based level of a likert scale, option of a single question, or 1 = no, 2 = yes.
    Level(u8),
    /// Multi-select: bit k set when option k was chosen.
    Choices(u64),
    Number(f64),
    Text(String),
}

/// Why a cell could not be understood: what was expected instead.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError {
    /// The part of the cell at fault (one choice of a multi-select, or the whole cell).
    pub value: String,
    pub expected: String,
}

/// The key answers are matched by: normalised text with "_" read as a space, so that an XML
/// choice name such as `very_satisfied` (KoboToolbox, ODK) finds the label "Very satisfied".
fn value_key(raw: &str) -> String {
    normalize(raw).replace('_', " ")
}

/// Value lookup for one question: normalised code or label to level.
pub struct ValueMap {
    levels: HashMap<String, u8>,
    missing: Vec<String>,
    expected: String,
}

const YES: [&str; 5] = ["yes", "y", "1", "true", "oui"];
const NO: [&str; 5] = ["no", "n", "0", "false", "non"];

impl ValueMap {
    pub fn new(codebook: &Codebook, question: &Question) -> ValueMap {
        let mut levels = HashMap::new();
        let mut missing: Vec<String> = codebook.missing.iter().map(|m| value_key(m)).collect();
        let expected = match question.kind {
            QuestionKind::Likert => {
                let scale = codebook
                    .scale_of(question)
                    .expect("likert questions have a scale");
                for (i, level) in scale.levels.iter().enumerate() {
                    levels.insert(level.code.to_string(), (i + 1) as u8);
                    levels.insert(value_key(&level.label), (i + 1) as u8);
                }
                missing.extend(scale.missing.iter().map(|m| value_key(m)));
                let (first, last) = (&scale.levels[0], &scale.levels[scale.levels.len() - 1]);
                format!(
                    "a code from {} to {} or a label ({} … {}), or a missing code such as N/A",
                    first.code, last.code, first.label, last.label
                )
            }
            QuestionKind::Single | QuestionKind::Multi => {
                for (i, option) in question.options.iter().enumerate() {
                    levels.insert(value_key(&option.code), (i + 1) as u8);
                    levels.insert(value_key(&option.label), (i + 1) as u8);
                }
                let codes: Vec<&str> = question.options.iter().map(|o| o.code.as_str()).collect();
                if question.kind == QuestionKind::Multi {
                    format!(
                        "option codes or labels of {} separated by \";\" ({})",
                        question.id,
                        codes.join(", ")
                    )
                } else {
                    format!(
                        "one option code or label of {} ({})",
                        question.id,
                        codes.join(", ")
                    )
                }
            }
            QuestionKind::YesNo => {
                for no in NO {
                    levels.insert(no.to_string(), 1);
                }
                for yes in YES {
                    levels.insert(yes.to_string(), 2);
                }
                "yes or no (also y/n, 1/0, true/false)".into()
            }
            QuestionKind::Numeric => match (question.min, question.max) {
                (Some(lo), Some(hi)) => format!("a number from {lo} to {hi}"),
                (Some(lo), None) => format!("a number of at least {lo}"),
                (None, Some(hi)) => format!("a number of at most {hi}"),
                (None, None) => "a number".into(),
            },
            QuestionKind::Text => String::new(),
        };
        ValueMap {
            levels,
            missing,
            expected,
        }
    }

    fn is_missing(&self, key: &str) -> bool {
        self.missing.iter().any(|m| m == key)
    }

    /// The 1-based option a label or code names, if any.
    pub fn option(&self, raw: &str) -> Option<u8> {
        self.levels.get(&value_key(raw)).copied()
    }

    /// Understands one cell of `question`; multi-select answers are split on `separators`.
    pub fn parse(
        &self,
        question: &Question,
        raw: &str,
        separators: &[&str],
    ) -> Result<Answer, ValueError> {
        let trimmed = raw.trim();
        let error = |value: &str| ValueError {
            value: value.to_string(),
            expected: self.expected.clone(),
        };
        match question.kind {
            QuestionKind::Text => Ok(if trimmed.is_empty() {
                Answer::Missing
            } else {
                Answer::Text(trimmed.to_string())
            }),
            QuestionKind::Numeric => {
                let key = value_key(trimmed);
                if self.is_missing(&key) {
                    return Ok(Answer::Missing);
                }
                let value: f64 = trimmed.parse().map_err(|_| error(raw))?;
                let in_range = value.is_finite()
                    && question.min.is_none_or(|lo| value >= lo)
                    && question.max.is_none_or(|hi| value <= hi);
                if in_range {
                    Ok(Answer::Number(value))
                } else {
                    Err(error(raw))
                }
            }
            QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo => {
                let key = value_key(trimmed);
                if let Some(level) = self.level(&key) {
                    return Ok(Answer::Level(level));
                }
                if self.is_missing(&key) {
                    return Ok(Answer::Missing);
                }
                Err(error(raw))
            }
            QuestionKind::Multi => {
                let key = value_key(trimmed);
                if self.is_missing(&key) {
                    return Ok(Answer::Missing);
                }
                let set = self
                    .split_choices(trimmed, separators)
                    .map_err(|part| error(&part))?;
                check_choices(question, set)?;
                Ok(if set == 0 {
                    Answer::Missing
                } else {
                    Answer::Choices(set)
                })
            }
        }
    }

    /// The options of a multi-select cell. Options are matched longest first, so a label that
    /// itself contains the separator ("Yes, and some extracellular space") is one option.
    /// Returns the first part that is no option.
    fn split_choices(&self, cell: &str, separators: &[&str]) -> Result<u64, String> {
        let mut first_error = None;
        for separator in separators.iter().chain(&[";"]) {
            match self.segment(cell, separator) {
                Ok(set) => return Ok(set),
                Err(part) => {
                    first_error.get_or_insert(part);
                }
            }
        }
        Err(first_error.unwrap_or_default())
    }

    /// Splits on the separator (its non-space part), then joins neighbouring parts back while a
    /// longer run still names an option.
    fn segment(&self, cell: &str, separator: &str) -> Result<u64, String> {
        let split_on = if separator.trim().is_empty() {
            separator
        } else {
            separator.trim()
        };
        let parts: Vec<&str> = cell.split(split_on).collect();
        let mut set = 0u64;
        let mut i = 0;
        while i < parts.len() {
            if parts[i].trim().is_empty() {
                i += 1;
                continue;
            }
            let longest = (i..parts.len()).rev().find_map(|j| {
                self.option(&parts[i..=j].join(split_on))
                    .map(|level| (j, level))
            });
            match longest {
                Some((j, level)) => {
                    set |= 1 << (level - 1);
                    i = j + 1;
                }
                None => return Err(parts[i].trim().to_string()),
            }
        }
        Ok(set)
    }

    /// Likert codes written as "4.0" by a spreadsheet still mean level 4.
    fn level(&self, key: &str) -> Option<u8> {
        if let Some(level) = self.levels.get(key) {
            return Some(*level);
        }
        let number: f64 = key.parse().ok()?;
        if number.fract() == 0.0 && number.abs() < 1e9 {
            self.levels.get(&(number as i64).to_string()).copied()
        } else {
            None
        }
    }
}

/// Checks the codebook's limits on a multi-select answer: the most choices, and exclusive
/// options ("prefer not to answer") chosen alone.
pub fn check_choices(question: &Question, set: u64) -> Result<(), ValueError> {
    let count = set.count_ones() as usize;
    if let Some(max) = question.max_choices {
        if count > max {
            return Err(ValueError {
                value: format!("{count} choices"),
                expected: format!("at most {max} choices for {}", question.id),
            });
        }
    }
    if count > 1 {
        if let Some(o) = question
            .options
            .iter()
            .enumerate()
            .find(|(i, o)| o.exclusive && set & (1 << i) != 0)
            .map(|(_, o)| o)
        {
            return Err(ValueError {
                value: format!("{} with other choices", o.code),
                expected: format!("\"{}\" alone, not combined with other choices", o.label),
            });
        }
    }
    Ok(())
}

/// Understands a cell of a one-column-per-option field: 1/0, TRUE/FALSE, yes/no, or the
/// option's own label or code when chosen (SurveyMonkey) and empty when not.
pub fn parse_flag(raw: &str, option: &crate::codebook::Choice) -> Result<bool, ValueError> {
    let key = value_key(raw);
    if key.is_empty() || NO.contains(&key.as_str()) {
        Ok(false)
    } else if YES.contains(&key.as_str())
        || key == value_key(&option.label)
        || key == value_key(&option.code)
    {
        Ok(true)
    } else {
        Err(ValueError {
            value: raw.to_string(),
            expected: format!(
                "1 or 0 (also TRUE/FALSE, yes/no), or the option's label \"{}\" when chosen",
                option.label
            ),
        })
    }
}
