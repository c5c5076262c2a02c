//! Bytes to text. Pilots send UTF-8 (with or without a BOM), UTF-16 from some Excel "Unicode
//! text" saves, and Windows-1252 from older Excel on Windows. A file that is partly UTF-8 and
//! partly something else is damaged, and is refused rather than guessed at.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding's name as a person would say it.
    pub encoding: &'static str,
    pub warning: Option<String>,
}

impl Decoded {
    /// Text that was UTF-8 already.
    fn utf8(text: &str, encoding: &'static str) -> Decoded {
        Decoded {
            text: text.to_string(),
            encoding,
            warning: None,
        }
    }
}

/// Why bytes could not be turned into text, with the 1-based line where it was noticed.
#[derive(Debug, PartialEq)]
pub struct DecodeError {
    pub line: usize,
    pub found: String,
    pub expected: String,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return utf8(rest, "UTF-8 with BOM");
    }
    for (bom, encoding, name) in [
        (&b"\xff\xfe"[..], UTF_16LE, "UTF-16LE"),
        (&b"\xfe\xff"[..], UTF_16BE, "UTF-16BE"),
    ] {
        if bytes.starts_with(bom) {
            return utf16(bytes, encoding, name);
        }
    }
    if let Some(name) = utf16_without_bom(bytes) {
        return Err(DecodeError {
            line: 1,
            found: format!("{name} text without a byte-order mark"),
            expected: "a file whose encoding can be told: re-save it as CSV UTF-8".into(),
        });
    }
    if bytes.contains(&0) {
        // A whole-file problem: the line a NUL byte falls on means nothing in a binary file.
        return Err(DecodeError {
            line: 1,
            found: "NUL bytes: this looks like a binary file (a spreadsheet, archive or image)"
                .into(),
            expected: "a CSV text file; export or save the survey as CSV".into(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded::utf8(text, "UTF-8")),
        Err(e) => {
            let has_utf8_multibyte = std::str::from_utf8(&bytes[..e.valid_up_to()])
                .map(|s| !s.is_ascii())
                .unwrap_or(false)
                || bytes[e.valid_up_to()..]
                    .split(|b| b.is_ascii())
                    .any(|chunk| !chunk.is_empty() && std::str::from_utf8(chunk).is_ok());
            // Valid UTF-8 up to a multi-byte sequence cut short by the end of the file: the
            // file was cut off (a download or copy that did not finish).
            if e.error_len().is_none() && has_utf8_multibyte_before(bytes, e.valid_up_to()) {
                return Err(DecodeError {
                    line: line_at(bytes, e.valid_up_to()),
                    found: "the file ends in the middle of a character: it was cut off".into(),
                    expected: "the complete export; download or copy it again".into(),
                });
            }
            if has_utf8_multibyte {
                return Err(DecodeError {
                    line: line_at(bytes, e.valid_up_to()),
                    found: format!(
                        "invalid UTF-8 at byte {} while other text in the file is UTF-8 (mixed encodings or a damaged file)",
                        e.valid_up_to() + 1
                    ),
                    expected: "one encoding throughout; re-save the file as CSV UTF-8".into(),
                });
            }
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            Ok(Decoded {
                text: text.into_owned(),
                encoding: "Windows-1252",
                warning: Some(format!(
                    "not UTF-8 (first non-UTF-8 byte on line {}); read as Windows-1252, the encoding of older Excel on Windows",
                    line_at(bytes, e.valid_up_to())
                )),
            })
        }
    }
}

fn has_utf8_multibyte_before(bytes: &[u8], end: usize) -> bool {
    std::str::from_utf8(&bytes[..end]).is_ok_and(|s| !s.is_ascii()) || end + 4 >= bytes.len()
}

/// UTF-16 without a byte-order mark shows as ASCII text with a NUL beside every character:
/// "UTF-16LE" when the NULs follow, "UTF-16BE" when they lead.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let sample = &bytes[..bytes.len().min(512) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let nul_at = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let ascii_at = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|b| (0x09..0x7f).contains(*b))
            .count()
    };
    if nul_at(1) * 10 >= pairs * 9 && ascii_at(0) * 10 >= pairs * 9 {
        Some("UTF-16LE")
    } else if nul_at(0) * 10 >= pairs * 9 && ascii_at(1) * 10 >= pairs * 9 {
        Some("UTF-16BE")
    } else {
        None
    }
}

fn utf8(bytes: &[u8], name: &'static str) -> Result<Decoded, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded::utf8(text, name)),
        Err(e) => Err(DecodeError {
            line: line_at(bytes, e.valid_up_to()),
            found: format!(
                "invalid UTF-8 at byte {} although the file starts with a UTF-8 byte-order mark",
                e.valid_up_to() + 1
            ),
            expected: "UTF-8 throughout; re-save the file as CSV UTF-8".into(),
        }),
    }
}

fn utf16(
    bytes: &[u8],
    encoding: &'static Encoding,
    name: &'static str,
) -> Result<Decoded, DecodeError> {
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(DecodeError {
            line: 1,
            found: format!("a {name} byte-order mark, but the rest is not valid {name}"),
            expected: format!("a complete {name} file"),
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: name,
        warning: None,
    })
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_windows_1252() {
        let d = decode(b"\xef\xbb\xbfa,b\n").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("a,b\n", "UTF-8 with BOM"));
        let d = decode(b"\xff\xfea\x00,\x00b\x00").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("a,b", "UTF-16LE"));
        let d = decode(b"id,text\n1,caf\xe9 \x92ok\x92\n").unwrap();
        assert_eq!(d.text, "id,text\n1,café ’ok’\n");
        assert_eq!(d.encoding, "Windows-1252");
        assert!(d.warning.unwrap().contains("line 2"));
    }

    #[test]
    fn refuses_mixed_encodings_and_binary() {
        let err = decode("id,text\n1,café\n2,caf\u{0}".as_bytes()).unwrap_err();
        assert_eq!(err.line, 1);
        let err = decode(b"id,text\n1,caf\xc3\xa9\n2,caf\xe9\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.found.contains("mixed encodings"));
    }
}
