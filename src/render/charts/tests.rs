//! Layout checks on the scenes themselves: nothing leaves the canvas and no two pieces of text
//! overlap, for realistic data and for awkward data.

use super::scene::{Scene, Shape};
use super::*;

include!("../../../tests/common/chart_samples.rs");

/// x0, y0, x1, y1 in pixels.
type Bounds = (i32, i32, i32, i32);

fn scene_of(chart: &Chart) -> Scene {
    chart.scene().expect("scene")
}

/// Every shape within the canvas, every text box clear of every other.
fn assert_clean_layout(name: &str, scene: &Scene) {
    let (w, h) = (scene.width as i32, scene.height as i32);
    for shape in &scene.shapes {
        let (x0, y0, x1, y1) = shape.bounds();
        assert!(
            x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h,
            "{name}: {shape:?} leaves the {w}x{h} canvas"
        );
    }
    let texts: Vec<(&Shape, Bounds)> = scene
        .shapes
        .iter()
        .filter(|s| matches!(s, Shape::Text { .. }))
        .map(|s| (s, s.bounds()))
        .collect();
    for (i, (a, ba)) in texts.iter().enumerate() {
        for (b, bb) in &texts[i + 1..] {
            let overlap = ba.0 < bb.2 && bb.0 < ba.2 && ba.1 < bb.3 && bb.1 < ba.3;
            assert!(!overlap, "{name}: text overlaps:\n{a:?}\n{b:?}");
        }
    }
}

#[test]
fn sample_charts_lay_out_cleanly() {
    text::ensure_font().unwrap();
    for (name, chart) in sample_charts() {
        let scene = scene_of(&chart);
        assert_eq!(scene.width, WIDTH);
        assert_clean_layout(name, &scene);
    }
}

#[test]
fn awkward_data_lays_out_cleanly() {
    text::ensure_font().unwrap();
    let long = "An extraordinarily long label that goes on and on well past any column width \
                anyone would choose, with Unsplittablewordsthatneverendandkeepgoingforeverandever";
    let mut likert = sample_likert();
    for item in likert.items.iter_mut().step_by(2) {
        item.label = long.to_string();
        item.group = Some(long.to_string());
    }
    likert.items[1].percents = vec![f64::NAN, -5.0, 0.0];
    likert.items[3].n = 0;
    likert.items[3].percents = vec![];
    likert.title = long.repeat(3);
    let mut heat = sample_heatmap();
    heat.rows = (0..200).map(|i| format!("{i} {long}")).collect();
    heat.columns = (0..8).map(|i| format!("R{i} {long}")).collect();
    heat.value_label = long.to_string();
    let mut trend = sample_trend();
    trend.waves = (0..12).map(|i| format!("wave {i} {long}")).collect();
    trend.series[0].label = long.to_string();
    let mut score = sample_scorecard();
    score.indicators[0].label = long.to_string();
    score.indicators[1].estimate = f64::NAN;
    score.indicators[2].lower = Some(-1e9);
    let mut status = sample_status();
    status.rows[0].label = long.to_string();
    status.rows[1].counts = vec![u64::MAX, 5];
    status.statuses[0] = long.to_string();
    for (name, chart) in [
        ("likert", Chart::Likert(likert)),
        ("heatmap", Chart::HeatMap(heat)),
        ("trend", Chart::Trend(trend)),
        ("scorecard", Chart::Scorecard(score)),
        ("status", Chart::Status(status)),
    ] {
        assert_clean_layout(name, &scene_of(&chart));
    }
}

#[test]
fn likert_neutral_is_centred_and_items_sorted() {
    text::ensure_font().unwrap();
    let chart = LikertChart {
        title: "t".into(),
        levels: ["1", "2", "3", "4", "5"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        items: vec![
            LikertItem {
                label: "low".into(),
                group: None,
                n: 20,
                percents: vec![40.0, 20.0, 20.0, 10.0, 10.0],
                missing_percent: None,
            },
            LikertItem {
                label: "high".into(),
                group: None,
                n: 20,
                percents: vec![0.0, 10.0, 20.0, 30.0, 40.0],
                missing_percent: None,
            },
        ],
    };
    let alt = chart.alt_text();
    assert!(
        alt.find("high").unwrap() < alt.find("low").unwrap(),
        "{alt}"
    );
    let scene = chart.scene().unwrap();
    // The neutral (grey) segment of each bar is centred on zero: both share one centre.
    let neutral: Vec<(i32, i32)> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            // Bars are 22 px tall; the legend swatch is smaller.
            Shape::Rect {
                x0,
                x1,
                y0,
                y1,
                fill,
                ..
            } if *fill == palette::NEUTRAL && y1 - y0 == 22 => Some((*x0, *x1)),
            _ => None,
        })
        .collect();
    assert_eq!(neutral.len(), 2);
    let centre_of = |(a, b): (i32, i32)| a + b;
    assert!((centre_of(neutral[0]) - centre_of(neutral[1])).abs() <= 2);
}

#[test]
fn ticks_are_round() {
    let (lo, hi, ticks) = scene::nice_ticks(3.37, 4.12, 5);
    assert!(lo <= 3.37 && hi >= 4.12);
    assert_eq!(scene::tick_decimals(&ticks), 1);
    let (_, _, ticks) = scene::nice_ticks(0.0, 0.0, 5);
    assert!(ticks.len() >= 2);
    let (_, _, ticks) = scene::nice_ticks(f64::NAN, 1.0, 5);
    assert!(ticks.iter().all(|t| t.is_finite()));
}
