//! A check type pointed at a real upstream (a local HTTP server) goes through the same engine:
//! the upstream's record is decided, its name shown as the source, its "no record" respected.

use figment::providers::Format;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{TestApp, eventually};
use satyapan::providers::http::HttpConnectorConfig;

fn connector(upstream: &str) -> HttpConnectorConfig {
    let toml = format!(
        r#"
        url = "{upstream}/v1/pan/verify"
        source_name = "Acme PAN registry"
        [headers]
        Authorization = "Bearer upstream-secret"
        [request]
        pan = "{{pan}}"
        name = "{{name}}"
        [response]
        not_found_status = [404]
        [response.fields]
        name = "/data/registered_name"
        dob = "/data/dob"
        id_number = "/data/pan"
        status = "/data/status"
        "#
    );
    figment::Figment::from(figment::providers::Toml::string(&toml))
        .extract()
        .unwrap()
}

#[tokio::test]
async fn a_configured_connector_decides_the_check() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/pan/verify"))
        .and(header("authorization", "Bearer upstream-secret"))
        .and(body_partial_json(json!({"pan": "ABCPE1234F"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "registered_name": "PATEL VIVEK", "dob": "2001-01-08", "pan": "ABCPE1234F", "status": "Valid"}})))
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/pan/verify"))
        .and(body_partial_json(json!({"pan": "ABCPN9999K"})))
        .respond_with(ResponseTemplate::new(404))
        .mount(&upstream)
        .await;
    let uri = upstream.uri();
    let app = TestApp::spawn_with(move |c| {
        c.connectors.insert("identity_pan".into(), connector(&uri));
    })
    .await;
    let submitted = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["identity_pan"], "candidates": [
                {"name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F"},
                {"name": "Nobody Known", "dob": "01-01-1990", "pan": "ABCPN9999K"}]}),
        )
        .await
        .json();
    let report = |i: usize| {
        let case_id = submitted["data"]["cases_created"][i]["case_id"]
            .as_str()
            .unwrap()
            .to_string();
        let app = &app;
        async move {
            eventually(20, || async {
                let r = app
                    .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
                    .await
                    .json();
                (r["data"]["status"] != "in_progress").then_some(r)
            })
            .await
        }
    };
    let found = report(0).await;
    let check = &found["data"]["checks"][0];
    assert_eq!(check["result"], "clear", "{}", check["remark"]);
    assert_eq!(
        check["fields"][0],
        json!({"label": "Name", "value": "PATEL VIVEK"})
    );
    let missing = report(1).await;
    assert_eq!(missing["data"]["checks"][0]["result"], "not_available");
    assert!(
        missing["data"]["checks"][0]["remark"]
            .as_str()
            .unwrap()
            .contains("Acme PAN registry")
    );
}
