//! The AnyCheck surface: sessions, errors, services, uploads, folders, verifications, webhooks,
//! exports — on both backends.

use serde_json::{Value, json};

use crate::anycheck_client::{
    Client, PASSWORD, Part, create_user, jpeg, login, owner, png, tokens,
};
use crate::helpers::{TestApp, create_org};

/// Asserts the AnyCheck error body: exactly `{error_code, message, errors}`.
pub(crate) fn assert_error(
    response: &crate::helpers::TestResponse,
    status: u16,
    code: &str,
) -> Value {
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
    // The AnyCheck routes are in the OpenAPI document, with the X-API-Key scheme.
    let openapi = app
        .send(app.http.get(app.url("/openapi.json")))
        .await
        .json();
    for path in [
        "/auth/login",
        "/uploads",
        "/verifications",
        "/groups/{group_id}/folders",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path}");
    }
    assert!(openapi["components"]["securitySchemes"]["apiKey"].is_object());
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

/// A file with JPEG's magic that carries a page (HTML with a script) in a comment: it is a
/// JPEG to the server, and downloaded as one — `image/jpeg`, `attachment` named `.jpg` — by a
/// signed link, by the tenant, and under a path that names another extension.
#[tokio::test]
async fn a_jpeg_carrying_html_downloads_as_a_jpeg_that_cannot_render() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let page = "<html><body><script>alert(document.cookie)</script></body></html>";
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFE];
    bytes.extend_from_slice(&((page.len() + 2) as u16).to_be_bytes());
    bytes.extend_from_slice(page.as_bytes());
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    let uploaded = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[Part {
                name: "page.html",
                content_type: "text/html",
                bytes: bytes.clone(),
            }],
            &[],
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    let file = &uploaded.json()["files"][0];
    let path = file["path"].as_str().unwrap().to_string();
    let id = path
        .trim_start_matches("/uploads/")
        .trim_end_matches(".jpg")
        .to_string();
    let signed = app
        .http
        .get(file["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let mut answers = vec![signed.headers().clone()];
    assert_eq!(
        signed.bytes().await.unwrap().to_vec(),
        bytes,
        "served as uploaded"
    );
    for link in [format!("/files{path}"), format!("/files/uploads/{id}.html")] {
        let response = client.get(&link).await;
        assert_eq!(response.status, 200, "{link}: {}", response.text);
        answers.push(response.headers);
    }
    for headers in answers {
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(
            headers["content-disposition"],
            format!("attachment; filename=\"{id}.jpg\"").as_str()
        );
        crate::files::assert_downloads_without_rendering(&headers, &id);
    }
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

/// Seed 003's example response, read in place from `../shared/seeds/`.
fn seed_003() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seeds/003_1f8ff787af45fc82.txt");
    let text = std::fs::read_to_string(&path).expect("seed 003");
    let start = text.find("\n{\n").expect("example starts") + 1;
    let mut depth = 0;
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = start + i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    serde_json::from_str(&text[start..end]).expect("seed example is JSON")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of the seed's example is present with the example's type (recursively for the
/// service object); `nullable` fields may be null where they do not apply.
fn assert_seed_shape(item: &Value, nullable: &[&str]) {
    let seed = seed_003();
    let example = &seed["items"][0];
    for (key, expected) in example.as_object().unwrap() {
        let got = item
            .get(key)
            .unwrap_or_else(|| panic!("field {key} is missing: {item}"));
        if got.is_null() && nullable.contains(&key.as_str()) {
            continue;
        }
        assert_eq!(kind(got), kind(expected), "type of {key}: {got}");
        if let Value::Object(fields) = expected
            && key == "service"
        {
            for (sub, value) in fields {
                assert_eq!(kind(&got[sub]), kind(value), "service.{sub}");
            }
        }
    }
    for time in ["start_date", "end_date", "created_at", "updated_at"] {
        if let Some(text) = item[time].as_str() {
            assert!(
                chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'),
                "{time}: {text}"
            );
        }
    }
}

pub(crate) async fn service_id(client: &Client<'_>, code: &str) -> String {
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

/// Polls the group until no verification is waiting or running.
pub(crate) async fn finished_group(client: &Client<'_>, result_id: &str) -> Value {
    crate::helpers::eventually(60, || async {
        let list = client
            .get(&format!("/verifications?result_id={result_id}"))
            .await;
        assert_eq!(list.status, 200, "{}", list.text);
        let list = list.json();
        let done = list["items"].as_array().unwrap().iter().all(|i| {
            !matches!(
                i["status"].as_str().unwrap(),
                "IN_QUEUE" | "IN_PROGRESS" | "DRAFT"
            )
        });
        done.then_some(list)
    })
    .await
}

fn signature_valid(request: &wiremock::Request, secret: &str, max_age_secs: i64) -> bool {
    let Some(header) = request
        .headers
        .get("satyapan-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = Some(value.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    // Reject anything older than five minutes (replays).
    if (chrono::Utc::now().timestamp() - t).abs() > max_age_secs {
        return false;
    }
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(&request.body);
    satyapan::crypto::hmac_hex(secret.as_bytes(), &message) == v1
}

#[tokio::test]
async fn login_upload_submit_poll_and_every_seed_field() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;

    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let ktp = client
        .upload_one("ktp.jpg", jpeg("name=Siti Rahayu;birth_date=1990-05-17"))
        .await;
    let selfie = client.upload_one("selfie.jpg", jpeg("")).await;
    let folder = client.folder("Onboarding").await;
    let folder_id = folder["id"].as_str().unwrap();
    let selfie_service = service_id(&client, "KTP_SELFIE").await;
    let ktp_service = service_id(&client, "KTP_VERIFICATION").await;

    let first = client
        .post(
            "/verifications",
            &json!({
                "service_id": selfie_service,
                "folder_id": folder_id,
                "configuration": {
                    "verification_type": "KTP_SELFIE",
                    "files": {"ktp_file": [ktp], "selfie_file": [selfie]},
                    "fraud_detection": true,
                },
                "webhook_url": format!("{}/hooks", receiver.uri()),
                "webhook_metadata": {"webhook_secret": "whsec_test_1", "order": "A-17"},
            }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first = first.json();
    // As read just after it was queued: a worker may already have started it.
    assert!(
        matches!(first["status"].as_str(), Some("IN_QUEUE" | "IN_PROGRESS")),
        "{first}"
    );
    assert_eq!(first["credit_used"], 10);
    assert_eq!(first["total_files"], 2);
    assert_eq!(first["webhook_metadata"], json!({"order": "A-17"}));
    assert!(
        !first.to_string().contains("whsec_test_1"),
        "the secret is never shown"
    );
    let result_id = first["result_id"].as_str().unwrap().to_string();

    let second = client
        .post(
            "/verifications",
            &json!({
                "service_id": ktp_service,
                "folder_id": folder_id,
                "result_id": result_id,
                "configuration": {
                    "verification_type": "KTP_PEP",
                    "files": {"ktp_file": [ktp]},
                    "fraud_detection": false,
                },
                "webhook_url": format!("{}/hooks", receiver.uri()),
                "webhook_metadata": {},
            }),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.json()["result_id"], result_id.as_str());
    assert_eq!(app.balance().await, 1000 - 10 - 15);

    let list = finished_group(&client, &result_id).await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["overall_status"], "COMPLETED", "{list}");
    let items = list["items"].as_array().unwrap();
    let selfie_item = &items[0];
    let ktp_item = &items[1];
    assert_seed_shape(selfie_item, &[]);
    assert_seed_shape(ktp_item, &[]);
    assert!(selfie_item["api_key"].is_null());
    assert_eq!(selfie_item["service"]["name"], "KTP & Selfie Verification");
    assert_eq!(ktp_item["service"]["name"], "KTP & PEP Verification");

    // The KTP & selfie output carries the seed's face fields, filled by the sandbox.
    let output = &selfie_item["output"];
    assert_eq!(output["face_match_confidence_level"], "HIGH");
    assert!(output["face_match_confidence_score"].as_f64().unwrap() >= 80.0);
    assert_eq!(output["is_match_face"], true);
    assert_eq!(output["sandbox"], true);
    assert_eq!(output["ktp"]["name"], "SITI RAHAYU");
    assert_eq!(output["fraud_detection"]["is_fraud"], false);
    assert_eq!(selfie_item["output_status"], "VERIFIED");
    assert!(selfie_item["execution_time"].as_f64().unwrap() >= 0.0);
    assert_eq!(selfie_item["total_pages"], 2);
    let jobs = &selfie_item["external_job_id"];
    for key in ["ocr_job_id", "face_job_id", "fraud_job_id"] {
        let ids = jobs[key].as_array().unwrap();
        assert_eq!(ids.len(), 1, "{key}");
        let job = app
            .store
            .job(ids[0].as_str().unwrap())
            .await
            .unwrap()
            .expect("the job that ran");
        assert_eq!(job.status, satyapan::domain::jobs::JobState::Completed);
    }
    // KTP & PEP: card read, NIK registered, not a PEP.
    let output = &ktp_item["output"];
    assert_eq!(output["is_valid_nik"], true);
    assert_eq!(output["nik_check"]["is_registered"], true);
    assert_eq!(output["pep"]["is_pep"], false);
    assert_eq!(output["pep"]["screened_name"], "SITI RAHAYU");
    assert!(ktp_item["external_job_id"]["screening_job_id"].is_array());

    // The signed links work without credentials: inputs and the output file.
    let input = app
        .http
        .get(
            selfie_item["input_file_url"]["selfie_file"][0]
                .as_str()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(input.status(), 200);
    let output_response = app
        .http
        .get(selfie_item["output_file_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    crate::files::assert_downloads_without_rendering(output_response.headers(), "output-");
    let output_file: Value = output_response.json().await.unwrap();
    assert_eq!(output_file, selfie_item["output"]);
    let one = client
        .get(&format!(
            "/verifications/{}",
            selfie_item["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one.json()["id"], selfie_item["id"]);

    // The folder counts its services and result groups.
    let folders = client
        .get(&format!(
            "/groups/{}/folders",
            folder["group"]["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(folders["items"][0]["total_service"], 2);
    assert_eq!(folders["items"][0]["total_result"], 1);

    // The webhook: signed with the verification's secret, IN_PROGRESS then COMPLETED; the
    // KTP & PEP one has no secret and arrives unsigned.
    let received = crate::helpers::eventually(30, || async {
        let all = receiver.received_requests().await.unwrap_or_default();
        (all.len() >= 4).then_some(all)
    })
    .await;
    let mut signed_statuses = Vec::new();
    for request in &received {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["type"], "verification.status_changed");
        // The vendor's top-level fields: `event`, and `timestamp` in ISO 8601, UTC.
        assert_eq!(body["event"], "verification.status_changed");
        let timestamp = body["timestamp"].as_str().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(timestamp, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
            "{timestamp}"
        );
        let data = &body["data"];
        assert_eq!(data["result_id"], result_id.as_str());
        assert!(!body.to_string().contains("whsec_test_1"));
        if data["id"] == selfie_item["id"] {
            assert!(signature_valid(request, "whsec_test_1", 300), "signature");
            assert!(!signature_valid(request, "another secret", 300));
            assert_eq!(data["webhook_metadata"], json!({"order": "A-17"}));
            signed_statuses.push(data["status"].as_str().unwrap().to_string());
        } else {
            assert!(request.headers.get("satyapan-signature").is_none());
        }
    }
    signed_statuses.sort();
    assert_eq!(signed_statuses, ["COMPLETED", "IN_PROGRESS"]);
    let final_event = received
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .find(|b| b["data"]["id"] == selfie_item["id"] && b["data"]["status"] == "COMPLETED")
        .unwrap();
    assert_eq!(final_event["data"]["output_status"], "VERIFIED");
}

/// A KTP & selfie configuration over two fresh uploads carrying `card` and `selfie` sandbox
/// instructions.
pub(crate) async fn selfie_config(client: &Client<'_>, card: &str, selfie: &str) -> Value {
    let ktp = client.upload_one("ktp.jpg", jpeg(card)).await;
    let selfie = client.upload_one("selfie.jpg", jpeg(selfie)).await;
    json!({
        "verification_type": "KTP_SELFIE",
        "files": {"ktp_file": [ktp], "selfie_file": [selfie]},
        "fraud_detection": true,
    })
}

pub(crate) async fn submit(
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
    response.json()
}

#[tokio::test]
async fn another_tenants_verification_folder_file_and_group_are_not_found() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Ours").await;
    let folder_id = folder["id"].as_str().unwrap();
    let config = selfie_config(&client, "", "").await;
    let ktp_path = config["files"]["ktp_file"][0].as_str().unwrap().to_string();
    let service = service_id(&client, "KTP_SELFIE").await;
    let ours = submit(&client, &service, folder_id, config).await;
    let id = ours["id"].as_str().unwrap();
    let result_id = ours["result_id"].as_str().unwrap();
    let group_id = folder["group"]["id"].as_str().unwrap();

    let (other_org, other_key) = create_org(&app.store, "Globex", 1000).await;
    create_user(&app, &other_org, "eve@globex.test", "owner", &[]).await;
    let eve = Client::with_token(&app, &tokens(&app, "eve@globex.test").await.access);
    let eve_key = Client::with_key(&app, &other_key);
    for intruder in [&eve, &eve_key] {
        assert_error(
            &intruder.get(&format!("/verifications/{id}")).await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder
                .get(&format!("/verifications?result_id={result_id}"))
                .await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder.get(&format!("/groups/{group_id}/folders")).await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder.get(&format!("/files{ktp_path}")).await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder
                .get(&format!("/files/exports/{result_id}.xlsx"))
                .await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder
                .post(
                    &format!("/verifications/{id}/retry"),
                    &json!({"force": true}),
                )
                .await,
            404,
            "NOT_FOUND",
        );
        assert_error(
            &intruder
                .put(
                    &format!("/verifications/{id}"),
                    &json!({"verification_status": "CANCELLED"}),
                )
                .await,
            404,
            "NOT_FOUND",
        );
    }
    // Eve's own folder with our folder, our result group or our files.
    let eve_folder = eve.folder("Theirs").await;
    let eve_folder_id = eve_folder["id"].as_str().unwrap();
    let with_our_folder = eve
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id,
                    "configuration": selfie_config(&eve, "", "").await}),
        )
        .await;
    assert_error(&with_our_folder, 404, "NOT_FOUND");
    let with_our_group = eve
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": eve_folder_id, "result_id": result_id,
                    "configuration": selfie_config(&eve, "", "").await}),
        )
        .await;
    assert_error(&with_our_group, 404, "NOT_FOUND");
    let eve_selfie = eve.upload_one("selfie.jpg", jpeg("")).await;
    let with_our_file = eve
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": eve_folder_id,
                    "configuration": {"verification_type": "KTP_SELFIE",
                        "files": {"ktp_file": [ktp_path], "selfie_file": [eve_selfie]}}}),
        )
        .await;
    let body = assert_error(&with_our_file, 400, "INVALID_VALUE");
    assert_eq!(
        body["errors"][0]["field"],
        "configuration.files.ktp_file[0]"
    );
    // Nothing of ours shows in their numbers, nor of theirs in ours.
    assert_eq!(app.store.balance(&other_org).await.unwrap(), 1000);
}

#[tokio::test]
async fn bad_submissions_name_every_problem_and_insufficient_balance_creates_nothing() {
    let app = TestApp::spawn().await;
    let (poor_org, _) = create_org(&app.store, "Poor Co", 5).await;
    create_user(&app, &poor_org, "pat@poor.test", "owner", &[]).await;
    let client = Client::with_token(&app, &tokens(&app, "pat@poor.test").await.access);
    let folder = client.folder("Q1").await;
    let folder_id = folder["id"].as_str().unwrap();
    let service = service_id(&client, "KTP_SELFIE").await;

    let missing = client.post("/verifications", &json!({})).await;
    let body = assert_error(&missing, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"].as_array().unwrap().len(), 3);
    let bad_id = client
        .post(
            "/verifications",
            &json!({"service_id": "nope", "folder_id": folder_id, "configuration": {}}),
        )
        .await;
    assert_error(&bad_id, 400, "INVALID_ID");
    let unknown_paths = client
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id,
                    "configuration": {"verification_type": "KTP_SELFIE",
                        "files": {"ktp_file": ["/uploads/nope.jpg"],
                                  "selfie_file": ["/uploads/a.jpg", "/uploads/b.jpg"]}}}),
        )
        .await;
    let body = assert_error(&unknown_paths, 400, "INVALID_VALUE");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["configuration.files.selfie_file"]);
    let unknown_file = client
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id,
                    "configuration": {"verification_type": "KTP_SELFIE",
                        "files": {"ktp_file": ["/uploads/nope.jpg"],
                                  "selfie_file": ["/uploads/nope2.png"]}}}),
        )
        .await;
    let body = assert_error(&unknown_file, 400, "INVALID_VALUE");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    let bad_hook = client
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id,
                    "webhook_url": "ftp://example.com",
                    "configuration": selfie_config(&client, "", "").await}),
        )
        .await;
    let body = assert_error(&bad_hook, 400, "INVALID_VALUE");
    assert_eq!(body["errors"][0]["field"], "webhook_url");
    // The metadata address through IPv6 translation (NAT64, 6to4, local-use NAT64, Teredo).
    for url in [
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://[2002:a9fe:a9fe::1]/hooks",
        "http://[64:ff9b:1::a9fe:a9fe]/hooks",
        "http://[2001:0:4136:e378:8000:63bf:5601:5601]/hooks",
    ] {
        let translated = client
            .post(
                "/verifications",
                &json!({"service_id": service, "folder_id": folder_id, "webhook_url": url,
                        "configuration": selfie_config(&client, "", "").await}),
            )
            .await;
        let body = assert_error(&translated, 400, "INVALID_VALUE");
        assert_eq!(body["errors"][0]["field"], "webhook_url", "{url}");
    }

    // 10 credits needed, 5 held: refused, and nothing is created or charged.
    let jobs_before = app.store.job_counts().await.unwrap();
    let short = client
        .post(
            "/verifications",
            &json!({"service_id": service, "folder_id": folder_id,
                    "configuration": selfie_config(&client, "", "").await}),
        )
        .await;
    let body = assert_error(&short, 403, "INSUFFICIENT_BALANCE");
    assert!(body["message"].as_str().unwrap().contains("10"));
    assert_eq!(app.store.balance(&poor_org).await.unwrap(), 5);
    assert_eq!(app.store.ledger_sum(&poor_org).await.unwrap(), 5);
    let jobs_after = app.store.job_counts().await.unwrap();
    assert_eq!(jobs_after.queued, jobs_before.queued);
    assert_eq!(jobs_after.completed, jobs_before.completed);
    let folders = client
        .get(&format!(
            "/groups/{}/folders",
            folder["group"]["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(folders["items"][0]["total_result"], 0);
    assert_eq!(folders["items"][0]["total_service"], 0);
    // The cheaper screening fits the balance.
    let pep = service_id(&client, "PEP_SCREENING").await;
    let ok = submit(&client, &pep, folder_id, json!({"name": "Budi Santoso"})).await;
    assert_eq!(ok["credit_used"], 5);
    assert!(ok["input_file_url"].is_null());
    assert_eq!(app.store.balance(&poor_org).await.unwrap(), 0);
}

#[tokio::test]
async fn outcomes_grey_zones_fraud_failures_and_the_group_status() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Outcomes").await;
    let folder_id = folder["id"].as_str().unwrap();
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let pep = service_id(&client, "PEP_SCREENING").await;

    let grey = submit(
        &client,
        &selfie,
        folder_id,
        selfie_config(&client, "", "face=70").await,
    )
    .await;
    let result_id = grey["result_id"].as_str().unwrap().to_string();
    let in_group = |config: Value, service: &str| {
        json!({"service_id": service, "folder_id": folder_id, "result_id": result_id,
               "configuration": config})
    };
    let fraud = client
        .post(
            "/verifications",
            &in_group(
                selfie_config(&client, "fraud=edited_photo", "").await,
                &selfie,
            ),
        )
        .await
        .json();
    let down = client
        .post(
            "/verifications",
            &in_group(
                selfie_config(&client, "down=ocr,face,fraud", "").await,
                &selfie,
            ),
        )
        .await
        .json();
    let partial = client
        .post(
            "/verifications",
            &in_group(selfie_config(&client, "down=face", "").await, &selfie),
        )
        .await
        .json();
    let hit = client
        .post(
            "/verifications",
            &in_group(json!({"name": "Hendra Wijaya Kusuma"}), &pep),
        )
        .await
        .json();
    let list = finished_group(&client, &result_id).await;
    let status_of = |v: &Value| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == v["id"])
            .unwrap()
            .clone()
    };
    let grey = status_of(&grey);
    assert_eq!(grey["status"], "NEED_REVIEW");
    assert_eq!(grey["output"]["face_match_confidence_level"], "MEDIUM");
    assert_eq!(grey["output_status"], "PARTIALLY_NOT_VERIFIED");
    let fraud = status_of(&fraud);
    assert_eq!(fraud["status"], "FRAUD_DETECTED");
    assert_eq!(
        fraud["output"]["fraud_detection"]["signals"][0],
        "edited_photo"
    );
    let down = status_of(&down);
    assert_eq!(down["status"], "FAILED", "{down}");
    assert!(down["output"].is_null() && down["output_status"].is_null());
    assert!(down["output_file_url"].is_null());
    let partial = status_of(&partial);
    assert_eq!(partial["status"], "PARTIALLY_COMPLETED", "{partial}");
    assert!(partial["output"]["ktp"].is_object());
    let hit = status_of(&hit);
    assert_eq!(hit["status"], "COMPLETED");
    assert_eq!(hit["output"]["pep"]["is_pep"], true);
    assert_eq!(hit["output_status"], "NOT_VERIFIED");
    assert_seed_shape(&hit, &["input_file_url", "webhook_url"]);
    // One rule over the items: fraud dominates the finished group.
    assert_eq!(list["overall_status"], "FRAUD_DETECTED");

    // Paging.
    let page = client
        .get(&format!(
            "/verifications?result_id={result_id}&page_size=2&page_offset=4"
        ))
        .await
        .json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_error(&client.get("/verifications").await, 400, "INVALID_REQUEST");
    assert_error(
        &client.get("/verifications?result_id=123").await,
        400,
        "INVALID_ID",
    );
    assert_error(
        &client
            .get(&format!(
                "/verifications?result_id={}",
                uuid::Uuid::new_v4()
            ))
            .await,
        404,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn retry_review_and_cancel_are_kept_in_the_trail() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Reviews").await;
    let folder_id = folder["id"].as_str().unwrap();
    let selfie = service_id(&client, "KTP_SELFIE").await;

    // A FAILED verification is retried free; a COMPLETED one only with force, charged again.
    let failed = submit(
        &client,
        &selfie,
        folder_id,
        selfie_config(&client, "down=ocr,face,fraud", "").await,
    )
    .await;
    let failed_id = failed["id"].as_str().unwrap().to_string();
    let result_id = failed["result_id"].as_str().unwrap().to_string();
    finished_group(&client, &result_id).await;
    let balance = app.balance().await;
    let retried = client
        .post(&format!("/verifications/{failed_id}/retry"), &json!({}))
        .await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(app.balance().await, balance, "a FAILED one is retried free");
    let list = finished_group(&client, &result_id).await;
    assert_eq!(list["items"][0]["status"], "FAILED");

    let good = client
        .post(
            "/verifications",
            &json!({"service_id": selfie, "folder_id": folder_id, "result_id": result_id,
                    "configuration": selfie_config(&client, "", "face=70").await}),
        )
        .await
        .json();
    let good_id = good["id"].as_str().unwrap().to_string();
    finished_group(&client, &result_id).await;
    let not_failed = client
        .post(&format!("/verifications/{good_id}/retry"), &json!({}))
        .await;
    assert_error(&not_failed, 400, "INVALID_REQUEST");
    let balance = app.balance().await;
    let forced = client
        .post(
            &format!("/verifications/{good_id}/retry"),
            &json!({"force": true}),
        )
        .await;
    assert_eq!(forced.status, 200, "{}", forced.text);
    assert_eq!(forced.json()["credit_used"], 20);
    assert_eq!(app.balance().await, balance - 10);
    let list = finished_group(&client, &result_id).await;
    let good = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == good_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(good["status"], "NEED_REVIEW");

    // A signed-in user reviews; an API key may not.
    let by_key = Client::with_key(&app, &app.key)
        .put(
            &format!("/verifications/{good_id}"),
            &json!({"verification_status": "COMPLETED"}),
        )
        .await;
    assert_error(&by_key, 403, "FORBIDDEN");
    let reviewed = client
        .put(
            &format!("/verifications/{good_id}"),
            &json!({"verification_status": "COMPLETED",
                    "output": {"is_match_face": true, "note": "same person, older photo"},
                    "output_status": "VERIFIED"}),
        )
        .await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.text);
    let reviewed = reviewed.json();
    assert_eq!(reviewed["status"], "COMPLETED");
    assert_eq!(reviewed["output_status"], "VERIFIED");
    assert_eq!(reviewed["output"]["note"], "same person, older photo");
    let bad_status = client
        .put(
            &format!("/verifications/{good_id}"),
            &json!({"verification_status": "IN_QUEUE"}),
        )
        .await;
    assert_error(&bad_status, 400, "INVALID_VALUE");
    let trail = app.store.verification_reviews(&good_id).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["retry", "review"]);
    let before: Value = serde_json::from_str(&trail[1].before_state).unwrap();
    assert_eq!(before["status"], "NEED_REVIEW");
    let after: Value = serde_json::from_str(&trail[1].after_state).unwrap();
    assert_eq!(after["status"], "COMPLETED");
    assert!(!trail[1].actor.starts_with("api_key:"));
    // A finished verification cannot be cancelled.
    assert_error(
        &client
            .put(
                &format!("/verifications/{good_id}"),
                &json!({"verification_status": "CANCELLED"}),
            )
            .await,
        400,
        "INVALID_REQUEST",
    );
}

