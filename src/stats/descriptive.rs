//! Descriptive statistics of a numeric variable.

#[derive(Debug, Clone, PartialEq)]
pub struct Descriptives {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation; None below two values.
    pub sd: Option<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
}

/// Describes the finite values of `values` (NaN marks a missing value); None when there are none.
pub fn describe(values: &[f64]) -> Option<Descriptives> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let sum: f64 = sorted.iter().sum();
    let mean = sum / n as f64;
    let sd = (n > 1).then(|| {
        let ss: f64 = sorted.iter().map(|v| (v - mean) * (v - mean)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    let median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0;
    Some(Descriptives {
        n,
        mean,
        sd,
        median,
        min: sorted[0],
        max: sorted[n - 1],
        sum,
    })
}
