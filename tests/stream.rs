//! The streaming summary (files counted chunk by chunk into `Counts`) against the in-memory
//! path (every row parsed into a `Dataset`): the same tables, warnings and exit codes, on the
//! bundled sample and on generated data; and counting a file in chunks equals counting it
//! whole; the summary from the store's counts against the summary from its rows; and the
//! hand-written splitter against the csv crate. Timings are not checked here: see
//! scripts/bench.py.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{imported_sample, sample_dir, stderr_of, stdout_of, TestWorkspace, REPO};
use mctrack::analysis::counts::Counts;
use mctrack::ingest::split::{Record, Splitter};
use mctrack::ingest::{self, stream, ImportOptions};
use proptest::prelude::*;

/// Runs `summary` both ways and checks that stdout, stderr and the exit code agree; returns
/// the stdout and stderr.
fn same_both_ways(ws: &TestWorkspace, args: &[&str]) -> (String, String) {
    let streamed = ws.cmd().arg("summary").args(args).output().unwrap();
    let in_memory = ws
        .cmd()
        .arg("summary")
        .args(args)
        .arg("--in-memory")
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&streamed),
        stdout_of(&in_memory),
        "stdout of {args:?}"
    );
    assert_eq!(
        stderr_of(&streamed),
        stderr_of(&in_memory),
        "stderr of {args:?}"
    );
    assert_eq!(streamed.status.code(), in_memory.status.code(), "{args:?}");
    (stdout_of(&streamed), stderr_of(&streamed))
}

/// Writes the benchmark workload `NAME.csv` and its codebook into the workspace.
fn generated(
    ws: &TestWorkspace,
    name: &str,
    rows: &str,
    items: &str,
    seed: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let csv = ws.path().join(format!("{name}.csv"));
    ws.cmd()
        .args([
            "sample", "--rows", rows, "--items", items, "--seed", seed, "-o",
        ])
        .arg(&csv)
        .assert()
        .success();
    (csv, ws.path().join(format!("{name}.codebook.toml")))
}

/// The arguments of `summary FILE --by pilot --format csv` under `codebook`.
fn by_pilot<'a>(codebook: &'a Path, csv: &'a Path) -> [&'a str; 7] {
    [
        "--codebook",
        codebook.to_str().unwrap(),
        csv.to_str().unwrap(),
        "--by",
        "pilot",
        "--format",
        "csv",
    ]
}

#[test]
fn the_bundled_sample_summarises_the_same_streamed_or_in_memory() {
    let ws = TestWorkspace::new();
    let sample = sample_dir();
    let sample = sample.to_str().unwrap();
    for extra in [
        &[][..],
        &["--by", "pilot"],
        &["--by", "wave", "--intervals"],
        &[
            "--by",
            "role",
            "--role",
            "learner,employer",
            "--wave",
            "exit",
        ],
        &["--by", "round", "--exact", "--intervals"],
        &["--pilot", "P07", "--rec", "R2"],
    ] {
        let mut args = vec![sample, "--format", "csv"];
        args.extend_from_slice(extra);
        let (out, _) = same_both_ways(&ws, &args);
        assert!(out.contains("Responses in scope"), "{out}");
    }
}

#[test]
fn the_stored_counts_summarise_as_the_stored_rows_do() {
    let ws = imported_sample();
    let cases: [&[&str]; 5] = [
        &["--format", "csv"],
        &["--by", "pilot", "--format", "json"],
        &["--by", "wave", "--intervals", "--format", "csv"],
        &[
            "--by",
            "role",
            "--role",
            "learner,employer",
            "--wave",
            "exit",
        ],
        &["--pilot", "P07", "--rec", "R2", "--format", "csv"],
    ];
    for args in cases {
        same_both_ways(&ws, args);
    }
    // Removing an import removes its counts with its rows.
    ws.cmd().args(["imports", "remove", "3"]).assert().success();
    for args in cases {
        same_both_ways(&ws, args);
    }
}

