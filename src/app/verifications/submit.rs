//! Submission: everything is checked first (configuration, folder, result group, every file);
//! then the charge, the verification, its files, its stages and their first jobs are written
//! in one transaction — or nothing, when the balance is short.

use serde_json::{Map, Value};

use super::{ledger_service, plan_run};
use crate::app::auth::Actor;
use crate::app::folders::reachable;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::FieldIssue;
use crate::domain::credits::LedgerKind;
use crate::domain::services::Service;
use crate::domain::verifications::{Configuration, FileCategory, VerificationStatus};
use crate::domain::webhooks::{TargetPolicy, validate_url};
use crate::files::kind::FileKind;
use crate::store::credits::Movement;
use crate::store::uploads::UploadRow;
use crate::store::verifications::VerificationRow;
use crate::store::{Store, Tx, now_ms};

/// A submission as the client sent it (ids already well-formed).
pub struct Submission<'a> {
    pub service: &'static Service,
    pub folder_id: &'a str,
    pub result_id: Option<&'a str>,
    pub configuration: &'a Value,
    pub webhook_url: Option<&'a str>,
    pub webhook_metadata: Option<&'a Value>,
}

/// Resolves every file the configuration names to the organisation's uploads, reporting each
/// unknown path, another tenant's file (the same answer) or a file of the wrong kind.
pub(crate) async fn resolve_files(
    tx: &mut Tx,
    actor: &Actor,
    config: &Configuration,
) -> AppResult<Vec<(String, usize, UploadRow)>> {
    let org_id = &actor.org_id;
    let mut issues = Vec::new();
    let mut found = Vec::new();
    for (slot, position, path) in config.files() {
        let field = format!("configuration.files.{slot}[{position}]");
        match tx.upload_by_path(org_id, path).await? {
            None => issues.push(FieldIssue::new(
                field,
                format!("'{path}' is not a file uploaded by this organisation"),
            )),
            Some(upload) if upload.file_category != FileCategory::VerificationInputFile => issues
                .push(FieldIssue::new(
                    field,
                    "must be uploaded with file_category VERIFICATION_INPUT_FILE",
                )),
            Some(upload)
                if slot == "selfie_file"
                    && !FileKind::from_extension(upload.path.rsplit('.').next().unwrap_or(""))
                        .is_some_and(FileKind::is_image) =>
            {
                issues.push(FieldIssue::new(field, "must be a JPEG or PNG image"))
            }
            Some(upload) => {
                crate::app::uploads::may_use(actor, &upload)?;
                found.push((slot.to_string(), position, upload))
            }
        }
    }
    if issues.is_empty() {
        Ok(found)
    } else {
        Err(AppError::InvalidFields(issues))
    }
}

/// The webhook fields: the URL checked against the operator's policy, the secret taken out of
/// the metadata (it signs deliveries and is never shown).
fn webhook(
    sub: &Submission<'_>,
    policy: &TargetPolicy,
) -> AppResult<(Option<String>, Value, Option<String>)> {
    let url = match sub.webhook_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Some(validate_url(url, policy).map_err(|m| {
            AppError::invalid(
                "webhook_url",
                m.trim_start_matches("url ").trim_end_matches('.'),
            )
        })?),
        None => None,
    };
    let mut metadata = match sub.webhook_metadata {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(AppError::invalid("webhook_metadata", "must be an object")),
    };
    let secret = match metadata.remove("webhook_secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 256 => Some(s),
        Some(_) => {
            return Err(AppError::invalid(
                "webhook_metadata.webhook_secret",
                "must be a string of 1 to 256 characters",
            ));
        }
    };
    if Value::Object(metadata.clone()).to_string().len() > 4096 {
        return Err(AppError::invalid(
            "webhook_metadata",
            "must be at most 4 KB of JSON",
        ));
    }
    Ok((url, Value::Object(metadata), secret))
}

/// Creates one verification (in a new result group unless `result_id` names one of the
/// organisation's, in the same folder, or a new one), charged at the service's cost.
pub async fn submit(
    store: &Store,
    actor: &Actor,
    sub: &Submission<'_>,
    policy: &TargetPolicy,
) -> AppResult<VerificationRow> {
    let today = chrono::Utc::now().date_naive();
    let config = Configuration::parse(sub.service.verification_type, sub.configuration, today)
        .map_err(AppError::InvalidFields)?;
    let (webhook_url, metadata, secret) = webhook(sub, policy)?;
    let folder = reachable(store, actor, sub.folder_id).await?;
    let now = now_ms();
    let mut tx = store.begin().await?;
    let result_id = match sub.result_id {
        Some(id) => {
            // A UUID the tenant has not used names a new group of its own ("optional result ID
            // to group verifications"); another tenant's group stays a 404.
            if tx.result_group(&actor.org_id, id).await?.is_none() {
                tx.insert_result_group(id, &actor.org_id, &folder.id, now)
                    .await?;
            }
            let group = tx
                .result_group(&actor.org_id, id)
                .await?
                .ok_or(AppError::NotFound(Resource::ResultGroup))?;
            if group.folder_id != folder.id {
                return Err(AppError::invalid(
                    "result_id",
                    "belongs to another folder: a result group stays in one folder",
                ));
            }
            group.id
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            tx.insert_result_group(&id, &actor.org_id, &folder.id, now)
                .await?;
            id
        }
    };
    let files = resolve_files(&mut tx, actor, &config).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let cost = sub.service.credit_cost;
    let input = serde_json::json!({
        "service": sub.service.code,
        "verification_id": id,
        "result_id": result_id,
    });
    let service = ledger_service(sub.service.code);
    tx.apply_movement(&Movement {
        org_id: &actor.org_id,
        kind: LedgerKind::Debit,
        amount: cost,
        service: &service,
        reference_id: Some(&id),
        input: Some(&input),
        output: None,
    })
    .await??;
    let row = VerificationRow {
        id,
        org_id: actor.org_id.clone(),
        service_code: sub.service.code,
        folder_id: folder.id.clone(),
        result_id,
        user_id: actor.user_id.clone(),
        api_key_id: actor.api_key_id.clone(),
        status: VerificationStatus::InQueue,
        input_config: config.to_json().to_string(),
        output: None,
        output_status: None,
        webhook_url,
        webhook_metadata: metadata.to_string(),
        webhook_secret: secret,
        credit_used: cost,
        total_files: files.len() as i64,
        total_pages: files.iter().map(|(_, _, u)| u.page_count).sum(),
        run: 1,
        start_date: None,
        end_date: None,
        created_at: now,
        updated_at: now,
    };
    tx.insert_verification(&row).await?;
    for (slot, position, upload) in &files {
        tx.insert_verification_file(&row.id, slot, *position, &upload.id)
            .await?;
    }
    plan_run(&mut tx, &row, &config, 1, now).await?;
    tx.bump_result_group(&row.result_id, now).await?;
    tx.touch_folder(&folder.id, &actor.label(), now).await?;
    tx.commit().await?;
    Ok(row)
}
