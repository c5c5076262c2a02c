//! The table every command hands to `render`: typed columns, rows of cells, and footnotes
//! such as bases and suppression notes that must travel with the numbers.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ColumnKind {
    Text,
    Int,
    /// A measured number shown as it is, without trailing zeros (counts stored as reals).
    Number,
    Float {
        decimals: usize,
    },
    /// A percentage from 0 to 100.
    Percent {
        decimals: usize,
    },
    /// A count with its percentage of the base: "303 (7.8)" for people, two columns
    /// ("n NAME", "% NAME") in CSV and JSON.
    CountPercent {
        decimals: usize,
    },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Column {
    pub name: String,
    #[serde(flatten)]
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    CountPercent {
        count: i64,
        percent: f64,
    },
    /// No value (a statistic that does not exist, such as the sd of one answer).
    Empty,
    /// A value withheld because it rests on too few respondents.
    Suppressed,
}

impl Cell {
    pub fn opt_float(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Float)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub footnotes: Vec<String>,
}

impl Table {
    pub fn new(title: impl Into<String>) -> Table {
        Table {
            title: title.into(),
            ..Table::default()
        }
    }

    pub fn column(mut self, name: impl Into<String>, kind: ColumnKind) -> Table {
        self.columns.push(Column {
            name: name.into(),
            kind,
        });
        self
    }

    /// The table with every count-and-percent column split in two, for machine formats.
    pub fn flattened(&self) -> Table {
        let split = |kind: ColumnKind| matches!(kind, ColumnKind::CountPercent { .. });
        if !self.columns.iter().any(|c| split(c.kind)) {
            return self.clone();
        }
        let mut columns = Vec::new();
        for column in &self.columns {
            match column.kind {
                ColumnKind::CountPercent { decimals } => {
                    columns.push(Column {
                        name: format!("n {}", column.name),
                        kind: ColumnKind::Int,
                    });
                    columns.push(Column {
                        name: format!("% {}", column.name),
                        kind: ColumnKind::Percent { decimals },
                    });
                }
                kind => columns.push(Column {
                    name: column.name.clone(),
                    kind,
                }),
            }
        }
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = Vec::new();
                for (cell, column) in row.iter().zip(&self.columns) {
                    match (cell, split(column.kind)) {
                        (Cell::CountPercent { count, percent }, _) => {
                            cells.push(Cell::Int(*count));
                            cells.push(Cell::Float(*percent));
                        }
                        (other, true) => {
                            cells.push(other.clone());
                            cells.push(other.clone());
                        }
                        (other, false) => cells.push(other.clone()),
                    }
                }
                cells
            })
            .collect();
        Table {
            title: self.title.clone(),
            columns,
            rows,
            footnotes: self.footnotes.clone(),
        }
    }

    pub fn has_suppressed(&self) -> bool {
        self.rows.iter().any(|r| r.contains(&Cell::Suppressed))
    }
}
