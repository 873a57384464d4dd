//! Who a rule applies to: everyone, a segment, one account, an account and its descendants,
//! or guests (visitors not signed in). Every rule kind (price-list assignments, visibility,
//! payment and approval rules) is scoped the same way; the `guests` scope is for price-list
//! assignments and visibility rules only (SEMANTICS G2).

use crate::id::{AccountId, SegmentId};
use serde::{Deserialize, Serialize};

/// Who a rule applies to.
///
/// ```
/// use tradeterms::Scope;
/// let s: Scope = serde_json::from_str(r#"{ "subtree": "abb-corp" }"#).unwrap();
/// assert_eq!(s, Scope::Subtree("abb-corp".into()));
/// let e: Scope = serde_json::from_str(r#""everyone""#).unwrap();
/// assert_eq!(e, Scope::Everyone);
/// let g: Scope = serde_json::from_str(r#""guests""#).unwrap();
/// assert_eq!(g, Scope::Guests);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// Every account.
    #[default]
    Everyone,
    /// The accounts of a segment.
    Segment(SegmentId),
    /// One account only.
    Account(AccountId),
    /// An account and all its descendants.
    Subtree(AccountId),
    /// Guests: visitors not signed in, asking with a context alone (SEMANTICS G1-G2). Reaches
    /// no account; a guest is reached by these rules and by `everyone` rules only.
    Guests,
}
