//! `satyapan bgv submit --csv`: rows become candidates, and a re-run submits nothing twice.

use satyapan::cli::bgv::{ApiArgs, read_candidates, submit};

use crate::helpers::TestApp;

#[tokio::test]
async fn csv_submission_is_batched_and_idempotent() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("candidates.csv");
    std::fs::write(
        &path,
        "name,email,dob,pan,employer_name,start_date\n\
         Vivek Patel,vivek@example.com,08-01-2001,ABCPE1234F,Deccan Infotech,01-06-2020\n\
         Siti Nurhaliza,,1990-05-17,ABCPN2345K,,\n\
         Sreenivas Chowdary,s@example.com,17/05/1985,ABCPC3456L,,\n",
    )
    .unwrap();
    let candidates = read_candidates(&path).unwrap();
    assert_eq!(candidates.len(), 3);
    assert_eq!(
        candidates[0]["employers"][0]["employer_name"],
        "Deccan Infotech"
    );
    assert!(
        candidates[1].get("email").is_none(),
        "blank cells are left out"
    );

    let api = ApiArgs {
        url: app.base.clone(),
        key: app.key.clone(),
    };
    let checks = vec!["identity_pan".to_string()];
    let bar = indicatif::ProgressBar::hidden();
    let first = submit(&app.http, &api, &checks, &candidates, "seed-1", &bar)
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(bar.position(), 3);
    let again = submit(&app.http, &api, &checks, &candidates, "seed-1", &bar)
        .await
        .unwrap();
    assert_eq!(
        again, first,
        "the re-run is answered from the first submission"
    );
    assert_eq!(app.balance().await, 1000 - 3);

    // A refused batch says which rows and why.
    let bad = vec![serde_json::json!({"name": "No Pan"})];
    let error = submit(&app.http, &api, &checks, &bad, "seed-2", &bar)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("rows 1–1") && error.contains("is required for identity_pan"),
        "{error}"
    );
}
