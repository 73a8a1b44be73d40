//! `satyapan lists …`: screening list versions, against the database.

use clap::Subcommand;

use crate::app::screening::lists::{list_kind, list_name};
use crate::app::screening::{self, Imported};
use crate::config::Config;
use crate::screening::loaders::read_list_files;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Import a list file as the next version of its list. Running servers pick it up within
    /// `screening_refresh_secs` and re-screen the watched subjects.
    Import {
        /// The list file (for OFAC the `sdn` CSV: `alt`, `add` and `sdn_comments` are read from
        /// beside it by their standard names).
        file: std::path::PathBuf,
        /// ofac | un | senzing | csl
        #[arg(long)]
        format: String,
        /// The list's name (default: the format). Versions count per name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Show the newest version of every list.
    Show,
}

pub async fn run(config: Config, command: ListsCommand) -> anyhow::Result<()> {
    let store = Store::connect(config.database_url.expose(), 2).await?;
    let out = execute(&store, command).await;
    store.close().await;
    println!("{}", serde_json::to_string_pretty(&out?)?);
    Ok(())
}

/// Runs a lists command against `store` and returns what it prints.
pub async fn execute(store: &Store, command: ListsCommand) -> anyhow::Result<serde_json::Value> {
    match command {
        ListsCommand::Import { file, format, name } => {
            let kind = list_kind(&format).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
            let name =
                list_name(kind, name.as_deref()).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let files = read_list_files(kind, &file)?;
            let imported: Imported = screening::import(store, None, kind, &name, files)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(serde_json::to_value(imported)?)
        }
        ListsCommand::Show => Ok(serde_json::to_value(store.latest_list_versions().await?)?),
    }
}
