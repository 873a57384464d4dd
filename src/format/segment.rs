//! Segments as a host declares them: named groups of accounts, listed and/or defined by a
//! predicate over account attributes.

use crate::format::predicate::Predicate;
use crate::id::{AccountId, SegmentId};
use serde::{Deserialize, Serialize};

/// A named group of accounts.
///
/// ```
/// let s: tradeterms::SegmentData = serde_json::from_str(
///     r#"{ "id": "wholesale", "name": "Wholesale", "accounts": ["austin-hardware"] }"#).unwrap();
/// assert_eq!(s.accounts.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SegmentData {
    /// Unique id.
    pub id: SegmentId,
    /// Display name.
    pub name: String,
    /// Member accounts listed explicitly.
    #[serde(default)]
    pub accounts: Vec<AccountId>,
    /// Accounts whose attributes satisfy this predicate are members too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Predicate>,
}

impl SegmentData {
    /// A segment with no listed accounts and no rule; add them with `with_accounts` or `with_rule`.
    ///
    /// ```
    /// let s = tradeterms::SegmentData::new("k12", "K-12 schools").with_accounts(vec!["lincoln-high".into()]);
    /// assert_eq!(s.accounts.len(), 1);
    /// ```
    pub fn new(id: impl Into<SegmentId>, name: impl Into<String>) -> Self {
        SegmentData {
            id: id.into(),
            name: name.into(),
            ..SegmentData::default()
        }
    }
}

crate::format::builder!(SegmentData;
    into with_id(id: SegmentId),
    into with_name(name: String),
    set with_accounts(accounts: Vec<AccountId>),
    some with_rule(rule: Predicate),
);
