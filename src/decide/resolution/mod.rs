//! The answer to a query: a typed decision that explains itself.
//!
//! A [`Resolution`] says what the acting user may do ([`Access`]), what the outcome is
//! ([`Outcome`]), and, when a price was looked for, every candidate assignment with why it won or
//! lost. It is structured for programs and renders for people with `Display`
//! (rendered in `display`, apart from the types).

mod display;

use crate::decide::audience::Audience;
use crate::format::{
    CatalogMode, Effect, PaymentTerms, Permission, PricePolicy, QuantityRule, TierMode,
};
use crate::id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
use crate::money::Currency;
use crate::time::Window;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One question: may `user`, acting for `account`, buy `qty` of `sku` at instant `at`, and at
/// what price?
///
/// ```
/// use tradeterms::Query;
/// let q = Query::new("abb-north", "john", "DRILL-18V", 5, "2026-06-01T00:00:00Z".parse().unwrap());
/// assert_eq!(q.qty, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Query {
    /// The account acted for.
    pub account: AccountId,
    /// The acting user.
    pub user: UserId,
    /// The SKU asked about.
    pub sku: Sku,
    /// Quantity, more than zero; decimals within the SKU's `quantity_decimals` (U6).
    pub qty: crate::quantity::Quantity,
    /// The instant the question is asked for; the engine never reads a clock.
    pub at: Timestamp,
    /// Who will read the answer: `Operator` (the default) or `Buyer` (SEMANTICS A1-A3).
    #[serde(default, skip_serializing_if = "Audience::is_operator")]
    pub audience: Audience,
    /// The sales channel, ship-to country and currency asked for; none by default (C1-C3).
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
    /// The unit `qty` counts in: one the SKU declares, its base unit if absent (SEMANTICS U2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::id::UnitId>,
}

/// Where and how a query is asked (SEMANTICS C1-C3): the sales channel (one the dataset
/// declares), the country the order ships to, and the currency asked for (one the account may
/// buy in; its default currency when absent). A query that names none of them is answered as
/// before contexts existed: rules limited to channels or countries do not apply to it.
///
/// ```
/// use tradeterms::{Context, Country, Currency};
/// let ctx = Context::default()
///     .channel("edi")
///     .ship_to(Country::from_code("CA").unwrap())
///     .currency(Currency::from_code("CAD").unwrap());
/// assert_eq!(ctx.ship_to.unwrap().code(), "CA");
/// assert!(Context::default().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Context {
    /// The sales channel, declared under the dataset's `channels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::id::ChannelId>,
    /// The country the order ships to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<crate::country::Country>,
    /// The currency asked for: the account's default currency when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
}

impl Context {
    /// Whether the context names nothing.
    pub fn is_empty(&self) -> bool {
        self == &Context::default()
    }

    /// With this sales channel.
    #[must_use]
    pub fn channel(self, channel: impl Into<crate::id::ChannelId>) -> Context {
        Context {
            channel: Some(channel.into()),
            ..self
        }
    }

    /// Shipping to this country.
    #[must_use]
    pub fn ship_to(self, country: crate::country::Country) -> Context {
        Context {
            ship_to: Some(country),
            ..self
        }
    }

    /// Priced in this currency.
    #[must_use]
    pub fn currency(self, currency: Currency) -> Context {
        Context {
            currency: Some(currency),
            ..self
        }
    }
}

crate::format::builder!(Query;
    into with_account(account: AccountId),
    into with_user(user: UserId),
    into with_sku(sku: Sku),
    into with_qty(qty: crate::quantity::Quantity),
    set with_at(at: Timestamp),
);

impl Query {
    /// Builds a query.
    pub fn new(
        account: impl Into<AccountId>,
        user: impl Into<UserId>,
        sku: impl Into<Sku>,
        qty: impl Into<crate::quantity::Quantity>,
        at: Timestamp,
    ) -> Query {
        Query {
            account: account.into(),
            user: user.into(),
            sku: sku.into(),
            qty: qty.into(),
            at,
            audience: Audience::Operator,
            context: Context::default(),
            unit: None,
        }
    }

    /// The same query, with `qty` counted in `unit` (one the SKU declares) (SEMANTICS U2).
    #[must_use]
    pub fn in_unit(self, unit: impl Into<crate::id::UnitId>) -> Query {
        Query {
            unit: Some(unit.into()),
            ..self
        }
    }

    /// The same query with `unit` set or cleared.
    pub(crate) fn with_unit(self, unit: Option<crate::id::UnitId>) -> Query {
        Query { unit, ..self }
    }

    /// The same query, asked in `context`.
    #[must_use]
    pub fn with_context(self, context: Context) -> Query {
        Query { context, ..self }
    }

