//! Mapping files (`--map FILE.toml`): for exports whose headers are free question text, or in
//! another language, and for the pilot, wave and role that a platform export does not carry.
//! Saved per pilot, one serves every wave of that pilot's survey.
//!
//! ```toml
//! [defaults]            # metadata the export lacks
//! pilot = "P07"
//! wave = "exit"
//! role = "learner"
//!
//! [columns]             # header (any header row, any case) = target
//! "Q1" = "L06"                          # a question
//! "Q2_1" = "L07:project_portfolio"      # one option's column of a select-all question
//! "Duration (in seconds)" = "ignore"
//! "Respondent" = "respondent_id"        # or pilot, wave, role, submitted
//!
//! [values.L06]          # answer labels the codebook does not know = a code or label it does
//! "Tout à fait d'accord" = "5"
//!
//! [options]
//! unmapped = "ignore"   # columns neither the codebook nor this file maps are skipped (and
//!                       # listed by `inspect`) instead of rejecting the file
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::mapping::{ColumnTarget, MetaField};
use crate::codebook::text::normalize;
use crate::codebook::Codebook;
use crate::error::{Error, Result};

/// Metadata values given on the command line or in a mapping file, for exports without them.
#[derive(Debug, Clone, Default)]
pub struct MetaDefaults {
    pub pilot: Option<String>,
    pub wave: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub path: PathBuf,
    pub defaults: MetaDefaults,
    /// Normalised header -> target.
    columns: HashMap<String, ColumnTarget>,
    /// Question index -> normalised label -> replacement text.
    values: HashMap<usize, HashMap<String, String>>,
    /// Skip columns nothing maps, rather than reject the file.
    pub ignore_unmapped: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    columns: HashMap<String, String>,
    #[serde(default)]
    values: HashMap<String, HashMap<String, toml::Value>>,
    #[serde(default)]
    options: RawOptions,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    unmapped: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    pilot: Option<String>,
    wave: Option<String>,
    role: Option<String>,
}

impl Mapping {
    pub fn load(path: &Path, codebook: &Codebook) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Mapping::parse(path, &text, codebook)
    }

    pub fn parse(path: &Path, text: &str, codebook: &Codebook) -> Result<Mapping> {
        let fail = |line: usize, message: String| Error::Definition {
            path: path.to_path_buf(),
            line,
            message,
        };
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        let raw: RawMapping = crate::codebook::parse_toml(path, text)?;
        let mut columns = HashMap::new();
        for (header, target) in &raw.columns {
            let resolved = resolve_target(target, codebook).ok_or_else(|| {
                fail(
                    line_of(header),
                    format!(
                        "column \"{header}\" maps to \"{target}\", which is not a question id, QUESTION:option, ignore, respondent_id, pilot, wave, role or submitted"
                    ),
                )
            })?;
            columns.insert(normalize(header), resolved);
        }
        let mut values = HashMap::new();
        for (question, labels) in &raw.values {
            let q = codebook.question_index(question).ok_or_else(|| {
                fail(
                    line_of(&format!("[values.{question}]")),
                    format!("[values.{question}] names no question of the codebook"),
                )
            })?;
            let mut map = HashMap::new();
            for (label, value) in labels {
                let replacement = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    other => {
                        return Err(fail(
                            line_of(label),
                            format!(
                                "value \"{label}\" maps to a {}; expected a code or label in quotes, or a whole number",
                                other.type_str()
                            ),
                        ))
                    }
                };
                map.insert(normalize(label), replacement);
            }
            values.insert(q, map);
        }
        let ignore_unmapped = match raw.options.unmapped.as_deref() {
            None | Some("error") => false,
            Some("ignore") => true,
            Some(other) => {
                return Err(fail(
                    line_of("unmapped"),
                    format!("unmapped = \"{other}\"; expected \"ignore\" or \"error\""),
                ))
            }
        };
        Ok(Mapping {
            ignore_unmapped,
            path: path.to_path_buf(),
            defaults: MetaDefaults {
                pilot: raw.defaults.pilot,
                wave: raw.defaults.wave,
                role: raw.defaults.role,
            },
            columns,
            values,
        })
    }

    /// The target a header is mapped to, if the file maps it.
    pub fn target(&self, header: &str) -> Option<ColumnTarget> {
        self.columns.get(&normalize(header)).cloned()
    }

    /// The replacement for an answer label of question `q`, if the file gives one.
    pub fn value<'a>(&'a self, q: usize, raw: &str) -> Option<&'a str> {
        self.values
            .get(&q)?
            .get(&normalize(raw))
            .map(String::as_str)
    }
}

fn resolve_target(target: &str, codebook: &Codebook) -> Option<ColumnTarget> {
    let target = target.trim();
    let meta = match target.to_ascii_lowercase().as_str() {
        "ignore" => return Some(ColumnTarget::Ignored("mapping file".into())),
        "respondent_id" => Some(MetaField::RespondentId),
        "pilot" => Some(MetaField::Pilot),
        "wave" => Some(MetaField::Wave),
        "role" => Some(MetaField::Role),
        "submitted" => Some(MetaField::Submitted),
        "weight" => Some(MetaField::Weight),
        _ => None,
    };
    if let Some(field) = meta {
        return Some(ColumnTarget::Meta(field));
    }
    match target.split_once(':') {
        Some((question, option)) => {
            let q = codebook.question_index(question)?;
            let o = codebook.questions[q]
                .options
                .iter()
                .position(|c| c.code == option.trim())?;
            Some(ColumnTarget::Choice {
                question: q,
                option: o,
            })
        }
        None => codebook.question_index(target).map(ColumnTarget::Question),
    }
}
