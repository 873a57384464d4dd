//! Identifiers: string newtypes, one per kind of entity, so an account id can never be passed
//! where a SKU is expected. They serialise as plain JSON strings and clone cheaply (`Arc<str>`),
//! because answers carry them back to the host.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $example:literal) => {
        $(#[$meta])*
        ///
        /// Serialises as a plain string.
        ///
        /// ```
        #[doc = concat!("let id = tradeterms::", stringify!($name), "::new(\"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.to_string(), \"", $example, "\");")]
        /// // Parsing checks the id as a dataset's ids are checked (`IdFault`).
        #[doc = concat!("let parsed: tradeterms::", stringify!($name), " = \"", $example, "\".parse().unwrap();")]
        /// assert_eq!(parsed, id);
        #[doc = concat!("assert!(\" \".parse::<tradeterms::", stringify!($name), ">().is_err());")]
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schema", schemars(transparent))]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps a string as this kind of identifier.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self(Arc::from(id.as_ref()))
            }

            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Arc::from(id))
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Parses an id, refusing one a dataset would refuse ([`IdFault::of`]); `new` and
        /// `From` wrap any string unchecked.
        impl FromStr for $name {
            type Err = IdFault;

            fn from_str(id: &str) -> Result<Self, IdFault> {
                match IdFault::of(id) {
                    None => Ok(Self::new(id)),
                    Some(fault) => Err(fault),
                }
            }
        }
    };
}

id_type!(
    /// Identifier of a customer account (a holding, a subsidiary, a branch, a store...).
    AccountId,
    "abb-corp"
);
id_type!(
    /// Identifier of a user who acts for one or more accounts.
    UserId,
    "john"
);
id_type!(
    /// A stock-keeping unit: the identifier of a catalogue item.
    Sku,
    "DRILL-18V"
);
id_type!(
    /// Identifier of a price list.
    PriceListId,
    "public-usd"
);
id_type!(
    /// Identifier of a price-list assignment (which list applies to whom).
    AssignmentId,
    "abb-contract"
);
id_type!(
    /// Identifier of a segment: a named group of accounts.
    SegmentId,
    "wholesale"
);
id_type!(
    /// Identifier of a sales channel the dataset declares: `web`, `edi`, `field-sales`...
    ChannelId,
    "edi"
);
id_type!(
    /// A unit a SKU is sold in: its base unit (`each` unless the SKU says otherwise) or one it
    /// declares as a whole number of base units (`box` = 100 each, `pallet` = 4,000 each).
    UnitId,
    "box"
);
id_type!(
    /// The name of a role (a set of permissions), such as `buyer`.
    RoleName,
    "buyer"
);

/// The longest id accepted, in bytes of UTF-8.
pub const MAX_ID_BYTES: usize = 256;

/// How many characters of a refused id a message shows.
const SHOWN_CHARS: usize = 32;

/// Why an id is refused. Ids are compared byte for byte, so anything a person cannot see or
/// type back (control, zero-width and bidirectional characters, a spelling that is not
/// Unicode NFC) would make two ids that look equal differ, or one id look like another.
/// It is also the error of parsing an id (`"abb-corp".parse::<AccountId>()`, [`FromStr`]).
///
/// ```
/// use tradeterms::IdFault;
/// assert_eq!(IdFault::of("abb-corp"), None);
/// assert_eq!(IdFault::of("  "), Some(IdFault::Blank));
/// assert_eq!(IdFault::of("abb\u{202e}proc"), Some(IdFault::Bidirectional('\u{202e}')));
/// assert_eq!(IdFault::of("cafe\u{301}"), Some(IdFault::NotNfc)); // `café` spelt with a combining accent
/// assert_eq!(IdFault::of(&"x".repeat(257)), Some(IdFault::TooLong { bytes: 257 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdFault {
    /// Empty, or white space only.
    Blank,
    /// Longer than [`MAX_ID_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// A control character (U+0000 to U+001F, U+007F to U+009F).
    Control(char),
    /// A zero-width character (U+200B to U+200D, U+2060, U+FEFF).
    ZeroWidth(char),
    /// A bidirectional mark, embedding, override or isolate (U+200E, U+200F, U+202A to U+202E,
    /// U+2066 to U+2069).
    Bidirectional(char),
    /// Not in Unicode normalisation form C: the same text has another, composed spelling.
    NotNfc,
}

