//! The inferential statistics of `stats/` (intervals, weights, group comparisons, p-value
//! adjustment, reliability, trend) against scipy, statsmodels, pingouin and pymannkendall
//! (tests/reference/make_stats_reference.py -> tests/fixtures/reference/stats.json), and
//! properties that must hold for any data.
//!
//! Tolerances: estimates to 1e-9 relative, p-values to 1e-6 relative; both absolute 1e-12 near
//! zero.

use std::sync::OnceLock;

use mctrack::stats::adjust::{benjamini_hochberg, holm};
use mctrack::stats::histogram::Histogram;
use mctrack::stats::inference::{
    chi_square, fisher_exact, kruskal_wallis, kruskal_wallis_histograms, mann_whitney,
    mann_whitney_histograms,
};
use mctrack::stats::intervals::{
    clopper_pearson, mean_t, mean_t_histogram, median_interval, median_interval_histogram,
    newcombe, welch, welch_histograms, wilson, Interval,
};
use mctrack::stats::reliability::{cronbach_alpha, reverse, Deletion};
use mctrack::stats::trend::{linear_trend, mann_kendall};
use mctrack::stats::weights::{
    kish_n_eff, weighted_mean, weighted_mean_interval, weighted_proportion, WeightedHistogram,
};
use proptest::prelude::*;
use serde_json::Value;

const ESTIMATE: f64 = 1e-9;
const P_VALUE: f64 = 1e-6;

fn reference() -> &'static Value {
    static REFERENCE: OnceLock<Value> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference/stats.json"
        ))
        .expect("reference file");
        serde_json::from_str(&text).expect("reference JSON")
    })
}

fn cases(function: &str) -> &'static Vec<Value> {
    let cases = reference()[function].as_array().expect("cases");
    assert!(!cases.is_empty(), "{function}: no cases");
    cases
}

fn name(case: &Value) -> &str {
    case["name"].as_str().expect("name")
}

/// A reference number: null is absent, "inf" infinite.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-inf" => Some(f64::NEG_INFINITY),
        other => other.as_f64(),
    }
}

/// Values with null as NaN, the missing marker of `stats/`.
fn values(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn close(case: &str, what: &str, ours: Option<f64>, theirs: &Value, relative: f64) {
    match (ours, number(theirs)) {
        (None, None) => {}
        (Some(a), Some(b)) if a.is_infinite() || b.is_infinite() => {
            assert_eq!(a, b, "{case}: {what}")
        }
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= relative * b.abs() + 1e-12,
            "{case}: {what} is {a}, reference {b} (difference {:e})",
            a - b
        ),
        (a, _) => panic!("{case}: {what} is {a:?}, reference {theirs}"),
    }
}

fn estimate(case: &str, what: &str, ours: f64, theirs: &Value) {
    close(case, what, Some(ours), theirs, ESTIMATE);
}

fn p_value(case: &str, ours: f64, theirs: &Value) {
    close(case, "p", Some(ours), theirs, P_VALUE);
}

fn interval(case: &str, ours: Option<Interval>, theirs: &Value) {
    match ours {
        None => assert!(theirs.is_null(), "{case}: no interval, reference {theirs}"),
        Some(i) => {
            assert!(!theirs.is_null(), "{case}: {i:?}, reference none");
            estimate(case, "estimate", i.estimate, &theirs["estimate"]);
            estimate(case, "lower", i.lower, &theirs["lower"]);
            estimate(case, "upper", i.upper, &theirs["upper"]);
        }
    }
}

/// Histogram of level values 1..=k.
fn histogram(values: &[f64], k: usize) -> Histogram {
    let mut h = Histogram::new(k);
    for v in values.iter().filter(|v| !v.is_nan()) {
        h.add(*v as usize - 1);
    }
    h
}

fn level_values(k: usize) -> Vec<f64> {
    (1..=k).map(|v| v as f64).collect()
}

