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
