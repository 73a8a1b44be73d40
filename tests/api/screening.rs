//! Sanctions/PEP screening over HTTP: list imports (operator endpoint and CLI), the paid search
//! in the KonnectNXT envelope, the Watchman-compatible surface, list swaps under load, and
//! ongoing monitoring of subjects screened by `aml_check`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use satyapan::cli::lists::{ListsCommand, execute};
use serde_json::{Value, json};

use crate::helpers::{TestApp, create_org, eventually};

const ADMIN_TOKEN: &str = "test-admin-token";

/// A small OFAC `sdn` file (alt/add/comments empty).
const SDN_V1: &str = "100,\"CIFUENTES VILLA, Jorge Milton\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 13 May 1965; POB Medellin, Colombia; Passport AL720622 (Colombia).\"\n\
101,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\n\
102,\"BIN LADIN, Usama bin Muhammad bin Awad\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 30 Jul 1957; alt. DOB 1958.\"\n";

/// Version 2 lists a person the monitored candidate matches.
fn sdn_v2() -> String {
    format!(
        "{SDN_V1}103,\"MALHOTRA, Vikram Aditya\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 02 Mar 1980; nationality India.\"\n"
    )
}

/// Version 3 adds someone unrelated to the candidate.
fn sdn_v3() -> String {
    format!(
        "{}104,\"ZENITH OCEAN TRADING LLC\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
        sdn_v2()
    )
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.admin_token = Some(satyapan::secret::Secret::new(ADMIN_TOKEN.into())))
        .await
}

