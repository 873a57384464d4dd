//! Errors, one type per phase: [`BuildError`] collects every problem found in a dataset, each
//! naming the offending ids and what would fix it; [`ResolveError`] is about a query's own inputs.
//!
//! Messages start in lower case, quote user input in backticks and name no Rust types.
//!
//! Every error serialises (with serde) as an object with a stable machine-readable `code`
//! (`"unknown_user"`), the ids and values it names, and its `message`, so that an admin UI can
//! show validation results; each enum lists its codes in a `CODES` constant.

use crate::id::{AccountId, PriceListId, Sku, UserId};
use serde::{Serialize, Serializer};
use std::fmt;

/// Gives an error enum `code()`, a `CODES` constant and a `Serialize` that writes
/// `{"code": ..., <each field by name>..., "message": <Display>}`. Each variant is listed
/// with its code and the names of its fields (a tuple variant's fields are named here); a
/// field may be given another key (`field: "key"`, for a field named `code` or `message`)
/// and a function that converts it for JSON (`field as convert`). The match is
/// exhaustive and names every field, so a variant or field added without a code or a key does
/// not compile. A code is stable: renaming one is a breaking change.
macro_rules! error_codes {
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@value $field:ident) => { $field };
    (@value $field:ident $convert:path) => { &$convert($field) };
    (
        $(#[$meta:meta])*
        $ty:ident {
            $(
                $variant:ident
                $(( $($tfield:ident $(: $tkey:literal)? $(as $tconv:path)?),* ))?
                $({ $($sfield:ident $(: $skey:literal)? $(as $sconv:path)?),* })?
                => $code:literal
            ),* $(,)?
        }
    ) => {
        impl $ty {
            $(#[$meta])*
            pub const CODES: &'static [&'static str] = &[$($code),*];

            /// The stable, machine-readable code of this value (snake case), written as `code`
            /// when it is serialised. Renaming a code is a breaking change.
            pub fn code(&self) -> &'static str {
                match self {
                    $($ty::$variant { .. } => $code,)*
                }
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("code", self.code())?;
                match self {
                    $(
                        $ty::$variant $(( $($tfield),* ))? $({ $($sfield),* })? => {
                            $($(map.serialize_entry(
                                $crate::error::error_codes!(@key $tfield $($tkey)?),
                                $crate::error::error_codes!(@value $tfield $($tconv)?),
                            )?;)*)?
                            $($(map.serialize_entry(
                                $crate::error::error_codes!(@key $sfield $($skey)?),
                                $crate::error::error_codes!(@value $sfield $($sconv)?),
                            )?;)*)?
                        }
                    )*
                }
                map.serialize_entry("message", &self.to_string())?;
                map.end()
            }
        }
    };
}
pub(crate) use error_codes;

/// The kind of an entity, as named in messages.
///
/// ```
/// assert_eq!(tradeterms::EntityKind::PriceList.to_string(), "price list");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntityKind {
    /// An account.
    Account,
    /// A user.
    User,
    /// A role.
    Role,
    /// A segment.
    Segment,
    /// A catalogue item.
    Sku,
    /// A price list.
    PriceList,
    /// An entry of a price list.
    PriceEntry,
    /// A price-list assignment.
    Assignment,
    /// A catalogue visibility rule.
    VisibilityRule,
    /// A payment rule.
    PaymentRule,
    /// An approval policy.
    ApprovalPolicy,
    /// An experiment.
    Experiment,
    /// A reference list setting.
    ReferenceList,
    /// A category path of the catalogue.
    Category,
    /// A changeset.
    Changeset,
    /// A sales channel.
    Channel,
    /// A unit a SKU is sold in.
    Unit,
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntityKind::Account => "account",
            EntityKind::User => "user",
            EntityKind::Role => "role",
            EntityKind::Segment => "segment",
            EntityKind::Channel => "channel",
            EntityKind::Unit => "unit",
            EntityKind::Sku => "SKU",
            EntityKind::PriceList => "price list",
            EntityKind::PriceEntry => "price entry",
            EntityKind::Assignment => "assignment",
            EntityKind::VisibilityRule => "visibility rule",
            EntityKind::PaymentRule => "payment rule",
            EntityKind::ApprovalPolicy => "approval policy",
            EntityKind::Experiment => "experiment",
            EntityKind::ReferenceList => "reference list",
            EntityKind::Category => "category",
            EntityKind::Changeset => "changeset",
        })
    }
}

