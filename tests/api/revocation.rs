//! Revocation ends what it revokes at once: a spent refresh token used again ends its family's
//! access tokens too, and an owner revokes the organisation's API keys through the API.

use serde_json::{Value, json};

use crate::anycheck_client::{Client, create_user, owner, tokens};
use crate::helpers::{TestApp, TestResponse, create_org};

fn assert_error(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    assert_eq!(response.json()["error_code"], code, "{}", response.text);
}

async fn refresh(app: &TestApp, token: &str) -> TestResponse {
    Client::anonymous(app)
        .post("/auth/refresh", &json!({"refresh_token": token}))
        .await
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_ends_the_familys_access_tokens() {
    let app = TestApp::spawn().await;
    create_user(&app, &app.org_id, "ana@acme.test", "owner", &[]).await;
    let first = tokens(&app, "ana@acme.test").await;
    // Another login of the same user: another family, left alone.
    let elsewhere = tokens(&app, "ana@acme.test").await;
    let rotated = refresh(&app, &first.refresh).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let second_access = rotated.json()["access_token"].as_str().unwrap().to_string();
    for token in [&first.access, &second_access, &elsewhere.access] {
        let profile = Client::with_token(&app, token).get("/profile").await;
        assert_eq!(profile.status, 200, "{}", profile.text);
    }

    // The spent token again: the family is revoked, and so is every access token it issued,
    // from the very next request.
    assert_error(&refresh(&app, &first.refresh).await, 401, "INVALID_TOKEN");
    for token in [&first.access, &second_access] {
        let profile = Client::with_token(&app, token).get("/profile").await;
        assert_error(&profile, 401, "INVALID_TOKEN");
        let folders = Client::with_token(&app, token)
            .post("/folders", &json!({"name": "After the theft"}))
            .await;
        assert_error(&folders, 401, "INVALID_TOKEN");
    }
    let profile = Client::with_token(&app, &elsewhere.access)
        .get("/profile")
        .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_eq!(refresh(&app, &elsewhere.refresh).await.status, 200);
}

fn key_json(body: &Value, id: &str) -> Value {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no key {id} in {body}"))
}

#[tokio::test]
async fn an_owner_lists_and_revokes_the_organisations_keys() {
    let app = TestApp::spawn().await;
    let key_id = app
        .store
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    let owner = owner(&app).await;
    let listed = owner.get("/api-keys").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let listed = listed.json();
    assert_eq!(listed["total"], 1, "{listed}");
    let key = key_json(&listed, &key_id);
    assert_eq!(key["state"], "active");
    assert_eq!(key["prefix"], &app.key[..13]);
    assert!(key["created_at"].is_string(), "{key}");
    assert_eq!(key.as_object().unwrap().len(), 4, "{key}");

    // Being used, the key is held in the server's cache.
    assert_eq!(app.get("/api/v2/credits/transactions").await.status, 200);
    assert_eq!(app.get("/api/v2/credits/transactions").await.status, 200);

    // Only a signed-in owner: not an API key (not even the key itself), not a group user.
    let path = format!("/api-keys/{key_id}/revoke");
    let by_key = Client::with_key(&app, &app.key)
        .post(&path, &json!({}))
        .await;
    assert_error(&by_key, 403, "FORBIDDEN");
    assert_error(
        &Client::with_key(&app, &app.key).get("/api-keys").await,
        403,
        "FORBIDDEN",
    );
    create_user(&app, &app.org_id, "gu@acme.test", "group_user", &["Ops"]).await;
    let group_user = Client::with_token(&app, &tokens(&app, "gu@acme.test").await.access);
    assert_error(&group_user.post(&path, &json!({})).await, 403, "FORBIDDEN");
    assert_error(&group_user.get("/api-keys").await, 403, "FORBIDDEN");

    // Another tenant's key is not found, nor is an unknown one; a malformed id is INVALID_ID.
    let (_, other_key) = create_org(&app.store, "Other Co", 10).await;
    let other_id = app
        .store
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&other_key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    let foreign = owner
        .post(&format!("/api-keys/{other_id}/revoke"), &json!({}))
        .await;
    assert_error(&foreign, 404, "NOT_FOUND");
    assert_eq!(
        app.get_as("/api/v2/credits/transactions", &other_key)
            .await
            .status,
        200,
        "the other tenant's key still works"
    );
    let unknown = owner
        .post(
            &format!("/api-keys/{}/revoke", uuid::Uuid::new_v4()),
            &json!({}),
        )
        .await;
    assert_error(&unknown, 404, "NOT_FOUND");
    assert_error(
        &owner.post("/api-keys/not-a-key/revoke", &json!({})).await,
        400,
        "INVALID_ID",
    );

    // Revoked: refused from the next request, and listed so. Revoking again changes nothing.
    let revoked = owner.post(&path, &json!({})).await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.json()["id"], key_id.as_str());
    assert_eq!(revoked.json()["state"], "revoked");
    let refused = app.get("/api/v2/credits/transactions").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        refused.json()["message"],
        "Token access has been Revoked, Contact Support."
    );
    let again = owner.post(&path, &json!({})).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json()["state"], "revoked");
    let listed = owner.get("/api-keys").await.json();
    assert_eq!(key_json(&listed, &key_id)["state"], "revoked");
}
