//! Reading the codebook TOML. Serde reads the raw shape; `validate` then checks what serde
//! cannot (references between scales, questions, roles and waves) and reports each mistake
//! with the line it is on.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::text::normalize;
use super::{
    ChangeKind, Choice, Codebook, ConsentGate, Level, MetaColumn, Metadata, Privacy, Question,
    QuestionChange, QuestionKind, Scale,
};
use crate::error::{Error, Result};

/// The most options a multi-select question may have: answers are stored as a 64-bit set.
pub const MAX_MULTI_OPTIONS: usize = 63;
/// The most levels of a scale or options of a single question, and the most roles or waves:
/// a Dataset keeps each as one byte.
pub const MAX_LEVELS: usize = 255;

/// Names of the store's own `responses` columns, which question columns must not take.
const RESERVED_IDS: [&str; 14] = [
    "id",
    "import_id",
    "source_row",
    "respondent_id",
    "pilot_id",
    "wave",
    "role",
    "submitted_date",
    "weight",
    "started_at",
    "ended_at",
    "duration_s",
    "progress",
    "finished",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    codebook: RawHeader,
    #[serde(default)]
    privacy: RawPrivacy,
    metadata: RawMetadata,
    roles: RawValues,
    waves: RawValues,
    #[serde(default)]
    missing: Option<RawMissing>,
    #[serde(default)]
    modules: std::collections::BTreeMap<String, RawModule>,
    #[serde(default)]
    scales: std::collections::BTreeMap<String, Spanned<RawScale>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    title: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    #[serde(default = "default_min_cell")]
    min_cell: Spanned<i64>,
    #[serde(default)]
    drop_columns: Vec<String>,
}

impl Default for RawPrivacy {
    fn default() -> Self {
        RawPrivacy {
            min_cell: default_min_cell(),
            drop_columns: Vec::new(),
        }
    }
}

