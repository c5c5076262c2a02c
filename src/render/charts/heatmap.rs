//! A heat map of pilots × recommendations. Each cell is coloured on a sequential scale and
//! carries its value; a suppressed cell is hatched grey and marked "s", never shown as zero.

use super::palette;
use super::scene::{Align, Scene, Swatch, MARGIN, SMALL_LINE, SMALL_SIZE};
use super::text::{self, clean, number};
use super::ChartError;
use crate::render::SUPPRESSED_MARK;

/// Values by row (pilot) and column (recommendation).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMapChart {
    pub title: String,
    /// What the cell values are, e.g. "% top-2": named in the colour legend.
    pub value_label: String,
    /// Row labels, e.g. pilots.
    pub rows: Vec<String>,
    /// Column labels, e.g. R1..R8.
    pub columns: Vec<String>,
    /// `cells[row][column]`; a missing cell is drawn as no data.
    pub cells: Vec<Vec<HeatCell>>,
    /// The minimum cell size, for the legend entry "suppressed (n < min_cell)".
    pub min_cell: u64,
    /// The ends of the colour scale, e.g. (0, 100) for percentages, so that maps can be
    /// compared; `None` spans the values shown.
    pub domain: Option<(f64, f64)>,
}

/// One cell of the heat map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatCell {
    /// A value with its base.
    Value { value: f64, n: u64 },
    /// Too few respondents to show (n below the minimum cell size, or a complement).
    Suppressed,
    /// Nothing asked or answered.
    NoData,
}

impl HeatMapChart {
    fn cell(&self, row: usize, column: usize) -> HeatCell {
        match self.cells.get(row).and_then(|r| r.get(column)) {
            Some(HeatCell::Value { value, .. }) if !value.is_finite() => HeatCell::NoData,
            Some(cell) => *cell,
            None => HeatCell::NoData,
        }
    }

    /// The colour scale's ends: the given domain, else the values' range.
    fn domain(&self) -> (f64, f64) {
        if let Some((lo, hi)) = self.domain {
            if lo.is_finite() && hi.is_finite() && hi > lo {
                return (lo, hi);
            }
        }
        let values: Vec<f64> = (0..self.rows.len())
            .flat_map(|r| (0..self.columns.len()).map(move |c| (r, c)))
            .filter_map(|(r, c)| match self.cell(r, c) {
                HeatCell::Value { value, .. } => Some(value),
                _ => None,
            })
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else if lo.is_finite() {
            (lo - 1.0, lo + 1.0)
        } else {
            (0.0, 1.0)
        }
    }

    fn decimals(&self) -> usize {
        let (lo, hi) = self.domain();
        if hi - lo >= 10.0 {
            0
        } else {
            1
        }
    }

    pub(crate) fn alt_text(&self) -> String {
        let title = clean(&self.title);
        let value_label = clean(&self.value_label);
        let decimals = self.decimals();
        let mut out = format!(
            "{title}. Heat map of {value_label} for {} rows by {} columns ({}); cells with \
             fewer than {} respondents are suppressed.",
            self.rows.len(),
            self.columns.len(),
            self.columns
                .iter()
                .map(|c| clean(c))
                .collect::<Vec<_>>()
                .join(", "),
            self.min_cell
        );
        for (r, row) in self.rows.iter().enumerate() {
            let cells: Vec<String> = self
                .columns
                .iter()
                .enumerate()
                .map(|(c, column)| {
                    let value = match self.cell(r, c) {
                        HeatCell::Value { value, n } => {
                            format!("{} (n = {n})", number(value, decimals))
                        }
                        HeatCell::Suppressed => "suppressed".to_string(),
                        HeatCell::NoData => "no data".to_string(),
                    };
                    format!("{} {value}", clean(column))
                })
                .collect();
            out.push_str(&format!(" {}: {}.", clean(row), cells.join(", ")));
        }
        out
    }

