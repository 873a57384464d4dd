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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

impl RoleData {
    /// A role granting `permissions`.
    ///
    /// ```
    /// use tradeterms::{Permission, RoleData};
    /// let r = RoleData::new("buyer", vec![Permission::ViewCatalog, Permission::ViewPrices, Permission::Buy]);
    /// assert_eq!(r.permissions.len(), 3);
    /// ```
    pub fn new(name: impl Into<RoleName>, permissions: Vec<Permission>) -> Self {
        RoleData {
            name: name.into(),
            permissions,
            ..RoleData::default()
        }
    }
}

crate::format::builder!(RoleData;
    into with_name(name: RoleName),
    set with_permissions(permissions: Vec<Permission>),
);

impl MembershipData {
    /// An enabled membership of `account` alone (not its subtree), with no spending limit.
    ///
    /// ```
    /// use tradeterms::{MembershipData, Reach};
    /// let m = MembershipData::new("abb-corp", vec!["buyer".into()]).with_reach(Reach::Subtree);
    /// assert_eq!(m.reach, Reach::Subtree);
    /// ```
    pub fn new(account: impl Into<AccountId>, roles: Vec<RoleName>) -> Self {
        MembershipData {
            account: account.into(),
            roles,
            ..MembershipData::default()
        }
    }
}

crate::format::builder!(MembershipData;
    into with_account(account: AccountId),
    set with_roles(roles: Vec<RoleName>),
    set with_reach(reach: Reach),
    set with_disabled(disabled: bool),
    some with_spending_limit(spending_limit: Decimal),
    set with_spending_limits(spending_limits: Vec<crate::money::Money>),
);

impl UserData {
    /// An enabled user with no memberships yet.
    ///
    /// ```
    /// use tradeterms::{MembershipData, UserData};
    /// let u = UserData::new("john", "John").with_memberships(vec![MembershipData::new("abb-corp", vec!["buyer".into()])]);
    /// assert_eq!(u.memberships.len(), 1);
    /// ```
    pub fn new(id: impl Into<UserId>, name: impl Into<String>) -> Self {
        UserData {
            id: id.into(),
            name: name.into(),
            ..UserData::default()
        }
    }
}

crate::format::builder!(UserData;
    into with_id(id: UserId),
    into with_name(name: String),
    set with_disabled(disabled: bool),
    set with_memberships(memberships: Vec<MembershipData>),
);
