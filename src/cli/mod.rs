//! The `satyapan` command line. Every command loads the same layered [`Config`].

pub mod admin;
pub mod bgv;
pub mod lists;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde_json::{Map, Value};

use crate::config::{Config, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "satyapan",
    version,
    about = "Background verification and KYC platform"
)]
pub struct Cli {
    /// TOML configuration file (layered over the defaults, under SATYAPAN_* variables and flags).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://… [env: SATYAPAN_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Log format [env: SATYAPAN_LOG_FORMAT]
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and (unless --no-workers) the job workers.
    Serve {
        /// Listen address [env: SATYAPAN_LISTEN; default 127.0.0.1:8080]
        #[arg(long, value_name = "HOST:PORT")]
        listen: Option<String>,
        /// Run the API alone; start workers elsewhere with `satyapan worker`.
        #[arg(long)]
        no_workers: bool,
        /// Jobs run at once by this process [env: SATYAPAN_WORKER_CONCURRENCY]
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
    },
    /// Run job workers only.
    Worker {
        /// Jobs run at once by this process [env: SATYAPAN_WORKER_CONCURRENCY]
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
    },
    /// Submit candidates and fetch reports through a running server's API.
    Bgv {
        #[command(subcommand)]
        command: bgv::BgvCommand,
    },
    /// Manage organisations, keys, credits and users.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Sanctions and PEP screening lists: import a new version, show what is loaded.
    Lists {
        #[command(subcommand)]
        command: lists::ListsCommand,
    },
}

impl Cli {
    /// The flags the user actually gave, as a partial configuration document.
    fn overrides(&self) -> Map<String, Value> {
        let mut map = Map::new();
        if let Some(url) = &self.database_url {
            map.insert("database_url".into(), url.clone().into());
        }
        if let Some(format) = self.log_format {
            map.insert(
                "log_format".into(),
                match format {
                    LogFormat::Human => "human",
                    LogFormat::Json => "json",
                }
                .into(),
            );
        }
        match &self.command {
            Command::Serve {
                listen,
                no_workers,
                concurrency,
            } => {
                if let Some(listen) = listen {
                    map.insert("listen".into(), listen.clone().into());
                }
                if *no_workers {
                    map.insert("workers".into(), false.into());
                }
                if let Some(n) = concurrency {
                    map.insert("worker_concurrency".into(), (*n).into());
                }
            }
            Command::Worker { concurrency } => {
                if let Some(n) = concurrency {
                    map.insert("worker_concurrency".into(), (*n).into());
                }
            }
            Command::Admin { .. } | Command::Bgv { .. } | Command::Lists { .. } => {}
        }
        map
    }

    pub fn load_config(&self) -> anyhow::Result<Config> {
        Config::load(self.config.as_deref(), self.overrides())
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))
    }
}

/// Parses the command line and runs the command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.load_config()?;
    match cli.command {
        Command::Serve { .. } => {
            crate::telemetry::init_logging(config.log_format);
            serve::serve(config).await
        }
        Command::Worker { .. } => {
            crate::telemetry::init_logging(config.log_format);
            serve::worker(config).await
        }
        Command::Admin { command } => admin::run(config, command).await,
        Command::Bgv { command } => bgv::run(command).await,
        Command::Lists { command } => lists::run(config, command).await,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    /// clap's own checks of every command's definition (a positional `bool` that became a flag
    /// fails here, as it would when the command is run in a debug build).
    #[test]
    fn every_command_is_well_defined() {
        Cli::command().debug_assert();
    }

    #[test]
    fn organisation_switches_take_true_or_false() {
        for (words, expected) in [
            (["always-audit", "true"], true),
            (["always-audit", "false"], false),
            (["screening-monitoring", "false"], false),
            (["screening-monitoring", "true"], true),
        ] {
            let cli =
                Cli::try_parse_from(["satyapan", "admin", "org", words[0], "--org", "o", words[1]])
                    .unwrap();
            let Command::Admin {
                command: admin::AdminCommand::Org { command },
            } = cli.command
            else {
                panic!("{words:?}");
            };
            let enabled = match command {
                admin::OrgCommand::AlwaysAudit { enabled, .. }
                | admin::OrgCommand::ScreeningMonitoring { enabled, .. } => enabled,
                other => panic!("{other:?}"),
            };
            assert_eq!(enabled, expected, "{words:?}");
        }
        let missing =
            Cli::try_parse_from(["satyapan", "admin", "org", "always-audit", "--org", "o"]);
        assert!(missing.is_err(), "the value is required");
    }
}
