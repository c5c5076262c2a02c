//! `mctrack init`: create a workspace.

use std::path::PathBuf;

use super::Context;
use crate::store::Store;
use crate::workspace::Workspace;

/// Create a workspace: mctrack.toml, surveys/ with the shipped codebook and recommendations,
/// reports/ and the store. Existing files are kept.
///
/// Example: mctrack init my-programme
#[derive(clap::Args)]
pub struct Args {
    /// The folder to make a workspace of.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<i32> {
    std::fs::create_dir_all(&args.dir)?;
    let (workspace, created) = Workspace::init(&args.dir)?;
    Store::open(&workspace.store)?;
    for path in &created {
        println!("created {}", path.display());
    }
    println!(
        "workspace ready in {}; store {}",
        workspace.root.display(),
        workspace.store.display()
    );
    Ok(0)
}