#[test]
fn mean_t_intervals_match_scipy() {
    for case in cases("mean_t") {
        let name = name(case);
        let level = case["level"].as_f64().unwrap();
        let expected = if case["estimate"].is_null() {
            Value::Null
        } else {
            case.clone()
        };
        let x = values(&case["values"]);
        interval(name, mean_t(&x, level), &expected);
        if let Some(levels) = case["levels"].as_array() {
            let h = histogram(&x, levels.len());
            let from_histogram = mean_t_histogram(&h, &level_values(levels.len()), level);
            interval(&format!("{name} (histogram)"), from_histogram, &expected);
        }
    }
}

#[test]
fn proportion_intervals_match_statsmodels() {
    for case in cases("proportion") {
        let name = name(case);
        let (x, n) = (
            case["successes"].as_u64().unwrap(),
            case["n"].as_u64().unwrap(),
        );
        let level = case["level"].as_f64().unwrap();
        interval(
            &format!("{name} wilson"),
            wilson(x, n, level),
            &case["wilson"],
        );
        interval(
            &format!("{name} clopper-pearson"),
            clopper_pearson(x, n, level),
            &case["clopper_pearson"],
        );
    }
}

#[test]
fn median_intervals_match_order_statistics() {
    for case in cases("median") {
        let name = name(case);
        let level = case["level"].as_f64().unwrap();
        let x = values(&case["values"]);
        let k = case["levels"].as_array().unwrap().len();
        let from_values = median_interval(&x, level);
        let from_histogram = median_interval_histogram(&histogram(&x, k), &level_values(k), level);
        assert_eq!(from_values, from_histogram, "{name}: values and histogram");
        let expected = &case["expected"];
        match from_values {
            None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
            Some(m) => {
                estimate(name, "median", m.median, &expected["median"]);
                estimate(name, "lower", m.lower, &expected["lower"]);
                estimate(name, "upper", m.upper, &expected["upper"]);
                estimate(name, "coverage", m.coverage, &expected["coverage"]);
            }
        }
    }
}

#[test]
fn newcombe_intervals_match_statsmodels() {
    for case in cases("newcombe") {
        let n = |key: &str| case[key].as_u64().unwrap();
        let ours = newcombe(
            n("x1"),
            n("n1"),
            n("x2"),
            n("n2"),
            case["level"].as_f64().unwrap(),
        );
        interval(name(case), ours, &case["expected"]);
    }
}

#[test]
fn welch_matches_scipy() {
    for case in cases("welch") {
        let name = name(case);
        let level = case["level"].as_f64().unwrap();
        let (x, y) = (values(&case["x"]), values(&case["y"]));
        let mut results = vec![(name.to_string(), welch(&x, &y, level))];
        if let Some(levels) = case["levels"].as_array() {
            let k = levels.len();
            let ours = welch_histograms(
                &histogram(&x, k),
                &histogram(&y, k),
                &level_values(k),
                level,
            );
            results.push((format!("{name} (histograms)"), ours));
        }
        let expected = &case["expected"];
        for (name, ours) in results {
            match ours {
                None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
                Some(w) => {
                    estimate(
                        &name,
                        "difference",
                        w.difference.estimate,
                        &expected["difference"],
                    );
                    estimate(&name, "lower", w.difference.lower, &expected["lower"]);
                    estimate(&name, "upper", w.difference.upper, &expected["upper"]);
                    estimate(&name, "t", w.t, &expected["t"]);
                    estimate(&name, "df", w.df, &expected["df"]);
                    p_value(&name, w.p, &expected["p"]);
                }
            }
        }
    }
}

