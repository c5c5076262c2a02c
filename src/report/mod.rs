//! Assembles the progress report from analysis and tracking: headline, one section per
//! recommendation, the pilot comparison, every question, data quality, methods and a manifest
//! that lets anyone reproduce it. The result is a `render::report::Report`; `render/` turns it
//! into HTML, Markdown and a workbook.

pub mod comments;
pub mod figures;

use chrono::NaiveDate;

use crate::analysis::heat::pilot_heat;
use crate::analysis::indicators::{
    evidence_table, indicator_evidence, IndicatorEvidence, Movement, TargetStatus,
};
use crate::analysis::scorecard::{inconsistencies, scorecard_table};
use crate::analysis::summary::{
    overview, section_tables, IntervalOptions, Section as QuestionSection, SummaryOptions,
};
use crate::analysis::tally::{suppressed_groups, weighting_note, ShareMethod};
use crate::codebook::Survey;
use crate::dataset::Dataset;
use crate::render::report::{Block, Report, Section};
use crate::render::{Cell, ColumnKind, Table};
use crate::store::{ImportRecord, TextAnswer};
use crate::tracking::changes::ChangeLine;
use crate::tracking::{Plan, RecStatus};

/// What the report is built from.
pub struct Inputs<'a> {
    pub survey: &'a Survey,
    pub data: &'a Dataset,
    pub imports: &'a [ImportRecord],
    /// The tracking records, and per recommendation, in file order, their status.
    pub plan: &'a Plan,
    pub statuses: &'a [RecStatus],
    /// Tracking changes since `Options::since`.
    pub changes: &'a [ChangeLine],
    /// Free-text answers, when the user asked for comments.
    pub comments: Option<&'a [TextAnswer]>,
    pub options: Options,
}

/// The choices a report records in its manifest.
#[derive(Debug, Clone)]
pub struct Options {
    pub as_of: NaiveDate,
    pub since: NaiveDate,
    pub level: f64,
    pub stale_days: i64,
    /// When the report was written (RFC 3339).
    pub generated_at: String,
    /// The store, as the user would name it.
    pub store: String,
    /// SHA-256 of the codebook and recommendations files.
    pub definition_hashes: Vec<(String, String)>,
}