    /// The same query, answered for `audience`.
    #[must_use]
    pub fn with_audience(self, audience: Audience) -> Query {
        Query { audience, ..self }
    }
}

/// A [`Query`] that borrows its ids: the same question, asked without allocating them. Answered
/// by [`Snapshot::quote_ref`](crate::Snapshot::quote_ref) (which allocates no id) and
/// [`Snapshot::resolve_ref`](crate::Snapshot::resolve_ref) (whose answer echoes the query, so
/// it owns one), exactly as `quote` and `resolve` answer the owned query. For a host that reads
/// ids from a request and answers many lines.
///
/// Built with [`QueryRef::new`] and the `with_*` methods (its fields may grow); a [`Query`]
/// lends one with [`QueryRef::from`], and [`QueryRef::to_query`] makes the owned query.
///
/// ```
/// use tradeterms::{Audience, Context, Currency, Dataset, Query, QueryRef, Snapshot};
/// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
/// let at = "2026-06-01T00:00:00Z".parse()?;
/// // Ids straight from a request: borrowed, never copied into the engine's id types.
/// let (account, user, sku) = ("abb-north", "john", "DRILL-18V");
/// let query = QueryRef::new(account, user, sku, 2, at).with_audience(Audience::Buyer);
/// let quote = snapshot.quote_ref(&query)?;
/// assert_eq!(quote, snapshot.quote(&query.to_query())?);
/// // In a context, lent by reference.
/// let usd = Context::default().currency("USD".parse::<Currency>()?);
/// let owned = Query::new(account, user, sku, 2, at).with_context(usd.clone());
/// let borrowed = QueryRef::new(account, user, sku, 2, at).with_context(&usd);
/// assert_eq!(snapshot.resolve_ref(&borrowed)?, snapshot.resolve(&owned)?);
/// assert_eq!(QueryRef::from(&owned), borrowed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct QueryRef<'a> {
    /// The account acted for.
    pub account: &'a str,
    /// The acting user.
    pub user: &'a str,
    /// The SKU asked about.
    pub sku: &'a str,
    /// Quantity, more than zero; decimals within the SKU's `quantity_decimals` (U6).
    pub qty: crate::quantity::Quantity,
    /// The instant the question is asked for.
    pub at: Timestamp,
    /// Who will read the answer (SEMANTICS A1-A3).
    pub audience: Audience,
    /// The sales channel, ship-to country and currency asked for (C1-C3).
    pub context: &'a Context,
    /// The unit `qty` counts in; the SKU's base unit if `None` (SEMANTICS U2).
    pub unit: Option<&'a str>,
}

/// The context that names nothing, lent by every [`QueryRef`] not given one.
static NO_CONTEXT: Context = Context {
    channel: None,
    ship_to: None,
    currency: None,
};

impl<'a> QueryRef<'a> {
    /// Builds a borrowed query, for the `Operator` audience, in no context.
    pub fn new(
        account: &'a str,
        user: &'a str,
        sku: &'a str,
        qty: impl Into<crate::quantity::Quantity>,
        at: Timestamp,
    ) -> Self {
        QueryRef {
            account,
            user,
            sku,
            qty: qty.into(),
            at,
            audience: Audience::Operator,
            context: &NO_CONTEXT,
            unit: None,
        }
    }

    /// The same query, with `qty` counted in `unit` (SEMANTICS U2).
    #[must_use]
    pub fn in_unit(self, unit: &'a str) -> Self {
        QueryRef {
            unit: Some(unit),
            ..self
        }
    }

    /// The same query, asked in `context`.
    #[must_use]
    pub fn with_context(self, context: &'a Context) -> Self {
        QueryRef { context, ..self }
    }

    /// The same query, answered for `audience`.
    #[must_use]
    pub fn with_audience(self, audience: Audience) -> Self {
        QueryRef { audience, ..self }
    }

    /// The owned [`Query`] asking the same question (it allocates the three ids).
    #[must_use]
    pub fn to_query(&self) -> Query {
        Query {
            account: AccountId::new(self.account),
            user: UserId::new(self.user),
            sku: Sku::new(self.sku),
            qty: self.qty,
            at: self.at,
            audience: self.audience,
            context: self.context.clone(),
            unit: self.unit.map(crate::id::UnitId::new),
        }
    }
}

impl<'a> From<&'a Query> for QueryRef<'a> {
    fn from(query: &'a Query) -> QueryRef<'a> {
        QueryRef {
            account: query.account.as_str(),
            user: query.user.as_str(),
            sku: query.sku.as_str(),
            qty: query.qty,
            at: query.at,
            audience: query.audience,
            context: &query.context,
            unit: query.unit.as_ref().map(|u| u.as_str()),
        }
    }
}