#[test]
fn weighted_estimates_match_numpy_and_statsmodels() {
    for case in cases("weights") {
        let name = name(case);
        let level = case["level"].as_f64().unwrap();
        let (x, w) = (values(&case["values"]), values(&case["weights"]));
        close(name, "mean", weighted_mean(&x, &w), &case["mean"], ESTIMATE);
        let kept: Vec<(f64, f64)> = x
            .iter()
            .zip(&w)
            .filter(|(v, _)| !v.is_nan())
            .map(|(v, w)| (*v, *w))
            .collect();
        let kept_weights: Vec<f64> = kept.iter().map(|p| p.1).collect();
        if x.len() == w.len() {
            close(
                name,
                "n_eff",
                kish_n_eff(&kept_weights),
                &case["n_eff"],
                ESTIMATE,
            );
        }
        let mean = weighted_mean_interval(&x, &w, level);
        interval(name, mean.map(|m| m.interval), &case["mean_interval"]);
        if let Some(m) = mean {
            estimate(name, "n_eff of the mean", m.n_eff, &case["n_eff"]);
        }
        let threshold = case["chosen_from"].as_f64().unwrap();
        let proportion = if x.len() == w.len() {
            let chosen: Vec<bool> = kept.iter().map(|p| p.0 >= threshold).collect();
            weighted_proportion(&chosen, &kept_weights, level)
        } else {
            let chosen: Vec<bool> = x.iter().map(|v| *v >= threshold).collect();
            weighted_proportion(&chosen, &w, level)
        };
        interval(
            &format!("{name} proportion"),
            proportion.map(|p| p.interval),
            &case["proportion"],
        );
    }
}

fn table(value: &Value) -> Vec<Vec<u64>> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_u64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn chi_square_matches_scipy() {
    for case in cases("chi_square") {
        let name = name(case);
        let t = table(&case["table"]);
        let expected = &case["expected"];
        for yates in [false, true] {
            let suffix = if yates { "_yates" } else { "" };
            match chi_square(&t, yates) {
                None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
                Some(c) => {
                    let what = format!("statistic{suffix}");
                    estimate(name, &what, c.statistic, &expected[&what]);
                    close(
                        name,
                        &what,
                        Some(c.p),
                        &expected[format!("p{suffix}")],
                        P_VALUE,
                    );
                    assert_eq!(c.df as u64, expected["df"].as_u64().unwrap(), "{name}: df");
                    estimate(name, "cramers_v", c.cramers_v, &expected["cramers_v"]);
                }
            }
        }
    }
}

#[test]
fn fisher_exact_matches_scipy() {
    for case in cases("fisher") {
        let name = name(case);
        let t = table(&case["table"]);
        let expected = &case["expected"];
        match fisher_exact([[t[0][0], t[0][1]], [t[1][0], t[1][1]]]) {
            None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
            Some(f) => {
                p_value(name, f.p, &expected["p"]);
                estimate(name, "odds ratio", f.odds_ratio, &expected["odds_ratio"]);
            }
        }
    }
}

#[test]
fn kruskal_wallis_matches_scipy() {
    for case in cases("kruskal") {
        let name = name(case);
        let groups: Vec<Vec<f64>> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(values)
            .collect();
        let mut results = vec![(name.to_string(), kruskal_wallis(&groups))];
        if let Some(k) = case["levels"].as_u64() {
            let histograms: Vec<Histogram> =
                groups.iter().map(|g| histogram(g, k as usize)).collect();
            results.push((
                format!("{name} (histograms)"),
                kruskal_wallis_histograms(&histograms),
            ));
        }
        let expected = &case["expected"];
        for (name, ours) in results {
            match ours {
                None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
                Some(k) => {
                    estimate(&name, "H", k.h, &expected["h"]);
                    assert_eq!(k.df as u64, expected["df"].as_u64().unwrap(), "{name}: df");
                    p_value(&name, k.p, &expected["p"]);
                }
            }
        }
    }
}

#[test]
fn mann_whitney_matches_scipy_and_pingouin() {
    for case in cases("mann_whitney") {
        let name = name(case);
        let (x, y) = (values(&case["x"]), values(&case["y"]));
        let mut results = vec![(name.to_string(), mann_whitney(&x, &y))];
        if let Some(k) = case["levels"].as_u64() {
            let (hx, hy) = (histogram(&x, k as usize), histogram(&y, k as usize));
            results.push((
                format!("{name} (histograms)"),
                mann_whitney_histograms(&hx, &hy),
            ));
        }
        let expected = &case["expected"];
        for (name, ours) in results {
            match ours {
                None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
                Some(m) => {
                    estimate(&name, "U", m.u, &expected["u"]);
                    p_value(&name, m.p, &expected["p"]);
                    estimate(
                        &name,
                        "rank-biserial",
                        m.rank_biserial,
                        &expected["rank_biserial"],
                    );
                }
            }
        }
    }
}

