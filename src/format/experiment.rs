//! Experiments as a host declares them: holdout cohorts that rules can be tagged with.

use serde::{Deserialize, Serialize};

/// An experiment: who owns it, its salt and its holdout share.
///
/// ```
/// let e: tradeterms::ExperimentData = serde_json::from_str(r#"{
///   "id": "promo-q3", "owner": "growth@seller.example", "salt": "promo-q3-2026", "holdout_bp": 1000 }"#).unwrap();
/// assert_eq!(e.holdout_bp, 1000); // 10 %
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExperimentData {
    /// Unique id, used to tag rules.
    pub id: String,
    /// The person or team answerable for it.
    pub owner: String,
    /// Salt of the assignment hash: change it to draw new arms.
    pub salt: String,
    /// Share of top-level accounts held out, in basis points (0 to 10 000).
    pub holdout_bp: u32,
}

impl ExperimentData {
    /// An experiment holding out `holdout_bp` basis points of accounts.
    ///
    /// ```
    /// let e = tradeterms::ExperimentData::new("promo", "growth", "2026-q4", 1_000);
    /// assert_eq!(e.holdout_bp, 1_000);
    /// ```
    pub fn new(
        id: impl Into<String>,
        owner: impl Into<String>,
        salt: impl Into<String>,
        holdout_bp: u32,
    ) -> Self {
        ExperimentData {
            id: id.into(),
            owner: owner.into(),
            salt: salt.into(),
            holdout_bp,
            ..ExperimentData::default()
        }
    }
}

crate::format::builder!(ExperimentData;
    into with_id(id: String),
    into with_owner(owner: String),
    into with_salt(salt: String),
    set with_holdout_bp(holdout_bp: u32),
);
