//! The recommendation scorecard: each indicator's estimate with its interval against its
//! target. Percentages share a 0–100 axis; means share an axis fitted to their values.

use super::palette;
use super::scene::{
    label_stride, nice_ticks, tick_decimals, Align, Scene, Swatch, LABEL_LINE, LABEL_SIZE, MARGIN,
    SMALL_LINE, SMALL_SIZE,
};
use super::text::{self, clean, number};
use super::ChartError;

/// Indicators against their targets.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardChart {
    pub title: String,
    /// In the order the report lists them (usually by recommendation). Percentage indicators
    /// are drawn together on a 0–100 axis, then mean indicators on their own axis.
    pub indicators: Vec<IndicatorPoint>,
}

/// One indicator of one recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPoint {
    /// e.g. "R3 · L06 top-2 %".
    pub label: String,
    /// The estimate; NaN when it could not be computed (drawn as "no estimate").
    pub estimate: f64,
    /// The interval around the estimate, when there is one.
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub target: f64,
    /// Whether the target is a floor (true: at least the target) or a ceiling.
    pub higher_is_better: bool,
    /// Whether the indicator is a percentage (0–100 axis) rather than a mean on a rating scale.
    pub percent: bool,
    /// The base of the estimate.
    pub n: u64,
}

impl IndicatorPoint {
    /// Whether the estimate meets the target; `None` without an estimate or target.
    pub fn met(&self) -> Option<bool> {
        if !self.estimate.is_finite() || !self.target.is_finite() {
            return None;
        }
        Some(if self.higher_is_better {
            self.estimate >= self.target
        } else {
            self.estimate <= self.target
        })
    }

    fn decimals(&self) -> usize {
        if self.percent {
            1
        } else {
            2
        }
    }

    fn unit(&self) -> &'static str {
        if self.percent {
            "%"
        } else {
            ""
        }
    }

    fn value(&self, x: f64) -> String {
        format!("{}{}", number(x, self.decimals()), self.unit())
    }

    fn interval(&self) -> Option<(f64, f64)> {
        match (self.lower, self.upper) {
            (Some(l), Some(u)) if l.is_finite() && u.is_finite() => Some((l.min(u), l.max(u))),
            _ => None,
        }
    }

    /// First line beside the plot: estimate, interval and n.
    fn value_line(&self) -> String {
        if !self.estimate.is_finite() {
            return format!("no estimate, n = {}", self.n);
        }
        match self.interval() {
            Some((l, u)) => format!(
                "{} ({} to {}), n = {}",
                self.value(self.estimate),
                number(l, self.decimals()),
                number(u, self.decimals()),
                self.n
            ),
            None => format!("{}, n = {}", self.value(self.estimate), self.n),
        }
    }

    /// Second line: the target and whether it is met.
    fn target_line(&self) -> String {
        let sign = if self.higher_is_better { "≥" } else { "≤" };
        let verdict = match self.met() {
            Some(true) => ": met",
            Some(false) => ": not met",
            None => "",
        };
        format!("target {sign} {}{verdict}", self.value(self.target))
    }
}

impl ScorecardChart {
    pub(crate) fn alt_text(&self) -> String {
        let title = clean(&self.title);
        let met = self
            .indicators
            .iter()
            .filter(|i| i.met() == Some(true))
            .count();
        let mut out = format!(
            "{title}. Scorecard of {} indicators, each estimate with its interval against its \
             target; {met} of {} meet their target.",
            self.indicators.len(),
            self.indicators.len()
        );
        for i in &self.indicators {
            out.push_str(&format!(
                " {}: {}; {}.",
                clean(&i.label),
                i.value_line(),
                i.target_line()
            ));
        }
        out
    }

