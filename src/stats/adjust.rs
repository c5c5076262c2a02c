//! Adjusting p-values when many tests are shown at once, so that scanning a table of
//! comparisons does not turn chance into findings.
//!
//! Both functions return the adjusted p-values in the order given. A NaN (a test that could not
//! be run) stays NaN and is not counted among the tests, as in R's `p.adjust`.

/// Holm's step-down adjustment: controls the family-wise error rate (the chance of any false
/// finding) under any dependence, and is uniformly better than Bonferroni.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let order = sorted(p);
    let m = order.len() as f64;
    let mut adjusted = p.to_vec();
    let mut running = 0.0_f64;
    for (j, &i) in order.iter().enumerate() {
        running = running.max((m - j as f64) * p[i]).min(1.0);
        adjusted[i] = running;
    }
    adjusted
}

/// Benjamini-Hochberg step-up adjustment: controls the false discovery rate (the expected share
/// of false findings among those declared), for independent or positively dependent tests.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let order = sorted(p);
    let m = order.len() as f64;
    let mut adjusted = p.to_vec();
    let mut running = 1.0_f64;
    for (j, &i) in order.iter().enumerate().rev() {
        // p divided by its rank's share: never below p, even after rounding.
        running = running.min(p[i] / ((j + 1) as f64 / m));
        adjusted[i] = running;
    }
    adjusted
}

/// Indices of the p-values that are not NaN, smallest p first.
fn sorted(p: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    order
}
