//! A workspace is a folder with `mctrack.toml`, found in the current folder or its parents the
//! way cargo finds `Cargo.toml`. It names the codebook, recommendations, pilots, store and
//! reports folder, all relative to itself.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::codebook::{self, Survey};
use crate::error::{Error, Result};

pub const CONFIG_FILE: &str = "mctrack.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Config {
    codebook: PathBuf,
    recommendations: PathBuf,
    pilots: PathBuf,
    store: PathBuf,
    reports: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            codebook: "surveys/codebook.toml".into(),
            recommendations: "surveys/recommendations.toml".into(),
            pilots: "surveys/pilots.csv".into(),
            store: "mctrack.db".into(),
            reports: "reports".into(),
        }
    }
}

/// The text `mctrack init` writes.
pub const DEFAULT_CONFIG: &str = r#"# mctrack workspace. Paths are relative to this file.
codebook = "surveys/codebook.toml"
recommendations = "surveys/recommendations.toml"
pilots = "surveys/pilots.csv"
store = "mctrack.db"
reports = "reports"
"#;

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub codebook: PathBuf,
    pub recommendations: PathBuf,
    pub pilots: PathBuf,
    pub store: PathBuf,
    pub reports: PathBuf,
}

impl Workspace {
    /// The workspace containing `start`, if any.
    pub fn find(start: &Path) -> Result<Option<Workspace>> {
        for dir in start.ancestors() {
            let file = dir.join(CONFIG_FILE);
            if file.is_file() {
                return Workspace::open(dir).map(Some);
            }
        }
        Ok(None)
    }

    pub fn open(root: &Path) -> Result<Workspace> {
        let file = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        let config: Config = codebook::parse_toml(&file, &text)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            codebook: root.join(config.codebook),
            recommendations: root.join(config.recommendations),
            pilots: root.join(config.pilots),
            store: root.join(config.store),
            reports: root.join(config.reports),
        })
    }

    /// Creates a workspace in `root` with the shipped codebook, recommendations and an empty
    /// pilots file; files that exist already are kept.
    pub fn init(root: &Path) -> Result<(Workspace, Vec<PathBuf>)> {
        let mut created = Vec::new();
        let write = |path: PathBuf, text: &str, created: &mut Vec<PathBuf>| -> Result<()> {
            if !path.exists() {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
                std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
                created.push(path);
            }
            Ok(())
        };
        write(root.join(CONFIG_FILE), DEFAULT_CONFIG, &mut created)?;
        let ws = Workspace::open(root)?;
        write(
            ws.codebook.clone(),
            codebook::DEFAULT_CODEBOOK,
            &mut created,
        )?;
        write(
            ws.recommendations.clone(),
            codebook::DEFAULT_RECOMMENDATIONS,
            &mut created,
        )?;
        write(
            ws.pilots.clone(),
            "pilot_id,name,institution,round,sector,region,start_date\n",
            &mut created,
        )?;
        std::fs::create_dir_all(&ws.reports).map_err(|e| Error::io(&ws.reports, e))?;
        Ok((ws, created))
    }
}

/// Loads the survey definition: the codebook (`codebook_override` or the workspace's), then the
/// workspace's recommendations and pilots. Outside a workspace the shipped recommendations are
/// used and pilot ids are not checked.
pub fn load_survey(
    workspace: Option<&Workspace>,
    codebook_override: Option<&Path>,
) -> Result<Survey> {
    let codebook_path = match (codebook_override, workspace) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(ws)) => ws.codebook.clone(),
        (None, None) => {
            return Err(Error::Invalid(format!(
                "no {CONFIG_FILE} found in this folder or its parents, and no --codebook given; run `mctrack init` to create a workspace, or pass --codebook FILE"
            )))
        }
    };
    let codebook = codebook::load_codebook(&codebook_path)?;
    let strict = codebook_override.is_none();
    let recommendations = match workspace {
        Some(ws) if ws.recommendations.is_file() => {
            codebook::load_recommendations(&ws.recommendations, &codebook, strict)?
        }
        _ => codebook::parse_recommendations(
            Path::new("(built-in recommendations)"),
            codebook::DEFAULT_RECOMMENDATIONS,
            &codebook,
            strict,
        )?,
    };
    let pilots = match workspace {
        Some(ws) if ws.pilots.is_file() => codebook::load_pilots(&ws.pilots)?,
        _ => Vec::new(),
    };
    Ok(Survey {
        codebook,
        recommendations,
        pilots,
    })
}
