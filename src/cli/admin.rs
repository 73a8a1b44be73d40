//! `satyapan admin …`: operator commands against the database, printing JSON.

use anyhow::{Context, bail};
use argon2::password_hash::PasswordHasher;
use clap::Subcommand;
use serde_json::json;

use crate::app::{AppError, webhooks};
use crate::config::Config;
use crate::domain::api_keys::{GeneratedKey, KeyState};
use crate::domain::users::Role;
use crate::domain::webhooks::TargetPolicy;
use crate::store::Store;
use crate::store::credits::{LedgerKind, Movement};
use crate::store::users::NewUser;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Credits.
    Credits {
        #[command(subcommand)]
        command: CreditsCommand,
    },
    /// Users (for the AnyCheck login and the reviewer console).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The organisation's webhook.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Load testing: write `--cases` copies of one of the organisation's cases (its checks and
    /// evidence included, under new ids, in the same state), many rows per statement.
    SeedCases {
        #[arg(long)]
        org: String,
        /// The case to copy.
        #[arg(long)]
        like: String,
        #[arg(long)]
        cases: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Set the URL; prints the new signing secret (shown once).
    Set {
        #[arg(long)]
        org: String,
        #[arg(long)]
        url: String,
    },
    /// Remove the webhook.
    Remove {
        #[arg(long)]
        org: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation and its first API key.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 0)]
        credits: i64,
        /// A live organisation (its checks may reach real upstreams); sandbox by default.
        #[arg(long)]
        live: bool,
    },
    /// Send every decided case to audit (`true`), or only cases with a check not clear (`false`).
    AlwaysAudit {
        #[arg(long)]
        org: String,
        /// `true` or `false`
        #[arg(action = clap::ArgAction::Set, value_parser = clap::value_parser!(bool))]
        enabled: bool,
    },
    /// Keep subjects screened by the organisation's checks and screen them again when a list
    /// changes (`true`, the default), or not (`false`).
    ScreeningMonitoring {
        #[arg(long)]
        org: String,
        /// `true` or `false`
        #[arg(action = clap::ArgAction::Set, value_parser = clap::value_parser!(bool))]
        enabled: bool,
    },
    /// Set the organisation's own price for a check type (credits).
    Price {
        #[arg(long)]
        org: String,
        #[arg(long)]
        check: String,
        #[arg(long)]
        credits: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Issue another key for an organisation.
    Create {
        #[arg(long)]
        org: String,
    },
    Deactivate {
        key_id: String,
    },
    Activate {
        key_id: String,
    },
    /// Revoke a key for good.
    Revoke {
        key_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Add purchased credits to an organisation.
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        amount: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user of an organisation (an owner unless `--role group_user`).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// `owner` (everything in the organisation) or `group_user` (only its groups' folders).
        #[arg(long, default_value = "owner")]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// A group the user belongs to, by name (created if new); may be repeated.
        #[arg(long = "group")]
        groups: Vec<String>,
    },
    /// Refuse the user's logins and tokens from now on (its refresh tokens are revoked).
    Disable {
        #[arg(long)]
        email: String,
    },
    Enable {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(config: Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = Store::connect(config.database_url.expose(), 2).await?;
    let policy =
        TargetPolicy::parse(&config.webhook_allowed_networks).map_err(anyhow::Error::msg)?;
    let out = execute_with(&store, &policy, command).await;
    store.close().await;
    println!("{}", serde_json::to_string_pretty(&out?)?);
    Ok(())
}

/// Runs a command with the default webhook target policy (public addresses only).
pub async fn execute(store: &Store, command: AdminCommand) -> anyhow::Result<serde_json::Value> {
    execute_with(store, &TargetPolicy::default(), command).await
}

pub async fn execute_with(
    store: &Store,
    policy: &TargetPolicy,
    command: AdminCommand,
) -> anyhow::Result<serde_json::Value> {
    Ok(match command {
        AdminCommand::Org {
            command:
                OrgCommand::Create {
                    name,
                    credits,
                    live,
                },
        } => {
            if name.trim().is_empty() {
                bail!("--name must not be empty");
            }
            if credits < 0 {
                bail!("--credits must not be negative");
            }
            let key = GeneratedKey::new(!live);
            let org_id = uuid::Uuid::new_v4().to_string();
            store
                .create_org(
                    &org_id,
                    name.trim(),
                    credits,
                    !live,
                    &crate::store::orgs::NewKey::from(&key),
                )
                .await?;
            json!({"org_id": org_id, "api_key": key.plaintext, "key_id": key.id})
        }
        AdminCommand::Org {
            command: OrgCommand::AlwaysAudit { org, enabled },
        } => {
            if !store.set_always_audit(&org, enabled).await? {
                bail!("no organisation {org}");
            }
            json!({"org_id": org, "always_audit": enabled})
        }
        AdminCommand::Org {
            command:
                OrgCommand::Price {
                    org,
                    check,
                    credits,
                },
        } => {
            if crate::domain::catalog::spec(&check).is_none() {
                bail!(
                    "--check must be one of: {}",
                    crate::domain::catalog::keys().join(", ")
                );
            }
            if credits < 0 {
                bail!("--credits must not be negative");
            }
            let current = store
                .org(&org)
                .await?
                .with_context(|| format!("no organisation {org}"))?;
            let mut settings = current.settings()?;
            settings.prices.insert(check.clone(), credits);
            store.set_org_settings(&org, &settings).await?;
            json!({"org_id": org, "prices": settings.prices})
        }
        AdminCommand::Org {
            command: OrgCommand::ScreeningMonitoring { org, enabled },
        } => {
            let current = store
                .org(&org)
                .await?
                .with_context(|| format!("no organisation {org}"))?;
            let mut settings = current.settings()?;
            settings.screening_monitoring = enabled;
            store.set_org_settings(&org, &settings).await?;
            json!({"org_id": org, "screening_monitoring": enabled})
        }
        AdminCommand::Webhook {
            command: WebhookCommand::Set { org, url },
        } => {
            let configured = webhooks::configure(store, policy, &org, &url)
                .await
                .map_err(|error| match error {
                    AppError::Invalid { message, .. } => anyhow::Error::msg(message),
                    other => other.into(),
                })?;
            let Some(webhooks::Configured { url, secret }) = configured else {
                bail!("no organisation {org}");
            };
            json!({"org_id": org, "url": url, "secret": secret})
        }
        AdminCommand::Webhook {
            command: WebhookCommand::Remove { org },
        } => {
            if !webhooks::remove(store, &org).await? {
                bail!("no organisation {org}");
            }
            json!({"org_id": org, "url": null})
        }
        AdminCommand::SeedCases { org, like, cases } => {
            let template = store
                .case_view(&org, &like)
                .await?
                .with_context(|| format!("organisation {org} has no case {like}"))?;
            let evidence = store.evidence_files(&like).await?;
            let started = std::time::Instant::now();
            let copied = store.copy_case(&template, &evidence, cases).await?;
            json!({"org_id": org, "copied": like, "cases": copied.len(),
                   "seconds": started.elapsed().as_secs_f64()})
        }
        AdminCommand::Key { command } => match command {
            KeyCommand::Create { org } => {
                let sandbox = store
                    .org(&org)
                    .await?
                    .with_context(|| format!("no organisation {org}"))?
                    .is_sandbox;
                let key = GeneratedKey::new(sandbox);
                store
                    .add_api_key(&org, &crate::store::orgs::NewKey::from(&key))
                    .await?;
                json!({"org_id": org, "api_key": key.plaintext, "key_id": key.id})
            }
            KeyCommand::Deactivate { key_id } => {
                set_key_state(store, &key_id, KeyState::Inactive).await?
            }
            KeyCommand::Activate { key_id } => {
                set_key_state(store, &key_id, KeyState::Active).await?
            }
            KeyCommand::Revoke { key_id } => {
                set_key_state(store, &key_id, KeyState::Revoked).await?
            }
        },
        AdminCommand::Credits {
            command: CreditsCommand::Add { org, amount },
        } => {
            if amount <= 0 {
                bail!("--amount must be positive");
            }
            store
                .org(&org)
                .await?
                .with_context(|| format!("no organisation {org}"))?;
            let balance = store
                .move_credits(&Movement {
                    org_id: &org,
                    kind: LedgerKind::Purchase,
                    amount,
                    service: "admin_top_up",
                    reference_id: None,
                    input: None,
                    output: None,
                })
                .await?
                .map_err(|_| anyhow::anyhow!("credit top-up failed"))?;
            json!({"org_id": org, "added": amount, "credits_remaining": balance})
        }
        AdminCommand::User {
            command:
                UserCommand::Create {
                    org,
                    email,
                    password,
                    role,
                    name,
                    groups,
                },
        } => {
            let email = crate::domain::users::normalise_email(&email);
            if !email.contains('@') {
                bail!("--email must be an e-mail address");
            }
            if password.len() < crate::domain::users::MIN_PASSWORD_LEN {
                bail!("--password must be at least 8 characters");
            }
            let Some(role) = Role::parse(&role) else {
                bail!("--role must be owner or group_user");
            };
            let hash = hash_password(&password)?;
            let user_id = uuid::Uuid::new_v4().to_string();
            let created = store
                .insert_user(&NewUser {
                    id: &user_id,
                    org_id: &org,
                    email: &email,
                    password_hash: &hash,
                    name: name.trim(),
                    role,
                })
                .await?;
            if !created {
                bail!(
                    "could not create user: the organisation does not exist or the e-mail is taken"
                );
            }
            let mut group_ids = Vec::new();
            for group in groups.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
                let row = store.group_named(&org, group).await?;
                store.add_group_member(&row.id, &user_id).await?;
                group_ids.push(json!({"id": row.id, "name": row.name}));
            }
            json!({"user_id": user_id, "org_id": org, "email": email, "role": role,
                   "groups": group_ids})
        }
        AdminCommand::User {
            command: UserCommand::Disable { email },
        } => {
            let email = crate::domain::users::normalise_email(&email);
            if !store.set_user_disabled(&email, true).await? {
                bail!("no user {email}");
            }
            json!({"email": email, "disabled": true})
        }
        AdminCommand::User {
            command: UserCommand::Enable { email },
        } => {
            let email = crate::domain::users::normalise_email(&email);
            if !store.set_user_disabled(&email, false).await? {
                bail!("no user {email}");
            }
            json!({"email": email, "disabled": false})
        }
    })
}

async fn set_key_state(
    store: &Store,
    key_id: &str,
    state: KeyState,
) -> anyhow::Result<serde_json::Value> {
    match store.set_key_state(key_id, state).await? {
        Some(key) => Ok(json!({"key_id": key.id, "org_id": key.org_id, "state": key.state})),
        None if store.api_key(key_id).await?.is_some() => {
            bail!("key {key_id} is revoked; revocation is final")
        }
        None => bail!("no API key {key_id}"),
    }
}

/// Argon2id with a random salt, in PHC string form.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}