/// Why a permission is refused.
///
/// ```
/// use tradeterms::Refusal;
/// assert_eq!(Refusal::NotEntitled.to_string(), "the user has no active membership that reaches this account");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum Refusal {
    /// No enabled membership of an enabled user reaches the account.
    NotEntitled,
    /// The user is disabled.
    UserDisabled,
    /// The user is entitled, but none of the roles held grants the permission.
    MissingPermission {
        /// The permission lacking.
        permission: Permission,
        /// The roles the user holds for this account (none of which grants it).
        roles: Vec<RoleName>,
    },
}

/// Whether one permission is granted, and by what.
///
/// ```
/// use tradeterms::{Grant, Refusal};
/// let g = Grant::Refused(Refusal::NotEntitled);
/// assert!(!g.is_allowed());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Granted by this role, held through a membership at this account.
    Allowed {
        /// The role granting it (the smallest name if several do).
        role: RoleName,
        /// The account of the membership.
        via: AccountId,
    },
    /// Refused.
    Refused(Refusal),
}

impl Grant {
    /// Whether the permission is granted.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Grant::Allowed { .. })
    }
}

/// What the acting user may do for the account.
///
/// ```
/// use tradeterms::{Access, Grant, Refusal};
/// let no = r#"{ "refused": { "reason": "not_entitled" } }"#;
/// let a: Access = serde_json::from_str(&format!(
///     r#"{{ "view_catalog": {no}, "view_prices": {no}, "buy": {no}, "request_quote": {no} }}"#)).unwrap();
/// assert_eq!(a.buy, Grant::Refused(Refusal::NotEntitled));
/// assert!(!a.buy.is_allowed());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Access {
    /// May see the catalogue.
    pub view_catalog: Grant,
    /// May see prices.
    pub view_prices: Grant,
    /// May order.
    pub buy: Grant,
    /// May ask for a quote.
    pub request_quote: Grant,
    /// The most the user may order per order for this account (the lowest limit among the
    /// memberships that reach it); `None` for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub spending_limit: Option<Decimal>,
}

/// How specific the scope of a rule is for the account asked about (SEMANTICS S5): the account
/// itself, then its ancestors nearest first, then its segments, then everyone.
///
/// The order compares specificity only, as the rules do: every segment is as specific as any
/// other, so two different segments are neither more nor less specific than each other
/// (`partial_cmp` gives `None`, as it does for two different ancestors at the same distance,
/// which one account never has). [`Specificity::rank`] gives the level alone.
///
/// ```
/// use tradeterms::Specificity;
/// assert!(Specificity::Account < Specificity::Everyone);
/// let (a, b) = (Specificity::Segment("a".into()), Specificity::Segment("b".into()));
/// assert!(!(a < b) && !(b < a));
/// assert_eq!(a.rank(), b.rank());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Specificity {
    /// Assigned to the account itself (alone or with its descendants).
    Account,
    /// Assigned to an ancestor and its descendants; `distance` 1 is the parent.
    Ancestor {
        /// Steps up the tree.
        distance: u32,
        /// The ancestor.
        account: AccountId,
    },
    /// Assigned to a segment the account belongs to.
    Segment(SegmentId),
    /// Assigned to guests (SEMANTICS G3): ranked as a segment. Only a guest's answer names it,
    /// and a guest's answer is redacted for buyers, so it is seen by operators' tools only.
    Guests,
    /// Assigned to everyone.
    Everyone,
}

impl Specificity {
    /// The level alone, lower is more specific: `(0, 0)` the account, `(1, distance)` an
    /// ancestor, `(2, 0)` any segment or guests, `(3, 0)` everyone.
    pub fn rank(&self) -> (u8, u32) {
        match self {
            Specificity::Account => (0, 0),
            Specificity::Ancestor { distance, .. } => (1, *distance),
            Specificity::Segment(_) | Specificity::Guests => (2, 0),
            Specificity::Everyone => (3, 0),
        }
    }
}

impl PartialOrd for Specificity {
    /// More specific is less. Equal ranks compare equal only for equal values: two different
    /// segments are incomparable, not ordered by id.
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        match self.rank().cmp(&other.rank()) {
            std::cmp::Ordering::Equal if self != other => None,
            order => Some(order),
        }
    }
}

/// Which validity window ruled a candidate out.
///
/// ```
/// assert_eq!(tradeterms::WindowOf::Entry.to_string(), "price entry");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WindowOf {
    /// The assignment's window.
    Assignment,
    /// The price list's window.
    List,
    /// The window of the base list a relative list derives from.
    BaseList(PriceListId),
    /// The price entry's window.
    Entry,
}

