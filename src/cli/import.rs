//! `mctrack import` and `mctrack validate`.

use std::path::{Path, PathBuf};

use super::input::InputArgs;
use super::progress::Progress;
use super::{write_atomically, Context, Quiet};
use crate::codebook::Survey;
use crate::error::EXIT_REJECTED;
use crate::ingest::{self, ImportOptions, ParsedFile, RejectedRow};
use crate::store::{ImportOutcome, Mode, Store};

/// Import survey exports into the workspace store, each file all-or-nothing.
///
/// Example: mctrack import surveys/sample --skip-invalid
#[derive(clap::Args)]
pub struct Args {
    /// Export files (CSV or workbooks), or folders searched for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Store the valid rows of a file with invalid rows, and write the invalid ones, with their
    /// reasons, to a CSV file in the rejects folder.
    #[arg(long)]
    skip_invalid: bool,
    /// Folder for rejected-rows files [default: the workspace's reports/rejected].
    #[arg(long, value_name = "DIR")]
    rejects: Option<PathBuf>,
    /// Check and store every CSV file this many rows at a time, as files over 16 MiB are
    /// (for checking that batches store exactly what a whole file does).
    #[arg(long, hide = true, value_name = "ROWS")]
    batch_rows: Option<usize>,
    /// Read every plain CSV export by the streaming import, in segments of this many bytes,
    /// as files over 16 MiB are (for checking that it stores exactly what the exact path
    /// does).
    #[arg(long, hide = true, value_name = "BYTES")]
    stream_segment: Option<u64>,
    #[command(flatten)]
    input: InputArgs,
}

/// A CSV export this large is checked and stored a batch of rows at a time, so that an
/// import holds one batch rather than every row as text.
const BATCH_FROM_BYTES: usize = 16 << 20;
const BATCH_ROWS: usize = 20_000;

/// Check survey exports as an import would, including against what is stored; write nothing.
///
/// Example: mctrack validate pilot-07-exit.csv
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Export files (CSV or workbooks), or folders searched for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Check every CSV file this many rows at a time, as files over 16 MiB are (for checking
    /// that batches find exactly what a whole file does).
    #[arg(long, hide = true, value_name = "ROWS")]
    batch_rows: Option<usize>,
    #[command(flatten)]
    input: InputArgs,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let mut store = ctx.store()?;
    let rejects_dir = match args.rejects {
        Some(dir) => dir,
        None => ctx.workspace()?.reports.join("rejected"),
    };
    let mode = if args.skip_invalid {
        Mode::SkipInvalid
    } else {
        Mode::Strict
    };
    let options = args.input.options(&survey)?;
    let tally = import_all(
        &survey,
        &options,
        &mut store,
        &args.paths,
        &HowToImport {
            mode,
            rejects_dir,
            brief: false,
            batch_rows: args.batch_rows,
            stream_segment: args.stream_segment,
        },
    )?;
    finish(tally)
}

pub fn run_validate(ctx: &Context, args: ValidateArgs) -> anyhow::Result<i32> {
    let survey = ctx.survey()?;
    let options = args.input.options(&survey)?;
    // Only an existing store is consulted: validating must not create one.
    let mut store = match &ctx.workspace {
        Some(ws) if ws.store.is_file() => Some(Store::open(&ws.store)?),
        _ => None,
    };
    let mut tally = Tally {
        validating: true,
        ..Tally::default()
    };
    for file in ingest::collect_input_files(&args.paths)? {
        let (parsed, outcome) =
            validate_file(&file, &survey, &options, store.as_mut(), args.batch_rows)?;
        match outcome {
            ImportOutcome::Checked { accepted, rejected } => {
                for reason in rejected.iter().flat_map(|r| &r.reasons) {
                    eprintln!("{reason}");
                }
                if rejected.is_empty() {
                    println!("valid {}: {accepted} responses", parsed.display_name);
                } else {
                    tally.rejected_files += 1;
                    println!(
                        "invalid {}: {} of {} rows have problems",
                        parsed.display_name,
                        rejected.len(),
                        accepted + rejected.len()
                    );
                }
            }
            other => tally.record(&parsed, other, None)?,
        }
        tally.files += 1;
    }
    println!(
        "{} file(s) checked: {} with problems, {} already imported; nothing was written",
        tally.files, tally.rejected_files, tally.skipped_files
    );
    if tally.rejected_files > 0 {
        return Err(Quiet(EXIT_REJECTED).into());
    }
    Ok(0)
}

