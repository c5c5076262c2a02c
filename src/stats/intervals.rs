//! Confidence intervals for what a summary shows: means (Student t), proportions (Wilson, and
//! Clopper-Pearson for tiny n), medians of ordinal answers (order statistics), and differences
//! between two groups (Newcombe for proportions, Welch for means).
//!
//! `level` is the confidence level as a fraction (0.95). Every function returns None when it is
//! not strictly between 0 and 1, and when the data cannot carry an interval, as each documents.
//! In slices of values a NaN (or any non-finite value) marks a missing answer and is skipped,
//! as in `describe`.

use statrs::distribution::{Beta, Binomial, ContinuousCDF, DiscreteCDF, Normal, StudentsT};

use super::descriptive::describe;
use super::histogram::Histogram;

/// An estimate with its two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A confidence level is a fraction strictly between 0 and 1.
pub(crate) fn is_level(level: f64) -> bool {
    level > 0.0 && level < 1.0
}

/// The z with P(|Z| <= z) = level for a standard normal Z; None unless 0 < level < 1.
pub(crate) fn z_critical(level: f64) -> Option<f64> {
    is_level(level).then(|| Normal::standard().inverse_cdf((1.0 + level) / 2.0))
}

/// `estimate` plus or minus the two-sided Student t quantile times `se`; None unless df > 0.
pub(crate) fn t_interval(estimate: f64, se: f64, df: f64, level: f64) -> Option<Interval> {
    if !is_level(level) {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let half = t.inverse_cdf((1.0 + level) / 2.0) * se;
    Some(Interval {
        estimate,
        lower: estimate - half,
        upper: estimate + half,
    })
}

/// Two-sided p-value of a Student t statistic; None unless df > 0.
pub(crate) fn t_p_value(t: f64, df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * dist.sf(t.abs())).min(1.0))
}

/// Mean with its Student t interval; None below two values. All-equal values give the
/// zero-width interval at the mean.
pub fn mean_t(values: &[f64], level: f64) -> Option<Interval> {
    let d = describe(values)?;
    mean_interval(d.n as f64, d.mean, d.sd?, level)
}

/// `mean_t` of the answers counted in `histogram`, `values[k]` being the value of level k;
/// None also when `values` has fewer entries than the histogram has levels.
pub fn mean_t_histogram(histogram: &Histogram, values: &[f64], level: f64) -> Option<Interval> {
    if values.len() < histogram.counts.len() {
        return None;
    }
    let n = histogram.n() as f64;
    mean_interval(n, histogram.mean(values)?, histogram.sd(values)?, level)
}

fn mean_interval(n: f64, mean: f64, sd: f64, level: f64) -> Option<Interval> {
    t_interval(mean, sd / n.sqrt(), n - 1.0, level)
}

/// Proportion `successes / n` with the Wilson score interval, which keeps its coverage near
/// 0 and 1 where the Wald interval fails. None when n is 0 or successes exceed n.
pub fn wilson(successes: u64, n: u64, level: f64) -> Option<Interval> {
    if n == 0 || successes > n {
        return None;
    }
    wilson_interval(successes as f64 / n as f64, n as f64, level)
}

/// Wilson's interval for proportion `p` out of `n` (n may be an effective, non-integer size).
pub(crate) fn wilson_interval(p: f64, n: f64, level: f64) -> Option<Interval> {
    let z = z_critical(level)?;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        estimate: p,
        lower: (centre - half).max(0.0).min(p),
        upper: (centre + half).min(1.0).max(p),
    })
}

/// Proportion with the Clopper-Pearson "exact" interval from Beta quantiles: never below its
/// level, so it is offered for tiny n where its width is the honest answer. None when n is 0 or
/// successes exceed n.
pub fn clopper_pearson(successes: u64, n: u64, level: f64) -> Option<Interval> {
    if n == 0 || successes > n || !is_level(level) {
        return None;
    }
    let tail = (1.0 - level) / 2.0;
    let (x, n) = (successes as f64, n as f64);
    let lower = if successes == 0 {
        0.0
    } else {
        Beta::new(x, n - x + 1.0).ok()?.inverse_cdf(tail)
    };
    let upper = if x == n {
        1.0
    } else {
        Beta::new(x + 1.0, n - x).ok()?.inverse_cdf(1.0 - tail)
    };
    Some(Interval {
        estimate: x / n,
        lower,
        upper,
    })
}

/// A median with its distribution-free interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianInterval {
    pub median: f64,
    pub lower: f64,
    pub upper: f64,
    /// The coverage actually achieved, at least `level`: order statistics move in steps.
    pub coverage: f64,
}

/// Median with the exact order-statistic interval of R's `DescTools::MedianCI(method =
/// "exact")` (and scipy's `quantile_test`): with k the smallest count such that
/// P(B <= k) >= (1 - level) / 2 for B ~ Binomial(n, 1/2), the interval runs from the k-th to
/// the (n - k + 1)-th smallest value. It needs no distribution, so it suits ordinal answers.
/// None when no value is present, or when n is too small for the level (k = 0: below 6 answers
/// at 95%).
pub fn median_interval(values: &[f64], level: f64) -> Option<MedianInterval> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    order_interval(sorted.len() as u64, |rank| sorted[rank as usize], level)
}