/// Why a candidate won or lost.
///
/// ```
/// use tradeterms::CandidateStatus;
/// assert_eq!(CandidateStatus::NoEntry.to_string(), "lost: the list has no entry for this SKU");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum CandidateStatus {
    /// This candidate decided the price.
    Won,
    /// Not valid at the instant asked about.
    NotValid {
        /// Which window.
        of: WindowOf,
        /// The window.
        window: Window,
        /// `true` if the window had not opened yet, `false` if it had closed.
        not_yet: bool,
    },
    /// The list is in another currency than the one asked for (the account's by default).
    OtherCurrency {
        /// The list's currency.
        currency: Currency,
    },
    /// The assignment is limited to other sales channels than the query's (or the query names
    /// none) (C2).
    OtherChannel,
    /// The assignment is limited to other ship-to countries than the query's (or the query
    /// names none) (C2).
    OtherCountry,
    /// The list does not price this SKU.
    NoEntry,
    /// The quantity is below the list's first tier for this SKU.
    BelowMinimumQuantity {
        /// The first tier's minimum.
        min_qty: crate::quantity::Quantity,
    },
    /// Valid, but a more specific or higher-priority candidate won (precedence policy, or an
    /// equal price under the lowest-price policy).
    LowerPrecedence {
        /// The winning assignment.
        winner: AssignmentId,
    },
    /// Valid, but another candidate was cheaper (lowest-price policy).
    HigherPrice {
        /// This candidate's exact line amount.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        amount: Decimal,
        /// The winning assignment.
        winner: AssignmentId,
    },
}

/// One assignment that could have priced the line.
///
/// ```
/// use tradeterms::{Candidate, CandidateStatus};
/// let c: Candidate = serde_json::from_str(r#"{ "assignment": "a", "list": "l",
///     "specificity": "everyone", "priority": 0, "status": { "status": "no_entry" } }"#).unwrap();
/// assert_eq!(c.status, CandidateStatus::NoEntry);
/// assert!(c.to_string().contains("no entry"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Candidate {
    /// The assignment.
    pub assignment: AssignmentId,
    /// Its list.
    pub list: PriceListId,
    /// How specific its scope is for this account.
    pub specificity: Specificity,
    /// Its priority.
    pub priority: i32,
    /// Why it won or lost.
    pub status: CandidateStatus,
}

/// The units of a line priced at one tier.
///
/// ```
/// use tradeterms::TierSlice;
/// let s: TierSlice = serde_json::from_str(
///     r#"{ "min_qty": 10, "units": 5, "unit_price": "2", "amount": "10" }"#).unwrap();
/// let m: TierSlice = serde_json::from_str(
///     r#"{ "min_qty": 10, "units": 2.5, "unit_price": "2", "amount": "5" }"#).unwrap();
/// assert_eq!(m.units.to_string(), "2.5");
/// assert_eq!(s.amount, 10.into());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TierSlice {
    /// The tier's minimum quantity.
    pub min_qty: crate::quantity::Quantity,
    /// Units priced at this tier (a decimal for a SKU with `quantity_decimals`: `2.5` m).
    pub units: crate::quantity::Quantity,
    /// Unit price at this tier (exact, after any relative adjustment).
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub unit_price: Decimal,
    /// `units * unit_price`, exact.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub amount: Decimal,
}

/// The adjustment of a relative list that decided a price (SEMANTICS P6a-P6c): its target,
/// the quantity it applies from, and its formula.
///
/// ```
/// use tradeterms::Adjustment;
/// let a: Adjustment = serde_json::from_str(
///     r#"{ "list": "abb", "base": "public", "category": null, "percent": "-20" }"#).unwrap();
/// assert_eq!(a.to_string(), "`abb`: -20 % on `public`");
/// let b: Adjustment = serde_json::from_str(r#"{ "list": "abb", "base": "public", "category": null,
///     "sku": "DRILL-18V", "min_qty": 10, "percent": "0", "price": "89.00" }"#).unwrap();
/// assert_eq!(b.to_string(), "`abb`: price 89.00 on `public` for SKU `DRILL-18V` from 10 units");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Adjustment {
    /// The relative list.
    pub list: PriceListId,
    /// The list it derives from.
    pub base: PriceListId,
    /// The one SKU the adjustment targets, if it targets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Sku>,
    /// The category the adjustment is limited to, if any.
    pub category: Option<String>,
    /// The line quantity (in the entry's unit) it applies from, if it says one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_qty: Option<crate::quantity::Quantity>,
    /// The change in percent.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub percent: Decimal,
    /// The fixed amount added per unit after the percent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// The multiple the price is rounded to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_to: Option<Decimal>,
    /// Added after rounding, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<Decimal>,
    /// The fixed unit price it sets, instead of the formula.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    /// Its own least margin over cost in percent, if it states one (P6d).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_margin: Option<Decimal>,
    /// Its own most margin over cost in percent, if it states one (P6d).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_margin: Option<Decimal>,
}

