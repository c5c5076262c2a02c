//! Implementation status per recommendation, from the tracking data: one stacked bar of
//! actions by status for each recommendation, on a shared count axis.

use super::palette;
use super::scene::{
    label_stride, nice_ticks, Align, Scene, Swatch, LABEL_LINE, LABEL_SIZE, MARGIN, SMALL_LINE,
    SMALL_SIZE,
};
use super::text::{self, clean, number};
use super::ChartError;

/// Counts of actions by status, per recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChart {
    pub title: String,
    /// Status names in the order to stack them, e.g. not started, in progress, little or no
    /// progress, implemented, will not implement, no longer applicable. Colours follow this
    /// order (grey for the first, then Okabe-Ito).
    pub statuses: Vec<String>,
    pub rows: Vec<StatusRow>,
}

/// One recommendation's actions.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// e.g. "R1 Common definition".
    pub label: String,
    /// Actions in each status, in `statuses` order; missing entries count 0.
    pub counts: Vec<u64>,
}

impl StatusChart {
    fn counts(&self, row: &StatusRow) -> Vec<u64> {
        (0..self.statuses.len())
            .map(|i| row.counts.get(i).copied().unwrap_or(0))
            .collect()
    }

    pub(crate) fn alt_text(&self) -> String {
        let title = clean(&self.title);
        let statuses: Vec<String> = self.statuses.iter().map(|s| clean(s)).collect();
        let mut out = format!(
            "{title}. Stacked bars of actions by implementation status ({}) for {} \
             recommendations.",
            statuses.join(", "),
            self.rows.len()
        );
        for row in &self.rows {
            let counts = self.counts(row);
            let total: u64 = counts.iter().fold(0u64, |a, c| a.saturating_add(*c));
            let parts: Vec<String> = statuses
                .iter()
                .zip(&counts)
                .filter(|(_, c)| **c > 0)
                .map(|(s, c)| format!("{c} {s}"))
                .collect();
            let parts = if parts.is_empty() {
                "no actions recorded".to_string()
            } else {
                parts.join(", ")
            };
            out.push_str(&format!(
                " {}: {parts} ({total} action{}).",
                clean(&row.label),
                if total == 1 { "" } else { "s" }
            ));
        }
        out
    }

    pub(crate) fn scene(&self) -> Result<Scene, ChartError> {
        let title = clean(&self.title);
        if self.statuses.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no statuses",
            });
        }
        if self.rows.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no rows",
            });
        }
        let mut scene = Scene::new();
        let w = scene.w();
        let mut y = scene.title(&title, MARGIN);
        let legend: Vec<(Swatch, String)> = self
            .statuses
            .iter()
            .enumerate()
            .map(|(i, s)| (Swatch::Fill(palette::status(i)), clean(s)))
            .collect();
        y = scene.legend(&legend, y) + 8;

        let counts: Vec<Vec<u64>> = self.rows.iter().map(|r| self.counts(r)).collect();
        let totals: Vec<u64> = counts
            .iter()
            .map(|c| c.iter().fold(0u64, |a, b| a.saturating_add(*b)))
            .collect();
        let max_total = totals.iter().copied().max().unwrap_or(0).max(1);
        let (_, axis_max, ticks) = nice_ticks(0.0, max_total as f64, 5);
        // Counts are whole: keep whole ticks only.
        let ticks: Vec<f64> = ticks.into_iter().filter(|t| t.fract() == 0.0).collect();
        let labels: Vec<String> = self.rows.iter().map(|r| clean(&r.label)).collect();
        let label_w = labels
            .iter()
            .map(|l| text::width(l, LABEL_SIZE))
            .max()
            .unwrap_or(0)
            .clamp(120, 300);
        let total_texts: Vec<String> = totals
            .iter()
            .map(|t| format!("{t} action{}", if *t == 1 { "" } else { "s" }))
            .collect();
        let total_w = total_texts
            .iter()
            .map(|t| text::width(t, SMALL_SIZE))
            .max()
            .unwrap_or(0);
        let bar_x0 = MARGIN + label_w + 16;
        let bar_x1 = w - MARGIN - total_w - 10;
        let x_of = |v: f64| {
            bar_x0 + ((v / axis_max).clamp(0.0, 1.0) * f64::from(bar_x1 - bar_x0)).round() as i32
        };

        let row_h = 2 * LABEL_LINE + 8;
        let bar_h = 22;
        let top = y;
        let mut body = Scene::new();
        for (r, label) in labels.iter().enumerate() {
            let mid = y + row_h / 2;
            if r % 2 == 1 {
                scene.rect(MARGIN, y, w - MARGIN, y + row_h, palette::ROW_SHADE);
            }
            let lines = text::wrap(label, LABEL_SIZE, label_w, 2);
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
            let mut acc = 0u64;
            for (i, c) in counts[r].iter().enumerate() {
                if *c == 0 {
                    continue;
                }
                let (x0, x1) = (x_of(acc as f64), x_of(acc.saturating_add(*c) as f64));
                acc = acc.saturating_add(*c);
                let colour = palette::status(i);
                body.rect(x0, mid - bar_h / 2, x1, mid + bar_h / 2, colour);
                // A thin white gap between segments, so equal colours never merge.
                body.rect(
                    x1 - 1,
                    mid - bar_h / 2,
                    x1,
                    mid + bar_h / 2,
                    palette::BACKGROUND,
                );
                let label = c.to_string();
                if text::width(&label, SMALL_SIZE) + 6 <= x1 - x0 {
                    body.text(
                        (x0 + x1) / 2,
                        mid,
                        &label,
                        SMALL_SIZE,
                        palette::text_on(colour),
                        Align::Center,
                    );
                }
            }
            let end = if acc == 0 {
                bar_x0 + 2
            } else {
                x_of(acc as f64) + 6
            };
            let total = if acc == 0 {
                "no actions recorded".to_string()
            } else {
                total_texts[r].clone()
            };
            body.text(end, mid, &total, SMALL_SIZE, palette::MUTED, Align::Left);
            y += row_h;
        }
        for t in &ticks {
            scene.line(vec![(x_of(*t), top), (x_of(*t), y)], palette::GRID, 1);
        }
        scene.line(vec![(bar_x0, top), (bar_x0, y)], palette::AXIS, 1);
        scene.shapes.extend(body.shapes);
        let tick_y = y + 4 + SMALL_LINE / 2;
        let tick_labels: Vec<String> = ticks.iter().map(|t| number(*t, 0)).collect();
        let widest = tick_labels
            .iter()
            .map(|l| text::width(l, SMALL_SIZE))
            .max()
            .unwrap_or(0);
        let spacing = f64::from(bar_x1 - bar_x0) / (ticks.len().max(2) - 1) as f64;
        for (t, label) in ticks
            .iter()
            .zip(&tick_labels)
            .step_by(label_stride(spacing, widest))
        {
            scene.text(
                x_of(*t),
                tick_y,
                label,
                SMALL_SIZE,
                palette::MUTED,
                Align::Center,
            );
        }
        let y = scene.notes(
            &[
                "Each bar counts a recommendation's actions by their status on the date above."
                    .to_string(),
            ],
            tick_y + SMALL_LINE,
        );
        scene.finish(y, &title)
    }
}