fn default_min_cell() -> Spanned<i64> {
    Spanned::new(0..0, 10)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    respondent_id: RawMetaColumn,
    pilot: RawMetaColumn,
    wave: RawMetaColumn,
    role: RawMetaColumn,
    submitted: RawMetaColumn,
    weight: Option<RawMetaColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetaColumn {
    column: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValues {
    values: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMissing {
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    consent_question: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    levels: Vec<RawLevel>,
    #[serde(default = "default_top_box")]
    top_box: usize,
    #[serde(default)]
    missing: Vec<String>,
}

fn default_top_box() -> usize {
    2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    code: i64,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    text: String,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    scale: Option<Spanned<String>>,
    #[serde(default)]
    options: Vec<RawChoice>,
    roles: Spanned<Vec<String>>,
    #[serde(default)]
    waves: Option<Spanned<Vec<String>>>,
    recs: Spanned<Vec<String>>,
    #[serde(default)]
    pf: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    reverse: bool,
    module: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    max_choices: Option<usize>,
    #[serde(default)]
    changes: Vec<Spanned<RawChange>>,
}

/// A change to a question between waves, as the codebook records it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    wave: String,
    what: ChangeKind,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    code: String,
    label: String,
    #[serde(default)]
    exclusive: bool,
}

pub fn load_codebook(path: &Path) -> Result<Codebook> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_codebook(path, &text)
}

/// Parses and validates codebook text; `path` is used in messages only.
pub fn parse_codebook(path: &Path, text: &str) -> Result<Codebook> {
    let at = |span: std::ops::Range<usize>, message: String| Error::Definition {
        path: path.to_path_buf(),
        line: line_of(text, span.start),
        message,
    };
    let raw: RawCodebook = parse_toml(path, text)?;

    if raw.codebook.version.trim().is_empty() {
        return Err(at(
            0..0,
            "[codebook] version is empty; expected a version such as \"2026.1\"".into(),
        ));
    }
    let min_cell = *raw.privacy.min_cell.get_ref();
    if min_cell < 1 {
        return Err(at(
            raw.privacy.min_cell.span(),
            format!("min_cell is {min_cell}; expected a whole number of at least 1"),
        ));
    }
    let roles = checked_values(&raw.roles.values, "roles", &at)?;
    let waves = checked_values(&raw.waves.values, "waves", &at)?;

    let mut scales = Vec::new();
    for (id, spanned) in &raw.scales {
        let span = spanned.span();
        let s = spanned.get_ref();
        if s.levels.len() < 2 || s.levels.len() > MAX_LEVELS {
            return Err(at(
                span,
                format!(
                    "scale {id} has {} level(s); expected at least 2",
                    s.levels.len()
                ),
            ));
        }
        let mut codes = HashSet::new();
        let mut labels = HashSet::new();
        for level in &s.levels {
            if !codes.insert(level.code) {
                return Err(at(
                    span,
                    format!(
                        "scale {id} repeats code {}; expected unique codes",
                        level.code
                    ),
                ));
            }
            if !labels.insert(normalize(&level.label)) {
                return Err(at(
                    span,
                    format!(
                        "scale {id} repeats label \"{}\"; expected unique labels",
                        level.label
                    ),
                ));
            }
        }
        if s.top_box == 0 || s.top_box * 2 > s.levels.len() {
            return Err(at(
                span,
                format!(
                    "scale {id} has top_box = {} with {} levels; expected 1 to {}",
                    s.top_box,
                    s.levels.len(),
                    s.levels.len() / 2
                ),
            ));
        }
        scales.push(Scale {
            id: id.clone(),
            levels: s
                .levels
                .iter()
                .map(|l| Level {
                    code: l.code,
                    label: l.label.clone(),
                })
                .collect(),
            top_box: s.top_box,
            missing: s.missing.iter().map(|m| normalize(m)).collect(),
        });
    }

    let mut questions = Vec::new();
    let mut seen_ids = HashSet::new();
    for spanned in &raw.questions {
        let q = spanned.get_ref();
        let id = q.id.get_ref().trim().to_string();
        let id_at = |message: String| at(q.id.span(), format!("question {id}: {message}"));
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(at(
                q.id.span(),
                format!("question id \"{id}\" is not valid; expected letters, digits and _ only"),
            ));
        }
        if RESERVED_IDS.contains(&id.to_ascii_lowercase().as_str()) {
            return Err(id_at(format!(
                "this id is a column of the store's responses table; expected an id other than {}",
                RESERVED_IDS.join(", ")
            )));
        }
        if !seen_ids.insert(id.to_ascii_lowercase()) {
            return Err(id_at(
                "this id is used twice; expected every question id to be unique".into(),
            ));
        }
        let kind = match q.kind.get_ref().as_str() {
            "likert" => QuestionKind::Likert,
            "single" => QuestionKind::Single,
            "multi" => QuestionKind::Multi,
            "numeric" => QuestionKind::Numeric,
            "yesno" => QuestionKind::YesNo,
            "text" => QuestionKind::Text,
            other => {
                return Err(at(
                    q.kind.span(),
                    format!(
                        "question {id}: type \"{other}\" is unknown; expected likert, single, multi, numeric, yesno or text"
                    ),
                ))
            }
        };
        let scale = match (&q.scale, kind) {
            (Some(name), QuestionKind::Likert) => {
                match scales.iter().position(|s| s.id == *name.get_ref()) {
                    Some(i) => Some(i),
                    None => {
                        return Err(at(
                            name.span(),
                            format!(
                                "question {id}: scale \"{}\" is not defined; expected one of: {}",
                                name.get_ref(),
                                scales
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ))
                    }
                }
            }
            (None, QuestionKind::Likert) => {
                return Err(id_at(
                    "a likert question needs `scale = \"...\"`; expected the name of a [scales.NAME] table".into(),
                ))
            }
            (Some(name), _) => {
                return Err(at(
                    name.span(),
                    format!(
                        "question {id}: only likert questions take a scale; this one is {}",
                        kind.name()
                    ),
                ))
            }
            (None, _) => None,
        };
        let needs_options = matches!(kind, QuestionKind::Single | QuestionKind::Multi);
        if needs_options && q.options.is_empty() {
            return Err(id_at(format!(
                "a {} question needs options; expected options = [{{ code = \"...\", label = \"...\" }}, ...]",
                kind.name()
            )));
        }
        if !needs_options && !q.options.is_empty() {
            return Err(id_at(format!(
                "a {} question takes no options; expected options only on single and multi questions",
                kind.name()
            )));
        }
        if kind == QuestionKind::Single && q.options.len() > MAX_LEVELS {
            return Err(id_at(format!(
                "{} options; expected at most {MAX_LEVELS}",
                q.options.len()
            )));
        }
        if kind == QuestionKind::Multi && q.options.len() > MAX_MULTI_OPTIONS {
            return Err(id_at(format!(
                "{} options; expected at most {MAX_MULTI_OPTIONS}",
                q.options.len()
            )));
        }
        let mut option_keys = HashSet::new();
        for o in &q.options {
            if !option_keys.insert(normalize(&o.code)) {
                return Err(id_at(format!(
                    "option code \"{}\" is used twice; expected unique codes",
                    o.code
                )));
            }
        }
        let role_ids = indices_in(&q.roles, &roles, "role", &id, &at)?;
        if role_ids.is_empty() {
            return Err(at(
                q.roles.span(),
                format!("question {id}: roles is empty; expected at least one role"),
            ));
        }
        let wave_ids = match &q.waves {
            Some(w) => indices_in(w, &waves, "wave", &id, &at)?,
            None => Vec::new(),
        };
        if q.recs.get_ref().is_empty() {
            return Err(at(
                q.recs.span(),
                format!(
                    "question {id}: recs is empty; expected at least one recommendation such as \"R1\""
                ),
            ));
        }
        if let (Some(min), Some(max)) = (q.min, q.max) {
            if min > max {
                return Err(id_at(format!(
                    "min {min} is above max {max}; expected min <= max"
                )));
            }
        }
        if q.reverse && kind != QuestionKind::Likert {
            return Err(id_at(
                "only likert questions can be reverse-coded".to_string(),
            ));
        }
        let mut changes = Vec::new();
        for change in &q.changes {
            let wave = waves
                .iter()
                .position(|w| *w == change.get_ref().wave)
                .filter(|&w| w > 0)
                .ok_or_else(|| {
                    at(
                        change.span(),
                        format!(
                            "question {id}: a change at wave \"{}\"; expected a wave after the first of: {}",
                            change.get_ref().wave,
                            waves.join(", ")
                        ),
                    )
                })?;
            changes.push(QuestionChange {
                wave,
                what: change.get_ref().what,
                note: change.get_ref().note.clone(),
            });
        }
        changes.sort_by_key(|c| c.wave);
        questions.push(Question {
            id,
            text: q.text.clone(),
            kind,
            scale,
            options: q
                .options
                .iter()
                .map(|o| Choice {
                    code: o.code.clone(),
                    label: o.label.clone(),
                    exclusive: o.exclusive,
                })
                .collect(),
            roles: role_ids,
            waves: wave_ids,
            recs: q.recs.get_ref().clone(),
            pf: q.pf.clone(),
            aliases: q.aliases.clone(),
            reverse: q.reverse,
            module: q.module.clone(),
            min: q.min,
            max: q.max,
            max_choices: q.max_choices,
            changes,
            line: line_of(text, q.id.span().start),
        });
    }
    if questions.is_empty() {
        return Err(at(
            0..0,
            "the codebook has no questions; expected at least one [[questions]] table".into(),
        ));
    }

    let mut consent_gates = Vec::new();
    for (module, m) in &raw.modules {
        let qid = m.consent_question.get_ref();
        let index = questions
            .iter()
            .position(|q| q.id.eq_ignore_ascii_case(qid))
            .ok_or_else(|| {
                at(
                    m.consent_question.span(),
                    format!("module {module}: consent question {qid} is not defined; expected a question id"),
                )
            })?;
        if questions[index].kind != QuestionKind::YesNo {
            return Err(at(
                m.consent_question.span(),
                format!(
                    "module {module}: consent question {qid} is {}; expected a yesno question",
                    questions[index].kind.name()
                ),
            ));
        }
        consent_gates.push(ConsentGate {
            module: module.clone(),
            question: index,
        });
    }

    let meta = |m: &RawMetaColumn| MetaColumn {
        column: m.column.clone(),
        aliases: m.aliases.clone(),
    };
    Ok(Codebook {
        path: path.to_path_buf(),
        title: raw.codebook.title,
        version: raw.codebook.version,
        privacy: Privacy {
            min_cell: min_cell as u64,
            drop_columns: raw.privacy.drop_columns.clone(),
        },
        metadata: Metadata {
            respondent_id: meta(&raw.metadata.respondent_id),
            pilot: meta(&raw.metadata.pilot),
            wave: meta(&raw.metadata.wave),
            role: meta(&raw.metadata.role),
            submitted: meta(&raw.metadata.submitted),
            weight: raw.metadata.weight.as_ref().map(meta),
        },
        roles,
        waves,
        missing: raw
            .missing
            .map(|m| m.labels.iter().map(|l| normalize(l)).collect())
            .unwrap_or_else(|| vec![String::new()]),
        scales,
        questions,
        consent_gates,
    })
}

fn checked_values(
    values: &Spanned<Vec<String>>,
    what: &str,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Result<Vec<String>> {
    let list = values.get_ref();
    if list.is_empty() || list.len() > MAX_LEVELS {
        return Err(at(
            values.span(),
            format!(
                "[{what}] has {} values; expected 1 to {MAX_LEVELS}",
                list.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for v in list {
        let ok = !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(at(
                values.span(),
                format!("[{what}] value \"{v}\" is not valid; expected lower-case letters, digits and _"),
            ));
        }
        if !seen.insert(v) {
            return Err(at(
                values.span(),
                format!("[{what}] lists \"{v}\" twice; expected unique values"),
            ));
        }
    }
    Ok(list.clone())
}

fn indices_in(
    names: &Spanned<Vec<String>>,
    known: &[String],
    what: &str,
    question: &str,
    at: &impl Fn(std::ops::Range<usize>, String) -> Error,
) -> Result<Vec<usize>> {
    names
        .get_ref()
        .iter()
        .map(|name| {
            known.iter().position(|k| k == name).ok_or_else(|| {
                at(
                    names.span(),
                    format!(
                        "question {question}: {what} \"{name}\" is not defined; expected one of: {}",
                        known.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// Deserialises a TOML definition file; a syntax or shape error names the file and line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| Error::Definition {
        path: path.to_path_buf(),
        line: line_of(text, e.span().map_or(0, |s| s.start)),
        message: e.message().trim_end().replace('\n', "; "),
    })
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Codebook> {
        parse_codebook(Path::new("cb.toml"), text)
    }

    const HEAD: &str = r#"[codebook]
title = "t"
version = "1"
[metadata]
respondent_id = { column = "id" }
pilot = { column = "pilot" }
wave = { column = "wave" }
role = { column = "role" }
submitted = { column = "date" }
[roles]
values = ["learner"]
[waves]
values = ["exit"]
[scales.agree5]
levels = [{ code = 1, label = "No" }, { code = 2, label = "Meh" }, { code = 3, label = "Yes" }]
top_box = 1
"#;

    #[test]
    fn the_shipped_codebook_loads() {
        let cb = parse_codebook(
            Path::new("surveys/codebook.toml"),
            super::super::DEFAULT_CODEBOOK,
        )
        .unwrap();
        assert_eq!(cb.questions.len(), 48);
        assert_eq!(cb.privacy.min_cell, 10);
        assert_eq!(cb.consent_gates.len(), 1);
    }

    #[test]
    fn unknown_scale_is_reported_with_its_line() {
        let text = format!(
            "{HEAD}[[questions]]\nid = \"Q1\"\ntext = \"x\"\ntype = \"likert\"\nscale = \"agree7\"\nroles = [\"learner\"]\nrecs = [\"R1\"]\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "cb.toml:21: question Q1: scale \"agree7\" is not defined; expected one of: agree5"
        );
    }

    #[test]
    fn unknown_field_is_reported_with_its_line() {
        let text = format!(
            "{HEAD}[[questions]]\nid = \"Q1\"\ntext = \"x\"\ntype = \"yesno\"\nrole = [\"learner\"]\nrecs = [\"R1\"]\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("cb.toml:21: unknown field `role`"), "{err}");
    }

    #[test]
    fn bad_type_and_unknown_role_are_reported() {
        let text = format!(
            "{HEAD}[[questions]]\nid = \"Q1\"\ntext = \"x\"\ntype = \"scale\"\nroles = [\"learner\"]\nrecs = [\"R1\"]\n"
        );
        assert_eq!(
            parse(&text).unwrap_err().to_string(),
            "cb.toml:20: question Q1: type \"scale\" is unknown; expected likert, single, multi, numeric, yesno or text"
        );
        let text = format!(
            "{HEAD}[[questions]]\nid = \"Q1\"\ntext = \"x\"\ntype = \"yesno\"\nroles = [\"admin\"]\nrecs = [\"R1\"]\n"
        );
        assert_eq!(
            parse(&text).unwrap_err().to_string(),
            "cb.toml:21: question Q1: role \"admin\" is not defined; expected one of: learner"
        );
    }

    #[test]
    fn duplicate_ids_and_bad_min_cell_are_rejected() {
        let q = "[[questions]]\nid = \"Q1\"\ntext = \"x\"\ntype = \"yesno\"\nroles = [\"learner\"]\nrecs = [\"R1\"]\n";
        let text = format!("{HEAD}{q}{q}");
        assert_eq!(
            parse(&text).unwrap_err().to_string(),
            "cb.toml:24: question Q1: this id is used twice; expected every question id to be unique"
        );
        let text = format!("{HEAD}[privacy]\nmin_cell = 0\n{q}");
        assert_eq!(
            parse(&text).unwrap_err().to_string(),
            "cb.toml:18: min_cell is 0; expected a whole number of at least 1"
        );
    }

    #[test]
    fn toml_syntax_errors_carry_the_line() {
        let err = parse(&format!("{HEAD}[[questions]\n"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cb.toml:17: "), "{err}");
    }
}
