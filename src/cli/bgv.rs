//! `satyapan bgv …`: a client of the running API for operators and scripts.
//! `submit` sends a CSV in batches of up to 500 (each with an Idempotency-Key derived from the
//! file and the batch, so re-running after a failure never submits twice); `report` prints a
//! case's report JSON or saves its PDF.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use clap::Subcommand;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::app::cases::MAX_CANDIDATES;

#[derive(Debug, Subcommand)]
pub enum BgvCommand {
    /// Submit the candidates of a CSV file (a header row names the fields: name, email, phone,
    /// dob, father_name, permanent_address, address, pincode, pan, aadhaar_number, uan, photo,
    /// employer_name, designation, start_date, end_date).
    Submit {
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// Comma-separated check types, e.g. identity_aadhaar,criminal_check
        #[arg(long, value_delimiter = ',', required = true)]
        checks: Vec<String>,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Print a case's report JSON, or save its PDF with --pdf.
    Report {
        case_id: String,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[command(flatten)]
        api: ApiArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct ApiArgs {
    /// The server [env: SATYAPAN_URL]
    #[arg(long, env = "SATYAPAN_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// An API key [env: SATYAPAN_API_KEY]
    #[arg(long, env = "SATYAPAN_API_KEY", hide_env_values = true)]
    pub key: String,
}

const EMPLOYER_COLUMNS: [&str; 4] = ["employer_name", "designation", "start_date", "end_date"];

/// Reads candidates from CSV: one object per row, blank cells left out.
pub fn read_candidates(path: &Path) -> anyhow::Result<Vec<Value>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut out = Vec::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("CSV row {}", line + 2))?;
        let mut candidate = Map::new();
        let mut employer = Map::new();
        for (header, cell) in headers.iter().zip(row.iter()) {
            let (header, cell) = (header.trim(), cell.trim());
            if cell.is_empty() {
                continue;
            }
            if EMPLOYER_COLUMNS.contains(&header) {
                employer.insert(header.to_string(), json!(cell));
            } else {
                candidate.insert(header.to_string(), json!(cell));
            }
        }
        if !employer.is_empty() {
            candidate.insert("employers".into(), json!([employer]));
        }
        out.push(Value::Object(candidate));
    }
    Ok(out)
}

/// Submits `candidates` in batches, returning every created case.
pub async fn submit(
    client: &reqwest::Client,
    api: &ApiArgs,
    checks: &[String],
    candidates: &[Value],
    batch_seed: &str,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<Value>> {
    let mut created = Vec::new();
    for (i, batch) in candidates.chunks(MAX_CANDIDATES).enumerate() {
        let key = hex::encode(Sha256::digest(format!("{batch_seed}:{i}").as_bytes()));
        let response = client
            .post(format!(
                "{}/api/recruiter/v2/bgv-submit/",
                api.url.trim_end_matches('/')
            ))
            .bearer_auth(&api.key)
            .header("Idempotency-Key", key)
            .json(&json!({"checks": checks, "candidates": batch}))
            .send()
            .await
            .context("the server could not be reached")?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .context("the server answered with invalid JSON")?;
        if !status.is_success() {
            bail!(
                "batch {} (rows {}–{}) was refused ({status}): {}\n{}",
                i + 1,
                i * MAX_CANDIDATES + 1,
                i * MAX_CANDIDATES + batch.len(),
                body["message"].as_str().unwrap_or(""),
                body.get("errors")
                    .map(|e| serde_json::to_string_pretty(e).unwrap_or_default())
                    .unwrap_or_default()
            );
        }
        created.extend(
            body["data"]["cases_created"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        progress.inc(batch.len() as u64);
    }
    Ok(created)
}

pub async fn run(command: BgvCommand) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    match command {
        BgvCommand::Submit { csv, checks, api } => {
            let candidates = read_candidates(&csv)?;
            if candidates.is_empty() {
                bail!("{} has no candidate rows", csv.display());
            }
            let bytes = std::fs::read(&csv)?;
            let seed = format!(
                "{}:{}",
                hex::encode(Sha256::digest(&bytes)),
                checks.join(",")
            );
            let progress = indicatif::ProgressBar::new(candidates.len() as u64);
            progress.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} candidates submitted",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let created = submit(&client, &api, &checks, &candidates, &seed, &progress).await;
            progress.finish_and_clear();
            for case in created? {
                println!(
                    "{}\t{}",
                    case["case_id"].as_str().unwrap_or(""),
                    case["name"].as_str().unwrap_or("")
                );
            }
            Ok(())
        }
        BgvCommand::Report { case_id, pdf, api } => {
            let base = api.url.trim_end_matches('/');
            let (path, query) = match &pdf {
                Some(_) => (
                    "/api/verification/bgv/download",
                    format!("case_id={case_id}"),
                ),
                None => (
                    "/api/recruiter/v2/report-json/",
                    format!("case_id={case_id}"),
                ),
            };
            let response = client
                .get(format!("{base}{path}?{query}"))
                .bearer_auth(&api.key)
                .send()
                .await
                .context("the server could not be reached")?;
            let status = response.status();
            let body: Value = response.json().await?;
            if !status.is_success() {
                bail!("{status}: {}", body["message"].as_str().unwrap_or(""));
            }
            match pdf {
                None => println!("{}", serde_json::to_string_pretty(&body["data"])?),
                Some(out) => {
                    let encoded = body["data"]["report"].as_str().unwrap_or("");
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .context("the report is not base64")?;
                    std::fs::write(&out, bytes)?;
                    println!("saved {}", out.display());
                }
            }
            Ok(())
        }
    }
}
