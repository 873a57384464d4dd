//! Free attributes of accounts and SKUs, and the predicates over them that segments and
//! visibility targets are defined by.

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, MapAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// An attribute value on an account or a SKU: text, a number or a flag.
///
/// ```
/// use tradeterms::AttrValue;
/// let v: AttrValue = serde_json::from_str("\"school\"").unwrap();
/// assert_eq!(v, AttrValue::Text("school".into()));
/// let n: AttrValue = serde_json::from_str("3").unwrap();
/// assert_eq!(n, AttrValue::Number(3.into()));
/// ```
///
/// A number is read from its JSON text, never through `f64`: one a decimal cannot hold exactly
/// (more than 28 digits after the point, or too many significant digits) or beyond
/// `Decimal::MAX` is refused, naming the attribute, instead of being silently rounded.
///
/// ```
/// use tradeterms::Dataset;
/// let err = Dataset::from_json(r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD",
///     "attributes": { "share": 0.1000000000000000055511151231257827 } }] }"#).unwrap_err();
/// assert_eq!(err.path(), "accounts[0].attributes.share");
/// assert!(err.message().starts_with("attribute `share`: the number `0.1000000000000000055511151231257827` cannot be held exactly"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", serde(untagged))]
pub enum AttrValue {
    /// A flag.
    Flag(bool),
    /// Text, such as a type or a region.
    Text(String),
    /// A number, such as a tier level or a head count.
    Number(Decimal),
}

impl Serialize for AttrValue {
    /// A number is written as a JSON number with its exact digits (through serde_json's raw
    /// value), never as a string: a dataset written out by [`Snapshot::to_dataset`] reads back
    /// with its numeric attributes still numbers, so numeric predicates on them still build.
    ///
    /// [`Snapshot::to_dataset`]: crate::Snapshot::to_dataset
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::Flag(b) => serializer.serialize_bool(*b),
            AttrValue::Text(t) => serializer.serialize_str(t),
            AttrValue::Number(d) => match serde_json::value::RawValue::from_string(d.to_string()) {
                Ok(raw) => raw.serialize(serializer),
                // Every decimal's text is a JSON number; were one not, its text stays exact.
                Err(_) => serializer.serialize_str(&d.to_string()),
            },
        }
    }
}

/// Free attributes, sorted by name.
pub type Attributes = BTreeMap<String, AttrValue>;

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ValueSeed { attr: None }.deserialize(deserializer)
    }
}

/// serde_json's name for a value read as its raw JSON text (`serde_json::value::RawValue`,
/// with the `raw_value` feature): asked for by this name, serde_json hands over the text as a
/// one-entry map. Any other format treats it as an ordinary newtype and gives the value itself.
/// If serde_json ever renamed it, numbers would go through `f64` again, with integers beyond
/// 2^53 still refused; `tests/hardening.rs` would notice the difference.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Reads one attribute value; `attr` names the attribute in errors when it is known.
#[derive(Clone, Copy)]
struct ValueSeed<'a> {
    attr: Option<&'a str>,
}

