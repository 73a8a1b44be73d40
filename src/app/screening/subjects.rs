//! Reads of the organisation's watched subjects.

use crate::app::{AppError, AppResult, Resource};
use crate::store::Store;
use crate::store::screening::SubjectRow;

/// One of the organisation's watched subjects (not found for another organisation's).
pub async fn subject(store: &Store, org_id: &str, id: &str) -> AppResult<SubjectRow> {
    store
        .subject(org_id, id)
        .await?
        .ok_or(AppError::NotFound(Resource::ScreeningSubject))
}

/// The organisation's watched subjects, newest first, optionally of one case.
pub async fn subjects(
    store: &Store,
    org_id: &str,
    case_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<SubjectRow>> {
    Ok(store.subjects(org_id, case_id, limit, offset).await?)
}
