//! Templates for the URL and the request entries: `{placeholder}`s filled from the check's
//! input, `{{` and `}}` for literal braces.

use std::borrow::Cow;

use super::ConnectorConfigError;
use crate::providers::check::CheckInput;

/// An input a template can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placeholder {
    Name,
    Dob,
    DobDdmmyyyy,
    FatherName,
    Address,
    Pincode,
    Phone,
    Pan,
    Aadhaar,
    Uan,
    Reference,
    CheckType,
}

const PLACEHOLDERS: [(&str, Placeholder); 12] = [
    ("name", Placeholder::Name),
    ("dob", Placeholder::Dob),
    ("dob_ddmmyyyy", Placeholder::DobDdmmyyyy),
    ("father_name", Placeholder::FatherName),
    ("address", Placeholder::Address),
    ("pincode", Placeholder::Pincode),
    ("phone", Placeholder::Phone),
    ("pan", Placeholder::Pan),
    ("aadhaar", Placeholder::Aadhaar),
    ("uan", Placeholder::Uan),
    ("reference", Placeholder::Reference),
    ("check_type", Placeholder::CheckType),
];

pub(super) fn known_placeholders() -> String {
    PLACEHOLDERS
        .iter()
        .map(|(name, _)| format!("{{{name}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Placeholder {
    fn parse(name: &str) -> Option<Self> {
        PLACEHOLDERS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, p)| *p)
    }

    /// The input's value, `None` when the candidate did not give it.
    fn value(self, input: &CheckInput) -> Option<Cow<'_, str>> {
        fn text(value: &Option<String>) -> Option<Cow<'_, str>> {
            value.as_deref().map(Cow::Borrowed)
        }
        match self {
            Placeholder::Name => Some(Cow::Borrowed(input.name.as_str())),
            Placeholder::Dob => input.dob.map(|d| d.format("%Y-%m-%d").to_string().into()),
            Placeholder::DobDdmmyyyy => input.dob.map(|d| d.format("%d/%m/%Y").to_string().into()),
            Placeholder::FatherName => text(&input.father_name),
            Placeholder::Address => text(&input.address),
            Placeholder::Pincode => input.pincode.as_ref().map(|v| Cow::Borrowed(v.as_str())),
            Placeholder::Phone => input.phone.as_ref().map(|v| Cow::Borrowed(v.as_str())),
            Placeholder::Pan => input.pan.as_ref().map(|v| Cow::Borrowed(v.as_str())),
            // The upstream needs the full number; this is the one place it leaves the process.
            Placeholder::Aadhaar => input.aadhaar.as_ref().map(|a| Cow::Borrowed(a.expose())),
            Placeholder::Uan => input.uan.as_ref().map(|v| Cow::Borrowed(v.as_str())),
            Placeholder::Reference => Some(Cow::Borrowed(input.reference.as_str())),
            Placeholder::CheckType => Some(Cow::Borrowed(input.check_type())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    Text(String),
    Input(Placeholder),
}

/// A parsed template: literal text and placeholders.
#[derive(Debug, Clone)]
pub(super) struct Template(pub(super) Vec<Segment>);

impl Template {
    pub(super) fn parse(setting: &str, text: &str) -> Result<Self, ConnectorConfigError> {
        let malformed = |reason| ConnectorConfigError::MalformedTemplate {
            setting: setting.to_owned(),
            reason,
        };
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(pos) = rest.find(['{', '}']) {
            let (before, from_brace) = rest.split_at(pos);
            literal.push_str(before);
            if let Some(after) = from_brace.strip_prefix("{{") {
                literal.push('{');
                rest = after;
            } else if let Some(after) = from_brace.strip_prefix("}}") {
                literal.push('}');
                rest = after;
            } else if from_brace.starts_with('}') {
                return Err(malformed("unmatched '}'"));
            } else {
                let inner = from_brace.get(1..).unwrap_or_default();
                let Some(end) = inner.find('}') else {
                    return Err(malformed("unclosed '{'"));
                };
                let (name, after) = inner.split_at(end);
                let placeholder = Placeholder::parse(name).ok_or_else(|| {
                    ConnectorConfigError::UnknownPlaceholder {
                        setting: setting.to_owned(),
                        placeholder: name.to_owned(),
                    }
                })?;
                if !literal.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Input(placeholder));
                rest = after.get(1..).unwrap_or_default();
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        Ok(Template(segments))
    }

    fn uses_inputs(&self) -> bool {
        self.0.iter().any(|s| matches!(s, Segment::Input(_)))
    }

    /// Fills the template, passing each input value through `encode`. Also says whether every
    /// placeholder it uses was missing (false when it uses none).
    pub(super) fn render(
        &self,
        input: &CheckInput,
        encode: fn(&str, &mut String),
    ) -> (String, bool) {
        let mut out = String::new();
        let mut all_missing = self.uses_inputs();
        for segment in &self.0 {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Input(p) => {
                    if let Some(value) = p.value(input) {
                        all_missing = false;
                        encode(&value, &mut out);
                    }
                }
            }
        }
        (out, all_missing)
    }
}

pub(super) fn verbatim(value: &str, out: &mut String) {
    out.push_str(value);
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value cannot change
/// the URL's structure (a `/` in a name stays inside its path segment).
pub(super) fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}