    pub(crate) fn scene(&self) -> Result<Scene, ChartError> {
        let title = clean(&self.title);
        if self.indicators.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no indicators",
            });
        }
        let mut scene = Scene::new();
        let w = scene.w();
        let mut y = scene.title(&title, MARGIN);
        y = scene.legend(
            &[
                (Swatch::Marker(true), "meets target".to_string()),
                (Swatch::Marker(false), "misses target".to_string()),
                (Swatch::Interval, "interval".to_string()),
                (Swatch::Tick, "target".to_string()),
            ],
            y,
        ) + 6;

        let labels: Vec<String> = self.indicators.iter().map(|i| clean(&i.label)).collect();
        let label_w = labels
            .iter()
            .map(|l| text::width(l, LABEL_SIZE))
            .max()
            .unwrap_or(0)
            .clamp(120, 300);
        let value_w = self
            .indicators
            .iter()
            .flat_map(|i| [i.value_line(), i.target_line()])
            .map(|s| text::width(&s, SMALL_SIZE))
            .max()
            .unwrap_or(0)
            .clamp(150, 270);
        let plot_x0 = MARGIN + label_w + 16;
        let value_x = w - MARGIN - value_w;
        let plot_x1 = value_x - 20;

        let sections: Vec<(bool, Vec<usize>)> = [true, false]
            .into_iter()
            .map(|percent| {
                let members = (0..self.indicators.len())
                    .filter(|&i| self.indicators[i].percent == percent)
                    .collect::<Vec<_>>();
                (percent, members)
            })
            .filter(|(_, members)| !members.is_empty())
            .collect();
        let several = sections.len() > 1;
        let row_h = 2 * LABEL_LINE + 10;

        for (percent, members) in sections {
            let (lo, hi, ticks) = if percent {
                (0.0, 100.0, (0..=5).map(|i| f64::from(i) * 20.0).collect())
            } else {
                let values = members.iter().flat_map(|&i| {
                    let p = &self.indicators[i];
                    [Some(p.estimate), p.lower, p.upper, Some(p.target)]
                });
                let finite: Vec<f64> = values.flatten().filter(|v| v.is_finite()).collect();
                let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                nice_ticks(lo, hi, 5)
            };
            let decimals = tick_decimals(&ticks);
            let span = (hi - lo).max(f64::EPSILON);
            let x_of = |v: f64| {
                let t = ((v - lo) / span).clamp(0.0, 1.0);
                plot_x0 + (t * f64::from(plot_x1 - plot_x0)).round() as i32
            };
            if several {
                let heading = if percent {
                    "Percentages"
                } else {
                    "Means on the rating scale"
                };
                scene.text(
                    MARGIN,
                    y + 12,
                    heading,
                    LABEL_SIZE,
                    palette::INK,
                    Align::Left,
                );
                y += 26;
            }
            let top = y;
            let mut body = Scene::new();
            for (row, &i) in members.iter().enumerate() {
                let p = &self.indicators[i];
                let mid = y + row_h / 2;
                if row % 2 == 1 {
                    scene.rect(MARGIN, y, w - MARGIN, y + row_h, palette::ROW_SHADE);
                }
                let lines = text::wrap(&labels[i], LABEL_SIZE, label_w, 2);
                let first = mid - (lines.len() as i32 - 1) * LABEL_LINE / 2;
                body.lines(
                    MARGIN,
                    first,
                    &lines,
                    LABEL_SIZE,
                    LABEL_LINE,
                    palette::INK,
                    Align::Left,
                );
                body.text(
                    value_x,
                    mid - SMALL_LINE / 2,
                    &text::fit(&p.value_line(), SMALL_SIZE, value_w),
                    SMALL_SIZE,
                    palette::INK,
                    Align::Left,
                );
                body.text(
                    value_x,
                    mid + SMALL_LINE / 2,
                    &text::fit(&p.target_line(), SMALL_SIZE, value_w),
                    SMALL_SIZE,
                    palette::MUTED,
                    Align::Left,
                );
                if let Some((l, u)) = p.interval() {
                    body.line(vec![(x_of(l), mid), (x_of(u), mid)], palette::AXIS, 3);
                }
                if p.target.is_finite() {
                    let tx = x_of(p.target);
                    body.rect(tx - 1, mid - 10, tx + 1, mid + 10, palette::TARGET);
                }
                match p.met() {
                    Some(met) if p.estimate.is_finite() => {
                        body.status_marker(met, x_of(p.estimate), mid)
                    }
                    _ if p.estimate.is_finite() => {
                        body.circle(x_of(p.estimate), mid, 5, palette::AXIS, true)
                    }
                    _ => {
                        body.text(
                            (plot_x0 + plot_x1) / 2,
                            mid,
                            "no estimate",
                            SMALL_SIZE,
                            palette::MUTED,
                            Align::Center,
                        );
                    }
                }
                y += row_h;
            }
            for t in &ticks {
                scene.line(vec![(x_of(*t), top), (x_of(*t), y)], palette::GRID, 1);
            }
            scene.line(vec![(plot_x0, y), (plot_x1, y)], palette::AXIS, 1);
            scene.shapes.extend(body.shapes);
            let tick_y = y + 4 + SMALL_LINE / 2;
            let unit = if percent { "%" } else { "" };
            let tick_labels: Vec<String> = ticks
                .iter()
                .map(|t| format!("{}{unit}", number(*t, decimals)))
                .collect();
            let widest = tick_labels
                .iter()
                .map(|l| text::width(l, SMALL_SIZE))
                .max()
                .unwrap_or(0);
            let spacing = f64::from(plot_x1 - plot_x0) / (ticks.len().max(2) - 1) as f64;
            let stride = label_stride(spacing, widest);
            for (t, label) in ticks.iter().zip(&tick_labels).step_by(stride) {
                scene.text(
                    x_of(*t),
                    tick_y,
                    label,
                    SMALL_SIZE,
                    palette::MUTED,
                    Align::Center,
                );
            }
            y = tick_y + SMALL_LINE + 6;
        }
        let y = scene.notes(
            &["Each marker is an estimate, the grey line its interval, the black tick its target."
                .to_string()],
            y,
        );
        scene.finish(y, &title)
    }
}
