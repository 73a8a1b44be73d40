//! Reads of one case as the handlers show it.

use crate::app::{AppError, AppResult, Resource};
use crate::store::Store;
use crate::store::cases::CaseView;

/// The organisation's case, with its checks (`None` for another organisation's).
pub async fn view(store: &Store, org_id: &str, case_id: &str) -> AppResult<Option<CaseView>> {
    Ok(store.case_view(org_id, case_id).await?)
}

/// A case named by a signed link, whichever organisation it belongs to; not found as a file.
pub async fn view_for_link(store: &Store, case_id: &str) -> AppResult<CaseView> {
    let org_id = store
        .case_org(case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::File))?;
    store
        .case_view(&org_id, case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::File))
}
