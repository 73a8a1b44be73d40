//! The AnyCheck surface: sessions, errors, services, uploads, folders, verifications, webhooks,
//! exports — on both backends.

use serde_json::{Value, json};

use crate::anycheck_client::{
    Client, PASSWORD, Part, create_user, jpeg, login, owner, png, tokens,
};
use crate::helpers::{TestApp, create_org};

/// Asserts the AnyCheck error body: exactly `{error_code, message, errors}`.
fn assert_error(response: &crate::helpers::TestResponse, status: u16, code: &str) -> Value {
    assert_eq!(response.status, status, "{}", response.text);
    let body = response.json();
    assert_eq!(body["error_code"], code, "{}", response.text);
    assert!(body["message"].is_string());
    assert!(body["errors"].is_array());
    assert_eq!(body.as_object().unwrap().len(), 3, "{}", response.text);
    body
}

#[tokio::test]
async fn login_refresh_rotation_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    create_user(&app, &app.org_id, "ana@acme.test", "owner", &[]).await;
    let wrong = login(&app, "ana@acme.test", "not the password").await;
    assert_error(&wrong, 401, "INVALID_CREDENTIALS");
    let unknown = login(&app, "nobody@acme.test", PASSWORD).await;
    assert_error(&unknown, 401, "INVALID_CREDENTIALS");
    let missing = Client::anonymous(&app)
        .post("/auth/login", &json!({"email": "ana@acme.test"}))
        .await;
    let body = assert_error(&missing, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "password");

    let response = login(&app, "ANA@acme.test", PASSWORD).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["expires_in"], 3600);
    let first = tokens(&app, "ana@acme.test").await;
    let profile = Client::with_token(&app, &first.access)
        .get("/profile")
        .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    let profile = profile.json();
    assert_eq!(profile["email"], "ana@acme.test");
    assert_eq!(profile["role"], "owner");
    assert_eq!(profile["organization"]["id"], app.org_id.as_str());
    assert_eq!(profile["organization"]["credit_balance"], 1000);

    // A refresh token is not an access token, and the other way round.
    let wrong_kind = Client::with_token(&app, &first.refresh)
        .get("/profile")
        .await;
    assert_error(&wrong_kind, 401, "INVALID_TOKEN");

    // Rotation: a new pair; the old refresh token is spent.
    let rotated = Client::anonymous(&app)
        .post("/auth/refresh", &json!({"refresh_token": first.refresh}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let second_refresh = rotated.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(second_refresh, first.refresh);
    let second_access = rotated.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        Client::with_token(&app, &second_access)
            .get("/profile")
            .await
            .status,
        200
    );

    // Reuse of the spent token is refused and revokes the whole family: the rotated token
    // (the legitimate one) stops working too.
    let reuse = Client::anonymous(&app)
        .post("/auth/refresh", &json!({"refresh_token": first.refresh}))
        .await;
    assert_error(&reuse, 401, "INVALID_TOKEN");
    let after = Client::anonymous(&app)
        .post("/auth/refresh", &json!({"refresh_token": second_refresh}))
        .await;
    assert_error(&after, 401, "INVALID_TOKEN");

    // Another login is a new family and works.
    let again = tokens(&app, "ana@acme.test").await;
    let ok = Client::anonymous(&app)
        .post("/auth/refresh", &json!({"refresh_token": again.refresh}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);

    let methods = Client::anonymous(&app).get("/auth/methods").await.json();
    assert_eq!(methods["PASSWORD"]["enabled"], true);
    assert_eq!(methods["ENTRA"]["enabled"], false);
    assert_eq!(methods["LDAP"]["enabled"], false);
}

#[tokio::test]
async fn expired_and_tampered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let user_id = create_user(&app, &app.org_id, "ana@acme.test", "owner", &[]).await;
    let key = app
        .store
        .setting_or_init("jwt_signing_key", "unused")
        .await
        .unwrap();
    let signer = satyapan::app::auth::Tokens::new(key.as_bytes());
    let now = chrono::Utc::now().timestamp();
    let claims = |iat: i64, exp: i64| satyapan::app::auth::Claims {
        sub: user_id.clone(),
        org: app.org_id.clone(),
        typ: "access".into(),
        jti: uuid::Uuid::new_v4().to_string(),
        fam: None,
        iat,
        exp,
        iss: "satyapan".into(),
    };
    let expired = signer.sign(&claims(now - 7200, now - 3600)).unwrap();
    assert_error(
        &Client::with_token(&app, &expired).get("/profile").await,
        401,
        "TOKEN_EXPIRED",
    );
    let valid = signer.sign(&claims(now, now + 600)).unwrap();
    assert_eq!(
        Client::with_token(&app, &valid)
            .get("/profile")
            .await
            .status,
        200
    );
    // Change one character of the payload: the signature no longer matches.
    let mut parts: Vec<String> = valid.split('.').map(str::to_string).collect();
    let mut payload: Vec<char> = parts[1].chars().collect();
    payload[5] = if payload[5] == 'A' { 'B' } else { 'A' };
    parts[1] = payload.into_iter().collect();
    let tampered = parts.join(".");
    assert_error(
        &Client::with_token(&app, &tampered).get("/profile").await,
        401,
        "INVALID_TOKEN",
    );
    // Signed with another key.
    let forged = satyapan::app::auth::Tokens::new(b"another key")
        .sign(&claims(now, now + 600))
        .unwrap();
    assert_error(
        &Client::with_token(&app, &forged).get("/profile").await,
        401,
        "INVALID_TOKEN",
    );
    assert_error(
        &Client::with_token(&app, "not.a.jwt").get("/profile").await,
        401,
        "INVALID_TOKEN",
    );
    assert_error(
        &Client::anonymous(&app).get("/profile").await,
        401,
        "UNAUTHORIZED",
    );
}

