//! Likert items as diverging stacked bars: disagreement to the left of zero, agreement to the
//! right, the neutral level of an odd scale split across zero; N/A beside the bar, never in it.

use super::palette;
use super::scene::{Align, Scene, Swatch, LABEL_LINE, LABEL_SIZE, MARGIN, SMALL_LINE, SMALL_SIZE};
use super::text::{self, clean, percent};
use super::ChartError;

/// Likert items, drawn on one axis from 100% disagreement to 100% agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct LikertChart {
    pub title: String,
    /// The scale's level labels, lowest (strongest disagreement) first. With an odd number the
    /// middle level is neutral and is centred on zero.
    pub levels: Vec<String>,
    /// Items in any order: the chart sorts them by agreement within each group.
    pub items: Vec<LikertItem>,
}

/// One item's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct LikertItem {
    /// What the reader sees beside the bar, e.g. "L06 Skills in demand".
    pub label: String,
    /// A group such as a role or a pilot. Groups are drawn one after another, in order of
    /// first appearance, on one shared axis so their bars can be compared; `None` for a chart
    /// without groups.
    pub group: Option<String>,
    /// Valid answers: the base of the percentages, shown beside every bar.
    pub n: u64,
    /// Percentage of valid answers at each level, in `levels` order; they should add up to 100
    /// (they are rescaled to 100 so rounding never pushes a bar off the axis). Missing levels
    /// count as 0; NaN and negative values as 0.
    pub percents: Vec<f64>,
    /// The share who answered N/A or don't know, drawn beside the bar because it is not part of
    /// the base; `None` when the question offers no such answer.
    pub missing_percent: Option<f64>,
}

/// An item prepared for drawing: cleaned label, percentages per level summing to 100 (or all
/// zero when there is nothing to show).
struct Prepared {
    label: String,
    n: u64,
    percents: Vec<f64>,
    missing: Option<f64>,
    agree: f64,
    disagree: f64,
    neutral: f64,
}

