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

#[tokio::test]
async fn uploads_are_recognised_by_content_and_served_to_their_tenant() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let pdf = satyapan::files::kind::blank_pdf(3);
    let response = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[
                Part {
                    name: "ktp.jpg",
                    content_type: "image/jpeg",
                    bytes: jpeg("name=Siti Rahayu"),
                },
                // Declared as a PDF, named .pdf, but a PNG: the content decides.
                Part {
                    name: "selfie.pdf",
                    content_type: "application/pdf",
                    bytes: png("selfie"),
                },
                Part {
                    name: "statement.pdf",
                    content_type: "application/octet-stream",
                    bytes: pdf.clone(),
                },
            ],
            &[],
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    let body = response.json();
    assert_eq!(body["file_category"], "VERIFICATION_INPUT_FILE");
    assert!(uuid::Uuid::parse_str(body["object_id"].as_str().unwrap()).is_ok());
    let files = body["files"].as_array().unwrap();
    let pages: Vec<i64> = files
        .iter()
        .map(|f| f["page_count"].as_i64().unwrap())
        .collect();
    assert_eq!(pages, [1, 1, 3]);
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths[0].starts_with("/uploads/") && paths[0].ends_with(".jpg"));
    assert!(paths[1].ends_with(".png") && paths[2].ends_with(".pdf"));

    // The signed link works without credentials; an altered one does not.
    let url = files[2]["url"].as_str().unwrap();
    let fetched = app.http.get(url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "application/pdf");
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), pdf);
    let altered = app
        .send(app.http.get(url.replace("signature=", "signature=0")))
        .await;
    assert_error(&altered, 403, "FORBIDDEN");

    // Without a signature: the tenant only.
    let link = format!("/files{}", paths[0]);
    assert_eq!(client.get(&link).await.status, 200);
    assert_error(
        &Client::anonymous(&app).get(&link).await,
        401,
        "UNAUTHORIZED",
    );
    let (_, other_key) = create_org(&app.store, "Globex", 100).await;
    assert_error(
        &Client::with_key(&app, &other_key).get(&link).await,
        404,
        "NOT_FOUND",
    );

    // A text file named .png and declared image/png is refused.
    let text = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[Part {
                name: "ktp.png",
                content_type: "image/png",
                bytes: b"just some text, not an image".to_vec(),
            }],
            &[],
        )
        .await;
    let body = assert_error(&text, 400, "INVALID_VALUE");
    assert_eq!(body["errors"][0]["field"], "files[0]");
    let garbage_pdf = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[Part {
                name: "x.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4\nnot really".to_vec(),
            }],
            &[],
        )
        .await;
    assert_error(&garbage_pdf, 400, "INVALID_VALUE");

    // 20 MB is over the 10 MB limit.
    let mut big = jpeg("");
    big.resize(20 * 1024 * 1024, 0);
    let too_big = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[Part {
                name: "big.jpg",
                content_type: "image/jpeg",
                bytes: big,
            }],
            &[],
        )
        .await;
    let body = assert_error(&too_big, 413, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "files[0]");

    let no_category = client
        .upload(
            "",
            &[Part {
                name: "a.jpg",
                content_type: "image/jpeg",
                bytes: jpeg(""),
            }],
            &[],
        )
        .await;
    assert_error(&no_category, 400, "INVALID_REQUEST");
    let not_multipart = client.post("/uploads", &json!({})).await;
    assert_error(&not_multipart, 400, "INVALID_REQUEST");
}

#[tokio::test]
async fn folders_belong_to_groups_and_group_users_see_only_theirs() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let first = client.folder("KYC Q1").await;
    assert_eq!(first["group"]["name"], "Default");
    assert_eq!(first["is_starred"], false);
    assert_eq!(first["total_service"], 0);
    assert_eq!(first["total_result"], 0);
    for key in ["created_at", "created_by", "updated_at", "updated_by"] {
        assert!(first[key].is_string(), "{key}");
    }
    let group_id = first["group"]["id"].as_str().unwrap().to_string();
    client.folder("KYC Q2").await;
    client.folder("Onboarding 100%").await;
    let duplicate = client.post("/folders", &json!({"name": "KYC Q1"})).await;
    assert_error(&duplicate, 400, "ALREADY_EXISTS");
    assert_error(
        &client.post("/folders", &json!({"name": "  "})).await,
        400,
        "INVALID_VALUE",
    );
    assert_error(
        &client.post("/folders", &json!({})).await,
        400,
        "INVALID_REQUEST",
    );

    let page = client
        .get(&format!("/groups/{group_id}/folders?page_size=2"))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let page = page.json();
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let rest = client
        .get(&format!(
            "/groups/{group_id}/folders?page_size=2&page_offset=2"
        ))
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    let found = client
        .get(&format!("/groups/{group_id}/folders?search=q1"))
        .await
        .json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "KYC Q1");
    // `%` is a character to find, not a wildcard.
    let percent = client
        .get(&format!("/groups/{group_id}/folders?search=%25"))
        .await
        .json();
    assert_eq!(percent["total"], 1);
    assert_error(
        &client
            .get(&format!("/groups/{group_id}/folders?page_size=101"))
            .await,
        400,
        "INVALID_VALUE",
    );
    assert_error(&client.get("/groups/nope/folders").await, 400, "INVALID_ID");

    // A group user works in its own group only.
    create_user(
        &app,
        &app.org_id,
        "field@acme.test",
        "group_user",
        &["Field Team"],
    )
    .await;
    let field = Client::with_token(&app, &tokens(&app, "field@acme.test").await.access);
    let own = field.folder("Site visits").await;
    assert_eq!(own["group"]["name"], "Field Team");
    let own_group = own["group"]["id"].as_str().unwrap();
    assert_eq!(
        field
            .get(&format!("/groups/{own_group}/folders"))
            .await
            .json()["total"],
        1
    );
    assert_error(
        &field.get(&format!("/groups/{group_id}/folders")).await,
        403,
        "FORBIDDEN",
    );
    // The owner sees the group user's group too.
    assert_eq!(
        client
            .get(&format!("/groups/{own_group}/folders"))
            .await
            .status,
        200
    );

    // Another tenant's group is not found.
    let (_, other_key) = create_org(&app.store, "Globex", 100).await;
    assert_error(
        &Client::with_key(&app, &other_key)
            .get(&format!("/groups/{group_id}/folders"))
            .await,
        404,
        "NOT_FOUND",
    );
}
