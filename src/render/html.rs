//! The progress report as one self-contained HTML file: inline CSS, no scripts, no network. A
//! print stylesheet makes the browser's "Save as PDF" a clean document. Every string that comes
//! from data or the codebook passes through `escape`.

use std::fmt::Write;

use super::report::{Block, Report};
use super::{display, Cell, ColumnKind, Table};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5b6574; --rule: #d9dee5; --accent: #0b5cad; --band: #f4f6f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header.cover { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: 1rem; }
header.cover h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
header.cover p { margin: .2rem 0; color: var(--muted); }
nav.toc { background: var(--band); padding: .8rem 1.2rem; border-radius: 6px; margin-bottom: 2rem; }
nav.toc ol { margin: 0; padding-left: 1.2rem; columns: 2; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .6rem; border-bottom: 1px solid var(--rule); padding-bottom: .3rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
blockquote { margin: .6rem 0 1rem; padding: .6rem 1rem; border-left: 4px solid var(--accent);
             background: var(--band); }
blockquote footer { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
.table-wrap { overflow-x: auto; margin: .4rem 0 .3rem; }
table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .55rem; vertical-align: top; }
th { background: var(--band); text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.s { color: var(--muted); text-align: center; font-style: italic; }
ul.notes { margin: .2rem 0 1.2rem; padding-left: 1.1rem; color: var(--muted); font-size: .8rem; }
figure { margin: 1rem 0 1.5rem; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .8rem; margin-top: .3rem; }
ul.comments li { margin-bottom: .35rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 10pt; }
  table { font-size: 7.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: page; }
  h2.first { break-before: avoid; }
  table, figure, blockquote { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole report as one HTML document.
pub fn document(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<header class=\"cover\">\n<h1>{}</h1>\n",
        escape(&report.title),
        escape(&report.title)
    );
    for line in &report.lede {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str("</header>\n<nav class=\"toc\" aria-label=\"Contents\"><ol>\n");
    for section in &report.sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            escape(&section.anchor),
            escape(&section.title)
        );
    }
    out.push_str("</ol></nav>\n");
    for (s, section) in report.sections.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2{}>{}</h2>",
            escape(&section.anchor),
            if s == 0 { " class=\"first\"" } else { "" },
            escape(&section.title)
        );
        for block in &section.blocks {
            block_html(&mut out, block);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn block_html(out: &mut String, block: &Block) {
    match block {
        Block::Heading(text) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(text));
        }
        Block::Text(text) => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
        Block::Quote { text, source } => {
            let _ = writeln!(
                out,
                "<blockquote><p>{}</p><footer>{}</footer></blockquote>",
                escape(text),
                escape(source)
            );
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", escape(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Table(table) => table_html(out, table),
        Block::Chart { chart, .. } => {
            // A chart that cannot be drawn is replaced by its data in words.
            let svg = chart.to_svg().unwrap_or_else(|e| {
                format!("<p class=\"chart-error\">{}</p>", escape(&e.to_string()))
            });
            let svg = svg
                .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .unwrap_or(&svg)
                .trim_start();
            let _ = writeln!(
                out,
                "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>",
                escape(&chart.title())
            );
        }
        Block::Comments { title, comments } => {
            let _ = writeln!(out, "<h3>{}</h3>\n<ul class=\"comments\">", escape(title));
            for comment in comments {
                let _ = writeln!(out, "<li>{}</li>", escape(comment));
            }
            out.push_str("</ul>\n");
        }
    }
}

fn table_html(out: &mut String, table: &Table) {
    let numeric = |kind: ColumnKind| !matches!(kind, ColumnKind::Text);
    let _ = writeln!(
        out,
        "<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n<thead><tr>",
        escape(&table.title)
    );
    for column in &table.columns {
        let _ = write!(
            out,
            "<th scope=\"col\"{}>{}</th>",
            if numeric(column.kind) {
                " class=\"num\""
            } else {
                ""
            },
            escape(&column.name)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (cell, column) in row.iter().zip(&table.columns) {
            let class = match cell {
                Cell::Suppressed => " class=\"s\" title=\"suppressed: too few respondents\"",
                _ if numeric(column.kind) => " class=\"num\"",
                _ => "",
            };
            let _ = write!(
                out,
                "<td{class}>{}</td>",
                escape(&display(cell, column.kind))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    if !table.footnotes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for note in &table.footnotes {
            let _ = writeln!(out, "<li>{}</li>", escape(note));
        }
        out.push_str("</ul>\n");
    }
}