pub fn build(inputs: &Inputs) -> Report {
    let survey = inputs.survey;
    let data = inputs.data;
    let options = &inputs.options;
    let min_cell = survey.codebook.privacy.min_cell;
    let evidence = indicator_evidence(survey, data, min_cell, options.level);
    let tracked = inputs.statuses.iter().any(|s| s.actions > 0);
    let mut report = Report {
        title: format!("{}: progress report", survey.codebook.title),
        lede: headline(inputs, &evidence, tracked),
        sections: Vec::new(),
    };

    let mut summary = vec![Block::Table(overview(survey, data))];
    let all: Vec<&IndicatorEvidence> = evidence.iter().collect();
    summary.extend(chart(
        "scorecard",
        figures::scorecard(&all, "Indicators against their targets, latest wave".into()),
    ));
    if !inputs.statuses.is_empty() {
        summary.push(Block::Table(scorecard_table(inputs.statuses, &evidence)));
    }
    summary.extend(chart(
        "status",
        figures::status(
            survey,
            inputs.plan,
            format!("Actions by status, as of {}", options.as_of),
        ),
    ));
    report.sections.push(Section {
        anchor: "headline".into(),
        title: "Headline".into(),
        blocks: summary,
    });

    let tagged = survey.questions_by_recommendation();
    for rec in &survey.recommendations {
        let mut blocks = vec![Block::Quote {
            text: rec.text.clone(),
            source: rec.source.clone(),
        }];
        blocks.push(Block::Table(evidence_table(
            &evidence,
            &[rec.id.as_str()],
            options.level,
        )));
        let mine: Vec<&IndicatorEvidence> = evidence
            .iter()
            .filter(|e| e.recommendation == rec.id)
            .collect();
        let anchor = rec.id.to_ascii_lowercase();
        blocks.extend(chart(
            &format!("{anchor}-trend"),
            figures::trend(survey, &mine, format!("{} indicators by wave", rec.id)),
        ));
        if let Some(status) = inputs.statuses.iter().find(|s| s.rec_id == rec.id) {
            blocks.push(Block::Heading("What has been done".into()));
            let mut lines = vec![
                format!(
                    "Management position: {}{}.",
                    status.position.position.label(),
                    if status.position.rationale.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", status.position.rationale)
                    }
                ),
                format!("Status: {}; {}.", status.rollup.label(), status.progress()),
            ];
            if status.overdue > 0 {
                lines.push(format!("{} action(s) overdue.", status.overdue));
            }
            if let Some(due) = status.next_due {
                lines.push(format!("Next due: {due}."));
            }
            for flag in inconsistencies(status, &mine) {
                lines.push(format!("Check: {}.", flag.describe()));
            }
            blocks.push(Block::List(lines));
            let moved: Vec<String> = inputs
                .changes
                .iter()
                .filter(|c| c.rec_id == rec.id)
                .map(|c| format!("{} — {}", c.on, c.text))
                .collect();
            if !moved.is_empty() {
                blocks.push(Block::Heading(format!("Changes since {}", options.since)));
                blocks.push(Block::List(moved));
            }
        }
        let tagged_questions: Vec<usize> = tagged.get(&rec.id).cloned().unwrap_or_default();
        blocks.extend(chart(
            &format!("{anchor}-ratings"),
            figures::likert(
                survey,
                data,
                &tagged_questions,
                format!("{} {}: rating questions, all waves", rec.id, rec.short_name),
            ),
        ));
        let questions: Vec<String> = tagged_questions
            .iter()
            .map(|&q| {
                let question = &survey.codebook.questions[q];
                format!("{}: {}", question.id, question.text)
            })
            .collect();
        if !questions.is_empty() {
            blocks.push(Block::Heading("The questions behind it".into()));
            blocks.push(Block::List(questions));
        }
        report.sections.push(Section {
            anchor: format!("rec-{anchor}"),
            title: format!("{} {}", rec.id, rec.short_name),
            blocks,
        });
    }

    let heat = pilot_heat(survey, data, min_cell);
    let mut pilots = vec![Block::Text("Where pilots stand on each recommendation. Read a low cell as a question for that pilot, not a verdict: bases differ, and the questions behind each column are listed in its section.".into())];
    pilots.extend(chart(
        "pilots",
        figures::heat_map(
            &heat,
            "Pilots by recommendation: % of ratings in the top two levels, all waves".into(),
        ),
    ));
    pilots.push(Block::Table(heat.table()));
    report.sections.push(Section {
        anchor: "pilots".into(),
        title: "Pilot comparison".into(),
        blocks: pilots,
    });

    let mut appendix = Vec::new();
    let summary_options = SummaryOptions {
        by: None,
        min_cell,
        intervals: Some(IntervalOptions {
            level: options.level,
            method: ShareMethod::Wilson,
        }),
    };
    for section in crate::analysis::summary::sections_by_recommendation(survey, &[], &[]) {
        appendix.push(Block::Heading(section.title.clone()));
        let only = QuestionSection {
            title: section.title,
            note: None,
            questions: section.questions,
        };
        appendix.extend(
            section_tables(survey, data, &only, &summary_options)
                .into_iter()
                .map(Block::Table),
        );
    }
    report.sections.push(Section {
        anchor: "questions".into(),
        title: "Every question".into(),
        blocks: appendix,
    });

    if let Some(answers) = inputs.comments {
        report.sections.push(comments_section(answers, min_cell));
    }

    report.sections.push(Section {
        anchor: "quality".into(),
        title: "Data quality".into(),
        blocks: quality_blocks(inputs),
    });
    report.sections.push(Section {
        anchor: "methods".into(),
        title: "Methods".into(),
        blocks: vec![Block::List(methods(inputs))],
    });
    report.sections.push(Section {
        anchor: "manifest".into(),
        title: "Manifest".into(),
        blocks: manifest(inputs),
    });
    report
}

fn chart(name: &str, chart: Option<crate::render::charts::Chart>) -> Option<Block> {
    chart.map(|chart| Block::Chart {
        name: name.to_string(),
        chart,
    })
}

