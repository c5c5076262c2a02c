//! Charts for the progress report: five kinds, each drawn from a plain data struct to SVG (with
//! its data in words as `<title>` and `<desc>`) and to PNG (text from the embedded DejaVu Sans,
//! so it renders on a machine with no fonts).
//!
//! Analysis fills the structs; nothing here computes a statistic. Every chart is laid out as a
//! `scene::Scene` of shapes in pixels, at a fixed width with a height that grows with the rows,
//! labels measured with the embedded font and wrapped or cut to their column, so that nothing
//! overlaps or leaves the canvas. Colours come from `palette`, which is colour-blind safe.

mod heatmap;
mod likert;
mod palette;
mod scene;
mod scorecard;
mod status;
mod text;
mod trend;

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};

pub use heatmap::{HeatCell, HeatMapChart};
pub use likert::{LikertChart, LikertItem};
pub use scene::{MAX_HEIGHT, WIDTH};
pub use scorecard::{IndicatorPoint, ScorecardChart};
pub use status::{StatusChart, StatusRow};
pub use trend::{TrendChart, TrendPoint, TrendSeries};

/// Why a chart could not be drawn. No data, however odd, makes a chart panic.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// Nothing to draw: no items, rows, columns, waves or levels.
    #[error("chart \"{title}\": nothing to draw ({what})")]
    Empty { title: String, what: &'static str },
    /// The data are too many for one chart; split them.
    #[error("chart \"{title}\" would be {height} px tall, more than {MAX_HEIGHT} px: split it")]
    TooLarge { title: String, height: u32 },
    /// The embedded font could not be loaded.
    #[error("chart font: {0}")]
    Font(String),
    /// plotters failed to draw.
    #[error("drawing a chart: {0}")]
    Draw(String),
    /// The PNG could not be encoded.
    #[error("encoding a chart as PNG: {0}")]
    Png(String),
}

/// One chart of any kind: what analysis hands to the report.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    Likert(LikertChart),
    Scorecard(ScorecardChart),
    HeatMap(HeatMapChart),
    Trend(TrendChart),
    Status(StatusChart),
}

impl Chart {
    /// The chart's title as given (cleaned of control characters).
    pub fn title(&self) -> String {
        text::clean(match self {
            Chart::Likert(c) => &c.title,
            Chart::Scorecard(c) => &c.title,
            Chart::HeatMap(c) => &c.title,
            Chart::Trend(c) => &c.title,
            Chart::Status(c) => &c.title,
        })
    }

    /// The chart and its data in words, for screen readers and for anyone who cannot see the
    /// picture: a sentence on what it shows, then every figure it draws. This is the SVG's
    /// `<desc>` and what the report should use as the PNG's `alt`.
    pub fn alt_text(&self) -> String {
        match self {
            Chart::Likert(c) => c.alt_text(),
            Chart::Scorecard(c) => c.alt_text(),
            Chart::HeatMap(c) => c.alt_text(),
            Chart::Trend(c) => c.alt_text(),
            Chart::Status(c) => c.alt_text(),
        }
    }

    /// The chart as a standalone SVG document, [`WIDTH`] px wide, whose first children are
    /// `<title>` and `<desc>` (the alt text). Every data-derived string is XML-escaped.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let scene = self.scene()?;
        let mut svg = String::new();
        {
            let root =
                SVGBackend::with_string(&mut svg, (scene.width, scene.height)).into_drawing_area();
            scene.paint(&root, true)?;
        }
        Ok(with_title_and_desc(&svg, &self.title(), &self.alt_text()))
    }

    /// The chart as a PNG image, [`WIDTH`] px wide, RGB, 8 bits per channel.
    pub fn to_png(&self) -> Result<Vec<u8>, ChartError> {
        let scene = self.scene()?;
        let (w, h) = (scene.width, scene.height);
        let mut pixels = vec![255u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            scene.paint(&root, false)?;
        }
        scene.draw_png_text(&mut pixels);
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| ChartError::Png(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| ChartError::Png(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| ChartError::Png(e.to_string()))?;
        Ok(out)
    }

    fn scene(&self) -> Result<scene::Scene, ChartError> {
        text::ensure_font()?;
        match self {
            Chart::Likert(c) => c.scene(),
            Chart::Scorecard(c) => c.scene(),
            Chart::HeatMap(c) => c.scene(),
            Chart::Trend(c) => c.scene(),
            Chart::Status(c) => c.scene(),
        }
    }
}

/// Inserts `<title>` and `<desc>` as the first children of the `<svg>` element (plotters writes
/// neither), and `role="img"` so assistive technology reads the SVG as one image.
fn with_title_and_desc(svg: &str, title: &str, desc: &str) -> String {
    let head = format!(
        "\n<title>{}</title>\n<desc>{}</desc>",
        text::xml_escape(title),
        text::xml_escape(desc)
    );
    match svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end))
    {
        Some(end) => {
            let open = svg[..end].replacen("<svg", "<svg role=\"img\"", 1);
            format!("{open}>{head}{}", &svg[end + 1..])
        }
        None => svg.to_string(),
    }
}

#[cfg(test)]
mod tests;
