//! The statistics of `stats/` against values computed by pandas and numpy
//! (tests/reference/make_reference.py -> tests/fixtures/reference/descriptives.json).

use mctrack::stats::descriptive::describe;
use mctrack::stats::histogram::Histogram;
use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference/descriptives.json"
    ))
    .expect("reference file");
    serde_json::from_str(&text).expect("reference JSON")
}

/// Equal to 1e-12 relative (or absolute near zero), or both absent.
fn assert_close(case: &str, what: &str, ours: Option<f64>, theirs: &Value) {
    match (ours, theirs.as_f64()) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{case}: {what} is {a}, reference {b}"
        ),
        (a, _) => panic!("{case}: {what} is {a:?}, reference {theirs}"),
    }
}

#[test]
fn histogram_statistics_match_pandas() {
    let reference = reference();
    let cases = reference["levels"].as_array().unwrap();
    assert!(cases.len() >= 30, "mass and gap items plus edge cases");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let levels: Vec<f64> = case["levels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let mut histogram = Histogram::new(levels.len());
        for value in case["values"].as_array().unwrap() {
            if let Some(v) = value.as_f64() {
                histogram.add(levels.iter().position(|l| *l == v).unwrap());
            }
        }
        let k = levels.len();
        let top = case["top_box"].as_u64().unwrap() as usize;
        assert_eq!(histogram.n(), case["n"].as_u64().unwrap(), "{name}: n");
        let counts: Vec<u64> = case["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(histogram.counts, counts, "{name}: counts");
        assert_close(name, "mean", histogram.mean(&levels), &case["mean"]);
        assert_close(name, "sd", histogram.sd(&levels), &case["sd"]);
        assert_close(name, "median", histogram.median(&levels), &case["median"]);
        assert_close(name, "top", histogram.percent_of(k - top..k), &case["top"]);
        assert_close(
            name,
            "bottom",
            histogram.percent_of(0..top),
            &case["bottom"],
        );
        for (level, (ours, theirs)) in histogram
            .percents()
            .into_iter()
            .zip(case["percents"].as_array().unwrap())
            .enumerate()
        {
            assert_close(name, &format!("percent of level {level}"), ours, theirs);
        }
    }
}

#[test]
fn merged_histograms_equal_the_histogram_of_all_data() {
    let reference = reference();
    for case in reference["levels"].as_array().unwrap() {
        let values: Vec<usize> = case["values"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_f64())
            .map(|v| v as usize - 1)
            .collect();
        let k = case["levels"].as_array().unwrap().len();
        let mut whole = Histogram::new(k);
        values.iter().for_each(|&v| whole.add(v));
        let (a, b) = values.split_at(values.len() / 3);
        let mut left = Histogram::new(k);
        a.iter().for_each(|&v| left.add(v));
        let mut right = Histogram::new(k);
        b.iter().for_each(|&v| right.add(v));
        left.merge(&right);
        assert_eq!(left, whole, "{}", case["name"]);
    }
}

#[test]
fn numeric_descriptives_match_pandas() {
    let reference = reference();
    for case in reference["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let values: Vec<f64> = case["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect();
        let d = describe(&values).expect("values present");
        assert_eq!(d.n as u64, case["n"].as_u64().unwrap(), "{name}: n");
        assert_close(name, "mean", Some(d.mean), &case["mean"]);
        assert_close(name, "sd", d.sd, &case["sd"]);
        assert_close(name, "median", Some(d.median), &case["median"]);
        assert_close(name, "min", Some(d.min), &case["min"]);
        assert_close(name, "max", Some(d.max), &case["max"]);
        assert_close(name, "sum", Some(d.sum), &case["sum"]);
    }
    assert_eq!(describe(&[f64::NAN]), None);
}
