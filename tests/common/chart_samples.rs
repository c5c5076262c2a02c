// Realistic chart data, shared by tests/charts.rs, the chart unit tests and
// examples/chart_preview.rs through `include!`: the includer brings the chart types into scope.
// Figures are synthetic (seeded), shaped like the demo sample: 36 pilots, 8 recommendations,
// four waves.

/// A small deterministic generator (SplitMix64), so the sample charts never drift.
struct SampleRng(u64);

impl SampleRng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SAMPLE_PILOTS: [&str; 36] = [
    "Workplace Communication",
    "Cloud Fundamentals",
    "Patient Navigation",
    "Warehouse Safety",
    "Forestry Field Technology",
    "Team Leadership Basics",
    "Data Literacy",
    "Personal Support Worker Refresher",
    "Supply Chain Foundations",
    "Mine Site Safety",
    "Intercultural Collaboration",
    "Cybersecurity Awareness",
    "Mental Health First Response",
    "Forklift Operations Theory",
    "Water Quality Monitoring",
    "Conflict Resolution",
    "Python for Analysts",
    "Community Health Outreach",
    "Inventory Analytics",
    "Sustainable Agriculture Tech",
    "Customer Service Excellence",
    "Digital Marketing Analytics",
    "Clinical Research Coordination",
    "Last-mile Logistics",
    "Environmental Site Assessment",
    "Facilitation Skills",
    "Low-code App Building",
    "Long-term Care Infection Control",
    "Logistics Dispatch",
    "GIS for Resource Management",
    "Resilience at Work",
    "IT Support Essentials",
    "Accessible Service Design",
    "Warehouse Safety (second intake, evening and weekend delivery)",
    "Forestry Field Technology",
    "Workplace Communication",
];

