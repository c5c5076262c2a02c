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

use super::intervals::{
    newcombe_interval, t_interval, welch_from, wilson_interval, z_critical, Interval, Welch,
};

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

/// The weighted counterpart of `Histogram`: the sum of weights per level, with what Kish's
/// effective n needs (the sum of squared weights) and the unweighted count, which is still the
/// base a reader is told. Unlike the functions above it takes a weight per answer as it comes,
/// so a summary can fill one per group in a single pass.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedHistogram {
    /// Sum of the weights of the answers at each level.
    pub sums: Vec<f64>,
    /// Sum of the squared weights of every answer.
    pub squares: f64,
    /// Answers counted, whatever their weight.
    pub n: u64,
}

impl WeightedHistogram {
    pub fn new(levels: usize) -> WeightedHistogram {
        WeightedHistogram {
            sums: vec![0.0; levels],
            squares: 0.0,
            n: 0,
        }
    }

    /// Counts one answer at 0-based `level` with weight `w` (finite, non-negative: the import
    /// checks weights).
    pub fn add(&mut self, level: usize, w: f64) {
        self.sums[level] += w;
        self.squares += w * w;
        self.n += 1;
    }

    pub fn merge(&mut self, other: &WeightedHistogram) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        self.squares += other.squares;
        self.n += other.n;
    }

    pub fn total(&self) -> f64 {
        self.sums.iter().sum()
    }

    /// Kish's effective sample size; None when no weight is positive.
    pub fn n_eff(&self) -> Option<f64> {
        let total = self.total();
        (total > 0.0).then(|| total * total / self.squares)
    }

    /// Weighted share (0 to 1) of the answers at `levels`.
    pub fn share(&self, levels: std::ops::Range<usize>) -> Option<f64> {
        let total = self.total();
        (total > 0.0).then(|| self.sums[levels].iter().sum::<f64>() / total)
    }

    /// Weighted mean of the level values, `values[k]` being the value of level k.
    pub fn mean(&self, values: &[f64]) -> Option<f64> {
        let total = self.total();
        (total > 0.0 && values.len() >= self.sums.len()).then(|| {
            self.sums
                .iter()
                .zip(values)
                .map(|(w, v)| w * v)
                .sum::<f64>()
                / total
        })
    }

    /// The weighted variance sum w (x - mean)^2 / sum w, the "population" form that the Kish
    /// standard error divides by n_eff - 1.
    fn variance(&self, values: &[f64]) -> Option<f64> {
        let mean = self.mean(values)?;
        Some(
            self.sums
                .iter()
                .zip(values)
                .map(|(w, v)| w * (v - mean) * (v - mean))
                .sum::<f64>()
                / self.total(),
        )
    }

    /// Weighted standard deviation with the n / (n - 1) correction that R's `survey::svyvar`
    /// applies, n being the answers counted; with equal weights it is the sample SD.
    pub fn sd(&self, values: &[f64]) -> Option<f64> {
        let n = self.n as f64;
        (self.n > 1).then_some(())?;
        Some((self.variance(values)? * n / (n - 1.0)).sqrt())
    }

    /// The weighted quantile at `p` (0 to 1): the smallest value whose cumulative weight
    /// reaches p of the total, or the mean of it and the next value when the cumulative weight
    /// equals p of the total exactly. This is statsmodels' `DescrStatsW.quantile`, and with equal
    /// weights the median is the usual one.
    pub fn quantile(&self, values: &[f64], p: f64) -> Option<f64> {
        let total = self.total();
        if total <= 0.0 || values.len() < self.sums.len() || !(0.0..=1.0).contains(&p) {
            return None;
        }
        let target = p * total;
        let present: Vec<usize> = (0..self.sums.len())
            .filter(|&k| self.sums[k] > 0.0)
            .collect();
        let mut cumulative = 0.0;
        for (j, &k) in present.iter().enumerate() {
            cumulative += self.sums[k];
            let tolerance = 1e-12 * total;
            if (cumulative - target).abs() <= tolerance {
                let next = present.get(j + 1).map_or(values[k], |&n| values[n]);
                return Some((values[k] + next) / 2.0);
            }
            if cumulative > target {
                return Some(values[k]);
            }
        }
        present.last().map(|&k| values[k])
    }

    pub fn median(&self, values: &[f64]) -> Option<f64> {
        self.quantile(values, 0.5)
    }

    /// The weighted mean with the Kish t interval (see `weighted_mean_interval`).
    pub fn mean_interval(&self, values: &[f64], level: f64) -> Option<Interval> {
        let n_eff = self.n_eff()?;
        if n_eff <= 1.0 {
            return None;
        }
        let se = (self.variance(values)? / (n_eff - 1.0)).sqrt();
        t_interval(self.mean(values)?, se, n_eff - 1.0, level)
    }

    /// The weighted share of `levels` with Wilson's interval at n_eff.
    pub fn share_interval(&self, levels: std::ops::Range<usize>, level: f64) -> Option<Interval> {
        wilson_interval(self.share(levels)?, self.n_eff()?, level)
    }

    /// Woodruff's interval for the weighted median, as R's `survey::svyquantile` computes by
    /// default: a Wald interval for the share of weight at or below the median,
    /// 0.5 +/- z sqrt(0.25 / n_eff), turned back into values through the weighted quantile.
    pub fn median_interval(&self, values: &[f64], level: f64) -> Option<Interval> {
        let z = z_critical(level)?;
        let half = z * (0.25 / self.n_eff()?).sqrt();
        Some(Interval {
            estimate: self.median(values)?,
            lower: self.quantile(values, (0.5 - half).max(0.0))?,
            upper: self.quantile(values, (0.5 + half).min(1.0))?,
        })
    }

    /// Welch's comparison of the weighted means of `self` and `other`: each mean's standard
    /// error is its Kish one, and the degrees of freedom come from n_eff - 1 in each group.
    pub fn welch(&self, other: &WeightedHistogram, values: &[f64], level: f64) -> Option<Welch> {
        let moments = |h: &WeightedHistogram| -> Option<(f64, f64, f64)> {
            let n_eff = h.n_eff()?;
            (n_eff > 1.0).then_some(())?;
            let sd = (h.variance(values)? * n_eff / (n_eff - 1.0)).sqrt();
            Some((n_eff, h.mean(values)?, sd))
        };
        welch_from(moments(self)?, moments(other)?, level)
    }

    /// Newcombe's interval for the difference between the weighted shares of `levels` in
    /// `self` and `other`, from Wilson intervals at each one's n_eff.
    pub fn share_difference(
        &self,
        other: &WeightedHistogram,
        levels: std::ops::Range<usize>,
        level: f64,
    ) -> Option<Interval> {
        newcombe_interval(
            (self.share(levels.clone())?, self.n_eff()?),
            (other.share(levels)?, other.n_eff()?),
            level,
        )
    }
}