/// Checks one file as `import` would, a batch of rows at a time when it is large (so that a
/// million-row file is checked in the memory of a few batches), and writes nothing.
fn validate_file(
    file: &Path,
    survey: &Survey,
    options: &ImportOptions,
    store: Option<&mut Store>,
    batch_rows: Option<usize>,
) -> anyhow::Result<(ParsedFile, ImportOutcome)> {
    let export = read_export(file, survey, options, batch_rows)?;
    let Some((first, batches)) = export.batched else {
        let parsed = ingest::parse_hashed(file, &export.bytes, export.sha256, survey, options);
        report_parse(&parsed);
        let outcome = match store {
            Some(store) => store.import(&parsed, &survey.codebook, Mode::ValidateOnly)?,
            None if !parsed.file_problems.is_empty() => ImportOutcome::Rejected {
                problems: parsed.problems().cloned().collect(),
            },
            None => ImportOutcome::Checked {
                accepted: parsed.responses.len(),
                rejected: parsed.rejected.clone(),
            },
        };
        return Ok((parsed, outcome));
    };
    report_parse(&first);
    let (outcome, warnings) = match store {
        Some(store) => {
            let (outcome, warnings) =
                import_in_batches(store, survey, &first, batches, Mode::ValidateOnly);
            (outcome?, warnings)
        }
        None => check_batches(&first, batches, survey),
    };
    for warning in warnings {
        eprintln!("warning: {}: {warning}", first.display_name);
    }
    Ok((first, outcome))
}

/// What checking a file's batches found, with no store to check them against; and the
/// warnings that need every batch.
fn check_batches(
    first: &ParsedFile,
    mut batches: ingest::Batches,
    survey: &Survey,
) -> (ImportOutcome, Vec<String>) {
    let mut accepted = first.responses.len();
    let mut rejected = first.rejected.clone();
    while let Some(batch) = batches.next_batch(survey) {
        if !batch.file_problems.is_empty() {
            let problems = batch.file_problems;
            return (ImportOutcome::Rejected { problems }, Vec::new());
        }
        accepted += batch.responses.len();
        rejected.extend(batch.rejected);
    }
    (
        ImportOutcome::Checked { accepted, rejected },
        batches.finish(),
    )
}

#[derive(Default)]
pub struct Tally {
    /// Leave out the line for each file imported cleanly (the demo imports 144 of them).
    pub brief: bool,
    /// Checking only: say "invalid", not "rejected ... nothing stored".
    pub validating: bool,
    pub files: usize,
    pub imported_files: usize,
    pub skipped_files: usize,
    pub rejected_files: usize,
    pub responses: usize,
    pub rejected_rows: usize,
}

impl Tally {
    fn skipped(&mut self, name: &str, existing: &crate::store::ImportRecord) {
        self.skipped_files += 1;
        if !self.brief {
            println!(
                "skipped {name}: these exact bytes were imported as #{} ({}) on {}",
                existing.id, existing.file_name, existing.imported_at
            );
        }
    }

    fn record(
        &mut self,
        parsed: &ParsedFile,
        outcome: ImportOutcome,
        rejects_dir: Option<&Path>,
    ) -> anyhow::Result<()> {
        match outcome {
            ImportOutcome::AlreadyImported(existing) => {
                self.skipped(&parsed.display_name, &existing)
            }
            ImportOutcome::Rejected { problems } => {
                self.rejected_files += 1;
                for problem in &problems {
                    eprintln!("{problem}");
                }
                if self.validating {
                    println!(
                        "invalid {}: {} problem(s)",
                        parsed.display_name,
                        problems.len()
                    );
                } else {
                    println!(
                        "rejected {}: {} problem(s); nothing from this file was stored",
                        parsed.display_name,
                        problems.len()
                    );
                }
            }
            ImportOutcome::Stored {
                import_id,
                accepted,
                rejected,
            } => {
                self.imported_files += 1;
                self.responses += accepted;
                if rejected.is_empty() {
                    if !self.brief {
                        println!(
                            "imported {}: {accepted} responses (import #{import_id})",
                            parsed.display_name
                        );
                    }
                } else {
                    self.rejected_rows += rejected.len();
                    for reason in rejected.iter().flat_map(|r| &r.reasons) {
                        eprintln!("{reason}");
                    }
                    let dir = rejects_dir.unwrap_or(Path::new("."));
                    let path = write_rejects(dir, parsed, &rejected)?;
                    println!(
                        "imported {}: {accepted} responses (import #{import_id}); {} row(s) rejected, written to {}",
                        parsed.display_name,
                        rejected.len(),
                        ingest::display_path(&path)
                    );
                }
            }
            ImportOutcome::Checked { .. } => {}
        }
        Ok(())
    }
}

/// How `import_all` stores files: the mode, where rejected rows go, whether to leave out the
/// line for each clean file, the batch size forced for every CSV file, and the segment size
/// of the streaming import forced for every file (None: by size).
pub struct HowToImport {
    pub mode: Mode,
    pub rejects_dir: PathBuf,
    pub brief: bool,
    pub batch_rows: Option<usize>,
    pub stream_segment: Option<u64>,
}

