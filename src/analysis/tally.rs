//! One group's answers to one ordinal or yes/no question, counted, and weighted as well when
//! the data carry survey weights. Every estimate a table shows comes from here, so a table is
//! either weighted throughout or not at all: the count of respondents stays the unweighted base
//! a reader is told, and every share, mean, median and interval uses the weights.

use crate::dataset::Dataset;
use crate::stats::histogram::Histogram;
use crate::stats::intervals::{
    clopper_pearson, mean_t_histogram, median_interval_histogram, newcombe, welch_histograms,
    wilson, Interval, Welch,
};
use crate::stats::weights::WeightedHistogram;

/// Which interval a share gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareMethod {
    Wilson,
    /// Clopper-Pearson; only for unweighted counts (the CLI refuses it with weights).
    Exact,
}

#[derive(Debug, Clone)]
pub struct Tally {
    /// Answers per level, whatever their weight.
    pub counts: Histogram,
    /// Weight per level, when the data are weighted.
    pub weighted: Option<WeightedHistogram>,
}

impl Tally {
    pub fn new(levels: usize, weighted: bool) -> Tally {
        Tally {
            counts: Histogram::new(levels),
            weighted: weighted.then(|| WeightedHistogram::new(levels)),
        }
    }

    /// Counts the answer of row `i` at 0-based `level`, with the row's weight if weighted.
    pub fn add(&mut self, data: &Dataset, i: usize, level: usize) {
        self.counts.add(level);
        if let (Some(h), Some(w)) = (&mut self.weighted, &data.weight) {
            h.add(level, w[i]);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.counts.merge(&other.counts);
        if let (Some(a), Some(b)) = (&mut self.weighted, &other.weighted) {
            a.merge(b);
        }
    }

    /// Respondents counted: the base.
    pub fn n(&self) -> u64 {
        self.counts.n()
    }

    /// Kish's effective n, when weighted.
    pub fn n_eff(&self) -> Option<f64> {
        self.weighted.as_ref().and_then(WeightedHistogram::n_eff)
    }

    /// Percentage (0 to 100) at `levels`.
    pub fn percent_of(&self, levels: std::ops::Range<usize>) -> Option<f64> {
        match &self.weighted {
            Some(h) => h.share(levels).map(|s| s * 100.0),
            None => self.counts.percent_of(levels),
        }
    }

    pub fn mean(&self, values: &[f64]) -> Option<f64> {
        match &self.weighted {
            Some(h) => h.mean(values),
            None => self.counts.mean(values),
        }
    }

    pub fn sd(&self, values: &[f64]) -> Option<f64> {
        match &self.weighted {
            Some(h) => h.sd(values),
            None => self.counts.sd(values),
        }
    }

    pub fn median(&self, values: &[f64]) -> Option<f64> {
        match &self.weighted {
            Some(h) => h.median(values),
            None => self.counts.median(values),
        }
    }

    /// t interval for the mean (Kish's when weighted).
    pub fn mean_interval(&self, values: &[f64], level: f64) -> Option<Interval> {
        match &self.weighted {
            Some(h) => h.mean_interval(values, level),
            None => mean_t_histogram(&self.counts, values, level),
        }
    }

    /// Order-statistic interval for the median; Woodruff's when weighted.
    pub fn median_interval(&self, values: &[f64], level: f64) -> Option<Interval> {
        match &self.weighted {
            Some(h) => h.median_interval(values, level),
            None => median_interval_histogram(&self.counts, values, level).map(|m| Interval {
                estimate: m.median,
                lower: m.lower,
                upper: m.upper,
            }),
        }
    }

    /// The share (0 to 1) at `levels` with its interval: Wilson at n_eff when weighted.
    pub fn share_interval(
        &self,
        levels: std::ops::Range<usize>,
        level: f64,
        method: ShareMethod,
    ) -> Option<Interval> {
        match (&self.weighted, method) {
            (Some(h), _) => h.share_interval(levels, level),
            (None, ShareMethod::Wilson) => wilson(self.successes(levels), self.n(), level),
            (None, ShareMethod::Exact) => clopper_pearson(self.successes(levels), self.n(), level),
        }
    }

    /// Welch's difference of means, self minus `other`.
    pub fn welch(&self, other: &Tally, values: &[f64], level: f64) -> Option<Welch> {
        match (&self.weighted, &other.weighted) {
            (Some(a), Some(b)) => a.welch(b, values, level),
            _ => welch_histograms(&self.counts, &other.counts, values, level),
        }
    }

    /// Newcombe's difference of the shares at `levels` (0 to 1), self minus `other`.
    pub fn share_difference(
        &self,
        other: &Tally,
        levels: std::ops::Range<usize>,
        level: f64,
    ) -> Option<Interval> {
        match (&self.weighted, &other.weighted) {
            (Some(a), Some(b)) => a.share_difference(b, levels, level),
            _ => newcombe(
                self.successes(levels.clone()),
                self.n(),
                other.successes(levels),
                other.n(),
                level,
            ),
        }
    }

    fn successes(&self, levels: std::ops::Range<usize>) -> u64 {
        self.counts.counts[levels].iter().sum()
    }
}

/// The footnote every table of weighted figures carries, so weighted and unweighted results
/// are never confused; None for unweighted data.
pub fn weighting_note(survey: &crate::codebook::Survey, data: &Dataset) -> Option<String> {
    data.weight.as_ref()?;
    let column = survey
        .codebook
        .metadata
        .weight
        .as_ref()
        .map_or("weight", |m| m.column.as_str());
    Some(format!(
        "Weighted by the `{column}` column: every percentage, mean, SD, median and interval is weighted; Base n counts respondents; Eff. n is Kish's effective sample size (sum w)^2 / sum w^2, on which intervals rest. Add --unweighted for unweighted figures."
    ))
}

/// The groups to suppress, from each non-empty group's (id, base): those under `min_cell`, and,
/// when that is exactly one, the next smallest too, so that no suppressed group can be worked
/// out from a total shown elsewhere (the summary's) minus the groups shown here.
pub fn suppressed_groups(bases: &[(usize, u64)], min_cell: u64) -> Vec<usize> {
    let mut hidden: Vec<usize> = bases
        .iter()
        .filter(|(_, n)| *n < min_cell)
        .map(|(g, _)| *g)
        .collect();
    if hidden.len() == 1 && bases.len() >= 2 {
        if let Some((g, _)) = bases
            .iter()
            .filter(|(_, n)| *n >= min_cell)
            .min_by_key(|(_, n)| *n)
        {
            hidden.push(*g);
        }
    }
    hidden
}