/// One problem found while building a snapshot.
///
/// ```
/// use tradeterms::{BuildProblem, EntityKind};
/// let p = BuildProblem::DuplicateId { kind: EntityKind::Account, id: "abb".into() };
/// assert_eq!(p.to_string(), "account `abb` is defined more than once: give each account a unique id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildProblem {
    /// An id is empty.
    #[error("{kind} #{position} has an empty id: every {kind} needs a non-empty id")]
    EmptyId {
        /// Kind of entity.
        kind: EntityKind,
        /// Position in its JSON array, from 0.
        position: usize,
    },
    /// An id (of an entity, or naming one) that is blank, longer than 256 bytes, holds a
    /// control, zero-width or bidirectional character, or is not in Unicode NFC. Ids are
    /// checked before anything else: while one is refused, no other problem is reported, so no
    /// message repeats a bad id in full.
    ///
    /// ```
    /// use tradeterms::{BuildProblem, Dataset, Snapshot};
    /// let dataset = Dataset::from_json(r#"{ "accounts": [
    ///     { "id": "abb\u202ecorp", "name": "Abb", "currency": "USD" } ] }"#).unwrap();
    /// let err = Snapshot::from_dataset(&dataset).unwrap_err();
    /// assert!(matches!(&err.problems()[0], BuildProblem::InvalidId { field, .. } if field == "accounts[0].id"));
    /// assert_eq!(err.problems()[0].to_string(), "account id \"abb\\u{202e}corp\" at `accounts[0].id` \
    ///     contains the bidirectional control U+202E: remove it, it makes an id read differently from how it compares");
    /// ```
    #[error("{kind} id {id} at `{field}` {fault}")]
    InvalidId {
        /// The kind of entity the id names.
        kind: EntityKind,
        /// Where the id is, as a path (`users[2].memberships[0].account`).
        field: String,
        /// The id as shown: at most 32 characters, escaped and quoted.
        id: String,
        /// What is wrong with it.
        fault: crate::id::IdFault,
    },
    /// Two entities of one kind share an id.
    #[error("{kind} `{id}` is defined more than once: give each {kind} a unique id")]
    DuplicateId {
        /// Kind of entity.
        kind: EntityKind,
        /// The repeated id.
        id: String,
    },
    /// A reference names an entity that does not exist.
    #[error(
        "{from_kind} `{from}` refers to {to_kind} `{to}`, which does not exist: add it or fix the reference"
    )]
    DanglingReference {
        /// Kind of the referring entity.
        from_kind: EntityKind,
        /// Id of the referring entity.
        from: String,
        /// Kind of the missing entity.
        to_kind: EntityKind,
        /// The missing id.
        to: String,
    },
    /// A payment rule or approval policy scoped to `guests`: guests neither pay nor order, so
    /// only price-list assignments and visibility rules may be scoped to them (SEMANTICS G2).
    #[error(
        "{kind} `{id}` is scoped to `guests`, who neither pay nor order: scope it to accounts, or use `guests` on assignments and visibility rules only"
    )]
    GuestScope {
        /// The kind of the rule.
        kind: EntityKind,
        /// The rule's id.
        id: String,
    },
    /// Accounts whose parents form a cycle.
    #[error(
        "accounts {} form a parent cycle: one of them must be a top-level account",
        join(accounts)
    )]
    AccountCycle {
        /// The accounts on the cycle, starting from the smallest id.
        accounts: Vec<AccountId>,
    },
    /// An account is deeper in the tree than the engine allows.
    #[error(
        "account `{account}` is at depth {depth}, deeper than the limit of {limit}: flatten the hierarchy"
    )]
    TooDeep {
        /// The account.
        account: AccountId,
        /// Its depth (a top-level account has depth 1).
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// A currency code that is not an ISO 4217 money currency.
    #[error(
        "{kind} `{id}` has currency `{code}`, which is not an ISO 4217 currency with minor units: use a code such as `USD` or `EUR`"
    )]
    UnknownCurrency {
        /// Kind of entity.
        kind: EntityKind,
        /// Its id.
        id: String,
        /// The code given.
        code: String,
    },
    /// A relative list whose currency differs from its base's.
    #[error(
        "price list `{list}` is in {currency} but its base `{base}` is in {base_currency}: a relative list must use its base's currency"
    )]
    MixedCurrency {
        /// The relative list.
        list: PriceListId,
        /// Its currency.
        currency: String,
        /// The base list.
        base: PriceListId,
        /// The base's currency.
        base_currency: String,
    },
    /// Relative lists that derive from each other in a cycle.
    #[error(
        "relative price lists {} derive from each other in a cycle: one of them must be absolute",
        join(lists)
    )]
    RelativeCycle {
        /// The lists on the cycle, starting from the smallest id.
        lists: Vec<PriceListId>,
    },
    /// A net and a gross list that a policy would compare, or a relative list whose tax basis
    /// differs from its base's (SEMANTICS C5).
    #[error(
        "price list `{net}` is net and `{gross}` includes tax{}: the engine computes no tax, so it never compares the two; make both net or both gross, or use the precedence policy",
        match account { Some(a) => format!(", and both reach account `{a}`, whose price policy compares amounts"), None => ", and one derives from the other".to_string() }
    )]
    MixedTaxBasis {
        /// The net list.
        net: PriceListId,
        /// The list whose prices include tax.
        gross: PriceListId,
        /// The account whose policy would compare them; `None` for a relative list and its base.
        account: Option<AccountId>,
    },
    /// A relative list given entries of its own.
    #[error(
        "price list `{list}` is relative and cannot have entries of its own: a relative list takes all its prices from its base"
    )]
    RelativeWithEntries {
        /// The list.
        list: PriceListId,
    },
    /// A relative list deriving through more relative lists than the engine follows.
    #[error(
        "price list `{list}` derives through more than {limit} relative lists: derive it from an absolute list more directly"
    )]
    RelativeTooDeep {
        /// The list.
        list: PriceListId,
        /// The most relative lists a chain may pass through.
        limit: usize,
    },
    /// A relative list without adjustments, or an adjustment that cannot price: a percent below
    /// -100, both a SKU and a category, `min_qty` 0, a `price` with a percent, amount or
    /// rounding, a negative `price`, a `round_to` of zero or less, an `ending` without
    /// `round_to` or not smaller than it (SEMANTICS B5).
    #[error("price list `{list}` has an invalid adjustment: {detail}")]
    InvalidAdjustment {
        /// The list.
        list: PriceListId,
        /// What is wrong.
        detail: String,
    },
    /// Two adjustments of one relative list with the same target: the same SKU, the same
    /// category, or both without a target (SEMANTICS P6a). Which should decide cannot be read
    /// from the data.
    #[error(
        "price list `{list}` has two adjustments for {target} (adjustments {first} and {second}): keep one adjustment per target"
    )]
    DuplicateAdjustment {
        /// The relative list.
        list: PriceListId,
        /// The target both name, as `SKU `x``, `category `x`` or `every SKU`.
        target: String,
        /// Position of the first in the list's `adjustments` (from 0).
        first: usize,
        /// Position of the second.
        second: usize,
    },
    /// A price entry without tiers.
    #[error("price list `{list}` has no tiers for SKU `{sku}`: give at least one tier")]
    EmptyTiers {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
    },
    /// A price entry with more tiers than the engine stores.
    #[error(
        "price list `{list}` has {count} tiers for SKU `{sku}`: at most {max} are supported, merge tiers that share a price"
    )]
    TooManyTiers {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
        /// Tiers given.
        count: usize,
        /// The most supported.
        max: usize,
    },
    /// More entities of one kind than a snapshot can index.
    #[error(
        "the dataset has {count} {kind} entries: at most {max} are supported, split the dataset"
    )]
    TooLarge {
        /// Kind of entity.
        kind: EntityKind,
        /// How many were given.
        count: usize,
        /// The most supported.
        max: usize,
    },
    /// A tier with a minimum quantity of zero.
    #[error(
        "price list `{list}` has a tier with min_qty 0 for SKU `{sku}`: quantities are more than zero"
    )]
    ZeroQuantity {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
    },
    /// Tiers whose minimum quantities do not strictly increase.
    #[error(
        "price list `{list}` has tiers for SKU `{sku}` whose min_qty does not strictly increase ({previous} then {next}): sort the tiers and remove duplicates"
    )]
    TiersNotIncreasing {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
        /// The earlier tier's minimum.
        previous: crate::quantity::Quantity,
        /// The later tier's minimum.
        next: crate::quantity::Quantity,
    },
    /// A negative unit price.
    #[error(
        "price list `{list}` has a negative unit price {price} for SKU `{sku}` at min_qty {min_qty}: prices must be zero or more"
    )]
    NegativePrice {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
        /// The tier.
        min_qty: crate::quantity::Quantity,
        /// The price given.
        price: String,
    },
    /// A membership's spending limit below zero.
    #[error(
        "user `{user}` has a spending limit of {limit} at account `{account}`: a limit is zero or more (omit it for no limit)"
    )]
    NegativeSpendingLimit {
        /// The user.
        user: UserId,
        /// The account of the membership.
        account: AccountId,
        /// The limit given.
        limit: String,
    },
    /// A validity window that ends before it starts.
    #[error(
        "{kind} `{id}` has a validity window ending at or before its start ({window}): swap or fix the bounds"
    )]
    ReversedWindow {
        /// Kind of entity.
        kind: EntityKind,
        /// Its id (for an entry: `list/sku`).
        id: String,
        /// The window as given.
        window: String,
    },
    /// A membership names a role that is neither a preset nor defined in the dataset.
    #[error(
        "user `{user}` holds role `{role}` at account `{account}`, but no such role exists: define it under `roles` or use a preset"
    )]
    UnknownRole {
        /// The user.
        user: UserId,
        /// The account of the membership.
        account: AccountId,
        /// The unknown role.
        role: String,
    },
    /// A predicate names an attribute that no entity has.
    #[error(
        "{kind} `{id}` tests attribute `{attr}`, which no entity has: fix the name or add the attribute"
    )]
    UnknownAttribute {
        /// Kind of the rule holding the predicate.
        kind: EntityKind,
        /// Its id.
        id: String,
        /// The attribute.
        attr: String,
    },
    /// A predicate or order condition nested deeper than the engine evaluates.
    #[error(
        "{kind} `{id}` nests its conditions more than {max} deep: flatten them (an `all` of `all`s is one `all`)"
    )]
    ConditionTooDeep {
        /// Kind of the rule holding it.
        kind: EntityKind,
        /// The rule.
        id: String,
        /// The deepest nesting accepted.
        max: usize,
    },
    /// A predicate compares an attribute with a value of another type.
    #[error(
        "{kind} `{id}` compares attribute `{attr}` ({expected}) with a {found}: compare with a value of the attribute's type"
    )]
    PredicateTypeMismatch {
        /// Kind of the rule holding the predicate.
        kind: EntityKind,
        /// Its id.
        id: String,
        /// The attribute.
        attr: String,
        /// The type(s) the attribute has in the data.
        expected: String,
        /// The type of the value given.
        found: String,
    },
    /// A rule names a role that is neither a preset nor defined in the dataset.
    #[error(
        "{kind} `{id}` is limited to role `{role}`, but no such role exists: define it under `roles` or use a preset"
    )]
    UnknownRuleRole {
        /// Kind of the rule.
        kind: EntityKind,
        /// Its id.
        id: String,
        /// The unknown role.
        role: String,
    },
    /// Two rules of one kind at the same scope and roles that set the same thing.
    #[error(
        "{kind}s `{first}` and `{second}` both set the {what} for the same scope and roles: merge them or narrow one"
    )]
    ConflictingRules {
        /// Kind of the rules.
        kind: EntityKind,
        /// One rule.
        first: String,
        /// The other.
        second: String,
        /// What both set.
        what: String,
    },
    /// A quantity rule that no quantity could satisfy, or a bad quote threshold.
    #[error("{kind} `{id}` has an invalid quantity rule: {detail}")]
    InvalidQuantityRule {
        /// Kind of entity.
        kind: EntityKind,
        /// Its id.
        id: String,
        /// What is wrong.
        detail: String,
    },
    /// A unit a SKU declares that cannot be sold: a conversion that is not a whole number of
    /// base units of at least 1, or a name declared twice (SEMANTICS U1).
    #[error("SKU {} declares unit {} {problem}", crate::id::quoted(sku.as_str()), crate::id::quoted(unit.as_str()))]
    InvalidUnit {
        /// The SKU.
        sku: Sku,
        /// The unit.
        unit: crate::id::UnitId,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// A price entry in a unit its SKU does not declare (SEMANTICS U2).
    #[error(
        "price list {} has an entry for SKU {} in unit {}, which the SKU does not declare: add it to the SKU's `units` or fix the name",
        crate::id::quoted(list.as_str()), crate::id::quoted(sku.as_str()), crate::id::quoted(unit.as_str())
    )]
    UnknownEntryUnit {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
        /// The unit named.
        unit: crate::id::UnitId,
    },
    /// A negative cost.
    #[error("SKU `{sku}` has a negative cost {cost}: costs must be zero or more")]
    NegativeCost {
        /// The SKU.
        sku: Sku,
        /// The cost given.
        cost: String,
    },
    /// A SKU's `quantity_decimals` above [`Quantity::MAX_DECIMALS`](crate::Quantity::MAX_DECIMALS)
    /// (SEMANTICS U6).
    #[error(
        "SKU {} has quantity_decimals {decimals}: at most {max} are supported",
        crate::id::quoted(sku.as_str())
    )]
    InvalidQuantityDecimals {
        /// The SKU.
        sku: Sku,
        /// The decimals given.
        decimals: u32,
        /// The most supported.
        max: u32,
    },
    /// A quantity in the data (a tier's `min_qty`, a quantity rule, `quote_above`, an
    /// adjustment's `min_qty` for one SKU) finer than its SKU's `quantity_decimals` (U7).
    #[error(
        "SKU {} counts quantities to {decimals} decimals, but {what} says {qty}: round it to {decimals} decimals or raise the SKU's quantity_decimals",
        crate::id::quoted(sku.as_str())
    )]
    QuantityTooPrecise {
        /// The SKU.
        sku: Sku,
        /// Where the quantity is (`price list `abb` tier 2`, `quantity rule`).
        what: String,
        /// The quantity given.
        qty: crate::quantity::Quantity,
        /// The SKU's quantity decimals.
        decimals: u32,
    },
    /// An approval policy names a user that does not exist.
    #[error(
        "approval policy `{policy}` names user `{user}`, who does not exist: fix the name or add the user"
    )]
    UnknownApprover {
        /// The policy.
        policy: String,
        /// The unknown user.
        user: String,
    },
    /// An approval policy without steps.
    #[error("approval policy `{policy}` has no steps: give it at least one approval step")]
    NoApprovalSteps {
        /// The policy.
        policy: String,
    },
    /// A holdout share above 100 %.
    #[error(
        "experiment `{experiment}` holds out {holdout_bp} basis points, more than 10000 (100 %): use 0 to 10000"
    )]
    InvalidHoldout {
        /// The experiment.
        experiment: String,
        /// The share given.
        holdout_bp: u32,
    },
    /// A rule or list without a named owner.
    #[error("{kind} `{id}` has no owner: name the person or team answerable for it")]
    MissingOwner {
        /// Kind of the rule.
        kind: EntityKind,
        /// Its id.
        id: String,
    },
    /// Assignments that could decide the same price with nothing to choose between them: one
    /// problem for each tie group (assignments joined by ties at one level and priority),
    /// naming its first [`BuildProblem::TIE_NAMED`] assignments and counting the others.
    #[error("{}", ambiguous(assignments, *more, scope, *priority, sku))]
    AmbiguousAssignments {
        /// The group's assignments by id: all of them, or the first
        /// [`BuildProblem::TIE_NAMED`] when there are more.
        assignments: Vec<String>,
        /// How many more assignments the group has than those named.
        more: usize,
        /// The scope they share, in words.
        scope: String,
        /// Their common priority.
        priority: i32,
        /// A SKU two of them price (the first in catalogue order on which two tie).
        sku: Sku,
    },
    /// A cost list assigned to a scope or named as a reference list: a cost list is never a
    /// candidate and never shown to a buyer (SEMANTICS P6d).
    #[error(
        "{kind} `{id}` names price list `{list}`, a cost list: a cost list is never sold or shown as a list price; name a list derived from it"
    )]
    CostListAssigned {
        /// What names it: an assignment or a reference list setting.
        kind: EntityKind,
        /// Its id (an assignment's, or the reference list's own for a reference setting).
        id: String,
        /// The cost list.
        list: PriceListId,
    },
    /// Two cost lists in one currency: the cost of a SKU in that currency would be ambiguous
    /// (SEMANTICS P6d).
    #[error(
        "price lists `{first}` and `{second}` are both cost lists in {currency}: keep one cost list per currency"
    )]
    DuplicateCostList {
        /// The currency.
        currency: String,
        /// The first by id.
        first: PriceListId,
        /// The second by id.
        second: PriceListId,
    },
    /// Margins that cannot apply: a margin below -100 %, a `min_margin` above the
    /// `max_margin`, margins on a cost list, margins on a list whose currency has no cost
    /// list, or a cost list that is relative (SEMANTICS P6d).
    #[error("price list `{list}` has an invalid margin: {detail}")]
    InvalidMargin {
        /// The list.
        list: PriceListId,
        /// What is wrong.
        detail: String,
    },
}