/// What a summary shows for a weighted numeric question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedDescription {
    /// Values present, whatever their weight.
    pub n: usize,
    pub n_eff: f64,
    pub mean: f64,
    /// svyvar's SD (see `WeightedHistogram::sd`); None below two values.
    pub sd: Option<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// The weighted total, sum w x: the estimate of the population's sum.
    pub total: f64,
}

/// `describe` with weights: NaN marks a missing value. The distinct values become the levels of
/// a `WeightedHistogram`, so the mean, SD and median follow the same definitions as for rating
/// items. None when the input is invalid or no present value has a positive weight.
pub fn weighted_describe(values: &[f64], weights: &[f64]) -> Option<WeightedDescription> {
    let (x, w) = present(values, weights)?;
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut levels: Vec<f64> = order.iter().map(|&i| x[i]).collect();
    levels.dedup();
    let mut histogram = WeightedHistogram::new(levels.len());
    for (xi, wi) in x.iter().zip(&w) {
        let level = levels.partition_point(|v| v < xi);
        histogram.add(level, *wi);
    }
    Some(WeightedDescription {
        n: x.len(),
        n_eff: histogram.n_eff()?,
        mean: histogram.mean(&levels)?,
        sd: histogram.sd(&levels),
        median: histogram.median(&levels)?,
        min: *levels.first()?,
        max: *levels.last()?,
        total: x.iter().zip(&w).map(|(x, w)| x * w).sum(),
    })
}
