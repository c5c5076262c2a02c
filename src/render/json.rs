//! JSON: `{ "title": ..., "tables": [ { "title", "columns", "rows", "footnotes" } ] }`, with
//! rows as objects keyed by column name. Suppressed figures are `"suppressed"`, absent ones null.

use std::io::Write;

use serde_json::{json, Map, Value};

use super::{Cell, Table, SUPPRESSED_WORD};

pub fn write(out: &mut dyn Write, heading: &str, tables: &[Table]) -> std::io::Result<()> {
    let tables: Vec<Value> = tables
        .iter()
        .map(Table::flattened)
        .map(|t| {
            let rows: Vec<Value> = t
                .rows
                .iter()
                .map(|row| {
                    let mut object = Map::new();
                    for (column, cell) in t.columns.iter().zip(row) {
                        object.insert(column.name.clone(), cell_value(cell));
                    }
                    Value::Object(object)
                })
                .collect();
            json!({
                "title": t.title,
                "columns": t.columns,
                "rows": rows,
                "footnotes": t.footnotes,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &json!({ "title": heading, "tables": tables }))?;
    writeln!(out)
}

fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(i) => json!(i),
        Cell::Float(x) => json!(x),
        Cell::CountPercent { count, percent } => json!({ "n": count, "percent": percent }),
        Cell::Empty => Value::Null,
        Cell::Suppressed => Value::String(SUPPRESSED_WORD.into()),
    }
}
