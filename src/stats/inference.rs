//! Tests that compare groups: chi-square on a table of counts (with Cramér's V), Fisher's exact
//! test for 2 x 2 tables, and the rank tests Kruskal-Wallis and Mann-Whitney with the tie
//! correction Likert data always need.
//!
//! The rank tests depend on the data only through how many answers of each group fall at each
//! distinct value, so they take raw values or histograms of ordinal levels alike and give the
//! same result for both: a Likert comparison never needs the rows. In raw values NaN marks a
//! missing answer and is skipped. Empty groups take no part in a test.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use statrs::function::factorial::ln_binomial;

use super::histogram::Histogram;

/// Pearson's chi-square test of independence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: usize,
    pub p: f64,
    /// Cramér's V from the uncorrected statistic, without bias correction (as
    /// `scipy.stats.contingency.association`): 0 for independence, 1 for a perfect association.
    pub cramers_v: f64,
}

/// Chi-square test of independence of the rows and columns of a table of counts. Rows and
/// columns with no count are dropped first (an empty group or an unused level carries no
/// information and would make an expected count zero). With `yates`, a table left with one
/// degree of freedom gets Yates' continuity correction as scipy applies it (each cell moved
/// towards its expected count by at most 0.5); larger tables never do. None when the table is
/// ragged or fewer than two non-empty rows or columns remain: there is nothing to compare.
pub fn chi_square(table: &[Vec<u64>], yates: bool) -> Option<ChiSquare> {
    let width = table.first()?.len();
    if table.iter().any(|row| row.len() != width) {
        return None;
    }
    let columns: Vec<usize> = (0..width)
        .filter(|&j| table.iter().any(|row| row[j] > 0))
        .collect();
    let rows: Vec<Vec<f64>> = table
        .iter()
        .filter(|row| row.iter().any(|&c| c > 0))
        .map(|row| columns.iter().map(|&j| row[j] as f64).collect())
        .collect();
    let (r, c) = (rows.len(), columns.len());
    if r < 2 || c < 2 {
        return None;
    }
    let row_sums: Vec<f64> = rows.iter().map(|row| row.iter().sum()).collect();
    let column_sums: Vec<f64> = (0..c)
        .map(|j| rows.iter().map(|row| row[j]).sum())
        .collect();
    let n: f64 = row_sums.iter().sum();
    let df = (r - 1) * (c - 1);
    let statistic = |correct: bool| -> f64 {
        let mut sum = 0.0;
        for (row, row_sum) in rows.iter().zip(&row_sums) {
            for (&observed, column_sum) in row.iter().zip(&column_sums) {
                let expected = row_sum * column_sum / n;
                let diff = observed - expected;
                let diff = if correct {
                    diff.signum() * (diff.abs() - diff.abs().min(0.5))
                } else {
                    diff
                };
                sum += diff * diff / expected;
            }
        }
        sum
    };
    let plain = statistic(false);
    let reported = if yates && df == 1 {
        statistic(true)
    } else {
        plain
    };
    let p = ChiSquared::new(df as f64).ok()?.sf(reported);
    Some(ChiSquare {
        statistic: reported,
        df,
        p,
        cramers_v: (plain / (n * (r.min(c) - 1) as f64)).sqrt(),
    })
}

/// Fisher's exact test of a 2 x 2 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FisherExact {
    /// Two-sided p-value: the probability of the tables no more likely than the one observed.
    pub p: f64,
    /// The sample odds ratio (a d) / (b c); infinite when b or c is zero.
    pub odds_ratio: f64,
}