/// Imports every CSV file under `paths`, each in its own transaction.
pub fn import_all(
    survey: &Survey,
    options: &ImportOptions,
    store: &mut Store,
    paths: &[PathBuf],
    how: &HowToImport,
) -> anyhow::Result<Tally> {
    let mode = how.mode;
    let mut tally = Tally {
        brief: how.brief,
        ..Tally::default()
    };
    let files = ingest::collect_input_files(paths)?;
    let progress = Progress::files(files.len() as u64);
    for file in files {
        tally.files += 1;
        progress.file(&ingest::display_path(&file));
        if let Some((head, outcome)) = import_streamed(&file, survey, options, store, how)? {
            if !matches!(outcome, ImportOutcome::AlreadyImported(_)) {
                progress.suspend(|| report_parse(&head));
            }
            progress.suspend(|| tally.record(&head, outcome, Some(&how.rejects_dir)))?;
            progress.done();
            continue;
        }
        let export = read_export(&file, survey, options, how.batch_rows)?;
        // Known bytes are skipped before their checks are reported: their warnings were given
        // at first import.
        if let Some(existing) = store.find_import_by_hash(&export.sha256)? {
            progress.suspend(|| tally.skipped(&ingest::display_path(&file), &existing));
            progress.done();
            continue;
        }
        let (parsed, outcome, late_warnings) = match export.batched {
            Some((first, batches)) => {
                progress.suspend(|| report_parse(&first));
                let (outcome, warnings) = import_in_batches(store, survey, &first, batches, mode);
                (first, outcome?, warnings)
            }
            None => {
                let parsed =
                    ingest::parse_hashed(&file, &export.bytes, export.sha256, survey, options);
                progress.suspend(|| report_parse(&parsed));
                let outcome = store.import(&parsed, &survey.codebook, mode)?;
                (parsed, outcome, Vec::new())
            }
        };
        for warning in late_warnings {
            progress.suspend(|| eprintln!("warning: {}: {warning}", parsed.display_name));
        }
        progress.suspend(|| tally.record(&parsed, outcome, Some(&how.rejects_dir)))?;
        progress.done();
    }
    Ok(tally)
}

/// Imports a large plain CSV export by the streaming import (`ingest::stream::import_file`),
/// which reads it in segments on every core and stores each segment's rows as they come;
/// None, with nothing stored, when the file is not for it (the exact path then decides); else
/// the file's description, with the warnings that needed every row, and the outcome.
fn import_streamed(
    file: &Path,
    survey: &Survey,
    options: &ImportOptions,
    store: &mut Store,
    how: &HowToImport,
) -> anyhow::Result<Option<(ParsedFile, ImportOutcome)>> {
    let large = std::fs::metadata(file).is_ok_and(|m| m.len() >= BATCH_FROM_BYTES as u64);
    if how.batch_rows.is_some() || !(large || how.stream_segment.is_some()) {
        return Ok(None);
    }
    let layout = crate::analysis::counts::Layout::new(&survey.codebook);
    let Some(opened) = ingest::stream::open(file, survey, options, &layout)? else {
        return Ok(None);
    };
    let mut opened = opened.for_import();
    // A file of a name imported before is most likely the same bytes again: its hash is taken
    // first, to skip it at once. Any other is hashed on a thread beside the reading.
    let seen = store.list_imports()?;
    if seen.iter().any(|i| i.file_name == opened.head.display_name) {
        opened.head.sha256 = ingest::sha256_file(file)?;
    }
    let segment = how.stream_segment.unwrap_or(ingest::stream::SEGMENT_BYTES);
    let threads = crate::parallel::threads();
    let mut warnings = Vec::new();
    let outcome = std::thread::scope(|scope| {
        let hashing = opened.head.sha256.is_empty().then(|| {
            std::thread::Builder::new()
                .name("mctrack-hash".into())
                .spawn_scoped(scope, || ingest::sha256_file(file))
        });
        let sha256 = || match hashing {
            Some(Ok(hashing)) => hashing.join().unwrap_or_else(|_| ingest::sha256_file(file)),
            _ => ingest::sha256_file(file),
        };
        store.bulk(|store| {
            store.import_streamed(
                &opened.head,
                &survey.codebook,
                how.mode,
                sha256,
                |first, encoder, counts, rows| {
                    let imported = ingest::stream::import_file(
                        &opened, first, counts, segment, threads, encoder, rows,
                    )?;
                    Ok(imported.map(|imported| {
                        warnings = imported.warnings;
                        (imported.rows, imported.rejected)
                    }))
                },
            )
        })
    })?;
    opened.head.warnings.extend(warnings);
    Ok(outcome.map(|outcome| (opened.head, outcome)))
}

