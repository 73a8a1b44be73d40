//! The third hardening round on the AnyCheck surface: concurrent writes on a small pool, a group's
//! uploads, idempotent submissions, bounded review outputs and a robust export, NUL in bodies,
//! folders by id and new result groups — on both backends.

use serde_json::{Value, json};

use crate::anycheck::{assert_error, finished_group, selfie_config, service_id, submit};
use crate::anycheck_client::{Client, create_user, jpeg, owner, tokens};
use crate::helpers::{TestApp, create_org};

/// A folder's id.
fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn concurrent_writes_on_a_pool_of_one_each_answer_once_and_charge_once() {
    // One connection for the whole process: an operation that held a transaction while asking
    // for a second connection would wait on itself (and, in this debug build, panics at once).
    let app = TestApp::spawn_with(|c| c.database_max_connections = 1).await;
    let client = owner(&app).await;
    let folder = client.folder("Burst").await;
    let folder_id = id(&folder);
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let mut ids = Vec::new();
    let mut groups = Vec::new();
    for i in 0..12 {
        let config = selfie_config(&client, "", &format!("face={}", 90 + i % 5)).await;
        let created = submit(&client, &selfie, &folder_id, config).await;
        ids.push(id(&created));
        groups.push(created["result_id"].as_str().unwrap().to_string());
    }
    for group in &groups {
        finished_group(&client, group).await;
    }
    let before = app.balance().await;
    let cost = client
        .get(&format!("/verifications/{}", ids[0]))
        .await
        .json()["credit_used"]
        .as_i64()
        .unwrap();

    // Every forced retry at once, each on its own verification.
    let retries = futures::future::join_all(ids.iter().map(|v| {
        let client = &client;
        async move {
            client
                .post(
                    &format!("/verifications/{v}/retry"),
                    &json!({"force": true}),
                )
                .await
        }
    }))
    .await;
    for answer in &retries {
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.json()["status"], "IN_QUEUE", "{}", answer.text);
    }
    assert_eq!(
        app.balance().await,
        before - cost * ids.len() as i64,
        "each retry charged exactly once"
    );
    for group in &groups {
        finished_group(&client, group).await;
    }

    // Every review at once.
    let reviews = futures::future::join_all(ids.iter().map(|v| {
        let client = &client;
        async move {
            client
                .put(
                    &format!("/verifications/{v}"),
                    &json!({"verification_status": "NEED_REVIEW"}),
                )
                .await
        }
    }))
    .await;
    for answer in &reviews {
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.json()["status"], "NEED_REVIEW", "{}", answer.text);
    }
    for v in &ids {
        let detail = client.get(&format!("/verifications/{v}")).await.json();
        assert_eq!(detail["status"], "NEED_REVIEW");
    }
}