/// Fisher's exact test of `[[a, b], [c, d]]`, for 2 x 2 tables whose expected counts are too
/// small for chi-square. The p-value sums the hypergeometric probabilities of the tables with
/// the observed margins that are no more likely than the observed one (within a relative 1e-7,
/// as R's `fisher.test`, so that ties lost to rounding still count). statrs's `fishers_exact`
/// is not used: it takes the far tail as 1 - cdf and so reports about 5e-14 where scipy and
/// this function give 1.3e-26. None when a row or a column is empty: the table then says
/// nothing (scipy returns p = 1 and an undefined odds ratio).
pub fn fisher_exact(table: [[u64; 2]; 2]) -> Option<FisherExact> {
    let [[a, b], [c, d]] = table;
    let (row1, row2, column1) = (a + b, c + d, a + c);
    if row1 == 0 || row2 == 0 || column1 == 0 || b + d == 0 {
        return None;
    }
    let ln_total = ln_binomial(row1 + row2, column1);
    let ln_pmf = |x: u64| ln_binomial(row1, x) + ln_binomial(row2, column1 - x) - ln_total;
    let observed = ln_pmf(a) + 1e-7;
    let p: f64 = (column1.saturating_sub(row2)..=row1.min(column1))
        .map(ln_pmf)
        .filter(|&l| l <= observed)
        .map(f64::exp)
        .sum();
    let odds_ratio = if b > 0 && c > 0 {
        (a as f64 * d as f64) / (b as f64 * c as f64)
    } else {
        f64::INFINITY
    };
    Some(FisherExact {
        p: p.min(1.0),
        odds_ratio,
    })
}

/// The Kruskal-Wallis H test that k groups come from the same distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KruskalWallis {
    /// H, corrected for ties.
    pub h: f64,
    /// Number of non-empty groups minus one.
    pub df: usize,
    /// From the chi-square approximation, as scipy.stats.kruskal.
    pub p: f64,
}

/// Kruskal-Wallis H with the tie correction. None when fewer than two groups have a value.
/// When every value is tied the groups cannot differ: H = 0 and p = 1 (scipy raises).
pub fn kruskal_wallis<G: AsRef<[f64]>>(groups: &[G]) -> Option<KruskalWallis> {
    RankTable::from_values(groups).kruskal_wallis()
}

/// `kruskal_wallis` from one histogram of ordinal levels per group.
pub fn kruskal_wallis_histograms(groups: &[Histogram]) -> Option<KruskalWallis> {
    let groups: Vec<&Histogram> = groups.iter().collect();
    RankTable::from_histograms(&groups).kruskal_wallis()
}

/// The Mann-Whitney U test (Wilcoxon rank-sum) of two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U of the first group: the number of pairs (x, y) with x > y, ties counting one half.
    pub u: f64,
    /// Two-sided, from the normal approximation with tie and continuity corrections, as
    /// `scipy.stats.mannwhitneyu(method="asymptotic")`.
    pub p: f64,
    /// Rank-biserial correlation 2 U / (n1 n2) - 1, from -1 (every y above every x) to 1
    /// (every x above every y); pingouin's RBC.
    pub rank_biserial: f64,
}

/// Mann-Whitney U of x against y. statrs has this test too, but from values only and with a
/// quadratic check of the input; this one shares the rank table of Kruskal-Wallis, so it also
/// works from histograms. None when a group has no value. When every value is tied, p = 1.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    RankTable::from_values(&[x, y]).mann_whitney()
}

/// `mann_whitney` from histograms of the ordinal levels of the two groups.
pub fn mann_whitney_histograms(x: &Histogram, y: &Histogram) -> Option<MannWhitney> {
    RankTable::from_histograms(&[x, y]).mann_whitney()
}

/// How many values of each group fall at each distinct value, values in increasing order:
/// all a rank test needs. Midranks of tied values are exact in f64 (halves of integers).
struct RankTable {
    /// `counts[v][g]`: values of group g at the v-th distinct value.
    counts: Vec<Vec<u64>>,
    groups: usize,
}