/// `median_interval` of the answers counted in `histogram`, `values[k]` being the value of
/// level k (in increasing order); None also when `values` has fewer entries than the histogram
/// has levels.
pub fn median_interval_histogram(
    histogram: &Histogram,
    values: &[f64],
    level: f64,
) -> Option<MedianInterval> {
    if values.len() < histogram.counts.len() {
        return None;
    }
    let at = |rank: u64| {
        let mut seen = 0;
        for (&count, &value) in histogram.counts.iter().zip(values) {
            seen += count;
            if seen > rank {
                return value;
            }
        }
        f64::NAN
    };
    order_interval(histogram.n(), at, level)
}

/// The interval from `at(rank)`, the value of 0-based `rank` in sorted order of n values.
fn order_interval(n: u64, at: impl Fn(u64) -> f64, level: f64) -> Option<MedianInterval> {
    if n == 0 || !is_level(level) {
        return None;
    }
    let binomial = Binomial::new(0.5, n).ok()?;
    let tail = (1.0 - level) / 2.0;
    // Smallest k with P(B <= k) >= tail; it is at most n / 2 because P(B <= n / 2) >= 1/2.
    let (mut low, mut high) = (0, n / 2);
    while low < high {
        let mid = (low + high) / 2;
        if binomial.cdf(mid) >= tail {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let k = low;
    if k == 0 {
        return None;
    }
    Some(MedianInterval {
        median: (at((n - 1) / 2) + at(n / 2)) / 2.0,
        lower: at(k - 1),
        upper: at(n - k),
        coverage: 1.0 - 2.0 * binomial.cdf(k - 1),
    })
}

/// Difference p1 - p2 of two independent proportions with Newcombe's hybrid score interval
/// (his method 10: Wilson intervals of each proportion combined), which behaves at 0 and 1
/// where the Wald interval does not. None when either n is 0 or successes exceed n.
pub fn newcombe(x1: u64, n1: u64, x2: u64, n2: u64, level: f64) -> Option<Interval> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    newcombe_interval(
        (x1 as f64 / n1 as f64, n1 as f64),
        (x2 as f64 / n2 as f64, n2 as f64),
        level,
    )
}

/// `newcombe` from each group's (proportion, n); n may be an effective, non-integer size.
pub(crate) fn newcombe_interval(
    first: (f64, f64),
    second: (f64, f64),
    level: f64,
) -> Option<Interval> {
    let a = wilson_interval(first.0, first.1, level)?;
    let b = wilson_interval(second.0, second.1, level)?;
    let d = a.estimate - b.estimate;
    Some(Interval {
        estimate: d,
        lower: d - ((a.estimate - a.lower).powi(2) + (b.upper - b.estimate).powi(2)).sqrt(),
        upper: d + ((a.upper - a.estimate).powi(2) + (b.estimate - b.lower).powi(2)).sqrt(),
    })
}

/// Welch's comparison of two means: the difference, its interval and the t test, without
/// assuming equal variances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// mean(x) - mean(y), with its interval.
    pub difference: Interval,
    pub t: f64,
    /// Welch-Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// Welch's t for mean(x) - mean(y). None when a group has fewer than two values, or when
/// neither group varies (the standard error is zero: nothing to test).
pub fn welch(x: &[f64], y: &[f64], level: f64) -> Option<Welch> {
    let (a, b) = (describe(x)?, describe(y)?);
    welch_from(
        (a.n as f64, a.mean, a.sd?),
        (b.n as f64, b.mean, b.sd?),
        level,
    )
}

/// `welch` of the answers counted in two histograms, `values[k]` being the value of level k;
/// None also when `values` has fewer entries than a histogram has levels.
pub fn welch_histograms(x: &Histogram, y: &Histogram, values: &[f64], level: f64) -> Option<Welch> {
    if values.len() < x.counts.len().max(y.counts.len()) {
        return None;
    }
    welch_from(
        (x.n() as f64, x.mean(values)?, x.sd(values)?),
        (y.n() as f64, y.mean(values)?, y.sd(values)?),
        level,
    )
}

/// From (n, mean, sd) of each group.
pub(crate) fn welch_from(x: (f64, f64, f64), y: (f64, f64, f64), level: f64) -> Option<Welch> {
    let vx = x.2 * x.2 / x.0;
    let vy = y.2 * y.2 / y.0;
    let se = (vx + vy).sqrt();
    if se == 0.0 {
        return None;
    }
    let df = (vx + vy).powi(2) / (vx * vx / (x.0 - 1.0) + vy * vy / (y.0 - 1.0));
    let d = x.1 - y.1;
    let t = d / se;
    Some(Welch {
        difference: t_interval(d, se, df, level)?,
        t,
        df,
        p: t_p_value(t, df)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bisection finds the same k as counting up from zero.
    #[test]
    fn order_statistics_are_the_smallest_with_enough_tail() {
        for n in 1..300u64 {
            let binomial = Binomial::new(0.5, n).unwrap();
            for level in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999] {
                let tail = (1.0 - level) / 2.0;
                let k = (0..=n).find(|&k| binomial.cdf(k) >= tail).unwrap();
                let found = order_interval(n, |rank| rank as f64, level);
                match found {
                    None => assert_eq!(k, 0, "n = {n}, level {level}"),
                    Some(m) => {
                        assert_eq!((m.lower, m.upper), ((k - 1) as f64, (n - k) as f64));
                        assert!(m.coverage >= level, "n = {n}, level {level}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_level_is_strictly_between_zero_and_one() {
        for level in [0.0, 1.0, -0.5, 95.0, f64::NAN] {
            assert_eq!(mean_t(&[1.0, 2.0, 4.0], level), None);
            assert_eq!(wilson(3, 10, level), None);
            assert_eq!(clopper_pearson(3, 10, level), None);
            assert_eq!(median_interval(&[1.0; 20], level), None);
        }
    }
}