fn headline(inputs: &Inputs, evidence: &[IndicatorEvidence], tracked: bool) -> Vec<String> {
    let data = inputs.data;
    let codebook = &inputs.survey.codebook;
    let mut pilots: Vec<u32> = data.pilot.clone();
    pilots.sort_unstable();
    pilots.dedup();
    let mut waves: Vec<u8> = data.wave.clone();
    waves.sort_unstable();
    waves.dedup();
    let mut roles: Vec<u8> = data.role.clone();
    roles.sort_unstable();
    roles.dedup();
    let wave_names: Vec<&str> = waves
        .iter()
        .map(|&w| codebook.waves[w as usize].as_str())
        .collect();
    let role_names: Vec<&str> = roles
        .iter()
        .map(|&r| codebook.roles[r as usize].as_str())
        .collect();
    let listed = if inputs.survey.pilots.is_empty() {
        String::new()
    } else {
        format!(" of the {} listed", inputs.survey.pilots.len())
    };
    let mut lines = vec![format!(
        "{} responses from {} pilots{listed}, over {} wave(s) ({}), from these roles: {}.",
        data.len(),
        pilots.len(),
        waves.len(),
        wave_names.join(", "),
        role_names.join(", "),
    )];
    let met = evidence
        .iter()
        .filter(|e| e.status == TargetStatus::Met)
        .count();
    let better = evidence
        .iter()
        .filter(|e| e.movement == Movement::Better)
        .count();
    let worse = evidence
        .iter()
        .filter(|e| e.movement == Movement::Worse)
        .count();
    lines.push(format!(
        "{met} of {} indicators meet their targets at the latest wave; {better} improved and {worse} fell clearly since the first wave.",
        evidence.len()
    ));
    if tracked {
        let actions: usize = inputs.statuses.iter().map(|s| s.actions).sum();
        let implemented: usize = inputs.statuses.iter().map(|s| s.implemented).sum();
        let verified: usize = inputs.statuses.iter().map(|s| s.verified).sum();
        let overdue: usize = inputs.statuses.iter().map(|s| s.overdue).sum();
        lines.push(format!(
            "{actions} actions: {implemented} implemented ({verified} verified), {overdue} overdue, as of {}.",
            inputs.options.as_of
        ));
    }
    if let Some(note) = weighting_note(inputs.survey, data) {
        lines.push(note);
    }
    lines
}

fn comments_section(answers: &[TextAnswer], min_cell: u64) -> Section {
    let (groups, withheld) = comments::shown_groups(answers, min_cell);
    let mut blocks = vec![Block::Text(format!(
        "Free-text answers, shown because the report was asked for them (--include-comments). E-mail addresses and phone numbers are masked. Only pilots with at least {min_cell} answers to a question are shown; {withheld} smaller group(s) are withheld."
    ))];
    for group in groups {
        blocks.push(Block::Comments {
            title: format!("{} — pilot {}", group.question_id, group.pilot_id),
            comments: group.comments,
        });
    }
    Section {
        anchor: "comments".into(),
        title: "Comments".into(),
        blocks,
    }
}

fn quality_blocks(inputs: &Inputs) -> Vec<Block> {
    let mut imports = Table::new("Imports")
        .column("Import", ColumnKind::Int)
        .column("File", ColumnKind::Text)
        .column("Imported at", ColumnKind::Text)
        .column("Platform", ColumnKind::Text)
        .column("Rows accepted", ColumnKind::Int)
        .column("Rows rejected", ColumnKind::Int)
        .column("Identifier columns dropped", ColumnKind::Text);
    let (mut accepted, mut rejected) = (0, 0);
    for i in inputs.imports {
        accepted += i.rows_accepted;
        rejected += i.rows_rejected;
        imports.rows.push(vec![
            Cell::Int(i.id),
            Cell::Text(i.file_name.clone()),
            Cell::Text(i.imported_at.clone()),
            Cell::Text(i.format.clone()),
            Cell::Int(i.rows_accepted),
            Cell::Int(i.rows_rejected),
            Cell::Text(i.dropped_columns.clone()),
        ]);
    }
    imports.footnotes.push(format!(
        "{} file(s): {accepted} rows accepted, {rejected} rejected (each rejected row is listed with its reason in reports/rejected/). Identifier columns are dropped when a file is read; their values are never stored.",
        inputs.imports.len()
    ));
    let min_cell = inputs.survey.codebook.privacy.min_cell;
    // A file usually holds one pilot, wave and role: its row count is that group's size.
    let accepted: Vec<(usize, u64)> = inputs
        .imports
        .iter()
        .enumerate()
        .filter(|(_, i)| i.rows_accepted > 0)
        .map(|(r, i)| (r, i.rows_accepted as u64))
        .collect();
    let hidden = suppressed_groups(&accepted, min_cell);
    for &r in &hidden {
        imports.rows[r][4] = Cell::Suppressed;
    }
    if !hidden.is_empty() {
        imports.footnotes.push(format!("s = suppressed: fewer than {min_cell} rows accepted (a file usually holds one pilot, wave and role), or the next smallest beside a lone small one."));
    }
    let missing = crate::analysis::quality::quality(
        inputs.survey,
        inputs.data,
        crate::analysis::quality::QualityRules::default(),
    )
    .into_iter()
    .next()
    .map(|mut table| {
        let mut withheld = false;
        for row in &mut table.rows {
            if matches!(row[2], Cell::Int(n) if n > 0 && (n as u64) < min_cell) {
                row[2..].fill(Cell::Suppressed);
                withheld = true;
            }
        }
        if withheld {
            table.footnotes.push(format!(
                "s = suppressed: asked of fewer than {min_cell} respondents."
            ));
        }
        table
    });
    let mut blocks = vec![Block::Table(imports)];
    blocks.extend(missing.map(Block::Table));
    blocks
}

