//! Integration tests: one binary, a file per area. Each test starts the real server on port 0
//! over a fresh database (SQLite, or PostgreSQL when SATYAPAN_TEST_DATABASE_URL is set).

mod helpers;

mod admin;
mod anycheck;
mod anycheck_client;
#[cfg(feature = "documents")]
mod anycheck_documents;
mod anycheck_pep;
mod auth;
mod bgv;
mod cli;
mod connectors;
mod contract;
mod credits;
#[cfg(feature = "documents")]
mod documents;
mod files;
mod finance;
mod gst;
mod hardening;
mod idempotency;
mod jobs;
mod limits;
mod openapi;
mod ops;
mod pdf;
mod query_plans;
mod revocation;
mod screening;
mod webhooks;
mod wire;
