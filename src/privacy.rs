//! Masking of contact details in anything a respondent typed, wherever mctrack shows it (report
//! comments, error messages quoting a cell, `inspect`, the rejected-rows file). Written by hand
//! because the masking needs two narrow patterns, not a regular-expression engine.

/// Replaces e-mail addresses with "[e-mail]" and phone numbers (seven or more digits, with
/// the spaces, dots, dashes, parentheses and leading + that write them) with "[phone]". Dates
/// written with dashes or dots (2021-01-28, 28.01.2021) are kept, so a value quoted for the
/// user to fix stays recognisable.
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
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if !after_digit {
            if let Some(len) = date_length(&chars[i..]) {
                out.extend(&chars[i..i + len]);
                i += len;
                continue;
            }
        }
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

/// The length of a date at the start of `chars`: year-month-day (4, 1-2, 1-2 digits) or
/// day-month-year / month-day-year (1-2, 1-2, 4 digits), separated twice by the same dash or
/// dot and not followed by another digit.
fn date_length(chars: &[char]) -> Option<usize> {
    let digits_at = |from: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let first = digits_at(0);
    let separator = *chars.get(first)?;
    if !matches!(separator, '-' | '.') {
        return None;
    }
    let second = digits_at(first + 1);
    if chars.get(first + 1 + second) != Some(&separator) {
        return None;
    }
    let third = digits_at(first + second + 2);
    let short = |n: usize| (1..=2).contains(&n);
    let is_date = (first == 4 && short(second) && short(third))
        || (short(first) && short(second) && third == 4);
    is_date.then_some(first + second + third + 2)
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
            ("2021-01-28", "2021-01-28"),
            ("28.01.2021 and 1-28-2021", "28.01.2021 and 1-28-2021"),
            ("2021-01-28 10:15:00", "2021-01-28 10:15:00"),
            (
                "since 2021-01-28 call 4165550199",
                "since 2021-01-28 call [phone]",
            ),
            ("12021-01-28", "[phone]"),
        ] {
            assert_eq!(mask_contacts(text), masked, "{text}");
        }
    }
}