/// How many assignments of a tie group a problem names; the others are counted.
pub(crate) const TIE_NAMED: usize = 5;

impl BuildProblem {
    /// How many assignments of a tie group an [`BuildProblem::AmbiguousAssignments`] names;
    /// the others are counted in its `more`.
    pub const TIE_NAMED: usize = TIE_NAMED;
}

error_codes!(
    /// Every [`BuildProblem::code`], one per variant: stable, renaming one is a breaking
    /// change.
    ///
    /// ```
    /// use tradeterms::{BuildProblem, EntityKind};
    /// let p = BuildProblem::DuplicateId { kind: EntityKind::PriceList, id: "public".into() };
    /// assert_eq!(p.code(), "duplicate_id");
    /// assert!(BuildProblem::CODES.contains(&p.code()));
    /// let json = serde_json::to_value(&p).unwrap();
    /// assert_eq!(json["code"], "duplicate_id");
    /// assert_eq!(json["kind"], "price_list");
    /// assert_eq!(json["id"], "public");
    /// assert_eq!(json["message"], p.to_string());
    /// ```
    BuildProblem {
        EmptyId { kind, position } => "empty_id",
        InvalidId { kind, field, id, fault } => "invalid_id",
        DuplicateId { kind, id } => "duplicate_id",
        DanglingReference { from_kind, from, to_kind, to } => "dangling_reference",
        GuestScope { kind, id } => "guest_scope",
        AccountCycle { accounts } => "account_cycle",
        TooDeep { account, depth, limit } => "too_deep",
        UnknownCurrency { kind, id, code: "currency" } => "unknown_currency",
        MixedCurrency { list, currency, base, base_currency } => "mixed_currency",
        RelativeCycle { lists } => "relative_cycle",
        MixedTaxBasis { net, gross, account } => "mixed_tax_basis",
        RelativeWithEntries { list } => "relative_with_entries",
        RelativeTooDeep { list, limit } => "relative_too_deep",
        InvalidAdjustment { list, detail } => "invalid_adjustment",
        DuplicateAdjustment { list, target, first, second } => "duplicate_adjustment",
        EmptyTiers { list, sku } => "empty_tiers",
        TooManyTiers { list, sku, count, max } => "too_many_tiers",
        TooLarge { kind, count, max } => "too_large",
        ZeroQuantity { list, sku } => "zero_quantity",
        TiersNotIncreasing { list, sku, previous, next } => "tiers_not_increasing",
        NegativePrice { list, sku, min_qty, price } => "negative_price",
        NegativeSpendingLimit { user, account, limit } => "negative_spending_limit",
        ReversedWindow { kind, id, window } => "reversed_window",
        UnknownRole { user, account, role } => "unknown_role",
        UnknownAttribute { kind, id, attr } => "unknown_attribute",
        ConditionTooDeep { kind, id, max } => "condition_too_deep",
        PredicateTypeMismatch { kind, id, attr, expected, found } => "predicate_type_mismatch",
        UnknownRuleRole { kind, id, role } => "unknown_rule_role",
        ConflictingRules { kind, first, second, what } => "conflicting_rules",
        InvalidQuantityRule { kind, id, detail } => "invalid_quantity_rule",
        InvalidUnit { sku, unit, problem } => "invalid_unit",
        UnknownEntryUnit { list, sku, unit } => "unknown_entry_unit",
        NegativeCost { sku, cost } => "negative_cost",
        UnknownApprover { policy, user } => "unknown_approver",
        NoApprovalSteps { policy } => "no_approval_steps",
        InvalidHoldout { experiment, holdout_bp } => "invalid_holdout",
        MissingOwner { kind, id } => "missing_owner",
        AmbiguousAssignments { assignments, more, scope, priority, sku } => "ambiguous_assignments",
        CostListAssigned { kind, id, list } => "cost_list_assigned",
        DuplicateCostList { currency, first, second } => "duplicate_cost_list",
        InvalidMargin { list, detail } => "invalid_margin",
        InvalidQuantityDecimals { sku, decimals, max } => "invalid_quantity_decimals",
        QuantityTooPrecise { sku, what, qty, decimals } => "quantity_too_precise",
    }
);

