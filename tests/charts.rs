//! Charts: every kind renders to SVG and PNG, the SVG carries its data in words and is safe
//! well-formed XML whatever the labels, suppressed cells are marked, odd data never panics.

use mctrack::render::charts::*;
use proptest::prelude::*;

include!("common/chart_samples.rs");

/// Decodes a PNG: (width, height, RGB pixels).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("PNG size")];
    let info = reader.next_frame(&mut pixels).expect("PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// The text of every `<text>` element, in document order.
fn svg_texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// The SVG parses, and its first two element children are `<title>` and `<desc>`.
fn title_and_desc(svg: &str) -> (String, String) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("svg"));
    let mut children = root.children().filter(|n| n.is_element());
    let title = children.next().expect("title");
    let desc = children.next().expect("desc");
    assert!(title.has_tag_name("title"), "{svg}");
    assert!(desc.has_tag_name("desc"), "{svg}");
    (
        title.text().unwrap_or("").to_string(),
        desc.text().unwrap_or("").to_string(),
    )
}

#[test]
fn every_kind_renders_to_png_and_svg() {
    for (name, chart) in sample_charts() {
        let png = chart.to_png().unwrap_or_else(|e| panic!("{name}: {e}"));
        let (w, h, pixels) = decode_png(&png);
        assert_eq!(w, WIDTH, "{name}");
        assert!(h > 100, "{name}: {h} px tall");
        let first = &pixels[..3];
        let colours: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
        assert!(
            pixels.chunks(3).any(|p| p != first) && colours.len() > 20,
            "{name}: PNG is blank"
        );
        // Text is drawn: dark pixels (near-black ink) exist.
        assert!(
            pixels.chunks(3).any(|p| p.iter().all(|c| *c < 60)),
            "{name}: no text in the PNG"
        );

        let svg = chart.to_svg().unwrap_or_else(|e| panic!("{name}: {e}"));
        let (title, desc) = title_and_desc(&svg);
        assert_eq!(title, chart.title(), "{name}");
        assert_eq!(desc, chart.alt_text(), "{name}");
        assert!(svg.contains(&format!("width=\"{WIDTH}\"")), "{name}");
        assert!(svg.contains("role=\"img\""), "{name}");
    }
}

#[test]
fn alt_text_states_the_data_in_words() {
    let likert = Chart::Likert(sample_likert()).alt_text();
    assert!(
        likert.contains(
            "L06 The skills taught are in demand by employers in my field (n = 412): \
             71% agree, 11% disagree, 18% neutral"
        ),
        "{likert}"
    );
    assert!(likert.contains("Strongly agree 31%"), "{likert}");
    assert!(likert.contains("N/A 5%"), "{likert}");
    assert!(likert.contains("employer:"), "{likert}");

    let scorecard = Chart::Scorecard(sample_scorecard()).alt_text();
    assert!(
        scorecard.contains("R1 · E06 partner effective, top-2 %: "),
        "{scorecard}"
    );
    assert!(scorecard.contains("target ≥ 75.0%"), "{scorecard}");
    assert!(scorecard.contains("meet their target"), "{scorecard}");

    let heat = Chart::HeatMap(sample_heatmap()).alt_text();
    assert!(heat.contains("P01 Workplace Communication: R1 "), "{heat}");
    assert!(heat.contains("suppressed"), "{heat}");
    assert!(heat.contains("fewer than 10 respondents"), "{heat}");

    let trend = Chart::Trend(sample_trend()).alt_text();
    assert!(trend.contains("Baseline: exit."), "{trend}");
    assert!(trend.contains("Target: 4.00."), "{trend}");
    assert!(
        trend.contains("Learners: exit 3.62 (3.54 to 3.70, n = 412)"),
        "{trend}"
    );
    assert!(trend.contains("followup_6m no estimate"), "{trend}");

    let status = Chart::Status(sample_status()).alt_text();
    assert!(
        status.contains(
            "R1 Create robust employer–educator networks: 2 in progress, 1 little or no \
             progress, 3 implemented (6 actions)."
        ),
        "{status}"
    );
    assert!(status.contains("R7 Fund innovation in delivery: no actions recorded (0 actions)."));
}

