//! The histogram of an ordinal item is its sufficient statistic: count per level. Mean, sd,
//! median and box shares follow from it exactly, and histograms of chunks of data merge by
//! adding, so a file can be counted in pieces.

/// Counts per level; `counts[k]` is the number of answers at level k (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn new(levels: usize) -> Histogram {
        Histogram {
            counts: vec![0; levels],
        }
    }

    /// Counts one answer at 0-based `level`.
    pub fn add(&mut self, level: usize) {
        self.counts[level] += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Mean of the level values, `values[k]` being the value of level k.
    pub fn mean(&self, values: &[f64]) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| {
            self.counts
                .iter()
                .zip(values)
                .map(|(&c, &v)| c as f64 * v)
                .sum::<f64>()
                / n as f64
        })
    }

    /// Sample standard deviation (n - 1 in the denominator), as pandas and R report it.
    pub fn sd(&self, values: &[f64]) -> Option<f64> {
        let n = self.n();
        let mean = self.mean(values)?;
        (n > 1).then(|| {
            let ss: f64 = self
                .counts
                .iter()
                .zip(values)
                .map(|(&c, &v)| c as f64 * (v - mean) * (v - mean))
                .sum();
            (ss / (n - 1) as f64).sqrt()
        })
    }

    /// Median; with an even count, the mean of the two middle values (as pandas and R do).
    pub fn median(&self, values: &[f64]) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let lower = self.value_at_rank((n - 1) / 2, values);
        let upper = self.value_at_rank(n / 2, values);
        Some((lower + upper) / 2.0)
    }

    /// The value of the answer at 0-based `rank` in sorted order.
    fn value_at_rank(&self, rank: u64, values: &[f64]) -> f64 {
        let mut seen = 0;
        for (&c, &v) in self.counts.iter().zip(values) {
            seen += c;
            if seen > rank {
                return v;
            }
        }
        values[values.len() - 1]
    }

    /// Percentage (0 to 100) of answers at levels in `levels`.
    pub fn percent_of(&self, levels: std::ops::Range<usize>) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| self.counts[levels].iter().sum::<u64>() as f64 * 100.0 / n as f64)
    }

    /// Percentage of answers at each level.
    pub fn percents(&self) -> Vec<Option<f64>> {
        (0..self.counts.len())
            .map(|k| self.percent_of(k..k + 1))
            .collect()
    }
}