/// statrs's own Mann-Whitney applies the same tie and continuity corrections: the two agree.
#[test]
fn mann_whitney_agrees_with_statrs() {
    use statrs::stats_tests::mannwhitneyu::{mannwhitneyu, MannWhitneyUMethod};
    use statrs::stats_tests::Alternative;
    for case in cases("mann_whitney") {
        let x: Vec<f64> = values(&case["x"])
            .into_iter()
            .filter(|v| !v.is_nan())
            .collect();
        let y: Vec<f64> = values(&case["y"])
            .into_iter()
            .filter(|v| !v.is_nan())
            .collect();
        if x.is_empty() || y.is_empty() {
            continue;
        }
        let method = MannWhitneyUMethod::AsymptoticInclContinuityCorrection;
        let (u, p) = mannwhitneyu(&x, &y, method, Alternative::TwoSided).unwrap();
        let ours = mann_whitney(&x, &y).unwrap();
        assert!(
            (ours.u - u).abs() < 1e-9 && (ours.p - p).abs() < 1e-12,
            "{}",
            name(case)
        );
    }
}

#[test]
fn adjusted_p_values_match_statsmodels() {
    for case in cases("adjust") {
        let name = name(case);
        let p = values(&case["p"]);
        for (method, ours) in [("holm", holm(&p)), ("bh", benjamini_hochberg(&p))] {
            let theirs = case[method].as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{name} {method}: length");
            for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
                let a = (!a.is_nan()).then_some(*a);
                close(name, &format!("{method}[{i}]"), a, b, P_VALUE);
            }
        }
    }
}

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value.as_array().unwrap().iter().map(values).collect()
}

#[test]
fn cronbach_alpha_matches_pingouin() {
    for case in cases("reliability") {
        let name = name(case);
        let deletion = match case["policy"].as_str().unwrap() {
            "listwise" => Deletion::Listwise,
            _ => Deletion::Pairwise,
        };
        let ours = cronbach_alpha(
            &rows(&case["rows"]),
            deletion,
            case["level"].as_f64().unwrap(),
        );
        let expected = &case["expected"];
        let Some(r) = ours else {
            assert!(expected.is_null(), "{name}: none, reference {expected}");
            continue;
        };
        assert!(!expected.is_null(), "{name}: {r:?}, reference none");
        estimate(name, "alpha", r.alpha, &expected["alpha"]);
        estimate(name, "lower", r.lower, &expected["lower"]);
        estimate(name, "upper", r.upper, &expected["upper"]);
        assert_eq!(r.n as u64, expected["n"].as_u64().unwrap(), "{name}: n");
        assert_eq!(r.k as u64, expected["k"].as_u64().unwrap(), "{name}: k");
        for (what, ours, theirs) in [
            (
                "alpha if dropped",
                &r.alpha_if_dropped,
                &expected["alpha_if_dropped"],
            ),
            ("item-rest", &r.item_rest, &expected["item_rest"]),
        ] {
            let theirs = theirs.as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{name}: {what}");
            for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
                close(name, &format!("{what}[{i}]"), *a, b, ESTIMATE);
            }
        }
    }
}

#[test]
fn reverse_turns_the_scale_round() {
    assert_eq!(reverse(1.0, 1.0, 5.0), 5.0);
    assert_eq!(reverse(2.0, 1.0, 5.0), 4.0);
    assert_eq!(reverse(0.0, 0.0, 10.0), 10.0);
}

