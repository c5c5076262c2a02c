//! Free-text answers for the report, shown only when asked for: grouped by question and pilot,
//! only for groups with at least the minimum cell size of answers, with e-mail addresses and
//! phone numbers masked. Written by hand because the masking needs two narrow patterns, not a
//! regular-expression engine.

use std::collections::BTreeMap;

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

/// Replaces e-mail addresses with "[e-mail]" and phone numbers (seven or more digits, with
/// the spaces, dots, dashes, parentheses and leading + that write them) with "[phone]".
pub fn mask_contacts(text: &str) -> String {
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            if is_email(word) {
                let kept: String = word
                    .chars()
                    .rev()
                    .take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')'))
                    .collect();
                format!("[e-mail]{}", kept.chars().rev().collect::<String>())
            } else {
                word.to_string()
            }
        })
        .collect();
    mask_phones(&words.join(" "))
}

fn is_email(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

fn mask_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let phone_char = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() || matches!(chars[i], '+' | '(');
        if starts {
            let mut end = i;
            let mut digits = 0;
            let mut last_digit = i;
            while end < chars.len() && phone_char(chars[end]) {
                if chars[end].is_ascii_digit() {
                    digits += 1;
                    last_digit = end;
                }
                end += 1;
            }
            if digits >= 7 {
                out.push_str("[phone]");
                i = last_digit + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_contacts;

    #[test]
    fn contacts_are_masked_and_the_rest_kept() {
        for (text, masked) in [
            (
                "Write to jo.smith@example.org, please.",
                "Write to [e-mail], please.",
            ),
            (
                "Call 416-555-0199 or (905) 555 0123!",
                "Call [phone] or [phone]!",
            ),
            ("Call +1 416 555 0199.", "Call [phone]."),
            (
                "It took 3 weeks, 2 days and cost $450.",
                "It took 3 weeks, 2 days and cost $450.",
            ),
            ("Module 2021-2022 was good", "Module [phone] was good"),
            ("no contact here @ all", "no contact here @ all"),
        ] {
            assert_eq!(mask_contacts(text), masked, "{text}");
        }
    }
}