/// The most characters of one id a message quotes: ids are echoed, never unbounded text.
const QUOTED: usize = 64;

/// `id` in backticks, cut to [`QUOTED`] characters.
pub(crate) fn quoted(id: &str) -> String {
    match id.char_indices().nth(QUOTED) {
        Some((cut, _)) => format!("`{}...`", id.get(..cut).unwrap_or_default()),
        None => format!("`{id}`"),
    }
}

fn ambiguous(assignments: &[String], more: usize, scope: &str, priority: i32, sku: &Sku) -> String {
    let mut names: Vec<String> = assignments.iter().map(|a| quoted(a)).collect();
    let named = match (names.pop(), more) {
        (Some(last), 0) if !names.is_empty() => format!("{} and {last}", names.join(", ")),
        (Some(last), 0) => last,
        (Some(last), _) => {
            names.push(last);
            format!("{} and {more} more", names.join(", "))
        }
        (None, _) => format!("{more}"),
    };
    let sku = quoted(sku.as_str());
    if assignments.len() <= 2 && more == 0 {
        format!(
            "assignments {named} tie for {scope} at priority {priority} (same currency, overlapping windows, both price SKU {sku}): give one of them a higher priority"
        )
    } else {
        let all = assignments.len().saturating_add(more);
        format!(
            "assignments {named} ({all} in all) tie for {scope} at priority {priority} (same currency, overlapping windows, each pricing a SKU another of them prices, such as {sku}): give them different priorities"
        )
    }
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every problem found in a dataset, in a deterministic order: the first
/// [`BuildError::MAX_PROBLEMS`], and how many more were found.
///
/// ```
/// use tradeterms::{Dataset, Snapshot};
/// let dataset: Dataset = serde_json::from_str(r#"{
///   "accounts": [
///     { "id": "a", "name": "A", "parent": "b", "currency": "USD" },
///     { "id": "b", "name": "B", "parent": "a", "currency": "EURO" }
///   ]
/// }"#).unwrap();
/// let err = Snapshot::from_dataset(&dataset).unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// assert_eq!((err.omitted(), err.total()), (0, 2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    problems: Vec<BuildProblem>,
    omitted: usize,
}

