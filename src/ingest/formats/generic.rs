//! mctrack's own layout: one header row of question ids (or aliases, or question text).

use super::{single_row_layout, Layout, Platform};

pub fn layout(rows: &[Vec<String>]) -> Layout {
    single_row_layout(Platform::Generic, rows, 1, |_| None, &[";"], &[])
}
