//! Request fields that never fail to deserialise. Each keeps what the client sent — nothing, a
//! `null`, a value of the wrong JSON type, or a value checked by its rule — so a request type
//! deserialises in one pass with serde and its `validate` step reports every field's problem in
//! the words of its surface (the vendors document exact messages, which serde's own errors are
//! not). Each field also describes itself in the OpenAPI document from the rule that checks it,
//! so the maxima a client reads are the maxima the server applies.
//!
//! A request type is a `#[derive(Deserialize, ToSchema)]` struct whose fields are these types,
//! each with `#[schema(schema_with = Type::schema)]` (the derive cannot see through their rule
//! parameters). A missing field reads as absent: each type deserialises through
//! `deserialize_option`, which serde answers with `None` for a field that is not there. The body
//! extractor reads the request through [`Root`], so a body that is not a JSON object is refused
//! before any field is looked at.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::state::TextState as Words;
use crate::domain::text::{ListRule, TextError, TextRule};

/// A text field's rule, as a type: `Text<Name>` is checked by `limits::NAME`.
pub trait Rule {
    const RULE: TextRule;
}

/// A list's rule, as a type: `List<Checks, _>` holds at most `limits::CHECKS.max_items` items.
pub trait Items {
    const RULE: ListRule;
}

/// Declares a marker type per rule in `domain::text::limits`.
macro_rules! rules {
    ($($marker:ident = $rule:ident),* $(,)?) => {$(
        #[doc = concat!("`limits::", stringify!($rule), "` as a type.")]
        pub struct $marker;
        impl Rule for $marker {
            const RULE: TextRule = crate::domain::text::limits::$rule;
        }
    )*};
}

macro_rules! list_rules {
    ($($marker:ident = $rule:ident),* $(,)?) => {$(
        #[doc = concat!("`limits::", stringify!($rule), "` as a type.")]
        #[derive(Default)]
        pub struct $marker;
        impl Items for $marker {
            const RULE: ListRule = crate::domain::text::limits::$rule;
        }
    )*};
}

/// A number field's bounds, as a type: `Number<Threshold>` takes 0 to 1.
pub trait Bounds {
    const MIN: f64;
    const MAX: f64;
    /// Only whole numbers (`5`, not `5.0`: JSON writes them apart).
    const WHOLE: bool;
}

/// Declares a marker type per number field's bounds.
macro_rules! number_rules {
    ($($(#[$doc:meta])* $marker:ident = ($min:expr, $max:expr, $whole:expr)),* $(,)?) => {$(
        $(#[$doc])*
        pub struct $marker;
        impl Bounds for $marker {
            const MIN: f64 = $min;
            const MAX: f64 = $max;
            const WHOLE: bool = $whole;
        }
    )*};
}

/// The rules of the request fields, one marker each.
pub mod rule {
    use super::{Bounds, Items, ListRule, Rule, TextRule};

    rules! {
        CheckType = CHECK_TYPE, Name = NAME, Email = EMAIL, Phone = PHONE, Dob = DOB,
        FatherName = FATHER_NAME, PermanentAddress = PERMANENT_ADDRESS, Address = ADDRESS,
        Pincode = PINCODE, Pan = PAN, AadhaarNumber = AADHAAR_NUMBER, Uan = UAN, Photo = PHOTO,
        EmployerName = EMPLOYER_NAME, Designation = DESIGNATION, StartDate = START_DATE,
        EndDate = END_DATE, Note = NOTE, OverrideType = OVERRIDE_TYPE, Remark = REMARK,
        MobileNumber = MOBILE_NUMBER, FullName = FULL_NAME, ConsentPurpose = CONSENT_PURPOSE,
        DocumentType = DOCUMENT_TYPE, IdValue = ID_VALUE, Gstin = GSTIN,
        ScreeningName = SCREENING_NAME, ScreeningDob = SCREENING_DOB,
        ScreeningCountry = SCREENING_COUNTRY, ScreeningEntityType = SCREENING_ENTITY_TYPE,
        WebhookUrl = WEBHOOK_URL, FolderName = FOLDER_NAME,
    }

    list_rules! {
        Checks = CHECKS, Candidates = CANDIDATES, Employers = EMPLOYERS,
        SandboxOutcomes = SANDBOX_OUTCOMES, Overrides = OVERRIDES,
    }

    number_rules! {
        /// A screening score threshold: 0 to 1.
        Threshold = (0.0, 1.0, false),
        /// How many screening matches to answer with: 1 to `search::MAX_LIMIT`.
        ScreeningLimit = (1.0, crate::app::screening::search::MAX_LIMIT as f64, true),
    }
}

/// What was wrong with a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A JSON value of another type than the field's.
    WrongType,
    /// A text that breaks its rule.
    Text(TextError),
}

/// The JSON type a value arrived as, for fields that echo what they were given.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    /// The number as JSON writes it.
    Number(String),
    Bool(bool),
    Null,
    /// An array or an object.
    Composite,
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Str(s) => f.write_str(s),
            Scalar::Number(n) => f.write_str(n),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Null => f.write_str("null"),
            Scalar::Composite => Ok(()),
        }
    }
}

