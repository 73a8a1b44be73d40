//! Validated identifier types.
//!
//! Raw strings are parsed into these types once, at the HTTP boundary; code
//! that holds an `Aadhaar`, `Pan`, ... can rely on it being well formed and
//! never re-checks the string. Each type keeps its normalised form, which is
//! what `Display`/`Serialize` emit (except for Aadhaar and VID, whose
//! `Display`/`Debug` are masked so they cannot leak into logs by accident).
//!
//! The rules enforced, and where they deliberately differ from
//! python-stdnum, are documented in `docs/identifiers.md`.

mod aadhaar;
pub mod checksum;
mod driving_licence;
mod epic;
mod error;
mod gstin;
mod ifsc;
mod mobile;
mod nik;
mod pan;
mod passport;
mod uan;

pub use aadhaar::{Aadhaar, AadhaarVid};
pub use driving_licence::DrivingLicence;
pub use epic::Epic;
pub use error::{IdError, IdKind};
pub use gstin::Gstin;
pub use ifsc::Ifsc;
pub use mobile::Mobile;
pub use nik::{Gender, Nik};
pub use pan::{Pan, PanHolderType};
pub use passport::Passport;
pub use uan::Uan;

/// The latest calendar date in use anywhere right now (UTC+14).
///
/// Date-dependent rules ("year not in the future", NIK century) use this so
/// that a value which is valid in the holder's own time zone is never
/// rejected just because our server's clock is in an earlier zone.
fn today_anywhere() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(14)).date_naive()
}

/// True when every character is an ASCII digit (and there is at least one).
fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Implements `Display`, `Serialize`, `Deserialize` (by parsing), `FromStr` and `AsRef<str>` for a
/// string-backed identifier whose normalised form is not sensitive.
macro_rules! plain_string_id {
    ($ty:ty) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Parses the string again, so a stored value is as valid as a submitted one.
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = super::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}
use plain_string_id;

#[cfg(test)]
mod tests_stdnum_agreement;

#[cfg(test)]
mod tests_support {
    use std::fmt;

    /// What `Serialize` writes for a value that serialises as a plain
    /// string, without pulling a JSON crate into the module's tests
    /// (serde implements `Serializer` for `fmt::Formatter`).
    pub fn serialized<T: serde::Serialize>(value: &T) -> String {
        struct Via<'a, T>(&'a T);
        impl<T: serde::Serialize> fmt::Display for Via<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.serialize(f)
            }
        }
        Via(value).to_string()
    }
}
