//! SurveyMonkey. Two header rows: the question text, written once over all of a question's
//! columns (so it is filled forward here), and `Response`, `Open-Ended Response` or the option
//! or sub-item of that column. A check-all question stores the option's label when chosen and
//! nothing otherwise; the "expanded" layout spreads single-choice questions the same way.

use super::{Layout, Platform, PlatformField};
use crate::codebook::text::normalize;

const KNOWN: &[(&str, PlatformField)] = &[
    ("RespondentID", PlatformField::RespondentId),
    ("Respondent ID", PlatformField::RespondentId),
    ("CollectorID", PlatformField::Bookkeeping),
    ("Collector ID", PlatformField::Bookkeeping),
    ("StartDate", PlatformField::Started),
    ("Start Date", PlatformField::Started),
    ("EndDate", PlatformField::Submitted),
    ("End Date", PlatformField::Submitted),
    ("First Name", PlatformField::Identifier),
    ("Last Name", PlatformField::Identifier),
    ("Custom Data", PlatformField::Bookkeeping),
    ("Custom Data 1", PlatformField::Bookkeeping),
];

const WHOLE_ANSWER: [&str; 3] = ["response", "open-ended response", ""];

pub fn detect(rows: &[Vec<String>]) -> bool {
    let first = rows
        .first()
        .and_then(|r| r.first())
        .map(|c| normalize(c))
        .unwrap_or_default();
    // The second row is a header when it says "Response", or when it names options under a
    // blank respondent id, which no response row has.
    (first == "respondentid" || first == "respondent id")
        && rows.get(1).is_some_and(|r| {
            r.iter()
                .any(|c| WHOLE_ANSWER[..2].contains(&normalize(c).as_str()))
                || (r.first().is_some_and(|c| c.trim().is_empty())
                    && r.iter().skip(1).any(|c| !c.trim().is_empty()))
        })
}

pub fn layout(rows: &[Vec<String>]) -> Layout {
    let width = rows[0].len();
    let mut question = String::new();
    let mut names = Vec::with_capacity(width);
    let mut parts = Vec::with_capacity(width);
    for i in 0..width {
        let top = rows[0].get(i).cloned().unwrap_or_default();
        if !top.trim().is_empty() {
            question = top;
        }
        let sub = rows
            .get(1)
            .and_then(|r| r.get(i))
            .cloned()
            .unwrap_or_default();
        if WHOLE_ANSWER.contains(&normalize(&sub).as_str()) {
            names.push(vec![question.clone()]);
            parts.push(None);
        } else {
            names.push(vec![format!("{question} [{sub}]")]);
            parts.push(Some((question.clone(), sub)));
        }
    }
    Layout {
        platform: Platform::Surveymonkey,
        header_rows: 2,
        names,
        parts,
        separators: &[],
        known: KNOWN,
        known_prefixes: &[],
    }
}
