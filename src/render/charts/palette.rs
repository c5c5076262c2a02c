//! Every colour the charts use, in one place. All palettes are chosen to stay readable for the
//! common forms of colour blindness, and no chart relies on colour alone: Likert segments are
//! ordered, heat-map cells carry their value, suppressed cells are hatched and marked `s`,
//! trend series have their own marker shape, scorecard markers differ in shape.

use plotters::style::RGBColor;

/// Background of every chart.
pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
/// Titles, labels and values (near black: softer than pure black, still 16:1 on white).
pub const INK: RGBColor = RGBColor(26, 26, 26);
/// Secondary text: notes, n, tick labels (7:1 on white, so still AA for small text).
pub const MUTED: RGBColor = RGBColor(89, 89, 89);
/// Axis lines and the zero line.
pub const AXIS: RGBColor = RGBColor(115, 115, 115);
/// Grid lines and row separators.
pub const GRID: RGBColor = RGBColor(222, 222, 222);
/// Alternate row shading, to guide the eye along long rows.
pub const ROW_SHADE: RGBColor = RGBColor(245, 245, 245);

/// Likert, the disagreeing half: ColorBrewer RdBu, darkest (strongest disagreement) first.
const DISAGREE_DARK: RGBColor = RGBColor(178, 24, 43);
const DISAGREE_LIGHT: RGBColor = RGBColor(244, 165, 130);
/// Likert, the agreeing half: ColorBrewer RdBu, lightest first.
const AGREE_LIGHT: RGBColor = RGBColor(146, 197, 222);
const AGREE_DARK: RGBColor = RGBColor(33, 102, 172);
/// Likert neutral level: a mid grey rather than RdBu's near-white, so it shows on white.
pub const NEUTRAL: RGBColor = RGBColor(204, 204, 204);

/// Heat map: viridis (perceptually uniform, readable in greyscale and by colour-blind readers),
/// sampled at nine evenly spaced points from low to high.
const VIRIDIS: [RGBColor; 9] = [
    RGBColor(68, 1, 84),
    RGBColor(71, 45, 123),
    RGBColor(59, 82, 139),
    RGBColor(44, 114, 142),
    RGBColor(33, 145, 140),
    RGBColor(40, 174, 128),
    RGBColor(94, 201, 98),
    RGBColor(173, 220, 48),
    RGBColor(253, 231, 37),
];
/// Heat map: a suppressed cell is this grey, hatched with `HATCH` and marked `s`.
pub const SUPPRESSED: RGBColor = RGBColor(224, 224, 224);
pub const HATCH: RGBColor = RGBColor(150, 150, 150);

/// Okabe-Ito, for lines and markers: ordered so the first colours have the most contrast on
/// white (yellow, the faintest, comes last).
const OKABE_ITO_LINES: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// Implementation statuses, in the order tracking lists them: not started (grey, nothing yet),
/// in progress (sky blue), little or no progress (orange), implemented (bluish green), will not
/// implement (vermillion), no longer applicable (reddish purple); then blue and yellow.
/// Okabe-Ito colours, plus a grey for "nothing yet".
const STATUS: [RGBColor; 8] = [
    RGBColor(187, 187, 187),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(0, 114, 178),
    RGBColor(240, 228, 66),
];

/// Scorecard: an indicator that meets its target (Okabe-Ito bluish green, drawn as a circle).
pub const MET: RGBColor = RGBColor(0, 158, 115);
/// Scorecard: an indicator that misses its target (Okabe-Ito vermillion, drawn as a diamond).
pub const NOT_MET: RGBColor = RGBColor(213, 94, 0);
/// Scorecard and trend: the target mark.
pub const TARGET: RGBColor = RGBColor(26, 26, 26);

/// Colours for a Likert scale of `levels` levels, lowest first: disagreement in reds (darkest
/// furthest from neutral), the middle level of an odd scale grey, agreement in blues.
pub fn likert(levels: usize) -> Vec<RGBColor> {
    let half = levels / 2;
    let mut colours = Vec::with_capacity(levels);
    for i in 0..half {
        // i = 0 is the strongest disagreement: darkest.
        colours.push(ramp(DISAGREE_DARK, DISAGREE_LIGHT, i, half));
    }
    if levels % 2 == 1 {
        colours.push(NEUTRAL);
    }
    for i in 0..half {
        colours.push(ramp(AGREE_LIGHT, AGREE_DARK, i, half));
    }
    colours
}

/// The heat-map colour for `t` in 0..=1 (values outside are clamped).
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    mix(VIRIDIS[i], VIRIDIS[i + 1], pos - i as f64)
}

/// The colour of the `i`-th line series (cycles after eight; markers tell those apart).
pub fn series(i: usize) -> RGBColor {
    OKABE_ITO_LINES[i % OKABE_ITO_LINES.len()]
}

/// The colour of the `i`-th implementation status.
pub fn status(i: usize) -> RGBColor {
    STATUS[i % STATUS.len()]
}

/// Black or white, whichever reads better on `fill` (WCAG relative luminance).
pub fn text_on(fill: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(fill.0) + 0.7152 * lin(fill.1) + 0.0722 * lin(fill.2);
    // Contrast with white is 1.05 / (l + 0.05), with INK about (l + 0.05) / 0.06: pick the larger.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.06 {
        BACKGROUND
    } else {
        INK
    }
}

fn ramp(from: RGBColor, to: RGBColor, i: usize, n: usize) -> RGBColor {
    if n <= 1 {
        // A single level on each side: the middle of the ramp, clearly coloured.
        return mix(from, to, 0.4);
    }
    mix(from, to, i as f64 / (n - 1) as f64)
}

fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let c = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
}