#[tokio::test]
async fn a_group_users_uploads_are_their_groups_only() {
    let app = TestApp::spawn().await;
    let owner = owner(&app).await;
    create_user(
        &app,
        &app.org_id,
        "field@acme.test",
        "group_user",
        &["Field Team"],
    )
    .await;
    create_user(
        &app,
        &app.org_id,
        "audit@acme.test",
        "group_user",
        &["Audit Team"],
    )
    .await;
    let field = Client::with_token(&app, &tokens(&app, "field@acme.test").await.access);
    let audit = Client::with_token(&app, &tokens(&app, "audit@acme.test").await.access);

    let path = field.upload_one("ktp.jpg", jpeg("")).await;
    let uploaded = path.trim_start_matches("/uploads/").to_string();
    let link = format!("/files/uploads/{uploaded}");
    assert_eq!(field.get(&link).await.status, 200);
    assert_eq!(
        owner.get(&link).await.status,
        200,
        "the owner sees every group"
    );
    assert_error(&audit.get(&link).await, 403, "FORBIDDEN");

    // Nor may it be submitted in the other group's folder.
    let folder = audit.folder("Audits").await;
    let selfie_path = audit.upload_one("selfie.jpg", jpeg("face=95")).await;
    let selfie = service_id(&audit, "KTP_SELFIE").await;
    let balance = app.balance().await;
    let refused = audit
        .post(
            "/verifications",
            &json!({
                "service_id": selfie,
                "folder_id": id(&folder),
                "configuration": {
                    "verification_type": "KTP_SELFIE",
                    "files": {"ktp_file": [path], "selfie_file": [selfie_path]},
                },
            }),
        )
        .await;
    assert_error(&refused, 403, "FORBIDDEN");
    assert_eq!(app.balance().await, balance, "nothing charged");

    // Another tenant's key: not found.
    let (_, other) = create_org(&app.store, "Globex", 10).await;
    assert_error(
        &Client::with_key(&app, &other).get(&link).await,
        404,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn a_submission_repeated_with_its_idempotency_key_is_created_and_charged_once() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Once").await;
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let body = json!({
        "service_id": selfie,
        "folder_id": id(&folder),
        "configuration": selfie_config(&client, "", "face=95").await,
    });
    let balance = app.balance().await;
    let send = |body: Value| {
        let request = app
            .http
            .post(app.url("/verifications"))
            .header("Idempotency-Key", "submit-42")
            .bearer_auth(match &client.auth {
                crate::anycheck_client::Auth::Bearer(t) => t.clone(),
                _ => unreachable!(),
            })
            .json(&body);
        app.send(request)
    };
    let first = send(body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send(body.clone()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(first.json()["id"], again.json()["id"]);
    let cost = first.json()["credit_used"].as_i64().unwrap();
    assert_eq!(app.balance().await, balance - cost, "charged once");

    // The same key with another body is refused, in AnyCheck's body.
    let mut other = body.clone();
    other["result_id"] = json!(uuid::Uuid::new_v4().to_string());
    let mismatch = send(other).await;
    assert_eq!(mismatch.status, 422, "{}", mismatch.text);
    assert!(
        mismatch.json()["error_code"].is_string(),
        "{}",
        mismatch.text
    );
    assert_eq!(app.balance().await, balance - cost);
}

#[tokio::test]
async fn a_review_output_is_bounded_and_the_export_survives_any_stored_output() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Wide").await;
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let created = submit(
        &client,
        &selfie,
        &id(&folder),
        selfie_config(&client, "", "face=95").await,
    )
    .await;
    let verification = id(&created);
    let result_id = created["result_id"].as_str().unwrap().to_string();
    finished_group(&client, &result_id).await;

    let wide: serde_json::Map<String, Value> =
        (0..17_000).map(|i| (format!("k{i}"), json!(i))).collect();
    let refused = client
        .put(
            &format!("/verifications/{verification}"),
            &json!({"output": Value::Object(wide.clone())}),
        )
        .await;
    let body = assert_error(&refused, 400, "INVALID_VALUE");
    assert_eq!(body["errors"][0]["field"], "output", "{body}");
    let mut deep = json!("bottom");
    for _ in 0..40 {
        deep = json!({ "d": deep });
    }
    assert_error(
        &client
            .put(
                &format!("/verifications/{verification}"),
                &json!({"output": deep}),
            )
            .await,
        400,
        "INVALID_VALUE",
    );

    // An output stored before the bound (17,000 keys, a value longer than a cell holds) still
    // exports: the sheet keeps the columns that fit and counts the rest.
    let mut stored = wide;
    stored.insert("long".into(), json!("x".repeat(40_000)));
    let stored = Value::Object(stored);
    let mut tx = app.store.begin().await.unwrap();
    tx.set_outcome(
        &verification,
        &satyapan::store::verifications::Outcome {
            status: satyapan::domain::verifications::VerificationStatus::Completed,
            output: Some(&stored),
            output_status: None,
            end_date: None,
            now: satyapan::store::now_ms(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // A changed group gets a new export file.
    client
        .put(
            &format!("/verifications/{verification}"),
            &json!({"verification_status": "COMPLETED"}),
        )
        .await;
    let sql_output = {
        let detail = client.get(&format!("/verifications/{verification}")).await;
        assert_eq!(detail.status, 200, "{}", detail.text);
        detail.json()
    };
    assert!(sql_output["output"]["k16999"].is_number());
    let export = client
        .get(&format!("/files/exports/{result_id}.xlsx"))
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
}

#[tokio::test]
async fn nul_characters_are_refused_in_every_anycheck_body() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.post("/folders", &json!({"name": "a\u{0}b"})).await;
    let body = assert_error(&folder, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let tab = client.post("/folders", &json!({"name": "a\u{7}b"})).await;
    assert_error(&tab, 400, "INVALID_VALUE");

    let login = Client::anonymous(&app)
        .post(
            "/auth/login",
            &json!({"email": "owner\u{0}@acme.test", "password": "whatever12"}),
        )
        .await;
    let body = assert_error(&login, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "email", "{body}");

    let real = client.folder("Real").await;
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let balance = app.balance().await;
    let submitted = client
        .post(
            "/verifications",
            &json!({
                "service_id": selfie,
                "folder_id": id(&real),
                "configuration": selfie_config(&client, "face=95", "face=95").await,
                "webhook_url": "https://example.com/hook",
                "webhook_metadata": {"webhook_secret": "s\u{0}cret", "tags": ["ok"]},
            }),
        )
        .await;
    let body = assert_error(&submitted, 400, "INVALID_REQUEST");
    assert_eq!(
        body["errors"][0]["field"], "webhook_metadata.webhook_secret",
        "{body}"
    );
    assert_eq!(app.balance().await, balance, "nothing charged");
}

#[tokio::test]
async fn a_folder_by_its_id_and_a_new_result_group_named_by_the_client() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("By id").await;
    let folder_id = id(&folder);
    let got = client.get(&format!("/folders/{folder_id}")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json(), folder);
    assert_error(&client.get("/folders/not-a-uuid").await, 400, "INVALID_ID");
    assert_error(
        &client
            .get(&format!("/folders/{}", uuid::Uuid::new_v4()))
            .await,
        404,
        "NOT_FOUND",
    );
    create_user(
        &app,
        &app.org_id,
        "field@acme.test",
        "group_user",
        &["Field Team"],
    )
    .await;
    let field = Client::with_token(&app, &tokens(&app, "field@acme.test").await.access);
    assert_error(
        &field.get(&format!("/folders/{folder_id}")).await,
        403,
        "FORBIDDEN",
    );
    let (_, other_key) = create_org(&app.store, "Globex", 100).await;
    let other = Client::with_key(&app, &other_key);
    assert_error(
        &other.get(&format!("/folders/{folder_id}")).await,
        404,
        "NOT_FOUND",
    );

    // A UUID the tenant has not used is a new group of its own.
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let chosen = uuid::Uuid::new_v4().to_string();
    let body = |folder: &str, config: Value| json!({"service_id": selfie, "folder_id": folder, "result_id": chosen, "configuration": config});
    for _ in 0..2 {
        let config = selfie_config(&client, "face=95", "face=95").await;
        let created = client
            .post("/verifications", &body(&folder_id, config))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        assert_eq!(created.json()["result_id"], chosen.as_str());
    }
    let group = finished_group(&client, &chosen).await;
    assert_eq!(group["total"], 2, "{group}");

    // Another tenant naming this group gets a 404, and no group is made for it.
    let theirs = other.folder("Theirs").await;
    let theirs_id = id(&theirs);
    let their_selfie = service_id(&other, "KTP_SELFIE").await;
    let config = selfie_config(&other, "face=95", "face=95").await;
    let refused = other
        .post(
            "/verifications",
            &json!({"service_id": their_selfie, "folder_id": theirs_id, "result_id": chosen, "configuration": config}),
        )
        .await;
    assert_error(&refused, 404, "NOT_FOUND");
}

#[tokio::test]
async fn large_uploads_arrive_through_disk_and_reach_the_store_whole() {
    // A budget of one part: concurrent uploads take turns holding bytes in memory.
    let app = TestApp::spawn_with(|c| c.upload_buffer_bytes = 5 * 1024 * 1024).await;
    let client = owner(&app).await;
    let mut large = jpeg("");
    large.extend((0..(9 * 1024 * 1024)).map(|i: u32| (i % 251) as u8));
    let pdf = satyapan::files::kind::blank_pdf(4);
    let uploads = futures::future::join_all((0..4).map(|_| {
        let (client, large, pdf) = (&client, large.clone(), pdf.clone());
        async move {
            client
                .upload(
                    "VERIFICATION_INPUT_FILE",
                    &[
                        crate::anycheck_client::Part {
                            name: "big.jpg",
                            content_type: "image/jpeg",
                            bytes: large,
                        },
                        crate::anycheck_client::Part {
                            name: "scan.pdf",
                            content_type: "application/pdf",
                            bytes: pdf,
                        },
                    ],
                    &[],
                )
                .await
        }
    }))
    .await;
    for answer in uploads {
        assert_eq!(answer.status, 201, "{}", answer.text);
        let body = answer.json();
        assert_eq!(body["files"][1]["page_count"], 4, "{body}");
        let path = body["files"][0]["path"].as_str().unwrap();
        let served = client.get(&format!("/files{path}")).await;
        assert_eq!(served.status, 200);
        // The text body of the helper is lossy for binary files; the size tells it all.
        let stored = app
            .files()
            .get(&format!(
                "uploads/{}/{}",
                app.org_id,
                path.trim_start_matches("/uploads/")
            ))
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(stored, large);
    }
}

#[tokio::test]
async fn konnectnxt_writes_on_a_pool_of_one_answer_and_commit() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 1).await;
    let submit = json!({"checks": ["identity_pan", "aml_check", "criminal_check"], "candidates": [{
        "name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F",
        "permanent_address": "12 MG Road, Pune 411001",
        "sandbox_outcome": {"identity_pan": "discrepancy", "aml_check": "clear", "criminal_check": "clear"}}]});
    // Several at once: each is one transaction on the one connection, in turn.
    let answers = futures::future::join_all(
        (0..6).map(|_| app.post("/api/recruiter/v2/bgv-submit/", &submit)),
    )
    .await;
    let mut cases = Vec::new();
    for answer in &answers {
        assert_eq!(answer.status, 200, "{}", answer.text);
        cases.push(
            answer.json()["data"]["cases_created"][0]["case_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let gstin = satyapan::domain::ids::Gstin::with_check_char("27AABCS1234K1Z")
        .unwrap()
        .as_str()
        .to_string();
    let writes = futures::future::join_all([
        app.post("/api/gst/initiate", &json!({"gstin": gstin})),
        app.post(
            "/api/v2/finance/customer-data-pull",
            &json!({"mobile_number": "9876543210", "full_name": "Vivek Patel"}),
        ),
    ])
    .await;
    for answer in &writes {
        assert!(answer.status < 500, "{} {}", answer.status, answer.text);
    }
    for case in &cases {
        crate::helpers::eventually(60, || async {
            let report = app
                .get(&format!("/api/recruiter/v2/report-json/?case_id={case}"))
                .await;
            (report.status == 200 && report.json()["data"]["status"] == "in_audit").then_some(())
        })
        .await;
    }
    let audits = futures::future::join_all(cases.iter().map(|case| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/recruiter/v2/cases/{case}/audit"),
                &json!({"decision": "approve", "note": "checked by hand",
                        "overrides": [{"type": "identity_pan", "result": "clear"}]}),
            )
            .await
        }
    }))
    .await;
    for answer in &audits {
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
}
