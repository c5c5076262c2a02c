//! Estimates from weighted responses, with Kish's effective sample size.
//!
//! Weights change the estimate and also how much information the data carry: n respondents with
//! unequal weights are worth n_eff = (sum w)^2 / sum w^2 <= n unweighted ones. The intervals here
//! use the Kish approximation: they treat the weighted estimate as if it came from a simple
//! random sample of n_eff. That ignores strata and clusters (no design information is known), but
//! it is the standard first-order correction and it reduces to the unweighted interval when all
//! weights are equal.
//!
//! Weights must be finite and non-negative (zero excludes a response); any other weight makes
//! the input invalid and the function returns None, as do slices of different lengths.

use super::intervals::{t_interval, wilson_interval, Interval};

/// Kish's effective sample size (sum w)^2 / sum w^2; None when a weight is invalid or none is
/// positive.
pub fn kish_n_eff(weights: &[f64]) -> Option<f64> {
    if !valid(weights) {
        return None;
    }
    let sum: f64 = weights.iter().sum();
    let squares: f64 = weights.iter().map(|w| w * w).sum();
    (sum > 0.0).then(|| sum * sum / squares)
}

/// Weighted mean of the values present (NaN marks a missing value); None when the input is
/// invalid or no present value has a positive weight.
pub fn weighted_mean(values: &[f64], weights: &[f64]) -> Option<f64> {
    let (x, w) = present(values, weights)?;
    mean(&x, &w)
}

/// A weighted estimate with its interval and the effective sample size behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedEstimate {
    pub interval: Interval,
    pub n_eff: f64,
}

/// Weighted mean with a Student t interval on n_eff: standard error sqrt(v / (n_eff - 1)) where
/// v = sum w (x - mean)^2 / sum w, and n_eff - 1 degrees of freedom. With equal weights this is
/// the ordinary t interval. None when the input is invalid or n_eff <= 1.
pub fn weighted_mean_interval(
    values: &[f64],
    weights: &[f64],
    level: f64,
) -> Option<WeightedEstimate> {
    let (x, w) = present(values, weights)?;
    let mean = mean(&x, &w)?;
    let n_eff = kish_n_eff(&w)?;
    if n_eff <= 1.0 {
        return None;
    }
    let sum: f64 = w.iter().sum();
    let v = x
        .iter()
        .zip(&w)
        .map(|(x, w)| w * (x - mean) * (x - mean))
        .sum::<f64>()
        / sum;
    Some(WeightedEstimate {
        interval: t_interval(mean, (v / (n_eff - 1.0)).sqrt(), n_eff - 1.0, level)?,
        n_eff,
    })
}

/// Weighted share of `chosen` responses with the Wilson interval at n_eff. The caller passes
/// only the responses that answered. None when the input is invalid or no weight is positive.
pub fn weighted_proportion(
    chosen: &[bool],
    weights: &[f64],
    level: f64,
) -> Option<WeightedEstimate> {
    if chosen.len() != weights.len() {
        return None;
    }
    let n_eff = kish_n_eff(weights)?;
    let total: f64 = weights.iter().sum();
    let yes: f64 = chosen
        .iter()
        .zip(weights)
        .filter(|(c, _)| **c)
        .map(|(_, w)| w)
        .sum();
    Some(WeightedEstimate {
        interval: wilson_interval(yes / total, n_eff, level)?,
        n_eff,
    })
}

fn valid(weights: &[f64]) -> bool {
    weights.iter().all(|w| w.is_finite() && *w >= 0.0)
}

/// The pairs whose value is present; None when the lengths differ or a weight is invalid.
fn present(values: &[f64], weights: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    if values.len() != weights.len() || !valid(weights) {
        return None;
    }
    Some(
        values
            .iter()
            .zip(weights)
            .filter(|(x, _)| !x.is_nan())
            .map(|(x, w)| (*x, *w))
            .unzip(),
    )
}

fn mean(x: &[f64], w: &[f64]) -> Option<f64> {
    let sum: f64 = w.iter().sum();
    (sum > 0.0).then(|| x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / sum)
}