impl BuildError {
    /// The most problems an error keeps; the others are only counted ([`BuildError::omitted`]),
    /// so that a dataset with millions of mistakes gives an error of bounded size.
    pub const MAX_PROBLEMS: usize = 100;

    /// Keeps the first [`BuildError::MAX_PROBLEMS`] of `problems` (in the order found, which is
    /// deterministic) and counts the rest.
    pub(crate) fn new(mut problems: Vec<BuildProblem>) -> BuildError {
        let omitted = problems.len().saturating_sub(BuildError::MAX_PROBLEMS);
        problems.truncate(BuildError::MAX_PROBLEMS);
        BuildError { problems, omitted }
    }

    /// The problems, each naming the ids involved: the first [`BuildError::MAX_PROBLEMS`]
    /// found.
    pub fn problems(&self) -> &[BuildProblem] {
        &self.problems
    }

    /// How many more problems were found than [`BuildError::problems`] holds.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// How many problems were found in all.
    pub fn total(&self) -> usize {
        self.problems.len().saturating_add(self.omitted)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the dataset has {} problem(s)", self.total())?;
        for p in &self.problems {
            write!(f, "; {p}")?;
        }
        if self.omitted > 0 {
            write!(
                f,
                "; and {} more not listed: fix these and build again",
                self.omitted
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// Serialises as `{"problems": [...], "omitted": 0, "total": 2}`: each problem with its
/// `code`, ids and `message` ([`BuildProblem::CODES`]), and the counts.
impl Serialize for BuildError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("BuildError", 3)?;
        s.serialize_field("problems", &self.problems)?;
        s.serialize_field("omitted", &self.omitted)?;
        s.serialize_field("total", &self.total())?;
        s.end()
    }
}

/// An error in a query's own inputs.
///
/// An account or SKU the snapshot does not have is not an error: it is answered as one the user
/// may not act for (`Denied`) or may not see (`NotVisible`), so that no one learns which ids
/// exist by probing (SEMANTICS R1-R3). [`Snapshot::sku_exists`](crate::Snapshot::sku_exists) and
/// [`Snapshot::account_exists`](crate::Snapshot::account_exists) answer operators.
///
/// ```
/// use tradeterms::ResolveError;
/// let e = ResolveError::UnknownUser("nobody".into());
/// assert_eq!(e.to_string(), "unknown user `nobody`: it is not in the dataset");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// The user is not in the snapshot: the host signs users in, so this is the host's error,
    /// checked before anything else.
    #[error("unknown user {}: it is not in the dataset", crate::id::quoted(.0.as_str()))]
    UnknownUser(UserId),
    /// A query names a sales channel the dataset does not declare (C1).
    #[error("unknown channel {}: declare it under `channels`", crate::id::quoted(.0.as_str()))]
    UnknownChannel(crate::id::ChannelId),
    /// A query asks for a currency the account does not buy in (C3).
    #[error(
        "account {} does not buy in {currency}: ask for its currency or one under its `currencies`",
        crate::id::quoted(account.as_str())
    )]
    CurrencyNotAccepted {
        /// The account.
        account: AccountId,
        /// The currency asked for.
        currency: crate::money::Currency,
    },
    /// A guest query names no currency: a guest has no account whose default currency could
    /// stand in, so the host says which currency its storefront shows (SEMANTICS G4).
    #[error("a guest query must name a currency: set the context's `currency`")]
    GuestCurrencyRequired,
    /// A line in a unit its SKU is not sold in (SEMANTICS U2). Checked only once the SKU is
    /// known to be visible to the user, so it tells nothing about hidden SKUs.
    #[error(
        "SKU {} is not sold in unit {}: ask for its base unit or one under its `units`",
        crate::id::quoted(sku.as_str()), crate::id::quoted(unit.as_str())
    )]
    UnknownUnit {
        /// The SKU.
        sku: Sku,
        /// The unit asked for.
        unit: crate::id::UnitId,
    },
    /// An impact comparison asked in more contexts than
    /// [`ImpactOptions::MAX_CONTEXTS`](crate::ImpactOptions::MAX_CONTEXTS).
    #[error("an impact comparison takes at most {max} contexts, not {count}: compare in fewer")]
    TooManyContexts {
        /// The contexts asked.
        count: usize,
        /// The most accepted.
        max: usize,
    },
    /// A quantity of zero.
    #[error("quantity must be more than zero for SKU {}", crate::id::quoted(.0.as_str()))]
    ZeroQuantity(Sku),
    /// An order without lines.
    #[error("the order has no lines: add at least one line")]
    EmptyOrder,
    /// A price sheet asked for at a quantity of zero.
    #[error("a price sheet's quantity must be more than zero (use 1 for unit prices)")]
    ZeroSheetQuantity,
    /// A priced line in another currency than the order's (never mixed silently).
    #[error(
        "SKU `{sku}` is priced in {found} but the order is in {expected}: currencies are never mixed"
    )]
    MixedCurrency {
        /// The SKU.
        sku: Sku,
        /// The order's currency.
        expected: crate::money::Currency,
        /// The line's currency.
        found: crate::money::Currency,
    },
    /// An order's subtotal too large for exact decimal arithmetic.
    #[error(
        "the order's subtotal overflows exact decimal arithmetic at the line for SKU `{sku}`: split the order"
    )]
    SubtotalOverflow {
        /// The SKU of the line whose amount no longer fits.
        sku: Sku,
    },
    /// An approval condition overflowed exact decimal arithmetic.
    #[error(
        "evaluating {} overflows exact decimal arithmetic: check its amounts and the order's",
        match policy { Some(p) => format!("approval policy `{p}`"), None => "an approval condition".to_string() }
    )]
    ConditionOverflow {
        /// The policy; absent for a `Buyer` (SEMANTICS A2).
        policy: Option<String>,
    },
    /// A handle ([`AccountHandle`](crate::AccountHandle), [`UserHandle`](crate::UserHandle),
    /// [`SkuHandle`](crate::SkuHandle)) taken from a snapshot whose table of that kind is not
    /// this snapshot's: another build, or a version that added or removed entities of that
    /// kind. Take the handle again from the snapshot asked.
    #[error(
        "the {0} handle was taken from another snapshot: take it again from the snapshot you ask"
    )]
    ForeignHandle(EntityKind),
    /// A relative list's adjustment (its `amount` or `ending`) made a unit price the line
    /// uses negative (SEMANTICS P6c): never priced as a negative amount.
    #[error(
        "the unit price of SKU `{sku}`{} would be negative: check the adjustment's `amount` and `ending`",
        match list { Some(l) => format!(" in price list `{l}`"), None => String::new() }
    )]
    NegativePrice {
        /// The SKU.
        sku: Sku,
        /// The relative list whose adjustment made the price negative (which may be a losing
        /// candidate, a list it derives from, or the reference list); absent for a `Buyer`
        /// (SEMANTICS A2).
        list: Option<PriceListId>,
    },
    /// An amount too large for exact decimal arithmetic.
    #[error(
        "the amount for SKU `{sku}`{} at quantity {qty} overflows exact decimal arithmetic: check the price and quantity",
        match list { Some(l) => format!(" from price list `{l}`"), None => String::new() }
    )]
    Overflow {
        /// The SKU.
        sku: Sku,
        /// The list whose price overflowed (which may be a losing candidate or the reference
        /// list); absent for a `Buyer` (SEMANTICS A2).
        list: Option<PriceListId>,
        /// The quantity asked.
        qty: crate::quantity::Quantity,
    },
    /// A quantity finer than the SKU's `quantity_decimals` (SEMANTICS U7), or one too large
    /// to count in its steps. Checked only once the SKU is known to be visible to the user,
    /// so it tells nothing about hidden SKUs.
    #[error(
        "SKU {} counts quantities to {decimals} decimals: {qty} is not a multiple of its step",
        crate::id::quoted(sku.as_str())
    )]
    QuantityTooPrecise {
        /// The SKU.
        sku: Sku,
        /// The quantity asked.
        qty: crate::quantity::Quantity,
        /// The SKU's quantity decimals.
        decimals: u32,
    },
}

