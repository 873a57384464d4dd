//! Sales channels a dataset declares (`web`, `edi`, `field-sales`...), and the context
//! conditions a rule may carry: the channels and ship-to countries it is limited to
//! (SEMANTICS C1-C4).

use crate::id::ChannelId;
use serde::{Deserialize, Serialize};

/// A sales channel: a query names one of these, and rules may be limited to some.
///
/// ```
/// let c: tradeterms::ChannelData = serde_json::from_str(r#"{ "id": "edi", "name": "EDI orders" }"#).unwrap();
/// assert_eq!(c.id.as_str(), "edi");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelData {
    /// Unique id.
    pub id: ChannelId,
    /// Display name.
    #[serde(default)]
    pub name: String,
}