/// Drains whatever a visitor did not want, so the rest of the body still parses.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The answer of a visitor for a value the field does not take.
macro_rules! wrong_scalars {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// A text field checked by its rule `R`: trimmed, no control characters, at most the maximum;
/// blank counts as absent.
pub struct Text<R> {
    state: TextState,
    rule: PhantomData<R>,
}

enum TextState {
    Absent,
    Valid(String),
    Refused(Problem),
}

impl<R> Default for Text<R> {
    fn default() -> Self {
        Text {
            state: TextState::Absent,
            rule: PhantomData,
        }
    }
}

impl<R: Rule> Text<R> {
    /// `Ok(None)` when absent, `null` or blank.
    pub fn get(&self) -> Result<Option<&str>, Problem> {
        match &self.state {
            TextState::Absent => Ok(None),
            TextState::Valid(text) => Ok(Some(text)),
            TextState::Refused(problem) => Err(problem.clone()),
        }
    }

    /// The field's value, owned.
    pub fn value(&self) -> Result<Option<String>, Problem> {
        self.get().map(|v| v.map(str::to_string))
    }

    pub fn field(&self) -> &'static str {
        R::RULE.field
    }

    fn of(state: TextState) -> Self {
        Text {
            state,
            rule: PhantomData,
        }
    }
}

impl<'de, R: Rule> Deserialize<'de> for Text<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<R>(PhantomData<R>);
        impl<'de, R: Rule> Visitor<'de> for V<R> {
            type Value = Text<R>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
                Ok(Text::of(match R::RULE.parse(raw) {
                    Ok(Some(text)) => TextState::Valid(text.into_string()),
                    Ok(None) => TextState::Absent,
                    Err(e) => TextState::Refused(Problem::Text(e)),
                }))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::of(TextState::Absent))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::of(TextState::Absent))
            }
            wrong_scalars!(Text::of(TextState::Refused(Problem::WrongType)));
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Text::of(TextState::Refused(Problem::WrongType)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map)?;
                Ok(Text::of(TextState::Refused(Problem::WrongType)))
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

/// A text field's schema from its rule.
fn text_schema(rule: &TextRule) -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(rule.max_chars))
        .description(Some(format!(
            "Trimmed; at most {} characters; no control characters{}; blank counts as absent.",
            rule.max_chars,
            if rule.multiline {
                " other than line feeds and tabs"
            } else {
                ""
            }
        )))
        .into()
}

impl<R: Rule> PartialSchema for Text<R> {
    fn schema() -> RefOr<Schema> {
        RefOr::T(text_schema(&R::RULE))
    }
}

impl<R: Rule> ToSchema for Text<R> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(R::RULE.field)
    }
}

/// A value that arrived as any JSON scalar, kept as it came (an enum word, an echoed item).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Given(pub Option<Scalar>);

impl Given {
    /// The value when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Some(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.0, None | Some(Scalar::Null))
    }
}