error_codes!(
    /// Every [`ResolveError::code`], one per variant: stable, renaming one is a breaking
    /// change.
    ///
    /// ```
    /// use tradeterms::ResolveError;
    /// let e = ResolveError::UnknownUser("bob".into());
    /// assert_eq!(e.code(), "unknown_user");
    /// assert!(ResolveError::CODES.contains(&"zero_quantity"));
    /// assert_eq!(serde_json::to_value(&e).unwrap(), serde_json::json!({
    ///     "code": "unknown_user", "user": "bob",
    ///     "message": "unknown user `bob`: it is not in the dataset" }));
    /// ```
    ResolveError {
        UnknownUser(user) => "unknown_user",
        UnknownChannel(channel) => "unknown_channel",
        CurrencyNotAccepted { account, currency } => "currency_not_accepted",
        UnknownUnit { sku, unit } => "unknown_unit",
        GuestCurrencyRequired => "guest_currency_required",
        TooManyContexts { count, max } => "too_many_contexts",
        ZeroQuantity(sku) => "zero_quantity",
        EmptyOrder => "empty_order",
        ZeroSheetQuantity => "zero_sheet_quantity",
        MixedCurrency { sku, expected, found } => "mixed_currency",
        SubtotalOverflow { sku } => "subtotal_overflow",
        ConditionOverflow { policy } => "condition_overflow",
        ForeignHandle(kind) => "foreign_handle",
        Overflow { sku, list, qty } => "overflow",
        NegativePrice { sku, list } => "negative_computed_price",
        QuantityTooPrecise { sku, qty, decimals } => "quantity_too_precise",
    }
);