/// Imports `body` through the operator endpoint and returns the envelope's data.
async fn import(app: &TestApp, format: &str, name: Option<&str>, body: impl Into<String>) -> Value {
    let mut url = app.url(&format!("/admin/screening/lists?format={format}"));
    if let Some(name) = name {
        url.push_str(&format!("&name={name}"));
    }
    let r = app
        .send(
            app.http
                .post(url)
                .bearer_auth(ADMIN_TOKEN)
                .body(body.into()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["data"].clone()
}

/// Waits until this server's index serves list version `version_id`.
async fn serving(app: &TestApp, version_id: &str) {
    eventually(60, || async {
        let lists = app.get("/api/v2/screening/lists").await.json();
        lists["data"]
            .as_array()?
            .iter()
            .any(|l| l["serving"] == true && l["version_id"] == version_id)
            .then_some(())
    })
    .await;
}

async fn search(app: &TestApp, body: Value) -> crate::helpers::TestResponse {
    app.post("/api/v2/screening/search", &body).await
}

#[tokio::test]
async fn the_operator_endpoint_imports_versions_and_needs_its_token() {
    // No admin token configured: the endpoint does not exist.
    let plain = TestApp::spawn().await;
    let r = plain
        .send(
            plain
                .http
                .post(plain.url("/admin/screening/lists?format=ofac"))
                .bearer_auth("anything")
                .body(SDN_V1),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    let app = spawn().await;
    let url = app.url("/admin/screening/lists?format=ofac");
    let no_token = app.send(app.http.post(&url).body(SDN_V1)).await;
    assert_eq!(no_token.status, 401);
    let api_key = app
        .send(app.http.post(&url).bearer_auth(&app.key).body(SDN_V1))
        .await;
    assert_eq!(
        api_key.status, 401,
        "an organisation's key is not the operator's"
    );
    let bad_format = app
        .send(
            app.http
                .post(app.url("/admin/screening/lists?format=xls"))
                .bearer_auth(ADMIN_TOKEN)
                .body(SDN_V1),
        )
        .await;
    assert_eq!(bad_format.status, 400);
    assert!(
        bad_format.json()["message"]
            .as_str()
            .unwrap()
            .contains("format")
    );
    let garbage = app
        .send(
            app.http
                .post(app.url("/admin/screening/lists?format=un"))
                .bearer_auth(ADMIN_TOKEN)
                .body("not xml at all"),
        )
        .await;
    assert_eq!(garbage.status, 400, "{}", garbage.text);

    let v1 = import(&app, "ofac", None, SDN_V1).await;
    assert_eq!(
        (v1["list"].as_str(), v1["version"].as_i64()),
        (Some("ofac"), Some(1))
    );
    assert_eq!(v1["entity_count"], 3);
    assert_eq!(v1["created"], true);
    // The same file again stores nothing.
    let again = import(&app, "ofac", None, SDN_V1).await;
    assert_eq!(
        (again["version"].as_i64(), again["created"].as_bool()),
        (Some(1), Some(false))
    );
    let v2 = import(&app, "ofac", None, sdn_v2()).await;
    assert_eq!(v2["version"], 2);
    let other = import(&app, "ofac", Some("ofac-test"), SDN_V1).await;
    assert_eq!(other["version"], 1);

    let lists = eventually(30, || async {
        let lists = app.get("/api/v2/screening/lists").await.json();
        let all = lists["data"].as_array()?.clone();
        (all.len() == 2 && all.iter().all(|l| l["serving"] == true)).then_some(all)
    })
    .await;
    let ofac = lists.iter().find(|l| l["name"] == "ofac").unwrap();
    assert_eq!(ofac["version"], 2);
    assert_eq!(ofac["versions"], 2);
    assert_eq!(ofac["entity_count"], 4);
    assert_eq!(ofac["kind"], "ofac");
    assert!(ofac["imported_at"].is_string());
    assert_eq!(ofac["file_sha256"].as_str().unwrap().len(), 64);
}

#[tokio::test]
async fn the_cli_imports_the_shared_ofac_files_with_their_counts() {
    let app = spawn().await;
    let Some(dir) = satyapan::screening::data_dir::sanctions_dir() else {
        panic!("shared/data/sanctions not found");
    };
    let out = execute(
        &app.store,
        ListsCommand::Import {
            file: dir.join("ofac_sdn.csv"),
            format: "ofac".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(out["entity_count"], 8976);
    assert_eq!(out["skipped_count"], 3, "the three end-of-file markers");
    assert_eq!(out["version"], 1);
    let un = execute(
        &app.store,
        ListsCommand::Import {
            file: dir.join("un_consolidated.xml"),
            format: "un".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    assert!(un["entity_count"].as_i64().unwrap() > 900, "{un}");
    assert!(
        execute(
            &app.store,
            ListsCommand::Import {
                file: dir.join("ofac_sdn.csv"),
                format: "nope".into(),
                name: None,
            },
        )
        .await
        .is_err()
    );
    // A running server notices the new versions (the CLI ran in another "process").
    app.store.latest_list_versions().await.unwrap();
}

#[tokio::test]
async fn search_answers_in_the_envelope_and_charges_a_credit() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;

    let r = search(
        &app,
        json!({"name": "Jorge Milton Cifuentes Villa", "dob": "1965-05-13"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["status"], "success");
    assert_eq!(body["credits_used"], 1);
    assert_eq!(body["credits_remaining"], 999);
    let hit = &body["data"]["matches"][0];
    assert_eq!(hit["list"], "ofac");
    assert_eq!(hit["entity_id"], "100");
    assert_eq!(hit["primary_name"], "CIFUENTES VILLA, Jorge Milton");
    assert_eq!(hit["programs"][0], "SDNTK");
    assert!(hit["score"].as_f64().unwrap() > 0.99);
    assert!(
        hit["explanation"]["qualifiers"]
            .as_array()
            .unwrap()
            .contains(&json!("dob_match"))
    );
    assert_eq!(
        hit["explanation"]["matched_tokens"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(app.balance().await, 999);
    assert_eq!(app.store.ledger_sum(&app.org_id).await.unwrap(), 999);

    // A transliterated, reordered name.
    let r = search(
        &app,
        json!({"name": "Osama bin Muhammad bin Awad bin Laden"}),
    )
    .await
    .json();
    assert_eq!(r["data"]["matches"][0]["entity_id"], "102", "{r}");
    // An everyday name: no match, still charged.
    let r = search(&app, json!({"name": "Priya Nair"})).await.json();
    assert_eq!(r["data"]["matches"], json!([]));
    assert_eq!(r["credits_remaining"], 997);

    // Validation: 400 naming the field, nothing charged.
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": 5}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        (json!({"name": "Jorge", "dob": "13th May"}), "dob"),
        (json!({"name": "Jorge", "threshold": 1.5}), "threshold"),
        (json!({"name": "Jorge", "limit": 0}), "limit"),
        (json!({"name": "Jorge", "limit": 101}), "limit"),
        (
            json!({"name": "Jorge", "entity_type": "alien"}),
            "entity_type",
        ),
        (
            json!({"name": "Jorge", "country": "c".repeat(65)}),
            "country",
        ),
        (json!({"name": "Jorge", "colour": "red"}), "colour"),
    ] {
        let r = search(&app, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let json = r.json();
        assert!(
            json["message"].as_str().unwrap().starts_with(field),
            "{body}: {}",
            json["message"]
        );
        assert_eq!(json["errors"][0]["field"], field);
        assert_eq!(json["credits_used"], 0);
    }
    assert_eq!(app.balance().await, 997);

    // An organisation without credits: 402, no answer.
    let (_, broke) = create_org(&app.store, "Broke", 0).await;
    let r = app
        .post_as(
            "/api/v2/screening/search",
            &broke,
            &json!({"name": "Jorge Cifuentes"}),
        )
        .await;
    assert_eq!(r.status, 402, "{}", r.text);
    let json = r.json();
    assert_eq!(json["credits_remaining"], 0);
    assert!(json["data"].is_null());
    // No key: the envelope's 401.
    let r = app
        .send(
            app.http
                .post(app.url("/api/v2/screening/search"))
                .json(&json!({"name": "x"})),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["status"], "error");
}

#[tokio::test]
async fn searches_before_the_first_index_answer_503_in_the_envelope() {
    // The shared OFAC and UN lists are in the database when the server starts, so its first
    // index takes a while to build; every search either waits for nothing (503) or answers.
    let dir = satyapan::screening::data_dir::sanctions_dir().expect("shared lists");
    let app = TestApp::spawn_prepared(
        |_| {},
        async |store: &satyapan::store::Store| {
            for (file, format) in [("ofac_sdn.csv", "ofac"), ("un_consolidated.xml", "un")] {
                execute(
                    store,
                    ListsCommand::Import {
                        file: dir.join(file),
                        format: format.into(),
                        name: None,
                    },
                )
                .await
                .unwrap();
            }
        },
    )
    .await;
    let saw_503 = AtomicUsize::new(0);
    let answer = eventually(120, || async {
        let r = search(&app, json!({"name": "Nicolas Maduro Moros"})).await;
        if r.status == 503 {
            let body = r.json();
            assert_eq!(body["status"], "error");
            assert_eq!(body["code"], 503);
            assert_eq!(body["credits_used"], 0);
            saw_503.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        assert_eq!(r.status, 200, "{}", r.text);
        Some(r.json())
    })
    .await;
    assert_eq!(answer["data"]["matches"][0]["entity_id"], "22790");
    // Only answered searches were charged.
    assert_eq!(app.balance().await, 999);
    eprintln!(
        "503 answers before the index was ready: {}",
        saw_503.load(Ordering::Relaxed)
    );
}

#[tokio::test]
async fn a_list_swap_under_concurrent_queries_loses_no_query() {
    let app = Arc::new(
        TestApp::spawn_with(|c| {
            c.admin_token = Some(satyapan::secret::Secret::new(ADMIN_TOKEN.into()));
            c.screening_search_cost = 0;
        })
        .await,
    );
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (app, stop, answered) = (app.clone(), stop.clone(), answered.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) || n < 20 {
                    let r = search(&app, json!({"name": "Jorge Cifuentes Villa"})).await;
                    assert_eq!(r.status, 200, "{}", r.text);
                    let body = r.json();
                    assert_eq!(
                        body["data"]["matches"][0]["entity_id"], "100",
                        "a query lost its answer: {body}"
                    );
                    answered.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
                n
            })
        })
        .collect();
    // Two new versions while the clients search.
    let v2 = import(&app, "ofac", None, sdn_v2()).await;
    let v3 = import(&app, "ofac", None, sdn_v3()).await;
    assert_eq!(v3["version"], 3);
    eventually(60, || async {
        let lists = app.get("/api/v2/screening/lists").await.json();
        let ofac = lists["data"].as_array()?.first()?.clone();
        (ofac["version"] == 3 && ofac["serving"] == true).then_some(())
    })
    .await;
    let _ = v2;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        total += c.await.expect("client finished without a failed query");
    }
    assert_eq!(total, answered.load(Ordering::Relaxed));
    // The new entity is found once the swap is done.
    let r = search(&app, json!({"name": "Zenith Ocean Trading"}))
        .await
        .json();
    assert_eq!(r["data"]["matches"][0]["entity_id"], "104");
}

async fn screening_events(app: &TestApp) -> Vec<Value> {
    let events = app.get("/api/v2/webhooks/events?limit=200").await.json();
    events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "screening.match")
        .cloned()
        .collect()
}

async fn jobs_settled(app: &TestApp) {
    eventually(60, || async {
        let c = app.store.job_counts().await.unwrap();
        (c.queued == 0 && c.running == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_monitored_subject_raises_one_event_when_a_new_version_adds_a_match_and_none_otherwise() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;

    // The candidate is screened clear against version 1 and kept.
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["aml_check"], "candidates": [{"name": "Vikram Malhotra", "dob": "1980-03-02"}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let subject = eventually(30, || async {
        let r = app
            .get(&format!("/api/v2/screening/subjects?case_id={case_id}"))
            .await
            .json();
        r["data"].as_array()?.first().cloned()
    })
    .await;
    assert_eq!(subject["matches"], json!([]));
    let subject_id = subject["id"].as_str().unwrap().to_string();
    let report = app
        .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await
        .json();
    assert_eq!(report["data"]["checks"][0]["result"], "clear", "{report}");

    // Version 2 lists him: one event, and the subject shows the match.
    import(&app, "ofac", None, sdn_v2()).await;
    jobs_settled(&app).await;
    let events = eventually(30, || async {
        let e = screening_events(&app).await;
        (!e.is_empty()).then_some(e)
    })
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    let data = &events[0]["data"];
    assert_eq!(data["subject_id"], subject_id.as_str());
    assert_eq!(data["case_id"], case_id.as_str());
    assert_eq!(data["matches"][0]["entity_id"], "103");
    assert_eq!(data["matches"][0]["dob"], "1980-03-02");
    let shown = app
        .get(&format!("/api/v2/screening/subjects/{subject_id}"))
        .await
        .json();
    assert_eq!(shown["data"]["matches"][0]["entity_id"], "103");
    assert!(shown["data"]["last_change_at"].is_string());

    // Version 3 adds someone else: re-screened, no new event.
    import(&app, "ofac", None, sdn_v3()).await;
    jobs_settled(&app).await;
    let after = app
        .get(&format!("/api/v2/screening/subjects/{subject_id}"))
        .await
        .json();
    let versions = after["data"]["list_versions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 1);
    assert_ne!(
        versions,
        shown["data"]["list_versions"].as_array().unwrap().clone()
    );
    assert_eq!(screening_events(&app).await.len(), 1);

    // Another organisation sees nothing of it.
    let (_, other) = create_org(&app.store, "Other", 10).await;
    let r = app
        .get_as(&format!("/api/v2/screening/subjects/{subject_id}"), &other)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["message"],
        "No screening subject found for this id."
    );
}

#[tokio::test]
async fn an_organisation_can_turn_monitoring_off() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let org = app.store.org(&app.org_id).await.unwrap().unwrap();
    let mut settings = org.settings().unwrap();
    settings.screening_monitoring = false;
    app.store
        .set_org_settings(&app.org_id, &settings)
        .await
        .unwrap();
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["aml_check"], "candidates": [{"name": "Vikram Malhotra", "dob": "1980-03-02"}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    eventually(30, || async {
        let r = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (r["data"]["status"] != "in_progress").then_some(())
    })
    .await;
    let subjects = app.get("/api/v2/screening/subjects").await.json();
    assert_eq!(subjects["data"], json!([]));
}

#[tokio::test]
async fn aml_check_finds_a_listed_person_by_name_and_date_of_birth() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["aml_check"], "candidates": [{"name": "Jorge Milton Cifuentes Villa", "dob": "1965-05-13"}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let report = eventually(30, || async {
        let r = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (r["data"]["status"] != "in_progress").then_some(r)
    })
    .await;
    let check = &report["data"]["checks"][0];
    assert_eq!(check["result"], "discrepancy", "{check}");
    assert_eq!(check["entries"][0]["list"], "ofac");
    assert_eq!(check["entries"][0]["entity_id"], "100");
}

#[tokio::test]
async fn the_watchman_endpoints_answer_in_watchmans_shape() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;

    let r = app
        .get("/v2/search?name=Jorge%20Cifuentes%20Villa&type=person&birthDate=1965-05-13&minMatch=0.8&limit=5")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    let body = r.json();
    // SearchResponse {query: Entity, entities: [SearchedEntity]}
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["entities", "query"]);
    assert_eq!(body["query"]["name"], "Jorge Cifuentes Villa");
    assert_eq!(body["query"]["entityType"], "person");
    assert_eq!(body["query"]["sourceList"], "api-request");
    assert_eq!(body["query"]["person"]["birthDate"], "1965-05-13T00:00:00Z");
    let e = &body["entities"][0];
    for key in [
        "name",
        "entityType",
        "sourceList",
        "sourceID",
        "person",
        "business",
        "organization",
        "aircraft",
        "vessel",
        "contact",
        "addresses",
        "cryptoAddresses",
        "affiliations",
        "sanctionsInfo",
        "historicalInfo",
        "sourceData",
        "match",
        "details",
    ] {
        assert!(e.get(key).is_some(), "SearchedEntity lacks {key}: {e}");
    }
    assert_eq!(e["name"], "CIFUENTES VILLA, Jorge Milton");
    assert_eq!(e["entityType"], "person");
    assert_eq!(e["sourceList"], "us_ofac");
    assert_eq!(e["sourceID"], "100");
    assert_eq!(e["person"]["birthDate"], "1965-05-13T00:00:00Z");
    assert_eq!(e["person"]["governmentIDs"][0]["type"], "passport");
    assert_eq!(e["sanctionsInfo"]["programs"][0], "SDNTK");
    let m = e["match"].as_f64().unwrap();
    assert!((0.8..=1.0).contains(&m), "{m}");
    assert_eq!(e["details"]["finalScore"].as_f64(), Some(m));
    assert_eq!(app.balance().await, 999, "a Watchman search is charged too");

    // A business, Watchman's type word.
    let r = app
        .get("/v2/search?name=Banco%20Nacional%20de%20Cuba&type=business")
        .await
        .json();
    assert_eq!(r["entities"][0]["entityType"], "business");
    assert_eq!(r["entities"][0]["sourceID"], "101");

    // ListInfoResponse.
    let info = app.get("/v2/listinfo").await;
    assert_eq!(info.status, 200, "{}", info.text);
    let info = info.json();
    assert_eq!(info["lists"]["us_ofac"], 3);
    assert_eq!(info["listHashes"]["us_ofac"].as_str().unwrap().len(), 64);
    assert!(info["startedAt"].is_string() && info["endedAt"].is_string());
    assert!(info["version"].as_str().unwrap().starts_with("satyapan"));

    // Errors in Watchman's ErrorResponse body.
    for (path, status) in [
        ("/v2/search?name=x&minMatch=2", 400),
        ("/v2/search?name=x&birthDate=13-05-1965", 400),
        ("/v2/search?name=x&type=alien", 400),
        ("/v2/search?name=x&colour=red", 400),
        ("/v2/search", 400),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, status, "{path}: {}", r.text);
        let body = r.json();
        assert_eq!(body.as_object().unwrap().len(), 1, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    let r = app.send(app.http.get(app.url("/v2/search?name=x"))).await;
    assert_eq!(r.status, 401);
    assert!(r.json()["error"].is_string());
}

/// The balance and the ledger agree and are what they were: nothing was charged.
async fn charged_nothing(app: &TestApp, org_id: &str, before: i64) {
    assert_eq!(app.store.balance(org_id).await.unwrap(), before);
    assert_eq!(app.store.ledger_sum(org_id).await.unwrap(), before);
}

#[tokio::test]
async fn with_no_list_loaded_searches_answer_503_in_each_surface_and_charge_nothing() {
    let app = spawn().await;
    let (live_org, live) = crate::helpers::create_live_org(&app.store, "Live", 100).await;
    for (org_id, key, before) in [(&app.org_id, &app.key, 1000), (&live_org, &live, 100)] {
        let r = app
            .post_as(
                "/api/v2/screening/search",
                key,
                &json!({"name": "Jorge Milton Cifuentes Villa"}),
            )
            .await;
        assert_eq!(r.status, 503, "{}", r.text);
        let body = r.json();
        assert_eq!(body["status"], "error");
        assert_eq!(body["code"], 503);
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("No screening list is loaded")
                && message.contains("satyapan lists import")
                && message.contains("POST /admin/screening/lists"),
            "{message}"
        );
        assert_eq!(body["credits_used"], 0);
        assert_eq!(body["credits_remaining"], before);
        assert!(body["data"].is_null(), "{body}");

        let r = app
            .get_as("/v2/search?name=Jorge%20Cifuentes%20Villa", key)
            .await;
        assert_eq!(r.status, 503, "{}", r.text);
        let body = r.json();
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .starts_with("No screening list is loaded"),
            "{body}"
        );
        let r = app
            .send(
                app.http
                    .head(app.url("/v2/search?name=Jorge"))
                    .bearer_auth(key),
            )
            .await;
        assert_eq!(r.status, 503);
        charged_nothing(&app, org_id, before).await;
    }
    // The list info still answers (nothing is served).
    let info = app.get("/v2/listinfo").await;
    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.json()["lists"], json!({}));

    // Once a list is imported, the same search answers and is charged.
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let r = search(&app, json!({"name": "Jorge Milton Cifuentes Villa"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["credits_remaining"], 999);
}

#[tokio::test]
async fn with_no_list_a_live_organisations_aml_check_and_pep_screening_are_never_clear() {
    let app = spawn().await;
    let (live_org, live) = crate::helpers::create_live_org(&app.store, "Live", 100).await;
    let created = app
        .post_as(
            "/api/recruiter/v2/bgv-submit/",
            &live,
            &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "1994-03-02"}]}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let case_id = created.json()["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let report = eventually(60, || async {
        let r = app
            .get_as(
                &format!("/api/recruiter/v2/report-json/?case_id={case_id}"),
                &live,
            )
            .await
            .json();
        (r["data"]["status"] != "in_progress").then_some(r)
    })
    .await;
    let check = &report["data"]["checks"][0];
    assert_eq!(check["result"], "unable_to_verify", "{check}");

    // AnyCheck's PEP screening: the stage fails, nothing says "not a PEP".
    let email = "owner@live.test";
    crate::anycheck_client::create_user(&app, &live_org, email, "owner", &[]).await;
    let tokens = crate::anycheck_client::tokens(&app, email).await;
    let client = crate::anycheck_client::Client::with_token(&app, &tokens.access);
    let services = client.get("/services").await.json();
    let pep = services["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "PEP_SCREENING")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let folder = client.folder("PEP").await;
    let submitted = client
        .post(
            "/verifications",
            &json!({"service_id": pep, "folder_id": folder["id"], "configuration": {"name": "Budi Santoso"}}),
        )
        .await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let id = submitted.json()["id"].as_str().unwrap().to_string();
    let item = eventually(60, || async {
        let item = client.get(&format!("/verifications/{id}")).await.json();
        (!matches!(
            item["status"].as_str().unwrap_or(""),
            "IN_QUEUE" | "IN_PROGRESS" | "DRAFT"
        ))
        .then_some(item)
    })
    .await;
    assert_eq!(item["status"], "FAILED", "{item}");
    assert_ne!(item["output_status"], "VERIFIED", "{item}");
}

/// One code point of every `Default_Ignorable_Code_Point` class, by name.
const INVISIBLE: &[(&str, char)] = &[
    ("soft hyphen", '\u{00AD}'),
    ("combining grapheme joiner", '\u{034F}'),
    ("Arabic letter mark", '\u{061C}'),
    ("Hangul choseong filler", '\u{115F}'),
    ("Hangul jungseong filler", '\u{1160}'),
    ("Khmer inherent vowel", '\u{17B4}'),
    ("Mongolian free variation selector", '\u{180B}'),
    ("Mongolian vowel separator", '\u{180E}'),
    ("zero-width space", '\u{200B}'),
    ("zero-width non-joiner", '\u{200C}'),
    ("zero-width joiner", '\u{200D}'),
    ("left-to-right mark", '\u{200E}'),
    ("right-to-left mark", '\u{200F}'),
    ("right-to-left override", '\u{202E}'),
    ("word joiner", '\u{2060}'),
    ("invisible separator", '\u{2063}'),
    ("first strong isolate", '\u{2068}'),
    ("Hangul filler", '\u{3164}'),
    ("variation selector 16", '\u{FE0F}'),
    ("byte-order mark", '\u{FEFF}'),
    ("halfwidth Hangul filler", '\u{FFA0}'),
    ("reserved special", '\u{FFF0}'),
    ("shorthand format letter overlap", '\u{1BCA0}'),
    ("musical symbol begin beam", '\u{1D173}'),
    ("tag latin small letter a", '\u{E0061}'),
    ("variation selector 17", '\u{E0100}'),
];

/// `Jorge Milton Cifuentes Villa` with `c` inside each word.
fn hidden_name(c: char) -> String {
    format!("Jo{c}rge Mil{c}ton Cifu{c}entes Vi{c}lla")
}

#[tokio::test]
async fn invisible_characters_do_not_hide_a_listed_name_from_either_search() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let clean = search(&app, json!({"name": "Jorge Milton Cifuentes Villa"}))
        .await
        .json();
    let score = clean["data"]["matches"][0]["score"].clone();
    assert!(score.as_f64().unwrap() > 0.99, "{clean}");
    for (class, c) in INVISIBLE {
        let name = hidden_name(*c);
        let r = search(&app, json!({"name": name, "threshold": 0.8})).await;
        assert_eq!(r.status, 200, "{class}: {}", r.text);
        let body = r.json();
        let hit = &body["data"]["matches"][0];
        assert_eq!(hit["entity_id"], "100", "{class}: {body}");
        assert_eq!(hit["score"], score, "{class}: {body}");

        let query: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let r = app
            .get(&format!("/v2/search?name={query}&minMatch=0.8"))
            .await;
        assert_eq!(r.status, 200, "{class}: {}", r.text);
        let body = r.json();
        assert_eq!(body["entities"][0]["sourceID"], "100", "{class}: {body}");
    }
    // A name of invisible characters only is no name (a Hangul filler is a letter to Unicode).
    for name in ["\u{200B}\u{200B}", "\u{3164}", "\u{FEFF}\u{115F}"] {
        let r = search(&app, json!({"name": name})).await;
        assert_eq!(r.status, 400, "{name:?}: {}", r.text);
        assert_eq!(r.json()["errors"][0]["field"], "name");
    }
}

#[tokio::test]
async fn invisible_characters_do_not_hide_a_listed_candidate_from_aml_check() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    // Several classes at once; each class alone is in the unit tests of both normalisers.
    let name = "Jo\u{200B}rge Mil\u{00AD}ton Cifu\u{FE0F}entes Vi\u{E0061}l\u{3164}la\u{202E}";
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["aml_check"], "candidates": [{"name": name, "dob": "1965-05-13"}]}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let case_id = created.json()["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let report = eventually(30, || async {
        let r = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (r["data"]["status"] != "in_progress").then_some(r)
    })
    .await;
    let check = &report["data"]["checks"][0];
    assert_eq!(check["result"], "discrepancy", "{check}");
    assert_eq!(check["entries"][0]["entity_id"], "100", "{check}");
}

#[tokio::test]
async fn control_characters_in_screening_fields_and_watchman_parameters_are_refused_uncharged() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    for (body, field) in [
        (json!({"name": "\u{0}"}), "name"),
        (json!({"name": "Jorge\u{0}Cifuentes"}), "name"),
        (json!({"name": "Jorge\u{1b}[31m Cifuentes"}), "name"),
        (json!({"name": "Jorge\nCifuentes"}), "name"),
        (json!({"name": "Jorge", "country": "CO\u{0}"}), "country"),
        (json!({"name": "Jorge", "country": "C\u{7f}O"}), "country"),
        (json!({"name": "Jorge", "dob": "19\u{85}65"}), "dob"),
        (
            json!({"name": "Jorge", "entity_type": "person\u{0}"}),
            "entity_type",
        ),
    ] {
        let r = search(&app, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let json = r.json();
        assert_eq!(
            json["message"],
            format!("{field} must not contain control characters."),
            "{body}"
        );
        assert_eq!(json["errors"][0]["field"], field);
        assert_eq!(json["credits_used"], 0);
    }
    for (query, error) in [
        ("name=%00", "name must not contain control characters"),
        (
            "name=Jorge%00Villa",
            "name must not contain control characters",
        ),
        (
            "name=Jorge&birthDate=19%0A65",
            "birthDate must not contain control characters",
        ),
        (
            "name=Jorge&type=person%01",
            "type must not contain control characters",
        ),
        (
            "gov_passport=%00",
            "gov_passport must not contain control characters",
        ),
        (
            "name=Jorge&altNames=%7F",
            "altNames must not contain control characters",
        ),
        (
            "name=Jorge&gov_%00=1",
            "query parameter names must be at most 64 characters, without control characters",
        ),
    ] {
        for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
            let r = app
                .send(
                    app.http
                        .request(method.clone(), app.url(&format!("/v2/search?{query}")))
                        .bearer_auth(&app.key),
                )
                .await;
            assert_eq!(r.status, 400, "{method} {query}: {}", r.text);
            if method == reqwest::Method::GET {
                assert_eq!(r.json(), json!({"error": error}), "{query}");
            }
        }
    }
    charged_nothing(&app, &app.org_id, 1000).await;
}

#[tokio::test]
async fn head_v2_search_answers_like_get_without_searching_or_charging() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    let head =
        |path: &str, key: &str| app.send(app.http.head(app.url(path)).bearer_auth(key.to_string()));
    for _ in 0..3 {
        let r = head("/v2/search?name=Jorge%20Cifuentes%20Villa", &app.key).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["access-control-allow-origin"], "*");
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(r.headers["x-credits-remaining"], "1000");
        assert!(r.text.is_empty());
    }
    charged_nothing(&app, &app.org_id, 1000).await;
    // The failures a GET would give, in the same statuses.
    assert_eq!(head("/v2/search", &app.key).await.status, 400);
    assert_eq!(
        head("/v2/search?name=x&minMatch=2", &app.key).await.status,
        400
    );
    assert_eq!(
        head("/v2/search?name=x&colour=red", &app.key).await.status,
        400
    );
    assert_eq!(
        head("/v2/search?name=x", "sat_test_unknown").await.status,
        401
    );
    let (broke_org, broke) = create_org(&app.store, "Broke", 0).await;
    assert_eq!(head("/v2/search?name=x", &broke).await.status, 402);
    assert_eq!(app.get_as("/v2/search?name=x", &broke).await.status, 402);
    charged_nothing(&app, &broke_org, 0).await;
    // A GET still searches and is charged.
    let r = app.get("/v2/search?name=Jorge%20Cifuentes%20Villa").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["x-credits-remaining"], "999");
    assert_eq!(app.balance().await, 999);
}

