//! Reading verifications: one, or a page of a result group with the group's `overall_status`.
//! A verification is reached through its folder: another tenant's is not found, another
//! group's (for a group user) is forbidden.

use crate::app::auth::Actor;
use crate::app::folders::reachable;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::verifications::{VerificationStatus, overall_status};
use crate::files::FileStore;
use crate::store::Store;
use crate::store::verifications::{StageRow, VerificationFile, VerificationRow};

use super::pipeline::output_key;

/// A verification with what its item shows: its input files and the stages of its run.
#[derive(Debug, Clone)]
pub struct Detail {
    pub row: VerificationRow,
    pub files: Vec<VerificationFile>,
    pub stages: Vec<StageRow>,
}

pub struct GroupPage {
    pub total: i64,
    pub overall_status: VerificationStatus,
    pub items: Vec<Detail>,
}

async fn detail(store: &Store, row: VerificationRow) -> AppResult<Detail> {
    let files = store.verification_files(&row.id).await?;
    let stages = store.stages(&row.id, row.run).await?;
    Ok(Detail { row, files, stages })
}

/// One verification the caller may see.
pub async fn get(store: &Store, actor: &Actor, id: &str) -> AppResult<Detail> {
    let row = store
        .verification(&actor.org_id, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Verification))?;
    reachable(store, actor, &row.folder_id).await?;
    detail(store, row).await
}

/// A page of a result group, oldest first, with the status of the whole group.
pub async fn list(
    store: &Store,
    actor: &Actor,
    result_id: &str,
    offset: i64,
    limit: i64,
) -> AppResult<GroupPage> {
    let group = store
        .result_group(&actor.org_id, result_id)
        .await?
        .ok_or(AppError::NotFound(Resource::ResultGroup))?;
    reachable(store, actor, &group.folder_id).await?;
    let (rows, total) = store.group_verifications(&group.id, offset, limit).await?;
    let statuses = store.group_statuses(&group.id).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(detail(store, row).await?);
    }
    Ok(GroupPage {
        total,
        overall_status: overall_status(statuses),
        items,
    })
}

/// Whether the verification has an output file to link to.
pub fn output_file(row: &VerificationRow) -> bool {
    row.output.is_some()
}

/// The output file of a verification: for a caller of `org_id`, or (`None`) a signed link.
pub async fn read_output(
    store: &Store,
    files: &FileStore,
    actor: Option<&Actor>,
    id: &str,
) -> AppResult<Vec<u8>> {
    let not_found = || AppError::NotFound(Resource::File);
    let row = match actor {
        Some(actor) => {
            let row = store
                .verification(&actor.org_id, id)
                .await?
                .ok_or_else(not_found)?;
            reachable(store, actor, &row.folder_id).await?;
            row
        }
        None => store.verification_any(id).await?.ok_or_else(not_found)?,
    };
    if !output_file(&row) {
        return Err(not_found());
    }
    files
        .get(&output_key(&row.org_id, &row.id, row.run))
        .await
        .map_err(AppError::internal)?
        .ok_or_else(not_found)
}
