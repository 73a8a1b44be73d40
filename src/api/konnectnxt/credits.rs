//! `GET /api/v2/credits/transactions`: the caller's ledger, filtered and paged. Free.

use axum::extract::State;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use serde::Serialize;

use super::ApiKeyAuth;
use super::envelope::{ApiError, ApiResult, Envelope};
use super::extract::QueryParams;
use crate::api::AppState;
use crate::app::credits;
use crate::domain::time::{IST, format_timestamp};
use crate::store::credits::{LedgerFilter, LedgerKind, LedgerRow};
use crate::store::{StoreError, decode_json};

const DEFAULT_PER_PAGE: i64 = 100;
const MAX_PER_PAGE: i64 = 500;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Transaction {
    pub transaction_id: String,
    #[schema(value_type = String)]
    pub transaction_type: LedgerKind,
    /// Always positive; `transaction_type` gives the direction.
    pub amount: i64,
    pub balance_after: i64,
    pub service: String,
    pub reference_id: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pagination {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub total_pages: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransactionsPage {
    pub transactions: Vec<Transaction>,
    pub pagination: Pagination,
    pub credits_remaining: i64,
}

/// Validated query of the listing.
#[derive(Debug, PartialEq)]
pub(crate) struct TransactionsQuery {
    pub filter: LedgerFilter,
    pub page: i64,
    pub per_page: i64,
    pub include_input: bool,
    pub include_output: bool,
}

impl PartialEq for LedgerFilter {
    fn eq(&self, other: &Self) -> bool {
        (self.from_ms, self.to_ms, self.kind, self.offset, self.limit)
            == (
                other.from_ms,
                other.to_ms,
                other.kind,
                other.offset,
                other.limit,
            )
    }
}

/// Dates are calendar days in India Standard Time, `DD-MM-YYYY`, both ends inclusive.
fn parse_day(params: &QueryParams, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    params
        .get(name)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%d-%m-%Y").map_err(|_| {
                ApiError::bad_request(format!("Invalid {name}: expected DD-MM-YYYY, got '{v}'."))
            })
        })
        .transpose()
}

fn day_start_ms(day: NaiveDate, tz: &FixedOffset) -> Option<i64> {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.timestamp_millis())
}

fn parse_flag(params: &QueryParams, name: &str) -> Result<bool, ApiError> {
    match params.get(name).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(ApiError::bad_request(format!(
            "{name} must be true or false."
        ))),
    }
}

fn parse_int(
    params: &QueryParams,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ApiError> {
    match params.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                if max == i64::MAX {
                    ApiError::bad_request(format!(
                        "{name} must be an integer greater than or equal to {min}."
                    ))
                } else {
                    ApiError::bad_request(format!(
                        "{name} must be an integer between {min} and {max}."
                    ))
                }
            }),
    }
}

pub(crate) fn parse_query(params: &QueryParams) -> Result<TransactionsQuery, ApiError> {
    let start = parse_day(params, "start_date")?;
    let end = parse_day(params, "end_date")?;
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        return Err(ApiError::bad_request(
            "start_date must not be after end_date.",
        ));
    }
    let kind = params
        .get("transaction_type")
        .map(|v| {
            LedgerKind::parse(&v.to_ascii_lowercase()).ok_or_else(|| {
                ApiError::bad_request(
                    "Invalid transaction_type. Allowed values: credit, debit, refund, purchase, deduction.",
                )
            })
        })
        .transpose()?;
    let page = parse_int(params, "page", 1, 1, i64::MAX)?;
    let per_page = parse_int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let offset = (page - 1)
        .checked_mul(per_page)
        .ok_or_else(|| ApiError::bad_request("page is too large."))?;
    Ok(TransactionsQuery {
        filter: LedgerFilter {
            from_ms: start.and_then(|d| day_start_ms(d, &IST)),
            to_ms: end
                .and_then(|d| d.succ_opt())
                .and_then(|d| day_start_ms(d, &IST)),
            kind,
            offset,
            limit: per_page,
        },
        page,
        per_page,
        include_input: parse_flag(params, "include_input")?,
        include_output: parse_flag(params, "include_output")?,
    })
}

fn to_transaction(row: LedgerRow, q: &TransactionsQuery) -> Result<Transaction, StoreError> {
    let json = |what, s: Option<String>| s.map(|s| decode_json(what, &s)).transpose();
    Ok(Transaction {
        transaction_id: row.id,
        transaction_type: row.kind,
        amount: row.amount.abs(),
        balance_after: row.balance_after,
        service: row.service,
        reference_id: row.reference_id,
        created_at: format_timestamp(row.created_at),
        input: if q.include_input {
            json("ledger input", row.input)?
        } else {
            None
        },
        output: if q.include_output {
            json("ledger output", row.output)?
        } else {
            None
        },
    })
}

/// List credit transactions
#[utoipa::path(
    get, path = "/api/v2/credits/transactions", tag = "credits",
    params(
        ("start_date" = Option<String>, Query, example = "01-01-2026", description = "DD-MM-YYYY (IST), inclusive."),
        ("end_date" = Option<String>, Query, example = "31-01-2026", description = "DD-MM-YYYY (IST), inclusive; not before start_date."),
        ("transaction_type" = Option<String>, Query, description = "credit, debit, refund, purchase or deduction; case-insensitive."),
        ("page" = Option<i64>, Query, minimum = 1, description = "Default 1."),
        ("per_page" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Default 100."),
        ("include_input" = Option<bool>, Query, description = "true|false|1|0; default false."),
        ("include_output" = Option<bool>, Query, description = "true|false|1|0; default false."),
    ),
    operation_id = "listCreditTransactions", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The page of the ledger", body = Envelope<TransactionsPage>),
        (status = 400, description = "A query parameter is invalid"),
    )
)]
pub async fn transactions(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<TransactionsPage> {
    let query = parse_query(&params)?;
    let (rows, total) = credits::ledger(&state.store, &auth.org_id, &query.filter).await?;
    let remaining = credits::balance(&state.store, &auth.org_id).await?;
    let transactions = rows
        .into_iter()
        .map(|r| to_transaction(r, &query))
        .collect::<Result<Vec<_>, _>>()?;
    let page = TransactionsPage {
        transactions,
        pagination: Pagination {
            page: query.page,
            per_page: query.per_page,
            total,
            total_pages: (total + query.per_page - 1) / query.per_page,
        },
        credits_remaining: remaining,
    };
    Ok(Envelope::ok("Credit transactions fetched successfully.", page).with_credits(0, remaining))
}
