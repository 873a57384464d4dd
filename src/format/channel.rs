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
/// assert!(!c.guest_prices); // guests on EDI are asked to sign in for prices
/// let web: tradeterms::ChannelData =
///     serde_json::from_str(r#"{ "id": "web", "name": "Web shop", "guest_prices": true }"#).unwrap();
/// assert!(web.guest_prices);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ChannelData {
    /// Unique id.
    pub id: ChannelId,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Whether guests (visitors not signed in) asking on this channel see prices; when `false`
    /// (the default) a SKU visible to a guest is `SignInForPrice` (SEMANTICS G5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guest_prices: bool,
}

impl ChannelData {
    /// A sales channel that shows guests no prices (`with_guest_prices(true)` to show them).
    ///
    /// ```
    /// let c = tradeterms::ChannelData::new("web", "Web shop").with_guest_prices(true);
    /// assert!(c.guest_prices);
    /// ```
    pub fn new(id: impl Into<ChannelId>, name: impl Into<String>) -> Self {
        ChannelData {
            id: id.into(),
            name: name.into(),
            ..ChannelData::default()
        }
    }
}

crate::format::builder!(ChannelData;
    into with_id(id: ChannelId),
    into with_name(name: String),
    set with_guest_prices(guest_prices: bool),
);
