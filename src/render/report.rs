//! The progress report as a document: sections of blocks that every report format (HTML,
//! Markdown, Excel) renders in its own way. `report/` fills it; this module only holds it.

use super::charts::Chart;
use super::Table;

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub title: String,
    /// Headline sentences under the title.
    pub lede: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The fragment identifier, also the Markdown anchor: letters, digits and `-` only.
    pub anchor: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Text(String),
    /// Quoted text, such as a recommendation verbatim, with where it comes from.
    Quote {
        text: String,
        source: String,
    },
    List(Vec<String>),
    Table(Table),
    /// A chart; `name` is a file name stem, unique in the report, for formats that keep
    /// charts in files beside the text.
    Chart {
        name: String,
        chart: Chart,
    },
    /// Free-text answers, already masked and checked against the minimum cell size.
    Comments {
        title: String,
        comments: Vec<String>,
    },
}

impl Report {
    /// Every table, in document order: the workbook's sheets.
    pub fn tables(&self) -> impl Iterator<Item = (&Section, &Table)> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(move |b| match b {
                Block::Table(t) => Some((s, t)),
                _ => None,
            })
        })
    }

    /// Every chart with its file name stem, in document order.
    pub fn charts(&self) -> impl Iterator<Item = (&str, &Chart)> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Chart { name, chart } => Some((name.as_str(), chart)),
                _ => None,
            })
        })
    }
}
