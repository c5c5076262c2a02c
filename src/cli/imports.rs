//! `mctrack imports`: list the imports in the store, or remove one with its responses.

use super::{Context, OutputArgs};
use crate::render::{Cell, ColumnKind, Table};

/// List what has been imported, or remove one import and its responses.
///
/// Example: mctrack imports remove 12
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(clap::Subcommand)]
enum Action {
    /// List the imports (the default).
    List,
    /// Remove one import and every response it brought, in one transaction.
    Remove {
        /// The import's number, as `mctrack imports` lists it.
        id: i64,
    },
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<i32> {
    let mut store = ctx.store()?;
    match args.action {
        Some(Action::Remove { id }) => {
            let removed = store.remove_import(id)?;
            println!("removed import #{id} and its {removed} responses");
        }
        Some(Action::List) | None => {
            let mut table = Table::new("Imports")
                .column("#", ColumnKind::Int)
                .column("File", ColumnKind::Text)
                .column("Platform", ColumnKind::Text)
                .column("Imported at", ColumnKind::Text)
                .column("Accepted", ColumnKind::Int)
                .column("Rejected", ColumnKind::Int)
                .column("Encoding", ColumnKind::Text)
                .column("Codebook", ColumnKind::Text)
                .column("Dropped identifiers", ColumnKind::Text)
                .column("SHA-256", ColumnKind::Text);
            for import in store.list_imports()? {
                table.rows.push(vec![
                    Cell::Int(import.id),
                    Cell::Text(import.file_name),
                    Cell::Text(import.format),
                    Cell::Text(import.imported_at),
                    Cell::Int(import.rows_accepted),
                    Cell::Int(import.rows_rejected),
                    Cell::Text(import.encoding),
                    Cell::Text(import.codebook_version),
                    Cell::Text(import.dropped_columns),
                    Cell::Text(import.sha256.chars().take(12).collect()),
                ]);
            }
            table.footnotes.push(format!(
                "Store: {}. SHA-256 shortened to 12 hex digits; a file with the same bytes is never imported twice.",
                store.path().display()
            ));
            args.out.emit("", &[table])?;
        }
    }
    Ok(0)
}
