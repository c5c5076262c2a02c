//! The sufficient statistic of a summary: for every cell of responses that share a source,
//! pilot, wave and role, the histogram of each categorical question (missing answers in slot
//! 0), option counts of select-all questions, how many answered each free-text question, and
//! numeric answers with their position in the input (a median needs the values; the position
//! keeps sums in input order, so figures match the in-memory path to the last bit).
//!
//! Every summary figure is a function of these counts, so a summary can be computed without
//! holding responses in memory: memory is cells x questions x levels, not rows. Counts of two
//! parts of a file merge by adding, which lets a file be counted in chunks on every core.

use std::collections::HashMap;
use std::ops::AddAssign;

use crate::codebook::{Codebook, QuestionKind};
use crate::ingest::mapping::Answer;
use crate::ingest::Response;

/// Which responses a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    /// An index into `Counts::present`.
    pub source: u32,
    /// An index into `Counts::pilot_ids`.
    pub pilot: u32,
    /// Indices into the codebook's waves and roles.
    pub wave: u8,
    pub role: u8,
}

/// Where one question's counters sit in a cell's counter array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slots {
    /// Likert, single and yes/no: `at` counts missing answers, `at + l` answers at level l.
    Levels { at: usize, levels: usize },
    /// Select-all: `at` missing, `at + 1` answered, `at + 2 + k` chose option k.
    Choices { at: usize, options: usize },
    /// Free text: `at` counts answers.
    Answered { at: usize },
    /// Numeric answers are kept as values, not counted.
    Numbers,
}

/// The counter layout of a codebook: slot 0 counts rows, then each question's slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub slots: Vec<Slots>,
    pub width: usize,
}

impl Layout {
    pub fn new(codebook: &Codebook) -> Layout {
        let mut width = 1;
        let slots = codebook
            .questions
            .iter()
            .map(|q| {
                let at = width;
                match q.kind {
                    QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo => {
                        let levels = codebook.level_labels(q).len();
                        width += levels + 1;
                        Slots::Levels { at, levels }
                    }
                    QuestionKind::Multi => {
                        width += q.options.len() + 2;
                        Slots::Choices {
                            at,
                            options: q.options.len(),
                        }
                    }
                    QuestionKind::Text => {
                        width += 1;
                        Slots::Answered { at }
                    }
                    QuestionKind::Numeric => Slots::Numbers,
                }
            })
            .collect();
        Layout { slots, width }
    }

    /// Counts one answer to question `q` into `counters` (one cell's array).
    pub fn count(&self, counters: &mut [u64], q: usize, answer: &Answer) {
        match (self.slots[q], answer) {
            (Slots::Levels { at, .. }, Answer::Level(l)) => counters[at + *l as usize] += 1,
            (Slots::Levels { at, .. }, _) => counters[at] += 1,
            (Slots::Choices { at, .. }, Answer::Choices(set)) if *set != 0 => {
                self.count_choices(counters, at, *set)
            }
            (Slots::Choices { at, .. }, _) => counters[at] += 1,
            (Slots::Answered { at }, Answer::Text(_)) => counters[at] += 1,
            _ => {}
        }
    }

    /// Counts a non-empty select-all answer whose slots start at `at`.
    pub fn count_choices<C: AddAssign + From<u8>>(&self, counters: &mut [C], at: usize, set: u64) {
        counters[at + 1] += C::from(1);
        let mut bits = set;
        while bits != 0 {
            counters[at + 2 + bits.trailing_zeros() as usize] += C::from(1);
            bits &= bits - 1;
        }
    }
}

/// Counts of every cell, and the numeric answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    pub layout: Layout,
    /// Distinct pilot ids as the input spelled them; cells index into it.
    pub pilot_ids: Vec<String>,
    /// Per source, per question: whether the source had a column for it (see `Dataset`).
    pub present: Vec<Vec<bool>>,
    /// Cells in the order first seen, each with `layout.width` counters.
    pub cells: Vec<(CellKey, Vec<u64>)>,
    /// Per cell, numeric answers as (question, position in the input, value; NaN if missing).
    pub numbers: Vec<Vec<(u32, u64, f64)>>,
    index: HashMap<CellKey, usize>,
}

impl Counts {
    pub fn new(codebook: &Codebook) -> Counts {
        Counts {
            layout: Layout::new(codebook),
            pilot_ids: Vec::new(),
            present: Vec::new(),
            cells: Vec::new(),
            numbers: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Responses counted.
    pub fn rows(&self) -> u64 {
        self.cells.iter().map(|(_, c)| c[0]).sum()
    }

    pub fn add_source(&mut self, present: Vec<bool>) -> u32 {
        self.present.push(present);
        (self.present.len() - 1) as u32
    }

    /// The index of pilot `id`, added if new.
    pub fn pilot_index(&mut self, id: &str) -> u32 {
        match self.pilot_ids.iter().position(|p| p == id) {
            Some(i) => i as u32,
            None => {
                self.pilot_ids.push(id.to_string());
                (self.pilot_ids.len() - 1) as u32
            }
        }
    }

    /// The index of the cell `key`, added empty if new.
    pub fn cell(&mut self, key: CellKey) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.cells.push((key, vec![0; self.layout.width]));
        self.numbers.push(Vec::new());
        self.index.insert(key, self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// Adds `counters` (a cell's array counted elsewhere, such as in another thread) to `key`.
    pub fn merge_cell(&mut self, key: CellKey, counters: &[u64]) {
        let i = self.cell(key);
        for (a, b) in self.cells[i].1.iter_mut().zip(counters) {
            *a += b;
        }
    }

    /// Counts one accepted response of `source`; `position` orders it among all inputs.
    pub fn add_response(&mut self, source: u32, position: u64, response: &Response) {
        let pilot = self.pilot_index(&response.pilot);
        let cell = self.cell(CellKey {
            source,
            pilot,
            wave: response.wave as u8,
            role: response.role as u8,
        });
        let layout = &self.layout;
        let counters = &mut self.cells[cell].1;
        counters[0] += 1;
        for (q, answer) in response.answers.iter().enumerate() {
            if layout.slots[q] == Slots::Numbers {
                let value = match answer {
                    Answer::Number(x) => *x,
                    _ => f64::NAN,
                };
                self.numbers[cell].push((q as u32, position, value));
            } else {
                layout.count(counters, q, answer);
            }
        }
    }

    /// The cells kept by `keep`, as new counts (pilots, sources and numbers kept alongside).
    pub fn filter(&self, keep: impl Fn(&CellKey) -> bool) -> Counts {
        let mut out = Counts {
            layout: self.layout.clone(),
            pilot_ids: self.pilot_ids.clone(),
            present: self.present.clone(),
            cells: Vec::new(),
            numbers: Vec::new(),
            index: HashMap::new(),
        };
        for (i, (key, counters)) in self.cells.iter().enumerate() {
            if keep(key) {
                out.merge_cell(*key, counters);
                let at = out.index[key];
                out.numbers[at].extend_from_slice(&self.numbers[i]);
            }
        }
        out
    }
}
