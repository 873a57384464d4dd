//! Reference lists as a host names them: the "list price" every priced answer is compared with
//! ("your price 90.00, list 120.00, you save 25 %").

use crate::id::{AccountId, PriceListId};
use serde::{Deserialize, Serialize};

/// A price list named as the reference for its currency, for every account or for one account
/// and its subtree (the nearest such setting, self included, wins; then the one for every
/// account). The reference never changes which list decides a price.
///
/// ```
/// let r: tradeterms::ReferenceListData = serde_json::from_str(
///     r#"{ "list": "list-prices-usd", "account": "abb-corp" }"#).unwrap();
/// assert_eq!(r.list.as_str(), "list-prices-usd");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReferenceListData {
    /// The price list; its currency is the currency it is the reference for.
    pub list: PriceListId,
    /// Limits it to this account and its subtree; absent for every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
}

impl ReferenceListData {
    /// A reference list for every account (`with_account` limits it to one).
    ///
    /// ```
    /// let r = tradeterms::ReferenceListData::new("public-usd").with_account("abb-corp");
    /// assert_eq!(r.account.unwrap().as_str(), "abb-corp");
    /// ```
    pub fn new(list: impl Into<PriceListId>) -> Self {
        ReferenceListData {
            list: list.into(),
            ..ReferenceListData::default()
        }
    }
}

crate::format::builder!(ReferenceListData;
    into with_list(list: PriceListId),
    some_into with_account(account: AccountId),
);