impl<'de> Deserialize<'de> for Given {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Given;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Str(raw.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Null)))
            }
            fn visit_none<E: de::Error>(self) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Null)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Bool(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Number(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Given, E> {
                Ok(Given(Some(Scalar::Number(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Given, E> {
                let shown =
                    serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string());
                Ok(Given(Some(Scalar::Number(shown))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Given, A::Error> {
                drain_seq(seq)?;
                Ok(Given(Some(Scalar::Composite)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Given, A::Error> {
                drain_map(map)?;
                Ok(Given(Some(Scalar::Composite)))
            }
        }
        deserializer.deserialize_option(V)
    }
}

impl PartialSchema for Given {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .build(),
        ))
    }
}

impl ToSchema for Given {}

/// A word of a closed set (`E`'s values), kept as sent so the surface can word its refusal.
pub struct Word<E> {
    pub given: Given,
    word: PhantomData<E>,
}

impl<E> Default for Word<E> {
    fn default() -> Self {
        Word {
            given: Given::default(),
            word: PhantomData,
        }
    }
}

impl<E: Words> Word<E> {
    /// The value when it is one of the words.
    pub fn parse(&self) -> Option<E> {
        self.given.as_str().and_then(E::parse)
    }
}

impl<'de, E> Deserialize<'de> for Word<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Word {
            given: Given::deserialize(deserializer)?,
            word: PhantomData,
        })
    }
}

/// A required word: one of the words (`null` is refused as missing).
impl<E: Words> PartialSchema for Word<E> {
    fn schema() -> RefOr<Schema> {
        crate::domain::state::words_schema::<E>(false)
    }
}

impl<E: Words> ToSchema for Word<E> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(E::NAME)
    }
}

/// A field that must be a JSON object of `T`'s fields (or absent).
#[derive(Default)]
pub enum Obj<T> {
    #[default]
    Absent,
    WrongType,
    Value(T),
}

impl<T> Obj<T> {
    /// The object; `Err(Problem::WrongType)` when the value was not one, `Ok(None)` when absent.
    pub fn get(&self) -> Result<Option<&T>, Problem> {
        match self {
            Obj::Absent => Ok(None),
            Obj::WrongType => Err(Problem::WrongType),
            Obj::Value(value) => Ok(Some(value)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj::Value)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj::Absent)
            }
            fn visit_none<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj::Absent)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
                Ok(Obj::WrongType)
            }
            wrong_scalars!(Obj::WrongType);
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
                drain_seq(seq)?;
                Ok(Obj::WrongType)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

impl<T: ToSchema> PartialSchema for Obj<T> {
    fn schema() -> RefOr<Schema> {
        T::schema()
    }
}

impl<T: ToSchema> ToSchema for Obj<T> {
    fn name() -> Cow<'static, str> {
        T::name()
    }
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

/// A field that must be a JSON array of `T` (or absent), at most `L`'s maximum items (checked by
/// the request's `validate`, which words the message).
#[derive(Default)]
pub enum List<L, T> {
    #[default]
    Absent,
    WrongType,
    Items(Vec<T>, PhantomData<L>),
}

impl<L: Items, T> List<L, T> {
    /// The items; `Err(WrongType)` when the value was not an array, `Ok(None)` when absent.
    pub fn get(&self) -> Result<Option<&[T]>, Problem> {
        match self {
            List::Absent => Ok(None),
            List::WrongType => Err(Problem::WrongType),
            List::Items(items, _) => Ok(Some(items)),
        }
    }
}

impl<'de, L, T: Deserialize<'de>> Deserialize<'de> for List<L, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<L, T>(PhantomData<(L, T)>);
        impl<'de, L, T: Deserialize<'de>> Visitor<'de> for V<L, T> {
            type Value = List<L, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<T>()? {
                    items.push(item);
                }
                Ok(List::Items(items, PhantomData))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(List::Absent)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(List::Absent)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(List::WrongType)
            }
            wrong_scalars!(List::WrongType);
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map)?;
                Ok(List::WrongType)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

impl<L: Items, T: ToSchema> PartialSchema for List<L, T> {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Array(
            ArrayBuilder::new()
                .items(T::schema())
                .max_items(Some(L::RULE.max_items))
                .build(),
        ))
    }
}

impl<L: Items, T: ToSchema> ToSchema for List<L, T> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(L::RULE.field)
    }
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

/// A field that must be a JSON object of `T` values keyed by the client (or absent); the entries
/// in the order sent.
#[derive(Default)]
pub enum Entries<L, T> {
    #[default]
    Absent,
    WrongType,
    Entries(Vec<(String, T)>, PhantomData<L>),
}

impl<L: Items, T> Entries<L, T> {
    pub fn get(&self) -> Result<Option<&[(String, T)]>, Problem> {
        match self {
            Entries::Absent => Ok(None),
            Entries::WrongType => Err(Problem::WrongType),
            Entries::Entries(entries, _) => Ok(Some(entries)),
        }
    }

