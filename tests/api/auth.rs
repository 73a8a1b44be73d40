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

/// Authentication holds active keys in memory; a key revoked by another process (here a second
/// connection to the database, as `satyapan admin key revoke` would be) is still refused: on
/// PostgreSQL at once by `NOTIFY` — the cache's own expiry is set to an hour there, so nothing
/// else could drop the entry — and on SQLite when the entry expires (one second here).
#[tokio::test]
async fn a_key_revoked_by_another_process_is_refused() {
    let postgres = std::env::var("SATYAPAN_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    let app = TestApp::spawn_with(|c| c.api_key_cache_secs = if postgres { 3600 } else { 1 }).await;
    let header = format!("Bearer {}", app.key);
    // Held in the cache from here on.
    assert_eq!(with_header(&app, Some(&header)).await.0, 200);
    assert_eq!(with_header(&app, Some(&header)).await.0, 200);

    let other = satyapan::store::Store::connect(&app.database_url, 2)
        .await
        .unwrap();
    let key_id = other
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    other
        .set_key_state(&key_id, KeyState::Revoked)
        .await
        .unwrap()
        .expect("revoked");
    let revoked = r#"{"status":"error","code":403,"message":"Token access has been Revoked, Contact Support.","data":null}"#;
    crate::helpers::eventually(30, || async {
        let answer = with_header(&app, Some(&header)).await;
        (answer.0 == 403).then_some(answer)
    })
    .await;
    assert_eq!(
        with_header(&app, Some(&header)).await,
        (403, revoked.to_string())
    );
    other.close().await;
}