impl RankTable {
    fn from_values<G: AsRef<[f64]>>(groups: &[G]) -> RankTable {
        let mut pairs: Vec<(f64, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, values)| {
                values
                    .as_ref()
                    .iter()
                    .filter(|v| !v.is_nan())
                    .map(move |&v| (v, g))
            })
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut counts: Vec<Vec<u64>> = Vec::new();
        let mut last = None;
        for (value, group) in pairs {
            // -0.0 and 0.0 sort apart but are equal: compare with ==, not by bits.
            if last != Some(value) {
                counts.push(vec![0; groups.len()]);
                last = Some(value);
            }
            if let Some(row) = counts.last_mut() {
                row[group] += 1;
            }
        }
        RankTable {
            counts,
            groups: groups.len(),
        }
    }

    fn from_histograms(groups: &[&Histogram]) -> RankTable {
        let levels = groups.iter().map(|h| h.counts.len()).max().unwrap_or(0);
        let counts = (0..levels)
            .map(|level| {
                groups
                    .iter()
                    .map(|h| h.counts.get(level).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        RankTable {
            counts,
            groups: groups.len(),
        }
    }

    fn sizes(&self) -> Vec<u64> {
        (0..self.groups)
            .map(|g| self.counts.iter().map(|row| row[g]).sum())
            .collect()
    }

    /// Sum of the (mid)ranks of each group.
    fn rank_sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.groups];
        let mut below = 0u64;
        for row in &self.counts {
            let tied: u64 = row.iter().sum();
            let midrank = below as f64 + (tied as f64 + 1.0) / 2.0;
            for (sum, &count) in sums.iter_mut().zip(row) {
                *sum += count as f64 * midrank;
            }
            below += tied;
        }
        sums
    }

    /// Sum over tied blocks of t^3 - t.
    fn tie_term(&self) -> f64 {
        self.counts
            .iter()
            .map(|row| {
                let t = row.iter().sum::<u64>() as f64;
                t * t * t - t
            })
            .sum()
    }

    /// Distinct values actually present.
    fn distinct(&self) -> usize {
        self.counts
            .iter()
            .filter(|row| row.iter().any(|&c| c > 0))
            .count()
    }

    fn kruskal_wallis(&self) -> Option<KruskalWallis> {
        let sizes = self.sizes();
        let sums = self.rank_sums();
        let groups: Vec<(f64, f64)> = sizes
            .iter()
            .zip(&sums)
            .filter(|(&n, _)| n > 0)
            .map(|(&n, &sum)| (n as f64, sum))
            .collect();
        if groups.len() < 2 {
            return None;
        }
        let df = groups.len() - 1;
        if self.distinct() == 1 {
            return Some(KruskalWallis { h: 0.0, df, p: 1.0 });
        }
        let n: f64 = groups.iter().map(|g| g.0).sum();
        let centre = (n + 1.0) / 2.0;
        let spread: f64 = groups
            .iter()
            .map(|&(size, sum)| size * (sum / size - centre).powi(2))
            .sum();
        let h = 12.0 / (n * (n + 1.0)) * spread / (1.0 - self.tie_term() / (n * n * n - n));
        let p = ChiSquared::new(df as f64).ok()?.sf(h);
        Some(KruskalWallis { h, df, p })
    }

    fn mann_whitney(&self) -> Option<MannWhitney> {
        let sizes = self.sizes();
        let (n1, n2) = (sizes[0] as f64, sizes[1] as f64);
        if n1 == 0.0 || n2 == 0.0 {
            return None;
        }
        let u = self.rank_sums()[0] - n1 * (n1 + 1.0) / 2.0;
        let rank_biserial = 2.0 * u / (n1 * n2) - 1.0;
        if self.distinct() == 1 {
            return Some(MannWhitney {
                u,
                p: 1.0,
                rank_biserial,
            });
        }
        let n = n1 + n2;
        let mean = n1 * n2 / 2.0;
        let sd = (n1 * n2 / 12.0 * ((n + 1.0) - self.tie_term() / (n * (n - 1.0)))).sqrt();
        let z = (u.max(n1 * n2 - u) - mean - 0.5) / sd;
        let p = (2.0 * Normal::standard().sf(z)).min(1.0);
        Some(MannWhitney {
            u,
            p,
            rank_biserial,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_ties_with_zero() {
        let table = RankTable::from_values(&[vec![-0.0, 1.0], vec![0.0]]);
        assert_eq!(table.counts, vec![vec![1, 1], vec![1, 0]]);
        assert_eq!(table.rank_sums(), vec![1.5 + 3.0, 1.5]);
        assert_eq!(table.tie_term(), 6.0);
    }

    #[test]
    fn shorter_histograms_count_as_zero_at_the_missing_levels() {
        let mut short = Histogram::new(2);
        short.add(1);
        let mut long = Histogram::new(4);
        long.add(3);
        let table = RankTable::from_histograms(&[&short, &long]);
        assert_eq!(
            table.counts,
            vec![vec![0, 0], vec![1, 0], vec![0, 0], vec![0, 1]]
        );
        assert_eq!(table.distinct(), 2);
    }
}