/// A margin over cost met by a tier that priced the line (SEMANTICS P6d-P6f): the list whose
/// margin it is and its owner, the cost, and what became of the unit price. Operators only: a
/// buyer's answer never carries one (A2).
///
/// ```
/// use tradeterms::{MarginCheck, MarginStatus};
/// let m: MarginCheck = serde_json::from_str(r#"{ "list": "cost-plus",
///     "owner": "sales@seller.example", "min_qty": 1, "min_margin": "5", "cost_list": "cost-usd",
///     "cost": "10.00", "written": "9.99", "unit_price": "10.50",
///     "status": { "status": "clamped_to_floor", "floor": "10.50" } }"#).unwrap();
/// assert!(matches!(m.status, MarginStatus::ClampedToFloor { .. }));
/// assert_eq!(m.to_string(), "`cost-plus` (owner sales@seller.example) from 1 units: 9.99 under \
///     the floor 10.50 (cost 10.00 in `cost-usd` + 5 %), clamped to 10.50");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MarginCheck {
    /// The list whose margin it is.
    pub list: PriceListId,
    /// Who answers for that list.
    pub owner: String,
    /// The tier's minimum quantity (in the entry's unit).
    pub min_qty: crate::quantity::Quantity,
    /// The least margin over cost in force, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub min_margin: Option<Decimal>,
    /// The most margin over cost in force, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub max_margin: Option<Decimal>,
    /// The cost list of the currency.
    pub cost_list: PriceListId,
    /// The unit cost at the tier; absent when the cost list has none (the margin then does not
    /// apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub cost: Option<Decimal>,
    /// The unit price as the list's formula wrote it.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub written: Decimal,
    /// The unit price after the margin: the bound when clamped, `written` otherwise.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub unit_price: Decimal,
    /// What the margin did.
    pub status: MarginStatus,
}

/// What a margin over cost did to a unit price (SEMANTICS P6e, P6f).
///
/// ```
/// use tradeterms::MarginStatus;
/// assert_eq!(MarginStatus::Within.to_string(), "within its margins");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum MarginStatus {
    /// Between the floor and the ceiling.
    Within,
    /// Under the floor, raised to it (the list says `clamp`).
    ClampedToFloor {
        /// cost x (100 + `min_margin`) / 100.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        floor: Decimal,
    },
    /// Over the ceiling, lowered to it (the list says `clamp`).
    ClampedToCeiling {
        /// cost x (100 + `max_margin`) / 100.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        ceiling: Decimal,
    },
    /// Under the floor, priced as written and reported (the list says `report`).
    BelowFloor {
        /// cost x (100 + `min_margin`) / 100.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        floor: Decimal,
    },
    /// Over the ceiling, priced as written and reported (the list says `report`).
    AboveCeiling {
        /// cost x (100 + `max_margin`) / 100.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        ceiling: Decimal,
    },
    /// The cost list has no cost for the SKU at this tier: the margin does not apply.
    NoCost,
}

/// A priced line.
///
/// ```
/// use tradeterms::{Price, TierMode};
/// let p: Price = serde_json::from_str(r#"{ "currency": "USD", "tier_mode": "volume",
///     "slices": [{ "min_qty": 1, "units": 3, "unit_price": "1.005", "amount": "3.015" }],
///     "exact_amount": "3.015", "amount": "3.02", "adjustments": [] }"#).unwrap();
/// assert_eq!(p.tier_mode, TierMode::Volume);
/// assert_eq!(p.unit_price(), Some("1.005".parse().unwrap()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Price {
    /// Currency of every amount.
    pub currency: Currency,
    /// How the tiers priced the line.
    pub tier_mode: TierMode,
    /// The split by tier: one slice in volume mode, one per tier reached in graduated mode.
    pub slices: Vec<TierSlice>,
    /// The exact line amount (sum of the slices).
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub exact_amount: Decimal,
    /// The line amount rounded to the currency's minor units with
    /// [`ROUNDING`](crate::money::ROUNDING).
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub amount: Decimal,
    /// Relative-list adjustments applied, outermost first.
    pub adjustments: Vec<Adjustment>,
    /// The margins over cost met by the tiers that priced the line, innermost list first
    /// (SEMANTICS P6d-P6f); empty when no list of the price states one, and in a `Buyer`
    /// answer (A2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub margins: Vec<MarginCheck>,
    /// Whether the amounts include tax (the deciding list is gross); net if false (C5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tax_included: bool,
}

