//! End-to-end BGV throughput: 500 candidates × 3 checks through the real server (sandbox at zero
//! latency): submit time, time until every case is terminal, checks per second.
//!
//!   cargo bench --bench bgv_pipeline                                   # SQLite (temp file)
//!   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/bench cargo bench --bench bgv_pipeline
//!
//! Figures go in docs/benchmarks.md.

use std::time::{Duration, Instant};

use satyapan::App;
use satyapan::config::Config;
use satyapan::domain::api_keys::GeneratedKey;
use satyapan::domain::ids::Aadhaar;
use satyapan::secret::Secret;
use serde_json::json;

const CANDIDATES: usize = 500;
const CHECKS: [&str; 3] = ["identity_aadhaar", "identity_pan", "aml_check"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    if url.starts_with("postgres") {
        // A clean slate: the benchmark owns this database.
        let (base, name) = url.rsplit_once('/').unwrap_or((&url, "bench"));
        let admin = satyapan::store::Store::connect_admin(&format!("{base}/postgres")).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&admin)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await?;
    }
    let concurrency: usize = std::env::var("BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let config = Config {
        listen: "127.0.0.1:0".into(),
        database_url: Secret::new(url.clone()),
        worker_concurrency: concurrency,
        job_poll_interval_ms: 100,
        report_poll_interval_secs: 0,
        files_dir: dir.path().join("files").display().to_string(),
        ..Config::default()
    };
    let app = App::build(config).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store().clone();
    let stop = app.shutdown_token();
    let server = tokio::spawn(app.run_until_stopped());

    let key = GeneratedKey::new(true);
    let org_id = uuid::Uuid::new_v4().to_string();
    store
        .create_org(
            &org_id,
            "Bench",
            1_000_000,
            true,
            &satyapan::store::orgs::NewKey::from(&key),
        )
        .await?;
    let aadhaar = Aadhaar::with_check_digit("23412341234")?;
    let candidates: Vec<_> = (0..CANDIDATES)
        .map(|i| json!({"name": format!("Candidate Number {}", ["Asha", "Vivek", "Priya", "Rahul"][i % 4]),
                        "dob": "01-01-1990", "pan": "ABCPE1234F", "aadhaar_number": aadhaar.expose()}))
        .collect();
    let client = reqwest::Client::new();

    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/recruiter/v2/bgv-submit/"))
        .bearer_auth(&key.plaintext)
        .json(&json!({"checks": CHECKS, "candidates": candidates}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "submit failed: {}",
        response.text().await?
    );
    let submitted = started.elapsed();

    loop {
        if store.open_checks(&org_id).await? == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let terminal = started.elapsed();
    let checks = CANDIDATES * CHECKS.len();
    println!(
        "backend:                 {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("workers:                 {concurrency}");
    println!("candidates × checks:     {CANDIDATES} × {}", CHECKS.len());
    println!(
        "submit (HTTP, 1 request): {:.1} ms",
        submitted.as_secs_f64() * 1000.0
    );
    println!("until every case terminal: {:.2} s", terminal.as_secs_f64());
    println!(
        "checks/s (end to end):   {:.0}",
        checks as f64 / terminal.as_secs_f64()
    );
    println!(
        "checks/s (after submit): {:.0}",
        checks as f64 / (terminal - submitted).as_secs_f64()
    );
    stop.cancel();
    let _ = server.await;
    Ok(())
}