#[test]
fn generated_data_summarises_the_same_streamed_or_in_memory() {
    let ws = TestWorkspace::new();
    let (csv, codebook) = generated(&ws, "bench", "3000", "12", "5");
    // Bad rows the validation must leave out in both paths, and a quoted newline.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("R99999991,P01,w9,learner,1,2,3,4,5,1,2,3,4,5,1,2,,,\n");
    text.push_str("R99999992,P02,w1,learner,7,2,3,4,5,1,2,3,4,5,1,2,,,\n");
    text.push_str("R99999993,P02,w1,learner,1,2\n");
    text.push_str("R99999994,P03,w2,educator,1,2,3,4,5,1,2,3,4,5,1,2,\"two\nlines, \"\"quoted\"\"\",,mentoring;childcare\n");
    text.push_str(",P03,w2,educator,1,2,3,4,5,1,2,3,4,5,1,2,,,\n");
    std::fs::write(&csv, text).unwrap();
    let cb = codebook.to_str().unwrap();
    let file = csv.to_str().unwrap();
    for extra in [
        &["--by", "pilot"][..],
        &["--by", "wave", "--intervals"],
        &[],
    ] {
        let mut args = vec![file, "--format", "csv"];
        args.extend_from_slice(extra);
        let mut full = vec!["--codebook", cb];
        full.extend(args);
        let (_, stderr) = same_both_ways(&ws, &full);
        assert!(stderr.contains("4 invalid row(s) left out"), "{stderr}");
    }
}

#[test]
fn a_quoted_line_break_where_the_header_read_stops_changes_nothing() {
    let ws = TestWorkspace::new();
    let (csv, codebook) = generated(&ws, "bench", "60", "4", "3");
    // The streamed summary parses the first 32 lines to learn the layout; here the 32nd line
    // break falls inside a quoted comment.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let row = "R77777777,P05,w3,learner,1,2,3,4,\"first\nsecond\nthird\",,mentoring";
    lines.insert(31, row);
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let (out, _) = same_both_ways(&ws, &by_pilot(&codebook, &csv));
    // The 46 generated learners and the one added.
    assert!(out.contains("learner,47,"), "{out}");
}

#[test]
fn rating_cells_longer_than_a_byte_are_read_as_in_memory() {
    let ws = TestWorkspace::new();
    let (csv, codebook) = generated(&ws, "bench", "60", "4", "3");
    // Blank cells in the first rating column, then cells of two bytes and more in the second:
    // " 4" and "4 " are 4, "45" is refused. Each must be read, not looked up as a byte.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 && i % 3 == 0 {
            cells[4].clear();
            cells[5] = [" 4", "4 ", "45"][i / 3 % 3].to_string();
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(&csv, out).unwrap();
    // Over all pilots, so that no figure is withheld as a small cell.
    let mut args = by_pilot(&codebook, &csv)[..3].to_vec();
    args.extend(["--format", "csv"]);
    let (streamed, stderr) = same_both_ways(&ws, &args);
    assert!(streamed.contains("\nQ002,"), "{streamed}");
    assert!(stderr.contains("invalid row(s) left out"), "{stderr}");
}

#[test]
fn a_respondent_repeated_in_another_chunk_is_found() {
    let ws = TestWorkspace::new();
    let (csv, codebook) = generated(&ws, "big", "30000", "12", "9");
    // Over 4 MiB, so counted in two chunks; the first response again at the very end.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.len() > 4 << 20);
    let first = text.lines().nth(1).unwrap().to_string();
    text.push_str(&first);
    text.push('\n');
    std::fs::write(&csv, text).unwrap();
    let (_, stderr) = same_both_ways(&ws, &by_pilot(&codebook, &csv));
    assert!(stderr.contains("1 invalid row(s) left out"), "{stderr}");
}

#[test]
fn the_committed_benchmark_codebook_is_the_generated_one() {
    let committed = std::fs::read_to_string(Path::new(REPO).join("benches/codebook.toml")).unwrap();
    assert_eq!(committed, mctrack::sample::wide::codebook_text(40));
}

/// Counters keyed by what their cell means (pilot name, wave, role).
type ByMeaning = BTreeMap<(String, u8, u8), Vec<u64>>;

