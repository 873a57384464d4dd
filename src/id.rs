//! Identifiers: string newtypes, one per kind of entity, so an account id can never be passed
//! where a SKU is expected. They serialise as plain JSON strings and clone cheaply (`Arc<str>`),
//! because answers carry them back to the host.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
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
    /// The name of a role (a set of permissions), such as `buyer`.
    RoleName,
    "buyer"
);
