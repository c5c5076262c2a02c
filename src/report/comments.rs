//! Free-text answers for the report, shown only when asked for: grouped by question and pilot,
//! only for groups with at least the minimum cell size of answers, with e-mail addresses and
//! phone numbers masked (`crate::privacy::mask_contacts`).

use std::collections::BTreeMap;

use crate::privacy::mask_contacts;
use crate::store::TextAnswer;

/// One question's comments from one pilot.
#[derive(Debug, Clone)]
pub struct CommentGroup {
    pub question_id: String,
    pub pilot_id: String,
    pub comments: Vec<String>,
}

/// The groups a report may show, masked; and how many groups were withheld as too small.
pub fn shown_groups(answers: &[TextAnswer], min_cell: u64) -> (Vec<CommentGroup>, usize) {
    let mut groups: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for a in answers {
        groups
            .entry((a.question_id.as_str(), a.pilot_id.as_str()))
            .or_default()
            .push(a.value.as_str());
    }
    let mut shown = Vec::new();
    let mut withheld = 0;
    for ((question, pilot), values) in groups {
        if (values.len() as u64) < min_cell {
            withheld += 1;
            continue;
        }
        shown.push(CommentGroup {
            question_id: question.to_string(),
            pilot_id: pilot.to_string(),
            comments: values.into_iter().map(mask_contacts).collect(),
        });
    }
    (shown, withheld)
}
