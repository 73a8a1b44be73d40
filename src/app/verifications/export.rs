//! A result group as a spreadsheet: one row per verification, its output flattened into
//! columns (`output.face_match_confidence_score`, `output.ktp.nik` …). The file is named by
//! the group's version, which grows with every change to the group, so a changed group gets a
//! new file the first time its export is fetched, and an unchanged one is served as kept.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::Value;

use crate::app::auth::Actor;
use crate::app::folders::reachable;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::services::by_code;
use crate::domain::time::format_iso;
use crate::domain::verifications::{Cell, flatten};
use crate::files::FileStore;
use crate::store::verifications::VerificationRow;
use crate::store::{Store, decode_json};

/// Where a group's export of `version` is kept.
pub fn export_key(org_id: &str, result_id: &str, version: i64) -> String {
    format!("exports/{org_id}/{result_id}/v{version}.xlsx")
}

const FIXED: &[&str] = &[
    "id",
    "service",
    "status",
    "output_status",
    "folder_id",
    "result_id",
    "user_id",
    "api_key",
    "credit_used",
    "total_files",
    "total_pages",
    "execution_time",
    "start_date",
    "end_date",
    "created_at",
    "updated_at",
];

fn fixed_cells(row: &VerificationRow) -> Vec<Cell> {
    let text = |s: &str| Cell::Text(s.to_string());
    let optional = |s: &Option<String>| s.as_deref().map(text).unwrap_or(Cell::Empty);
    let time = |ms: Option<i64>| ms.map(|t| Cell::Text(format_iso(t))).unwrap_or(Cell::Empty);
    vec![
        text(&row.id),
        text(by_code(row.service_code).name),
        text(row.status.as_str()),
        row.output_status
            .map(|s| text(s.as_str()))
            .unwrap_or(Cell::Empty),
        text(&row.folder_id),
        text(&row.result_id),
        optional(&row.user_id),
        optional(&row.api_key_id),
        Cell::Number(row.credit_used as f64),
        Cell::Number(row.total_files as f64),
        Cell::Number(row.total_pages as f64),
        match (row.start_date, row.end_date) {
            (Some(s), Some(e)) => Cell::Number((e - s) as f64 / 1000.0),
            _ => Cell::Empty,
        },
        time(row.start_date),
        time(row.end_date),
        time(Some(row.created_at)),
        time(Some(row.updated_at)),
    ]
}

/// Columns in one sheet (the format's limit).
const MAX_COLUMNS: u16 = 16_384;
/// Characters in one cell (the format's limit).
const MAX_CELL_CHARS: usize = 32_767;

/// A text within a cell's limit (a longer one is cut, marked with an ellipsis).
fn fit_cell(text: &str) -> String {
    match text.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn workbook(rows: &[VerificationRow]) -> AppResult<Vec<u8>> {
    let mut flattened = Vec::with_capacity(rows.len());
    let mut columns = BTreeSet::new();
    for row in rows {
        let output: Value = match &row.output {
            Some(text) => decode_json("verification output", text)?,
            None => Value::Null,
        };
        let cells: BTreeMap<String, Cell> = flatten(&output);
        columns.extend(cells.keys().cloned());
        flattened.push(cells);
    }
    // A sheet holds 16,384 columns: outputs with more keys than fit (rows written before their
    // output was bounded) keep the first ones, and a last column counts the ones left out;
    // the whole output stays in the verification's output file.
    let room = usize::from(MAX_COLUMNS) - FIXED.len() - 1;
    let omitted_any = columns.len() > room;
    let columns: Vec<String> = columns.into_iter().take(room).collect();
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        sheet.set_name("Verifications")?;
        let headers: Vec<String> = FIXED
            .iter()
            .map(|h| h.to_string())
            .chain(columns.iter().map(|c| format!("output.{c}")))
            .chain(omitted_any.then(|| "output_columns_omitted".to_string()))
            .collect();
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, fit_cell(header), &bold)?;
        }
        for (i, (row, output)) in rows.iter().zip(&flattened).enumerate() {
            let r = (i + 1) as u32;
            let kept = columns.iter().filter(|c| output.contains_key(*c)).count();
            let omitted = omitted_any.then(|| Cell::Number((output.len() - kept) as f64));
            let cells = fixed_cells(row)
                .into_iter()
                .chain(
                    columns
                        .iter()
                        .map(|c| output.get(c).cloned().unwrap_or(Cell::Empty)),
                )
                .chain(omitted);
            for (col, cell) in cells.enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Text(s) => {
                        sheet.write_string(r, col, fit_cell(&s))?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, col, n)?;
                    }
                    Cell::Bool(b) => {
                        sheet.write_boolean(r, col, b)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.autofit();
        book.save_to_buffer()
    };
    build().map_err(AppError::internal)
}

/// The group's spreadsheet for a caller (`Some`) or a signed link (`None`), made again when the
/// group changed since the last one.
pub async fn export(
    store: &Store,
    files: &FileStore,
    actor: Option<&Actor>,
    result_id: &str,
) -> AppResult<Vec<u8>> {
    let group = match actor {
        Some(actor) => {
            let group = store
                .result_group(&actor.org_id, result_id)
                .await?
                .ok_or(AppError::NotFound(Resource::ResultGroup))?;
            reachable(store, actor, &group.folder_id).await?;
            group
        }
        None => store
            .result_group_any(result_id)
            .await?
            .ok_or(AppError::NotFound(Resource::ResultGroup))?,
    };
    let key = export_key(&group.org_id, &group.id, group.version);
    if let Some(bytes) = files.get(&key).await.map_err(AppError::internal)? {
        return Ok(bytes);
    }
    let rows = store.all_group_verifications(&group.id).await?;
    let bytes = tokio::task::spawn_blocking(move || workbook(&rows))
        .await
        .map_err(AppError::internal)??;
    files
        .put(&key, bytes.clone())
        .await
        .map_err(AppError::internal)?;
    Ok(bytes)
}
