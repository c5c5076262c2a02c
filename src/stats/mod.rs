//! Pure statistics: numbers in, numbers out. Nothing here knows about surveys, files or the
//! command line. Every function is checked against reference values computed by numpy and
//! pandas (tests/reference/make_reference.py).

pub mod adjust;
pub mod descriptive;
pub mod histogram;
pub mod inference;
pub mod intervals;
pub mod reliability;
pub mod trend;
pub mod weights;