#[test]
fn mann_kendall_matches_pymannkendall() {
    for case in cases("mann_kendall") {
        let name = name(case);
        let expected = &case["expected"];
        match mann_kendall(&values(&case["values"])) {
            None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
            Some(m) => {
                estimate(name, "S", m.s, &expected["s"]);
                estimate(name, "var S", m.var_s, &expected["var_s"]);
                estimate(name, "z", m.z, &expected["z"]);
                estimate(name, "tau", m.tau, &expected["tau"]);
                p_value(name, m.p, &expected["p"]);
            }
        }
    }
}

#[test]
fn linear_trend_matches_linregress() {
    for case in cases("linear") {
        let name = name(case);
        let (x, y) = (values(&case["x"]), values(&case["y"]));
        let expected = &case["expected"];
        match linear_trend(&x, &y, case["level"].as_f64().unwrap()) {
            None => assert!(expected.is_null(), "{name}: none, reference {expected}"),
            Some(l) => {
                for (what, ours) in [
                    ("slope", l.slope),
                    ("intercept", l.intercept),
                    ("se", l.se),
                    ("r", l.r),
                    ("lower", l.lower),
                    ("upper", l.upper),
                ] {
                    estimate(name, what, ours, &expected[what]);
                }
                assert_eq!(l.df as u64, expected["df"].as_u64().unwrap(), "{name}: df");
                p_value(name, l.p, &expected["p"]);
            }
        }
    }
}

/// Inputs that cannot carry a result give None rather than a panic or a NaN.
#[test]
fn degenerate_inputs_give_none() {
    let three = [1.0, 2.0, 4.0];
    assert_eq!(wilson(5, 3, 0.95), None, "more successes than trials");
    assert_eq!(newcombe(1, 2, 4, 3, 0.95), None);
    assert_eq!(chi_square(&[], false), None, "no table");
    assert_eq!(chi_square(&[vec![1, 2], vec![3]], false), None, "ragged");
    assert_eq!(
        weighted_mean(&three, &[1.0, f64::NAN, 1.0]),
        None,
        "missing weight"
    );
    assert_eq!(weighted_mean(&three, &[1.0, f64::INFINITY, 1.0]), None);
    assert_eq!(kish_n_eff(&[]), None);
    assert_eq!(weighted_proportion(&[true], &[1.0, 2.0], 0.95), None);
    assert_eq!(
        linear_trend(&three, &three[..2], 0.95),
        None,
        "lengths differ"
    );
    assert_eq!(linear_trend(&three, &three, 1.0), None, "level");
    assert_eq!(
        mann_whitney(&[f64::NAN], &three),
        None,
        "only a missing value"
    );
    let short_scale = [1.0, 2.0];
    assert_eq!(
        median_interval_histogram(&histogram(&[1.0, 3.0], 3), &short_scale, 0.95),
        None,
        "fewer level values than levels"
    );
    let h = histogram(&[1.0, 2.0, 3.0], 3);
    assert_eq!(mean_t_histogram(&h, &short_scale, 0.95), None);
    assert_eq!(welch_histograms(&h, &h, &short_scale, 0.95), None);
    let rows = vec![vec![1.0, 2.0], vec![2.0]];
    assert_eq!(
        cronbach_alpha(&rows, Deletion::Listwise, 0.95),
        None,
        "ragged"
    );
    let rows = vec![vec![1.0, 2.0], vec![2.0, 4.0], vec![3.0, 3.0]];
    assert_eq!(
        cronbach_alpha(&rows, Deletion::Listwise, 1.0),
        None,
        "level"
    );
    // A pair of items answered together by one respondent only has no covariance.
    let rows = vec![
        vec![1.0, 2.0, f64::NAN],
        vec![2.0, f64::NAN, 3.0],
        vec![3.0, 4.0, f64::NAN],
        vec![f64::NAN, 1.0, 2.0],
    ];
    assert_eq!(cronbach_alpha(&rows, Deletion::Pairwise, 0.95), None);
}

// --- Properties --------------------------------------------------------------------------------

/// Answers on a five-level scale, as 0-based levels.
fn answers(max: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..5, 0..max)
}

fn histogram_of(levels: &[usize]) -> Histogram {
    let mut h = Histogram::new(5);
    levels.iter().for_each(|&l| h.add(l));
    h
}