#[tokio::test]
async fn impossible_dates_are_refused_uncharged_in_both_searches() {
    let app = spawn().await;
    let v1 = import(&app, "ofac", None, SDN_V1).await;
    serving(&app, v1["id"].as_str().unwrap()).await;
    for dob in [
        "1999-02-30",
        "1999-02-29",
        "1999-13-40",
        "1999-13",
        "1999-00",
        "1999-04-31",
        "31/02/1999",
        "30 Feb 1999",
    ] {
        let r = search(&app, json!({"name": "Jorge Cifuentes", "dob": dob})).await;
        assert_eq!(r.status, 400, "{dob}: {}", r.text);
        let json = r.json();
        assert_eq!(json["errors"][0]["field"], "dob", "{dob}");
        assert_eq!(
            json["message"],
            "dob must be a date: YYYY-MM-DD, YYYY-MM or YYYY."
        );
        assert_eq!(json["credits_used"], 0);
    }
    for date in [
        "1999-02-30",
        "1999-02-29",
        "1999-13-40",
        "1999-13",
        "1999-00",
        "1999-04-31",
    ] {
        let r = app
            .get(&format!("/v2/search?name=Jorge&birthDate={date}"))
            .await;
        assert_eq!(r.status, 400, "{date}: {}", r.text);
        assert_eq!(
            r.json(),
            json!({"error": "birthDate must be YYYY-MM-DD, YYYY-MM or YYYY"})
        );
    }
    charged_nothing(&app, &app.org_id, 1000).await;
    // Real dates, partial ones included, are read and echoed as given.
    let r = search(
        &app,
        json!({"name": "Jorge Cifuentes", "dob": "2000-02-29"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["data"]["query"]["dob"], "2000-02-29");
    let r = search(&app, json!({"name": "Jorge Cifuentes", "dob": "1965-05"})).await;
    assert_eq!(r.json()["data"]["query"]["dob"], "1965-05");
    let r = app
        .get("/v2/search?name=Jorge&type=person&birthDate=1965-05")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["query"]["person"]["birthDate"],
        "1965-05-01T00:00:00Z"
    );
}
