//! Change over time: the Mann-Kendall test for a monotonic trend in a series (wave by wave
//! estimates), and the least-squares slope with its t interval.
//!
//! NaN marks a missing point and is skipped (with its partner, for pairs).

use statrs::distribution::{ContinuousCDF, Normal};

use super::intervals::{t_interval, t_p_value};

/// The Mann-Kendall test of a series in time order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    /// Points used.
    pub n: usize,
    /// S: later-minus-earlier pairs that rise, less those that fall.
    pub s: f64,
    /// Variance of S under no trend, corrected for ties.
    pub var_s: f64,
    /// (S - sign S) / sqrt(var S): the continuity-corrected normal score.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Kendall's tau, S / (n (n - 1) / 2): the trend's direction and strength, -1 to 1.
    pub tau: f64,
}

/// Mann-Kendall test as in `pymannkendall.original_test`: no assumption about the shape of the
/// trend or the distribution, so it suits a handful of wave estimates. None below two points.
/// A series without two different values has S = 0, z = 0 and p = 1.
pub fn mann_kendall(series: &[f64]) -> Option<MannKendall> {
    let x: Vec<f64> = series.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = x.len();
    if n < 2 {
        return None;
    }
    let mut s = 0i64;
    for (i, a) in x.iter().enumerate() {
        for b in &x[i + 1..] {
            s += match b.partial_cmp(a) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    let ties: f64 = sorted
        .chunk_by(|a, b| a == b)
        .map(|block| {
            let t = block.len() as f64;
            t * (t - 1.0) * (2.0 * t + 5.0)
        })
        .sum();
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let s = s as f64;
    let z = if s == 0.0 {
        0.0
    } else {
        (s - s.signum()) / var_s.sqrt()
    };
    Some(MannKendall {
        n,
        s,
        var_s,
        z,
        p: (2.0 * Normal::standard().sf(z.abs())).min(1.0),
        tau: s / (nf * (nf - 1.0) / 2.0),
    })
}

/// A least-squares line y = intercept + slope x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearTrend {
    pub slope: f64,
    pub intercept: f64,
    /// Standard error of the slope.
    pub se: f64,
    /// n - 2.
    pub df: usize,
    /// Two-sided p-value of the t test that the slope is zero.
    pub p: f64,
    /// Pearson's correlation of x and y.
    pub r: f64,
    /// The slope's t interval.
    pub lower: f64,
    pub upper: f64,
}

/// Ordinary least-squares slope of y on x with its t interval, as `scipy.stats.linregress`.
/// None with fewer than three pairs (no residual degree of freedom) or when x does not vary.
/// When y does not vary the line is flat and certain: slope 0, se 0, r 0, p = 1 (scipy
/// returns NaN). A perfect fit has se 0 and p = 0.
pub fn linear_trend(x: &[f64], y: &[f64], level: f64) -> Option<LinearTrend> {
    if x.len() != y.len() {
        return None;
    }
    let (x, y): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let n = x.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mean_x = x.iter().sum::<f64>() / nf;
    let mean_y = y.iter().sum::<f64>() / nf;
    let ssx: f64 = x.iter().map(|a| (a - mean_x) * (a - mean_x)).sum();
    let ssy: f64 = y.iter().map(|b| (b - mean_y) * (b - mean_y)).sum();
    let sxy: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (a - mean_x) * (b - mean_y))
        .sum();
    if ssx == 0.0 {
        return None;
    }
    let df = n - 2;
    let slope = sxy / ssx;
    let intercept = mean_y - slope * mean_x;
    if ssy == 0.0 {
        return Some(LinearTrend {
            slope: 0.0,
            intercept: mean_y,
            se: 0.0,
            df,
            p: 1.0,
            r: 0.0,
            lower: 0.0,
            upper: 0.0,
        });
    }
    let sse: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (b - intercept - slope * a).powi(2))
        .sum();
    let se = (sse / df as f64 / ssx).sqrt();
    let interval = t_interval(slope, se, df as f64, level)?;
    Some(LinearTrend {
        slope,
        intercept,
        se,
        df,
        p: t_p_value(slope / se, df as f64)?,
        r: (sxy / (ssx * ssy).sqrt()).clamp(-1.0, 1.0),
        lower: interval.lower,
        upper: interval.upper,
    })
}