fn as_values(levels: &[usize]) -> Vec<f64> {
    levels.iter().map(|&l| l as f64 + 1.0).collect()
}

fn in_unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

fn contains(i: Interval) -> bool {
    i.lower <= i.estimate && i.estimate <= i.upper
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

proptest! {
    /// Histograms counted in chunks and merged test exactly as the rows they came from.
    #[test]
    fn merged_histograms_test_as_the_concatenated_rows(
        chunks in prop::collection::vec((answers(30), answers(30)), 2..5),
        level in 0.8f64..0.995,
    ) {
        let merged: Vec<Histogram> = chunks
            .iter()
            .map(|(a, b)| {
                let mut h = histogram_of(a);
                h.merge(&histogram_of(b));
                h
            })
            .collect();
        let rows: Vec<Vec<f64>> = chunks
            .iter()
            .map(|(a, b)| as_values(&[a.as_slice(), b.as_slice()].concat()))
            .collect();
        prop_assert_eq!(kruskal_wallis_histograms(&merged), kruskal_wallis(&rows));
        prop_assert_eq!(
            mann_whitney_histograms(&merged[0], &merged[1]),
            mann_whitney(&rows[0], &rows[1])
        );
        let scale = level_values(5);
        prop_assert_eq!(
            median_interval_histogram(&merged[0], &scale, level),
            median_interval(&rows[0], level)
        );
        let from_histograms = welch_histograms(&merged[0], &merged[1], &scale, level);
        let from_rows = welch(&rows[0], &rows[1], level);
        prop_assert_eq!(from_histograms.is_some(), from_rows.is_some());
        if let (Some(a), Some(b)) = (from_histograms, from_rows) {
            prop_assert!(near(a.difference.lower, b.difference.lower) && near(a.p, b.p));
        }
        let (a, b) = (mean_t_histogram(&merged[0], &scale, level), mean_t(&rows[0], level));
        prop_assert_eq!(a.is_some(), b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert!(near(a.lower, b.lower) && near(a.upper, b.upper));
        }
    }

    /// The order of respondents does not matter.
    #[test]
    fn results_do_not_depend_on_row_order(
        (rows, shuffled) in prop::collection::vec(
            (prop::collection::vec(0usize..6, 4), 0usize..3, 0.1f64..4.0), 1..40
        ).prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle())),
    ) {
        // Level 5 stands for a skipped item.
        let items = |rows: &[(Vec<usize>, usize, f64)]| -> Vec<Vec<f64>> {
            rows.iter()
                .map(|r| r.0.iter().map(|&l| if l == 5 { f64::NAN } else { l as f64 + 1.0 }).collect())
                .collect()
        };
        for deletion in [Deletion::Listwise, Deletion::Pairwise] {
            let a = cronbach_alpha(&items(&rows), deletion, 0.95);
            let b = cronbach_alpha(&items(&shuffled), deletion, 0.95);
            prop_assert_eq!(a.is_some(), b.is_some());
            if let (Some(a), Some(b)) = (a, b) {
                prop_assert!(near(a.alpha, b.alpha) && near(a.lower, b.lower));
                for (x, y) in a.item_rest.iter().zip(&b.item_rest) {
                    prop_assert_eq!(x.is_some(), y.is_some());
                    if let (Some(x), Some(y)) = (x, y) {
                        prop_assert!(near(*x, *y));
                    }
                }
            }
        }
        let groups = |rows: &[(Vec<usize>, usize, f64)]| -> Vec<Vec<f64>> {
            (0..3)
                .map(|g| rows.iter().filter(|r| r.1 == g).map(|r| (r.0[0] % 5) as f64).collect())
                .collect()
        };
        let (a, b) = (groups(&rows), groups(&shuffled));
        prop_assert_eq!(kruskal_wallis(&a), kruskal_wallis(&b));
        prop_assert_eq!(mann_whitney(&a[0], &a[1]), mann_whitney(&b[0], &b[1]));
        let weighted = |rows: &[(Vec<usize>, usize, f64)]| {
            let x: Vec<f64> = rows.iter().map(|r| (r.0[1] % 5) as f64).collect();
            let w: Vec<f64> = rows.iter().map(|r| r.2).collect();
            weighted_mean_interval(&x, &w, 0.95)
        };
        let (a, b) = (weighted(&rows), weighted(&shuffled));
        prop_assert_eq!(a.is_some(), b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert!(near(a.interval.lower, b.interval.lower) && near(a.n_eff, b.n_eff));
        }
        let line = |rows: &[(Vec<usize>, usize, f64)]| {
            let x: Vec<f64> = rows.iter().map(|r| r.1 as f64).collect();
            let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
            linear_trend(&x, &y, 0.95)
        };
        let (a, b) = (line(&rows), line(&shuffled));
        prop_assert_eq!(a.is_some(), b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert!(near(a.slope, b.slope) && near(a.p, b.p));
        }
    }

    /// Adjusting a permuted list permutes the adjusted values.
    #[test]
    fn adjustment_follows_the_p_values(
        (p, order) in prop::collection::vec(0.0f64..1.0, 0..20).prop_flat_map(|p| {
            let n = p.len();
            (Just(p), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
    ) {
        let permuted: Vec<f64> = order.iter().map(|&i| p[i]).collect();
        for adjust in [holm as fn(&[f64]) -> Vec<f64>, benjamini_hochberg] {
            let (a, b) = (adjust(&p), adjust(&permuted));
            for (j, &i) in order.iter().enumerate() {
                prop_assert_eq!(a[i], b[j]);
                prop_assert!(in_unit(a[i]) && a[i] >= p[i]);
            }
        }
    }

    /// Every p-value lies in [0, 1].
    #[test]
    fn p_values_lie_between_zero_and_one(
        groups in prop::collection::vec(answers(25), 2..5),
        cells in prop::collection::vec(prop::collection::vec(0u64..30, 3), 2..4),
        fisher in prop::array::uniform4(0u64..40),
        series in prop::collection::vec(-5.0f64..5.0, 0..25),
    ) {
        let rows: Vec<Vec<f64>> = groups.iter().map(|g| as_values(g)).collect();
        let mut p = Vec::new();
        p.extend(kruskal_wallis(&rows).map(|k| k.p));
        p.extend(mann_whitney(&rows[0], &rows[1]).map(|m| m.p));
        p.extend(welch(&rows[0], &rows[1], 0.95).map(|w| w.p));
        for yates in [false, true] {
            p.extend(chi_square(&cells, yates).map(|c| c.p));
            p.extend(chi_square(&cells[..2], yates).map(|c| c.p));
        }
        p.extend(fisher_exact([[fisher[0], fisher[1]], [fisher[2], fisher[3]]]).map(|f| f.p));
        p.extend(mann_kendall(&series).map(|m| m.p));
        let x: Vec<f64> = (0..series.len()).map(|i| (i / 2) as f64).collect();
        p.extend(linear_trend(&x, &series, 0.95).map(|l| l.p));
        for value in p.clone() {
            prop_assert!(in_unit(value), "p = {}", value);
        }
        for value in holm(&p).into_iter().chain(benjamini_hochberg(&p)) {
            prop_assert!(in_unit(value));
        }
    }

    /// Every interval contains its estimate.
    #[test]
    fn intervals_contain_their_estimates(
        a in answers(40),
        b in answers(40),
        weights in prop::collection::vec(0.0f64..5.0, 40),
        counts in (0u64..60).prop_flat_map(|n| (0..=n, Just(n), 0..=n, Just(n + 3))),
        level in 0.5f64..0.999,
    ) {
        let (x, y) = (as_values(&a), as_values(&b));
        let (s1, n1, s2, n2) = counts;
        let mut intervals: Vec<Interval> = Vec::new();
        intervals.extend(mean_t(&x, level));
        intervals.extend(wilson(s1, n1, level));
        intervals.extend(clopper_pearson(s1, n1, level));
        intervals.extend(wilson(s2, n2, level));
        intervals.extend(clopper_pearson(s2, n2, level));
        intervals.extend(newcombe(s1, n1, s2, n2, level));
        intervals.extend(welch(&x, &y, level).map(|w| w.difference));
        let w = &weights[..x.len()];
        intervals.extend(weighted_mean_interval(&x, w, level).map(|e| e.interval));
        let chosen: Vec<bool> = a.iter().map(|&l| l >= 3).collect();
        intervals.extend(weighted_proportion(&chosen, w, level).map(|e| e.interval));
        let xs: Vec<f64> = (0..y.len()).map(|i| (i % 4) as f64).collect();
        intervals.extend(linear_trend(&xs, &y, level).map(|l| Interval {
            estimate: l.slope,
            lower: l.lower,
            upper: l.upper,
        }));
        for i in intervals {
            prop_assert!(contains(i), "{:?}", i);
        }
        if let Some(m) = median_interval(&x, level) {
            prop_assert!(m.lower <= m.median && m.median <= m.upper && m.coverage >= level);
        }
        let items: Vec<Vec<f64>> = x.chunks_exact(4).map(|r| r.to_vec()).collect();
        if let Some(r) = cronbach_alpha(&items, Deletion::Listwise, level.max(0.8)) {
            prop_assert!(r.lower <= r.alpha && r.alpha <= r.upper, "{:?}", r);
        }
    }

    /// With equal weights, every weighted estimate is the unweighted one (the median interval
    /// excepted: Woodruff's is not the order-statistic one), and a weighted histogram gives the
    /// same as the per-answer functions with those weights.
    #[test]
    fn equal_weights_give_the_unweighted_estimates(
        a in answers(40),
        b in answers(40),
        weight in 0.1f64..10.0,
        level in 0.8f64..0.995,
    ) {
        let scale = level_values(5);
        let weighted_of = |levels: &[usize]| {
            let mut h = WeightedHistogram::new(5);
            levels.iter().for_each(|&l| h.add(l, weight));
            h
        };
        let (h, w) = (histogram_of(&a), weighted_of(&a));
        let near = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            (x, y) => x.is_none() && y.is_none(),
        };
        prop_assert!(near(w.mean(&scale), h.mean(&scale)));
        prop_assert!(near(w.sd(&scale), h.sd(&scale)));
        prop_assert!(near(w.median(&scale), h.median(&scale)));
        prop_assert!(near(w.share(3..5).map(|s| s * 100.0), h.percent_of(3..5)));
        prop_assert!(near(w.n_eff(), (h.n() > 0).then(|| h.n() as f64)));
        let t = mean_t_histogram(&h, &scale, level);
        let tw = w.mean_interval(&scale, level);
        prop_assert!(near(t.map(|i| i.lower), tw.map(|i| i.lower)), "{:?} {:?}", t, tw);
        let top = h.counts[3..].iter().sum::<u64>();
        let s = wilson(top, h.n(), level);
        let sw = w.share_interval(3..5, level);
        prop_assert!(near(s.map(|i| i.upper), sw.map(|i| i.upper)));
        let (hb, wb) = (histogram_of(&b), weighted_of(&b));
        let d = welch_histograms(&h, &hb, &scale, level);
        let dw = w.welch(&wb, &scale, level);
        prop_assert!(near(d.map(|x| x.difference.lower), dw.map(|x| x.difference.lower)));
        let n = newcombe(top, h.n(), hb.counts[3..].iter().sum(), hb.n(), level);
        let nw = w.share_difference(&wb, 3..5, level);
        prop_assert!(near(n.map(|i| i.lower), nw.map(|i| i.lower)));
        let values = as_values(&a);
        let weights = vec![weight; a.len()];
        prop_assert!(near(weighted_mean(&values, &weights), w.mean(&scale)));
        if let Some(m) = w.median_interval(&scale, level) {
            prop_assert!(m.lower <= m.estimate && m.estimate <= m.upper, "{:?}", m);
        }
    }
}