    pub(crate) fn scene(&self) -> Result<Scene, ChartError> {
        let title = clean(&self.title);
        if self.rows.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no rows",
            });
        }
        if self.columns.is_empty() {
            return Err(ChartError::Empty {
                title,
                what: "no columns",
            });
        }
        let (lo, hi) = self.domain();
        let decimals = self.decimals();
        let mut scene = Scene::new();
        let w = scene.w();
        let mut y = scene.title(&title, MARGIN);

        // Legend: the colour ramp with its ends, then suppressed and no data.
        let value_label = text::fit(&clean(&self.value_label), SMALL_SIZE, 300);
        let ramp_y = y + 10;
        let mut x = MARGIN;
        if !value_label.is_empty() {
            x += scene.text(
                x,
                ramp_y,
                &value_label,
                SMALL_SIZE,
                palette::INK,
                Align::Left,
            ) + 10;
        }
        let lo_text = number(lo, decimals);
        x += scene.text(x, ramp_y, &lo_text, SMALL_SIZE, palette::MUTED, Align::Left) + 4;
        let (steps, step_w) = (40, 4);
        let ramp_w = steps * step_w;
        for i in 0..steps {
            scene.rect(
                x + i * step_w,
                ramp_y - 7,
                x + (i + 1) * step_w,
                ramp_y + 7,
                palette::sequential(f64::from(i) / f64::from(steps - 1)),
            );
        }
        x += ramp_w + 4;
        let hi_text = number(hi, decimals);
        x += scene.text(x, ramp_y, &hi_text, SMALL_SIZE, palette::MUTED, Align::Left);
        let rest = [
            (
                Swatch::Hatched,
                format!("s: suppressed (n < {})", self.min_cell),
            ),
            (Swatch::Empty, "no data".to_string()),
        ];
        let rest_w: i32 = rest
            .iter()
            .map(|(_, l)| 14 + 6 + text::width(l, SMALL_SIZE) + 18)
            .sum();
        y = if x + 24 + rest_w <= w - MARGIN {
            // Room on the same row: lay the other entries out after the ramp.
            let mut x = x + 24;
            for (swatch, label) in &rest {
                scene.swatch(*swatch, x, ramp_y, 14);
                x += 20 + scene.text(x + 20, ramp_y, label, SMALL_SIZE, palette::INK, Align::Left);
                x += 18;
            }
            ramp_y + 16
        } else {
            scene.legend(&rest, ramp_y + 12)
        };
        y += 6;

        // Columns: row labels | cells.
        let rows: Vec<String> = self.rows.iter().map(|r| clean(r)).collect();
        let label_w = rows
            .iter()
            .map(|r| text::width(r, SMALL_SIZE))
            .max()
            .unwrap_or(0)
            .clamp(40, 260);
        let grid_x0 = MARGIN + label_w + 10;
        let grid_x1 = w - MARGIN;
        let ncol = self.columns.len() as i32;
        let cell_w = f64::from(grid_x1 - grid_x0) / f64::from(ncol);
        let col_x = |c: i32| grid_x0 + (f64::from(c) * cell_w).round() as i32;
        let header_lines: Vec<Vec<String>> = self
            .columns
            .iter()
            .map(|c| text::wrap(&clean(c), SMALL_SIZE, (cell_w as i32 - 4).max(0), 3))
            .collect();
        let header_rows = header_lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as i32;
        let header_h = header_rows * SMALL_LINE + 6;
        // `above`: the heading over the cells, bottom-aligned; else the repeat under them,
        // top-aligned; either way short labels sit next to the cells.
        let draw_header = |scene: &mut Scene, top: i32, above: bool| {
            for (c, lines) in header_lines.iter().enumerate() {
                let cx = (col_x(c as i32) + col_x(c as i32 + 1)) / 2;
                let first = if above {
                    top + header_h - 4 - SMALL_LINE / 2 - (lines.len() as i32 - 1) * SMALL_LINE
                } else {
                    top + 4 + SMALL_LINE / 2
                };
                scene.lines(
                    cx,
                    first,
                    lines,
                    SMALL_SIZE,
                    SMALL_LINE,
                    palette::INK,
                    Align::Center,
                );
            }
        };
        draw_header(&mut scene, y, true);
        y += header_h;

        let row_h = 20;
        for (r, label) in rows.iter().enumerate() {
            let mid = y + row_h / 2;
            let label = text::fit(label, SMALL_SIZE, label_w);
            scene.text(MARGIN, mid, &label, SMALL_SIZE, palette::INK, Align::Left);
            for c in 0..ncol {
                let (x0, x1) = (col_x(c) + 1, col_x(c + 1) - 1);
                let (y0, y1) = (y + 1, y + row_h - 1);
                let suppressed = matches!(self.cell(r, c as usize), HeatCell::Suppressed);
                let (mark, ink) = match self.cell(r, c as usize) {
                    HeatCell::Value { value, .. } => {
                        let fill = palette::sequential((value - lo) / (hi - lo));
                        scene.rect(x0, y0, x1, y1, fill);
                        (number(value, decimals), palette::text_on(fill))
                    }
                    HeatCell::Suppressed => {
                        scene.rect(x0, y0, x1, y1, palette::SUPPRESSED);
                        scene.hatch(x0, y0, x1, y1, palette::HATCH);
                        (SUPPRESSED_MARK.to_string(), palette::INK)
                    }
                    HeatCell::NoData => {
                        scene.frame(x0, y0, x1 - 1, y1 - 1, palette::GRID);
                        ("–".to_string(), palette::MUTED)
                    }
                };
                if text::width(&mark, SMALL_SIZE) + 4 <= x1 - x0 {
                    let cx = (x0 + x1) / 2;
                    if suppressed {
                        // A white disc behind the "s" keeps it legible over the hatching.
                        scene.circle(cx, mid, 7, palette::BACKGROUND, true);
                    }
                    scene.text(cx, mid, &mark, SMALL_SIZE, ink, Align::Center);
                }
            }
            y += row_h;
        }
        if self.rows.len() > 25 {
            // Long maps repeat the column labels at the foot.
            draw_header(&mut scene, y, false);
            y += header_h;
        }
        let y = scene.notes(
            &[format!(
                "Each cell shows {} for one row and column. Cells based on fewer than {} \
                 respondents are suppressed (hatched, s) so that no one can be identified.",
                if value_label.is_empty() {
                    "the value".to_string()
                } else {
                    value_label.clone()
                },
                self.min_cell
            )],
            y + 8,
        );
        scene.finish(y, &title)
    }
}
