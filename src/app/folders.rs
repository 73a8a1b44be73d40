//! Folders: created in a group the caller reaches, listed per group.

use crate::app::auth::Actor;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::text::{TextError, limits};
use crate::store::folders::{FolderFilter, FolderRow, NewFolder};
use crate::store::users::GroupRow;
use crate::store::{Store, Tx, now_ms};

/// The longest folder name.
pub const MAX_NAME: usize = limits::FOLDER_NAME.max_chars;

/// The group a request names (it must be the organisation's, 404 otherwise, and one the caller
/// reaches, 403 otherwise), or the caller's own: a group user's first group, else the
/// organisation's default group.
pub async fn group_for(
    store: &Store,
    actor: &Actor,
    group_id: Option<&str>,
) -> AppResult<GroupRow> {
    match group_id {
        Some(id) => {
            let group = store
                .group(&actor.org_id, id)
                .await?
                .ok_or(AppError::NotFound(Resource::Group))?;
            if !actor.access.reaches_group(&group.id) {
                return Err(AppError::Forbidden(
                    "You are not a member of this group.".into(),
                ));
            }
            Ok(group)
        }
        None => match &actor.access {
            crate::domain::users::Access::Organisation => {
                Ok(store.default_group(&actor.org_id).await?)
            }
            crate::domain::users::Access::Groups(groups) => {
                let Some(first) = groups.first() else {
                    return Err(AppError::Forbidden("You belong to no group.".into()));
                };
                store
                    .group(&actor.org_id, first)
                    .await?
                    .ok_or(AppError::NotFound(Resource::Group))
            }
        },
    }
}

/// Creates a folder named `name` (trimmed, 1–100 characters, unique in its group).
pub async fn create(
    store: &Store,
    actor: &Actor,
    group_id: Option<&str>,
    name: &str,
) -> AppResult<FolderRow> {
    let name = match limits::FOLDER_NAME.parse(name) {
        Ok(Some(name)) => name,
        Err(TextError::ControlCharacter) => {
            return Err(AppError::invalid(
                "name",
                TextError::ControlCharacter.to_string(),
            ));
        }
        Ok(None) | Err(TextError::TooLong(_)) => {
            return Err(AppError::invalid(
                "name",
                format!("must be 1 to {MAX_NAME} characters"),
            ));
        }
    };
    let name = name.as_str();
    let group = group_for(store, actor, group_id).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let label = actor.label();
    let mut tx = store.begin().await?;
    let created = tx
        .insert_folder(&NewFolder {
            id: &id,
            org_id: &actor.org_id,
            group_id: &group.id,
            name,
            actor: &label,
            now: now_ms(),
        })
        .await?;
    if !created {
        return Err(AppError::AlreadyExists(format!(
            "A folder named '{name}' already exists in this group."
        )));
    }
    let folder = tx
        .folder(&actor.org_id, &id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("folder vanished")))?;
    tx.commit().await?;
    Ok(folder)
}

/// A page of a group's folders.
pub async fn list(
    store: &Store,
    actor: &Actor,
    group_id: &str,
    filter: &FolderFilter<'_>,
) -> AppResult<(Vec<FolderRow>, i64)> {
    let group = group_for(store, actor, Some(group_id)).await?;
    Ok(store.group_folders(&group.id, filter).await?)
}

/// A folder the caller may work in: the organisation's (404 otherwise) and in a group the
/// caller reaches (403 otherwise).
pub async fn reachable(store: &Store, actor: &Actor, folder_id: &str) -> AppResult<FolderRow> {
    may_work_in(actor, store.folder(&actor.org_id, folder_id).await?)
}

/// As [`reachable`], read through the caller's open transaction.
pub async fn reachable_in(tx: &mut Tx, actor: &Actor, folder_id: &str) -> AppResult<FolderRow> {
    may_work_in(actor, tx.folder(&actor.org_id, folder_id).await?)
}

fn may_work_in(actor: &Actor, folder: Option<FolderRow>) -> AppResult<FolderRow> {
    let folder = folder.ok_or(AppError::NotFound(Resource::Folder))?;
    if !actor.access.reaches_group(&folder.group_id) {
        return Err(AppError::Forbidden(
            "This folder belongs to a group you are not a member of.".into(),
        ));
    }
    Ok(folder)
}
