//! `satyapan admin …` against a real database: organisations, keys, credits, users, prices,
//! the audit setting and webhooks — and their effect through the API.

use satyapan::cli::admin::{
    AdminCommand, CreditsCommand, KeyCommand, OrgCommand, UserCommand, WebhookCommand, execute,
};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn admin_commands_manage_an_organisation_end_to_end() {
    let app = TestApp::spawn().await;
    let run = |command| execute(&app.store, command);
    let created = run(AdminCommand::Org {
        command: OrgCommand::Create {
            name: "Globex".into(),
            credits: 20,
            live: false,
        },
    })
    .await
    .unwrap();
    let org = created["org_id"].as_str().unwrap().to_string();
    let key = created["api_key"].as_str().unwrap().to_string();
    let key_id = created["key_id"].as_str().unwrap().to_string();
    assert!(key.starts_with("sat_test_"));
    assert_eq!(
        app.get_as("/api/v2/credits/transactions", &key)
            .await
            .json()["credits_remaining"],
        20
    );

    // Key states.
    run(AdminCommand::Key {
        command: KeyCommand::Deactivate {
            key_id: key_id.clone(),
        },
    })
    .await
    .unwrap();
    assert_eq!(
        app.get_as("/api/v2/credits/transactions", &key)
            .await
            .status,
        403
    );
    run(AdminCommand::Key {
        command: KeyCommand::Activate {
            key_id: key_id.clone(),
        },
    })
    .await
    .unwrap();
    assert_eq!(
        app.get_as("/api/v2/credits/transactions", &key)
            .await
            .status,
        200
    );
    let second = run(AdminCommand::Key {
        command: KeyCommand::Create { org: org.clone() },
    })
    .await
    .unwrap();
    run(AdminCommand::Key {
        command: KeyCommand::Revoke {
            key_id: key_id.clone(),
        },
    })
    .await
    .unwrap();
    let again = run(AdminCommand::Key {
        command: KeyCommand::Activate { key_id },
    })
    .await
    .unwrap_err();
    assert!(again.to_string().contains("revocation is final"));
    let key = second["api_key"].as_str().unwrap().to_string();

    // Credits and the organisation's own price.
    let topped = run(AdminCommand::Credits {
        command: CreditsCommand::Add {
            org: org.clone(),
            amount: 80,
        },
    })
    .await
    .unwrap();
    assert_eq!(topped["credits_remaining"], 100);
    assert!(
        run(AdminCommand::Credits {
            command: CreditsCommand::Add {
                org: org.clone(),
                amount: 0
            }
        })
        .await
        .is_err()
    );
    run(AdminCommand::Org {
        command: OrgCommand::Price {
            org: org.clone(),
            check: "aml_check".into(),
            credits: 7,
        },
    })
    .await
    .unwrap();
    assert!(
        run(AdminCommand::Org {
            command: OrgCommand::Price {
                org: org.clone(),
                check: "nope".into(),
                credits: 1
            }
        })
        .await
        .is_err()
    );

    // Every case to audit, even a clear one.
    run(AdminCommand::Org {
        command: OrgCommand::AlwaysAudit {
            org: org.clone(),
            enabled: true,
        },
    })
    .await
    .unwrap();
    let submitted = app
        .post_as("/api/recruiter/v2/bgv-submit/", &key, &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "02-03-1994"}]}))
        .await
        .json();
    assert_eq!(submitted["data"]["total_cost"], 7);
    let case_id = submitted["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let report = crate::helpers::eventually(20, || async {
        let r = app
            .get_as(
                &format!("/api/recruiter/v2/report-json/?case_id={case_id}"),
                &key,
            )
            .await
            .json();
        (r["data"]["status"] != "in_progress").then_some(r)
    })
    .await;
    assert_eq!(
        (
            report["data"]["status"].as_str(),
            report["data"]["result"].as_str()
        ),
        (Some("in_audit"), Some("clear"))
    );

    // Webhook set from the CLI.
    let hook = run(AdminCommand::Webhook {
        command: WebhookCommand::Set {
            org: org.clone(),
            url: "https://example.com/h".into(),
        },
    })
    .await
    .unwrap();
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(
        app.get_as("/api/v2/webhooks", &key).await.json()["data"]["url"],
        "https://example.com/h"
    );
    assert!(
        run(AdminCommand::Webhook {
            command: WebhookCommand::Set {
                org: org.clone(),
                url: "nope".into()
            }
        })
        .await
        .is_err()
    );
    run(AdminCommand::Webhook {
        command: WebhookCommand::Remove { org: org.clone() },
    })
    .await
    .unwrap();

    // Users.
    let user = UserCommand::Create {
        org: org.clone(),
        email: "Reviewer@Globex.com".into(),
        password: "correct horse".into(),
        role: "owner".into(),
        name: String::new(),
        groups: Vec::new(),
    };
    assert_eq!(
        run(AdminCommand::User { command: user }).await.unwrap()["email"],
        "reviewer@globex.com"
    );
    let duplicate = UserCommand::Create {
        org,
        email: "reviewer@globex.com".into(),
        password: "correct horse".into(),
        role: "owner".into(),
        name: String::new(),
        groups: Vec::new(),
    };
    assert!(
        run(AdminCommand::User { command: duplicate })
            .await
            .is_err()
    );
    let stored = app
        .store
        .user_by_email("reviewer@globex.com")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
}