#[test]
fn suppressed_cells_are_marked_not_zero() {
    let chart = HeatMapChart {
        title: "Suppression".into(),
        value_label: "% top-2".into(),
        rows: vec!["P01".into(), "P02".into()],
        columns: vec!["R1".into(), "R2".into()],
        cells: vec![
            vec![HeatCell::Value { value: 0.0, n: 40 }, HeatCell::Suppressed],
            vec![HeatCell::Suppressed, HeatCell::NoData],
        ],
        min_cell: 10,
        domain: Some((0.0, 100.0)),
    };
    let chart = Chart::HeatMap(chart);
    let svg = chart.to_svg().unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts = svg_texts(&doc);
    assert!(
        texts.contains(&"s: suppressed (n < 10)".to_string()),
        "{texts:?}"
    );
    // One "s" per suppressed cell; the only zero is the real one, plus the legend's end.
    assert_eq!(texts.iter().filter(|t| *t == "s").count(), 2, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| *t == "0").count(), 2, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("0%")), "{texts:?}");
    let alt = chart.alt_text();
    assert!(alt.contains("P01: R1 0 (n = 40), R2 suppressed."), "{alt}");
    assert!(alt.contains("P02: R1 suppressed, R2 no data."), "{alt}");
}

const HOSTILE: [&str; 3] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "Tom & Jerry's \"best\" <b>pilot</b>",
];

fn hostile_charts(label: &str) -> Vec<Chart> {
    let mut likert = sample_likert();
    likert.title = label.into();
    likert.levels[0] = label.into();
    likert.items[0].label = label.into();
    likert.items[1].group = Some(label.into());
    let mut score = sample_scorecard();
    score.title = label.into();
    score.indicators[0].label = label.into();
    let mut heat = sample_heatmap();
    heat.title = label.into();
    heat.value_label = label.into();
    heat.rows[0] = label.into();
    heat.columns[0] = label.into();
    let mut trend = sample_trend();
    trend.title = label.into();
    trend.y_label = label.into();
    trend.waves[0] = label.into();
    trend.series[0].label = label.into();
    let mut status = sample_status();
    status.title = label.into();
    status.statuses[0] = label.into();
    status.rows[0].label = label.into();
    vec![
        Chart::Likert(likert),
        Chart::Scorecard(score),
        Chart::HeatMap(heat),
        Chart::Trend(trend),
        Chart::Status(status),
    ]
}

#[test]
fn labels_are_escaped_in_svg() {
    for label in HOSTILE {
        for chart in hostile_charts(label) {
            let svg = chart.to_svg().unwrap();
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("<img"), "{svg}");
            assert!(!svg.contains("<b>"), "{svg}");
            let doc = roxmltree::Document::parse(&svg).unwrap();
            // The label survives as text: escaped, not dropped.
            let (title, desc) = title_and_desc(&svg);
            assert_eq!(title, label);
            assert!(desc.contains(label));
            assert!(
                svg_texts(&doc)
                    .iter()
                    .any(|t| t.contains(label) || t.ends_with('…')),
                "{label}"
            );
            assert_eq!(
                doc.descendants()
                    .filter(|n| n.has_tag_name("script"))
                    .count(),
                0
            );
        }
    }
}

#[test]
fn no_data_is_an_error_not_a_panic() {
    let empty = [
        Chart::Likert(LikertChart {
            title: "t".into(),
            levels: vec![],
            items: vec![],
        }),
        Chart::Likert(LikertChart {
            title: "t".into(),
            levels: vec!["a".into()],
            items: vec![],
        }),
        Chart::Scorecard(ScorecardChart {
            title: "t".into(),
            indicators: vec![],
        }),
        Chart::HeatMap(HeatMapChart {
            title: "t".into(),
            value_label: String::new(),
            rows: vec![],
            columns: vec!["R1".into()],
            cells: vec![],
            min_cell: 10,
            domain: None,
        }),
        Chart::Trend(TrendChart {
            title: "t".into(),
            y_label: String::new(),
            waves: vec![],
            baseline: 0,
            series: vec![],
            target: None,
        }),
        Chart::Status(StatusChart {
            title: "t".into(),
            statuses: vec!["a".into()],
            rows: vec![],
        }),
    ];
    for chart in empty {
        assert!(matches!(chart.to_svg(), Err(ChartError::Empty { .. })));
        assert!(matches!(chart.to_png(), Err(ChartError::Empty { .. })));
        assert!(!chart.alt_text().is_empty());
    }
}

#[test]
fn two_hundred_pilots_grow_the_heat_map() {
    let mut heat = sample_heatmap();
    let rows = heat.rows.clone();
    let cells = heat.cells.clone();
    heat.rows = (0..200).map(|i| format!("{} #{i}", rows[i % 36])).collect();
    heat.cells = (0..200).map(|i| cells[i % 36].clone()).collect();
    let (w, h, _) = decode_png(&Chart::HeatMap(heat).to_png().unwrap());
    assert_eq!(w, WIDTH);
    assert!(h > 200 * 20, "{h}");
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,200}",
        Just("<script>alert(1)</script>".to_string()),
        Just(String::new()),
    ]
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        0.0..100.0f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
    ]
}