    pub fn is_given(&self) -> bool {
        !matches!(self, Entries::Absent)
    }
}

impl<'de, L, T: Deserialize<'de>> Deserialize<'de> for Entries<L, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<L, T>(PhantomData<(L, T)>);
        impl<'de, L, T: Deserialize<'de>> Visitor<'de> for V<L, T> {
            type Value = Entries<L, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, T>()? {
                    // A repeated key keeps its last value, as a JSON object reader does.
                    entries.retain(|(k, _)| *k != key);
                    entries.push((key, value));
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(Entries::Entries(entries, PhantomData))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries::Absent)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries::Absent)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Entries::WrongType)
            }
            wrong_scalars!(Entries::WrongType);
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Entries::WrongType)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

impl<L: Items, T: ToSchema> PartialSchema for Entries<L, T> {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
                .additional_properties(Some(schema::AdditionalProperties::RefOr(T::schema())))
                .max_properties(Some(L::RULE.max_items))
                .build(),
        ))
    }
}

impl<L: Items, T: ToSchema> ToSchema for Entries<L, T> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(L::RULE.field)
    }
}

/// A value the vendor documents as free-form JSON (a service's `configuration`, a review's
/// `output`, `webhook_metadata`): kept as sent, `None` when absent or `null`, and read by the
/// app's own rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Free(pub Option<serde_json::Value>);

impl Free {
    pub fn get(&self) -> Option<&serde_json::Value> {
        self.0.as_ref()
    }
}

impl<'de> Deserialize<'de> for Free {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Free;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Free, D::Error> {
                let value = serde_json::Value::deserialize(inner)?;
                Ok(Free(Some(value).filter(|v| !v.is_null())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Free, E> {
                Ok(Free(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Free, E> {
                Ok(Free(None))
            }
        }
        deserializer.deserialize_option(V)
    }
}

impl PartialSchema for Free {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .build(),
        ))
    }
}

impl ToSchema for Free {}

/// A `true`/`false` field: `Ok(None)` when absent or `null`, `Err(WrongType)` for any other value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flag(Option<Result<bool, Problem>>);

impl Flag {
    pub fn get(&self) -> Result<Option<bool>, Problem> {
        self.0.clone().transpose()
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Flag, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(Some(Ok(v))))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag, E> {
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag, E> {
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Flag, E> {
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Flag, A::Error> {
                drain_seq(seq)?;
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Flag, A::Error> {
                drain_map(map)?;
                Ok(Flag(Some(Err(Problem::WrongType))))
            }
        }
        deserializer.deserialize_option(V)
    }
}

impl PartialSchema for Flag {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Boolean, Type::Null]))
                .build(),
        ))
    }
}

impl ToSchema for Flag {}

/// A number field bounded by `B`, kept as JSON wrote it: absent (or `null`), a number, or a
/// value of another JSON type.
pub struct Number<B> {
    state: NumberState,
    bounds: PhantomData<B>,
}

enum NumberState {
    Absent,
    Given(serde_json::Number),
    WrongType,
}

/// A number field's value that is not a number within its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfBounds;

impl<B> Default for Number<B> {
    fn default() -> Self {
        Number::of(NumberState::Absent)
    }
}

impl<B> Number<B> {
    fn of(state: NumberState) -> Self {
        Number {
            state,
            bounds: PhantomData,
        }
    }
}

impl<B: Bounds> Number<B> {
    /// The number as sent; `Ok(None)` when absent or `null`.
    pub fn get(&self) -> Result<Option<&serde_json::Number>, Problem> {
        match &self.state {
            NumberState::Absent => Ok(None),
            NumberState::Given(n) => Ok(Some(n)),
            NumberState::WrongType => Err(Problem::WrongType),
        }
    }

    /// `Ok(None)` when absent or `null`; the number when it is within the bounds (and whole, for
    /// whole bounds); `Err` for anything else.
    pub fn bounded(&self) -> Result<Option<f64>, OutOfBounds> {
        let Some(n) = self.get().map_err(|_| OutOfBounds)? else {
            return Ok(None);
        };
        let whole = n.is_i64() || n.is_u64();
        match n.as_f64() {
            Some(v) if (whole || !B::WHOLE) && (B::MIN..=B::MAX).contains(&v) => Ok(Some(v)),
            _ => Err(OutOfBounds),
        }
    }
}

