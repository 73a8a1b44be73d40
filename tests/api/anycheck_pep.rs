//! The PEP stage of AnyCheck verifications answered by the screening engine: with a real list
//! imported (the shared OpenSanctions US Congress PEP file), a listed name is a match and an
//! everyday name is clear; the screened subject is kept for ongoing monitoring; a sandbox
//! organisation's sandbox-steered input still gets the sandbox.

use serde_json::{Value, json};

use crate::anycheck_client::{Client, owner};
use crate::helpers::{TestApp, eventually};

const ADMIN_TOKEN: &str = "test-admin-token";

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.admin_token = Some(satyapan::secret::Secret::new(ADMIN_TOKEN.into())))
        .await
}

/// Imports the shared US Congress PEP list (Senzing JSON) and waits until it is served.
async fn import_pep_list(app: &TestApp) {
    let dir = satyapan::screening::data_dir::sanctions_dir().expect("shared/data/sanctions");
    let body = std::fs::read_to_string(dir.join("opensanctions_us_congress_senzing.json"))
        .expect("the PEP list file");
    let r = app
        .send(
            app.http
                .post(app.url("/admin/screening/lists?format=senzing&name=us_congress"))
                .bearer_auth(ADMIN_TOKEN)
                .body(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let version_id = r.json()["data"]["id"].as_str().unwrap().to_string();
    eventually(60, || async {
        let lists = app.get("/api/v2/screening/lists").await.json();
        lists["data"]
            .as_array()?
            .iter()
            .any(|l| l["serving"] == true && l["version_id"] == version_id.as_str())
            .then_some(())
    })
    .await;
}

async fn service_id(client: &Client<'_>, code: &str) -> String {
    let list = client.get("/services").await.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Submits and polls one verification until it has ended.
async fn verify(
    client: &Client<'_>,
    service: &str,
    folder_id: &str,
    configuration: Value,
) -> Value {
    let response = client
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id, "configuration": configuration}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    let id = response.json()["id"].as_str().unwrap().to_string();
    eventually(60, || async {
        let item = client.get(&format!("/verifications/{id}")).await.json();
        (!matches!(
            item["status"].as_str().unwrap_or(""),
            "IN_QUEUE" | "IN_PROGRESS" | "DRAFT"
        ))
        .then_some(item)
    })
    .await
}

#[tokio::test]
async fn pep_screening_is_answered_by_the_engine_once_a_list_is_imported() {
    let app = spawn().await;
    import_pep_list(&app).await;
    let client = owner(&app).await;
    let folder = client.folder("PEP").await;
    let folder_id = folder["id"].as_str().unwrap();
    let pep = service_id(&client, "PEP_SCREENING").await;

    // A member of Congress (born 1972 on the list): a PEP, so not verified.
    let listed = verify(
        &client,
        &pep,
        folder_id,
        json!({"name": "Jennifer L. McClellan", "birth_date": "1972-12-28"}),
    )
    .await;
    assert_eq!(listed["status"], "COMPLETED", "{listed}");
    assert_eq!(listed["output_status"], "NOT_VERIFIED", "{listed}");
    let out = &listed["output"];
    assert_eq!(out["sandbox"], false, "{out}");
    assert_eq!(out["pep"]["is_pep"], true, "{out}");
    let hit = &out["pep"]["matches"][0];
    assert_eq!(hit["list"], "us_congress", "{hit}");
    assert!(
        hit["entity_id"].as_str().unwrap().starts_with("NK-"),
        "{hit}"
    );
    assert!(hit["score"].as_f64().unwrap() >= 90.0, "{hit}");
    assert_eq!(hit["names"][0], "Jennifer L. McClellan", "{hit}");
    assert!(
        hit["programs"].is_array() && hit["explanation"].is_object(),
        "{hit}"
    );
    let job_ids = listed["external_job_id"]["screening_job_id"].clone();
    assert_eq!(job_ids, json!([out["pep"]["screening_job_id"]]), "{listed}");
    assert!(
        out["pep"]["lists_searched"]
            .as_str()
            .unwrap()
            .contains("us_congress v1"),
        "{out}"
    );

    // An everyday name: no match, verified.
    let clear = verify(&client, &pep, folder_id, json!({"name": "Budi Santoso"})).await;
    assert_eq!(clear["status"], "COMPLETED", "{clear}");
    assert_eq!(clear["output_status"], "VERIFIED", "{clear}");
    assert_eq!(clear["output"]["sandbox"], false);
    assert_eq!(clear["output"]["pep"]["matches"], json!([]));

    // Both subjects are kept for ongoing monitoring, the run's job id as their check.
    let subjects = app.get("/api/v2/screening/subjects").await.json();
    let subjects = subjects["data"].as_array().expect("subjects").clone();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    let kept = subjects
        .iter()
        .find(|s| s["name"] == "Jennifer L. McClellan")
        .expect("the listed subject");
    assert_eq!(kept["check_id"], job_ids[0], "{kept}");
    assert_eq!(kept["case_id"], listed["id"], "{kept}");

    // A sandbox organisation's fictional PEP still steers to the sandbox.
    let steered = verify(
        &client,
        &pep,
        folder_id,
        json!({"name": "Hendra Wijaya Kusuma"}),
    )
    .await;
    assert_eq!(steered["output"]["sandbox"], true, "{steered}");
    assert_eq!(steered["output"]["pep"]["is_pep"], true, "{steered}");
}

#[tokio::test]
async fn an_organisation_with_monitoring_off_keeps_no_pep_subject() {
    let app = spawn().await;
    import_pep_list(&app).await;
    let org = app.store.org(&app.org_id).await.unwrap().unwrap();
    let mut settings = org.settings().unwrap();
    settings.screening_monitoring = false;
    app.store
        .set_org_settings(&app.org_id, &settings)
        .await
        .unwrap();
    let client = owner(&app).await;
    let folder = client.folder("PEP").await;
    let pep = service_id(&client, "PEP_SCREENING").await;
    let listed = verify(
        &client,
        &pep,
        folder["id"].as_str().unwrap(),
        json!({"name": "Jennifer L. McClellan"}),
    )
    .await;
    assert_eq!(listed["output"]["pep"]["is_pep"], true, "{listed}");
    let subjects = app.get("/api/v2/screening/subjects").await.json();
    assert_eq!(subjects["data"], json!([]));
}
