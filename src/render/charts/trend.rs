//! Trend lines across survey waves: each series an estimate per wave with its interval as a
//! shaded band, the baseline wave marked, the target (if any) as a dashed line.

use super::palette;
use super::scene::{
    nice_ticks, tick_decimals, Align, Scene, Swatch, MARGIN, SMALL_LINE, SMALL_SIZE,
};
use super::text::{self, clean, number};
use super::ChartError;

/// Estimates across waves.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub title: String,
    /// What is measured, e.g. "Mean agreement (1–5)" or "% top-2"; written above the y axis.
    pub y_label: String,
    /// Wave labels in time order.
    pub waves: Vec<String>,
    /// The wave changes are measured against (an index into `waves`; the trend command uses
    /// the first). It is marked on the chart; an index past the last wave marks none.
    pub baseline: usize,
    pub series: Vec<TrendSeries>,
    /// The indicator's target, drawn as a dashed line.
    pub target: Option<f64>,
}

/// One line, e.g. one question or one pilot.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSeries {
    pub label: String,
    /// One per wave, in `waves` order; `None` where there is no estimate (no data, or
    /// suppressed). A gap breaks the line.
    pub points: Vec<Option<TrendPoint>>,
}

/// One wave's estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    pub n: u64,
}

impl TrendChart {
    /// Point `w` of series `s`, if it has a finite estimate; a non-finite bound is replaced by
    /// the estimate (no band there).
    fn point(&self, s: usize, w: usize) -> Option<TrendPoint> {
        let p = (*self.series.get(s)?.points.get(w)?)?;
        if !p.estimate.is_finite() {
            return None;
        }
        let bound = |b: f64| if b.is_finite() { b } else { p.estimate };
        let (lower, upper) = (bound(p.lower), bound(p.upper));
        Some(TrendPoint {
            estimate: p.estimate,
            lower: lower.min(upper).min(p.estimate),
            upper: upper.max(lower).max(p.estimate),
            n: p.n,
        })
    }

    /// The y axis: range and ticks covering every estimate, bound and the target.
    fn axis(&self) -> (f64, f64, Vec<f64>) {
        let mut values: Vec<f64> = (0..self.series.len())
            .flat_map(|s| (0..self.waves.len()).map(move |w| (s, w)))
            .filter_map(|(s, w)| self.point(s, w))
            .flat_map(|p| [p.lower, p.upper])
            .collect();
        values.extend(self.target.filter(|t| t.is_finite()));
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        nice_ticks(lo, hi, 5)
    }

    fn decimals(&self) -> usize {
        let (lo, hi, _) = self.axis();
        if hi - lo >= 20.0 {
            0
        } else if hi - lo >= 2.0 {
            1
        } else {
            2
        }
    }

    pub(crate) fn alt_text(&self) -> String {
        let title = clean(&self.title);
        let waves: Vec<String> = self.waves.iter().map(|w| clean(w)).collect();
        let d = self.decimals();
        let mut out = format!(
            "{title}. Line chart of {} across {} waves ({}), each estimate with its interval.",
            clean(&self.y_label),
            waves.len(),
            waves.join(", ")
        );
        if let Some(b) = waves.get(self.baseline) {
            out.push_str(&format!(" Baseline: {b}."));
        }
        if let Some(t) = self.target.filter(|t| t.is_finite()) {
            out.push_str(&format!(" Target: {}.", number(t, d)));
        }
        for (s, series) in self.series.iter().enumerate() {
            let points: Vec<String> = waves
                .iter()
                .enumerate()
                .map(|(w, wave)| match self.point(s, w) {
                    Some(p) => format!(
                        "{wave} {} ({} to {}, n = {})",
                        number(p.estimate, d),
                        number(p.lower, d),
                        number(p.upper, d),
                        p.n
                    ),
                    None => format!("{wave} no estimate"),
                })
                .collect();
            out.push_str(&format!(
                " {}: {}.",
                clean(&series.label),
                points.join(", ")
            ));
        }
        out
    }

