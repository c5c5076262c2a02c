//! Analysis: codebook x Dataset -> result tables. Returns data (`Table`s), never formatted text.

pub mod compare;
pub mod counts;
pub mod crosstab;
pub mod distribution;
pub mod heat;
pub mod indicators;
pub mod inspect;
pub mod quality;
pub mod scales;
pub mod scorecard;
pub mod summary;
pub mod tally;
pub mod trend;
