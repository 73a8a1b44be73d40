//! Column codecs for the domain's word-valued states ([`TextState`]): each is written as its word
//! and read back through its one `parse`; an unknown word in a row is an error, never a default.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};

use crate::domain::state::TextState;

fn decode_word<T: TextState>(text: &str) -> Result<T, BoxDynError> {
    T::parse(text).ok_or_else(|| format!("unknown {} {text:?} in the database", T::NAME).into())
}

macro_rules! text_columns {
    ($($ty:ty),+ $(,)?) => {$(
        text_columns!(@backend $ty, Sqlite);
        text_columns!(@backend $ty, Postgres);
    )+};
    (@backend $ty:ty, $db:ident) => {
        impl Type<$db> for $ty {
            fn type_info() -> <$db as Database>::TypeInfo {
                <&str as Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as Database>::TypeInfo) -> bool {
                <&str as Type<$db>>::compatible(ty)
            }
        }
        impl<'q> Encode<'q, $db> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <$db as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, $db>>::encode(TextState::as_str(*self), buf)
            }
        }
        impl<'r> Decode<'r, $db> for $ty {
            fn decode(value: <$db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                decode_word(<&str as Decode<'r, $db>>::decode(value)?)
            }
        }
    };
}

use crate::domain::api_keys::KeyState;
use crate::domain::bureau::BureauOutcome;
use crate::domain::cases::{AuditDecision, CaseStatus, CheckResult, CheckStatus, ReportFormat};
use crate::domain::credits::LedgerKind;
use crate::domain::events::EventType;
use crate::domain::gst::GstStatus;
use crate::domain::jobs::JobState;
use crate::domain::services::ServiceCode;
use crate::domain::users::Role;
use crate::domain::verifications::{
    FileCategory, OutputStatus, StageKind, StageStatus, VerificationStatus,
};
use crate::screening::model::ListKind;

text_columns!(
    CheckResult,
    CaseStatus,
    CheckStatus,
    AuditDecision,
    KeyState,
    LedgerKind,
    EventType,
    GstStatus,
    JobState,
    BureauOutcome,
    Role,
    ServiceCode,
    VerificationStatus,
    OutputStatus,
    StageKind,
    StageStatus,
    FileCategory,
    ListKind,
    ReportFormat,
);