impl Price {
    /// The one unit price of the line, when every unit has the same price (volume mode, or a
    /// graduated line within its first tier).
    pub fn unit_price(&self) -> Option<Decimal> {
        match self.slices.as_slice() {
            [only] => Some(only.unit_price),
            _ => None,
        }
    }

    /// The tier reached: the highest `min_qty` not above the quantity.
    pub fn tier_min_qty(&self) -> Option<crate::quantity::Quantity> {
        self.slices.last().map(|s| s.min_qty)
    }
}

/// Where the winning price came from.
///
/// ```
/// use tradeterms::{Source, Specificity};
/// let s: Source = serde_json::from_str(r#"{ "assignment": "a", "list": "l", "owner": "o",
///     "specificity": "everyone", "priority": 0 }"#).unwrap();
/// assert_eq!(s.specificity, Specificity::Everyone);
/// assert_eq!(s.from_account(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Source {
    /// The winning assignment.
    pub assignment: AssignmentId,
    /// Its list.
    pub list: PriceListId,
    /// The list's owner, to ask about the price.
    pub owner: String,
    /// How the assignment reached the account.
    pub specificity: Specificity,
    /// Its priority.
    pub priority: i32,
}

impl Source {
    /// The account the assignment was made to, when it reached the account through the tree
    /// (`None` for the account itself, a segment or everyone).
    pub fn from_account(&self) -> Option<&AccountId> {
        match &self.specificity {
            Specificity::Ancestor { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// The price found and how.
///
/// ```
/// # fn f(p: &tradeterms::Priced) { let _ = (&p.price.amount, &p.list_name); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Priced {
    /// The price.
    pub price: Price,
    /// The deciding list's name, the one thing about it every audience sees.
    pub list_name: String,
    /// What decided it: the assignment, the list, its owner and how it reached the account.
    /// Absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The selection policy in force for the account.
    pub policy: PricePolicy,
    /// Every candidate, most specific first, with why it won or lost.
    pub candidates: Vec<Candidate>,
    /// The quantity rule of the deciding price entry, if it has one. It counts in the entry's
    /// unit: base units when the price is derived ([`Priced::derived_units`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_rule: Option<QuantityRule>,
    /// Set when the deciding list has no entry in the line's unit and derived the price from
    /// its base-unit entry (`derive_units`, SEMANTICS U3): how many base units one line unit
    /// holds. The tier was found at the quantity in base units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_units: Option<u64>,
    /// The reference ("list") price of the line and the saving against it.
    pub reference: Reference,
}

/// A priced line against its reference ("list") price (SEMANTICS P9): "your price 90.00, list
/// 120.00, you save 25 %". The reference never changes which list decides the price.
///
/// ```
/// use tradeterms::{NoReference, Reference};
/// let r = Reference::None { reason: NoReference::NoReferenceList };
/// assert_eq!(r.saving(), None);
/// assert_eq!(r.to_string(), "no reference price: no reference list in this currency");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum Reference {
    /// The reference list prices the line (boxed: most answers carry no reference, and the
    /// lean path should not move one around).
    Compared(Box<ReferencePrice>),
    /// No reference price, and why.
    None {
        /// Why.
        reason: NoReference,
    },
}

impl Reference {
    /// The saving against the reference (negative when the price is above it).
    pub fn saving(&self) -> Option<Decimal> {
        match self {
            Reference::Compared(r) => Some(r.saving),
            Reference::None { .. } => None,
        }
    }
}

/// The reference price of a line, priced from the reference list in the answer's currency at
/// the same quantity, in that list's tier mode (its base's, for a relative list).
///
/// ```
/// # fn f(r: &tradeterms::ReferencePrice) { let _ = (&r.amount, &r.saving_percent); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReferencePrice {
    /// The reference list; absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<PriceListId>,
    /// The reference unit price, when every unit has the same one (volume mode, or a graduated
    /// line within its first tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub unit_price: Option<Decimal>,
    /// The reference line amount, rounded to the currency's minor units.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub amount: Decimal,
    /// The reference line amount minus the line amount (both rounded): negative when the
    /// price is above the reference.
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub saving: Decimal,
    /// The saving as a percent of the reference line amount, rounded once to two decimals half
    /// away from zero; absent when the reference amount is zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub saving_percent: Option<Decimal>,
}

/// Why a priced line has no reference price.
///
/// ```
/// assert_eq!(tradeterms::NoReference::NoEntry.to_string(), "the reference list has no entry for this SKU");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoReference {
    /// No reference list is named for the account in the line's currency.
    NoReferenceList,
    /// The reference list does not price the SKU (or not at this quantity).
    NoEntry,
    /// The reference list, its base or its entry is not valid at the instant asked about.
    NotValid,
    /// The reference list is quote-only, or its entry goes on quote above this quantity: a
    /// price the seller gives only on request is never shown as a list price.
    OnQuote,
}