impl ValueSeed<'_> {
    fn refuse<E: serde::de::Error>(self, what: String) -> E {
        match self.attr {
            Some(attr) => E::custom(format!("attribute `{attr}`: {what}")),
            None => E::custom(what),
        }
    }

    /// A number given as JSON text, read exactly.
    fn number<E: serde::de::Error>(self, text: &str) -> Result<AttrValue, E> {
        exact_decimal(text)
            .map(AttrValue::Number)
            .map_err(|fault| self.refuse(fault.message(text)))
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = AttrValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<AttrValue, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = AttrValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a flag, a text or a number")
    }

    /// serde_json: the value's raw text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrValue, A::Error> {
        let key: Option<String> = map.next_key()?;
        if key.as_deref() != Some(RAW_VALUE_TOKEN) {
            return Err(serde::de::Error::invalid_type(Unexpected::Map, &self));
        }
        let raw: String = map.next_value()?;
        let raw = raw.trim();
        match raw {
            "true" => Ok(AttrValue::Flag(true)),
            "false" => Ok(AttrValue::Flag(false)),
            _ if raw.starts_with('"') => serde_json::from_str::<String>(raw)
                .map(AttrValue::Text)
                .map_err(serde::de::Error::custom),
            _ if raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) => {
                self.number(raw)
            }
            _ => Err(serde::de::Error::invalid_type(
                match raw.chars().next() {
                    Some('[') => Unexpected::Seq,
                    Some('{') => Unexpected::Map,
                    _ => Unexpected::Unit,
                },
                &self,
            )),
        }
    }

    /// Any other format: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<AttrValue, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<AttrValue, E> {
        Ok(AttrValue::Flag(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AttrValue, E> {
        Ok(AttrValue::Text(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<AttrValue, E> {
        Ok(AttrValue::Text(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<AttrValue, E> {
        Ok(AttrValue::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AttrValue, E> {
        Ok(AttrValue::Number(v.into()))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<AttrValue, E> {
        self.number(&v.to_string())
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<AttrValue, E> {
        self.number(&v.to_string())
    }

    /// A format that only gives an `f64`: its shortest text is read exactly, and an integer
    /// beyond 2^53, which an `f64` may already have rounded, is refused.
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<AttrValue, E> {
        const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
        if v.is_finite() && (v.fract() != 0.0 || v.abs() < EXACT_INTEGERS) {
            self.number(&v.to_string())
        } else {
            Err(self.refuse(NumberFault::Inexact.message(&v.to_string())))
        }
    }
}

/// Reads `attributes` maps so that an error in a value names its attribute.
pub(crate) mod attributes {
    use super::{Attributes, ValueSeed};
    use serde::Deserializer;
    use serde::de::{MapAccess, Visitor};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Attributes, D::Error> {
        struct Map;
        impl<'de> Visitor<'de> for Map {
            type Value = Attributes;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of attribute names to flags, texts or numbers")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                let mut out = Attributes::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value_seed(ValueSeed {
                        attr: Some(key.as_str()),
                    })?;
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        d.deserialize_map(Map)
    }
}

/// Reads and writes a decimal field as a JSON number with its exact digits, as attribute
/// numbers are (never through `f64`): a unit's conversion, where `2.5` must reach the build
/// as 2.5 to be refused by name rather than be read as something else.
pub(crate) mod exact_number {
    use super::{AttrValue, ValueSeed};
    use rust_decimal::Decimal;
    use serde::de::DeserializeSeed;
    use serde::{Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        AttrValue::Number(*d).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        match (ValueSeed { attr: None }).deserialize(d)? {
            AttrValue::Number(n) => Ok(n),
            AttrValue::Flag(_) | AttrValue::Text(_) => {
                Err(serde::de::Error::custom("expected a number, such as 100"))
            }
        }
    }
}

// Quantities (SEMANTICS U6): a JSON number read exactly from its text, or a string; written
// as a JSON number with its exact digits (a whole one as an integer).
impl Serialize for crate::quantity::Quantity {
    /// A JSON number with its exact digits: `12`, `12.5`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(n) = self.to_u64() {
            return serializer.serialize_u64(n);
        }
        AttrValue::Number(self.as_decimal()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for crate::quantity::Quantity {
    /// A JSON number read exactly from its text, or a string holding one.
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<crate::quantity::Quantity, D::Error> {
        match AttrValue::deserialize(deserializer)? {
            AttrValue::Number(n) => {
                crate::quantity::Quantity::try_from(n).map_err(serde::de::Error::custom)
            }
            AttrValue::Text(t) => t.parse().map_err(serde::de::Error::custom),
            AttrValue::Flag(_) => Err(serde::de::Error::custom(
                "expected a quantity, such as 12 or 12.5",
            )),
        }
    }
}

/// Why a number is not read.
#[derive(Debug, PartialEq, Eq)]
enum NumberFault {
    /// A decimal cannot hold it exactly.
    Inexact,
    /// Beyond `Decimal::MAX` in magnitude.
    OutOfRange,
    /// Not a JSON number.
    Malformed,
}

impl NumberFault {
    fn message(&self, text: &str) -> String {
        // A number of a million digits is not repeated whole.
        let mut shown: String = text.chars().take(40).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        match self {
            NumberFault::Inexact => format!(
                "the number `{shown}` cannot be held exactly (at most 28 digits after the point \
                 and 28 significant digits): write fewer digits, or make it a text"
            ),
            NumberFault::OutOfRange => format!(
                "the number `{shown}` is out of range: attribute numbers are at most {} in magnitude",
                Decimal::MAX
            ),
            NumberFault::Malformed => format!("`{shown}` is not a number"),
        }
    }
}

/// The exact decimal of a JSON number's text (`-?int(.frac)?([eE][+-]?exp)?`), or why there is
/// none. Nothing is rounded.
fn exact_decimal(text: &str) -> Result<Decimal, NumberFault> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e),
        None => (rest, "0"),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exp_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if !all_digits(int) || !(frac.is_empty() || all_digits(frac)) || !all_digits(exp_digits) {
        return Err(NumberFault::Malformed);
    }
    // The value is digits x 10^-scale.
    let mut digits: String = int.chars().chain(frac.chars()).collect();
    let exp: i64 = exp_digits.parse::<i64>().unwrap_or(i64::MAX);
    let exp = if exponent.starts_with('-') {
        exp.saturating_neg()
    } else {
        exp
    };
    let frac_len = i64::try_from(frac.len()).unwrap_or(i64::MAX);
    let mut scale = frac_len.saturating_sub(exp);
    // Leading zeros carry nothing; trailing zeros after the point only scale.
    let significant = digits.trim_start_matches('0').len();
    if significant == 0 {
        return Ok(Decimal::ZERO);
    }
    while scale > 0 && digits.ends_with('0') {
        digits.pop();
        scale = scale.saturating_sub(1);
    }
    let digits = digits.trim_start_matches('0');
    let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // Digits before the point: beyond 29 is beyond Decimal::MAX (about 7.9 x 10^28).
    if len.saturating_sub(scale) > 29 {
        return Err(NumberFault::OutOfRange);
    }
    if scale > 28 {
        return Err(NumberFault::Inexact);
    }
    let plain = if scale <= 0 {
        let zeros = usize::try_from(scale.unsigned_abs()).unwrap_or(usize::MAX);
        format!("{digits}{}", "0".repeat(zeros))
    } else {
        let point = digits
            .len()
            .checked_sub(usize::try_from(scale).unwrap_or(usize::MAX));
        match point {
            Some(point) => {
                let (i, f) = digits.split_at_checked(point).unwrap_or((digits, ""));
                format!("{}.{f}", if i.is_empty() { "0" } else { i })
            }
            None => {
                let pad = usize::try_from(scale)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(digits.len());
                format!("0.{}{digits}", "0".repeat(pad))
            }
        }
    };
    let signed = if negative { format!("-{plain}") } else { plain };
    Decimal::from_str_exact(&signed).map_err(|_| {
        if len.saturating_sub(scale) >= 29 {
            NumberFault::OutOfRange
        } else {
            NumberFault::Inexact
        }
    })
}

/// A condition over attributes (of an account for segments, of a SKU for visibility targets).
/// An entity without the attribute does not satisfy a comparison on it.
///
/// ```
/// use tradeterms::Predicate;
/// let p: Predicate = serde_json::from_str(r#"{ "all": [
///     { "eq": { "attr": "type", "value": "school" } },
///     { "in": { "attr": "region", "values": ["midwest", "west"] } },
///     { "not": { "gte": { "attr": "pupils", "value": 2000 } } }
/// ] }"#).unwrap();
/// assert!(matches!(p, Predicate::All(ref v) if v.len() == 3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Predicate {
    /// The attribute equals the value.
    Eq(AttrCmp),
    /// The attribute equals one of the values.
    In(AttrIn),
    /// The attribute is a number greater than the value.
    Gt(AttrCmp),
    /// The attribute is a number greater than or equal to the value.
    Gte(AttrCmp),
    /// The attribute is a number less than the value.
    Lt(AttrCmp),
    /// The attribute is a number less than or equal to the value.
    Lte(AttrCmp),
    /// Every sub-condition holds.
    All(Vec<Predicate>),
    /// At least one sub-condition holds.
    Any(Vec<Predicate>),
    /// The sub-condition does not hold.
    Not(Box<Predicate>),
}

/// An attribute compared with one value.
///
/// ```
/// let c: tradeterms::AttrCmp = serde_json::from_str(r#"{ "attr": "tier", "value": 2 }"#).unwrap();
/// assert_eq!(c.attr, "tier");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttrCmp {
    /// Attribute name.
    pub attr: String,
    /// The value compared with.
    pub value: AttrValue,
}

/// An attribute compared with a set of values.
///
/// ```
/// let c: tradeterms::AttrIn = serde_json::from_str(r#"{ "attr": "region", "values": ["west"] }"#).unwrap();
/// assert_eq!(c.values.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttrIn {
    /// Attribute name.
    pub attr: String,
    /// The accepted values.
    pub values: Vec<AttrValue>,
}
