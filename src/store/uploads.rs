//! Uploaded files: one row per file, its bytes in the file store under `storage_key`.

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, with_conn};
use crate::domain::verifications::FileCategory;

#[derive(Debug, Clone, FromRow)]
pub struct UploadRow {
    pub id: String,
    pub org_id: String,
    pub object_id: String,
    pub file_category: FileCategory,
    pub path: String,
    pub storage_key: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub page_count: i64,
    pub original_name: String,
    pub password_sealed: Option<String>,
    pub uploaded_by: String,
    pub created_at: i64,
    /// The group a group user uploaded for; `None` for the organisation's owner or API key.
    pub group_id: Option<String>,
}

impl Tx {
    pub async fn insert_upload(&mut self, row: &UploadRow) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_UPLOAD)
                .bind(&row.id)
                .bind(&row.org_id)
                .bind(&row.object_id)
                .bind(row.file_category)
                .bind(&row.path)
                .bind(&row.storage_key)
                .bind(&row.content_type)
                .bind(row.size_bytes)
                .bind(row.page_count)
                .bind(&row.original_name)
                .bind(&row.password_sealed)
                .bind(&row.uploaded_by)
                .bind(row.created_at)
                .bind(&row.group_id)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// The organisation's file at `path`, if any (another tenant's is `None`).
    pub async fn upload_by_path(
        &mut self,
        org_id: &str,
        path: &str,
    ) -> StoreResult<Option<UploadRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, UploadRow>(UPLOAD_BY_PATH)
                .bind(path)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }
}

impl super::Store {
    /// Any tenant's file, by id (for a signed link, or to check the tenant afterwards).
    pub async fn upload(&self, id: &str) -> StoreResult<Option<UploadRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, UploadRow>(UPLOAD)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const INSERT_UPLOAD: &str =
    "INSERT INTO uploads (id, org_id, object_id, file_category, path, storage_key,
     content_type, size_bytes, page_count, original_name,
     password_sealed, uploaded_by, created_at, group_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

pub(super) const UPLOAD_BY_PATH: &str = "SELECT * FROM uploads WHERE path = $1 AND org_id = $2";

pub(super) const UPLOAD: &str = "SELECT * FROM uploads WHERE id = $1";
