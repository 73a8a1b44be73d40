//! Folders: where a group keeps its verifications, with counts of the services used and the
//! result groups in them.

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, with_conn};

#[derive(Debug, Clone, FromRow)]
pub struct FolderRow {
    pub id: String,
    pub org_id: String,
    pub group_id: String,
    pub group_name: String,
    pub name: String,
    pub is_starred: bool,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub updated_by: String,
    pub total_service: i64,
    pub total_result: i64,
}

/// A folder to create.
pub struct NewFolder<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub group_id: &'a str,
    pub name: &'a str,
    pub actor: &'a str,
    pub now: i64,
}

/// A page of a group's folders.
pub struct FolderFilter<'a> {
    /// A case-insensitive substring of the name.
    pub search: Option<&'a str>,
    pub offset: i64,
    pub limit: i64,
}

/// A folder with its group's name and its counts; the statements below add the condition.
macro_rules! folder_select {
    () => {
        "
    SELECT f.id, f.org_id, f.group_id, g.name AS group_name, f.name, f.is_starred, f.created_at,
           f.created_by, f.updated_at, f.updated_by,
           (SELECT COUNT(DISTINCT v.service_code) FROM verifications v
             WHERE v.folder_id = f.id) AS total_service,
           (SELECT COUNT(*) FROM result_groups r WHERE r.folder_id = f.id) AS total_result
    FROM folders f JOIN user_groups g ON g.id = f.group_id"
    };
}

/// `%…%` with the pattern characters of `search` escaped (`\` escapes).
fn like_pattern(search: &str) -> String {
    let escaped = search
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Tx {
    /// Creates a folder; `Ok(false)` when the group has one of that name already.
    pub async fn insert_folder(&mut self, folder: &NewFolder<'_>) -> StoreResult<bool> {
        on_tx!(self, |conn| {
            let done = sqlx::query(INSERT_FOLDER)
                .bind(folder.id)
                .bind(folder.org_id)
                .bind(folder.group_id)
                .bind(folder.name)
                .bind(folder.now)
                .bind(folder.actor)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// The organisation's folder (another tenant's is `None`).
    pub async fn folder(
        &mut self,
        org_id: &str,
        folder_id: &str,
    ) -> StoreResult<Option<FolderRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, FolderRow>(FOLDER)
                .bind(folder_id)
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// Marks the folder changed by `actor` at `now`.
    pub async fn touch_folder(
        &mut self,
        folder_id: &str,
        actor: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(TOUCH_FOLDER)
                .bind(folder_id)
                .bind(now)
                .bind(actor)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }
}

impl super::Store {
    pub async fn folder(&self, org_id: &str, folder_id: &str) -> StoreResult<Option<FolderRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, FolderRow>(FOLDER)
                .bind(folder_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// A page of the group's folders, newest first, and how many match in all.
    pub async fn group_folders(
        &self,
        group_id: &str,
        filter: &FolderFilter<'_>,
    ) -> StoreResult<(Vec<FolderRow>, i64)> {
        let pattern = filter.search.map(like_pattern);
        with_conn!(self, |pool| {
            let (total,): (i64,) = sqlx::query_as(GROUP_FOLDERS_COUNT)
                .bind(group_id)
                .bind(pattern.as_deref())
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as::<_, FolderRow>(GROUP_FOLDERS_PAGE)
                .bind(group_id)
                .bind(pattern.as_deref())
                .bind(filter.limit)
                .bind(filter.offset)
                .fetch_all(pool)
                .await?;
            Ok((rows, total))
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

const INSERT_FOLDER: &str =
    "INSERT INTO folders (id, org_id, group_id, name, is_starred, created_at,
                          created_by, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, FALSE, $5, $6, $5, $6)
     ON CONFLICT (group_id, name) DO NOTHING";

pub(super) const TOUCH_FOLDER: &str =
    "UPDATE folders SET updated_at = $2, updated_by = $3 WHERE id = $1";

pub(super) const FOLDER: &str = concat!(folder_select!(), " WHERE f.id = $1 AND f.org_id = $2");

pub(super) const GROUP_FOLDERS_COUNT: &str = "SELECT COUNT(*) FROM folders f
     WHERE f.group_id = $1 AND ($2 IS NULL OR LOWER(f.name) LIKE $2 ESCAPE '\\')";

pub(super) const GROUP_FOLDERS_PAGE: &str = concat!(
    folder_select!(),
    " WHERE f.group_id = $1 AND ($2 IS NULL OR LOWER(f.name) LIKE $2 ESCAPE '\\')
     ORDER BY f.created_at DESC, f.id LIMIT $3 OFFSET $4"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern("Q1_100%"), "%q1\\_100\\%%");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
    }
}
