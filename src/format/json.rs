//! Reading the host's JSON: a [`Dataset`] or a [`Changeset`], with an error that names the field
//! at fault by its path (`price_lists[3].entries[0].tiers[1].unit_price`) and says what to write
//! instead. Hosts may deserialise with serde themselves; these calls give better messages.

use crate::format::Dataset;
use crate::format::changeset::Changeset;
use serde::de::DeserializeOwned;

/// A JSON document that is not a valid dataset or changeset: where and why.
///
/// ```
/// use tradeterms::Dataset;
/// let err = Dataset::from_json(r#"{ "accounts": [{ "id": "a", "name": "A", "currency": 3 }] }"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "accounts[0].currency");
/// assert!(err.to_string().starts_with("`accounts[0].currency`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{path}` (line {line}, column {column}): {message}")]
pub struct FormatError {
    path: String,
    line: usize,
    column: usize,
    message: String,
}

impl FormatError {
    /// The path of the field at fault, `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line of the document where reading stopped, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of that line, from 1.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong and what to write instead.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl FormatError {
    /// The stable, machine-readable code a serialised `FormatError` carries, as every error
    /// of the crate carries one: renaming it is a breaking change.
    pub const CODE: &'static str = "invalid_format";
}

/// Serialises as `{"code": "invalid_format", "path": ..., "line": ..., "column": ...,
/// "message": ...}`, the message being the whole text ([`fmt::Display`](std::fmt::Display)),
/// like the other errors' (`BuildProblem`, `ResolveError`, `ApplyError`).
///
/// ```
/// use tradeterms::Dataset;
/// let err = Dataset::from_json(r#"{ "acounts": [] }"#).unwrap_err();
/// let json = serde_json::to_value(&err).unwrap();
/// assert_eq!(json["code"], "invalid_format");
/// assert_eq!((json["path"].as_str(), json["line"].as_u64()), (Some(err.path()), Some(1)));
/// assert_eq!(json["message"], err.to_string());
/// ```
impl serde::Serialize for FormatError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FormatError", 5)?;
        s.serialize_field("code", FormatError::CODE)?;
        s.serialize_field("path", &self.path)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, FormatError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| error(e.path().to_string(), e.into_inner()))?;
    // Characters after the document are an error too.
    de.end().map_err(|e| error(".".to_string(), e))?;
    Ok(value)
}

fn error(path: String, inner: serde_json::Error) -> FormatError {
    let (line, column) = (inner.line(), inner.column());
    let mut message = inner.to_string();
    // Amounts given as JSON numbers are told so by the amount reader itself
    // (`money::decimal_str`), whose message says what to write.
    // serde_json appends the position; it is reported apart.
    if let Some(cut) = message.rfind(" at line ") {
        message.truncate(cut);
    }
    FormatError {
        path,
        line,
        column,
        message,
    }
}

impl Dataset {
    /// Reads a dataset from JSON. Unknown fields are refused; money is a decimal string.
    ///
    /// # Errors
    /// A [`FormatError`] naming the field at fault by its path, with what to write instead.
    ///
    /// ```
    /// use tradeterms::Dataset;
    /// let err = Dataset::from_json(r#"{ "price_lists": [{ "id": "l", "name": "L", "owner": "o",
    ///   "currency": "USD", "entries": [{ "sku": "X", "tiers": [{ "min_qty": 1, "unit_price": 100.5 }] }] }] }"#)
    ///   .unwrap_err();
    /// assert_eq!(err.path(), "price_lists[0].entries[0].tiers[0].unit_price");
    /// assert!(err.message().starts_with("amounts (money and percents) are written as decimal strings"));
    /// ```
    pub fn from_json(text: &str) -> Result<Dataset, FormatError> {
        read(text)
    }
}

impl Changeset {
    /// Reads a changeset from JSON, with the same errors as [`Dataset::from_json`].
    ///
    /// # Errors
    /// A [`FormatError`] naming the field at fault by its path.
    pub fn from_json(text: &str) -> Result<Changeset, FormatError> {
        read(text)
    }
}
