//! A small typed client for the AnyCheck surface, and the fixtures its tests use (users, images
//! carrying sandbox instructions, PDFs).

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse};
use satyapan::cli::admin::{AdminCommand, UserCommand, execute};

pub const PASSWORD: &str = "correct horse battery";

/// How the client authenticates.
#[derive(Clone)]
pub enum Auth {
    None,
    Bearer(String),
    ApiKey(String),
}

pub struct Client<'a> {
    pub app: &'a TestApp,
    pub auth: Auth,
}

/// The answer to a login or a refresh.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// One file of an upload: its name, its declared type and its bytes.
pub struct Part<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
}

impl<'a> Client<'a> {
    pub fn anonymous(app: &'a TestApp) -> Self {
        Client {
            app,
            auth: Auth::None,
        }
    }

    pub fn with_token(app: &'a TestApp, token: &str) -> Self {
        Client {
            app,
            auth: Auth::Bearer(token.to_string()),
        }
    }

    pub fn with_key(app: &'a TestApp, key: &str) -> Self {
        Client {
            app,
            auth: Auth::ApiKey(key.to_string()),
        }
    }

    fn authed(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::ApiKey(key) => request.header("X-API-Key", key),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        let request = self.authed(self.app.http.get(self.app.url(path)));
        self.app.send(request).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        let request = self.authed(self.app.http.post(self.app.url(path)).json(body));
        self.app.send(request).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> TestResponse {
        let request = self.authed(self.app.http.put(self.app.url(path)).json(body));
        self.app.send(request).await
    }

    /// `POST /uploads` with a hand-built multipart body.
    pub async fn upload(
        &self,
        category: &str,
        files: &[Part<'_>],
        passwords: &[&str],
    ) -> TestResponse {
        let boundary = "----satyapan-test-boundary-7d1f";
        let mut body = Vec::new();
        let text = |name: &str, value: &str, body: &mut Vec<u8>| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        };
        text("file_category", category, &mut body);
        for password in passwords {
            text("file_passwords[]", password, &mut body);
        }
        for file in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    file.name, file.content_type
                )
                .as_bytes(),
            );
            body.extend_from_slice(&file.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = self.authed(
            self.app
                .http
                .post(self.app.url("/uploads"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        );
        self.app.send(request).await
    }

    /// Uploads one verification input file and returns its `path`.
    pub async fn upload_one(&self, name: &str, bytes: Vec<u8>) -> String {
        let response = self
            .upload(
                "VERIFICATION_INPUT_FILE",
                &[Part {
                    name,
                    content_type: "image/jpeg",
                    bytes,
                }],
                &[],
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()["files"][0]["path"]
            .as_str()
            .expect("path")
            .to_string()
    }

    /// `POST /folders` and the new folder's id.
    pub async fn folder(&self, name: &str) -> Value {
        let response = self.post("/folders", &json!({ "name": name })).await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()
    }
}

/// Creates a user of `org_id` with the test password.
pub async fn create_user(
    app: &TestApp,
    org_id: &str,
    email: &str,
    role: &str,
    groups: &[&str],
) -> String {
    let out = execute(
        &app.store,
        AdminCommand::User {
            command: UserCommand::Create {
                org: org_id.to_string(),
                email: email.to_string(),
                password: PASSWORD.to_string(),
                role: role.to_string(),
                name: "Test User".to_string(),
                groups: groups.iter().map(|g| g.to_string()).collect(),
            },
        },
    )
    .await
    .expect("create user");
    out["user_id"].as_str().expect("user id").to_string()
}

pub async fn login(app: &TestApp, email: &str, password: &str) -> TestResponse {
    Client::anonymous(app)
        .post(
            "/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
}

/// Logs in and returns the pair.
pub async fn tokens(app: &TestApp, email: &str) -> Tokens {
    let response = login(app, email, PASSWORD).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    Tokens {
        access: body["access_token"].as_str().expect("access").to_string(),
        refresh: body["refresh_token"].as_str().expect("refresh").to_string(),
    }
}

/// An owner of the test organisation, signed in.
pub async fn owner(app: &TestApp) -> Client<'_> {
    let email = format!(
        "owner-{}@acme.test",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    create_user(app, &app.org_id, &email, "owner", &[]).await;
    let tokens = tokens(app, &email).await;
    Client::with_token(app, &tokens.access)
}

/// A JPEG (its signature, a comment segment, end of image) whose comment carries sandbox
/// instructions (`satyapan-sandbox: name=…;face=…`), or random bytes when `marker` is empty.
pub fn jpeg(marker: &str) -> Vec<u8> {
    let comment = if marker.is_empty() {
        format!("photo {}", uuid::Uuid::new_v4())
    } else {
        format!("satyapan-sandbox: {marker}")
    };
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFE];
    let len = (comment.len() + 2) as u16;
    bytes.extend_from_slice(&len.to_be_bytes());
    bytes.extend_from_slice(comment.as_bytes());
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// A PNG signature followed by a text chunk.
pub fn png(text: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&(text.len() as u32).to_be_bytes());
    bytes.extend_from_slice(b"tEXt");
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes
}