/// Why a line needs a quote.
///
/// ```
/// use tradeterms::QuoteReason;
/// assert_eq!(QuoteReason::NoPrice.to_string(), "no price list prices this line");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum QuoteReason {
    /// No candidate could price the line.
    NoPrice,
    /// The SKU is sold on quote only.
    SkuQuoteOnly,
    /// The deciding price list is quote-only.
    ListQuoteOnly {
        /// The deciding assignment; absent in a `Buyer` answer (A2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignment: Option<AssignmentId>,
        /// Its list.
        list: PriceListId,
    },
    /// The quantity is above the deciding entry's quote threshold.
    AboveQuantity {
        /// The deciding list.
        list: PriceListId,
        /// The largest quantity priced without a quote.
        quote_above: crate::quantity::Quantity,
    },
}

/// The line needs a quote: no candidate could price it, or the price that decided is on quote.
///
/// ```
/// # fn f(q: &tradeterms::QuoteRequired) { let _ = q.candidates.len(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct QuoteRequired {
    /// Why.
    pub reason: QuoteReason,
    /// Every candidate that was considered, with why it could not price the line (empty when
    /// no assignment reaches the account).
    pub candidates: Vec<Candidate>,
}

/// A rule named in an explanation, with its owner and how it reached the account.
///
/// ```
/// use tradeterms::{RuleRef, Specificity};
/// let r: RuleRef = serde_json::from_str(r#"{ "id": "lincoln-uniforms",
///     "owner": "schools@seller.example", "specificity": "account", "roles": [] }"#).unwrap();
/// assert_eq!(r.specificity, Specificity::Account);
/// assert_eq!(r.to_string(), "`lincoln-uniforms` (own account, owner schools@seller.example)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RuleRef {
    /// The rule's id.
    pub id: String,
    /// Who answers for it.
    pub owner: String,
    /// How it reached the account.
    pub specificity: Specificity,
    /// The roles it is limited to (empty: every user).
    pub roles: Vec<RoleName>,
}

/// Why a SKU is or is not visible to the acting user.
///
/// ```
/// use tradeterms::{CatalogMode, Visibility};
/// let v: Visibility = serde_json::from_str(r#"{ "visible": false, "mode": "curated",
///     "decided_by": null, "effect": null, "overridden": [] }"#).unwrap();
/// assert_eq!(v.mode, CatalogMode::Curated);
/// assert_eq!(v.to_string(), "not visible: curated catalogue and no rule includes this SKU");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Visibility {
    /// Whether the SKU is visible.
    pub visible: bool,
    /// The account's catalogue mode.
    pub mode: CatalogMode,
    /// The rule that decided, if any (otherwise the mode decided).
    pub decided_by: Option<RuleRef>,
    /// The deciding rule's effect.
    pub effect: Option<Effect>,
    /// Other rules targeting the SKU that the deciding rule overrode, most specific first, each
    /// with why it lost.
    pub overridden: Vec<OverriddenRule>,
}

/// A visibility rule that targets the SKU but did not decide, with its effect and why the
/// deciding rule beat it (SEMANTICS V6).
///
/// ```
/// use tradeterms::{Effect, OverrideReason, OverriddenRule};
/// let o: OverriddenRule = serde_json::from_str(r#"{ "effect": "exclude",
///     "reason": "less_specific_target",
///     "rule": { "id": "hide-tools", "owner": "merch", "roles": [], "specificity": "account" } }"#)
///     .unwrap();
/// assert_eq!((o.effect, o.reason), (Effect::Exclude, OverrideReason::LessSpecificTarget));
/// assert_eq!(o.to_string(),
///     "`hide-tools` (own account, owner merch), which excludes: less specific target");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OverriddenRule {
    /// The rule.
    pub rule: RuleRef,
    /// What it would have done.
    pub effect: Effect,
    /// Why the deciding rule beat it.
    pub reason: OverrideReason,
}

