//! The library's error type. Each variant carries what a programme officer needs to act:
//! the file, and where there is one the line or row, the column and the value.

use std::path::PathBuf;

/// Exit code for input that validation rejected (DESIGN.md: 0 ok, 1 error, 2 usage, 3 rejected).
pub const EXIT_REJECTED: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A mistake in the codebook, recommendations or pilots file, with its line.
    #[error("{}:{line}: {message}", path.display())]
    Definition {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// An input file that validation rejected; the problems were already reported one per line.
    #[error("{}: rejected: {summary}", path.display())]
    Rejected { path: PathBuf, summary: String },
    /// The store could not be opened, read or written.
    #[error("store {}: {source}", path.display())]
    Store {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A request that cannot be met as asked (unknown question id, no workspace, ...).
    #[error("{0}")]
    Invalid(String),
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] crate::render::charts::ChartError),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The process exit code this error should end with.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Definition { .. } | Error::Rejected { .. } => EXIT_REJECTED,
            Error::Io { .. } | Error::Store { .. } | Error::Invalid(_) | Error::Chart(_) => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
