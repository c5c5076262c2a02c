//! The command line: clap definitions and one thin file per subcommand. Each parses its
//! arguments, calls the library and hands the result to `render`.

mod compare;
mod crosstab;
mod demo;
mod import;
mod imports;
mod init;
mod input;
mod inspect;
mod plot;
mod progress;
mod quality;
mod recs;
mod report;
mod sample;
mod scales;
mod summary;
mod track;
mod trend;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::codebook::Survey;
use crate::dataset::Dataset;
use crate::error::Error;
use crate::render::Format;
use crate::store::Store;
use crate::workspace::{self, Workspace};

#[derive(Parser)]
#[command(
    name = "mctrack",
    version,
    about = "Survey evidence and recommendation tracking for micro-credential pilot programmes",
    long_about = "Imports pilot survey exports, checks them against a codebook, maps every question to the eight recommendations of \"The future is micro\" (Gooch et al., 2022) and summarises them with small cells suppressed.",
    after_help = "Start with `mctrack demo` in the repository, or `mctrack init` in a new folder."
)]
struct Cli {
    /// Use this codebook instead of the workspace's (for example one written for a platform export).
    #[arg(long, global = true, value_name = "FILE")]
    codebook: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Init(init::Args),
    Sample(sample::Args),
    Import(import::Args),
    Validate(import::ValidateArgs),
    Inspect(inspect::Args),
    Imports(imports::Args),
    Summary(summary::Args),
    Quality(quality::Args),
    Compare(compare::Args),
    Crosstab(crosstab::Args),
    Scales(scales::Args),
    Trend(trend::Args),
    Recs(recs::Args),
    Report(report::Args),
    Plot(plot::Args),
    Track(track::Args),
    Demo(demo::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = Context::new(cli.codebook).and_then(|ctx| match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Sample(args) => sample::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Validate(args) => import::run_validate(&ctx, args),
        Command::Inspect(args) => inspect::run(&ctx, args),
        Command::Imports(args) => imports::run(&ctx, args),
        Command::Summary(args) => summary::run(&ctx, args),
        Command::Quality(args) => quality::run(&ctx, args),
        Command::Compare(args) => compare::run(&ctx, args),
        Command::Crosstab(args) => crosstab::run(&ctx, args),
        Command::Scales(args) => scales::run(&ctx, args),
        Command::Trend(args) => trend::run(&ctx, args),
        Command::Recs(args) => recs::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Plot(args) => plot::run(&ctx, args),
        Command::Track(args) => track::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(Quiet(code)) = e.downcast_ref::<Quiet>() {
                return *code;
            }
            // A reader that stopped early (`| head`) is not an error.
            let broken_pipe = e
                .chain()
                .filter_map(|c| c.downcast_ref::<std::io::Error>())
                .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return 0;
            }
            eprintln!("error: {e:#}");
            e.downcast_ref::<Error>().map_or(1, Error::exit_code)
        }
    }
}

/// An error already reported line by line; only its exit code remains to be given.
#[derive(Debug)]
struct Quiet(i32);

impl std::fmt::Display for Quiet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "input rejected")
    }
}

impl std::error::Error for Quiet {}

/// Which responses a command looks at: roles, pilots and waves, each empty for all. Every
/// command that filters resolves its names here, so an unknown name reads the same everywhere.
#[derive(Default)]
pub struct Scope {
    roles: Vec<usize>,
    waves: Vec<usize>,
    /// Lower-cased pilot ids.
    pilots: Vec<String>,
}

