//! Who a rule applies to: everyone, a segment, one account, or an account and its
//! descendants. Every rule kind (price-list assignments, visibility, payment and approval
//! rules) is scoped the same way.

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
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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
}