impl IdFault {
    /// What is wrong with `id`, or `None` if it is a valid id.
    pub fn of(id: &str) -> Option<IdFault> {
        if id.len() > MAX_ID_BYTES {
            return Some(IdFault::TooLong { bytes: id.len() });
        }
        // Most ids are printable ASCII: nothing more to check for them.
        let printable_ascii = id.bytes().all(|b| (0x20..0x7f).contains(&b));
        if id.trim().is_empty() {
            return Some(IdFault::Blank);
        }
        if printable_ascii {
            return None;
        }
        for c in id.chars() {
            let fault = match c {
                '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => IdFault::Control(c),
                '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => IdFault::ZeroWidth(c),
                '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                    IdFault::Bidirectional(c)
                }
                _ => continue,
            };
            return Some(fault);
        }
        if !unicode_normalization::is_nfc(id) {
            return Some(IdFault::NotNfc);
        }
        None
    }
}

impl fmt::Display for IdFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdFault::Blank => f.write_str("is empty or white space only: give it a visible id"),
            IdFault::TooLong { bytes } => write!(
                f,
                "is {bytes} bytes long: an id is at most {MAX_ID_BYTES} bytes of UTF-8"
            ),
            IdFault::Control(c) => write!(
                f,
                "contains the control character U+{:04X}: ids hold printable characters only",
                u32::from(*c)
            ),
            IdFault::ZeroWidth(c) => write!(
                f,
                "contains the zero-width character U+{:04X}: remove it, it makes two ids look alike",
                u32::from(*c)
            ),
            IdFault::Bidirectional(c) => write!(
                f,
                "contains the bidirectional control U+{:04X}: remove it, it makes an id read differently from how it compares",
                u32::from(*c)
            ),
            IdFault::NotNfc => f.write_str(
                "is not in Unicode NFC: write it in its composed form (ids are compared byte for byte)",
            ),
        }
    }
}

crate::error::error_codes!(
    /// Every [`IdFault::code`], one per variant: stable, renaming one is a breaking change.
    /// A fault serialises as `{"code": "bidirectional", "character": "U+202E", "message":
    /// ...}` (the character as its code point, never the invisible character itself).
    ///
    /// ```
    /// use tradeterms::IdFault;
    /// let fault = IdFault::of("abb\u{202e}proc").unwrap();
    /// assert_eq!(fault.code(), "bidirectional");
    /// assert_eq!(serde_json::to_value(fault).unwrap()["character"], "U+202E");
    /// assert_eq!(IdFault::CODES.len(), 6);
    /// ```
    IdFault {
        Blank => "blank",
        TooLong { bytes } => "too_long",
        Control(character as code_point) => "control",
        ZeroWidth(character as code_point) => "zero_width",
        Bidirectional(character as code_point) => "bidirectional",
        NotNfc => "not_nfc",
    }
);

/// A character as its code point, `U+202E`.
fn code_point(c: &char) -> String {
    format!("U+{:04X}", u32::from(*c))
}

/// An id as a message may show it: at most 32 characters, escaped as Rust's `{:?}` escapes a
/// string (so control and invisible characters are visible) and quoted, with `…` when cut.
pub(crate) fn shown(id: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = id.chars();
    for c in chars.by_ref().take(SHOWN_CHARS) {
        out.extend(c.escape_debug());
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out.push('"');
    out
}

impl std::error::Error for IdFault {}

/// An id quoted for a message: in backticks when it is a valid id, else as [`shown`].
pub(crate) fn quoted(id: &str) -> String {
    match IdFault::of(id) {
        None => format!("`{id}`"),
        Some(_) => shown(id),
    }
}