fn arbitrary_charts() -> impl Strategy<Value = Vec<Chart>> {
    (
        label(),
        prop::collection::vec(label(), 0..7),
        prop::collection::vec(
            (
                label(),
                prop::option::of(label()),
                any::<u64>(),
                prop::collection::vec(value(), 0..8),
                prop::option::of(value()),
            ),
            0..6,
        ),
        prop::collection::vec(
            (
                value(),
                value(),
                value(),
                value(),
                any::<bool>(),
                any::<bool>(),
            ),
            0..6,
        ),
        prop::collection::vec(
            prop::collection::vec(prop_oneof![value().prop_map(Some), Just(None)], 0..6),
            0..6,
        ),
        prop::collection::vec(prop::collection::vec(any::<u64>(), 0..7), 0..5),
        0usize..6,
    )
        .prop_map(|(title, labels, items, points, grid, counts, baseline)| {
            let pick = |i: usize| {
                labels
                    .get(i % labels.len().max(1))
                    .cloned()
                    .unwrap_or_default()
            };
            vec![
                Chart::Likert(LikertChart {
                    title: title.clone(),
                    levels: labels.clone(),
                    items: items
                        .iter()
                        .map(|(label, group, n, percents, missing)| LikertItem {
                            label: label.clone(),
                            group: group.clone(),
                            n: *n,
                            percents: percents.clone(),
                            missing_percent: *missing,
                        })
                        .collect(),
                }),
                Chart::Scorecard(ScorecardChart {
                    title: title.clone(),
                    indicators: points
                        .iter()
                        .enumerate()
                        .map(|(i, (e, l, u, t, higher, percent))| IndicatorPoint {
                            label: pick(i),
                            estimate: *e,
                            lower: Some(*l),
                            upper: Some(*u),
                            target: *t,
                            higher_is_better: *higher,
                            percent: *percent,
                            n: i as u64,
                        })
                        .collect(),
                }),
                Chart::HeatMap(HeatMapChart {
                    title: title.clone(),
                    value_label: pick(1),
                    rows: (0..grid.len()).map(pick).collect(),
                    columns: labels.clone(),
                    cells: grid
                        .iter()
                        .map(|row| {
                            row.iter()
                                .enumerate()
                                .map(|(i, v)| match v {
                                    Some(v) if i % 3 == 0 => HeatCell::Value { value: *v, n: 12 },
                                    Some(_) => HeatCell::Suppressed,
                                    None => HeatCell::NoData,
                                })
                                .collect()
                        })
                        .collect(),
                    min_cell: 10,
                    domain: points.first().map(|p| (p.0, p.1)),
                }),
                Chart::Trend(TrendChart {
                    title: title.clone(),
                    y_label: pick(2),
                    waves: labels.clone(),
                    baseline,
                    series: grid
                        .iter()
                        .enumerate()
                        .map(|(i, row)| TrendSeries {
                            label: pick(i),
                            points: row
                                .iter()
                                .map(|v| {
                                    v.map(|v| TrendPoint {
                                        estimate: v,
                                        lower: v - 1.0,
                                        upper: v * 2.0,
                                        n: 5,
                                    })
                                })
                                .collect(),
                        })
                        .collect(),
                    target: points.first().map(|p| p.3),
                }),
                Chart::Status(StatusChart {
                    title,
                    statuses: labels.clone(),
                    rows: counts
                        .iter()
                        .enumerate()
                        .map(|(i, c)| StatusRow {
                            label: pick(i),
                            counts: c.clone(),
                        })
                        .collect(),
                }),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the labels and numbers, a chart is drawn or refused with an error, never a
    /// panic, and every SVG drawn is well-formed XML with its title and description.
    #[test]
    fn arbitrary_data_never_panics(charts in arbitrary_charts()) {
        for chart in charts {
            let _ = chart.alt_text();
            match chart.to_svg() {
                Ok(svg) => {
                    title_and_desc(&svg);
                    prop_assert!(!svg.contains("<script"));
                }
                Err(ChartError::Empty { .. }) => {}
                Err(e) => prop_assert!(false, "{e}"),
            }
            match chart.to_png() {
                Ok(png) => prop_assert_eq!(decode_png(&png).0, WIDTH),
                Err(ChartError::Empty { .. }) => {}
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
    }
}