/// Counts keyed by what they mean, whatever order cells were met in.
fn by_meaning(counts: &Counts) -> ByMeaning {
    let mut out = ByMeaning::new();
    for (key, counters) in &counts.cells {
        let slot = out
            .entry((
                counts.pilot_ids[key.pilot as usize].clone(),
                key.wave,
                key.role,
            ))
            .or_insert_with(|| vec![0; counters.len()]);
        for (a, b) in slot.iter_mut().zip(counters) {
            *a += b;
        }
    }
    out
}

fn bench_survey(dir: &Path) -> mctrack::codebook::Survey {
    let path = dir.join("codebook.toml");
    std::fs::write(&path, mctrack::sample::wide::codebook_text(3)).unwrap();
    mctrack::workspace::load_survey(None, Some(&path)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn counting_in_chunks_equals_counting_whole_and_in_memory(
        rows in proptest::collection::vec(
            (0u8..4, 0u8..9, 0u8..3, proptest::collection::vec(0u8..7, 3), 0u8..4, any::<bool>()),
            1..120,
        ),
        segment_bytes in 16u64..2000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let survey = bench_survey(dir.path());
        let mut text = String::from(BENCH_HEADER);
        for (i, (pilot, wave, role, items, comment, multi)) in rows.iter().enumerate() {
            let items: Vec<String> = items.iter().map(|&v| match v { 0 => String::new(), 6 => "x".into(), v => v.to_string() }).collect();
            let comment = match comment { 0 => "", 1 => "plain", 2 => "\"a, b\nc \"\"d\"\"\"", _ => "\"\n\n,\"" };
            text.push_str(&format!(
                "R{i},P{pilot:02},w{wave},{},{},{comment},,{}\n",
                ["learner", "employer", "educator"][*role as usize],
                items.join(","),
                if *multi { "mentoring;childcare" } else { "" }
            ));
        }
        let path = dir.path().join("data.csv");
        std::fs::write(&path, &text).unwrap();
        let options = ImportOptions::default();
        let mut whole = Counts::new(&survey.codebook);
        let one = stream::count_file(&path, &survey, &options, &mut whole, 0, 1, u64::MAX).unwrap().unwrap();
        let mut chunked = Counts::new(&survey.codebook);
        let many = stream::count_file(&path, &survey, &options, &mut chunked, 0, 2, segment_bytes).unwrap().unwrap();
        prop_assert_eq!(one.rejected, many.rejected);
        prop_assert_eq!(by_meaning(&whole), by_meaning(&chunked));
        let (in_memory, rejected) = counted_in_memory(&path, &survey);
        prop_assert_eq!(rejected, one.rejected);
        prop_assert_eq!(in_memory, by_meaning(&whole));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Records with quotes where csv-core reads them literally, quoted line breaks and
    /// commas, CR, LF and CRLF line ends, and missing or extra cells, at any chunk split.
    #[test]
    fn odd_quoting_and_line_ends_count_as_in_memory(
        rows in proptest::collection::vec(
            (
                0usize..4,
                proptest::collection::vec(0usize..14, 6),
                0usize..4,
            ),
            1..60,
        ),
        segment_bytes in 8u64..600,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let survey = bench_survey(dir.path());
        let cells = [
            "4", "", "\"4\"", "\"a,\"\"b\n\"\"\"", "a\"b", "\"a\"b", "\"", " 4 ", "\"\"",
            "3,5", "mentoring;childcare", "\"a\r\nb\"", "\"\"\"\"", "\"4\" ",
        ];
        let mut text = String::from(BENCH_HEADER);
        for (i, (pilot, row, line_end)) in rows.iter().enumerate() {
            let pilot = ["P01", "\"P02\"", "P0\"3", "P04"][*pilot];
            let row: Vec<&str> = row.iter().map(|&c| cells[c]).collect();
            let line_end = ["\n", "\r\n", "\r", "\n\n"][*line_end];
            text.push_str(&format!("R{i},{pilot},w2,learner,{}{line_end}", row.join(",")));
        }
        let path = dir.path().join("data.csv");
        std::fs::write(&path, &text).unwrap();
        if let Some(streamed) = counted_streamed(&path, &survey, segment_bytes) {
            prop_assert_eq!(counted_in_memory(&path, &survey), streamed, "{:?}", text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Runs of nine rating columns, which the fast path reads four cells at a time where the
    /// masks show four cells of questions in order, each empty or one byte: blank, invalid,
    /// quoted and longer cells anywhere in them, first met anywhere, rows starting anywhere in
    /// a 64-byte block, rows cut short after any cell, and two columns swapped.
    #[test]
    fn runs_of_rating_cells_count_as_in_memory(
        rows in proptest::collection::vec(
            (0usize..40, proptest::collection::vec(0usize..12, 9), 0usize..12),
            1..80,
        ),
        segment_bytes in 64u64..4000,
        swapped in (0usize..9, 0usize..9),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codebook.toml");
        std::fs::write(&path, mctrack::sample::wide::codebook_text(9)).unwrap();
        let survey = mctrack::workspace::load_survey(None, Some(&path)).unwrap();
        let cells = ["", "1", "2", "3", "4", "5", "x", "45", " 4", "\"4\"", "4 ", "0"];
        let mut items: Vec<String> = (1..=9).map(|i| format!("Q{i:03}")).collect();
        items.swap(swapped.0, swapped.1);
        let mut text = format!(
            "respondent_id,pilot_id,wave,role,{},comment_1,comment_2,supports\n",
            items.join(",")
        );
        for (i, (pad, row, kept)) in rows.iter().enumerate() {
            let row: Vec<&str> = row.iter().map(|&c| cells[c]).collect();
            let id = format!("R{i}{}", "x".repeat(*pad));
            if *kept < row.len() {
                text.push_str(&format!("{id},P01,w2,learner,{}\n", row[..*kept].join(",")));
            } else {
                text.push_str(&format!("{id},P01,w2,learner,{},,,\n", row.join(",")));
            }
        }
        let path = dir.path().join("data.csv");
        std::fs::write(&path, &text).unwrap();
        let streamed = counted_streamed(&path, &survey, segment_bytes);
        prop_assert_eq!(streamed, Some(counted_in_memory(&path, &survey)), "{:?}", text);
    }
}

/// Two rows cut short after four one-byte rating cells, whose fields together are as many as
/// the header's: the line end after the first row's fourth cell ends its record, and the
/// second row is not read as the rest of the first (two rows rejected, not one).
#[test]
fn a_row_cut_short_after_four_rating_cells_ends_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codebook.toml");
    std::fs::write(&path, mctrack::sample::wide::codebook_text(9)).unwrap();
    let survey = mctrack::workspace::load_survey(None, Some(&path)).unwrap();
    let items: Vec<String> = (1..=9).map(|i| format!("Q{i:03}")).collect();
    let mut text = format!(
        "respondent_id,pilot_id,wave,role,{},comment_1,comment_2,supports\n",
        items.join(",")
    );
    // The first row meets every value, so that the short rows' cells are read four at a time.
    text.push_str("R0,P01,w2,learner,4,4,4,4,4,4,4,4,4,,,\n");
    text.push_str("R1,P01,w2,learner,4,4,4,4\nR2,P01,w2,learner,4,4,4,4\n");
    let path = dir.path().join("data.csv");
    std::fs::write(&path, &text).unwrap();
    let in_memory = counted_in_memory(&path, &survey);
    assert_eq!(in_memory.1, 2);
    assert_eq!(counted_streamed(&path, &survey, u64::MAX), Some(in_memory));
}

/// The fast path reads 64 bytes at a time from each record's start: a quote on either side
/// of a block's edge, and a file ending inside quotes at one, are read as in memory.
#[test]
fn quotes_at_a_block_edge_are_read_as_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let survey = bench_survey(dir.path());
    for pad in 0..140 {
        let id = format!("R{}", "x".repeat(pad));
        for record in [
            format!("{id},P01,w2,learner,\"4\" ,,,,,\n{id}2,P01,w2,learner,\"4\",\"5\",,,,\n"),
            format!(
                "{id},P01,w2,learner,4,4,4,\"a\"\"b\",,\n{id}2,P01,w2,learner,4,4,4,,,\"mentoring"
            ),
            format!("{id},P01,w2,learner,4,4,4,,\"a,\nb\",\"childcare\""),
        ] {
            let path = dir.path().join("data.csv");
            std::fs::write(&path, format!("{BENCH_HEADER}{record}")).unwrap();
            assert_eq!(
                counted_streamed(&path, &survey, u64::MAX),
                Some(counted_in_memory(&path, &survey)),
                "{record:?}"
            );
        }
    }
}

/// A chunk tallies a cell's levels in bytes, added into its 16-bit counters every 255 rows,
/// and adds those up before one would overflow: one cell of 70,000 rows, read in one segment
/// and by two threads in segments of 64 KiB, counts as in memory.
#[test]
fn a_cell_with_more_rows_than_a_16_bit_counter_holds_counts_as_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let survey = bench_survey(dir.path());
    let mut text = String::from(BENCH_HEADER);
    for i in 0..70_000 {
        text.push_str(&format!("R{i},P01,w1,learner,{},4,,,,\n", i % 5 + 1));
    }
    let path = dir.path().join("data.csv");
    std::fs::write(&path, &text).unwrap();
    let in_memory = counted_in_memory(&path, &survey).0;
    for segment_bytes in [u64::MAX, 64 << 10] {
        let (streamed, _) = counted_streamed(&path, &survey, segment_bytes).unwrap();
        assert_eq!(streamed[&("P01".to_string(), 0, 0)][0], 70_000);
        assert_eq!(in_memory, streamed);
    }
}

/// The header of a file for `bench_survey`.
const BENCH_HEADER: &str =
    "respondent_id,pilot_id,wave,role,Q001,Q002,Q003,comment_1,comment_2,supports\n";

/// The counts of `path` streamed on two threads in segments of about `segment_bytes`, by
/// meaning, and the rows left out; None when the file is not for the fast path or has a
/// problem as a whole.
fn counted_streamed(
    path: &Path,
    survey: &mctrack::codebook::Survey,
    segment_bytes: u64,
) -> Option<(ByMeaning, usize)> {
    let mut counts = Counts::new(&survey.codebook);
    let options = ImportOptions::default();
    let streamed =
        stream::count_file(path, survey, &options, &mut counts, 0, 2, segment_bytes).unwrap()?;
    streamed
        .file_problems
        .is_empty()
        .then(|| (by_meaning(&counts), streamed.rejected))
}

/// The counts of `path` read whole into memory, by meaning, and the rows left out.
fn counted_in_memory(path: &Path, survey: &mctrack::codebook::Survey) -> (ByMeaning, usize) {
    let parsed = ingest::parse_path(path, survey, &ImportOptions::default()).unwrap();
    let mut counts = Counts::new(&survey.codebook);
    let source = counts.add_source(parsed.questions_present(survey.codebook.questions.len()));
    for response in &parsed.responses {
        counts.add_response(source, response.source_row as u64, response);
    }
    (by_meaning(&counts), parsed.rejected.len())
}

/// The csv crate's records of `bytes`, with mctrack's reader settings.
fn csv_records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    for record in reader.byte_records() {
        out.push(record.unwrap().iter().map(<[u8]>::to_vec).collect());
    }
    out
}

/// The splitter's records of `bytes`, read through a buffer of `capacity` bytes.
fn split_records(bytes: &[u8], capacity: usize) -> Vec<Vec<Vec<u8>>> {
    let mut splitter = Splitter::new(bytes, capacity, 1 << 20);
    let mut record = Record::default();
    let mut out = Vec::new();
    while let Some(fields) = splitter.next_record(&mut record).unwrap() {
        out.push(fields.iter().map(<[u8]>::to_vec).collect());
    }
    out
}

#[test]
fn the_splitter_reads_quoting_and_line_ends_as_the_csv_crate_does() {
    for text in [
        "a,b\r\nc,d\r\n",
        "a,\"b,\"\"c\"\"\nd\",e\n\n\nf",
        "\"ab\"cd,e\n",
        "x\"y,\"z\n",
        "\"open,never closed\n1,2",
        "1,2,\n,\n\r\r3",
        "\"\"\n\"\"\"\"",
    ] {
        for capacity in [64, 1 << 16] {
            assert_eq!(
                split_records(text.as_bytes(), capacity),
                csv_records(text.as_bytes()),
                "{text:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn the_splitter_gives_the_csv_crates_fields_on_any_bytes(
        bytes in proptest::collection::vec(
            prop_oneof![Just(b'a'), Just(b'1'), Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(b' '), Just(0xc3u8), any::<u8>()],
            0..400,
        ),
        capacity in 64usize..200,
    ) {
        prop_assert_eq!(split_records(&bytes, capacity), csv_records(&bytes));
    }

    /// A file read through maps of a few bytes at a time, from any byte on, gives the records
    /// (and their offsets) the buffered splitter gives, and stops on the same record too long
    /// to hold: each map starts at the first byte not yet split.
    #[test]
    fn a_mapped_file_splits_as_a_buffered_one(
        bytes in proptest::collection::vec(
            // Line ends rare enough for some records to be longer than `max_record`.
            prop_oneof![30 => Just(b'a'), 10 => Just(b','), 3 => Just(b'"'), 1 => Just(b'\r'), 1 => Just(b'\n'), 1 => any::<u8>()],
            1..600,
        ),
        from in any::<proptest::sample::Index>(),
        window in 1u64..300,
        max_record in 64usize..200,
    ) {
        let from = from.index(bytes.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, &bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mapped = Splitter::mapped(file, from as u64, window, max_record).unwrap();
        let buffered = Splitter::new(&bytes[from..], 64, max_record);
        prop_assert_eq!(offsets_and_records(mapped), offsets_and_records(buffered));
    }
}

/// A record's offset and fields.
type SplitRecord = (u64, Vec<Vec<u8>>);

/// Each record's offset and fields, then whether the splitter ended without an error.
fn offsets_and_records<R: std::io::Read>(mut splitter: Splitter<R>) -> (Vec<SplitRecord>, bool) {
    let mut record = Record::default();
    let mut out = Vec::new();
    loop {
        let offset = match splitter.next_start() {
            Ok(Some(offset)) => offset,
            Ok(None) => return (out, true),
            Err(_) => return (out, false),
        };
        match splitter.next_record(&mut record) {
            Ok(Some(fields)) => out.push((offset, fields.iter().map(<[u8]>::to_vec).collect())),
            Ok(None) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}

/// A respondent id that a spreadsheet would read as a formula is refused by the fast path as
/// by the in-memory path (the fast path once counted it).
#[test]
fn a_formula_for_a_respondent_id_is_refused_streamed_as_in_memory() {
    let ws = TestWorkspace::new();
    ws.write(
        "formula.csv",
        "response_id,pilot_id,wave,role,L06\nR1,P01,exit,learner,4\n=1+2,P01,exit,learner,5\n@A,P01,exit,learner,5\n",
    );
    let (_, err) = same_both_ways(&ws, &["formula.csv", "--by", "pilot", "--format", "csv"]);
    assert!(
        err.contains("formula.csv: 2 invalid row(s) left out"),
        "{err}"
    );
}

/// A NUL byte after the first rows makes the in-memory path refuse the file as binary; the
/// fast path, which reads the first rows to decide, leaves it to that path.
#[test]
fn a_nul_byte_late_in_the_file_is_refused_streamed_as_in_memory() {
    let ws = TestWorkspace::new();
    let mut text = String::from("response_id,pilot_id,wave,role,L06\n");
    for i in 0..60 {
        let id = if i == 50 {
            "R\0".to_string()
        } else {
            format!("R{i}")
        };
        text.push_str(&format!("{id},P01,exit,learner,{}\n", 1 + i % 5));
    }
    ws.write("nul.csv", text);
    let (_, err) = same_both_ways(&ws, &["nul.csv", "--by", "pilot", "--format", "csv"]);
    assert!(err.contains("NUL"), "{err}");
}
