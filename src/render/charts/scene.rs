//! A chart is first laid out as a `Scene`: a list of shapes in pixel coordinates on a canvas
//! of known size. One painter then draws a scene on any plotters backend, so SVG and PNG are
//! the same picture, and layout (where overlaps and clipping happen) can be checked without
//! rendering.

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle};

use super::palette;
use super::text;
use super::ChartError;

/// Canvas width of every chart, in pixels: fits an A4 page or a slide at full width.
pub const WIDTH: u32 = 900;
/// The tallest chart drawn (a 900 × 20 000 RGB buffer is 54 MB); past it the data should be
/// split into several charts.
pub const MAX_HEIGHT: u32 = 20_000;

/// Space kept clear around the edge of the canvas.
pub(crate) const MARGIN: i32 = 20;
pub(crate) const TITLE_SIZE: f64 = 20.0;
pub(crate) const LABEL_SIZE: f64 = 14.0;
pub(crate) const SMALL_SIZE: f64 = 12.0;
/// Baseline-to-baseline distance of wrapped label lines.
pub(crate) const LABEL_LINE: i32 = 17;
pub(crate) const SMALL_LINE: i32 = 15;

#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        fill: RGBColor,
    },
    /// An unfilled rectangle, one pixel wide.
    Frame {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: RGBColor,
    },
    Line {
        points: Vec<(i32, i32)>,
        color: RGBColor,
        width: u32,
    },
    Polygon {
        points: Vec<(i32, i32)>,
        color: RGBColor,
        opacity: f64,
    },
    Circle {
        x: i32,
        y: i32,
        r: i32,
        color: RGBColor,
        filled: bool,
    },
    /// One line of text, vertically centred on `y`.
    Text {
        x: i32,
        y: i32,
        text: String,
        size: f64,
        color: RGBColor,
        anchor: Align,
    },
}

/// Horizontal alignment of text on its x coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

impl From<Align> for HPos {
    fn from(a: Align) -> HPos {
        match a {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Scene {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
}

/// How a legend entry is drawn beside its label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Fill(RGBColor),
    /// Grey, hatched, as suppressed heat-map cells.
    Hatched,
    /// White with a grey outline, as heat-map cells without data.
    Empty,
    /// A line with the series marker.
    Series(usize),
    /// A shaded band, as trend intervals.
    Band,
    /// A dashed line, as targets.
    Dashed(RGBColor),
    /// A scorecard marker: met (circle) or not met (diamond).
    Marker(bool),
    /// A thick interval line.
    Interval,
    /// A vertical target tick.
    Tick,
}

impl Scene {
    pub fn new() -> Self {
        Scene {
            width: WIDTH,
            height: 0,
            shapes: Vec::new(),
        }
    }

    pub fn w(&self) -> i32 {
        self.width as i32
    }

    pub fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, fill: RGBColor) {
        if x1 > x0 && y1 > y0 {
            self.shapes.push(Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
            });
        }
    }

    pub fn frame(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor) {
        self.shapes.push(Shape::Frame {
            x0,
            y0,
            x1,
            y1,
            color,
        });
    }

    pub fn line(&mut self, points: Vec<(i32, i32)>, color: RGBColor, width: u32) {
        if points.len() >= 2 {
            self.shapes.push(Shape::Line {
                points,
                color,
                width,
            });
        }
    }

    /// A dashed straight line.
    pub fn dashed(&mut self, from: (i32, i32), to: (i32, i32), color: RGBColor, width: u32) {
        let (dx, dy) = (f64::from(to.0 - from.0), f64::from(to.1 - from.1));
        let length = (dx * dx + dy * dy).sqrt();
        if length < 1.0 {
            return;
        }
        let (dash, gap) = (6.0, 4.0);
        let mut t = 0.0;
        while t < length {
            let end = (t + dash).min(length);
            let at = |d: f64| {
                (
                    from.0 + (dx * d / length).round() as i32,
                    from.1 + (dy * d / length).round() as i32,
                )
            };
            self.line(vec![at(t), at(end)], color, width);
            t += dash + gap;
        }
    }