fn methods(inputs: &Inputs) -> Vec<String> {
    let min_cell = inputs.survey.codebook.privacy.min_cell;
    let level = inputs.options.level * 100.0;
    vec![
        "Base: the respondents asked a question (by role, by wave where the codebook limits it, and only where their pilot's export included it) who gave an answer. Blank answers and missing codes (N/A, Don't know) are counted as missing and left out of every percentage.".into(),
        "Top-2 (bottom-2): the share of ratings in the two highest (lowest) levels of the scale. Select-all questions give the share of respondents choosing each option; they may add up to more than 100.".into(),
        format!("Small cells: any figure resting on fewer than {min_cell} respondents is suppressed (s), and where a suppressed figure could be worked out from a total, a second figure is suppressed with it."),
        format!("Intervals at {level:.0}%: t for means, Wilson for percentages, order statistics for medians; changes between waves use Welch (means) and Newcombe (percentages)."),
        "Indicators: each at the latest wave with enough answers, against a target this programme set; an arrow marks a change since the first wave whose interval excludes zero at a Bonferroni-adjusted level across all indicators.".into(),
        format!("Tracking: statuses are recorded by the owners of each action; implemented counts as verified only when someone else confirmed it. Flags are computed for {}: overdue = due before that date; stale = not updated for {} days. Survey results never change a status; a check marks where they disagree.", inputs.options.as_of, inputs.options.stale_days),
        "Free-text answers are never shown unless the report is asked for them; then e-mail addresses and phone numbers are masked and small groups withheld.".into(),
        "The sample data bundled with mctrack are synthetic; no figure in them describes a real pilot or may be attributed to The future is micro (Gooch et al., 2022).".into(),
    ]
}

fn manifest(inputs: &Inputs) -> Vec<Block> {
    let options = &inputs.options;
    let codebook = &inputs.survey.codebook;
    let mut settings = Table::new("How this report was made")
        .column("Item", ColumnKind::Text)
        .column("Value", ColumnKind::Text);
    let mut add = |k: &str, v: String| {
        settings
            .rows
            .push(vec![Cell::Text(k.into()), Cell::Text(v)]);
    };
    add("Generated at", options.generated_at.clone());
    add("mctrack version", env!("CARGO_PKG_VERSION").into());
    add("As of", options.as_of.to_string());
    add("Tracking changes since", options.since.to_string());
    add("Confidence level", format!("{}", options.level));
    add("Stale after (days)", options.stale_days.to_string());
    add("Minimum cell size", codebook.privacy.min_cell.to_string());
    add(
        "Codebook",
        format!(
            "{} v{} ({})",
            codebook.title,
            codebook.version,
            codebook.path.display()
        ),
    );
    for (file, hash) in &options.definition_hashes {
        add(&format!("SHA-256 of {file}"), hash.clone());
    }
    add("Store", options.store.clone());
    add(
        "Comments included",
        if inputs.comments.is_some() {
            "yes"
        } else {
            "no"
        }
        .into(),
    );
    let mut files = Table::new("Input files")
        .column("Import", ColumnKind::Int)
        .column("File", ColumnKind::Text)
        .column("SHA-256", ColumnKind::Text)
        .column("Codebook version", ColumnKind::Text)
        .column("Rows", ColumnKind::Int);
    for i in inputs.imports {
        files.rows.push(vec![
            Cell::Int(i.id),
            Cell::Text(i.file_name.clone()),
            Cell::Text(i.sha256.clone()),
            Cell::Text(i.codebook_version.clone()),
            Cell::Int(i.rows_accepted),
        ]);
    }
    files.footnotes.push(
        "Running the same mctrack version with the same options on a store holding these files (same hashes) reproduces this report."
            .into(),
    );
    vec![Block::Table(settings), Block::Table(files)]
}
