//! States stored and sent as fixed words (`in_progress`, `clear`, `revoked` …). Each such enum is
//! declared once with [`text_enum!`], which gives it its one conversion each way: `as_str` and
//! `parse`, serde, `Display`; the store implements its column codec from [`TextState`]. No code
//! outside an enum's own module compares the words.

/// An enum written as one of a fixed set of words.
pub trait TextState: Sized + Copy + 'static {
    /// The enum's name, for error messages about unknown words.
    const NAME: &'static str;
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(text: &str) -> Option<Self>;
}

/// The schema of a state as the API writes it: one of its words.
pub fn words_schema<T: TextState>(
    nullable: bool,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    let mut words: Vec<serde_json::Value> = T::ALL
        .iter()
        .map(|v| serde_json::Value::from(v.as_str()))
        .collect();
    let kind = if nullable {
        words.push(serde_json::Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(kind)
        .enum_values(Some(words))
        .into()
}

/// Declares a [`TextState`] enum: `text_enum! { pub enum KeyState { Active => "active", … } }`.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl $crate::domain::state::TextState for $name {
            const NAME: &'static str = stringify!($name);
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::domain::state::words_schema::<$name>(false)
            }
        }

        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} {:?}",
                        stringify!($name),
                        text
                    ))
                })
            }
        }
    };
}
pub(crate) use text_enum;

#[cfg(test)]
mod tests {
    text_enum! {
        enum Colour { Red => "red", DarkBlue => "dark_blue" }
    }

    #[test]
    fn words_round_trip_and_unknown_words_are_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        assert!(Colour::parse("green").is_none());
        let err = serde_json::from_str::<Colour>("\"green\"").unwrap_err();
        assert!(err.to_string().contains("unknown Colour"), "{err}");
    }
}
