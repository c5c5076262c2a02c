//! Text: the embedded font, measuring, fitting labels into columns, cleaning data-derived
//! strings and formatting numbers for charts and their alt text.

use std::collections::VecDeque;
use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::style::{register_font, FontStyle, RGBColor};

use super::scene::Align;
use super::ChartError;

/// DejaVu Sans (Bitstream Vera licence with public-domain DejaVu changes; see
/// assets/fonts/LICENSE-DejaVu.txt). Embedded so that PNG text renders on machines with no
/// fonts installed; SVG text names the generic `sans-serif` family and the viewer supplies it.
const DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

static FONT: OnceLock<Result<(), String>> = OnceLock::new();

/// The embedded font, parsed once; `None` only if the bytes were not a font.
fn face() -> Option<&'static FontRef<'static>> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice(DEJAVU_SANS).ok())
        .as_ref()
}

/// Registers the embedded font as plotters' `sans-serif` family (which plotters needs even to
/// write SVG text), once per process. Must run before a chart is drawn.
pub(crate) fn ensure_font() -> Result<(), ChartError> {
    FONT.get_or_init(|| {
        face().ok_or_else(|| "the embedded DejaVu Sans could not be read".to_string())?;
        register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS)
            .map_err(|_| "the embedded DejaVu Sans could not be registered".to_string())
    })
    .clone()
    .map_err(ChartError::Font)
}

/// Width in pixels of `text` at `size` (plotters' size: the font's ascent-to-descent height),
/// from the embedded font's advances and kerning: exactly what [`draw_png_text`] covers.
pub(crate) fn width(text: &str, size: f64) -> i32 {
    match face() {
        Some(face) => advance(face, text, size).ceil() as i32,
        None => (text.chars().count() as f64 * size * 0.65).ceil() as i32,
    }
}

fn advance(face: &FontRef<'static>, text: &str, size: f64) -> f32 {
    let font = face.as_scaled(PxScale::from(size as f32));
    let mut pen = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        pen += font.h_advance(id);
        prev = Some(id);
    }
    pen
}

/// Draws one line of text into an RGB8 buffer `width` × `height`, blending by coverage,
/// vertically centred on `y` (capital letters centred). Pixels outside the buffer are skipped.
/// PNG text is drawn here rather than by plotters, whose ab_glyph renderer (0.3.7) places each
/// glyph without its side bearing and so spaces letters unevenly.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_png_text(
    pixels: &mut [u8],
    width: u32,
    height: u32,
    text: &str,
    (x, y): (i32, i32),
    size: f64,
    colour: RGBColor,
    align: Align,
) {
    let Some(face) = face() else { return };
    let font = face.as_scaled(PxScale::from(size as f32));
    let measured = advance(face, text, size);
    let mut pen = match align {
        Align::Left => x as f32,
        Align::Center => x as f32 - measured / 2.0,
        Align::Right => x as f32 - measured,
    };
    let cap = font.glyph_bounds(&font.scaled_glyph('H')).min.y; // negative: above the baseline
    let baseline = (y as f32 - cap / 2.0).round();
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(font.scale(), point(pen, baseline));
        pen += font.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= i64::from(width) || py >= i64::from(height) {
                return;
            }
            let at = (py as usize * width as usize + px as usize) * 3;
            let a = coverage.clamp(0.0, 1.0);
            for (channel, ink) in [colour.0, colour.1, colour.2].into_iter().enumerate() {
                let old = f32::from(pixels[at + channel]);
                pixels[at + channel] = (old + (f32::from(ink) - old) * a).round() as u8;
            }
        });
    }
}

const ELLIPSIS: &str = "…";

/// `text` cut to at most `max` pixels wide at `size`, ending in an ellipsis when cut; empty
/// when not even the ellipsis fits.
pub(crate) fn fit(text: &str, size: f64, max: i32) -> String {
    if width(text, size) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the number of characters kept: width grows with it.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + ELLIPSIS;
        if width(&candidate, size) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let kept: String = chars[..lo].iter().collect::<String>();
    let candidate = kept.trim_end().to_string() + ELLIPSIS;
    if width(&candidate, size) <= max {
        candidate
    } else {
        String::new()
    }
}