/// Why a visibility rule targeting the SKU lost to the deciding rule, the first difference in
/// precedence order (SEMANTICS V2-V4, V8).
///
/// ```
/// use tradeterms::OverrideReason;
/// assert_eq!(OverrideReason::LessSpecificTarget.to_string(), "less specific target");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverrideReason {
    /// It reached the account at a less specific scope (V3).
    LessSpecificScope,
    /// Same scope, but it is for every user while the deciding rule is limited to roles the
    /// user holds (S6).
    NotRoleLimited,
    /// Same scope and role limitation, but its target is less specific: the SKU's category
    /// where the deciding rule names the SKU, a shallower category, or every SKU or an
    /// attribute predicate where the deciding rule names a category (V8).
    LessSpecificTarget,
    /// Same scope, role limitation and target specificity: it includes, and an exclusion beats
    /// an inclusion (V4).
    ExclusionWins,
    /// Same scope, role limitation, target specificity and effect: it agrees with the deciding
    /// rule, which is named because its id sorts first (V4).
    EqualPrecedence,
}

/// A payment setting and the rule that decided it.
///
/// ```
/// use tradeterms::{Decided, PaymentTerms};
/// let d: Decided<PaymentTerms> = serde_json::from_str(r#"{ "value": { "net_days": 30 },
///     "rule": { "id": "store-net30", "owner": "credit", "roles": [], "specificity": "account" },
///     "overridden": [] }"#).unwrap();
/// assert_eq!(d.value, PaymentTerms::NetDays(30));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Decided_for_{T}"))]
#[non_exhaustive]
pub struct Decided<T> {
    /// The value in force.
    pub value: T,
    /// The rule that set it; absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
    /// Less specific rules that also set it and lost.
    pub overridden: Vec<RuleRef>,
}

/// The payment terms and methods available to a user ordering for an account.
///
/// ```
/// use tradeterms::{Payment, Refusal};
/// let p = Payment::Denied(Refusal::NotEntitled);
/// assert!(p.to_string().starts_with("payment: denied"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[must_use = "an answer that is not read decides nothing"]
pub enum Payment {
    /// The user may not order for the account.
    Denied(Refusal),
    /// The options in force.
    Options(Box<PaymentOptions>),
}

/// The payment terms and methods in force; `None` where no rule sets them.
///
/// ```
/// let o: tradeterms::PaymentOptions =
///     serde_json::from_str(r#"{ "terms": null, "methods": null }"#).unwrap();
/// assert!(o.terms.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PaymentOptions {
    /// When invoices are due.
    pub terms: Option<Decided<PaymentTerms>>,
    /// Which methods may be used.
    pub methods: Option<Decided<Vec<String>>>,
    /// The experiments whose payment rules reached the account, with its arm in each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experiments: Vec<crate::model::experiment::ExperimentArm>,
}

/// What the engine decided.
///
/// ```
/// use tradeterms::{Outcome, Refusal};
/// let o = Outcome::Denied(Refusal::NotEntitled);
/// assert!(o.price().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[must_use = "an answer that is not read decides nothing"]
pub enum Outcome {
    /// The user may not see this account's catalogue. Nothing about prices or assortment is
    /// revealed.
    Denied(Refusal),
    /// The SKU is not in this account's catalogue for this user; see
    /// [`Resolution::visibility`] for the rule. Nothing about prices is revealed.
    NotVisible,
    /// The user may see the item but not its price. Nothing about prices is revealed.
    PriceHidden(Refusal),
    /// A guest may see the item but must sign in for its price: the query's channel shows
    /// guests no prices (SEMANTICS G5). Nothing about prices is revealed.
    SignInForPrice,
    /// A price was found.
    Priced(Box<Priced>),
    /// No list prices this line: a quote is needed.
    QuoteRequired(QuoteRequired),
}

impl Outcome {
    /// The price, if one was found.
    pub fn price(&self) -> Option<&Price> {
        match self {
            Outcome::Priced(p) => Some(&p.price),
            _ => None,
        }
    }

    /// The candidates examined (empty for a denial or hidden price).
    pub fn candidates(&self) -> &[Candidate] {
        match self {
            Outcome::Priced(p) => &p.candidates,
            Outcome::QuoteRequired(q) => &q.candidates,
            _ => &[],
        }
    }
}

/// The whole answer to a [`Query`].
///
/// ```
/// # fn f(r: &tradeterms::Resolution) { println!("{r}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[must_use = "an answer that is not read decides nothing"]
#[non_exhaustive]
pub struct Resolution {
    /// The snapshot version that produced the answer.
    pub version: u64,
    /// The question.
    pub query: Query,
    /// What the user may do for the account.
    pub access: Access,
    /// Whether the SKU is visible, and which rule decided; absent when the user is denied, and
    /// in a `Buyer` answer, where the outcome says all the buyer may know (A2).
    pub visibility: Option<Visibility>,
    /// The experiments whose rules reached the account, with the account's arm in each, so
    /// hosts can log outcomes per arm.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experiments: Vec<crate::model::experiment::ExperimentArm>,
    /// The decision.
    pub outcome: Outcome,
}