#[tokio::test]
async fn a_queued_verification_is_cancelled_and_refunded() {
    // No workers: the verification stays IN_QUEUE until the client cancels it.
    let app = TestApp::spawn_with(|c| c.workers = false).await;
    let client = Client::with_key(&app, &app.key);
    let folder = client.folder("Cancel").await;
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let queued = submit(
        &client,
        &selfie,
        folder["id"].as_str().unwrap(),
        selfie_config(&client, "", "").await,
    )
    .await;
    assert_eq!(queued["status"], "IN_QUEUE");
    assert_eq!(
        queued["api_key"].as_str().map(|k| !k.is_empty()),
        Some(true)
    );
    assert!(queued["user_id"].is_null());
    assert_eq!(app.balance().await, 990);
    let id = queued["id"].as_str().unwrap();
    let cancelled = client
        .put(
            &format!("/verifications/{id}"),
            &json!({"verification_status": "CANCELLED"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let cancelled = cancelled.json();
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["credit_used"], 0);
    assert_eq!(app.balance().await, 1000);
    assert_eq!(app.store.ledger_sum(&app.org_id).await.unwrap(), 1000);
    let list = client
        .get(&format!(
            "/verifications?result_id={}",
            cancelled["result_id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(list["overall_status"], "CANCELLED");
    assert_error(
        &client
            .post(
                &format!("/verifications/{id}/retry"),
                &json!({"force": true}),
            )
            .await,
        400,
        "INVALID_REQUEST",
    );
    let trail = app.store.verification_reviews(id).await.unwrap();
    assert_eq!(trail[0].action, "cancel");
    assert!(trail[0].actor.starts_with("api_key:"));
}

#[tokio::test]
async fn the_group_export_is_a_spreadsheet_with_one_row_per_verification() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let folder = client.folder("Export").await;
    let folder_id = folder["id"].as_str().unwrap();
    let selfie = service_id(&client, "KTP_SELFIE").await;
    let pep = service_id(&client, "PEP_SCREENING").await;
    let first = submit(
        &client,
        &selfie,
        folder_id,
        selfie_config(&client, "", "").await,
    )
    .await;
    let result_id = first["result_id"].as_str().unwrap().to_string();
    let second = client
        .post(
            "/verifications",
            &json!({"service_id": pep, "folder_id": folder_id, "result_id": result_id,
                    "configuration": {"name": "Budi Santoso", "birth_date": "1985-02-03"}}),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let list = finished_group(&client, &result_id).await;
    let url = list["items"][0]["export_file_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(list["items"][1]["export_file_url"], url.as_str());

    let read = |bytes: Vec<u8>| {
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx file");
        let sheet = book.worksheet_range("Verifications").expect("the sheet");
        sheet
            .rows()
            .map(|row| row.to_vec())
            .collect::<Vec<Vec<Data>>>()
    };
    let download = |url: String| async move {
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        response.bytes().await.unwrap().to_vec()
    };
    let rows = read(download(url.clone()).await);
    assert_eq!(rows.len(), 3, "a header and one row per verification");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}: {header:?}"))
    };
    assert_eq!(
        rows[1][col("id")].to_string(),
        first["id"].as_str().unwrap()
    );
    assert_eq!(rows[1][col("status")].to_string(), "COMPLETED");
    assert_eq!(
        rows[1][col("output.face_match_confidence_level")].to_string(),
        "HIGH"
    );
    assert!(matches!(
        rows[1][col("output.face_match_confidence_score")],
        Data::Float(_)
    ));
    assert_eq!(
        rows[2][col("output.pep.screened_name")].to_string(),
        "Budi Santoso"
    );
    assert_eq!(rows[2][col("output.pep.is_pep")], Data::Bool(false));
    assert_eq!(rows[1][col("output.pep.is_pep")], Data::Empty);

    // The group changes: the export is made again with the new row.
    let third = client
        .post(
            "/verifications",
            &json!({"service_id": pep, "folder_id": folder_id, "result_id": result_id,
                    "configuration": {"name": "Hendra Wijaya Kusuma"}}),
        )
        .await;
    assert_eq!(third.status, 201);
    finished_group(&client, &result_id).await;
    let rows = read(download(url.clone()).await);
    assert_eq!(rows.len(), 4);
    // The tenant may fetch it without a signature too.
    let own = client
        .get(&format!("/files/exports/{result_id}.xlsx"))
        .await;
    assert_eq!(own.status, 200);
}

/// The typed bodies keep the surface's answers: success bodies in the order they were always
/// written (each object's keys sorted, compact), a repeated key read as its last value, an
/// invalid path id named before an invalid optional body, and the document built from the
/// request types.
#[tokio::test]
async fn typed_bodies_answer_as_the_surface_always_has() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let sorted = |response: &crate::helpers::TestResponse| {
        assert!(response.status < 300, "{}", response.text);
        assert_eq!(
            response.text,
            serde_json::to_string(&response.json()).unwrap(),
            "keys in the order the surface writes them"
        );
    };
    sorted(&Client::anonymous(&app).get("/auth/methods").await);
    sorted(&client.get("/profile").await);
    sorted(&Client::with_key(&app, &app.key).get("/profile").await);
    sorted(&client.get("/services").await);
    sorted(&client.get("/api-keys").await);
    let folder = client.folder("Typed").await;
    sorted(
        &client
            .get(&format!("/folders/{}", folder["id"].as_str().unwrap()))
            .await,
    );

    // A repeated key keeps its last value, as it did when bodies were read as JSON values.
    let raw = |method: reqwest::Method, path: &str, body: &'static str| {
        app.http
            .request(method, app.url(path))
            .header("X-API-Key", &app.key)
            .header("Content-Type", "application/json")
            .body(body)
    };
    let repeated = app
        .send(raw(
            reqwest::Method::POST,
            "/folders",
            r#"{"name": 5, "name": "Twice"}"#,
        ))
        .await;
    assert_eq!(repeated.status, 201, "{}", repeated.text);
    assert_eq!(repeated.json()["name"], "Twice");
    sorted(&repeated);
    // A body that is not an object: a folder's has no name; a verification's is refused whole.
    let not_object = app
        .send(raw(reqwest::Method::POST, "/folders", "[1]"))
        .await;
    let body = assert_error(&not_object, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "name");
    let not_object = app
        .send(raw(reqwest::Method::POST, "/verifications", "[1]"))
        .await;
    let body = assert_error(&not_object, 400, "INVALID_REQUEST");
    assert_eq!(body["message"], "The request body must be a JSON object.");
    let nul = app
        .send(raw(
            reqwest::Method::PUT,
            "/verifications/00000000-0000-0000-0000-000000000000",
            r#"{"output": {"note": "a\u0000b"}}"#,
        ))
        .await;
    let body = assert_error(&nul, 400, "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["field"], "output.note");

    // retry: the path's id is checked before the body; the body may be left out.
    let bad = app
        .send(raw(
            reqwest::Method::POST,
            "/verifications/not-an-id/retry",
            "{not json",
        ))
        .await;
    assert_error(&bad, 400, "INVALID_ID");
    let unknown = "/verifications/00000000-0000-0000-0000-000000000000/retry";
    let body = assert_error(
        &app.send(raw(reqwest::Method::POST, unknown, "{not json"))
            .await,
        400,
        "INVALID_REQUEST",
    );
    assert_eq!(body["message"], "The request body is not valid JSON.");
    let body = assert_error(
        &app.send(raw(reqwest::Method::POST, unknown, r#"{"force": "yes"}"#))
            .await,
        400,
        "INVALID_VALUE",
    );
    assert_eq!(body["errors"][0]["field"], "force");
    assert_error(
        &app.send(raw(reqwest::Method::POST, unknown, " ")).await,
        404,
        "NOT_FOUND",
    );

    // The document describes the request types.
    let doc = app
        .send(app.http.get(app.url("/openapi.json")))
        .await
        .json();
    let schema = |path: &str, method: &str| {
        let node =
            &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
        let name = node["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        doc["components"]["schemas"][name].clone()
    };
    assert_eq!(
        schema("/auth/login", "post")["required"],
        json!(["email", "password"])
    );
    assert_eq!(
        schema("/verifications", "post")["required"],
        json!(["service_id", "folder_id", "configuration"])
    );
    assert!(schema("/verifications/{id}", "put")["required"].is_null());
    let retry = &doc["paths"]["/verifications/{id}/retry"]["post"]["requestBody"];
    assert_ne!(retry["required"], true);
    assert_eq!(
        schema("/verifications/{id}/retry", "post")["properties"]["force"]["type"],
        json!(["boolean", "null"])
    );
}