/// `admin seed-cases` (load tests) copies a case with its checks and evidence: each copy reads
/// back as the same report under its own id.
#[tokio::test]
async fn seed_cases_copies_a_case_with_its_checks_and_evidence() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["criminal_check", "identity_pan", "aml_check"], "candidates": [{
                "name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F",
                "permanent_address": "12 MG Road, Pune 411001",
                "sandbox_outcome": {"criminal_check": "clear", "identity_pan": "clear", "aml_check": "clear"}}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let report = |id: String| {
        let app = &app;
        async move {
            app.get(&format!("/api/recruiter/v2/report-json/?case_id={id}"))
                .await
                .json()
        }
    };
    let original = crate::helpers::eventually(30, || async {
        let r = report(case_id.clone()).await;
        (r["data"]["status"] == "completed").then_some(r)
    })
    .await;
    let out = execute(
        &app.store,
        AdminCommand::SeedCases {
            org: app.org_id.clone(),
            like: case_id.clone(),
            cases: 450,
        },
    )
    .await
    .unwrap();
    assert_eq!(out["cases"], 450);
    let template = app
        .store
        .case_view(&app.org_id, &case_id)
        .await
        .unwrap()
        .unwrap();
    let evidence = app.store.evidence_files(&case_id).await.unwrap();
    let copies = app.store.copy_case(&template, &evidence, 3).await.unwrap();
    for id in copies {
        let copy = report(id).await;
        assert_eq!(copy["data"]["status"], "completed");
        assert_ne!(
            copy["data"]["reference_id"],
            original["data"]["reference_id"]
        );
        for (a, b) in copy["data"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .zip(original["data"]["checks"].as_array().unwrap())
        {
            assert_eq!((&a["type"], &a["result"]), (&b["type"], &b["result"]));
            assert_eq!(
                a["documents"].as_array().map(Vec::len),
                b["documents"].as_array().map(Vec::len)
            );
            if a["documents"].is_array() {
                assert_ne!(a["documents"], b["documents"], "the copy has its own files");
            }
        }
    }
    // Another organisation cannot have a case copied into it by naming one it does not own.
    let (other, _) = crate::helpers::create_org(&app.store, "Other", 0).await;
    assert!(
        execute(
            &app.store,
            AdminCommand::SeedCases {
                org: other,
                like: case_id,
                cases: 1,
            },
        )
        .await
        .is_err()
    );
}