impl<'de, B> Deserialize<'de> for Number<B> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<B>(PhantomData<B>);
        impl<'de, B> Visitor<'de> for V<B> {
            type Value = Number<B>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::Absent))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::Absent))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::Given(v.into())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::Given(v.into())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Number::of(
                    serde_json::Number::from_f64(v)
                        .map_or(NumberState::WrongType, NumberState::Given),
                ))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::WrongType))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Number::of(NumberState::WrongType))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq)?;
                Ok(Number::of(NumberState::WrongType))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map)?;
                Ok(Number::of(NumberState::WrongType))
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

impl<B: Bounds> PartialSchema for Number<B> {
    fn schema() -> RefOr<Schema> {
        let object = if B::WHOLE {
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                .minimum(Some(B::MIN as i64))
                .maximum(Some(B::MAX as i64))
        } else {
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Number, Type::Null]))
                .minimum(Some(B::MIN))
                .maximum(Some(B::MAX))
        };
        RefOr::T(Schema::Object(object.build()))
    }
}

impl<B: Bounds> ToSchema for Number<B> {}

/// A whole request body: `Some` when the JSON is an object read as `T`, `None` otherwise (each
/// surface words that refusal).
pub struct Root<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Root<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Root(match Obj::<T>::deserialize(deserializer)? {
            Obj::Value(value) => Some(value),
            Obj::Absent | Obj::WrongType => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::rule::{Checks, Name};
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe {
        name: Text<Name>,
        checks: List<Checks, Given>,
        nested: Obj<Box<Probe>>,
    }

    fn read(json: &str) -> Option<Probe> {
        serde_json::from_str::<Root<Probe>>(json)
            .expect("valid JSON")
            .0
    }

    #[test]
    fn every_field_keeps_what_was_sent() {
        let p = read(r#"{"name": 5, "checks": ["a", 1, null, [2], {"x": 1}], "nested": "no"}"#)
            .expect("object");
        assert_eq!(p.name.get(), Err(Problem::WrongType));
        let checks = p.checks.get().expect("array").expect("given");
        let shown: Vec<String> = checks
            .iter()
            .map(|g| g.0.clone().map(|s| s.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(shown, ["a", "1", "null", "", ""]);
        assert!(p.nested.get().is_err());
        let p = read(r#"{"name": "  Asha  ", "nested": {"name": "\u0007"}}"#).expect("object");
        assert_eq!(p.name.get(), Ok(Some("Asha")));
        let nested = p.nested.get().expect("object").expect("given");
        assert_eq!(
            nested.name.get(),
            Err(Problem::Text(TextError::ControlCharacter))
        );
        assert!(p.checks.get().expect("absent").is_none());
        assert!(read("[1, 2]").is_none());
        assert!(read("\"text\"").is_none());
    }

    #[test]
    fn a_number_keeps_what_was_sent_and_is_read_against_its_bounds() {
        use super::rule::{ScreeningLimit, Threshold};
        #[derive(serde::Deserialize)]
        struct Numbers {
            threshold: Number<Threshold>,
            limit: Number<ScreeningLimit>,
        }
        let read = |json: &str| {
            let n: Numbers = serde_json::from_str(json).expect("valid JSON");
            (n.threshold.bounded(), n.limit.bounded())
        };
        assert_eq!(
            read(r#"{"threshold": 1, "limit": 5}"#),
            (Ok(Some(1.0)), Ok(Some(5.0)))
        );
        assert_eq!(read(r#"{"threshold": null}"#), (Ok(None), Ok(None)));
        assert_eq!(
            read(r#"{"threshold": 0.5, "limit": 5.0}"#).1,
            Err(OutOfBounds)
        );
        assert_eq!(
            read(r#"{"threshold": 1.5, "limit": 0}"#),
            (Err(OutOfBounds), Err(OutOfBounds))
        );
        assert_eq!(
            read(r#"{"threshold": "0.5", "limit": [1]}"#),
            (Err(OutOfBounds), Err(OutOfBounds))
        );
        let n: Numbers = serde_json::from_str(r#"{"threshold": true}"#).expect("valid JSON");
        assert_eq!(n.threshold.get(), Err(Problem::WrongType));
    }
}