fn sample_likert() -> LikertChart {
    let items = [
        ("learner", "L06 The skills taught are in demand by employers in my field", 412, [4.0, 7.0, 18.0, 40.0, 31.0], Some(5.0)),
        ("learner", "L08 The assessment let me show what I can actually do on the job", 398, [6.0, 12.0, 21.0, 38.0, 23.0], Some(3.0)),
        ("learner", "L09 The schedule, pace and format fit my work and life commitments", 405, [3.0, 6.0, 11.0, 42.0, 38.0], None),
        ("learner", "L10 Cost was not a barrier to my participation", 401, [15.0, 19.0, 22.0, 26.0, 18.0], Some(9.0)),
        ("learner", "L11 I received a digital credential I can share and verify", 377, [9.0, 10.0, 14.0, 33.0, 34.0], Some(12.0)),
        ("learner", "L14 Overall, I am satisfied with this micro-credential", 409, [2.0, 5.0, 13.0, 45.0, 35.0], Some(1.0)),
        ("employer", "E04 The competencies targeted reflect skills our organization needs now", 64, [3.0, 8.0, 16.0, 47.0, 26.0], Some(2.0)),
        ("employer", "E05 The assessment reflects job performance in our industry", 61, [7.0, 15.0, 25.0, 36.0, 17.0], Some(8.0)),
        ("employer", "E06 Working with the post-secondary partner was effective (responsive, timely, clear roles)", 63, [5.0, 9.0, 14.0, 41.0, 31.0], None),
        ("employer", "E09 I am confident that a holder of this micro-credential has the skills it states", 58, [4.0, 10.0, 22.0, 42.0, 22.0], Some(6.0)),
    ];
    LikertChart {
        title: "Learners and employers on the skills, assessment and delivery of the pilots (all waves)"
            .to_string(),
        levels: [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        items: items
            .iter()
            .map(|(group, label, n, percents, missing)| LikertItem {
                label: label.to_string(),
                group: Some(group.to_string()),
                n: *n,
                percents: percents.to_vec(),
                missing_percent: *missing,
            })
            .collect(),
    }
}

fn sample_scorecard() -> ScorecardChart {
    let mut rng = SampleRng(7);
    let specs: [(&str, bool, f64, bool); 20] = [
        ("R1 · E06 partner effective, top-2 %", true, 75.0, true),
        ("R1 · E07 would partner again, % yes", true, 80.0, true),
        ("R1 · P03 partners involved, mean", false, 3.0, true),
        (
            "R2 · L08 assessment shows ability, top-2 %",
            true,
            75.0,
            true,
        ),
        (
            "R2 · E05 assessment reflects job performance, top-2 %",
            true,
            70.0,
            true,
        ),
        ("R2 · E09 confidence in holders, mean", false, 4.0, true),
        ("R3 · L06 skills in demand, top-2 %", true, 75.0, true),
        (
            "R3 · E04 competencies needed now, top-2 %",
            true,
            75.0,
            true,
        ),
        ("R4 · L03 heard the term before, % yes", true, 50.0, true),
        (
            "R4 · L11 digital credential received, top-2 %",
            true,
            80.0,
            true,
        ),
        ("R4 · P05 framework clear, mean", false, 3.5, true),
        ("R5 · L09 schedule fits, top-2 %", true, 70.0, true),
        ("R5 · L10 cost a barrier, bottom-2 %", true, 20.0, false),
        ("R5 · L04 did not complete, %", true, 15.0, false),
        (
            "R6 · P09 stacks into a larger credential, % yes",
            true,
            40.0,
            true,
        ),
        ("R6 · L13 work situation improved, %", true, 35.0, true),
        (
            "R7 · P08 time and resources to innovate, mean",
            false,
            3.5,
            true,
        ),
        ("R7 · L14 satisfied overall, top-2 %", true, 80.0, true),
        (
            "R8 · E08 learners hired or promoted, mean",
            false,
            2.0,
            true,
        ),
        ("R8 · P10 outreach channels used, mean", false, 2.5, true),
    ];
    ScorecardChart {
        title: "Recommendation scorecard: indicators against the programme's targets, exit wave"
            .to_string(),
        indicators: specs
            .iter()
            .map(|(label, percent, target, higher)| {
                let (estimate, half) = if *percent {
                    (target + (rng.next() - 0.55) * 30.0, 3.0 + rng.next() * 6.0)
                } else {
                    (target + (rng.next() - 0.5) * 1.2, 0.1 + rng.next() * 0.3)
                };
                let estimate = if *percent {
                    estimate.clamp(1.0, 99.0)
                } else {
                    estimate
                };
                IndicatorPoint {
                    label: label.to_string(),
                    estimate,
                    lower: Some(if *percent {
                        (estimate - half).max(0.0)
                    } else {
                        estimate - half
                    }),
                    upper: Some(if *percent {
                        (estimate + half).min(100.0)
                    } else {
                        estimate + half
                    }),
                    target: *target,
                    higher_is_better: *higher,
                    percent: *percent,
                    n: 40 + (rng.next() * 400.0) as u64,
                }
            })
            .collect(),
    }
}

fn sample_heatmap() -> HeatMapChart {
    let mut rng = SampleRng(11);
    let rows: Vec<String> = SAMPLE_PILOTS
        .iter()
        .enumerate()
        .map(|(i, name)| format!("P{:02} {name}", i + 1))
        .collect();
    let cells = (0..rows.len())
        .map(|_| {
            let pilot_effect = (rng.next() - 0.5) * 30.0;
            (0..8)
                .map(|_| {
                    let draw = rng.next();
                    if draw < 0.08 {
                        HeatCell::Suppressed
                    } else if draw < 0.11 {
                        HeatCell::NoData
                    } else {
                        let value =
                            (62.0 + pilot_effect + (rng.next() - 0.5) * 40.0).clamp(0.0, 100.0);
                        HeatCell::Value {
                            value,
                            n: 10 + (rng.next() * 60.0) as u64,
                        }
                    }
                })
                .collect()
        })
        .collect();
    HeatMapChart {
        title: "Agreement by pilot and recommendation (% top-2, learners, all waves)".to_string(),
        value_label: "% top-2".to_string(),
        rows,
        columns: (1..=8).map(|r| format!("R{r}")).collect(),
        cells,
        min_cell: 10,
        domain: Some((0.0, 100.0)),
    }
}

fn sample_trend() -> TrendChart {
    let point = |estimate: f64, half: f64, n: u64| {
        Some(TrendPoint {
            estimate,
            lower: estimate - half,
            upper: estimate + half,
            n,
        })
    };
    TrendChart {
        title: "Skills in demand (L06) across waves, mean agreement by role".to_string(),
        y_label: "Mean agreement (1 = strongly disagree, 5 = strongly agree)".to_string(),
        waves: ["exit", "followup_3m", "followup_6m", "annual"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        baseline: 0,
        series: vec![
            TrendSeries {
                label: "Learners".to_string(),
                points: vec![
                    point(3.62, 0.08, 412),
                    point(3.71, 0.09, 356),
                    point(3.80, 0.10, 298),
                    point(3.86, 0.12, 240),
                ],
            },
            TrendSeries {
                label: "Employers".to_string(),
                points: vec![
                    point(3.95, 0.22, 64),
                    point(3.88, 0.25, 51),
                    None,
                    point(4.10, 0.28, 40),
                ],
            },
            TrendSeries {
                label: "Educators and project leads".to_string(),
                points: vec![
                    point(3.40, 0.30, 36),
                    point(3.52, 0.31, 33),
                    point(3.61, 0.33, 30),
                    point(3.58, 0.35, 27),
                ],
            },
        ],
        target: Some(4.0),
    }
}

fn sample_status() -> StatusChart {
    let rows = [
        (
            "R1 Create robust employer–educator networks",
            [0, 2, 1, 3, 0, 0],
        ),
        (
            "R2 Research the assessment methods that work best",
            [1, 3, 0, 1, 0, 0],
        ),
        (
            "R3 Map the skills in demand now and in the future",
            [0, 1, 0, 4, 0, 1],
        ),
        (
            "R4 Raise awareness of micro-credentials",
            [2, 2, 1, 0, 0, 0],
        ),
        (
            "R5 Make micro-credentials affordable and accessible",
            [1, 1, 2, 1, 1, 0],
        ),
        (
            "R6 Stack micro-credentials into larger credentials",
            [3, 0, 0, 0, 0, 0],
        ),
        ("R7 Fund innovation in delivery", [0, 0, 0, 0, 0, 0]),
        (
            "R8 Track outcomes for learners and employers",
            [0, 4, 0, 2, 0, 0],
        ),
    ];
    StatusChart {
        title: "Implementation status of the eight recommendations (actions, March 2026)"
            .to_string(),
        statuses: [
            "not started",
            "in progress",
            "little or no progress",
            "implemented",
            "will not implement",
            "no longer applicable",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|(label, counts)| StatusRow {
                label: label.to_string(),
                counts: counts.to_vec(),
            })
            .collect(),
    }
}

/// One realistic chart of each kind, with a file-name stem.
fn sample_charts() -> Vec<(&'static str, Chart)> {
    vec![
        ("likert", Chart::Likert(sample_likert())),
        ("scorecard", Chart::Scorecard(sample_scorecard())),
        ("heatmap", Chart::HeatMap(sample_heatmap())),
        ("trend", Chart::Trend(sample_trend())),
        ("status", Chart::Status(sample_status())),
    ]
}
