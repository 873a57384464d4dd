//! Who may act for which account, as a host declares it: permissions, roles (named sets of
//! permissions), users and their memberships in accounts.

use crate::id::{AccountId, RoleName, UserId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A permission a role can grant.
///
/// ```
/// let p: tradeterms::Permission = serde_json::from_str("\"view_prices\"").unwrap();
/// assert_eq!(p, tradeterms::Permission::ViewPrices);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Permission {
    /// See the account's catalogue.
    ViewCatalog,
    /// See prices.
    ViewPrices,
    /// Place orders.
    Buy,
    /// Ask for a quote.
    RequestQuote,
    /// Approve other people's orders.
    Approve,
    /// Manage the account (users, settings).
    Manage,
}

impl Permission {
    /// Every permission, in a fixed order.
    pub const ALL: [Permission; 6] = [
        Permission::ViewCatalog,
        Permission::ViewPrices,
        Permission::Buy,
        Permission::RequestQuote,
        Permission::Approve,
        Permission::Manage,
    ];

    /// The name used in JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewCatalog => "view_catalog",
            Permission::ViewPrices => "view_prices",
            Permission::Buy => "buy",
            Permission::RequestQuote => "request_quote",
            Permission::Approve => "approve",
            Permission::Manage => "manage",
        }
    }
}

/// A role: a named set of permissions.
///
/// ```
/// let r: tradeterms::RoleData = serde_json::from_str(
///     r#"{ "name": "marketing", "permissions": ["view_catalog"] }"#).unwrap();
/// assert_eq!(r.permissions.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleData {
    /// The role's name, used in memberships.
    pub name: RoleName,
    /// What the role allows.
    pub permissions: Vec<Permission>,
}

/// How far down the account tree a membership reaches.
///
/// ```
/// let r: tradeterms::Reach = serde_json::from_str("\"subtree\"").unwrap();
/// assert_eq!(r, tradeterms::Reach::Subtree);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// This account only.
    #[default]
    Account,
    /// This account and all its descendants.
    Subtree,
}

/// A user's membership in one account.
///
/// ```
/// let m: tradeterms::MembershipData = serde_json::from_str(
///     r#"{ "account": "abb-corp", "roles": ["buyer"], "reach": "subtree" }"#).unwrap();
/// assert!(!m.disabled);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MembershipData {
    /// The account acted for.
    pub account: AccountId,
    /// Roles held there.
    pub roles: Vec<RoleName>,
    /// Whether the membership also covers the account's descendants.
    #[serde(default)]
    pub reach: Reach,
    /// A disabled membership grants nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// The most this user may order per order through this membership, in the ordering
    /// account's default currency, as a decimal string.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub spending_limit: Option<Decimal>,
    /// Spending limits for orders in the account's other currencies, one per currency
    /// (`[{ "currency": "CAD", "amount": "7000" }]`): the engine converts no money, so an
    /// order in a currency with no limit stated has none (SEMANTICS C3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spending_limits: Vec<crate::money::Money>,
}

/// A user.
///
/// ```
/// let u: tradeterms::UserData = serde_json::from_str(
///     r#"{ "id": "john", "name": "John", "memberships": [] }"#).unwrap();
/// assert_eq!(u.id.as_str(), "john");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UserData {
    /// Unique id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// A disabled user is denied everything.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// The accounts the user may act for.
    #[serde(default)]
    pub memberships: Vec<MembershipData>,
}
