//! Internal consistency of a multi-item scale: Cronbach's alpha, what alpha would be without
//! each item, and how each item correlates with the rest of the scale.
//!
//! Everything follows from the items' covariance matrix C: alpha = k / (k - 1) (1 - trace C /
//! sum C). Items must already point the same way (see `reverse`).

use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::intervals::is_level;

/// How respondents who skipped some items are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// Only respondents who answered every item: one consistent sample (the default in
    /// mctrack, SPSS and R's psych with `use = "complete.obs"`).
    Listwise,
    /// Each covariance from the respondents who answered both items (pingouin's default, and
    /// psych's `use = "pairwise"`): keeps more answers, at the price of a matrix from mixed
    /// samples.
    Pairwise,
}

/// Cronbach's alpha of a scale and what each item contributes to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    pub alpha: f64,
    /// Feldt's F-based interval for alpha at the level asked, on the `n` respondents used
    /// (pingouin's interval, except that pingouin keeps counting rows removed by listwise
    /// deletion, which narrows it).
    pub lower: f64,
    pub upper: f64,
    /// Respondents used: complete rows (listwise) or rows with any answer (pairwise).
    pub n: usize,
    pub k: usize,
    /// Alpha of the other items, per item; None with fewer than three items (one item left has
    /// no alpha) or when the others do not vary.
    pub alpha_if_dropped: Vec<Option<f64>>,
    /// Corrected item-total correlation: the item against the sum of the other items, from the
    /// covariance matrix; None when the item or the rest does not vary.
    pub item_rest: Vec<Option<f64>>,
}

/// Cronbach's alpha of `rows` (one row per respondent, one column per item, NaN for a skipped
/// item). None when rows differ in length, there are fewer than two items or two usable rows,
/// a covariance has fewer than two respondents behind it, the total score does not vary, or
/// `level` is not strictly between 0 and 1.
pub fn cronbach_alpha(rows: &[Vec<f64>], deletion: Deletion, level: f64) -> Option<Reliability> {
    if !is_level(level) {
        return None;
    }
    let k = rows.first()?.len();
    if k < 2 || rows.iter().any(|row| row.len() != k) {
        return None;
    }
    let used: Vec<&Vec<f64>> = rows
        .iter()
        .filter(|row| match deletion {
            Deletion::Listwise => row.iter().all(|v| !v.is_nan()),
            Deletion::Pairwise => row.iter().any(|v| !v.is_nan()),
        })
        .collect();
    let n = used.len();
    if n < 2 {
        return None;
    }
    let cov = covariances(&used, k)?;
    let all: Vec<usize> = (0..k).collect();
    let alpha = alpha_of(&cov, &all)?;
    let df1 = (n - 1) as f64;
    let f = FisherSnedecor::new(df1, df1 * (k - 1) as f64).ok()?;
    let tail = (1.0 - level) / 2.0;
    let others = |i: usize| -> Vec<usize> { all.iter().copied().filter(|&j| j != i).collect() };
    Some(Reliability {
        alpha,
        lower: 1.0 - (1.0 - alpha) * f.inverse_cdf(1.0 - tail),
        upper: 1.0 - (1.0 - alpha) * f.inverse_cdf(tail),
        n,
        k,
        alpha_if_dropped: (0..k).map(|i| alpha_of(&cov, &others(i))).collect(),
        item_rest: (0..k).map(|i| item_rest(&cov, i, &others(i))).collect(),
    })
}

/// The answer at `level` on a scale from `min` to `max`, turned round: min becomes max. For
/// negatively worded items before they are scored with the others.
pub fn reverse(level: f64, min: f64, max: f64) -> f64 {
    min + max - level
}

/// Sample covariance matrix (n - 1 denominator); each entry from the rows where both items are
/// present, with their own means, as pandas `DataFrame.cov`. With complete rows that is the
/// ordinary matrix. None when an entry rests on fewer than two rows.
fn covariances(rows: &[&Vec<f64>], k: usize) -> Option<Vec<Vec<f64>>> {
    let mut cov = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in i..k {
            let pairs: Vec<(f64, f64)> = rows
                .iter()
                .map(|row| (row[i], row[j]))
                .filter(|(a, b)| !a.is_nan() && !b.is_nan())
                .collect();
            if pairs.len() < 2 {
                return None;
            }
            let m = pairs.len() as f64;
            let mean_a = pairs.iter().map(|p| p.0).sum::<f64>() / m;
            let mean_b = pairs.iter().map(|p| p.1).sum::<f64>() / m;
            let c = pairs
                .iter()
                .map(|(a, b)| (a - mean_a) * (b - mean_b))
                .sum::<f64>()
                / (m - 1.0);
            cov[i][j] = c;
            cov[j][i] = c;
        }
    }
    Some(cov)
}

/// Alpha of the items in `items`; None below two items or when their total does not vary.
fn alpha_of(cov: &[Vec<f64>], items: &[usize]) -> Option<f64> {
    let k = items.len() as f64;
    let total = sum_of(cov, items, items);
    let trace: f64 = items.iter().map(|&i| cov[i][i]).sum();
    if items.len() < 2 || !varies(total, trace) {
        return None;
    }
    Some(k / (k - 1.0) * (1.0 - trace / total))
}

/// Correlation of item i with the sum of the items in `rest`.
fn item_rest(cov: &[Vec<f64>], i: usize, rest: &[usize]) -> Option<f64> {
    let var_rest = sum_of(cov, rest, rest);
    let var_item = cov[i][i];
    let rest_trace: f64 = rest.iter().map(|&j| cov[j][j]).sum();
    (varies(var_item, var_item) && varies(var_rest, rest_trace))
        .then(|| sum_of(cov, &[i], rest) / (var_item * var_rest).sqrt())
}

/// Whether a variance is more than rounding noise. Sums of covariances taken in another order
/// can leave 1e-16 where the exact value is 0; `scale` (a sum of the variances involved) sets
/// what counts as noise, so the answer does not depend on the order of the rows.
fn varies(variance: f64, scale: f64) -> bool {
    variance > 1e-12 * scale.abs().max(1.0)
}

fn sum_of(cov: &[Vec<f64>], a: &[usize], b: &[usize]) -> f64 {
    a.iter()
        .map(|&i| b.iter().map(|&j| cov[i][j]).sum::<f64>())
        .sum()
}
