//! Uploads: files recognised by their bytes (JPEG, PNG, PDF), PDF pages counted, stored in the
//! file store and recorded for the organisation in one transaction. Each file arrives spooled to
//! disk (`files::spool`); what is read into memory holds the process's upload budget.

use crate::app::auth::Actor;
use crate::app::links::Links;
use crate::app::{AppError, AppResult};
use crate::crypto::Vault;
use crate::domain::FieldIssue;
use crate::domain::users::Access;
use crate::domain::verifications::FileCategory;
use crate::files::FileStore;
use crate::files::kind::{FileKind, pdf_page_count};
use crate::files::spool::{Spooled, UploadBudget};
use crate::store::uploads::UploadRow;
use crate::store::{Store, now_ms};

/// One file as received.
pub struct IncomingFile {
    pub name: String,
    pub spooled: Spooled,
    /// The password of an encrypted PDF (`file_passwords[]`, same position).
    pub password: Option<String>,
}

/// One file as stored.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub id: String,
    pub path: String,
    pub kind: FileKind,
    pub page_count: i64,
}

#[derive(Debug, Clone)]
pub struct Uploaded {
    pub object_id: String,
    pub file_category: FileCategory,
    pub files: Vec<StoredFile>,
}

/// The path a client names a file by, and the link path it is served at.
pub fn client_path(id: &str, kind: FileKind) -> String {
    format!("/uploads/{id}.{}", kind.extension())
}

pub fn link_path(id: &str, kind: FileKind) -> String {
    format!("/files/uploads/{id}.{}", kind.extension())
}

/// A signed, expiring link to an uploaded file.
pub fn signed_url(links: &Links, row: &UploadRow) -> String {
    let ext = row.path.rsplit('.').next().unwrap_or("bin");
    links.url(&format!("/files/uploads/{}.{ext}", row.id))
}

/// The group an upload is made for: a group user's first group; the organisation's (`None`)
/// for its owner or API key.
fn upload_group(actor: &Actor) -> Option<String> {
    match &actor.access {
        Access::Organisation => None,
        Access::Groups(groups) => groups.first().cloned(),
    }
}

/// A group user may read and submit only their groups' uploads (403, as for outputs).
pub(crate) fn may_use(actor: &Actor, row: &UploadRow) -> AppResult<()> {
    if actor.access.reaches_upload(row.group_id.as_deref()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "This file was uploaded for a group you are not a member of.".into(),
        ))
    }
}

/// Checks every file (all problems reported), then stores the bytes and records the files.
pub async fn upload(
    store: &Store,
    files: &FileStore,
    budget: &UploadBudget,
    vault: &Vault,
    actor: &Actor,
    category: FileCategory,
    incoming: Vec<IncomingFile>,
) -> AppResult<Uploaded> {
    let mut issues = Vec::new();
    let mut accepted = Vec::new();
    for (i, file) in incoming.into_iter().enumerate() {
        let field = format!("files[{i}]");
        let Some(kind) = FileKind::detect(file.spooled.head()) else {
            issues.push(FieldIssue::new(
                field,
                "is not a JPEG, PNG or PDF file (files are recognised by their content)",
            ));
            continue;
        };
        if category == FileCategory::ProfilePicture && !kind.is_image() {
            issues.push(FieldIssue::new(field, "must be a JPEG or PNG image"));
            continue;
        }
        let page_count = if kind == FileKind::Pdf {
            let _held = budget.reserve(file.spooled.size()).await;
            let bytes = file.spooled.read_all().map_err(AppError::internal)?;
            let password = file.password.clone();
            let counted =
                tokio::task::spawn_blocking(move || pdf_page_count(&bytes, password.as_deref()))
                    .await
                    .map_err(AppError::internal)?;
            match counted {
                Ok(pages) => i64::from(pages),
                Err(e) => {
                    issues.push(FieldIssue::new(field, e.to_string()));
                    continue;
                }
            }
        } else {
            1
        };
        accepted.push((file, kind, page_count));
    }
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    let object_id = uuid::Uuid::new_v4().to_string();
    let now = now_ms();
    let mut rows = Vec::with_capacity(accepted.len());
    for (file, kind, page_count) in accepted {
        let id = uuid::Uuid::new_v4().to_string();
        let storage_key = format!("uploads/{}/{id}.{}", actor.org_id, kind.extension());
        let size = i64::try_from(file.spooled.size()).unwrap_or(i64::MAX);
        files
            .put_spooled(&storage_key, &file.spooled, budget)
            .await
            .map_err(AppError::internal)?;
        rows.push(UploadRow {
            path: client_path(&id, kind),
            id,
            org_id: actor.org_id.clone(),
            object_id: object_id.clone(),
            file_category: category,
            storage_key,
            content_type: kind.content_type().to_string(),
            size_bytes: size,
            page_count,
            original_name: file.name.chars().take(255).collect(),
            password_sealed: file
                .password
                .filter(|p| !p.is_empty())
                .map(|p| vault.seal(&p)),
            uploaded_by: actor.label(),
            created_at: now,
            group_id: upload_group(actor),
        });
    }
    let mut tx = store.begin().await?;
    for row in &rows {
        tx.insert_upload(row).await?;
    }
    tx.commit().await?;
    Ok(Uploaded {
        object_id,
        file_category: category,
        files: rows
            .into_iter()
            .map(|row| StoredFile {
                kind: FileKind::from_extension(row.path.rsplit('.').next().unwrap_or(""))
                    .unwrap_or(FileKind::Jpeg),
                id: row.id,
                path: row.path,
                page_count: row.page_count,
            })
            .collect(),
    })
}

/// An uploaded file's bytes, for a caller of `org_id` (another tenant's file is not found) or,
/// with `org_id` `None`, for a signed link.
pub async fn read(
    store: &Store,
    files: &FileStore,
    reader: Option<&Actor>,
    id: &str,
) -> AppResult<(UploadRow, Vec<u8>)> {
    let not_found = || AppError::NotFound(crate::app::Resource::File);
    let row = store
        .upload(id)
        .await?
        .filter(|row| reader.is_none_or(|actor| actor.org_id == row.org_id))
        .ok_or_else(not_found)?;
    if let Some(actor) = reader {
        may_use(actor, &row)?;
    }
    let bytes = files
        .get(&row.storage_key)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(not_found)?;
    Ok((row, bytes))
}