#[tokio::test]
async fn a_disabled_user_is_refused() {
    let app = TestApp::spawn().await;
    create_user(&app, &app.org_id, "ana@acme.test", "owner", &[]).await;
    let session = tokens(&app, "ana@acme.test").await;
    satyapan::cli::admin::execute(
        &app.store,
        satyapan::cli::admin::AdminCommand::User {
            command: satyapan::cli::admin::UserCommand::Disable {
                email: "ana@acme.test".into(),
            },
        },
    )
    .await
    .unwrap();
    // The token already issued stops working, and so do its refresh token and a new login.
    assert_error(
        &Client::with_token(&app, &session.access)
            .get("/profile")
            .await,
        403,
        "FORBIDDEN",
    );
    assert_error(
        &Client::anonymous(&app)
            .post("/auth/refresh", &json!({"refresh_token": session.refresh}))
            .await,
        401,
        "INVALID_TOKEN",
    );
    assert_error(
        &login(&app, "ana@acme.test", PASSWORD).await,
        403,
        "FORBIDDEN",
    );
    // A wrong password says nothing about the account.
    assert_error(
        &login(&app, "ana@acme.test", "wrong password").await,
        401,
        "INVALID_CREDENTIALS",
    );
}

#[tokio::test]
async fn logins_are_rate_limited_per_account() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    create_user(&app, &app.org_id, "ana@acme.test", "owner", &[]).await;
    for _ in 0..3 {
        assert_error(
            &login(&app, "ana@acme.test", "wrong password").await,
            401,
            "INVALID_CREDENTIALS",
        );
    }
    let limited = login(&app, "ana@acme.test", PASSWORD).await;
    assert_error(&limited, 429, "QUOTA_EXCEEDED");
    assert_eq!(limited.headers["x-ratelimit-limit"], "3");
    assert_eq!(limited.headers["x-ratelimit-remaining"], "0");
    let reset: i64 = limited.headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > chrono::Utc::now().timestamp() - 1);
    // Another account from the same address is not locked out.
    create_user(&app, &app.org_id, "ben@acme.test", "owner", &[]).await;
    assert_eq!(login(&app, "ben@acme.test", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn api_keys_authenticate_server_to_server_clients() {
    let app = TestApp::spawn().await;
    let client = Client::with_key(&app, &app.key);
    let profile = client.get("/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_eq!(profile.json()["auth_type"], "API_KEY");
    assert_eq!(profile.json()["organization"]["id"], app.org_id.as_str());
    // The key as a bearer token works too.
    assert_eq!(
        Client::with_token(&app, &app.key)
            .get("/profile")
            .await
            .status,
        200
    );
    assert_error(
        &Client::with_key(&app, "sat_test_nope")
            .get("/profile")
            .await,
        401,
        "INVALID_API_KEY",
    );
    let key_id = app
        .store
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    app.store
        .set_key_state(&key_id, satyapan::domain::api_keys::KeyState::Revoked)
        .await
        .unwrap();
    assert_error(&client.get("/profile").await, 401, "API_KEY_EXPIRED");
}

#[tokio::test]
async fn every_answer_on_anycheck_paths_uses_its_error_body() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    assert_error(&client.get("/no-such-thing").await, 404, "NOT_FOUND");
    let wrong_method = app.send(app.http.delete(app.url("/services"))).await;
    assert_error(&wrong_method, 405, "INVALID_REQUEST");
    let malformed = app
        .send(
            app.http
                .post(app.url("/auth/login"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_error(&malformed, 400, "INVALID_REQUEST");
    let too_large = app
        .send(
            app.http
                .post(app.url("/auth/login"))
                .header("content-type", "application/json")
                .body(vec![b' '; 11 * 1024 * 1024]),
        )
        .await;
    assert_error(&too_large, 413, "INVALID_REQUEST");
    assert_error(&client.get("/services/not-a-uuid").await, 400, "INVALID_ID");
    assert_error(
        &client
            .get("/services/00000000-0000-4000-8000-000000000000")
            .await,
        404,
        "NOT_FOUND",
    );
    // The KonnectNXT surface keeps its envelope.
    let api = app.get("/api/v9/nothing-here").await;
    assert_eq!(api.status, 404);
    assert_eq!(api.json()["status"], "error");
}

#[tokio::test]
async fn the_services_catalog() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let list = client.get("/services").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let list = list.json();
    assert_eq!(list["total"], 3);
    let items = list["items"].as_array().unwrap();
    let ktp = items
        .iter()
        .find(|s| s["code"] == "KTP_VERIFICATION")
        .unwrap();
    assert_eq!(ktp["name"], "KTP & PEP Verification");
    for key in [
        "id",
        "category",
        "code",
        "name",
        "description",
        "icon_file_url",
        "credit_cost_default",
        "action_type",
        "action_param",
        "is_enabled",
        "created_at",
        "updated_at",
    ] {
        assert!(ktp.get(key).is_some(), "{key}");
    }
    assert!(ktp["category"]["type"].is_string());
    assert!(ktp["credit_cost_default"].is_i64());
    let codes: Vec<&str> = items.iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"KTP_SELFIE") && codes.contains(&"PEP_SCREENING"));
    let one = client
        .get(&format!("/services/{}", ktp["id"].as_str().unwrap()))
        .await;
    assert_eq!(one.json(), *ktp);
}
