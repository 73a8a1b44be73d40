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

/// Authentication holds active keys in memory, yet a key changed by another process (here a
/// second connection to the database, as `satyapan admin key …` would be) is refused on the very
/// next request, on both backends: a cached key is trusted only on a read of the keys' generation
/// that began after the change committed. The cache's own expiry is an hour here, so nothing else
/// could drop an entry; twenty rounds leave no room for a change heard late.
#[tokio::test]
async fn a_key_changed_by_another_process_is_refused_on_the_next_request() {
    let app = TestApp::spawn_with(|c| c.api_key_cache_secs = 3600).await;
    let header = format!("Bearer {}", app.key);
    let other = satyapan::store::Store::connect(&app.database_url, 2)
        .await
        .unwrap();
    let key_id = other
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    let inactive = r#"{"status":"error","code":403,"message":"Token is Inactive, Contact Support.","data":null}"#;
    for round in 0..20 {
        // Held in the cache from here on.
        assert_eq!(
            with_header(&app, Some(&header)).await.0,
            200,
            "round {round}"
        );
        assert_eq!(
            with_header(&app, Some(&header)).await.0,
            200,
            "round {round}"
        );
        other
            .set_key_state(&key_id, KeyState::Inactive)
            .await
            .unwrap()
            .expect("deactivated");
        assert_eq!(
            with_header(&app, Some(&header)).await,
            (403, inactive.to_string()),
            "round {round}"
        );
        other
            .set_key_state(&key_id, KeyState::Active)
            .await
            .unwrap()
            .expect("activated");
    }
    assert_eq!(with_header(&app, Some(&header)).await.0, 200);
    other
        .set_key_state(&key_id, KeyState::Revoked)
        .await
        .unwrap()
        .expect("revoked");
    let revoked = r#"{"status":"error","code":403,"message":"Token access has been Revoked, Contact Support.","data":null}"#;
    assert_eq!(
        with_header(&app, Some(&header)).await,
        (403, revoked.to_string())
    );
    other.close().await;
}

/// A process that runs no background read of the key generation (a store as the CLI opens it,
/// with its cache turned on) reads the generation itself and sees a change made elsewhere too.
#[tokio::test]
async fn a_process_without_the_background_read_sees_a_change_too() {
    let app = TestApp::spawn().await;
    let other = satyapan::store::Store::connect(&app.database_url, 2)
        .await
        .unwrap();
    other.set_key_cache_ttl(std::time::Duration::from_secs(3600));
    let hash = satyapan::domain::api_keys::hash_key(&app.key);
    for _ in 0..2 {
        let key = other.authenticate_key(&hash).await.unwrap().unwrap();
        assert_eq!(key.key_state, KeyState::Active);
    }
    let key_id = other.authenticate_key(&hash).await.unwrap().unwrap().key_id;
    app.store
        .set_key_state(&key_id, KeyState::Inactive)
        .await
        .unwrap()
        .expect("deactivated");
    let key = other.authenticate_key(&hash).await.unwrap().unwrap();
    assert_eq!(key.key_state, KeyState::Inactive);
    other.close().await;
}
