//! Submission: validated candidates in; the charge, the cases, their checks and the check jobs
//! written in one transaction, or nothing at all.

use serde::Serialize;

use super::{CHECK_ATTEMPTS, Candidate, CheckJob, CheckPayload, SERVICE, StoredCandidate};
use crate::app::{AppError, AppResult};
use crate::crypto::Vault;
use crate::domain::catalog::CheckSpec;
use crate::domain::credits::LedgerKind;
use crate::domain::ids::Aadhaar;
use crate::domain::orgs::OrgSettings;
use crate::jobs::{JobKind, NewJob};
use crate::store::Store;
use crate::store::cases::{NewCase, NewCheck};
use crate::store::credits::Movement;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseCreated {
    pub candidate_id: String,
    pub case_id: String,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub total_cost: i64,
    pub balance: i64,
    pub cases: Vec<CaseCreated>,
}

/// `YYMMDD` + 10 random digits: a 16-digit reference like the vendor's.
fn reference_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    format!(
        "{}{:010}",
        chrono::Utc::now().format("%y%m%d"),
        rng.random_range(0..10_000_000_000u64)
    )
}

/// Charges the organisation for every check of every candidate and creates the cases, their
/// checks and the check jobs — all in one transaction, or nothing when the balance is short.
pub async fn submit(
    store: &Store,
    vault: &Vault,
    org_id: &str,
    org_settings: &OrgSettings,
    checks: &[&'static CheckSpec],
    candidates: &[Candidate],
) -> AppResult<Submitted> {
    struct Planned {
        case: NewCase,
        checks: Vec<(NewCheck, NewJob)>,
    }
    let mut planned = Vec::with_capacity(candidates.len());
    let mut created = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let case_id = uuid::Uuid::new_v4().to_string();
        // The vendor's page: "case_id and candidate_id in the response are the same UUID value".
        let candidate_id = case_id.clone();
        let stored = StoredCandidate {
            name: candidate.name.clone(),
            email: candidate.email.clone(),
            phone: candidate.phone.clone(),
            dob: candidate.dob,
            father_name: candidate.father_name.clone(),
            permanent_address: candidate.permanent_address.clone(),
            address: candidate.address.clone(),
            pincode: candidate.pincode.clone(),
            pan: candidate.pan.clone(),
            aadhaar_sealed: candidate.aadhaar.as_ref().map(|a| vault.seal(a.expose())),
            aadhaar_masked: candidate.aadhaar.as_ref().map(Aadhaar::masked),
            uan: candidate.uan.clone(),
            employers: candidate.employers.clone(),
            sandbox_outcome: candidate.sandbox_outcome.clone(),
        };
        let case_checks: Vec<(NewCheck, NewJob)> = checks
            .iter()
            .map(|spec| {
                let id = uuid::Uuid::new_v4().to_string();
                let job = CheckJob::job(&CheckPayload {
                    check_id: id.clone(),
                })
                .for_org(org_id)
                .max_attempts(CHECK_ATTEMPTS);
                let check = NewCheck {
                    id,
                    check_type: spec.key.to_string(),
                    price: org_settings.price(spec),
                };
                (check, job)
            })
            .collect();
        created.push(CaseCreated {
            candidate_id: candidate_id.clone(),
            case_id: case_id.clone(),
            name: candidate.name.as_str().to_string(),
            email: candidate.email.as_ref().map(|e| e.as_str().to_string()),
        });
        planned.push(Planned {
            case: NewCase {
                id: case_id,
                reference_id: reference_id(),
                candidate_id,
                candidate_name: candidate.name.as_str().to_string(),
                candidate_email: candidate.email.as_ref().map(|e| e.as_str().to_string()),
                candidate_photo: candidate.photo.clone().unwrap_or_default(),
                candidate: serde_json::to_string(&stored).map_err(AppError::internal)?,
                total_cost: case_checks.iter().map(|(c, _)| c.price).sum(),
            },
            checks: case_checks,
        });
    }
    let total: i64 = planned.iter().map(|p| p.case.total_cost).sum();
    let input = serde_json::json!({
        "checks": checks.iter().map(|s| s.key).collect::<Vec<_>>(),
        "case_ids": planned.iter().map(|p| p.case.id.as_str()).collect::<Vec<_>>(),
    });
    let reference = planned.first().map(|p| p.case.id.clone());
    let charge = Movement {
        org_id,
        kind: LedgerKind::Debit,
        amount: total,
        service: SERVICE,
        reference_id: reference.as_deref(),
        input: Some(&input),
        output: None,
    };
    let mut tx = store.begin().await?;
    let balance = tx.apply_movement(&charge).await??;
    for plan in &planned {
        tx.insert_case(org_id, &plan.case).await?;
        for (position, (check, job)) in plan.checks.iter().enumerate() {
            tx.insert_check(org_id, &plan.case.id, position, check)
                .await?;
            tx.insert_job(job).await?;
        }
    }
    tx.commit().await?;
    Ok(Submitted {
        total_cost: total,
        balance,
        cases: created,
    })
}
