//! mctrack: survey evidence and recommendation tracking for micro-credential pilot programmes.
//!
//! Data flows one way: `ingest` -> `store` -> `analysis` -> `render`, with the `codebook` read
//! by all, and `tracking` (recommendation actions and their status history) beside analysis.
//! `cli` is a thin layer over the library.

pub mod analysis;
pub mod cli;
pub mod codebook;
pub mod dataset;
pub mod error;
pub mod ingest;
pub mod parallel;
pub mod privacy;
pub mod render;
pub mod report;
pub mod sample;
pub mod stats;
pub mod store;
pub mod tracking;
pub mod workspace;

pub use error::{Error, Result};
