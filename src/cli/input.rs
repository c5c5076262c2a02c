//! The options every command that reads export files shares: platform, mapping file and the
//! metadata a platform export does not carry.

use std::path::PathBuf;

use crate::codebook::Survey;
use crate::ingest::formats::Platform;
use crate::ingest::mapfile::{Mapping, MetaDefaults};
use crate::ingest::ImportOptions;

/// How to read the files: platform and mapping file.
#[derive(clap::Args, Default)]
pub struct FormatArgs {
    /// The survey platform of the files [default: detected from each file]. (`--format` is
    /// the output format everywhere, so the platform has its own name.)
    #[arg(long, value_enum, value_name = "PLATFORM")]
    platform: Option<Platform>,
    /// A mapping file: headers to questions, extra answer labels, and default metadata.
    #[arg(long = "map", value_name = "FILE.toml")]
    map: Option<PathBuf>,
    /// The sheet of a workbook to read [default: the first].
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
}

impl FormatArgs {
    pub fn options(&self, survey: &Survey) -> anyhow::Result<ImportOptions> {
        let mapping = match &self.map {
            Some(path) => Some(Mapping::load(path, &survey.codebook)?),
            None => None,
        };
        Ok(ImportOptions {
            format: self.platform,
            sheet: self.sheet.clone(),
            mapping,
            defaults: MetaDefaults::default(),
        })
    }
}

/// How to read the files, and the metadata to give responses whose export lacks it.
#[derive(clap::Args, Default)]
pub struct InputArgs {
    #[command(flatten)]
    format: FormatArgs,
    /// The pilot of every response, for exports without a pilot column.
    #[arg(long, value_name = "ID")]
    pilot: Option<String>,
    /// The wave of every response, for exports without a wave column.
    #[arg(long, value_name = "WAVE")]
    wave: Option<String>,
    /// The role of every response, for exports without a role column.
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
}

impl InputArgs {
    pub fn options(&self, survey: &Survey) -> anyhow::Result<ImportOptions> {
        Ok(ImportOptions {
            defaults: MetaDefaults {
                pilot: self.pilot.clone(),
                wave: self.wave.clone(),
                role: self.role.clone(),
            },
            ..self.format.options(survey)?
        })
    }
}
