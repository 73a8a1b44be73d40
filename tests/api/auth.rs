//! The documented 401/403 bodies, byte for byte, through the real server.

use crate::helpers::TestApp;
use satyapan::domain::api_keys::KeyState;

const PATH: &str = "/api/v2/credits/transactions";

async fn with_header(app: &TestApp, value: Option<&str>) -> (u16, String) {
    let mut request = app.http.get(app.url(PATH));
    if let Some(value) = value {
        request = request.header("Authorization", value);
    }
    let response = app.send(request).await;
    (response.status, response.text)
}

#[tokio::test]
async fn missing_or_empty_token() {
    let app = TestApp::spawn().await;
    let expected = r#"{"status":"error","code":401,"message":"Bearer token is missing or invalid.","data":null}"#;
    for header in [None, Some(""), Some("Bearer"), Some("Bearer   ")] {
        assert_eq!(
            with_header(&app, header).await,
            (401, expected.to_string()),
            "{header:?}"
        );
    }
}

#[tokio::test]
async fn malformed_header() {
    let app = TestApp::spawn().await;
    let expected =
        r#"{"status":"error","code":401,"message":"Token format is incorrect","data":null}"#;
    for header in ["Token abc", "abc", "Basic dXNlcjpwYXNz", "Bearer a b"] {
        assert_eq!(
            with_header(&app, Some(header)).await,
            (401, expected.to_string()),
            "{header}"
        );
    }
}

#[tokio::test]
async fn unknown_key() {
    let app = TestApp::spawn().await;
    let expected = r#"{"status":"error","code":401,"message":"Invalid API key (organization ID)","data":null}"#;
    let bogus = format!("{}x", app.key);
    assert_eq!(
        with_header(&app, Some(&format!("Bearer {bogus}"))).await,
        (401, expected.to_string())
    );
}

#[tokio::test]
async fn inactive_then_active_then_revoked() {
    let app = TestApp::spawn().await;
    let key_id = app
        .store
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    let header = format!("Bearer {}", app.key);

    app.store
        .set_key_state(&key_id, KeyState::Inactive)
        .await
        .unwrap();
    assert_eq!(
        with_header(&app, Some(&header)).await,
        (
            403,
            r#"{"status":"error","code":403,"message":"Token is Inactive, Contact Support.","data":null}"#
                .to_string()
        )
    );

    app.store
        .set_key_state(&key_id, KeyState::Active)
        .await
        .unwrap();
    assert_eq!(with_header(&app, Some(&header)).await.0, 200);

    app.store
        .set_key_state(&key_id, KeyState::Revoked)
        .await
        .unwrap();
    let revoked = (
        403,
        r#"{"status":"error","code":403,"message":"Token access has been Revoked, Contact Support.","data":null}"#
            .to_string(),
    );
    assert_eq!(with_header(&app, Some(&header)).await, revoked);
    // Revocation is final.
    assert!(
        app.store
            .set_key_state(&key_id, KeyState::Active)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(with_header(&app, Some(&header)).await, revoked);
}