impl LikertChart {
    /// The items grouped (groups in order of first appearance) and sorted by agreement,
    /// strongest first; ties by disagreement, least first.
    fn prepared(&self) -> Vec<(Option<String>, Vec<Prepared>)> {
        let k = self.levels.len();
        let mut groups: Vec<(Option<String>, Vec<Prepared>)> = Vec::new();
        for item in &self.items {
            let group = item.group.as_deref().map(clean);
            let mut percents: Vec<f64> = (0..k)
                .map(|i| match item.percents.get(i) {
                    Some(p) if p.is_finite() && *p > 0.0 => *p,
                    _ => 0.0,
                })
                .collect();
            let total: f64 = percents.iter().sum();
            if total > 0.0 && total.is_finite() {
                percents.iter_mut().for_each(|p| *p *= 100.0 / total);
            } else {
                percents.iter_mut().for_each(|p| *p = 0.0);
            }
            let half = k / 2;
            let disagree = percents[..half].iter().sum();
            let agree = percents[k - half..].iter().sum();
            let neutral = if k % 2 == 1 { percents[half] } else { 0.0 };
            let prepared = Prepared {
                label: clean(&item.label),
                n: item.n,
                percents,
                missing: item
                    .missing_percent
                    .filter(|m| m.is_finite())
                    .map(|m| m.clamp(0.0, 100.0)),
                agree,
                disagree,
                neutral,
            };
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, items)) => items.push(prepared),
                None => groups.push((group, vec![prepared])),
            }
        }
        for (_, items) in &mut groups {
            items.sort_by(|a, b| {
                b.agree
                    .total_cmp(&a.agree)
                    .then(a.disagree.total_cmp(&b.disagree))
            });
        }
        groups
    }

    pub(crate) fn alt_text(&self) -> String {
        let title = clean(&self.title);
        let levels: Vec<String> = self.levels.iter().map(|l| clean(l)).collect();
        let mut out = format!(
            "{title}. Diverging bar chart of {} items on a {}-level scale ({}): \
             disagreement left, agreement right, items sorted by agreement.",
            self.items.len(),
            levels.len(),
            levels.join(", ")
        );
        for (group, items) in self.prepared() {
            if let Some(group) = group {
                out.push_str(&format!(" {group}:"));
            }
            let described: Vec<String> = items
                .iter()
                .map(|item| {
                    let mut s = format!("{} (n = {}): ", item.label, item.n);
                    if item.percents.iter().all(|p| *p == 0.0) {
                        s.push_str("no answers");
                    } else {
                        s.push_str(&format!(
                            "{} agree, {} disagree",
                            percent(item.agree),
                            percent(item.disagree)
                        ));
                        if levels.len() % 2 == 1 {
                            s.push_str(&format!(", {} neutral", percent(item.neutral)));
                        }
                        let each: Vec<String> = levels
                            .iter()
                            .zip(&item.percents)
                            .map(|(l, p)| format!("{l} {}", percent(*p)))
                            .collect();
                        s.push_str(&format!(" ({})", each.join(", ")));
                    }
                    if let Some(m) = item.missing {
                        s.push_str(&format!("; N/A {}", percent(m)));
                    }
                    s
                })
                .collect();
            out.push(' ');
            out.push_str(&described.join("; "));
            out.push('.');
        }
        out
    }

    pub(crate) fn scene(&self) -> Result<Scene, ChartError> {
        let title = clean(&self.title);
        if self.levels.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no scale levels",
            });
        }
        if self.items.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no items",
            });
        }
        let k = self.levels.len();
        let colours = palette::likert(k);
        let groups = self.prepared();
        let has_groups = groups.iter().any(|(g, _)| g.is_some());
        let has_missing = groups
            .iter()
            .any(|(_, items)| items.iter().any(|i| i.missing.is_some()));

        let mut scene = Scene::new();
        let w = scene.w();
        let mut y = scene.title(&title, MARGIN);
        let legend: Vec<(Swatch, String)> = self
            .levels
            .iter()
            .zip(&colours)
            .map(|(label, colour)| (Swatch::Fill(*colour), clean(label)))
            .collect();
        y = scene.legend(&legend, y) + 4;

        // Columns: labels | bars | n | N/A.
        let widest_label = groups
            .iter()
            .flat_map(|(_, items)| items.iter())
            .map(|i| text::width(&i.label, LABEL_SIZE))
            .max()
            .unwrap_or(0);
        let label_w = widest_label.clamp(120, 280);
        let n_w = groups
            .iter()
            .flat_map(|(_, items)| items.iter())
            .map(|i| text::width(&format!("n = {}", i.n), SMALL_SIZE))
            .max()
            .unwrap_or(0)
            .max(50);
        let na_w = if has_missing { 44 } else { 0 };
        let bars_x0 = MARGIN + label_w + 14;
        let na_x = w - MARGIN - na_w;
        let n_x = na_x - if has_missing { 12 } else { 0 } - n_w;
        let bars_x1 = n_x - 14;
        let centre = (bars_x0 + bars_x1) / 2;
        let half_w = f64::from((bars_x1 - bars_x0) / 2);
        let x_of = |pct: f64| centre + (pct / 100.0 * half_w).round() as i32;

        // Column headings.
        let head_y = y + SMALL_LINE / 2;
        scene.text(
            centre - 8,
            head_y,
            "← disagree",
            SMALL_SIZE,
            palette::MUTED,
            Align::Right,
        );
        scene.text(
            centre + 8,
            head_y,
            "agree →",
            SMALL_SIZE,
            palette::MUTED,
            Align::Left,
        );
        if has_missing {
            scene.text(
                na_x + na_w,
                head_y,
                "N/A",
                SMALL_SIZE,
                palette::MUTED,
                Align::Right,
            );
        }
        y += SMALL_LINE + 6;

        let row_h = 2 * LABEL_LINE + 8;
        let bar_h = 22;
        let grid_top = y;
        let ticks = [-100.0, -75.0, -50.0, -25.0, 0.0, 25.0, 50.0, 75.0, 100.0];
        let mut rows = Vec::new(); // (y0, y1) for shading behind the grid
        let mut body = Scene::new(); // drawn after the grid lines
        for (group, items) in &groups {
            if has_groups {
                let heading = group.clone().unwrap_or_else(|| "(no group)".to_string());
                let heading = text::fit(&heading, LABEL_SIZE, w - 2 * MARGIN);
                body.line(vec![(MARGIN, y + 2), (w - MARGIN, y + 2)], palette::AXIS, 1);
                body.text(
                    MARGIN,
                    y + 14,
                    &heading,
                    LABEL_SIZE,
                    palette::INK,
                    Align::Left,
                );
                y += 26;
            }
            for item in items {
                let mid = y + row_h / 2;
                rows.push((y, y + row_h));
                let lines = text::wrap(&item.label, LABEL_SIZE, label_w, 2);
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
                    n_x,
                    mid,
                    &format!("n = {}", item.n),
                    SMALL_SIZE,
                    palette::MUTED,
                    Align::Left,
                );
                if let Some(m) = item.missing {
                    body.text(
                        na_x + na_w,
                        mid,
                        &percent(m),
                        SMALL_SIZE,
                        palette::MUTED,
                        Align::Right,
                    );
                }
                if item.percents.iter().all(|p| *p == 0.0) {
                    body.text(
                        centre,
                        mid,
                        "no answers",
                        SMALL_SIZE,
                        palette::MUTED,
                        Align::Center,
                    );
                } else {
                    draw_bar(
                        &mut body,
                        &item.percents,
                        &colours,
                        &x_of,
                        mid - bar_h / 2,
                        mid + bar_h / 2,
                    );
                }
                y += row_h;
            }
        }
        let grid_bottom = y;
        for (i, (y0, y1)) in rows.iter().enumerate() {
            if i % 2 == 1 {
                scene.rect(MARGIN, *y0, w - MARGIN, *y1, palette::ROW_SHADE);
            }
        }
        for t in ticks {
            let colour = if t == 0.0 {
                palette::AXIS
            } else {
                palette::GRID
            };
            scene.line(vec![(x_of(t), grid_top), (x_of(t), grid_bottom)], colour, 1);
        }
        scene.shapes.extend(body.shapes);
        let tick_y = grid_bottom + 4 + SMALL_LINE / 2;
        for t in ticks {
            let label = if t == 0.0 {
                "0".to_string()
            } else {
                percent(f64::abs(t))
            };
            scene.text(
                x_of(t),
                tick_y,
                &label,
                SMALL_SIZE,
                palette::MUTED,
                Align::Center,
            );
        }
        y = tick_y + SMALL_LINE;
        let mut notes = vec![
            "Bars show the percentage of valid answers (n) at each level; items are sorted by \
             agreement within each group."
                .to_string(),
        ];
        if k % 2 == 1 {
            notes.push(format!(
                "The neutral level ({}) is split evenly either side of zero.",
                clean(&self.levels[k / 2])
            ));
        }
        if has_missing {
            notes.push(
                "N/A: the share who answered N/A or don't know, not part of n and not in the bar."
                    .to_string(),
            );
        }
        y = scene.notes(&notes, y + 4);
        scene.finish(y, &title)
    }
}