    /// Diagonal hatching inside a rectangle, clipped to it.
    pub fn hatch(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor) {
        let step = 5;
        let (w, h) = (x1 - x0, y1 - y0);
        if w <= 0 || h <= 0 {
            return;
        }
        // Lines x - y = c, for c from -h to w, clipped to the rectangle.
        let mut c = -h + step;
        while c < w {
            let start = (x0 + c.max(0), y0 + (-c).max(0));
            let len = (w - c.max(0)).min(h - (-c).max(0));
            let end = (start.0 + len, start.1 + len);
            self.line(vec![start, end], color, 1);
            c += step;
        }
    }

    pub fn polygon(&mut self, points: Vec<(i32, i32)>, color: RGBColor, opacity: f64) {
        if points.len() >= 3 {
            self.shapes.push(Shape::Polygon {
                points,
                color,
                opacity,
            });
        }
    }

    pub fn circle(&mut self, x: i32, y: i32, r: i32, color: RGBColor, filled: bool) {
        self.shapes.push(Shape::Circle {
            x,
            y,
            r,
            color,
            filled,
        });
    }

    /// One line of text centred vertically on `y`. Returns its measured width.
    pub fn text(
        &mut self,
        x: i32,
        y: i32,
        text: &str,
        size: f64,
        color: RGBColor,
        anchor: Align,
    ) -> i32 {
        if text.is_empty() {
            return 0;
        }
        let width = text::width(text, size);
        self.shapes.push(Shape::Text {
            x,
            y,
            text: text.to_string(),
            size,
            color,
            anchor,
        });
        width
    }

    /// Lines of text, the first centred on `y`, each `line_height` below the previous.
    #[allow(clippy::too_many_arguments)]
    pub fn lines(
        &mut self,
        x: i32,
        y: i32,
        lines: &[String],
        size: f64,
        line_height: i32,
        color: RGBColor,
        anchor: Align,
    ) {
        for (i, line) in lines.iter().enumerate() {
            self.text(x, y + i as i32 * line_height, line, size, color, anchor);
        }
    }

    /// The title, wrapped to the canvas width in at most two lines. Returns the y below it.
    pub fn title(&mut self, title: &str, y: i32) -> i32 {
        let lines = text::wrap(title, TITLE_SIZE, self.w() - 2 * MARGIN, 2);
        let line_height = 26;
        let top = y + line_height / 2;
        self.lines(
            MARGIN,
            top,
            &lines,
            TITLE_SIZE,
            line_height,
            palette::INK,
            Align::Left,
        );
        y + line_height * lines.len().max(1) as i32 + 6
    }

    /// Legend entries laid out left to right, wrapping onto new rows. Returns the y below it.
    pub fn legend(&mut self, entries: &[(Swatch, String)], y: i32) -> i32 {
        let row_height = 22;
        let swatch = 14;
        let gap = 18;
        let right = self.w() - MARGIN;
        let mut x = MARGIN;
        let mut row_y = y + row_height / 2;
        let max_label = right - MARGIN - swatch - 6;
        for (kind, label) in entries {
            let label = text::fit(label, SMALL_SIZE, max_label);
            let entry_width = swatch + 6 + text::width(&label, SMALL_SIZE);
            if x > MARGIN && x + entry_width > right {
                x = MARGIN;
                row_y += row_height;
            }
            self.swatch(*kind, x, row_y, swatch);
            self.text(
                x + swatch + 6,
                row_y,
                &label,
                SMALL_SIZE,
                palette::INK,
                Align::Left,
            );
            x += entry_width + gap;
        }
        if entries.is_empty() {
            y
        } else {
            row_y + row_height / 2 + 4
        }
    }