impl Scope {
    pub fn new(
        codebook: &crate::codebook::Codebook,
        roles: &[String],
        pilots: &[String],
        waves: &[String],
    ) -> anyhow::Result<Scope> {
        let indices = |values: &[String],
                       what: &str,
                       find: &dyn Fn(&str) -> Option<usize>,
                       known: &[String]| {
            values
                .iter()
                .map(|v| {
                    find(v).ok_or_else(|| {
                        anyhow::anyhow!(
                            "{what} {v} is unknown; expected one of {}",
                            known.join(", ")
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<usize>>>()
        };
        Ok(Scope {
            roles: indices(roles, "role", &|v| codebook.role_index(v), &codebook.roles)?,
            waves: indices(waves, "wave", &|v| codebook.wave_index(v), &codebook.waves)?,
            pilots: pilots.iter().map(|p| p.to_ascii_lowercase()).collect(),
        })
    }

    /// Whether every response is in scope: no role, wave or pilot was named.
    pub fn keeps_all(&self) -> bool {
        self.roles.is_empty() && self.waves.is_empty() && self.pilots.is_empty()
    }

    /// Whether a response of this role, wave and pilot is in scope.
    pub fn keeps(&self, role: u8, wave: u8, pilot: &str) -> bool {
        (self.roles.is_empty() || self.roles.contains(&(role as usize)))
            && (self.waves.is_empty() || self.waves.contains(&(wave as usize)))
            && (self.pilots.is_empty() || self.pilots.contains(&pilot.to_ascii_lowercase()))
    }

    /// The responses of `data` in scope.
    pub fn select(&self, data: &Dataset) -> Dataset {
        data.filter(|i| {
            self.keeps(
                data.role[i],
                data.wave[i],
                &data.pilot_ids[data.pilot[i] as usize],
            )
        })
    }
}

/// Whether estimates use the survey weights of the codebook's weight column.
#[derive(clap::Args, Default)]
pub struct WeightArgs {
    /// Ignore the survey weights: every respondent counts once.
    #[arg(long)]
    unweighted: bool,
}

impl WeightArgs {
    /// Drops the weights when asked; otherwise checks that every response in scope has one.
    fn apply(&self, data: &mut Dataset) -> anyhow::Result<()> {
        if self.unweighted {
            data.weight = None;
        }
        Ok(data.check_weights()?)
    }
}

/// What every command may need: the workspace, if any, and the codebook override.
pub struct Context {
    workspace: Option<Workspace>,
    codebook: Option<PathBuf>,
}

impl Context {
    fn new(codebook: Option<PathBuf>) -> anyhow::Result<Context> {
        let cwd = std::env::current_dir()?;
        Ok(Context {
            workspace: Workspace::find(&cwd)?,
            codebook,
        })
    }

    fn survey(&self) -> anyhow::Result<Survey> {
        Ok(workspace::load_survey(
            self.workspace.as_ref(),
            self.codebook.as_deref(),
        )?)
    }

    fn workspace(&self) -> anyhow::Result<&Workspace> {
        self.workspace.as_ref().ok_or_else(|| {
            Error::Invalid(format!(
                "no {} found in this folder or its parents; run `mctrack init` to create a workspace",
                workspace::CONFIG_FILE
            ))
            .into()
        })
    }

    fn store(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.workspace()?.store)?)
    }
}

/// Where and how a command writes its tables.
#[derive(clap::Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file instead of the terminal.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl OutputArgs {
    fn emit(&self, heading: &str, tables: &[crate::render::Table]) -> anyhow::Result<()> {
        emit(self.output.as_deref(), self.format, heading, tables)
    }
}

/// A confidence level is a fraction strictly between 0 and 1.
fn check_level(level: f64) -> anyhow::Result<()> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        anyhow::bail!(
            "--level {level} is not a confidence level; expected a number between 0 and 1, such as 0.95"
        )
    }
}

/// Where a command's table output goes: a file given with `-o`, or stdout.
fn emit(
    output: Option<&Path>,
    format: Format,
    heading: &str,
    tables: &[crate::render::Table],
) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            let mut bytes = Vec::new();
            crate::render::write(&mut bytes, format, heading, tables)?;
            write_atomically(path, &bytes)?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            crate::render::write(&mut lock, format, heading, tables)?;
            lock.flush()?;
        }
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so that a
/// reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