/// A file read for `import` or `validate`: its hash, and for a CSV export read in batches, its
/// first batch and the rest to come (`bytes` is then empty: the batches hold the text).
struct Export {
    bytes: Vec<u8>,
    sha256: String,
    batched: Option<(ParsedFile, ingest::Batches)>,
}

/// Reads `file`, in batches when it is large or `batch_rows` is given. A batched file is hashed
/// on a second thread while its first batch is read: each takes a few tenths of a second on a
/// million rows, and nothing else can start before both.
fn read_export(
    file: &Path,
    survey: &Survey,
    options: &ImportOptions,
    batch_rows: Option<usize>,
) -> anyhow::Result<Export> {
    let bytes = ingest::read_file(file)?;
    let rows = batch_rows.or((bytes.len() >= BATCH_FROM_BYTES).then_some(BATCH_ROWS));
    let Some(rows) = rows else {
        let sha256 = ingest::sha256_hex(&bytes);
        return Ok(Export {
            bytes,
            sha256,
            batched: None,
        });
    };
    let (sha256, batched) = std::thread::scope(|scope| {
        let hashing = std::thread::Builder::new()
            .name("mctrack-hash".into())
            .spawn_scoped(scope, || ingest::sha256_hex(&bytes));
        let batched = ingest::Batches::open(file, &bytes, survey, options, rows);
        let sha256 = match hashing.map(|h| h.join()) {
            Ok(Ok(sha256)) => sha256,
            _ => ingest::sha256_hex(&bytes),
        };
        (sha256, batched)
    });
    Ok(match batched {
        Some((mut first, mut batches)) => {
            batches.set_sha256(&mut first, sha256.clone());
            Export {
                bytes: Vec::new(),
                sha256,
                batched: Some((first, batches)),
            }
        }
        None => Export {
            bytes,
            sha256,
            batched: None,
        },
    })
}

/// Stores a file's batches while the next ones are checked on a second thread (checking is
/// most of an import's time, inserting the rest); the warnings that need every batch.
fn import_in_batches(
    store: &mut Store,
    survey: &Survey,
    first: &ParsedFile,
    mut batches: ingest::Batches,
    mode: Mode,
) -> (crate::error::Result<ImportOutcome>, Vec<String>) {
    std::thread::scope(|scope| {
        // Two batches wait at most: memory stays a few batches whatever the file's size.
        let (send, receive) = std::sync::mpsc::sync_channel(2);
        // Named, so that a profile tells the checker's time from the store's.
        let checker = std::thread::Builder::new()
            .name("mctrack-check".into())
            .spawn_scoped(scope, move || {
                while let Some(batch) = batches.next_batch(survey) {
                    // A file refused as a whole gives no warnings, as when read whole.
                    let refused = !batch.file_problems.is_empty();
                    if send.send(batch).is_err() || refused {
                        return Vec::new();
                    }
                }
                batches.finish()
            });
        // Without the checker only the first batch would arrive: refuse rather than store part.
        let checker = match checker {
            Ok(checker) => checker,
            Err(e) => {
                let error = crate::error::Error::Invalid(format!(
                    "could not start a thread to check the file ({e}); nothing was imported"
                ));
                return (Err(error), Vec::new());
            }
        };
        let outcome = {
            let mut more = || receive.recv().ok();
            store.import_batches(first, &mut more, &survey.codebook, mode)
        };
        // A refused file stops early: closing the channel stops the checker.
        drop(receive);
        let warnings = checker.join().unwrap_or_default();
        (outcome, warnings)
    })
}

/// Warnings and dropped identifier columns, which the user must hear about whatever happens.
fn report_parse(parsed: &ParsedFile) {
    for warning in &parsed.warnings {
        eprintln!("warning: {}: {warning}", parsed.display_name);
    }
    let dropped = parsed.dropped_identifiers();
    if !dropped.is_empty() {
        eprintln!(
            "privacy: {}: dropped identifier column(s) {}; their values are not read or stored",
            parsed.display_name,
            dropped
                .iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn write_rejects(
    dir: &Path,
    parsed: &ParsedFile,
    rejected: &[RejectedRow],
) -> anyhow::Result<PathBuf> {
    let stem = parsed
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    let path = dir.join(format!("{stem}.rejected.csv"));
    let bytes = crate::render::rejected_rows_csv(&parsed.kept_headers(), rejected)?;
    write_atomically(&path, &bytes)?;
    Ok(path)
}

fn finish(tally: Tally) -> anyhow::Result<i32> {
    println!(
        "{} file(s): {} imported, {} skipped as already imported, {} rejected; {} responses stored, {} row(s) rejected",
        tally.files,
        tally.imported_files,
        tally.skipped_files,
        tally.rejected_files,
        tally.responses,
        tally.rejected_rows
    );
    if tally.rejected_files > 0 {
        return Err(Quiet(EXIT_REJECTED).into());
    }
    Ok(0)
}