/// `text` broken into at most `max_lines` lines of at most `max` pixels at `size`: at spaces
/// where possible, inside a word where it alone is too wide; the last line ends in an ellipsis
/// when text remains.
pub(crate) fn wrap(text: &str, size: f64, max: i32, max_lines: usize) -> Vec<String> {
    let mut words: VecDeque<String> = text.split_whitespace().map(str::to_string).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    if max_lines == 0 {
        return lines;
    }
    while let Some(word) = words.pop_front() {
        if lines.len() + 1 == max_lines {
            // The last line takes everything that remains, cut to fit.
            let rest = std::iter::once(current)
                .chain(std::iter::once(word))
                .chain(words)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let line = fit(&rest, size, max);
            if !line.is_empty() {
                lines.push(line);
            }
            return lines;
        }
        let candidate = if current.is_empty() {
            word.clone()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size) <= max {
            current = candidate;
        } else if current.is_empty() {
            // One word wider than the line: break it where it stops fitting.
            let (head, tail) = split_at_width(&word, size, max);
            if head.is_empty() {
                return lines; // not even one character fits
            }
            lines.push(head);
            if !tail.is_empty() {
                words.push_front(tail);
            }
        } else {
            lines.push(std::mem::take(&mut current));
            words.push_front(word);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The longest prefix of `word` (by characters) no wider than `max`, and the rest.
fn split_at_width(word: &str, size: f64, max: i32) -> (String, String) {
    let mut end = 0;
    for (idx, c) in word.char_indices() {
        let next = idx + c.len_utf8();
        if width(&word[..next], size) > max {
            break;
        }
        end = next;
    }
    (word[..end].to_string(), word[end..].to_string())
}

/// A data-derived string made safe to draw and to put in XML: control characters (which XML
/// 1.0 forbids and a label cannot show) become spaces, the non-characters U+FFFE and U+FFFF
/// are dropped, runs of whitespace collapse. Markup characters are escaped later, by plotters
/// for drawn text and by [`xml_escape`] for the title and description.
pub(crate) fn clean(text: &str) -> String {
    let replaced: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes the five XML special characters.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// `x` with `decimals` decimals, never "-0" (a tiny negative would read as a difference that
/// is not there), "–" when not a number.
pub(crate) fn number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x.abs() >= 1e9 {
        // Beyond any survey figure; keep the label short rather than print 300 digits.
        return format!("{x:.2e}");
    }
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// A whole percentage, "71%".
pub(crate) fn percent(x: f64) -> String {
    format!("{}%", number(x, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_wrap_stay_within_width() {
        ensure_font().unwrap();
        let long = "L06 The skills taught are in demand by employers in my field of work";
        let cut = fit(long, 14.0, 120);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 14.0) <= 120);
        let lines = wrap(long, 14.0, 150, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l, 14.0) <= 150), "{lines:?}");
        assert!(lines[1].ends_with('…'));
        let word = "Supercalifragilisticexpialidocious-and-then-some-more";
        let lines = wrap(word, 14.0, 80, 3);
        assert!(lines.iter().all(|l| width(l, 14.0) <= 80), "{lines:?}");
        assert_eq!(lines.len(), 3);
        assert_eq!(fit("anything", 14.0, 2), "");
        assert!(wrap("", 14.0, 100, 2).is_empty());
    }

    #[test]
    fn clean_removes_what_xml_forbids() {
        assert_eq!(clean("a\u{0}b\n\tc\u{FFFF}"), "a b c");
        assert_eq!(number(-0.004, 2), "0.00");
        assert_eq!(number(f64::NAN, 1), "–");
        assert_eq!(
            xml_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }
}