    /// Draws a legend swatch `size` wide, centred vertically on `y`.
    pub fn swatch(&mut self, kind: Swatch, x: i32, y: i32, size: i32) {
        let (y0, y1) = (y - size / 2, y - size / 2 + size);
        match kind {
            Swatch::Fill(colour) => self.rect(x, y0, x + size, y1, colour),
            Swatch::Hatched => {
                self.rect(x, y0, x + size, y1, palette::SUPPRESSED);
                self.hatch(x, y0, x + size, y1, palette::HATCH);
            }
            Swatch::Empty => self.frame(x, y0, x + size, y1 - 1, palette::AXIS),
            Swatch::Series(i) => {
                self.line(vec![(x, y), (x + size, y)], palette::series(i), 2);
                self.marker(i, x + size / 2, y, palette::series(i));
            }
            Swatch::Band => self.rect(x, y0 + 2, x + size, y1 - 2, palette::AXIS),
            Swatch::Dashed(colour) => {
                self.line(vec![(x, y), (x + 5, y)], colour, 2);
                self.line(vec![(x + 9, y), (x + size, y)], colour, 2);
            }
            Swatch::Marker(met) => self.status_marker(met, x + size / 2, y),
            Swatch::Interval => self.line(vec![(x, y), (x + size, y)], palette::AXIS, 3),
            Swatch::Tick => self.rect(x + size / 2 - 1, y0, x + size / 2 + 1, y1, palette::TARGET),
        }
    }

    /// The marker of line series `i`: circle, square, triangle, diamond, in turn.
    pub fn marker(&mut self, i: usize, x: i32, y: i32, colour: RGBColor) {
        let r = 5;
        match i % 4 {
            0 => self.circle(x, y, r, colour, true),
            1 => self.polygon(
                vec![
                    (x - r, y - r),
                    (x + r, y - r),
                    (x + r, y + r),
                    (x - r, y + r),
                ],
                colour,
                1.0,
            ),
            2 => self.polygon(
                vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                colour,
                1.0,
            ),
            _ => self.polygon(
                vec![
                    (x, y - r - 1),
                    (x + r + 1, y),
                    (x, y + r + 1),
                    (x - r - 1, y),
                ],
                colour,
                1.0,
            ),
        }
    }

    /// A scorecard estimate: a circle when the target is met, a diamond when it is not.
    pub fn status_marker(&mut self, met: bool, x: i32, y: i32) {
        if met {
            self.circle(x, y, 6, palette::MET, true);
        } else {
            let r = 7;
            self.polygon(
                vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
                palette::NOT_MET,
                1.0,
            );
        }
    }

    /// Notes below the chart, each wrapped to the canvas width. Returns the y below them.
    pub fn notes(&mut self, notes: &[String], y: i32) -> i32 {
        let mut y = y;
        for note in notes {
            let lines = text::wrap(note, SMALL_SIZE, self.w() - 2 * MARGIN, 4);
            self.lines(
                MARGIN,
                y + SMALL_LINE / 2,
                &lines,
                SMALL_SIZE,
                SMALL_LINE,
                palette::MUTED,
                Align::Left,
            );
            y += SMALL_LINE * lines.len() as i32 + 2;
        }
        y
    }

    /// Sets the canvas height to `y` plus the bottom margin.
    pub fn finish(mut self, y: i32, title: &str) -> Result<Scene, ChartError> {
        let height = u32::try_from(y + MARGIN).unwrap_or(0);
        if height > MAX_HEIGHT {
            return Err(ChartError::TooLarge {
                title: title.to_string(),
                height,
            });
        }
        self.height = height.max(1);
        Ok(self)
    }

    /// Draws the scene on a plotters drawing area of the scene's size; text too when `text`,
    /// else the caller draws it afterwards (see [`Scene::draw_png_text`]).
    pub fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: bool,
    ) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let draw = |e: plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>| {
            ChartError::Draw(e.to_string())
        };
        root.fill(&palette::BACKGROUND).map_err(draw)?;
        for shape in &self.shapes {
            match shape {
                Shape::Rect {
                    x0,
                    y0,
                    x1,
                    y1,
                    fill,
                } => root.draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], fill.filled())),
                Shape::Frame {
                    x0,
                    y0,
                    x1,
                    y1,
                    color,
                } => root.draw(&Rectangle::new(
                    [(*x0, *y0), (*x1, *y1)],
                    ShapeStyle::from(color),
                )),
                Shape::Line {
                    points,
                    color,
                    width,
                } => root.draw(&PathElement::new(
                    points.clone(),
                    color.stroke_width(*width),
                )),
                Shape::Polygon {
                    points,
                    color,
                    opacity,
                } => root.draw(&Polygon::new(points.clone(), color.mix(*opacity).filled())),
                Shape::Circle {
                    x,
                    y,
                    r,
                    color,
                    filled,
                } => {
                    let style = if *filled {
                        color.filled()
                    } else {
                        color.stroke_width(2)
                    };
                    root.draw(&Circle::new((*x, *y), (*r).max(0), style))
                }
                Shape::Text { .. } if !text => Ok(()),
                Shape::Text {
                    x,
                    y,
                    text,
                    size,
                    color,
                    anchor,
                } => {
                    let style = FontDesc::new(FontFamily::SansSerif, *size, FontStyle::Normal)
                        .color(color)
                        .pos(Pos::new((*anchor).into(), VPos::Center));
                    root.draw(&Text::new(text.clone(), (*x, *y), style))
                }
            }
            .map_err(draw)?;
        }
        root.present().map_err(draw)
    }
}