    pub(crate) fn scene(&self) -> Result<Scene, ChartError> {
        let title = clean(&self.title);
        if self.waves.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no waves",
            });
        }
        if self.series.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no series",
            });
        }
        let mut scene = Scene::new();
        let w = scene.w();
        let mut y = scene.title(&title, MARGIN);
        let mut legend: Vec<(Swatch, String)> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| (Swatch::Series(i), clean(&s.label)))
            .collect();
        legend.push((Swatch::Band, "interval".to_string()));
        if self.target.is_some_and(f64::is_finite) {
            legend.push((Swatch::Dashed(palette::TARGET), "target".to_string()));
        }
        y = scene.legend(&legend, y) + 6;

        let (lo, hi, ticks) = self.axis();
        let tick_d = tick_decimals(&ticks);
        let tick_labels: Vec<String> = ticks.iter().map(|t| number(*t, tick_d)).collect();
        let tick_w = tick_labels
            .iter()
            .map(|t| text::width(t, SMALL_SIZE))
            .max()
            .unwrap_or(0);
        let target = self.target.filter(|t| t.is_finite());
        let target_label = target.map(|t| format!("target {}", number(t, self.decimals())));
        // The target is labelled in the margin right of the plot, where it hides no data.
        let target_w = target_label
            .as_ref()
            .map_or(0, |l| text::width(l, SMALL_SIZE) + 8);
        let plot_x0 = MARGIN + tick_w + 8;
        let plot_x1 = w - MARGIN - 4 - target_w;

        let y_label = text::fit(&clean(&self.y_label), SMALL_SIZE, w - 2 * MARGIN);
        scene.text(
            MARGIN,
            y + SMALL_LINE / 2,
            &y_label,
            SMALL_SIZE,
            palette::MUTED,
            Align::Left,
        );
        y += SMALL_LINE + 4;
        // Room above the plot for the "baseline" label.
        let baseline_label_y = y + SMALL_LINE / 2;
        let plot_y0 = y + SMALL_LINE + 4;
        let plot_y1 = plot_y0 + 300;
        let y_of = |v: f64| {
            let t = ((v - lo) / (hi - lo).max(f64::EPSILON)).clamp(0.0, 1.0);
            plot_y1 - (t * f64::from(plot_y1 - plot_y0)).round() as i32
        };
        let nw = self.waves.len() as i32;
        let slot = f64::from(plot_x1 - plot_x0) / f64::from(nw);
        let x_of = |i: usize| plot_x0 + (slot * (i as f64 + 0.5)).round() as i32;

        for (t, label) in ticks.iter().zip(&tick_labels) {
            let ty = y_of(*t);
            scene.line(vec![(plot_x0, ty), (plot_x1, ty)], palette::GRID, 1);
            scene.text(
                plot_x0 - 6,
                ty,
                label,
                SMALL_SIZE,
                palette::MUTED,
                Align::Right,
            );
        }
        scene.line(
            vec![(plot_x0, plot_y0), (plot_x0, plot_y1), (plot_x1, plot_y1)],
            palette::AXIS,
            1,
        );
        if self.baseline < self.waves.len() {
            let bx = x_of(self.baseline);
            scene.dashed((bx, plot_y0), (bx, plot_y1), palette::AXIS, 1);
            let label_w = text::width("baseline", SMALL_SIZE);
            let lx = (bx - label_w / 2).clamp(MARGIN, w - MARGIN - label_w);
            scene.text(
                lx,
                baseline_label_y,
                "baseline",
                SMALL_SIZE,
                palette::MUTED,
                Align::Left,
            );
        }

        // Bands first, then lines and markers over them.
        for s in 0..self.series.len() {
            let colour = palette::series(s);
            for run in self.runs(s) {
                if run.len() == 1 {
                    let (i, p) = run[0];
                    let x = x_of(i);
                    scene.line(vec![(x, y_of(p.lower)), (x, y_of(p.upper))], colour, 2);
                    for b in [p.lower, p.upper] {
                        scene.line(vec![(x - 5, y_of(b)), (x + 5, y_of(b))], colour, 2);
                    }
                } else {
                    let mut band: Vec<(i32, i32)> =
                        run.iter().map(|(i, p)| (x_of(*i), y_of(p.upper))).collect();
                    band.extend(run.iter().rev().map(|(i, p)| (x_of(*i), y_of(p.lower))));
                    scene.polygon(band, colour, 0.18);
                }
            }
        }
        for s in 0..self.series.len() {
            let colour = palette::series(s);
            for run in self.runs(s) {
                scene.line(
                    run.iter()
                        .map(|(i, p)| (x_of(*i), y_of(p.estimate)))
                        .collect(),
                    colour,
                    2,
                );
                for (i, p) in &run {
                    scene.marker(s, x_of(*i), y_of(p.estimate), colour);
                }
            }
        }
        if let (Some(t), Some(label)) = (target, &target_label) {
            let ty = y_of(t);
            scene.dashed((plot_x0, ty), (plot_x1, ty), palette::TARGET, 2);
            scene.text(
                plot_x1 + 8,
                ty,
                label,
                SMALL_SIZE,
                palette::INK,
                Align::Left,
            );
        }

        // Wave labels under the axis.
        let wave_w = (slot as i32 - 6).max(0);
        let mut max_lines = 1;
        for (i, wave) in self.waves.iter().enumerate() {
            let lines = text::wrap(&clean(wave), SMALL_SIZE, wave_w, 2);
            max_lines = max_lines.max(lines.len() as i32);
            scene.lines(
                x_of(i),
                plot_y1 + 6 + SMALL_LINE / 2,
                &lines,
                SMALL_SIZE,
                SMALL_LINE,
                palette::INK,
                Align::Center,
            );
        }
        y = plot_y1 + 6 + max_lines * SMALL_LINE + 8;
        let y = scene.notes(
            &[
                "Lines join each wave's estimate; the shaded band is its interval; a gap means no \
               estimate (no data, or suppressed)."
                    .to_string(),
            ],
            y,
        );
        scene.finish(y, &title)
    }

    /// Runs of consecutive waves with an estimate, for series `s`.
    fn runs(&self, s: usize) -> Vec<Vec<(usize, TrendPoint)>> {
        let mut runs: Vec<Vec<(usize, TrendPoint)>> = Vec::new();
        let mut current = Vec::new();
        for w in 0..self.waves.len() {
            match self.point(s, w) {
                Some(p) => current.push((w, p)),
                None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
                None => {}
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    }
}
