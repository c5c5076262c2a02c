//! Text normalisation shared by header and value matching, so that "Strongly&nbsp;Agree ",
//! "<b>strongly agree</b>" and "STRONGLY AGREE" all find the same label.

/// Lower-cases, strips HTML tags, turns every kind of white space (including non-breaking
/// spaces) into one plain space, straightens curly quotes and trims.
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    let mut pending_space = false;
    for (at, ch) in raw.char_indices() {
        match ch {
            // A `<` opens a tag only when a `>` follows; "score < 3" stays text.
            '<' if !in_tag && raw[at..].contains('>') => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                pending_space = true;
            }
            _ if in_tag => {}
            c if c.is_whitespace() || c == '\u{feff}' => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                match c {
                    '\u{2018}' | '\u{2019}' => out.push('\''),
                    '\u{201c}' | '\u{201d}' => out.push('"'),
                    '\u{2013}' | '\u{2014}' => out.push('-'),
                    c => out.extend(c.to_lowercase()),
                }
            }
        }
    }
    out
}

/// The key used to match identifier column names: letters and digits only, lower case, so
/// "E-mail Address", "email_address" and "EmailAddress" are one key.
pub fn identifier_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_space_tags_and_quotes() {
        assert_eq!(normalize("  Strongly\u{a0}Agree "), "strongly agree");
        assert_eq!(normalize("<b>Don’t</b> know"), "don't know");
        assert_eq!(normalize("a\t\tb\r\nc"), "a b c");
        assert_eq!(normalize("score < 3"), "score < 3");
    }

    #[test]
    fn identifier_keys_ignore_punctuation() {
        assert_eq!(identifier_key("E-mail Address"), "emailaddress");
        assert_eq!(identifier_key("email_address"), "emailaddress");
    }
}