impl Scene {
    /// Draws the scene's text, over everything else, into the RGB8 buffer `paint` filled.
    pub fn draw_png_text(&self, pixels: &mut [u8]) {
        for shape in &self.shapes {
            if let Shape::Text {
                x,
                y,
                text,
                size,
                color,
                anchor,
            } = shape
            {
                text::draw_png_text(
                    pixels,
                    self.width,
                    self.height,
                    text,
                    (*x, *y),
                    *size,
                    *color,
                    *anchor,
                );
            }
        }
    }
}

/// Round tick positions covering `lo..=hi`, about `target` of them: steps of 1, 2, 2.5 or 5
/// times a power of ten. Returns the widened range and the ticks.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (f64, f64, Vec<f64>) {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    if hi - lo < 1e-9 {
        let pad = if lo.abs() > 1e-9 { lo.abs() * 0.1 } else { 1.0 };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let count = ((end - start) / step).round() as usize;
    let ticks = (0..=count.min(50))
        .map(|i| start + i as f64 * step)
        .collect();
    (start, end, ticks)
}

/// Label every how many ticks, so that labels up to `widest` px wide, `spacing` px apart,
/// never touch.
pub(crate) fn label_stride(spacing: f64, widest: i32) -> usize {
    if spacing.is_finite() && spacing > 0.0 {
        ((f64::from(widest) + 8.0) / spacing).ceil().max(1.0) as usize
    } else {
        usize::MAX
    }
}

/// Decimals needed to label ticks without two reading the same (2.5 needs one, 0.25 two).
pub(crate) fn tick_decimals(ticks: &[f64]) -> usize {
    let step = match ticks {
        [a, b, ..] => (b - a).abs(),
        _ => 1.0,
    };
    (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

#[cfg(test)]
impl Shape {
    /// The pixels a shape covers, as (x0, y0, x1, y1).
    pub fn bounds(&self) -> (i32, i32, i32, i32) {
        let of_points = |points: &[(i32, i32)], pad: i32| {
            let xs = points.iter().map(|p| p.0);
            let ys = points.iter().map(|p| p.1);
            (
                xs.clone().min().unwrap_or(0) - pad,
                ys.clone().min().unwrap_or(0) - pad,
                xs.max().unwrap_or(0) + pad,
                ys.max().unwrap_or(0) + pad,
            )
        };
        match self {
            Shape::Rect { x0, y0, x1, y1, .. } | Shape::Frame { x0, y0, x1, y1, .. } => {
                (*x0, *y0, *x1, *y1)
            }
            Shape::Line { points, width, .. } => of_points(points, (*width as i32) / 2),
            Shape::Polygon { points, .. } => of_points(points, 0),
            Shape::Circle { x, y, r, .. } => (x - r, y - r, x + r, y + r),
            Shape::Text {
                x,
                y,
                text,
                size,
                anchor,
                ..
            } => {
                // The font's layout box: measured width, height size / 1.24.
                let width = text::width(text, *size);
                let h = (size / 1.24).ceil() as i32;
                let x0 = match anchor {
                    Align::Left => *x,
                    Align::Center => x - width / 2,
                    Align::Right => x - width,
                };
                (x0, y - h / 2, x0 + width, y + h / 2)
            }
        }
    }
}