/// One item's bar: disagreement stacked leftwards from the neutral block (or zero), agreement
/// rightwards, each segment labelled with its percentage where the label fits inside it.
fn draw_bar(
    scene: &mut Scene,
    percents: &[f64],
    colours: &[plotters::style::RGBColor],
    x_of: &dyn Fn(f64) -> i32,
    y0: i32,
    y1: i32,
) {
    let k = percents.len();
    let half = k / 2;
    let neutral = if k % 2 == 1 { percents[half] } else { 0.0 };
    let mut segments: Vec<(f64, f64, usize)> = Vec::with_capacity(k); // (from, to, level)
                                                                      // Disagreement: the level next to neutral is nearest zero.
    let mut edge = -neutral / 2.0;
    for level in (0..half).rev() {
        segments.push((edge - percents[level], edge, level));
        edge -= percents[level];
    }
    if k % 2 == 1 {
        segments.push((-neutral / 2.0, neutral / 2.0, half));
    }
    let mut edge = neutral / 2.0;
    for (level, p) in percents.iter().enumerate().skip(k - half) {
        segments.push((edge, edge + p, level));
        edge += p;
    }
    for (from, to, level) in segments {
        let (x0, x1) = (x_of(from), x_of(to));
        if x1 <= x0 {
            continue;
        }
        let colour = colours[level];
        scene.rect(x0, y0, x1, y1, colour);
        let label = percent(to - from);
        if text::width(&label, SMALL_SIZE) + 4 <= x1 - x0 {
            scene.text(
                (x0 + x1) / 2,
                (y0 + y1) / 2,
                &label,
                SMALL_SIZE,
                palette::text_on(colour),
                Align::Center,
            );
        }
    }
}
