//! Output safety over arbitrary strings: whatever text comes from data or the codebook, the
//! HTML report holds no markup but its own, the Markdown report none but its anchors, and CSV
//! cells never start a formula.

use mctrack::render::html::{document, escape};
use mctrack::render::markdown;
use mctrack::render::report::{Block, Report, Section};
use mctrack::render::{Cell, ColumnKind, Table};
use proptest::prelude::*;

/// The elements the HTML report itself writes; anything else would have come from data.
const OWN_HTML: [&str; 29] = [
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "nav",
    "ol",
    "li",
    "a",
    "section",
    "blockquote",
    "footer",
    "ul",
    "div",
    "table",
    "caption",
    "thead",
    "tr",
    "th",
    "tbody",
    "td",
];

fn report_with(text: &str) -> Report {
    let mut table = Table::new(text)
        .column(text, ColumnKind::Text)
        .column("n", ColumnKind::Int);
    table
        .rows
        .push(vec![Cell::Text(text.to_string()), Cell::Int(3)]);
    table.footnotes.push(text.to_string());
    Report {
        title: text.to_string(),
        lede: vec![text.to_string()],
        sections: vec![Section {
            anchor: "s".into(),
            title: text.to_string(),
            blocks: vec![
                Block::Heading(text.to_string()),
                Block::Text(text.to_string()),
                Block::Quote {
                    text: text.to_string(),
                    source: text.to_string(),
                },
                Block::List(vec![text.to_string()]),
                Block::Table(table),
                Block::Comments {
                    title: text.to_string(),
                    comments: vec![text.to_string()],
                },
            ],
        }],
    }
}

/// The names of every element opened or closed in `html`.
fn element_names(html: &str) -> Vec<String> {
    html.match_indices('<')
        .map(|(i, _)| {
            html[i + 1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
                .collect()
        })
        .collect()
}

/// Strings that mix markup, quotes and formula starts with anything else.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[<>\"'&=+@a-z /\\-]{0,40}",
        Just("<script>alert(1)</script>".to_string()),
        Just("\"><img src=x onerror=alert(1)>".to_string()),
        Just("</td></tr></table><iframe src=//x>".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn html_escaping_leaves_no_markup_and_loses_nothing(text in hostile()) {
        let escaped = escape(&text);
        prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
        let back = escaped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        prop_assert_eq!(back, text);
    }

    #[test]
    fn the_html_report_holds_only_its_own_elements(text in hostile()) {
        let html = document(&report_with(&text));
        for name in element_names(&html) {
            prop_assert!(OWN_HTML.contains(&name.as_str()), "element <{}> from data", name);
        }
    }

    #[test]
    fn the_markdown_report_holds_only_its_anchors(text in hostile()) {
        let md = markdown::document(&report_with(&text));
        for name in element_names(&md) {
            prop_assert_eq!(name.as_str(), "a", "element <{}> from data", name);
        }
        prop_assert_eq!(md.matches("<a id=").count(), 1);
    }

    #[test]
    fn csv_cells_never_start_a_formula(text in hostile()) {
        let mut table = Table::new("t").column("c", ColumnKind::Text);
        table.rows.push(vec![Cell::Text(text.clone())]);
        let mut out = Vec::new();
        mctrack::render::write(&mut out, mctrack::render::Format::Csv, "", &[table]).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(out.as_slice());
        for record in reader.records() {
            let record = record.unwrap();
            let cell = record.get(0).unwrap_or("");
            prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
        }
    }
}
